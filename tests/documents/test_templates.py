"""A province's own Word templates: checked on upload, refused with the unknown field named, versions kept, the
bundled template as the fallback."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from danhgia.audit.models import Action, AuditEvent
from danhgia.documents import contexts, engine, services
from danhgia.documents.models import DocumentTemplate
from tests.documents.test_render import docx_text


def reworded(code: str, marker: str, extra: str = "") -> bytes:
    """The bundled template with one more paragraph, as a province would edit it in Word."""
    document = Document(str(engine.BUNDLED / f"mau-{code}.docx"))
    document.add_paragraph(f"{marker} {extra}".strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(client, unit, code: str, data: bytes, name: str = "mau-tinh.docx"):
    return client.post(
        reverse("documents-templates", args=[unit.pk]), {"code": code, "file": SimpleUploadedFile(name, data)}
    )


def own_form(docs) -> bytes:
    prepared = contexts.review_documents([contexts.review_queryset().get(pk=docs.review.pk)])[0]
    return services.render(prepared, "docx")


def test_an_unknown_field_is_refused_and_named(docs, client_for):
    client = client_for(docs.world.users["officer"])
    response = upload(client, docs.world.province, "2B", reworded("2B", "Họ và tên:", "{{ ho_va_ten }}"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Mẫu có trường không được hỗ trợ: «ho_va_ten»" in body
    assert not DocumentTemplate.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.DOCUMENT_TEMPLATE_UPLOADED).exists()


def test_broken_or_unsafe_templates_and_other_files_are_refused(docs, client_for):
    client = client_for(docs.world.users["officer"])
    cases = [
        (reworded("2B", "{% for x in %}"), "lỗi cú pháp"),
        # The sandbox refuses Python internals: the test rendering fails instead of reaching them.
        (reworded("2B", "{{ ho_ten.__class__.__mro__ }}"), "Không dựng được văn bản thử"),
        (b"not a zip at all", "không phải tài liệu Word"),
    ]
    for data, message in cases:
        body = upload(client, docs.world.province, "2B", data).content.decode()
        assert message in body, message
    body = upload(client, docs.world.province, "2B", b"{\\rtf1}", name="mau.doc").content.decode()
    assert "Chỉ nhận tệp Word .docx" in body
    assert not DocumentTemplate.objects.exists()


def test_versions_apply_below_the_unit_and_withdrawing_falls_back(docs, client_for):
    client = client_for(docs.world.users["officer"])
    province = docs.world.province
    response = upload(client, province, "2B", reworded("2B", "Mẫu của tỉnh, phiên bản một: {{ ho_ten }}"))
    assert response.status_code == 302
    first = DocumentTemplate.objects.get()
    assert (first.version, first.active, first.fields[:2]) == (1, True, sorted(first.fields)[:2])
    assert "ho_ten" in first.fields
    assert "Mẫu của tỉnh, phiên bản một: Đặng Ngọc Hường" in docx_text(own_form(docs))
    upload(client, province, "2B", reworded("2B", "Phiên bản hai"))
    second = DocumentTemplate.objects.get(version=2)
    assert "Phiên bản hai" in docx_text(own_form(docs))
    page = client.get(reverse("documents-templates", args=[province.pk])).content.decode()
    assert "Phiên bản 2 (mau-tinh.docx)" in page and "ho_ten" in page
    # A commune below the province sees the province's template as the one in force.
    client.post(reverse("documents-template-withdraw", args=[second.pk]))
    assert "phiên bản một" in docx_text(own_form(docs))
    client.post(reverse("documents-template-withdraw", args=[first.pk]))
    text = docx_text(own_form(docs))
    assert "phiên bản một" not in text and "Phiên bản hai" not in text and "Đặng Ngọc Hường" in text
    assert DocumentTemplate.objects.count() == 2  # versions are kept
    actions = list(
        AuditEvent.objects.filter(action__in=[Action.DOCUMENT_TEMPLATE_UPLOADED, Action.DOCUMENT_TEMPLATE_WITHDRAWN])
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [610, 610, 611, 611]
    # The bundled and the uploaded files can be downloaded back to edit.
    for url in (
        reverse("documents-bundled", args=[province.pk, "2B"]),
        reverse("documents-template-file", args=[first.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"PK")


def test_only_those_who_manage_periods_manage_templates(docs, client_for):
    secretary = client_for(docs.world.users["secretary_a"])
    assert secretary.get(reverse("documents-templates", args=[docs.cell.pk])).status_code == 403
    response = upload(secretary, docs.cell, "2B", reworded("2B", "x"))
    assert response.status_code == 403 and not DocumentTemplate.objects.exists()
    committee = client_for(docs.world.users["committee"])
    assert committee.get(reverse("documents-templates", args=[docs.world.province.pk])).status_code in (403, 404)
    officer = client_for(docs.world.users["officer"])
    assert officer.get(reverse("documents-templates", args=[docs.world.commune.pk])).status_code == 200
