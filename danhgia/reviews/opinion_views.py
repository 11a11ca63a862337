"""Pages of the opinions step: ask evaluator groups, hand out sheets, answer, read the summaries.

The answer page reached by a single-use link is the only page of DanhGia open without logging in
(accounts/middleware.py): the token in the link is the respondent's whole credential.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from danhgia.accounts.access import access_period
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib.forms import apply_errors, parse_id
from danhgia.reviews import opinions, selectors
from danhgia.reviews.access import (
    access_evaluator_group,
    access_respondent,
    access_review,
    access_review_unit,
    review_rights,
)
from danhgia.reviews.forms import EvaluatorGroupForm, RespondentsForm
from danhgia.reviews.models import Anonymity, EvaluatorGroup, Respondent
from danhgia.reviews.opinions import CHOICE_LABELS


def review_opinions(request: HttpRequest, review_id: int) -> HttpResponse:
    """The opinions on one subject: each group's summary (anonymous groups only from their threshold up)."""
    review = access_review(request.user, review_id)
    groups = opinions.summaries(review)
    can_read_named = review_rights(request.user, review).can_read_named_opinions
    return render(
        request,
        "reviews/opinions/review.html",
        {
            "review": review,
            "groups": groups,
            "composite": opinions.composite(groups),
            "named": opinions.named_opinions(review) if can_read_named else None,
        },
    )


