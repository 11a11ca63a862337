"""A user's scope: the subtrees of the organization tree in which a permission holds."""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from danhgia.accounts.models import RoleAssignment
from danhgia.accounts.permissions import ROLE_PERMISSIONS, Perm
from danhgia.orgs.models import in_subtree, subtree_q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User


@dataclass(frozen=True)
class Scope:
    """Root paths of the subtrees in scope; `everything` for superusers."""

    roots: tuple[str, ...] = ()
    everything: bool = False

    @property
    def empty(self) -> bool:
        return not self.everything and not self.roots

    def q(self, field: str = "path") -> Q:
        """A filter on a unit path field (e.g. "unit__path") matching every unit in scope."""
        if self.everything:
            return Q()
        if not self.roots:
            return Q(pk__in=[])
        return reduce(or_, (subtree_q(root, field) for root in self.roots))

    def contains(self, path: str) -> bool:
        return self.everything or any(in_subtree(path, root) for root in self.roots)

    def overlaps(self, path: str) -> bool:
        """The subtree at `path` and the scope share a unit (either contains the other)."""
        return self.contains(path) or any(in_subtree(root, path) for root in self.roots)


def _minimal_roots(paths: set[str]) -> tuple[str, ...]:
    """Drop every root that lies inside another root."""
    roots: list[str] = []
    for path in sorted(paths):
        if not roots or not in_subtree(path, roots[-1]):
            roots.append(path)
    return tuple(roots)


def _assignments(user: User) -> list[tuple[str, str]]:
    cache: dict[str, Any] = user.__dict__.setdefault("_danhgia_scope_cache", {})
    if "assignments" not in cache:
        cache["assignments"] = list(RoleAssignment.objects.filter(user=user).values_list("role", "unit__path"))
    return cache["assignments"]


def scope_for(user: User | AnonymousUser, perm: Perm) -> Scope:
    """The subtrees where `user` holds `perm`, from all their role assignments (cached per request)."""
    if not user.is_authenticated or not user.is_active:
        return Scope()
    if user.is_superuser:
        return Scope(everything=True)
    paths = {path for role, path in _assignments(user) if perm in ROLE_PERMISSIONS.get(role, frozenset())}
    return Scope(roots=_minimal_roots(paths))


def has_perm_anywhere(user: User | AnonymousUser, perm: Perm) -> bool:
    return not scope_for(user, perm).empty


def roles_of(user: User | AnonymousUser) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {role for role, _ in _assignments(user)}
