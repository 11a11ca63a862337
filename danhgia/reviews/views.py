"""Pages of the review workflow. Each view: one access check, one service or selector, render."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from danhgia.accounts.access import access_period, access_quota_group, refuse, require_perm
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib.error_views import shows_unavailable
from danhgia.lib.forms import apply_errors, parse_id
from danhgia.lib.paging import paginate, query_without_page
from danhgia.people.models import QuotaGroup
from danhgia.reviews import complaints as complaint_services
from danhgia.reviews import criteria, decisions, meetings, presentation, selectors, services, stuck_views
from danhgia.reviews.access import (
    access_complaint,
    access_decision_scan,
    access_evidence,
    access_review,
    access_review_unit,
    access_shortcoming,
    review_rights,
)
from danhgia.reviews.forms import (
    AppraisalForm,
    ComplaintForm,
    CriteriaUploadForm,
    DecisionNumberForm,
    EvidenceForm,
    FactsForm,
    MeetingForm,
    ReasonForm,
    RecordedDecisionForm,
    ShortcomingForm,
    ShortcomingUpdateForm,
)
from danhgia.reviews.models import LEVEL_CHOICES, DecisionKind, ReviewState, TaskStatus
from danhgia.reviews.opening import period_open_reviews, readiness


def _actor(request: HttpRequest) -> Any:
    return request.user


# ------------------------------------------------------------------------------------------------ the period


def period_reviews(request: HttpRequest, period_id: int) -> HttpResponse:
    """The workflow's home for a period: opening (the whole period or one part), progress, each step's page."""
    period = access_period(request.user, period_id)
    require_perm(request.user, Perm.REVIEWS_VIEW)
    openable = selectors.openable_units(period, request.user)
    chosen = _chosen_part(openable, request.GET.get("don_vi"))
    chosen_opened = chosen is not None and selectors.opened_in(period, chosen)
    problems = readiness(period, chosen) if chosen is not None and not chosen_opened else []
    progress = selectors.progress(period, request.user)
    return render(
        request,
        "reviews/period.html",
        {
            "period": period,
            "opened": any(progress.values()),
            "openable": openable,
            "chosen": chosen,
            "chosen_opened": chosen_opened,
            "problems": problems[:200],
            "problem_count": len(problems),
            "progress": progress,
            "places": Paginator(selectors.context_progress(period, request.user), 50).get_page(
                request.GET.get("trang")
            ),
            "states": ReviewState,
            "may_decide": not scope_for(request.user, Perm.REVIEWS_DECIDE).empty,
            "may_criteria": scope_for(request.user, Perm.PERIODS_MANAGE).contains(period.unit.path),
        },
    )


def _chosen_part(openable: list[Any], wanted: str | None) -> Any:
    """The part of the period to open: the one asked for if the viewer may open it, else the first."""
    if not openable:
        return None
    return next((u for u in openable if str(u.pk) == wanted), openable[0])


@require_POST
def period_open(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access_period(request.user, period_id)
    openable = selectors.openable_units(period, request.user)
    part = next((u for u in openable if str(u.pk) == request.POST.get("don_vi", str(period.unit_id))), None)
    if part is None:
        # Not a part of this period the user may open: refused and audited like any out-of-scope write.
        refuse(request.user, period, scope_path=period.unit.path, not_found=False)
    try:
        result = period_open_reviews(period=period, actor=_actor(request), scope=part)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        total = sum(result.created.values())
        messages.success(
            request,
            _("%(unit)s: đã lập %(total)s bản kiểm điểm; %(excluded)s đảng viên không kiểm điểm (có ghi lý do).")
            % {"unit": part.name, "total": total, "excluded": result.excluded},
        )
    return redirect(f"{reverse('reviews-period', args=[period.pk])}?don_vi={part.pk}")


def omissions(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access_period(request.user, period_id)
    require_perm(request.user, Perm.REVIEWS_VIEW)
    return render(
        request,
        "reviews/omissions.html",
        {
            "period": period,
            "omissions": selectors.omissions(period, request.user),
            "exclusions": paginate(request, selectors.exclusions(period, request.user)),
            "unproposed": selectors.unproposed(period, request.user),
            "page_query": query_without_page(request),
        },
    )


def unit_reviews(request: HttpRequest, period_id: int, unit_id: int) -> HttpResponse:
    """The reviews held in a cell or body: the secretary's overview and the meeting's agenda."""
    period = access_period(request.user, period_id)
    unit = access_review_unit(request.user, unit_id)
    reviews = selectors.unit_reviews(period, unit)
    counts = Counter(r.state for r in reviews)
    return render(
        request,
        "reviews/unit.html",
        {
            "period": period,
            "unit": unit,
            "reviews": reviews,
            "counts": [(value, label, counts.get(value, 0)) for value, label in ReviewState.choices],
            "may_manage": scope_for(request.user, Perm.REVIEWS_MANAGE).contains(unit.path),
            "meeting": selectors.meeting_of(period, unit),
            **stuck_views.unit_context(request, period, unit, reviews),
        },
    )


# ------------------------------------------------------------------------------------------------ one review


def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    return _detail(request, access_review(request.user, review_id))


def _detail(
    request: HttpRequest, review: Any, *, shortcoming_form: ShortcomingForm | None = None, **refused: Any
) -> HttpResponse:
    """The review page; with a refused form (a shortcoming, or one of `stuck_views`' forms passed by name), that
    form again with its errors next to its fields."""
    rights = review_rights(request.user, review)
    table = services.table_for(review)
    return render(
        request,
        "reviews/detail.html",
        {
            "review": review,
            "table": table,
            "items": review.items or {},
            "grades": criteria.GRADES,
            "tasks": review.tasks.all(),
            "evidence": review.evidence.all(),
            "sections": services.SECTIONS,
            "decisions": review.decisions.select_related("decided_by", "supersedes").order_by("decided_at", "pk"),
            "complaints": review.complaints.all(),
            "shortcomings": selectors.shortcomings_of(review),
            "proposal": getattr(review, "proposal", None),
            "rights": rights,
            "complaint_deadline": complaint_services.deadline(review),
            "appraisal_form": AppraisalForm(initial={"level": review.appraised_level, "note": review.appraisal_note}),
            "shortcoming_form": shortcoming_form or ShortcomingForm(),
            "reason_form": ReasonForm(),
            "complaint_form": ComplaintForm(),
            **stuck_views.context(request, review, rights=rights, refused=refused),
        },
    )


def _tasks_from(post: Any) -> list[dict[str, str]]:
    titles, statuses, evidence = post.getlist("task_title"), post.getlist("task_status"), post.getlist("task_evidence")
    return [
        {"title": t, "status": s, "evidence": e}
        for t, s, e in zip(titles, statuses + [""] * len(titles), evidence + [""] * len(titles), strict=False)
    ]


def _save_from_post(request: HttpRequest, review: Any) -> Any:
    post = request.POST
    items = {k.removeprefix("item_"): v for k, v in post.items() if k.startswith("item_")}
    sections = {k.removeprefix("section_"): str(v) for k, v in post.items() if k.startswith("section_")}
    return services.review_save(
        review=review,
        actor=_actor(request),
        items=items,
        sections=sections,
        self_level=post.get("self_level", ""),
        tasks=_tasks_from(post),
    )


def self_review(request: HttpRequest, review_id: int) -> HttpResponse:
    """The self-review form (Mẫu 2A/2B/2C/01): sections in the form's order, live score, autosave."""
    review = access_review(request.user, review_id, action="write")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            review = _save_from_post(request, review)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            if "submit" in request.POST:
                try:
                    services.review_submit(review=review, actor=_actor(request))
                except ValidationError as exc:
                    errors = exc.message_dict
                else:
                    messages.success(request, _("Đã nộp bản kiểm điểm. Bản đã nộp không sửa được nữa."))
                    return redirect("reviews-detail", review_id=review.pk)
            else:
                messages.success(request, _("Đã lưu."))
                return redirect("reviews-self", review_id=review.pk)
    rights = review_rights(request.user, review)
    table = services.table_for(review)
    items = (
        {k.removeprefix("item_"): v for k, v in request.POST.items() if k.startswith("item_")}
        if errors
        else (review.items or {})
    )
    sections = (
        {k.removeprefix("section_"): v for k, v in request.POST.items() if k.startswith("section_")}
        if errors
        else (review.sections or {})
    )
    tasks = (
        _tasks_from(request.POST)
        if errors
        else [{"title": t.title, "status": t.status, "evidence": t.evidence} for t in review.tasks.all()]
    )
    return render(
        request,
        "reviews/self_review.html",
        {
            "review": review,
            "table": table,
            "items": items,
            "sections_text": sections,
            "sections": services.SECTIONS,
            "tasks": tasks + [{"title": "", "status": "on_time", "evidence": ""}] * 2,
            "task_statuses": TaskStatus.choices,
            "section_max": services.SECTION_MAX,
            "title_max": services.TASK_TITLE_MAX,
            "evidence_max": services.TASK_EVIDENCE_MAX,
            "levels": LEVEL_CHOICES,
            "grades": criteria.GRADES,
            "errors": errors,
            "rights": rights,
            "missing": services.missing_for_submission(review) if rights.can_edit_self_review else [],
            "earlier": selectors.open_shortcomings_before(review),
            "evidence": review.evidence.all(),
            "evidence_form": EvidenceForm(),
            "self_level": request.POST.get("self_level", review.self_level),
            "reason_form": ReasonForm(),
        },
    )


@require_POST
def self_review_autosave(request: HttpRequest, review_id: int) -> HttpResponse:
    """htmx autosave: saves the draft and answers with the "saved at" line and the live score."""
    review = access_review(request.user, review_id, action="write")
    try:
        review = _save_from_post(request, review)
    except ValidationError as exc:
        return render(request, "reviews/_autosave.html", {"errors": exc.messages}, status=200)
    return render(
        request,
        "reviews/_autosave.html",
        {
            "review": review,
            "saved_at": timezone.localtime(review.saved_at) if review.saved_at else None,
            "missing": services.missing_for_submission(review),
        },
    )


@require_POST
def reopen(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id, action="manage")
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"reason": _("Hãy ghi lý do mở lại bản kiểm điểm.")})
        services.review_reopen(review=review, actor=_actor(request), reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã mở lại bản kiểm điểm; người viết đã được báo."))
    return redirect("reviews-detail", review_id=review.pk)


@require_POST
def evidence_add(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id, action="write")
    form = EvidenceForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError({"file": _("Hãy chọn tệp minh chứng.")})
        services.evidence_add(review=review, upload=form.cleaned_data["file"], actor=_actor(request))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã đính kèm minh chứng."))
    return redirect("reviews-self", review_id=review.pk)


@require_POST
def evidence_remove(request: HttpRequest, review_id: int, evidence_id: int) -> HttpResponse:
    evidence = access_evidence(request.user, review_id, evidence_id, action="write")
    try:
        services.evidence_remove(evidence=evidence, actor=_actor(request))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    return redirect("reviews-self", review_id=evidence.review_id)


@shows_unavailable
def evidence_file(request: HttpRequest, review_id: int, evidence_id: int) -> FileResponse:
    evidence = access_evidence(request.user, review_id, evidence_id)
    handle = services.attachment_open(
        review=evidence.review, file=evidence.file, name=evidence.name, what="Tệp minh chứng", actor=_actor(request)
    )
    return FileResponse(handle, as_attachment=True, filename=evidence.name)


@shows_unavailable
def decision_file(request: HttpRequest, review_id: int, decision_id: int) -> FileResponse:
    """The scanned decision attached when a decision taken outside the system was recorded."""
    decision = access_decision_scan(request.user, review_id, decision_id)
    name = (decision.attachment.name or "quyet-dinh").rsplit("/", 1)[-1]
    handle = services.attachment_open(
        review=decision.review, file=decision.attachment, name=name, what="Bản quét quyết định", actor=_actor(request)
    )
    return FileResponse(handle, as_attachment=True, filename=name)


def facts(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id, action="manage")
    current = review.facts or {}
    discipline = (current.get("discipline") or [{}])[0]
    initial = {
        "discipline_date": discipline.get("date"),
        "discipline_form": discipline.get("form", ""),
        "discipline_self_detected": discipline.get("self_detected_remedied", False),
        "civil_servant_level": current.get("civil_servant_level", ""),
        "sick_leave_months": current.get("sick_leave_months"),
        "confidence_low_share": current.get("confidence_low_share"),
        **{k: True for k, v in (current.get("findings") or {}).items() if v},
    }
    form = FactsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.facts_record(review=review, facts=form.facts(), actor=_actor(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận dữ kiện."))
            return redirect("reviews-detail", review_id=review.pk)
    return render(request, "reviews/facts.html", {"review": review, "form": form})


@require_POST
def appraise(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id, action="appraise")
    form = AppraisalForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"level": _("Hãy chọn mức thẩm định.")})
        services.review_appraise(
            review=review, level=form.cleaned_data["level"], note=form.cleaned_data["note"], actor=_actor(request)
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã ghi ý kiến thẩm định."))
    return redirect("reviews-detail", review_id=review.pk)


@require_POST
def shortcoming_add(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id, action="manage")
    form = ShortcomingForm(request.POST)
    if form.is_valid():
        try:
            services.shortcoming_add(review=review, actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
    if not form.is_valid():
        # What was typed stays, each error next to its field (the form sits low on a long page).
        return _detail(request, review, shortcoming_form=form)
    messages.success(request, _("Đã ghi hạn chế, khuyết điểm cần khắc phục."))
    return redirect("reviews-detail", review_id=review.pk)


def shortcoming_update(request: HttpRequest, shortcoming_id: int) -> HttpResponse:
    """The remedy's progress: the owner (the subject) or the managers of the review update it."""
    item = access_shortcoming(request.user, shortcoming_id)
    form = ShortcomingUpdateForm(request.POST or None, initial={"status": item.status, "evidence": item.evidence})
    if request.method == "POST" and form.is_valid():
        try:
            services.shortcoming_update(item=item, actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật kết quả khắc phục."))
            return redirect("reviews-detail", review_id=item.review_id)
    return render(request, "reviews/shortcoming.html", {"item": item, "form": form})


# ------------------------------------------------------------------------------------------------ the meeting


def meeting(request: HttpRequest, period_id: int, unit_id: int) -> HttpResponse:
    """One grid for the whole cell: the meeting, then each subject's proposed level and vote."""
    period = access_period(request.user, period_id)
    unit = access_review_unit(request.user, unit_id, for_write=True)
    current = selectors.meeting_of(period, unit)
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {
            "held_on": current.held_on,
            "starts_at": current.starts_at,
            "ends_at": current.ends_at,
            "place": current.place,
            "chaired_by": current.chaired_by,
            "secretary": current.secretary,
            "summoned": current.summoned,
            "present": current.present,
            "minutes": current.minutes,
            **{f"excluded_{k}": v for k, v in (current.excluded or {}).items()},
        }
    form = MeetingForm(request.POST or None, initial=initial, prefix="hop")
    row_errors: dict[int, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = 0
        # All or nothing: a refused row leaves the meeting and every other row as they were, and the grid
        # comes back with what was typed.
        with transaction.atomic():
            try:
                recorded = meetings.meeting_record(
                    period=period,
                    unit=unit,
                    held_on=data["held_on"],
                    chaired_by=data["chaired_by"],
                    secretary=data["secretary"],
                    place=data["place"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    summoned=data["summoned"],
                    present=data["present"],
                    excluded=form.excluded(),
                    minutes=data["minutes"],
                    actor=_actor(request),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
                recorded = None
            if recorded is not None:
                for review in selectors.unit_reviews(period, unit):
                    level = request.POST.get(f"level_{review.pk}", "")
                    if not level or not review.is_proposable:
                        continue
                    try:
                        meetings.proposal_record(
                            meeting=recorded,
                            review=review,
                            level=level,
                            actor=_actor(request),
                            votes_for=int(request.POST.get(f"for_{review.pk}") or 0),
                            votes_against=int(request.POST.get(f"against_{review.pk}") or 0),
                            votes_abstain=int(request.POST.get(f"abstain_{review.pk}") or 0),
                            comment=request.POST.get(f"comment_{review.pk}", ""),
                        )
                        saved += 1
                    except (ValidationError, ValueError) as exc:
                        row_errors[review.pk] = (
                            exc.messages if isinstance(exc, ValidationError) else [_("Số phiếu phải là số nguyên.")]
                        )
                if row_errors:
                    transaction.set_rollback(True)
                else:
                    messages.success(request, _("Đã ghi hội nghị và %(n)s đề xuất.") % {"n": saved})
                    return redirect("reviews-meeting", period_id=period.pk, unit_id=unit.pk)
    reviews = selectors.unit_reviews(period, unit)
    return render(
        request,
        "reviews/meeting.html",
        {
            "period": period,
            "unit": unit,
            "form": form,
            "meeting": current,
            "reviews": reviews,
            "levels": LEVEL_CHOICES,
            "row_errors": row_errors,
            "row_rights": {r.pk: review_rights(request.user, r) for r in reviews},
            "counted": meetings.counted(current) if current else None,
            "post": request.POST,
            "basis": meetings.BASIS,
            "failed": stuck_views.failed_in(reviews),
        },
    )


# ------------------------------------------------------------------------------------------------ deciding


def decision_index(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access_period(request.user, period_id)
    require_perm(request.user, Perm.REVIEWS_DECIDE)
    rows = selectors.decision_groups(period, request.user)
    for row in rows:
        row["left"] = row["total"] - row["decided"]
    return render(request, "reviews/decisions.html", {"period": period, "rows": rows})


def _group_for(request: HttpRequest, period: Any, group_id: int) -> QuotaGroup:
    group = access_quota_group(request.user, group_id)
    if group.period_id != period.pk:
        raise Http404(_("Không tìm thấy nhóm."))
    return group


def _back_to_decide(request: HttpRequest, period_id: int, group_id: int) -> HttpResponse:
    """Back to the decision page after a save, on the same filtered view (?xem=) and page (?trang=)."""
    url = reverse("reviews-decide", args=[period_id, group_id])
    view, page = request.GET.get("xem", ""), parse_id(request.GET.get("trang"))
    query = {
        **({"xem": view} if view.isascii() and view.replace("-", "").isalnum() else {}),
        **({"trang": page} if page else {}),
    }
    return redirect(f"{url}?{urlencode(query)}" if query else url)


# The number and date of a decision made in the system: its own prefix, beside the recorded decision's fields in
# the same form.
NUMBERED = "qd"


def decision_page(request: HttpRequest, period_id: int, group_id: int) -> HttpResponse:
    """The heart: the engine over the whole quota group, live; decide one by one or in batch.

    Group 0 holds the subjects the user decides that are in no quota group (a grassroots committee, a
    commune secretary): no quota applies to them, every other rule does.
    """
    period = access_period(request.user, period_id)
    decide_scope = scope_for(request.user, Perm.REVIEWS_DECIDE)
    group: QuotaGroup | None = None
    if group_id:
        group = _group_for(request, period, group_id)
        reviews = decisions.group_reviews(period, group)
    else:
        reviews = decisions.group_reviews(period, None, selectors.ungrouped_review_ids(period, request.user))
    mine = [r for r in reviews if decide_scope.contains(r.authority.path)]
    if not mine:
        if group is None:
            raise Http404(_("Không có đối tượng nào ngoài các nhóm thuộc thẩm quyền của bạn."))
        if not reviews and decide_scope.overlaps(group.unit.path):
            # A group that exists but ranks no review yet (made or emptied after opening): say so, not 404.
            return render(request, "reviews/decide_empty.html", {"period": period, "group": group})
        refuse(request.user, group, scope_path=group.unit.path, not_found=True)
    errors: dict[str, list[str]] = {}
    confirm = None
    batch = False  # the batch's plan is shown, to be confirmed with the decision's number and date
    reasons: dict[int, str] = {}
    numbered = DecisionNumberForm(prefix=NUMBERED)
    # "edit" comes back from the confirmation step to change the levels (what was chosen stays on the page).
    if request.method == "POST" and "edit" not in request.POST:
        levels = {r.pk: request.POST.get(f"level_{r.pk}", "") for r in mine}
        levels = {pk: lv for pk, lv in levels.items() if lv}
        reasons = {r.pk: request.POST.get(f"reason_{r.pk}", "") for r in mine}
        recorded = RecordedDecisionForm(request.POST, request.FILES) if "recorded" in request.POST else None
        if "confirm" in request.POST and recorded is None:
            numbered = DecisionNumberForm(request.POST, prefix=NUMBERED)
        if "suggested" in request.POST and recorded is None:
            # First the plan (what the engine's levels would write, who is left out and why); then, confirmed with
            # the decision's number and date and bound to the plan shown, the batch.
            batch = True
            if numbered.is_bound and numbered.is_valid():
                try:
                    decisions.decide_suggested(
                        reviews=mine,
                        actor=_actor(request),
                        reasons={pk: text for pk, text in reasons.items() if text.strip()},
                        number=numbered.cleaned_data["number"],
                        signed_on=numbered.cleaned_data["signed_on"],
                        signer=numbered.cleaned_data["signer"],
                        expected=request.POST.get("plan", ""),
                    )
                except ValidationError as exc:
                    errors = exc.message_dict if hasattr(exc, "error_dict") else {"levels": exc.messages}
                else:
                    messages.success(
                        request,
                        _(
                            "Đã ghi Quyết định số %(number)s ngày %(date)s theo mức hệ thống tính. Những đối tượng "
                            "cần ghi lý do hoặc chưa đủ điều kiện vẫn ở mục «Chưa quyết định»."
                        )
                        % {
                            "number": numbered.cleaned_data["number"],
                            "date": numbered.cleaned_data["signed_on"].strftime("%d/%m/%Y"),
                        },
                    )
                    return _back_to_decide(request, period.pk, group_id)
            elif numbered.is_bound:
                errors = {k: [str(m) for m in v] for k, v in numbered.errors.items()}
        else:
            try:
                if recorded is not None and not recorded.is_valid():
                    raise ValidationError({k: v for k, v in recorded.errors.items()})
                if recorded is None and not (numbered.is_bound and numbered.is_valid()):
                    # First step: show exactly what will be written before it is, and ask for the decision's
                    # number and date (a decision already signed on paper is recorded as it stands: its scan
                    # cannot travel through a confirmation step).
                    confirm = {lv: [r for r in mine if levels.get(r.pk) == lv] for lv, _label in LEVEL_CHOICES}
                    if not levels:
                        raise ValidationError({"levels": _("Chưa chọn mức cho đối tượng nào.")})
                    if numbered.is_bound:
                        errors = {k: [str(m) for m in v] for k, v in numbered.errors.items()}
                else:
                    extra = recorded.cleaned_data if recorded is not None else numbered.cleaned_data
                    made = decisions.decide(
                        reviews=reviews,
                        levels=levels,
                        reasons=reasons,
                        actor=_actor(request),
                        kind=DecisionKind.RECORDED if recorded is not None else DecisionKind.SYSTEM,
                        number=extra["number"],
                        signed_on=extra["signed_on"],
                        signer=extra.get("signer", ""),
                        attachment=extra.get("attachment"),
                    )
                    messages.success(request, _("Đã quyết định xếp loại %(n)s đối tượng.") % {"n": len(made)})
                    return _back_to_decide(request, period.pk, group_id)
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {"levels": exc.messages}
                confirm = None
    # The quota runs over the whole group; the rows of subjects whose file the reader may not open (a province-wide
    # group seen by a commune's decider) are ranked and counted, unnamed.
    unnamed = {r.pk for r in reviews if not review_rights(request.user, r).can_view}
    for review in reviews:
        if review.pk in unnamed:
            review.hide_subject_name()
    rows, output = decisions.preview(reviews)
    quota = output.quota[0] if output.quota else None
    capped = {int(subject[1:]) for subject in quota.downgraded} if quota else set()
    # The engine names subjects and groups by their case ids (r12, g3): show names instead.
    names = {f"r{row.review.pk}": row.review.subject_name for row in rows}
    if group is not None:
        names[f"g{group.pk}"] = group.name
    warnings = [re.sub(r"\b[rg]\d+\b", lambda m: names.get(m.group(0), m.group(0)), w) for w in output.warnings]
    warnings = presentation.page_warnings(warnings, rows, capped)
    changes, changes_total = selectors.group_changes(period, group, reviews, request.user)
    plan = None
    if batch:
        mine_ids = {r.pk for r in mine}
        plan = decisions.batch_plan(rows, output, mine=mine_ids, actor=_actor(request), reasons=reasons)
    return render(
        request,
        "reviews/decide.html",
        {
            "period": period,
            "group": group,
            "rows": rows,
            "quota": quota,
            "warnings": warnings,
            "mine": {r.pk for r in mine},
            "unnamed": unnamed,
            "capped": capped,
            "chosen": sum(1 for levels in (confirm or {}).values() for _r in levels),
            "levels": LEVEL_CHOICES,
            "errors": errors,
            "confirm": confirm,
            "post": request.POST,
            "recorded_form": RecordedDecisionForm(request.POST or None)
            if "recorded" in request.POST
            else RecordedDecisionForm(),
            "recorded": "recorded" in request.POST,
            "plan": plan,
            "others": len(reviews) - len(mine),
            "numbered": numbered,
            "changes": changes,
            "changes_total": changes_total,
        },
    )


# ------------------------------------------------------------------------------------------------ complaints


@require_POST
def complain(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id)
    if not review_rights(request.user, review).is_author:
        raise PermissionDenied(_("Chỉ người được xếp loại (hoặc người quản lý tập thể) được khiếu nại."))
    form = ComplaintForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"text": _("Hãy ghi nội dung khiếu nại.")})
        complaint = complaint_services.complaint_file(
            review=review, text=form.cleaned_data["text"], actor=_actor(request)
        )
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("reviews-detail", review_id=review.pk)
    messages.success(request, _("Đã gửi khiếu nại; cấp ủy cấp trên sẽ xem xét."))
    return redirect("reviews-complaint", complaint_id=complaint.pk)


def complaint_list(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access_period(request.user, period_id)
    page = paginate(request, selectors.complaints_for(period, request.user))
    return render(
        request, "reviews/complaints.html", {"period": period, "page": page, "page_query": query_without_page(request)}
    )


def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    complaint = access_complaint(request.user, complaint_id, for_write=request.method == "POST")
    review = complaint.review
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign":
                complaint_services.complaint_assign(complaint=complaint, assignee=request.user, actor=_actor(request))  # type: ignore[arg-type]
            elif action == "verify":
                complaint_services.complaint_verify(
                    complaint=complaint, verification=request.POST.get("verification", ""), actor=_actor(request)
                )
            elif action == "uphold":
                complaint_services.complaint_uphold(
                    complaint=complaint, resolution=request.POST.get("resolution", ""), actor=_actor(request)
                )
            elif action == "redecide":
                complaint_services.complaint_redecide(
                    complaint=complaint,
                    level=request.POST.get("level", ""),
                    resolution=request.POST.get("resolution", ""),
                    actor=_actor(request),
                )
            else:
                raise ValidationError({"action": _("Thao tác không hợp lệ.")})
        except ValidationError as exc:
            # Shown next to the field, with what was typed (nothing was written).
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"action": exc.messages}
            complaint.refresh_from_db()
        else:
            messages.success(request, _("Đã cập nhật khiếu nại."))
            return redirect("reviews-complaint", complaint_id=complaint.pk)
    return render(
        request,
        "reviews/complaint.html",
        {
            "complaint": complaint,
            "review": review,
            "rights": review_rights(request.user, review),
            "levels": LEVEL_CHOICES,
            "decisions": review.decisions.select_related("decided_by", "authority").order_by("decided_at", "pk"),
            "errors": errors,
            "post": request.POST if errors else {},
        },
    )


# ------------------------------------------------------------------------------------- criteria, notifications


def criteria_tables(request: HttpRequest, period_id: int) -> HttpResponse:
    """A province's criteria tables for the period's year: the loaded versions, the defaults, and an upload."""
    period = access_period(request.user, period_id)
    may_load = scope_for(request.user, Perm.PERIODS_MANAGE).contains(period.unit.path)
    form = CriteriaUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_load:
            refuse(request.user, period, scope_path=period.unit.path, not_found=False)
        if form.is_valid():
            try:
                data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                form.add_error("file", _("Tệp không phải JSON hợp lệ (UTF-8)."))
            else:
                try:
                    services.criteria_load(
                        province=period.unit,
                        year=period.year,
                        form_code=form.cleaned_data["form_code"],
                        items=data,
                        actor=_actor(request),
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Đã nạp bảng tiêu chí."))
                    return redirect("reviews-criteria", period_id=period.pk)
    tables = list(selectors.criteria_tables(period).select_related("created_by"))
    defaults = {
        code: criteria.parse(criteria.DEFAULTS[criteria.default_key(period.regime, code)])
        for code in (("2A", "2B", "2C", "01") if period.regime == "R2025" else ("02A", "02B", "01"))
    }
    # The table in force for each form: the newest loaded version (the list is newest first), else the default.
    in_force = []
    for code, default in defaults.items():
        newest = next((t for t in tables if t.form_code == code), None)
        in_force.append(
            {
                "code": code,
                "loaded": newest,
                "table": criteria.parse(newest.items) if newest else default,
                "versions": [t for t in tables if t.form_code == code],
            }
        )
    return render(
        request,
        "reviews/criteria.html",
        {
            "period": period,
            "tables": tables,
            "defaults": defaults,
            "in_force": in_force,
            "form": form,
            "may_load": may_load,
            "grades": criteria.GRADES,
        },
    )


def criteria_download(request: HttpRequest, period_id: int, form_code: str) -> JsonResponse:
    """The table in force for a form, as JSON: the starting point a province edits and loads back."""
    period = access_period(request.user, period_id)
    loaded = selectors.criteria_tables(period).filter(form_code=form_code).first()
    if loaded is None and form_code not in criteria.DEFAULTS:
        raise Http404(_("Không có mẫu này."))
    data = loaded.items if loaded else criteria.DEFAULTS[criteria.default_key(period.regime, form_code)]
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="bang-tieu-chi-{form_code}-{period.year}.json"'
    return response


def notifications(request: HttpRequest) -> HttpResponse:
    items = selectors.notifications_of(request.user)
    if request.method == "POST":
        items.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    unread_first = items.order_by(F("read_at").desc(nulls_first=True), "-created_at", "-pk")
    return render(request, "reviews/notifications.html", {"page": paginate(request, unread_first), "page_query": ""})
