"""Writing documents: one at a time for a download, in batches into a zip, and a province's Word templates.

Every document handed out is audited (who, which document, which format): the forms carry personal data
(Decree 13/2023/NĐ-CP). A batch is a DocumentJob row that records its progress and its result file; it runs in a
background thread of the web process (`DANHGIA_DOCUMENT_JOBS=thread`, the default, enough for a commune), inline
(`inline`, tests), or is left queued for `danhgia documents --pending` (`queue`, for large installations). The
rendering itself is engine.py's, in worker processes for large batches.
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import connections, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.documents import catalogue, contexts, engine
from danhgia.documents.contexts import Prepared
from danhgia.documents.models import DocumentJob, DocumentTemplate, JobState
from danhgia.lib import files
from danhgia.lib.numbers import number
from danhgia.orgs.models import Unit, path_ids, subtree_q
from danhgia.periods.models import Period
from danhgia.reviews.models import DecisionKind, Meeting, Review, ReviewState

if TYPE_CHECKING:
    from danhgia.accounts.models import User

logger = logging.getLogger(__name__)

FORMATS = {"docx": "Word", "pdf": "PDF"}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
LAYOUTS = {
    "self": "documents/pdf/self.html",
    "collective": "documents/pdf/collective.html",
    "minutes": "documents/pdf/minutes.html",
    "notice": "documents/pdf/notice.html",
}
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
# A running job whose heartbeat is older than this was interrupted (the web process restarted).
STALE_AFTER = dt.timedelta(minutes=10)
CHUNK = 100  # reviews read from the database at a time


# ------------------------------------------------------------------------------------------------ one document
def html_for(prepared: Prepared) -> str:
    """The PDF layout of a document, as HTML: fixed wording from the catalogue, data from the context."""
    spec = catalogue.DOCS[prepared.code]
    context = prepared.context
    extra: dict[str, Any] = {"doc": spec, "headings": catalogue.HEADINGS}
    if spec.kind in {"self", "collective"}:
        extra["boxes"] = [(context[f], label) for f, label in catalogue.LEVEL_BOXES]
        extra["sections"] = [
            (
                catalogue.HEADINGS[
                    "trach_nhiem_tap_the" if spec.kind == "collective" and key == "trach_nhiem" else key
                ],
                context[key],
            )
            for key in ("uu_diem", "han_che", "khac_phuc", "giai_trinh", "trach_nhiem", "phuong_huong")
        ]
    # The document is Vietnamese whatever language the interface is in.
    with translation.override("vi"):
        return render_to_string(LAYOUTS[spec.kind], {**context, **extra})


class Templates:
    """Which Word template a document uses: the province's newest active upload at or above the issuing unit,
    else the bundled one. Cached per batch."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], str] = {}

    def path(self, code: str, unit: Unit) -> str:
        key = (code, unit.path)
        if key not in self._cache:
            self._cache[key] = template_path(code, unit)
        return self._cache[key]


def active_template(code: str, unit: Unit) -> DocumentTemplate | None:
    """The uploaded template that applies to documents issued at `unit`: the deepest unit wins, then the newest."""
    return (
        DocumentTemplate.objects.filter(code=code, active=True, unit_id__in=path_ids(unit.path))
        .select_related("unit")
        .order_by("-unit__path", "-version")
        .first()
    )


def _template_named(template: DocumentTemplate) -> str:
    return f"Mẫu Word «{template.name}» (phiên bản {template.version}) của {template.unit.name}"


# What whoever meets an unusable uploaded template can do about it until it is fixed.
WITHDRAW_HINT = (
    "Cán bộ quản lý mẫu có thể ngừng dùng phiên bản này (trang Mẫu văn bản Word) để dùng lại mẫu trước đó hoặc mẫu "
    "có sẵn, hoặc nạp mẫu đã sửa."
)


def template_path(code: str, unit: Unit) -> str:
    """The Word template's path: the uploaded one that applies (files.FileMissing when its file is gone: a
    document is never silently written from another template than the province chose), else the bundled one."""
    uploaded = active_template(code, unit)
    if uploaded is not None:
        return files.stored_path(
            uploaded.file,
            _template_named(uploaded),
            f"Hãy báo cán bộ quản trị hệ thống khôi phục tệp từ bản sao lưu. {WITHDRAW_HINT}",
        )
    return str(engine.BUNDLED / catalogue.DOCS[code].docx)


