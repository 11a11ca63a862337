from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from danhgia.accounts.access import access_person, access_unit, refuse, require_perm
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib.forms import apply_errors
from danhgia.lib.paging import paginate, query_without_page
from danhgia.orgs import selectors, services
from danhgia.orgs.forms import DissolveForm, PickForm, PostEndForm, PostForm, UnitEditForm, UnitForm
from danhgia.orgs.models import PARTY_KINDS, Unit
from danhgia.people.selectors import STATUS_FILTERS, departed_from, member_search, members_of
from danhgia.people.services import post_assign, post_end


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
        return None, _("Ngày «%(raw)s» không đúng dạng ngày/tháng/năm, ví dụ 31/12/2025.") % {"raw": raw}


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
        "may_edit_unit": _may_edit_unit(request, unit),
        "may_edit_posts": scope_for(user, Perm.PEOPLE_EDIT).contains(unit.path),
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


def _may_edit_unit(request: HttpRequest, unit: Unit) -> bool:
    return scope_for(request.user, Perm.ORGS_EDIT).contains(unit.path)


def unit_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Add a unit under this one (a cell, a same-level body, ...)."""
    parent = access_unit(request.user, unit_id, for_write=True)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(
                parent=parent, kind=data["kind"], name=data["name"], code=data["code"], locality=data["locality"] or "",
                is_grassroots=data["is_grassroots"], collective_name=data["collective_name"],
                founded_on=data["founded_on"], actor=request.user,  # type: ignore[arg-type]
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm «%(name)s».") % {"name": unit.name})
            return redirect("orgs-unit", unit_id=unit.pk)
    return render(request, "orgs/unit_form.html", {"unit": parent, "form": form, "adding": True})


def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id, for_write=True)
    initial = {
        f: getattr(unit, f) for f in ("name", "code", "locality", "is_grassroots", "collective_name", "founded_on")
    }
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.unit_update(unit=unit, actor=request.user, locality=data["locality"] or "", **{  # type: ignore[arg-type]
                k: data[k] for k in ("name", "code", "is_grassroots", "collective_name", "founded_on")
            })  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("orgs-unit", unit_id=unit.pk)
    return render(request, "orgs/unit_form.html", {"unit": unit, "form": form, "adding": False})


def unit_move(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id, for_write=True)
    scope = scope_for(request.user, Perm.ORGS_EDIT)
    query = request.GET.get("tim", "") or request.POST.get("tim", "")
    choices = [c for c in selectors.unit_choices(scope, query, kinds=PARTY_KINDS) if c[0] != unit.pk]
    form = PickForm(request.POST or None, choices=choices, label=_("Chuyển đến trực thuộc"))
    if request.method == "POST" and form.is_valid():
        new_parent = access_unit(request.user, form.cleaned_data["choice"], for_write=True)
        try:
            services.unit_move(unit=unit, new_parent=new_parent, actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã chuyển «%(name)s» sang trực thuộc «%(parent)s».")
                % {"name": unit.name, "parent": new_parent.name},
            )
            return redirect("orgs-unit", unit_id=unit.pk)
    return render(request, "orgs/unit_move.html", {"unit": unit, "form": form, "query": query, "choices": choices})


def unit_dissolve(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id, for_write=True)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_dissolve(unit=unit, on=form.cleaned_data["dissolved_on"], actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận giải thể, sáp nhập «%(name)s».") % {"name": unit.name})
            return redirect("orgs-unit", unit_id=unit.pk)
    return render(request, "orgs/unit_dissolve.html", {"unit": unit, "form": form})


def post_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Assign a post in this unit to a person found by name within the editor's scope."""
    unit = access_unit(request.user, unit_id)
    if not scope_for(request.user, Perm.PEOPLE_EDIT).contains(unit.path):
        refuse(request.user, unit, scope_path=unit.path, not_found=False)
    query = request.GET.get("tim", "") or request.POST.get("tim", "")
    choices = [
        (m.member.person_id, f"{m.member.person} — {m.unit.name}")
        for m in member_search(request.user, query)[:20]
    ] if query else []  # fmt: skip
    form = PostForm(request.POST or None, choices=choices, label=_("Người được phân công"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = access_person(request.user, data["choice"])
        try:
            post_assign(
                person=person, unit=unit, title=data["title"], role=data["role"], is_leader=data["is_leader"],
                in_collective=data["in_collective"], starts_on=data["starts_on"], actor=request.user,  # type: ignore[arg-type]
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Đã phân công %(person)s: %(title)s.") % {"person": person, "title": data["title"]}
            )
            return redirect("orgs-unit", unit_id=unit.pk)
    return render(request, "orgs/post_form.html", {"unit": unit, "form": form, "query": query, "choices": choices})


def post_end_view(request: HttpRequest, unit_id: int, post_id: int) -> HttpResponse:
    unit = access_unit(request.user, unit_id)
    if not scope_for(request.user, Perm.PEOPLE_EDIT).contains(unit.path):
        refuse(request.user, unit, scope_path=unit.path, not_found=False)
    post = get_object_or_404(selectors.posts_in(unit), pk=post_id)
    form = PostEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            post_end(post=post, ends_on=form.cleaned_data["ends_on"], actor=request.user)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("%(person)s đã thôi giữ chức vụ %(title)s.") % {"person": post.person, "title": post.title}
            )
            return redirect("orgs-unit", unit_id=unit.pk)
    return render(request, "orgs/post_end.html", {"unit": unit, "post": post, "form": form})
