from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from danhgia.accounts.access import access_person, access_unit, require_perm
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib.forms import apply_errors
from danhgia.lib.paging import paginate, query_without_page
from danhgia.orgs.models import CELL_KINDS
from danhgia.orgs.selectors import unit_choices
from danhgia.people import selectors, services
from danhgia.people.forms import SearchForm, StatusForm, TransferForm


def search(request: HttpRequest) -> HttpResponse:
    """Member search in the user's scope, accent-insensitive, in the Vietnamese order."""
    require_perm(request.user, Perm.PEOPLE_VIEW)
    form = SearchForm(request.GET or None)
    page = None
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        if query.strip():
            page = paginate(request, selectors.member_search(request.user, query))
    template = "people/_search_results.html" if request.htmx else "people/search.html"  # type: ignore[attr-defined]
    return render(
        request, template,
        {
            "form": form,
            "page": page,
            "searched": page is not None,
            "query": query,
            "page_query": query_without_page(request),
        },
    )  # fmt: skip


def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id)
    member = selectors.party_member_of(person)
    memberships = selectors.memberships_of(person)
    current = next((m for m in memberships if m.valid_to is None), None)
    may_edit = (
        member is not None
        and current is not None
        and scope_for(request.user, Perm.PEOPLE_EDIT).contains(current.unit.path)
    )
    return render(
        request, "people/person.html",
        {"person": person, "member": member, "memberships": memberships, "current": current,
         "posts": selectors.posts_of(person), "may_edit": may_edit, "status_form": StatusForm()},
    )  # fmt: skip


def transfer(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id, for_write=True)
    member = selectors.party_member_of(person)
    if member is None:
        messages.error(request, _("%(person)s không có hồ sơ đảng viên.") % {"person": person})
        return redirect("people-person", person_id=person.pk)
    query = request.GET.get("tim", "") or request.POST.get("tim", "")
    cells = unit_choices(scope_for(request.user, Perm.PEOPLE_EDIT), query, kinds=CELL_KINDS)
    form = TransferForm(request.POST or None, cells=cells)
    if request.method == "POST" and form.is_valid():
        cell = access_unit(request.user, form.cleaned_data["to_cell"])
        if not scope_for(request.user, Perm.PEOPLE_EDIT).contains(cell.path):
            form.add_error("to_cell", _("Chi bộ này không thuộc phạm vi bạn được cập nhật."))
        else:
            try:
                services.member_transfer(
                    member=member,
                    to_cell=cell,
                    on=form.cleaned_data["on"],
                    note=form.cleaned_data["note"],
                    actor=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Đã chuyển sinh hoạt của %(person)s đến %(cell)s.") % {"person": person, "cell": cell.name},
                )
                return redirect("people-person", person_id=person.pk)
    return render(request, "people/transfer.html", {"person": person, "form": form, "query": query, "cells": cells})


def change_status(request: HttpRequest, person_id: int) -> HttpResponse:
    person = access_person(request.user, person_id, for_write=True)
    member = selectors.party_member_of(person)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and member is not None and form.is_valid():
        try:
            services.member_set_status(
                member=member, status=form.cleaned_data["status"], on=form.cleaned_data["on"],
                note=form.cleaned_data["note"], actor=request.user,  # type: ignore[arg-type]
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã cập nhật trạng thái sinh hoạt của %(person)s.") % {"person": person})
            return redirect("people-person", person_id=person.pk)
    return render(request, "people/status.html", {"person": person, "form": form, "member": member})
