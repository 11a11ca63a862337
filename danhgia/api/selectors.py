"""What the API reads, always through the token owner's scope, as the pages do (docs/api.md).

Every list is ordered by id, the key of the keyset pagination: `after_id` is both the page cursor and the
incremental sync (none of these rows has an update timestamp yet, so `updated_since` cannot be offered honestly).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.orgs.models import Unit, subtree_q
from danhgia.people.models import Membership
from danhgia.periods.models import Period
from danhgia.periods.selectors import periods_visible_to
from danhgia.reviews.models import Review
from danhgia.reviews.selectors import visible_reviews

if TYPE_CHECKING:
    from danhgia.accounts.models import User


def api_units(user: User, *, within: Unit | None) -> QuerySet[Unit]:
    """Units of the user's `orgs:view` scope (the tree page's), in `within`'s subtree when given."""
    units = Unit.objects.filter(scope_for(user, Perm.ORGS_VIEW).q("path"))
    if within is not None:
        units = units.filter(subtree_q(within.path))
    return units.order_by("pk")


def api_members(user: User, *, within: Unit | None) -> QuerySet[Membership]:
    """The current stays of the members in the user's `people:view` scope (the member lists'), and the user's own.

    A member with no scope sees their own row only, as their file page does; the Front sees none.
    """
    scope = scope_for(user, Perm.PEOPLE_VIEW)
    mine = Q(member__person_id=user.person_id) if user.person_id else Q(pk__in=[])
    stays = Membership.objects.filter(valid_to__isnull=True).filter(scope.q("unit__path") | mine)
    if within is not None:
        stays = stays.filter(subtree_q(within.path, "unit__path"))
    return stays.select_related("member__person").order_by("member__person_id", "pk")


def api_periods(user: User) -> QuerySet[Period]:
    """The periods the user sees on the pages (periods.selectors.periods_visible_to: a cell sees its province's)."""
    return periods_visible_to(user).order_by("pk")


def api_reviews(user: User, period: Period, *, within: Unit | None) -> QuerySet[Review]:
    """The period's reviews the user may see (the period's pages: `visible_reviews`), held in `within`'s subtree
    when given."""
    reviews = visible_reviews(period, user)
    if within is not None:
        reviews = reviews.filter(subtree_q(within.path, "context__path"))
    return reviews.select_related("person", "unit", "decision").order_by("pk")
