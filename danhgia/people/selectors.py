"""Reads about people, always through the viewer's scope. Lists are in the Vietnamese order."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib.text import search_tokens
from danhgia.orgs.models import Unit, subtree_q
from danhgia.people.models import PRESENT_STATUSES, Membership, PartyMember, Person, Post

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User

# Status filters offered on member lists.
STATUS_FILTERS = {
    "hien-co": (_("Đảng viên hiện có"), PRESENT_STATUSES),
    "dang-sinh-hoat": (_("Đang sinh hoạt"), ("active",)),
    "mien": (_("Miễn công tác, sinh hoạt"), ("exempt",)),
    "dinh-chi": (_("Đình chỉ sinh hoạt"), ("suspended",)),
}


def _ordered(qs: QuerySet[Membership]) -> QuerySet[Membership]:
    return qs.select_related("member__person", "unit").order_by("member__person__sort_key", "member__person_id")


def members_of(
    unit: Unit, *, statuses: tuple[str, ...] = PRESENT_STATUSES, on: dt.date | None = None
) -> QuerySet[Membership]:
    """Members under a unit: now, or as they stood on a past day (history is kept, so moves show)."""
    qs = Membership.objects.filter(subtree_q(unit.path, "unit__path"), status__in=statuses)
    if on is None:
        qs = qs.filter(valid_to__isnull=True)
    else:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=on), valid_from__lte=on)
    return _ordered(qs)


def departed_from(unit: Unit) -> QuerySet[Membership]:
    """Stays under a unit that have ended: members who moved away, were exempted, or left."""
    return (
        Membership.objects.filter(subtree_q(unit.path, "unit__path"), valid_to__isnull=False)
        .select_related("member__person", "unit")
        .order_by("-valid_to", "member__person__sort_key")
    )


def member_search(
    viewer: User | AnonymousUser,
    query: str,
    *,
    statuses: tuple[str, ...] = PRESENT_STATUSES,
    within: Unit | None = None,
) -> QuerySet[Membership]:
    """Current members in the viewer's scope whose name matches every word of the query.

    Each word matches the start of a word of the name, ignoring case and diacritics: "nguyen van a"
    finds "Nguyễn Văn An", "dang" finds "Đặng". A 12-digit query matches the national ID exactly.
    """
    scope = scope_for(viewer, Perm.PEOPLE_VIEW)
    qs = Membership.objects.filter(scope.q("unit__path"), valid_to__isnull=True, status__in=statuses)
    if within is not None:
        qs = qs.filter(subtree_q(within.path, "unit__path"))
    digits = query.strip()
    if digits.isdigit() and len(digits) >= 6:
        qs = qs.filter(Q(member__person__national_id=digits) | Q(member__card_number=digits))
    else:
        tokens = search_tokens(query)
        if not tokens:
            return qs.none()
        for token in tokens:
            qs = qs.filter(member__person__search_text__contains=token)
    # The unit above the cell too: many cells share a name ("Chi bộ Văn phòng"); the result must say which.
    return _ordered(qs).select_related("unit__parent")


def party_member_of(person: Person) -> PartyMember | None:
    """The party membership record of a person the caller already has access to."""
    return PartyMember.objects.filter(person=person).first()


def memberships_of(person: Person) -> list[Membership]:
    return list(Membership.objects.filter(member__person=person).select_related("unit").order_by("-valid_from", "-id"))


def posts_of(person: Person) -> list[Post]:
    return list(Post.objects.filter(person=person).select_related("unit").order_by("ends_on", "-starts_on"))
