"""Who may import, into which unit, and read an import afterwards: those who edit both the tree and the people
of the unit (the organization committee); an import of the whole system (`scope` null) is the superuser's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from danhgia.accounts.access import refuse
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import Scope, scope_for
from danhgia.imports.models import Import
from danhgia.orgs.models import Unit

if TYPE_CHECKING:
    from danhgia.accounts.access import AnyUser


def import_scope(user: AnyUser) -> Scope:
    """Where the user may import: the units where they edit both the tree and the people."""
    tree, people = scope_for(user, Perm.ORGS_EDIT), scope_for(user, Perm.PEOPLE_EDIT)
    if tree.everything and people.everything:
        return Scope(everything=True)
    return Scope(roots=tuple(r for r in tree.roots if people.contains(r)))


def import_roots(user: AnyUser) -> list[Unit]:
    """The units the user may import into, from the top (a form's choices)."""
    scope = import_scope(user)
    if scope.everything:
        return list(Unit.objects.filter(parent=None).order_by("sort_key"))
    return list(Unit.objects.filter(path__in=scope.roots).order_by("path"))


def access_import_unit(user: AnyUser, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Không tìm thấy tổ chức.")
    if not import_scope(user).contains(unit.path):
        refuse(user, unit, scope_path=unit.path, not_found=not scope_for(user, Perm.ORGS_VIEW).contains(unit.path))
    return unit


def access_import(user: AnyUser, import_id: int) -> Import:
    run = Import.objects.select_related("scope", "created_by").filter(pk=import_id).first()
    if run is None:
        raise Http404("Không tìm thấy lần nhập dữ liệu.")
    scope = import_scope(user)
    allowed = scope.everything if run.scope is None else scope.contains(run.scope.path)
    if not allowed:
        refuse(user, run, scope_path=run.scope.path if run.scope else "", not_found=True)
    return run