def place_of(prepared: Prepared) -> Unit:
    """Where the document belongs (its folder in a zip): the review's place, the meeting's unit, the notice's place."""
    target = prepared.target
    if isinstance(target, Review):
        return target.context
    if isinstance(target, Meeting):
        return target.unit
    assert isinstance(target, Unit)
    return target


def render(prepared: Prepared, fmt: str, templates: Templates | None = None) -> bytes:
    if fmt == "pdf":
        return engine.render_pdf(html_for(prepared))
    # An uploaded template's file never changes (a new version is a new file): its bytes can be cached by path.
    if prepared.issuer is None:
        path = str(engine.BUNDLED / catalogue.DOCS[prepared.code].docx)
    else:
        path = (templates or Templates()).path(prepared.code, prepared.issuer)
    try:
        return engine.render_docx(engine.template_bytes(path), prepared.context)
    except engine.TemplateProblem as problem:
        raise unusable(problem, prepared) from None


def unusable(problem: engine.TemplateProblem, prepared: Prepared | None = None) -> files.Unavailable:
    """A template refused at rendering (one stored before a check it fails, or one that ran over the limits):
    what it is and what to do, for the page or the batch."""
    reason = str(problem).rstrip(".")
    if prepared is None:  # from a batch's worker process, which knows the template's file only
        return files.Unavailable(f"Mẫu Word không dùng được để viết văn bản: {reason}. {WITHDRAW_HINT}")
    uploaded = active_template(prepared.code, prepared.issuer) if prepared.issuer else None
    if uploaded is None:  # the bundled template past a limit: data far beyond any form's
        return files.Unavailable(f"Không viết được văn bản từ mẫu Word có sẵn: {reason}. Hãy báo quản trị hệ thống.")
    return files.Unavailable(f"{_template_named(uploaded)} không dùng được để viết văn bản: {reason}. {WITHDRAW_HINT}")


def document_download(
    *, prepared: Prepared, fmt: str, actor: User | None, target: Any, scope_path: str
) -> tuple[bytes, str]:
    """Render one document for a download and audit it; returns the bytes and a file name."""
    data = render(prepared, fmt)
    record(
        actor=actor,
        action=Action.DOCUMENT_DOWNLOADED,
        target=target,
        scope_path=scope_path,
        new={"document": prepared.code, "format": fmt},
    )
    return data, f"{prepared.name}.{fmt}"


# ------------------------------------------------------------------------------------------------ templates
@transaction.atomic
def template_upload(*, unit: Unit, code: str, upload: UploadedFile, actor: User | None) -> DocumentTemplate:
    """Keep a province's Word template for one document, after checking its fields; refuse with the reason."""
    spec = catalogue.DOCS.get(code)
    if spec is None:
        raise ValidationError({"code": "Văn bản không hợp lệ."})
    name = Path(upload.name or "mau.docx").name
    if not name.lower().endswith(".docx"):
        raise ValidationError(
            {"file": "Chỉ nhận tệp Word .docx (Word 2007 trở lên). Hãy mở tệp bằng Word và lưu lại dạng .docx."}
        )
    if (upload.size or 0) > MAX_TEMPLATE_BYTES:
        raise ValidationError({"file": f"Tệp mẫu lớn hơn {MAX_TEMPLATE_BYTES // (1024 * 1024)} MB."})
    data = upload.read()
    try:
        fields = engine.check_template(data, spec.fields, catalogue.sample_context(code))
    except engine.TemplateProblem as exc:
        raise ValidationError({"file": str(exc)}) from None
    latest = DocumentTemplate.objects.filter(unit=unit, code=code).aggregate(v=Max("version"))["v"] or 0
    template = DocumentTemplate(
        unit=unit, code=code, version=latest + 1, name=name[:200], fields=fields, created_by=actor
    )
    template.file.save(f"{code}-{unit.pk}-v{latest + 1}.docx", ContentFile(data), save=False)
    template.save()
    record(
        actor=actor,
        action=Action.DOCUMENT_TEMPLATE_UPLOADED,
        target=template,
        unit=unit,
        new={"code": code, "version": template.version, "name": template.name, "fields": fields},
    )
    return template


@transaction.atomic
def template_withdraw(*, template: DocumentTemplate, actor: User | None) -> DocumentTemplate:
    """Stop using an uploaded version: the previous active one, or the bundled template, applies again."""
    if not template.active:
        raise ValidationError({"template": "Phiên bản này đã ngừng dùng."})
    template.active = False
    template.save(update_fields=["active"])
    record(
        actor=actor,
        action=Action.DOCUMENT_TEMPLATE_WITHDRAWN,
        target=template,
        unit=template.unit,
        old={"active": True},
        new={"active": False},
    )
    return template


