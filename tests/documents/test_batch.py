"""Batches: a cell's or a commune's documents in one zip, with a job row recording progress and the result."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from danhgia.audit.models import Action, AuditEvent
from danhgia.documents import services
from danhgia.documents.models import DocumentJob, JobState
from danhgia.reviews.models import Review, ReviewState
from tests.documents.conftest import NAME, pdf_text
from tests.documents.test_render import docx_text


def names_in(job: DocumentJob) -> list[str]:
    with job.result.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return archive.namelist()


def read_from(job: DocumentJob, name: str) -> bytes:
    with job.result.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        return archive.read(name)


def test_a_commune_batch_holds_every_submitted_form_the_minutes_and_the_notice(docs, tmp_path):
    world = docs.world
    job = services.job_create(
        period=world.period, unit=world.commune, subtree=True, formats=["docx", "pdf"], actor=world.users["officer"]
    )
    job = services.job_run(job.pk, workers=0)
    assert job.state == JobState.DONE, job.error
    submitted = Review.objects.filter(period=world.period).exclude(state=ReviewState.DRAFT)
    expected_documents = submitted.count() + 1 + 1  # the forms, cell A's minutes, cell A's notice
    names = names_in(job)
    assert job.done == job.total == expected_documents * 2
    assert len(names) == job.total + 1  # and the index
    folder = f"Chi-Bo-Xom-Doi_{docs.cell.pk}"
    own = f"{folder}/Mau-02B_Dang-Ngoc-Huong_{docs.review.pk}"  # named as the screens name the form
    assert f"{own}.docx" in names and f"{own}.pdf" in names
    assert f"{folder}/Bien-ban-hoi-nghi_Chi-Bo-Xom-Doi.pdf" in names
    assert f"{folder}/Thong-bao-ket-qua_Chi-Bo-Xom-Doi_{world.commune.pk}.docx" in names
    # Drafts are not written, only listed in the index; the files are real Word and PDF documents.
    assert not any(f"_{docs.draft.pk}." in name for name in names)
    index = read_from(job, "Danh-muc.txt").decode("utf-8-sig")
    assert f"Chưa nộp bản kiểm điểm (không có trong bộ này): {Review.objects.filter(state='draft').count()}" in index
    assert docs.draft.person.full_name in index
    assert NAME in docx_text(read_from(job, f"{own}.docx"))
    assert NAME in pdf_text(read_from(job, f"{own}.pdf"), tmp_path)
    assert AuditEvent.objects.filter(action=Action.DOCUMENT_BATCH_REQUESTED, target_id=str(job.pk)).exists()


def test_a_cell_batch_in_one_format(docs):
    world = docs.world
    job = services.job_create(
        period=world.period, unit=docs.cell, subtree=False, formats=["pdf"], actor=world.users["secretary_a"]
    )
    job = services.job_run(job.pk, workers=0)
    names = names_in(job)
    assert all(n.endswith(".pdf") for n in names if n != "Danh-muc.txt")
    assert all(n.startswith(f"Chi-Bo-Xom-Doi_{docs.cell.pk}/") for n in names if n != "Danh-muc.txt")


def test_batches_are_refused_when_empty_too_large_or_already_running(docs):
    world = docs.world
    secretary = world.users["secretary_b"]
    with pytest.raises(ValidationError, match="Chưa có văn bản nào để tạo"):
        services.job_create(period=world.period, unit=world.cells[1], subtree=True, formats=["pdf"], actor=secretary)
    officer = world.users["officer"]
    with pytest.raises(ValidationError, match="quá lớn để tạo trên trang web"):
        services.job_create(
            period=world.period, unit=world.commune, subtree=True, formats=["pdf"], actor=officer, limit=3
        )
    with pytest.raises(ValidationError, match="ít nhất một định dạng"):
        services.job_create(period=world.period, unit=world.commune, subtree=True, formats=[], actor=officer)
    first = services.job_create(period=world.period, unit=docs.cell, subtree=True, formats=["pdf"], actor=officer)
    with pytest.raises(ValidationError, match="đang được tạo"):
        services.job_create(period=world.period, unit=docs.cell, subtree=True, formats=["pdf"], actor=officer)
    # A job whose heartbeat stopped (the server restarted mid-way) no longer blocks, and says it was interrupted.
    DocumentJob.objects.filter(pk=first.pk).update(
        state=JobState.RUNNING, heartbeat=timezone.now() - dt.timedelta(minutes=11)
    )
    first.refresh_from_db()
    assert services.job_is_stale(first)
    services.job_create(period=world.period, unit=docs.cell, subtree=True, formats=["pdf"], actor=officer)
    first.refresh_from_db()
    assert first.state == JobState.FAILED and "gián đoạn" in first.error


def test_a_failing_batch_records_its_error(docs, monkeypatch):
    world = docs.world
    job = services.job_create(period=world.period, unit=docs.cell, subtree=True, formats=["pdf"], actor=None)

    def broken(_html: str) -> bytes:
        raise RuntimeError("hỏng")

    monkeypatch.setattr(services.engine, "render_pdf", broken)
    job = services.job_run(job.pk, workers=0)
    assert job.state == JobState.FAILED and "hỏng" in job.error and not job.result


def test_the_unit_page_starts_a_batch_shows_its_progress_and_hands_out_the_zip(docs, client_for):
    world = docs.world
    secretary = world.users["secretary_a"]
    client = client_for(secretary)
    page = client.get(reverse("reviews-unit", args=[world.period.pk, docs.cell.pk])).content.decode()
    assert "Tạo bộ văn bản" in page
    assert reverse("documents-minutes", args=[world.period.pk, docs.cell.pk, "pdf"]) in page
    assert reverse("documents-notice", args=[world.period.pk, docs.cell.pk, world.commune.pk, "docx"]) in page
    url = reverse("documents-batch", args=[world.period.pk, docs.cell.pk])
    # htmx posts the form and swaps the block; the job ran inline (tests), so it is already done.
    block = client.post(url, {"formats": ["docx", "pdf"]}, HTTP_HX_REQUEST="true").content.decode()
    job = DocumentJob.objects.get(created_by=secretary)
    assert job.state == JobState.DONE
    assert reverse("documents-job-file", args=[job.pk]) in block and "Đã tạo xong" in block
    status = client.get(reverse("documents-job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' not in status  # finished: the polling stops
    response = client.get(reverse("documents-job-file", args=[job.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert any(name.endswith(f"_{docs.review.pk}.pdf") for name in archive.namelist())
    assert AuditEvent.objects.filter(action=Action.DOCUMENT_BATCH_DOWNLOADED, actor=secretary).count() == 1
    # Somebody else's batch does not exist for them, even in the same cell.
    other = client_for(world.users["officer"])
    assert other.get(reverse("documents-job", args=[job.pk])).status_code == 404
    assert other.get(reverse("documents-job-file", args=[job.pk])).status_code == 404


def test_a_running_batch_is_polled(docs, client_for, settings):
    settings.DANHGIA_DOCUMENT_JOBS = "queue"  # left for `danhgia documents --pending`
    world = docs.world
    client = client_for(world.users["secretary_a"])
    client.post(reverse("documents-batch", args=[world.period.pk, docs.cell.pk]), {"formats": ["pdf"]})
    job = DocumentJob.objects.get()
    assert job.state == JobState.QUEUED
    DocumentJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, done=2)
    status = client.get(reverse("documents-job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in status and f'value="2" max="{job.total}"' in status
    DocumentJob.objects.filter(pk=job.pk).update(state=JobState.QUEUED, done=0)
    call_command("documents", "--pending", stdout=io.StringIO(), stderr=io.StringIO())
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.done == job.total


def test_the_command_writes_a_commune_zip(docs, tmp_path):
    out = tmp_path / "xa.zip"
    stdout = io.StringIO()
    call_command(
        "documents",
        "--period",
        str(docs.world.period.pk),
        "--unit",
        str(docs.world.commune.pk),
        "--formats",
        "docx",
        "--workers",
        "0",
        "--out",
        str(out),
        stdout=stdout,
        stderr=io.StringIO(),
    )
    assert "Xong" in stdout.getvalue()
    with zipfile.ZipFile(out) as archive:
        assert any(name.endswith(f"_{docs.review.pk}.docx") for name in archive.namelist())


def test_review_documents_cost_a_fixed_number_of_queries(docs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from danhgia.documents import contexts

    ids = list(Review.objects.exclude(state=ReviewState.DRAFT).values_list("pk", flat=True))
    assert len(ids) >= 3
    counts = []
    for some in (ids[:1], ids):
        with CaptureQueriesContext(connection) as queries:
            contexts.review_documents(list(contexts.review_queryset().filter(pk__in=some)))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10, counts
