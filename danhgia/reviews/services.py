"""Writes to a review before the meeting: the self-review, evidence, reopening, facts, appraisal, shortcomings.

Every service refuses, with a Vietnamese message naming the field and without writing anything, what the
state machine (states.py) or the rules of the process do not allow; every change is audited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.lib import files
from danhgia.lib.text import too_long
from danhgia.people.models import Person
from danhgia.reviews import criteria, notify, states
from danhgia.reviews.access import is_own
from danhgia.reviews.case_builder import parse_facts
from danhgia.reviews.models import (
    LEVEL_CHOICES,
    LEVEL_ORDER,
    CriteriaTable,
    Evidence,
    Review,
    ReviewState,
    ReviewTask,
    Shortcoming,
    ShortcomingStatus,
    TaskStatus,
)
from danhgia.rules.regimes import regime_for_year

if TYPE_CHECKING:
    from danhgia.accounts.models import User

# The written parts of Mẫu 01, 2A, 2B, 2C (HD 43, part A "Nội dung kiểm điểm").
SECTIONS = {
    "uu_diem": "I. Ưu điểm, kết quả đạt được",
    "han_che": "II. Hạn chế, khuyết điểm và nguyên nhân",
    "khac_phuc": (
        "III. Kết quả khắc phục những hạn chế, khuyết điểm đã được cấp có thẩm quyền kết luận "
        "hoặc được chỉ ra ở các kỳ kiểm điểm trước"
    ),
    "giai_trinh": "IV. Giải trình những vấn đề được gợi ý kiểm điểm (nếu có)",
    "trach_nhiem": "V. Làm rõ trách nhiệm của cá nhân đối với những hạn chế, khuyết điểm của tập thể (nếu có)",
    "phuong_huong": "VI. Phương hướng, biện pháp khắc phục hạn chế, khuyết điểm",
}
LEVELS = {code for code, _ in LEVEL_CHOICES}
MAX_TASKS = 60
# Limits of what is typed, refused with the limit named (never cut). A section of 20.000 characters is several
# printed pages of the form; a task's title and its evidence are the columns of the model.
SECTION_MAX = 20_000
TASK_TITLE_MAX = ReviewTask._meta.get_field("title").max_length or 300
TASK_EVIDENCE_MAX = ReviewTask._meta.get_field("evidence").max_length or 500


def loaded_table(review: Review) -> CriteriaTable | None:
    """The province's table a review uses: the one it was begun on, else the newest loaded (None: the default)."""
    if review.criteria_table_id is not None:
        return review.criteria_table
    if review.saved_at is not None:
        return None  # begun on the default table before any was loaded: it stays on it
    return (
        CriteriaTable.objects.filter(province=review.period.unit, year=review.period.year, form_code=review.form_code)
        .order_by("-version")
        .first()
    )


def table_for(review: Review) -> criteria.Table:
    """The criteria table of the review's province, year and form (see loaded_table), else the bundled default."""
    loaded = loaded_table(review)
    if loaded is not None:
        return criteria.parse(loaded.items)
    return criteria.parse(criteria.DEFAULTS[criteria.default_key(review.period.regime, review.form_code)])


def _not_own(review: Review, actor: User | None, field: str = "review") -> None:
    """Nobody acts on their own record: a secretary's own review goes to their deputy or the superior."""
    if is_own(actor, review):
        raise ValidationError(
            {field: "Không ai tự quyết định trên hồ sơ của chính mình: việc này do cấp phó hoặc cấp trên thực hiện."}
        )


def _clean_tasks(tasks: list[dict[str, Any]], errors: dict[str, Any]) -> list[ReviewTask]:
    """The tasks to keep; every row's mistake goes into `errors` (keyed by row, as the page shows them)."""
    if len(tasks) > MAX_TASKS:
        errors["tasks"] = f"Tối đa {MAX_TASKS} nhiệm vụ."
        return []
    clean: list[ReviewTask] = []
    for i, task in enumerate(tasks, start=1):
        title = str(task.get("title", "")).strip()
        status = task.get("status") or TaskStatus.ON_TIME
        evidence = str(task.get("evidence", "")).strip()
        if not title and not evidence:
            continue  # an empty row of the table
        if not title:
            errors[f"task_{i}_title"] = f"Nhiệm vụ thứ {i}: hãy ghi tên nhiệm vụ."
        elif problem := too_long(title, TASK_TITLE_MAX):
            errors[f"task_{i}_title"] = f"Nhiệm vụ thứ {i}: tên nhiệm vụ {problem}."
        if status not in TaskStatus.values:
            errors[f"task_{i}_status"] = f"Nhiệm vụ thứ {i}: kết quả không hợp lệ."
        if problem := too_long(evidence, TASK_EVIDENCE_MAX):
            errors[f"task_{i}_evidence"] = f"Nhiệm vụ thứ {i}: sản phẩm, minh chứng {problem}."
        clean.append(ReviewTask(position=len(clean) + 1, title=title, status=status, evidence=evidence))
    return clean