# ------------------------------------------------------------------------------------------------ batches
@dataclass
class Plan:
    """What a batch writes: the reviews' forms, the meetings' minutes, one notice per place and committee."""

    review_ids: list[int] = field(default_factory=list)
    meeting_ids: list[int] = field(default_factory=list)
    notices: list[tuple[int, int]] = field(default_factory=list)  # (place, deciding committee)
    drafts: list[str] = field(default_factory=list)  # not yet submitted: listed, not written

    @property
    def documents(self) -> int:
        return len(self.review_ids) + len(self.meeting_ids) + len(self.notices)


def plan(period: Period, unit: Unit, *, subtree: bool) -> Plan:
    """Submitted reviews only: a draft is its author's until submitted (the review page shows it to them alone)."""
    where = subtree_q(unit.path, "context__path") if subtree else Q(context=unit)
    reviews = Review.objects.filter(period=period).filter(where)
    result = Plan()
    rows = reviews.order_by("context__path", "kind", "person__sort_key", "unit__sort_key", "pk").values_list(
        "pk", "state", "context_id", "decision__authority_id", "submitted_at", "decision__kind"
    )
    notices: dict[tuple[int, int], None] = {}
    for pk, state, context_id, authority_id, submitted_at, decision_kind in rows:
        if state == ReviewState.DRAFT:
            continue
        if authority_id is not None:
            notices[(context_id, authority_id)] = None
        # Never submitted (Review.unsubmitted): taken out of the period, or decided without its self-review.
        if state == ReviewState.EXCLUDED or (submitted_at is None and decision_kind == DecisionKind.UNPROPOSED):
            continue
        result.review_ids.append(pk)
    result.notices = list(notices)
    drafts = reviews.filter(state=ReviewState.DRAFT).select_related("person", "unit", "context")
    result.drafts = [
        f"{r.context.name}: {contexts.subject_of(r)}" for r in drafts.order_by("context__path", "pk")[:5000]
    ]
    meetings = Meeting.objects.filter(period=period).filter(
        subtree_q(unit.path, "unit__path") if subtree else Q(unit=unit)
    )
    result.meeting_ids = list(meetings.order_by("unit__path").values_list("pk", flat=True))
    return result


def web_limit() -> int:
    return int(getattr(settings, "DANHGIA_DOCUMENT_WEB_LIMIT", 5000))


def job_is_stale(job: DocumentJob, now: dt.datetime | None = None) -> bool:
    if job.state not in {JobState.QUEUED, JobState.RUNNING} or job.heartbeat is None:
        return False
    return (now or timezone.now()) - job.heartbeat > STALE_AFTER


@transaction.atomic
def job_create(
    *, period: Period, unit: Unit, subtree: bool, formats: list[str], actor: User | None, limit: int | None = None
) -> DocumentJob:
    """Start writing a unit's documents into one zip; refused while the same person's previous batch runs."""
    formats = [f for f in FORMATS if f in formats]
    if not formats:
        raise ValidationError({"formats": "Hãy chọn ít nhất một định dạng (Word hoặc PDF)."})
    if actor is not None and actor.pk:
        running = list(DocumentJob.objects.filter(created_by=actor, state__in=[JobState.QUEUED, JobState.RUNNING]))
        if any(not job_is_stale(job) for job in running):
            raise ValidationError(
                {"job": "Bộ văn bản bạn yêu cầu trước đó đang được tạo; hãy chờ xong rồi tạo bộ mới."}
            )
        # Interrupted ones (the server restarted under them) are closed as such.
        DocumentJob.objects.filter(pk__in=[job.pk for job in running]).update(
            state=JobState.FAILED, error="Bị gián đoạn (máy chủ khởi động lại)", finished_at=timezone.now()
        )
    planned = plan(period, unit, subtree=subtree)
    total = planned.documents * len(formats)
    if total == 0:
        raise ValidationError({"job": "Chưa có văn bản nào để tạo: chưa có bản kiểm điểm đã nộp hay hội nghị nào."})
    if limit is not None and total > limit:
        # The numbers written the Vietnamese way (the sentence keeps its commas).
        files, most = number(total, vietnamese=True), number(limit, vietnamese=True)
        raise ValidationError(
            {
                "job": f"Bộ văn bản có {files} tệp, quá lớn để tạo trên trang web (tối đa {most}). Hãy tạo theo "
                "từng đảng bộ, chi bộ, hoặc đề nghị quản trị chạy lệnh «danhgia documents»."
            }
        )
    job = DocumentJob.objects.create(
        period=period,
        unit=unit,
        subtree=subtree,
        formats=",".join(formats),
        created_by=actor if actor is not None and actor.pk else None,
        total=total,
        heartbeat=timezone.now(),
    )
    record(
        actor=actor,
        action=Action.DOCUMENT_BATCH_REQUESTED,
        target=job,
        unit=unit,
        new={
            "period": period.pk,
            "subtree": subtree,
            "formats": formats,
            "reviews": len(planned.review_ids),
            "meetings": len(planned.meeting_ids),
            "notices": len(planned.notices),
        },
    )
    return job


