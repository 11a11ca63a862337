"""Quota groups after the period is open: the reviews follow their subjects' groups.

A review takes its quota group from the group entries when the period is opened (opening.py). A group's members
changed afterwards — by hand, by refilling its rule, by deleting the group — move the open reviews of those
subjects with them, one audit event per review moved, so that the decision page (which reads `Review.quota_group`)
counts the group's current members.

A change is refused, with its reason and changing nothing, for a review already decided (its level was checked
against its group's quota: moving it would change the quota of both groups) and for a review whose current group
already has decisions: those were taken under that group's quota, which removing a member would lower (QĐ 366
Art. 11 §1.5 counts the 20 % inside each group; architecture.md: a decision never breaks its group's quota).
Adding an undecided review to a group with decisions is allowed: its quota can only grow, and the newcomer's own
decision is checked against it.

The people app's services (people/quota.py) call this module inside their own transactions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from danhgia.audit.models import Action
from danhgia.audit.services import event, record_many
from danhgia.people.models import PERSON_SUBJECTS, QuotaGroup
from danhgia.reviews.models import GROUP_KIND, Review
from danhgia.reviews.states import DECIDABLE

if TYPE_CHECKING:
    from danhgia.accounts.models import User
    from danhgia.periods.models import Period


def review_kinds(subject_kind: str) -> list[str]:
    """The kinds of review a group of `subject_kind` ranks (a member's group also ranks members outside the
    political system)."""
    return [kind for kind, grouped in GROUP_KIND.items() if grouped == subject_kind]


def _reviews(period: Period, subject_kind: str, subjects: list[int]) -> QuerySet[Review]:
    field = "person_id" if subject_kind in PERSON_SUBJECTS else "unit_id"
    return Review.objects.filter(period=period, kind__in=review_kinds(subject_kind), **{f"{field}__in": subjects})


@dataclass(frozen=True)
class Plan:
    """What moving some subjects into `target` (None: out of every group) would do."""

    movable: list[Review]
    refused: dict[int, str]  # subject id → why, in Vietnamese

    def reason(self) -> str:
        return "; ".join(self.refused.values())


def plan(*, period: Period, subject_kind: str, subjects: list[int], target: QuotaGroup | None) -> Plan:
    """The reviews of these subjects that would move to `target`, and the subjects refused (with the reason)."""
    target_id = target.pk if target is not None else None
    rows = list(
        _reviews(period, subject_kind, subjects)
        .exclude(quota_group_id=target_id)
        .select_related("person", "unit", "quota_group", "decision")
    )
    if not rows:
        return Plan([], {})
    old_groups = {r.quota_group_id for r in rows if r.quota_group_id is not None}
    decided_groups = set(
        Review.objects.filter(quota_group_id__in=old_groups, decision__isnull=False).values_list(
            "quota_group_id", flat=True
        )
    )
    movable: list[Review] = []
    refused: dict[int, str] = {}
    for review in rows:
        subject = review.person_id if subject_kind in PERSON_SUBJECTS else review.unit_id
        assert subject is not None
        if review.decision_id is not None:
            refused[subject] = (
                f"{review.subject_name} đã có quyết định xếp loại (mức {review.level}): không chuyển nhóm được, "
                "vì quyết định đã tính theo tỷ lệ của nhóm cũ."
            )
        elif review.quota_group_id in decided_groups:
            group = review.quota_group
            refused[subject] = (
                f"Nhóm «{group.name if group else ''}» đã có quyết định xếp loại: không chuyển {review.subject_name} "
                "ra khỏi nhóm được, vì các quyết định đã tính theo tỷ lệ của nhóm này."
            )
        else:
            movable.append(review)
    # A subject with two reviews of the group's kind (none so far) moves whole or not at all.
    return Plan([r for r in movable if (r.person_id or r.unit_id) not in refused], refused)


def apply(*, moves: list[Review], target: QuotaGroup | None, actor: User | None) -> int:
    """Move the planned reviews into `target` in one UPDATE, with one audit event each."""
    if not moves:
        return 0
    target_id = target.pk if target is not None else None
    Review.objects.filter(pk__in=[r.pk for r in moves]).update(quota_group=target)
    record_many(
        [
            event(
                actor=actor,
                action=Action.REVIEW_REGROUPED,
                target=review,
                unit=review.context,
                old={
                    "group": review.quota_group.name if review.quota_group else None,
                    "group_id": review.quota_group_id,
                },
                new={"group": target.name if target is not None else None, "group_id": target_id},
            )
            for review in _with_context(moves)
        ]
    )
    return len(moves)


def _with_context(moves: list[Review]) -> list[Review]:
    from danhgia.orgs.models import Unit

    places = Unit.objects.in_bulk({r.context_id for r in moves})
    for review in moves:
        review.context = places[review.context_id]
    return moves


def group_decided(group: QuotaGroup) -> bool:
    return Review.objects.filter(quota_group=group, decision__isnull=False).exists()


def group_in_decision(group: QuotaGroup) -> bool:
    """A review of the group is decided or awaits its decision (its proposal passed): the group is the frame of
    those decisions and is not deleted."""
    return Review.objects.filter(quota_group=group).filter(Q(decision__isnull=False) | Q(state__in=DECIDABLE)).exists()


def group_reviews(group: QuotaGroup) -> list[Review]:
    return list(Review.objects.filter(quota_group=group).select_related("person", "unit", "quota_group"))