def _clean_sections(sections: dict[str, str], errors: dict[str, Any]) -> dict[str, str]:
    """The written sections as kept; a line break a browser sends as CR LF counts once, as the page counts it."""
    clean = {code: str(text).replace("\r\n", "\n").strip() for code, text in sections.items()}
    for code, text in clean.items():
        if problem := too_long(text, SECTION_MAX):
            errors[f"section_{code}"] = f"«{SECTIONS[code]}»: {problem}."
    return {code: text for code, text in clean.items() if text}


@transaction.atomic
def review_save(
    *,
    review: Review,
    actor: User | None,
    items: dict[str, Any],
    sections: dict[str, str],
    self_level: str = "",
    tasks: list[dict[str, Any]] | None = None,
) -> Review:
    """Save the self-review draft (also called by the page's autosave)."""
    review = Review.objects.select_for_update(of=("self",)).select_related("period", "period__unit").get(pk=review.pk)
    if review.state != ReviewState.DRAFT:
        raise ValidationError({"review": "Bản kiểm điểm đã nộp: không sửa được nữa. Bí thư có thể mở lại nếu cần."})
    if self_level and self_level not in LEVELS:
        raise ValidationError({"self_level": "Mức tự xếp loại không hợp lệ."})
    loaded = loaded_table(review)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        raise ValidationError({"sections": f"Mục không có trong mẫu: {', '.join(sorted(unknown))}."})
    # Every mistake of the page at once: the points, the texts over their limits, the task rows.
    errors: dict[str, Any] = {}
    try:
        clean_items, general, task = criteria.score(table_for(review), items)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    clean_sections = _clean_sections(sections, errors)
    clean_tasks = _clean_tasks(tasks, errors) if tasks is not None else None
    if errors:
        raise ValidationError(errors)
    before = _saved_values(review, with_tasks=clean_tasks is not None)
    review.items = clean_items
    review.sections = clean_sections
    review.score_general, review.score_task = general, task
    review.self_level = self_level
    review.saved_at = timezone.now()
    review.criteria_table = loaded
    review.save(
        update_fields=["items", "sections", "score_general", "score_task", "self_level", "saved_at", "criteria_table"]
    )
    if clean_tasks is not None:
        ReviewTask.objects.filter(review=review).delete()
        for t in clean_tasks:
            t.review = review
        ReviewTask.objects.bulk_create(clean_tasks)
    old, new = _changes(before, _saved_values(review, with_tasks=clean_tasks is not None))
    record(actor=actor, action=Action.REVIEW_SAVED, target=review, unit=review.context, old=old, new=new)
    return review


def _task_row(task: ReviewTask) -> str:
    status = TaskStatus(task.status).label if task.status in TaskStatus.values else task.status
    return f"{task.title} ({status}{'; ' + task.evidence if task.evidence else ''})"