_ONE_AT_A_TIME = threading.BoundedSemaphore(1)


def _run_in_thread(job_id: int) -> None:
    try:
        # One batch at a time per web process; a waiting job keeps its heartbeat so it does not look interrupted.
        while not _ONE_AT_A_TIME.acquire(timeout=30):
            DocumentJob.objects.filter(pk=job_id, state=JobState.QUEUED).update(heartbeat=timezone.now())
        try:
            job_run(job_id)
        finally:
            _ONE_AT_A_TIME.release()
    finally:
        connections.close_all()


def job_launch(job: DocumentJob) -> None:
    """Run the job as configured, once the transaction that created it has committed."""
    mode = getattr(settings, "DANHGIA_DOCUMENT_JOBS", "thread")
    if mode == "inline":
        job_run(job.pk)
    elif mode == "thread":
        transaction.on_commit(
            lambda: threading.Thread(
                target=_run_in_thread, args=(job.pk,), name=f"documents-{job.pk}", daemon=True
            ).start()
        )


def workers_for(total: int) -> int:
    """Worker processes for a batch: none for a few documents (starting a worker costs about a second)."""
    configured = getattr(settings, "DANHGIA_DOCUMENT_WORKERS", None)
    workers = engine.default_workers() if configured is None else int(configured)
    return workers if total >= 40 else 0


def _prepared(plan_: Plan) -> Iterator[Prepared]:
    """Every document of the plan, read from the database a chunk at a time, in the plan's order."""
    for start in range(0, len(plan_.review_ids), CHUNK):
        ids = plan_.review_ids[start : start + CHUNK]
        loaded = {r.pk: r for r in contexts.review_queryset().filter(pk__in=ids)}
        yield from contexts.review_documents([loaded[pk] for pk in ids if pk in loaded])
    for start in range(0, len(plan_.meeting_ids), CHUNK):
        ids = plan_.meeting_ids[start : start + CHUNK]
        loaded_meetings = {m.pk: m for m in contexts.meeting_queryset().filter(pk__in=ids)}
        yield from contexts.minutes_documents([loaded_meetings[pk] for pk in ids if pk in loaded_meetings])
    unit_ids = {p for p, _a in plan_.notices} | {a for _p, a in plan_.notices}
    places = {u.pk: u for u in Unit.objects.filter(pk__in=unit_ids)}
    for place_id, authority_id in plan_.notices:
        reviews = (
            contexts.review_queryset()
            .filter(pk__in=plan_.review_ids, context_id=place_id, decision__authority_id=authority_id)
            .order_by("kind", "person__sort_key", "unit__sort_key", "pk")
        )
        found = list(reviews)
        if found:
            yield contexts.notice_document(found, places[place_id], places[authority_id])


def _folder(prepared: Prepared) -> str:
    unit = place_of(prepared)
    return f"{contexts.slug(unit.name)}_{unit.pk}"