def unit_groups(request: HttpRequest, period_id: int, unit_id: int) -> HttpResponse:
    """A unit's evaluator groups for the period, and the form to ask a new one."""
    period = access_period(request.user, period_id)
    unit = access_review_unit(request.user, unit_id, for_write=request.method == "POST")
    can_manage = scope_for(request.user, Perm.REVIEWS_MANAGE).contains(unit.path)
    subjects = selectors.opinion_subjects(period, unit)
    form = EvaluatorGroupForm(request.POST or None, initial={"min_respondents": opinions.anonymity_floor()})
    chosen = {n for v in request.POST.getlist("review") if (n := parse_id(v)) is not None}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = opinions.group_create(
                period=period,
                unit=unit,
                kind=data["kind"],
                name=data["name"],
                reviews=[r for r in subjects if r.pk in chosen],
                deadline=data["deadline"],
                weight=data["weight"],
                anonymity=data["anonymity"],
                min_respondents=data["min_respondents"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo nhóm lấy ý kiến. Hãy thêm người cho ý kiến."))
            return redirect("opinions-group", group.pk)
    return render(
        request,
        "reviews/opinions/unit.html",
        {
            "period": period,
            "unit": unit,
            "groups": opinions.groups_of(period, unit),
            "subjects": subjects,
            "chosen": chosen,
            "form": form,
            "can_manage": can_manage,
        },
    )


def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    """One group: its subjects and form, its respondents and their progress; add respondents, reissue, revoke."""
    group = access_evaluator_group(request.user, group_id)
    can_manage = scope_for(request.user, Perm.REVIEWS_MANAGE).contains(group.unit.path)
    form = RespondentsForm(request.POST or None)
    issued: list[opinions.Issued] = []
    if request.method == "POST":
        group = access_evaluator_group(request.user, group_id, for_write=True)
        action = request.POST.get("action", "add")
        try:
            if action == "add":
                if form.is_valid():
                    candidates = {u.pk: u for u in selectors.opinion_candidates(group.unit)}
                    users = [candidates[n] for v in request.POST.getlist("user") if (n := parse_id(v)) in candidates]
                    issued = opinions.respondents_add(
                        group=group,
                        users=users,
                        externals=form.external_rows(),
                        actor=request.user,  # type: ignore[arg-type]
                    )
                    messages.success(request, _("Đã thêm %(n)s người cho ý kiến.") % {"n": len(issued)})
            else:
                respondent = _respondent_of(group, request.POST.get("respondent", ""))
                if action == "reissue":
                    link = opinions.respondent_reissue(respondent=respondent, actor=request.user)  # type: ignore[arg-type]
                    issued = [opinions.Issued(respondent, link)]
                elif action == "vouch":
                    opinions.respondent_vouch(respondent=respondent, actor=request.user)  # type: ignore[arg-type]
                    messages.success(request, _("Đã xác nhận %(name)s.") % {"name": respondent.name})
                    return redirect("opinions-group", group.pk)
                elif action == "revoke":
                    opinions.respondent_revoke(respondent=respondent, actor=request.user)  # type: ignore[arg-type]
                    messages.success(request, _("Đã hủy phiếu của %(name)s.") % {"name": respondent.name})
                    return redirect("opinions-group", group.pk)
                else:
                    raise ValidationError({"action": _("Thao tác không hợp lệ.")})
        except ValidationError as exc:
            apply_errors(form, exc)
        if issued and not any(i.link for i in issued):
            return redirect("opinions-group", group.pk)
    return render(
        request,
        "reviews/opinions/group.html",
        {
            "group": group,
            "subjects": group.reviews.select_related("person", "unit").order_by("person__sort_key", "unit__sort_key"),
            "respondents": group.respondents.order_by("name"),
            "vouchable": _vouchable(group, request.user),
            "candidates": selectors.opinion_candidates(group.unit) if can_manage else [],
            "form": form,
            "issued": [i for i in issued if i.link],  # shown once: only the tokens' hashes are kept
            "closed": opinions.is_closed(group),
            "can_manage": can_manage,
            "kinds": opinions.QUESTION_KINDS,
        },
    )


def _vouchable(group: EvaluatorGroup, viewer: Any) -> set[int]:
    """The sheets of an anonymous group the viewer may vouch for: outside ones not yet answered, that do not count
    yet and that someone else added."""
    if not group.is_anonymous:
        return set()
    sheets = group.respondents.filter(user__isnull=True, answered=False, revoked=False, vouched_by__isnull=True)
    return {r.pk for r in sheets if r.added_by_id != viewer.pk}


def _respondent_of(group: EvaluatorGroup, value: str) -> Respondent:
    respondent_id = parse_id(value)
    respondent = group.respondents.filter(pk=respondent_id).first() if respondent_id is not None else None
    if respondent is None:
        raise ValidationError({"respondent": _("Không tìm thấy người cho ý kiến trong nhóm.")})
    return respondent


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The sheet reached by a single-use link (no account): the residence cell, the Front, other bodies."""
    respondent = opinions.respondent_for_token(token)
    if respondent is None:
        return render(request, "reviews/opinions/sheet_gone.html", {"reason": _("Liên kết không hợp lệ.")}, status=404)
    return _sheet(request, respondent, actor=None)


def sheet(request: HttpRequest, respondent_id: int) -> HttpResponse:
    """The same sheet for a respondent with an account."""
    respondent = access_respondent(request.user, respondent_id)
    return _sheet(request, respondent, actor=request.user)


def _sheet(request: HttpRequest, respondent: Respondent, actor: Any) -> HttpResponse:
    reason = opinions.sheet_state(respondent)
    if reason:
        return render(request, "reviews/opinions/sheet_gone.html", {"reason": reason}, status=410)
    group = respondent.group
    subjects = opinions.sheet_reviews(respondent)
    errors: dict[str, list[str]] = {}
    given: dict[int, dict[str, str]] = {}
    if request.method == "POST":
        for review in subjects:
            if request.POST.get(f"skip_{review.pk}"):
                continue
            given[review.pk] = {q["code"]: request.POST.get(f"q_{review.pk}_{q['code']}", "") for q in group.questions}
        try:
            n = opinions.sheet_submit(respondent=respondent, answers=given, actor=actor)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            return render(request, "reviews/opinions/sheet_done.html", {"group": group, "n": n})
    rows = [
        {
            "review": review,
            "skip": bool(request.POST.get(f"skip_{review.pk}")),
            "questions": [
                {
                    **q,
                    "name": f"q_{review.pk}_{q['code']}",
                    "value": request.POST.get(f"q_{review.pk}_{q['code']}", ""),
                    "choices": list(CHOICE_LABELS.get(q["kind"], {}).items()),
                    "errors": errors.get(f"q_{review.pk}_{q['code']}", []),
                }
                for q in group.questions
            ],
        }
        for review in subjects
    ]
    return render(
        request,
        "reviews/opinions/sheet.html",
        {
            "respondent": respondent,
            "group": group,
            "rows": rows,
            "errors": errors.get("sheet", []),
            "anonymous": group.anonymity == Anonymity.ANONYMOUS,
        },
    )


def my_sheets(request: HttpRequest) -> HttpResponse:
    """Sheets waiting for the logged-in user's answer."""
    return render(request, "reviews/opinions/mine.html", {"sheets": opinions.pending_sheets(request.user)})  # type: ignore[arg-type]
