"""Reads of the organization tree. Counts over a subtree are single GROUP BY queries on the path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import Scope, scope_for
from danhgia.lib.text import search_tokens
from danhgia.orgs.models import CELL_KINDS, PARTY_KINDS, SEGMENT, Unit, subtree_q
from danhgia.people.models import PRESENT_STATUSES, Membership, MemberStatus, Post, PostRole

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User


@dataclass
class NodeRow:
    unit: Unit
    members: int
    has_children: bool
    head: Post | None = None


def present_memberships() -> Q:
    return Q(valid_to__isnull=True, status__in=PRESENT_STATUSES)


def _child_order(unit: Unit) -> tuple[bool, str]:
    # Party organizations first, then the same-level bodies they lead, each in Vietnamese order.
    return (unit.kind not in PARTY_KINDS, unit.sort_key)


def child_rows(parent: Unit) -> list[NodeRow]:
    """The children of a unit with the members present under each: three queries whatever the size."""
    children = sorted(Unit.objects.filter(parent=parent), key=_child_order)
    if not children:
        return []
    prefix_len = len(parent.path) + SEGMENT
    counts = dict(
        Membership.objects.filter(present_memberships(), subtree_q(parent.path, "unit__path"))
        .exclude(unit_id=parent.pk)
        .annotate(child=Substr("unit__path", 1, prefix_len))
        .values("child")
        .annotate(n=Count("id"))
        .values_list("child", "n")
    )
    with_children = set(Unit.objects.filter(parent__in=children).values_list("parent_id", flat=True).distinct())
    heads = {
        p.unit_id: p
        for p in Post.objects.filter(unit__in=children, role=PostRole.HEAD, ends_on__isnull=True).select_related(
            "person"
        )
    }
    return [NodeRow(c, counts.get(c.path, 0), c.pk in with_children, heads.get(c.pk)) for c in children]


def scope_root_units(scope: Scope) -> list[Unit]:
    """The units at the top of a scope (the tree's roots for the whole system)."""
    top = Unit.objects.filter(parent__isnull=True) if scope.everything else Unit.objects.filter(path__in=scope.roots)
    return sorted(top, key=_child_order)


def root_rows(viewer: User | AnonymousUser) -> list[NodeRow]:
    """The top of the tree as the viewer sees it: the roots of their scope."""
    roots = scope_root_units(scope_for(viewer, Perm.ORGS_VIEW))
    rows = []
    for root in roots:  # a handful of roots at most
        members = Membership.objects.filter(present_memberships(), subtree_q(root.path, "unit__path")).count()
        rows.append(NodeRow(root, members, Unit.objects.filter(parent=root).exists()))
    return rows


def breadcrumbs(unit: Unit, scope: Scope) -> list[tuple[Unit, bool]]:
    """Ancestors from the root, each with whether the viewer may open it."""
    ancestors = {u.pk: u for u in Unit.objects.filter(pk__in=unit.ancestor_ids)}
    return [(ancestors[i], scope.contains(ancestors[i].path)) for i in unit.ancestor_ids if i in ancestors]


@dataclass
class SubtreeCounts:
    present: int
    active: int
    exempt: int
    suspended: int
    probationary: int
    party_orgs: int
    grassroots: int
    cells: int
    bodies: int


def subtree_counts(paths: list[str] | Scope) -> SubtreeCounts:
    """Members by status and units by kind under a unit (or a whole scope): three aggregate queries."""
    if isinstance(paths, Scope):
        unit_q, member_q = paths.q("path"), paths.q("unit__path")
    else:
        unit_q = member_q = Q(pk__in=[])
        for p in paths:
            unit_q |= subtree_q(p)
            member_q |= subtree_q(p, "unit__path")
    by_status = dict(
        Membership.objects.filter(member_q, present_memberships())
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    probationary = Membership.objects.filter(member_q, present_memberships(), member__official_on__isnull=True).count()
    units = Unit.objects.filter(unit_q, dissolved_on__isnull=True).aggregate(
        party=Count("id", filter=Q(kind__in=PARTY_KINDS)),
        grassroots=Count("id", filter=Q(is_grassroots=True)),
        cells=Count("id", filter=Q(kind__in=CELL_KINDS)),
        bodies=Count("id", filter=~Q(kind__in=PARTY_KINDS)),
    )
    return SubtreeCounts(
        present=sum(by_status.values()),
        active=by_status.get(MemberStatus.ACTIVE, 0),
        exempt=by_status.get(MemberStatus.EXEMPT, 0),
        suspended=by_status.get(MemberStatus.SUSPENDED, 0),
        probationary=probationary,
        party_orgs=units["party"],
        grassroots=units["grassroots"],
        cells=units["cells"],
        bodies=units["bodies"],
    )


ROLE_ORDER = {PostRole.HEAD: 0, PostRole.DEPUTY: 1, PostRole.MEMBER: 2}


def current_posts(unit: Unit) -> list[Post]:
    """Current posts of a unit: the head, the deputies, then the members, each in name order."""
    posts = Post.objects.filter(unit=unit, ends_on__isnull=True).select_related("person")
    return sorted(posts, key=lambda p: (ROLE_ORDER[PostRole(p.role)], p.person.sort_key))


def posts_in(unit: Unit) -> QuerySet[Post]:
    return Post.objects.filter(unit=unit).select_related("person")


def cells_without_head(scope: Scope) -> QuerySet[Unit]:
    """Cells in scope that have no current secretary: a review there would have nobody to lead it."""
    return (
        Unit.objects.filter(scope.q("path"), kind__in=CELL_KINDS, dissolved_on__isnull=True)
        .exclude(Exists(Post.objects.filter(unit=OuterRef("pk"), role=PostRole.HEAD, ends_on__isnull=True)))
        .order_by("path")
    )


def unit_choices(
    scope: Scope, query: str, *, kinds: frozenset[str] | None = None, limit: int = 20
) -> list[tuple[int, str]]:
    """Units in scope whose name matches every word of the query, for pickers: (id, "name — parent")."""
    tokens = search_tokens(query)
    if not tokens:
        return []
    units = Unit.objects.filter(scope.q("path"), dissolved_on__isnull=True)
    if kinds:
        units = units.filter(kind__in=kinds)
    for token in tokens:
        units = units.filter(search_text__contains=token)
    return [
        (u.pk, f"{u.name} — {u.parent.name}" if u.parent else u.name)
        for u in units.select_related("parent").order_by("sort_key")[:limit]
    ]