def _index(job: DocumentJob, plan_: Plan, names: list[str]) -> str:
    lines = [
        "DANH MỤC BỘ VĂN BẢN",
        f"Kỳ đánh giá: {job.period.name}",
        f"Đơn vị: {job.unit.name}{' (gồm các đơn vị trực thuộc)' if job.subtree else ''}",
        f"Tạo lúc: {timezone.localtime():%H:%M %d/%m/%Y}",
        f"Bản kiểm điểm, báo cáo: {len(plan_.review_ids)}; biên bản hội nghị: {len(plan_.meeting_ids)}; "
        f"thông báo kết quả: {len(plan_.notices)}",
        "",
        f"Chưa nộp bản kiểm điểm (không có trong bộ này): {len(plan_.drafts)}",
        *(f"  - {line}" for line in plan_.drafts),
        "",
        "Các tệp:",
        *(f"  {name}" for name in names),
    ]
    # With a byte-order mark, so that Notepad on older Windows reads it as UTF-8.
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def write_batch(
    planned: Plan,
    formats: list[str],
    archive: zipfile.ZipFile,
    *,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Render every document of `planned` in each format into `archive`; returns the names written, in order."""
    templates = Templates()

    def tasks() -> Iterator[tuple[str, engine.Task]]:
        for prepared in _prepared(planned):
            base = f"{_folder(prepared)}/{prepared.name}"
            for fmt in formats:
                if fmt == "pdf":
                    yield f"{base}.pdf", ("pdf", html_for(prepared))
                else:
                    yield f"{base}.docx", ("docx", templates.path(prepared.code, prepared.issuer), prepared.context)

    names: list[str] = []
    with engine.Renderer(workers) as renderer:
        for name, data in renderer.stream(tasks()):
            archive.writestr(name, data)
            names.append(name)
            if progress is not None:
                progress(len(names))
    return names


def job_run(
    job_id: int, *, workers: int | None = None, progress: Callable[[int, int], None] | None = None
) -> DocumentJob:
    """Write the job's documents into a zip, recording progress; the job row ends done (with its file) or failed."""
    job = DocumentJob.objects.select_related("period", "unit").get(pk=job_id)
    if job.state not in {JobState.QUEUED, JobState.RUNNING}:
        return job
    DocumentJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, heartbeat=timezone.now(), done=0)
    job.state = JobState.RUNNING
    try:
        planned = plan(job.period, job.unit, subtree=job.subtree)
        formats = job.format_list
        total = planned.documents * len(formats)
        DocumentJob.objects.filter(pk=job.pk).update(total=total)
        last = time.monotonic()

        def advance(done: int) -> None:
            nonlocal last
            if progress is not None:
                progress(done, total)
            if time.monotonic() - last > 0.5 or done == total:
                last = time.monotonic()
                DocumentJob.objects.filter(pk=job.pk).update(done=min(done, total), heartbeat=timezone.now())

        tmp_dir = Path(settings.MEDIA_ROOT) / "bo-van-ban" / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=tmp_dir, suffix=".zip", delete=False) as handle:
            tmp = Path(handle.name)
        try:
            count = workers_for(total) if workers is None else workers
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
                names = write_batch(planned, formats, archive, workers=count, progress=advance)
                archive.writestr("Danh-muc.txt", _index(job, planned, names))
            stamp = timezone.localtime()
            filename = f"Bo-van-ban_{contexts.slug(job.unit.name)}_{stamp:%Y%m%d-%H%M}.zip"
            with tmp.open("rb") as result:
                job.result.save(filename, File(result), save=False)
            job.size = tmp.stat().st_size
        finally:
            tmp.unlink(missing_ok=True)
        job.state, job.done, job.total, job.finished_at = (
            JobState.DONE,
            len(names),
            max(len(names), total),
            timezone.now(),
        )
        job.heartbeat = job.finished_at
        job.save(update_fields=["state", "done", "total", "finished_at", "heartbeat", "result", "size"])
    except Exception as exc:
        # No personal data in logs (settings.LOGGING): the job id and the kind of error; the message is kept on
        # the job, which only its creator reads.
        logger.error("document job %s failed: %s", job.pk, type(exc).__name__)
        if isinstance(exc, engine.TemplateProblem):  # raised in a worker, which does not know the template's row
            exc = unusable(exc)
        # A message for the user as it is; anything else with its kind, for whoever is told of it.
        error = str(exc) if isinstance(exc, files.Unavailable) else f"{type(exc).__name__}: {exc}"
        DocumentJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED,
            error=error[:2000],
            finished_at=timezone.now(),
        )
        job.refresh_from_db()
    return job


def job_download(*, job: DocumentJob, actor: User | None) -> DocumentJob:
    if job.state != JobState.DONE or not job.result:
        raise ValidationError({"job": "Bộ văn bản chưa tạo xong."})
    record(
        actor=actor,
        action=Action.DOCUMENT_BATCH_DOWNLOADED,
        target=job,
        unit=job.unit,
        new={"files": job.done, "size": job.size},
    )
    return job


def jobs_purge(*, older_than: dt.timedelta) -> int:
    """Delete the result files of finished batches older than `older_than` (they are regenerated on demand)."""
    cutoff = timezone.now() - older_than
    removed = 0
    for job in DocumentJob.objects.filter(finished_at__lt=cutoff).exclude(result=""):
        job.result.delete(save=False)
        DocumentJob.objects.filter(pk=job.pk).update(result="", size=0)
        removed += 1
    return removed
