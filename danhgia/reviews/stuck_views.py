"""Pages for reviews the ordinary steps cannot bring to a decision (stuck.py), and the secretary's reminder.

Each view: one access check, one service, back to the page it came from; a refused form comes back with what was
typed and the errors next to their fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from danhgia.accounts.access import access_period
from danhgia.lib.forms import apply_errors
from danhgia.reviews import reminders, selectors, stuck
from danhgia.reviews.access import ReviewRights, access_review, access_review_unit, is_own
from danhgia.reviews.forms import LEVEL_OPTIONS, ExclusionForm, NoteForm, UnproposedDecisionForm
from danhgia.reviews.models import LEVEL_ORDER, ReviewState

PREFIXES = {"unproposed": "qd", "exclusion": "loai", "reinstate": "lai"}


def context(request: HttpRequest, review: Any, *, rights: ReviewRights, refused: dict[str, Any]) -> dict[str, Any]:
    """What the review page shows of the authority's way out: which forms, and the exclusion if there is one."""
    unproposed = rights.acts_as_authority and stuck.is_stuck(review)
    form = refused.get("unproposed_form") or UnproposedDecisionForm(prefix=PREFIXES["unproposed"])
    if unproposed and review.state == ReviewState.DRAFT:
        cap = LEVEL_ORDER[stuck.WITHOUT_SELF_REVIEW_MAX]
        field = form.fields["level"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, label) for code, label in LEVEL_OPTIONS if not code or LEVEL_ORDER[code] <= cap]
    return {
        "unproposed": unproposed,
        "unproposed_ground": _ground(review) if unproposed else "",
        "unproposed_form": form,
        "exclusion_form": refused.get("exclusion_form") or ExclusionForm(prefix=PREFIXES["exclusion"]),
        "exclusion": selectors.exclusion_of(review) if review.state == ReviewState.EXCLUDED else None,
        "reinstate_form": refused.get("reinstate_form") or NoteForm(prefix=PREFIXES["reinstate"]),
        "failed_proposal": stuck.failed_proposal(review),
    }


def unit_context(request: HttpRequest, period: Any, unit: Any, reviews: list[Any]) -> dict[str, Any]:
    """The cell's page: the members' self-reviews still drafts, and how many were reminded today."""
    drafts = [r for r in reviews if r.state == ReviewState.DRAFT and r.is_person and not is_own(request.user, r)]
    return {"drafts": drafts, "reminded_today": reminders.reminded_today(drafts) if drafts else 0}


def failed_in(reviews: list[Any]) -> list[Any]:
    """The meeting page: the subjects whose proposal failed the vote (what to do next is said beside them)."""
    failed = []
    for review in reviews:
        proposal = getattr(review, "proposal", None) if review.state == ReviewState.SUBMITTED else None
        if proposal is not None and not proposal.passed:
            failed.append(review)
    return failed


def _ground(review: Any) -> str:
    try:
        return stuck.ground(review)
    except ValidationError:
        return ""


def _again(request: HttpRequest, review: Any, name: str, form: Any) -> HttpResponse:
    from danhgia.reviews.views import _detail

    return _detail(request, review, **{name: form})


@require_POST
def decide_unproposed(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id, action="decide")
    form = UnproposedDecisionForm(request.POST, prefix=PREFIXES["unproposed"])
    form.is_valid()
    try:
        made = stuck.review_decide_unproposed(
            review=review,
            level=form.cleaned_data.get("level", ""),
            reason=form.cleaned_data.get("reason", ""),
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _again(request, review, "unproposed_form", form)
    messages.success(
        request, _("Đã quyết định xếp loại %(name)s: %(level)s.") % {"name": review.subject_name, "level": made.level}
    )
    return redirect("reviews-detail", review_id=review.pk)


@require_POST
def exclude(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id, action="decide")
    form = ExclusionForm(request.POST, prefix=PREFIXES["exclusion"])
    form.is_valid()
    try:
        stuck.review_exclude(
            review=review,
            ground=form.cleaned_data.get("ground", ""),
            note=form.cleaned_data.get("note", ""),
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _again(request, review, "exclusion_form", form)
    messages.success(request, _("%(name)s không xếp loại trong kỳ; lý do đã được ghi.") % {"name": review.subject_name})
    return redirect("reviews-detail", review_id=review.pk)


@require_POST
def reinstate(request: HttpRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id, action="decide")
    form = NoteForm(request.POST, prefix=PREFIXES["reinstate"])
    form.is_valid()
    try:
        stuck.review_reinstate(review=review, note=form.cleaned_data.get("note", ""), actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        apply_errors(form, exc)
        return _again(request, review, "reinstate_form", form)
    messages.success(request, _("%(name)s đã được đưa trở lại kỳ kiểm điểm.") % {"name": review.subject_name})
    return redirect("reviews-detail", review_id=review.pk)


@require_POST
def refer(request: HttpRequest, review_id: int) -> HttpResponse:
    """From the meeting page, after a failed vote: ask the competent authority to decide."""
    review = access_review(request.user, review_id, action="manage")
    form = NoteForm(request.POST, prefix=f"dn{review.pk}")
    form.is_valid()
    try:
        told = stuck.review_refer(review=review, note=form.cleaned_data.get("note", ""), actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(
            request,
            ngettext(
                "Đã đề nghị %(authority)s quyết định xếp loại %(name)s (%(n)d người nhận).",
                "Đã đề nghị %(authority)s quyết định xếp loại %(name)s (%(n)d người nhận).",
                told,
            )
            % {"authority": review.authority.name, "name": review.subject_name, "n": told},
        )
    return redirect("reviews-meeting", period_id=review.period_id, unit_id=review.context_id)


@require_POST
def remind(request: HttpRequest, period_id: int, unit_id: int) -> HttpResponse:
    """The secretary's button on the cell's page: remind the members whose self-review is still a draft."""
    period = access_period(request.user, period_id)
    unit = access_review_unit(request.user, unit_id, for_write=True)
    done = reminders.remind_drafts(period=period, unit=unit, actor=request.user)  # type: ignore[arg-type]
    parts = [
        ngettext(
            "Đã gửi %(n)d lời nhắc nộp bản tự kiểm điểm.",
            "Đã gửi %(n)d lời nhắc nộp bản tự kiểm điểm.",
            done.sent,
        )
        % {"n": done.sent}
    ]
    if done.already:
        parts.append(
            ngettext(
                "%(n)d đảng viên đã được nhắc hôm nay nên không nhắc lại.",
                "%(n)d đảng viên đã được nhắc hôm nay nên không nhắc lại.",
                done.already,
            )
            % {"n": done.already}
        )
    if done.without_account:
        parts.append(
            _("Chưa có tài khoản, hãy nhắc trực tiếp: %(names)s.") % {"names": ", ".join(done.without_account[:20])}
        )
    (messages.success if done.sent else messages.info)(request, " ".join(parts))
    return redirect("reviews-unit", period_id=period.pk, unit_id=unit.pk)
