"""A database restored without its uploads folder (issue 16, item 9): a stored file that is gone is a clear
message on a page with the menu, never a server error, and the pages that list the file still open."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from danhgia.audit.models import Action, AuditEvent
from danhgia.documents.models import DocumentJob, DocumentTemplate, JobState
from danhgia.reviews.models import Decision, Evidence
from tests.documents.test_templates import reworded, upload

GONE = "không còn trên máy chủ"


def _lose(field) -> None:
    """The file of `field` removed from storage, its row kept: what a restore without the uploads folder leaves."""
    field.storage.delete(field.name)
    assert not field.storage.exists(field.name)


def _missing_page(response, *names: str, then: str = "báo cán bộ quản trị hệ thống khôi phục tệp") -> str:
    page = response.content.decode()
    assert response.status_code == 410, response.status_code
    assert GONE in page and then in page
    assert 'href="/"' in page  # the layout with its menu, not a bare error
    for name in names:
        assert name in page
    return page


def test_a_lost_evidence_file_is_a_message_and_the_review_page_still_opens(docs, client_for):
    evidence = Evidence(review=docs.review, name="bao-cao-nhiem-vu.pdf", size=9, uploaded_by=docs.user)
    evidence.file.save("bao-cao-nhiem-vu.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    _lose(evidence.file)
    client = client_for(docs.user)
    _missing_page(client.get(reverse("reviews-evidence", args=[docs.review.pk, evidence.pk])), "bao-cao-nhiem-vu.pdf")
    assert not AuditEvent.objects.filter(action=Action.ATTACHMENT_DOWNLOADED).exists()  # nothing was handed out
    for name in ("reviews-detail", "reviews-self"):
        page = client.get(reverse(name, args=[docs.review.pk]))
        assert page.status_code == 200 and "bao-cao-nhiem-vu.pdf" in page.content.decode()


def test_a_lost_decision_scan_is_a_message_and_the_review_page_still_opens(docs, client_for):
    decision = Decision.objects.get(pk=docs.review.decision_id)
    decision.attachment.save("qd-15.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    _lose(decision.attachment)
    client = client_for(docs.world.users["committee"])
    _missing_page(client.get(reverse("reviews-decision-file", args=[docs.review.pk, decision.pk])), "qd-15.pdf")
    assert client.get(reverse("reviews-detail", args=[docs.review.pk])).status_code == 200


def test_a_lost_word_template_is_a_message_on_every_page_that_uses_it(docs, client_for):
    officer = client_for(docs.world.users["officer"])
    assert upload(officer, docs.world.province, "2B", reworded("2B", "Mẫu của tỉnh")).status_code == 302
    template = DocumentTemplate.objects.get()
    _lose(template.file)
    # The templates page lists it; its download says the file is gone.
    assert officer.get(reverse("documents-templates", args=[docs.world.province.pk])).status_code == 200
    _missing_page(officer.get(reverse("documents-template-file", args=[template.pk])), "mau-tinh.docx")
    # The member's Word form is written from it: a message that says what to do, not a 500; the PDF still comes.
    member = client_for(docs.user)
    page = _missing_page(
        member.get(reverse("documents-review", args=[docs.review.pk, "ban-kiem-diem", "docx"])), "phiên bản 1"
    )
    assert "ngừng dùng" in page
    assert member.get(reverse("documents-review", args=[docs.review.pk, "ban-kiem-diem", "pdf"])).status_code == 200
    # A batch with Word files fails with the same message, not a file path.
    secretary = docs.world.users["secretary_a"]
    client_for(secretary).post(
        reverse("documents-batch", args=[docs.world.period.pk, docs.cell.pk]), {"formats": ["docx"]},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    job = DocumentJob.objects.get(created_by=secretary)
    assert job.state == JobState.FAILED
    assert GONE in job.error and "/" not in job.error.split(":", 1)[0] and "Errno" not in job.error


def test_a_lost_batch_file_is_a_message(docs, client_for):
    secretary = docs.world.users["secretary_a"]
    client = client_for(secretary)
    client.post(reverse("documents-batch", args=[docs.world.period.pk, docs.cell.pk]), {"formats": ["pdf"]},
                HTTP_HX_REQUEST="true")  # fmt: skip
    job = DocumentJob.objects.get(created_by=secretary)
    assert job.state == JobState.DONE
    _lose(job.result)
    # Nothing to restore: the batch is made again from the database.
    _missing_page(client.get(reverse("documents-job-file", args=[job.pk])), then="Hãy tạo lại bộ văn bản")
    assert client.get(reverse("reviews-unit", args=[docs.world.period.pk, docs.cell.pk])).status_code == 200


def test_check_files_lists_the_rows_whose_file_is_missing(docs):
    kept = Evidence(review=docs.review, name="con.pdf", size=9, uploaded_by=docs.user)
    kept.file.save("con.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    lost = Evidence(review=docs.review, name="mat.pdf", size=9, uploaded_by=docs.user)
    lost.file.save("mat.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    out = io.StringIO()
    call_command("check_files", stdout=out)
    assert "thiếu" not in out.getvalue() and "đủ cả" in out.getvalue()
    _lose(lost.file)
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("check_files", stdout=out)
    assert error.value.returncode == 1 and "thiếu 1 tệp" in str(error.value)
    assert out.getvalue().splitlines() == [f"Thiếu tệp: Minh chứng #{lost.pk} (file): {lost.file.name}"]
