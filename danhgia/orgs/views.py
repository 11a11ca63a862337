from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from danhgia.accounts.access import access_unit, require_perm
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib.paging import paginate, query_without_page
from danhgia.orgs import selectors
from danhgia.orgs.models import PARTY_KINDS
from danhgia.people.selectors import STATUS_FILTERS, departed_from, members_of


def tree(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.ORGS_VIEW)
    roots = selectors.root_rows(request.user)
    # A single root opens at once: that is the province (or the commune) of the user.
    expanded = selectors.child_rows(roots[0].unit) if len(roots) == 1 else []
    return render(request, "orgs/tree.html", {"roots": roots, "expanded": expanded})


def children(request: HttpRequest, unit_id: int) -> HttpResponse:
    """htmx fragment: the children of one node, loaded when it is opened."""
    unit = access_unit(request.user, unit_id)
    return render(request, "orgs/_tree_children.html", {"rows": selectors.child_rows(unit), "parent": unit})


def _parse_day(raw: str) -> tuple[dt.date | None, str]:
    if not raw:
        return None, ""
    try:
        return dt.datetime.strptime(raw.strip(), "%d/%m/%Y").date(), ""  # noqa: DTZ007 (a calendar day, no time)
    except ValueError:
        return None, f"Ngày «{raw}» không đúng dạng ngày/tháng/năm, ví dụ 31/12/2025."


def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    user = request.user
    org_scope = scope_for(user, Perm.ORGS_VIEW)
    may_see_people = scope_for(user, Perm.PEOPLE_VIEW).contains(unit.path)
    rows = selectors.child_rows(unit)
    context = {
        "unit": unit,
        "breadcrumbs": selectors.breadcrumbs(unit, org_scope),
        "counts": selectors.subtree_counts([unit.path]),
        "posts": selectors.current_posts(unit),
        "sub_orgs": [r for r in rows if r.unit.kind in PARTY_KINDS],
        "bodies": [r for r in rows if r.unit.kind not in PARTY_KINDS],
        "may_see_people": may_see_people,
        "tab": "lich-su" if request.GET.get("xem") == "lich-su" else "dang-vien",
    }
    collective = [p for p in context["posts"] if p.in_collective]  # type: ignore[attr-defined]
    context["collective"] = collective
    if may_see_people:
        status_key = request.GET.get("loc", "hien-co")
        if status_key not in STATUS_FILTERS:
            status_key = "hien-co"
        day, day_error = _parse_day(request.GET.get("ngay", ""))
        if context["tab"] == "lich-su":
            page = paginate(request, departed_from(unit))
        else:
            page = paginate(request, members_of(unit, statuses=STATUS_FILTERS[status_key][1], on=day))
        context.update(
            page=page, status_key=status_key, status_filters=STATUS_FILTERS, day=day,
            day_raw=request.GET.get("ngay", ""), day_error=day_error, page_query=query_without_page(request),
        )  # fmt: skip
    return render(request, "orgs/unit.html", context)


def missing_heads(request: HttpRequest) -> HttpResponse:
    """Cells in scope without a secretary: the first thing to fix before a period opens."""
    require_perm(request.user, Perm.ORGS_VIEW)
    scope = scope_for(request.user, Perm.ORGS_VIEW)
    page = paginate(request, selectors.cells_without_head(scope).select_related("parent"))
    return render(request, "orgs/missing_heads.html", {"page": page, "page_query": query_without_page(request)})