def _saved_values(review: Review, *, with_tasks: bool) -> dict[str, Any]:
    """What a self-review save can change, as the audit keeps it (tasks as one line each)."""
    values: dict[str, Any] = {
        "score": review.score,
        "self_level": review.self_level,
        "items": dict(review.items or {}),
        "sections": dict(review.sections or {}),
    }
    if with_tasks:
        values["task_rows"] = [_task_row(t) for t in ReviewTask.objects.filter(review=review).order_by("position")]
    return values


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Old and new values of a save, as the other services keep them, but only what changed: of the criteria and
    the written sections the entries that changed (an autosave every few seconds would otherwise copy the
    whole review twice each time); the score and the level always, so that each event reads on its own."""
    old: dict[str, Any] = {"score": before["score"], "self_level": before["self_level"]}
    new: dict[str, Any] = {"score": after["score"], "self_level": after["self_level"]}
    for key in ("items", "sections"):
        was, now = before[key], after[key]
        changed = sorted(k for k in was.keys() | now.keys() if was.get(k) != now.get(k))
        if changed:
            old[key] = {k: was.get(k) for k in changed}
            new[key] = {k: now.get(k) for k in changed}
    if "task_rows" in after and after["task_rows"] != before["task_rows"]:
        old["task_rows"], new["task_rows"] = before["task_rows"], after["task_rows"]
    return old, new


def missing_for_submission(review: Review) -> list[str]:
    """What the self-review still lacks before it can be submitted, in Vietnamese."""
    table = table_for(review)
    missing = []
    codes = [item.code for group in table.groups for item in group.items]
    empty = [c for c in codes if (review.items or {}).get(c) in (None, "")]
    if empty:
        missing.append(
            f"Chưa chấm, đánh giá {len(empty)} tiêu chí ({', '.join(empty[:6])}{'…' if len(empty) > 6 else ''})."
        )
    if not review.self_level:
        missing.append("Chưa tự đề xuất mức xếp loại.")
    if not (review.sections or {}).get("uu_diem"):
        missing.append("Chưa viết phần «Ưu điểm, kết quả đạt được».")
    if review.period.regime == "R2025" and not review.tasks.exists():
        missing.append("Chưa kê khai nhiệm vụ và kết quả (QĐ 366 đếm nhiệm vụ đúng hạn, vượt mức).")
    return missing


@transaction.atomic
def review_submit(*, review: Review, actor: User | None) -> Review:
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("period", "period__unit", "context")
        .get(pk=review.pk)
    )
    new_state = states.next_state(review, "submit")
    missing = missing_for_submission(review)
    if missing:
        raise ValidationError({"review": "Chưa nộp được: " + " ".join(missing)})
    review.state, review.submitted_at = new_state, timezone.now()
    review.save(update_fields=["state", "submitted_at"])
    record(
        actor=actor,
        action=Action.REVIEW_SUBMITTED,
        target=review,
        unit=review.context,
        new={"score": review.score, "self_level": review.self_level},
    )
    _tell_submitted(review)
    return review


def _tell_submitted(review: Review) -> None:
    """Tell the unit's managers: one notice per unit and day that counts the day's submissions (a commune's
    secretary got one per member, some 160 in a small commune), rewritten and shown unread at each one."""
    day = timezone.localdate()
    today = Review.objects.filter(period=review.period, context=review.context, submitted_at__date=day).count()
    if today <= 1:
        text = f"{review.subject_name} đã nộp bản kiểm điểm ({review.period.name})."
        url = reverse("reviews-detail", args=[review.pk])
    else:
        text = (
            f"{today} bản kiểm điểm của {review.context.name} đã nộp ngày {day:%d/%m/%Y} ({review.period.name}); "
            f"mới nhất: {review.subject_name}."
        )
        url = reverse("reviews-unit", args=[review.period_id, review.context_id])
    key = f"submitted:{review.period_id}:{review.context_id}:{day:%Y%m%d}"
    notify.notify_tally(notify.managers_of(review.context), key=key, text=text, url=url)


@transaction.atomic
def review_reopen(*, review: Review, actor: User | None, reason: str) -> Review:
    """The secretary reopens a submitted self-review, with a reason (audited, the subject is told)."""
    review = Review.objects.select_for_update(of=("self",)).select_related("period", "context").get(pk=review.pk)
    _not_own(review, actor)
    new_state = states.next_state(review, "reopen")
    if not reason.strip():
        raise ValidationError({"reason": "Hãy ghi lý do mở lại bản kiểm điểm."})
    review.state = new_state
    review.save(update_fields=["state"])
    record(
        actor=actor,
        action=Action.REVIEW_REOPENED,
        target=review,
        unit=review.context,
        old={"state": ReviewState.SUBMITTED},
        new={"state": new_state, "reason": reason.strip()},
    )
    notify.notify(
        notify.subject_users(review),
        f"Bản kiểm điểm của {review.subject_name} đã được mở lại để bổ sung: {reason.strip()}",
        reverse("reviews-self", args=[review.pk]),
    )
    return review


def check_upload(upload: UploadedFile, field: str) -> str:
    """The file's own name, if it is a kind of file and a size we keep (evidence, a decision's scan) and its
    content is of the kind its name says; else a Vietnamese error on `field`. Types are
    settings.DANHGIA_UPLOAD_EXTENSIONS: documents and images, never a page a browser would run."""
    name = Path(upload.name or "tep").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in settings.DANHGIA_UPLOAD_EXTENSIONS:
        raise ValidationError(
            {field: f"Không nhận tệp «.{extension}»: chỉ nhận {', '.join(settings.DANHGIA_UPLOAD_EXTENSIONS)}."}
        )
    if (upload.size or 0) > settings.DANHGIA_MAX_UPLOAD_MB * 1024 * 1024:
        raise ValidationError({field: f"Tệp lớn hơn {settings.DANHGIA_MAX_UPLOAD_MB} MB."})
    if not files.matches(upload, extension):  # the content, not the name (lib/files.py)
        raise ValidationError(
            {
                field: f"Tệp «{name}» không phải là tệp {files.label(extension)}: nội dung không khớp với đuôi "
                f"«.{extension}» — hãy mở tệp bằng chương trình của nó và lưu lại đúng định dạng, rồi tải lên."
            }
        )
    return name


def attachment_open(*, review: Review, file: Any, name: str, what: str, actor: User | None) -> Any:
    """Open a file attached to a review (evidence, a decision's scan: `what`, «Tệp minh chứng») for download, and
    record who took it: personal data leaves the system (Decree 13/2023). A file gone from storage is
    files.FileMissing (nothing left, nothing recorded)."""
    handle = files.open_stored(file, f"{what} «{name}»")
    record(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=Action.ATTACHMENT_DOWNLOADED,
        target=review,
        unit=review.context,
        new={"file": name},
    )
    return handle


@transaction.atomic
def evidence_add(*, review: Review, upload: UploadedFile, actor: User | None) -> Evidence:
    if review.state != ReviewState.DRAFT:
        raise ValidationError({"file": "Bản kiểm điểm đã nộp: không đính kèm thêm được."})
    name = check_upload(upload, "file")
    evidence = Evidence.objects.create(
        review=review, file=upload, name=name[:200], size=upload.size or 0, uploaded_by=actor
    )
    record(actor=actor, action=Action.EVIDENCE_ADDED, target=review, unit=review.context, new={"file": name})
    return evidence


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor: User | None) -> None:
    review = evidence.review
    if review.state != ReviewState.DRAFT:
        raise ValidationError({"file": "Bản kiểm điểm đã nộp: không gỡ minh chứng được."})
    name = evidence.name
    evidence.file.delete(save=False)
    evidence.delete()
    record(actor=actor, action=Action.EVIDENCE_REMOVED, target=review, unit=review.context, old={"file": name})


@transaction.atomic
def facts_record(*, review: Review, facts: dict[str, Any], actor: User | None) -> Review:
    """Record what the rules read but the subject does not write: discipline, conclusions, civil-servant rating …"""
    review = Review.objects.select_for_update(of=("self",)).select_related("context").get(pk=review.pk)
    if review.state in states.LOCKED:
        raise ValidationError({"facts": "Đã có quyết định xếp loại: dữ kiện không thay đổi được (hãy dùng khiếu nại)."})
    _not_own(review, actor, "facts")
    parse_facts(facts)
    old = review.facts
    review.facts = facts
    review.save(update_fields=["facts"])
    record(actor=actor, action=Action.FACTS_RECORDED, target=review, unit=review.context, old=old, new=facts)
    return review


def departs(level: str, self_level: str) -> bool:
    """A level that departs from the self-assessment by a whole level needs a written reason."""
    return bool(level and self_level) and LEVEL_ORDER[level] != LEVEL_ORDER[self_level]


@transaction.atomic
def review_appraise(*, review: Review, level: str, note: str, actor: User | None) -> Review:
    """The advisory body's appraisal and proposal (QĐ 366 Art. 12 §1, step 2)."""
    review = Review.objects.select_for_update(of=("self",)).select_related("context").get(pk=review.pk)
    _not_own(review, actor, "level")
    new_state = states.next_state(review, "appraise", field="level")
    if level not in LEVELS:
        raise ValidationError({"level": "Hãy chọn mức thẩm định."})
    if departs(level, review.self_level) and not note.strip():
        raise ValidationError({"note": f"Mức {level} khác mức tự đánh giá ({review.self_level}): hãy ghi rõ lý do."})
    old = {"appraised_level": review.appraised_level, "state": review.state}
    review.appraised_level, review.appraisal_note, review.state = level, note.strip(), new_state
    review.save(update_fields=["appraised_level", "appraisal_note", "state"])
    record(
        actor=actor,
        action=Action.REVIEW_APPRAISED,
        target=review,
        unit=review.context,
        old=old,
        new={"appraised_level": level, "note": note.strip()},
    )
    return review


@transaction.atomic
def shortcoming_add(
    *,
    review: Review,
    description: str,
    actor: User | None,
    remedy: str = "",
    owner: Person | None = None,
    deadline: dt.date | None = None,
) -> Shortcoming:
    if not description.strip():
        raise ValidationError({"description": "Hãy ghi nội dung hạn chế, khuyết điểm."})
    if deadline is not None and deadline < review.period.starts_on:
        raise ValidationError({"deadline": "Thời hạn khắc phục không thể trước kỳ đánh giá."})
    item = Shortcoming.objects.create(
        person=review.person,
        unit=review.unit if review.person_id is None else None,
        review=review,
        description=description.strip(),
        remedy=remedy.strip(),
        owner=owner or review.person,
        deadline=deadline,
    )
    record(
        actor=actor,
        action=Action.SHORTCOMING_RECORDED,
        target=review,
        unit=review.context,
        new={"description": item.description, "deadline": deadline, "owner": item.owner_id},
    )
    return item


@transaction.atomic
def shortcoming_update(
    *, item: Shortcoming, status: str, evidence: str, actor: User | None, remedied_on: dt.date | None = None
) -> Shortcoming:
    """Progress of a remedy: status and evidence (the owner or the managers); remedied needs evidence and a date."""
    if status not in ShortcomingStatus.values:
        raise ValidationError({"status": "Trạng thái không hợp lệ."})
    if status == ShortcomingStatus.REMEDIED:
        if not evidence.strip():
            raise ValidationError({"evidence": "Đã khắc phục: hãy ghi kết quả, minh chứng."})
        remedied_on = remedied_on or timezone.localdate()
    old = {"status": item.status, "evidence": item.evidence}
    item.status, item.evidence = status, evidence.strip()
    item.remedied_on = remedied_on if status == ShortcomingStatus.REMEDIED else None
    item.save(update_fields=["status", "evidence", "remedied_on"])
    record(
        actor=actor,
        action=Action.SHORTCOMING_UPDATED,
        target=item.review,
        unit=item.review.context,
        old=old,
        new={"status": status, "evidence": item.evidence, "remedied_on": item.remedied_on},
    )
    return item


@transaction.atomic
def criteria_load(*, province: Any, year: int, form_code: str, items: Any, actor: User | None) -> CriteriaTable:
    """A province's criteria table for a form and year; earlier versions stay (reviews already written keep theirs)."""
    table = criteria.parse(items)
    if form_code not in criteria.DEFAULTS or form_code == "01-grades":
        raise ValidationError({"form_code": f"Không có mẫu «{form_code}»."})
    regime = regime_for_year(year).value
    expected = criteria.parse(criteria.DEFAULTS[criteria.default_key(regime, form_code)]).kind
    if table.kind != expected:
        raise ValidationError(
            {
                "items": f"Năm {year} áp dụng {regime}: bảng tiêu chí mẫu {form_code} phải là loại «{expected}» "
                f"({'chấm điểm' if expected == 'points' else 'xếp mức từng tiêu chí'}), không phải «{table.kind}»."
            }
        )
    latest = (
        CriteriaTable.objects.filter(province=province, year=year, form_code=form_code).order_by("-version").first()
    )
    loaded = CriteriaTable.objects.create(
        province=province,
        year=year,
        form_code=form_code,
        items=items,
        created_by=actor,
        version=(latest.version + 1) if latest else 1,
    )
    record(
        actor=actor,
        action=Action.CRITERIA_LOADED,
        target=loaded,
        unit=province,
        new={"form": form_code, "year": year, "version": loaded.version},
    )
    return loaded
