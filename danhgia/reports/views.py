"""The home page and the reports. Each report view: one access check (the unit and period in the viewer's review
scope), one read model, render or export (exports and bulk reads of members' results are audited)."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from danhgia.accounts.access import access_person, access_report
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.audit.models import Action
from danhgia.lib.forms import parse_id
from danhgia.lib.paging import paginate, query_without_page
from danhgia.lib.text import fold
from danhgia.orgs.models import Unit
from danhgia.orgs.selectors import breadcrumbs, root_rows
from danhgia.periods.models import Period
from danhgia.reports import charts, exports, selectors
from danhgia.reports.common import covering_periods
from danhgia.reports.dashboard import ChildRow, dashboard
from danhgia.reports.profile import profile
from danhgia.reports.quotas import fill_capped, quota_report
from danhgia.reports.screening import DEFAULT_YEARS, MAX_YEARS, MIN_YEARS, screening
from danhgia.reports.synthesis import EXCLUSION_COLUMNS, synthesis
from danhgia.reviews.models import ReviewState


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    mine = selectors.own_reviews(user)  # read once: the tasks and the list of the user's own reviews
    context = {
        "tasks": selectors.pending_work(user, mine=mine),
        "summary": selectors.scope_summary(user),
        "roots": root_rows(user) if not scope_for(user, Perm.ORGS_VIEW).empty else [],
        "own_person": getattr(user, "person", None),
        "my_reviews": mine,
        "may_report": not scope_for(user, Perm.REVIEWS_VIEW).empty,
    }
    return render(request, "reports/home.html", context)


def _target(request: HttpRequest) -> tuple[Unit, Period | None]:
    return access_report(
        request.user, unit_id=parse_id(request.GET.get("don-vi")), period_id=parse_id(request.GET.get("ky"))
    )


def _link(name: str, unit: Unit, period: Period | None, **extra: Any) -> str:
    params = {"don-vi": unit.pk, **({"ky": period.pk} if period else {}), **extra}
    return f"{reverse(name)}?{urlencode(params)}"


def _frame(request: HttpRequest, name: str, unit: Unit, period: Period | None) -> dict[str, Any]:
    """What every report page shows around its tables: where it is (with the way up), which period, the others."""
    scope = scope_for(request.user, Perm.REVIEWS_VIEW)
    return {
        "unit": unit,
        "period": period,
        "crumbs": [(u, _link(name, u, period)) for u, allowed in breadcrumbs(unit, scope) if allowed],
        "periods": [(p, _link(name, unit, p)) for p in covering_periods(unit)],
        "links": {
            key: _link(view, unit, period)
            for key, view in [
                ("dashboard", "reports-dashboard"),
                ("synthesis", "reports-synthesis"),
                ("quotas", "reports-quotas"),
                ("screening", "reports-screening"),
            ]
        },
        "current": name,
    }


def _filename(kind: str, unit: Unit, period: Period, ext: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(unit.name)).strip("-")[:60]
    return f"{kind}-{slug}-{period.year}.{ext}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _no_period(request: HttpRequest, name: str, unit: Unit) -> HttpResponse:
    return render(request, "reports/no_period.html", _frame(request, name, unit, None))


# ------------------------------------------------------------------------------------------------- dashboard
def dashboard_view(request: HttpRequest) -> HttpResponse:
    unit, period = _target(request)
    if period is None:
        return _no_period(request, "reports-dashboard", unit)
    d = dashboard(unit, period, request.user)

    def drill(child: ChildRow) -> str:
        return "" if child.direct else _link("reports-dashboard", child.unit, period)

    context = {
        **_frame(request, "reports-dashboard", unit, period),
        "d": d,
        "states": ReviewState,
        "charts": {
            "members_history": charts.history_chart(d, "members", _("Đảng viên: xếp loại qua các kỳ")),
            "orgs_history": charts.history_chart(d, "party_orgs", _("Tổ chức đảng: xếp loại qua các kỳ")),
            "members_children": charts.children_chart(
                d, "members", _("Đảng viên: xếp loại theo đơn vị trực thuộc"), drill
            ),
        },
        "drill": {c.unit.pk: drill(c) for c in d.children},
        "section_labels": [
            ("members", _("Đảng viên")),
            ("leaders", _("Cán bộ lãnh đạo, quản lý")),
            ("party_orgs", _("Tổ chức đảng")),
            ("bodies", _("Cơ quan, đơn vị, tập thể lãnh đạo")),
        ],
    }
    return render(request, "reports/dashboard.html", context)


# ------------------------------------------------------------------------------------------------- synthesis
def synthesis_view(request: HttpRequest) -> HttpResponse:
    unit, period = _target(request)
    if period is None:
        return _no_period(request, "reports-synthesis", unit)
    s = synthesis(unit, period, request.user)
    context = {
        **_frame(request, "reports-synthesis", unit, period),
        "s": s,
        "groups": paginate(request, s.groups, 50),
        "page_query": query_without_page(request),
        "exclusion_columns": EXCLUSION_COLUMNS,
        "xlsx": _link("reports-synthesis-xlsx", unit, period),
        "pdf": _link("reports-synthesis-pdf", unit, period),
        "drill": {row.unit.pk: _link("reports-synthesis", row.unit, period) for row in s.members + s.orgs if row.unit},
    }
    return render(request, "reports/synthesis.html", context)


def synthesis_export(request: HttpRequest, ext: str) -> HttpResponse:
    unit, period = _target(request)
    if period is None:
        return _no_period(request, "reports-synthesis", unit)
    s = synthesis(unit, period, request.user)
    build, content_type = (
        (lambda: exports.synthesis_xlsx(s), exports.XLSX) if ext == "xlsx" else (lambda: exports.synthesis_pdf(s),
                                                                                 exports.PDF)
    )  # fmt: skip
    content = exports.audited(
        actor=request.user, action=Action.REPORT_SYNTHESIS_EXPORTED, unit=unit,
        label=f"{unit.name} — {period.name} ({ext})", detail={"period": period.pk, "format": ext}, build=build,
    )  # fmt: skip
    return _download(content, content_type, _filename("bieu-tong-hop", unit, period, ext))


# ---------------------------------------------------------------------------------------------------- quotas
def quotas_view(request: HttpRequest) -> HttpResponse:
    unit, period = _target(request)
    if period is None:
        return _no_period(request, "reports-quotas", unit)
    report = quota_report(unit, period, request.user)
    page = paginate(request, report.rows, 30)
    fill_capped(report, list(page.object_list), request.user)
    context = {
        **_frame(request, "reports-quotas", unit, period),
        "r": report,
        "page": page,
        "page_query": query_without_page(request),
        "xlsx": _link("reports-quotas-xlsx", unit, period),
    }
    return render(request, "reports/quotas.html", context)


def quotas_export(request: HttpRequest) -> HttpResponse:
    unit, period = _target(request)
    if period is None:
        return _no_period(request, "reports-quotas", unit)
    report = quota_report(unit, period, request.user)

    def build() -> bytes:
        fill_capped(report, report.rows, request.user)
        return exports.quota_xlsx(report)

    content = exports.audited(
        actor=request.user, action=Action.REPORT_QUOTA_EXPORTED, unit=unit, label=f"{unit.name} — {period.name}",
        detail={"period": period.pk, "format": "xlsx"}, build=build,
    )  # fmt: skip
    return _download(content, exports.XLSX, _filename("ty-le-htxs", unit, period, "xlsx"))


# ------------------------------------------------------------------------------------------------- screening
def _years(request: HttpRequest) -> int:
    return parse_id(request.GET.get("so-nam")) or DEFAULT_YEARS


def screening_view(request: HttpRequest) -> HttpResponse:
    unit, period = _target(request)
    if period is None:
        return _no_period(request, "reports-screening", unit)
    s = screening(unit, period, request.user, years=_years(request))
    exports.audit_read(
        actor=request.user, action=Action.REPORT_SCREENING_VIEWED, unit=unit, label=f"{unit.name} — {period.name}",
        detail={"period": period.pk, "years": s.years},
    )  # fmt: skip
    context = {
        **_frame(request, "reports-screening", unit, period),
        "s": s,
        "year_choices": [(n, _link("reports-screening", unit, period, **{"so-nam": n})) for n in
                         range(MIN_YEARS, MAX_YEARS + 1)],
        "xlsx": _link("reports-screening-xlsx", unit, period, **{"so-nam": s.years}),
        "years_two": [period.year, period.year - 1],
        "years_run": [period.year - i for i in range(s.years)],
    }  # fmt: skip
    return render(request, "reports/screening.html", context)


def screening_export(request: HttpRequest) -> HttpResponse:
    unit, period = _target(request)
    if period is None:
        return _no_period(request, "reports-screening", unit)
    s = screening(unit, period, request.user, years=_years(request), limit=None)
    content = exports.audited(
        actor=request.user, action=Action.REPORT_SCREENING_EXPORTED, unit=unit, label=f"{unit.name} — {period.name}",
        detail={"period": period.pk, "years": s.years, "format": "xlsx"}, build=lambda: exports.screening_xlsx(s),
    )  # fmt: skip
    return _download(content, exports.XLSX, _filename("ra-soat", unit, period, "xlsx"))


# --------------------------------------------------------------------------------------------------- profile
def person_profile(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id)
    p = profile(person, request.user)
    exports.audit_read(
        actor=request.user, action=Action.REPORT_PROFILE_VIEWED, unit=None, label=str(person),
        detail={"person": person.pk, "periods": [line.period.pk for line in p.periods]}, target=person,
    )  # fmt: skip
    return render(request, "reports/profile.html", {"p": p, "person": person})
