from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from danhgia.accounts.access import (
    access_period,
    access_person,
    access_quota_group,
    access_unit,
    quota_change_scope,
    refuse,
    require_perm,
)
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib.forms import apply_errors, parse_id
from danhgia.lib.paging import paginate, query_without_page
from danhgia.orgs.models import PARTY_KINDS
from danhgia.orgs.selectors import scope_root_units, unit_choices
from danhgia.people.models import PERSON_SUBJECTS, QuotaGroupEntry
from danhgia.people.quota import (
    percent,
    quota_group_add,
    quota_group_create,
    quota_group_delete,
    quota_group_fill,
    quota_group_remove,
)
from danhgia.periods import selectors, services
from danhgia.periods.forms import AddEntryForm, PeriodForm, PhaseForm, QuotaGroupForm
from danhgia.periods.models import PeriodStatus, Phase
from danhgia.reviews import regroup
from danhgia.rules.regimes import REGIME_TITLES, Regime


def period_list(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.PERIODS_VIEW)
    periods = selectors.visible_periods(request.user)
    return render(
        request, "periods/list.html",
        {"periods": periods, "may_create": not scope_for(request.user, Perm.PERIODS_MANAGE).empty},
    )  # fmt: skip


def period_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.PERIODS_MANAGE)
    scope = scope_for(request.user, Perm.PERIODS_MANAGE)
    # The period covers a whole scope root: the province for a provincial officer.
    roots = [u for u in scope_root_units(scope) if u.kind in PARTY_KINDS]
    form = PeriodForm(request.POST or None)
    unit_id = request.POST.get("unit") or (str(roots[0].pk) if roots else "")
    if request.method == "POST" and form.is_valid():
        unit = access_unit(request.user, parsed) if (parsed := parse_id(unit_id)) is not None else None
        if unit is None or not scope.contains(unit.path):
            form.add_error(None, _("Hãy chọn phạm vi của kỳ đánh giá trong phạm vi bạn quản lý."))
        else:
            data = form.cleaned_data
            try:
                period = services.period_create(
                    unit=unit, year=data["year"], kind=data["kind"], quarter=data["quarter"],
                    regime=data["regime"] or None,
                    name=data["name"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                    actor=request.user,  # type: ignore[arg-type]
                )  # fmt: skip
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request, _("Đã tạo «%(name)s» với các bước và thời hạn mặc định.") % {"name": period.name}
                )
                return redirect("periods-detail", period_id=period.pk)
    return render(request, "periods/create.html", {"form": form, "roots": roots, "unit_id": unit_id})


def period_detail(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access_period(request.user, period_id)
    may_manage = scope_for(request.user, Perm.PERIODS_MANAGE).contains(period.unit.path)
    groups = selectors.groups_of(period, request.user)
    phases = selectors.phases_with_progress(period, request.user)
    return render(
        request, "periods/detail.html",
        {
            "period": period, "phases": phases, "regime_title": REGIME_TITLES[Regime(period.regime)],
            "may_manage": may_manage, "transitions": sorted(services.TRANSITIONS[PeriodStatus(period.status)]),
            "group_count": groups.count(), "counted": any(progress.total for _ph, progress in phases),
            "may_manage_quotas": not quota_change_scope(request.user, period).empty,
            "unit_visible": scope_for(request.user, Perm.ORGS_VIEW).contains(period.unit.path),
        },
    )  # fmt: skip


@require_POST
def period_status(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access_period(request.user, period_id, for_write=True)
    try:
        services.period_set_status(period=period, status=request.POST.get("status", ""), actor=request.user)  # type: ignore[arg-type]
    except (ValidationError, ValueError) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else _("Trạng thái không hợp lệ."))
    else:
        messages.success(request, _("Đã cập nhật trạng thái kỳ đánh giá."))
    return redirect("periods-detail", period_id=period.pk)


def phase_edit(request: HttpRequest, period_id: int, phase_id: int) -> HttpResponse:
    period = access_period(request.user, period_id, for_write=True)
    phase = get_object_or_404(Phase, pk=phase_id, period=period)
    form = PhaseForm(request.POST or None, initial={"starts_on": phase.starts_on, "deadline": phase.deadline})
    if request.method == "POST" and form.is_valid():
        try:
            services.phase_update(phase=phase, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật thời hạn bước «%(name)s».") % {"name": phase.name})
            return redirect("periods-detail", period_id=period.pk)
    return render(request, "periods/phase_edit.html", {"period": period, "phase": phase, "form": form})


def group_list(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access_period(request.user, period_id)
    page = paginate(request, selectors.groups_of(period, request.user))
    return render(
        request, "periods/groups.html",
        {"period": period, "page": page, "page_query": query_without_page(request),
         "may_create": not quota_change_scope(request.user, period).empty},
    )  # fmt: skip


def group_create(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access_period(request.user, period_id)
    scope = quota_change_scope(request.user, period)
    if scope.empty:
        refuse(request.user, period, scope_path=period.unit.path, not_found=False)
    query = request.GET.get("tim", "") or request.POST.get("tim", "")
    units = unit_choices(scope, query, kinds=PARTY_KINDS)
    form = QuotaGroupForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = access_unit(request.user, form.cleaned_data["under"])
        if not scope.contains(unit.path):
            form.add_error("under", _("Tổ chức này không thuộc phạm vi bạn được lập nhóm."))
        else:
            data = form.cleaned_data
            try:
                group = quota_group_create(
                    period=period, unit=unit, name=data["name"], subject_kind=data["subject_kind"], rule=form.rule(),
                    rate=data["rate"], rate_reason=data["rate_reason"], rate_decided_by=data["rate_decided_by"],
                    actor=request.user,  # type: ignore[arg-type]
                )  # fmt: skip
                result = quota_group_fill(group=group, actor=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                text = ngettext(
                    "Đã tạo nhóm «%(name)s» gồm %(total)d đối tượng.",
                    "Đã tạo nhóm «%(name)s» gồm %(total)d đối tượng.",
                    result.total,
                ) % {"name": group.name, "total": result.total}
                messages.success(request, text)
                return redirect("periods-group", period_id=period.pk, group_id=group.pk)
    return render(
        request, "periods/group_create.html", {"period": period, "form": form, "query": query, "units": units}
    )


def group_detail(request: HttpRequest, period_id: int, group_id: int) -> HttpResponse:
    group = access_quota_group(request.user, group_id)
    if group.period_id != period_id:
        refuse(request.user, group, scope_path=group.unit.path, not_found=True)
    change_scope = quota_change_scope(request.user, group.period)
    may_manage = change_scope.contains(group.unit.path)
    query = request.GET.get("tim", "")
    choices: list[tuple[int, str]] = []
    if may_manage and query:
        if group.subject_kind in PERSON_SUBJECTS:
            from danhgia.people.selectors import member_search

            choices = [
                (m.member.person_id, f"{m.member.person} — {m.unit.name}")
                for m in member_search(request.user, query, within=group.unit)[:20]
            ]
        else:
            choices = unit_choices(change_scope, query)
    # Everyone who sees the group reads its size; the names listed are those the viewer may see (a member: their
    # own, the Front: none), and the pages are pages of those.
    page = paginate(request, selectors.entries_of(group, request.user))
    total = group.entries.count()
    own_person: int | None = getattr(request.user, "person_id", None)
    return render(
        request, "periods/group.html",
        {"group": group, "period": group.period, "page": page, "page_query": query_without_page(request),
         "rule_text": selectors.rule_text(group), "may_manage": may_manage, "query": query,
         "rate_text": percent(group.rate) if group.rate is not None else "",
         "locked": regroup.group_in_decision(group),
         "add_form": AddEntryForm(choices=choices), "choices": choices,
         "total": total, "hidden": total - page.paginator.count,
         "own_entry": own_person is not None and group.entries.filter(person_id=own_person).exists()},
    )  # fmt: skip


@require_POST
def group_fill(request: HttpRequest, period_id: int, group_id: int) -> HttpResponse:
    group = access_quota_group(request.user, group_id, for_write=True)
    try:
        result = quota_group_fill(group=group, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("periods-group", period_id=group.period_id, group_id=group.pk)
    counts = {"added": result.added, "removed": result.removed, "total": result.total}
    text = _("Đã lập lại danh sách: thêm %(added)d, bỏ %(removed)d, tổng %(total)d.") % counts
    if result.conflicts:
        n = len(result.conflicts)
        text += " " + ngettext(
            "%(n)d đối tượng đã thuộc nhóm khác nên không thêm.",
            "%(n)d đối tượng đã thuộc nhóm khác nên không thêm.",
            n,
        ) % {"n": n}
    messages.success(request, text)
    if result.refused:
        # Decisions were taken under a group's quota: those subjects stay where they are, each with the reason.
        messages.warning(request, "; ".join(reason for _subject, reason in result.refused[:20]))
    return redirect("periods-group", period_id=group.period_id, group_id=group.pk)


@require_POST
def group_add(request: HttpRequest, period_id: int, group_id: int) -> HttpResponse:
    group = access_quota_group(request.user, group_id, for_write=True)
    form = AddEntryForm(request.POST, choices=[(parse_id(request.POST.get("subject")) or 0, "")])
    if form.is_valid():
        subject_id = form.cleaned_data["subject"]
        try:
            if group.subject_kind in PERSON_SUBJECTS:
                person = access_person(request.user, subject_id)
                quota_group_add(group=group, person=person, actor=request.user)  # type: ignore[arg-type]
            else:
                quota_group_add(group=group, unit=access_unit(request.user, subject_id), actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
        else:
            messages.success(request, _("Đã bổ sung vào nhóm."))
    else:
        messages.error(request, _("Hãy tìm và chọn đối tượng để bổ sung."))
    return redirect("periods-group", period_id=group.period_id, group_id=group.pk)


@require_POST
def group_remove(request: HttpRequest, period_id: int, group_id: int, entry_id: int) -> HttpResponse:
    group = access_quota_group(request.user, group_id, for_write=True)
    entry = get_object_or_404(QuotaGroupEntry, pk=entry_id, group=group)
    try:
        quota_group_remove(entry=entry, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã loại khỏi nhóm."))
    return redirect("periods-group", period_id=group.period_id, group_id=group.pk)


@require_POST
def group_delete(request: HttpRequest, period_id: int, group_id: int) -> HttpResponse:
    group = access_quota_group(request.user, group_id, for_write=True)
    period_id = group.period_id
    try:
        quota_group_delete(group=group, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("periods-group", period_id=period_id, group_id=group.pk)
    messages.success(request, _("Đã xóa nhóm."))
    return redirect("periods-groups", period_id=period_id)
