"""A person's results over the last five periods, for personnel planning: each review (as a member, as a leader)
with its levels (self-assessed, proposed, decided), the rules behind the decided level, the shortcomings found and
how far they were remedied; and the periods in which the person was not reviewed, with the reason.

Only reviews in the viewer's review scope are shown (a person who moved in from elsewhere keeps their earlier
results from the viewer who has no scope there); the person sees all of their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.periods.models import Period
from danhgia.reports.common import HISTORY, RuleText, rulebook
from danhgia.reports.quotas import was_capped
from danhgia.reviews.decisions import HEADED_KINDS
from danhgia.reviews.models import Decision, Exclusion, Review, Shortcoming, ShortcomingStatus

if TYPE_CHECKING:
    from danhgia.people.models import Person
    from danhgia.reports.common import AnyUser


@dataclass
class ReviewLine:
    review: Review
    reasons: list[RuleText]
    capped: bool  # a candidate for HTXS not kept at it (the quota, or the authority's choice among candidates)
    superseded: list[Decision]  # earlier decisions replaced after a complaint
    shortcomings: list[Shortcoming]


@dataclass
class PeriodLine:
    period: Period
    reviews: list[ReviewLine] = field(default_factory=list)
    excluded: Exclusion | None = None

    @property
    def shortcoming_count(self) -> int:
        return sum(len(r.shortcomings) for r in self.reviews)


@dataclass
class Profile:
    person: Person
    periods: list[PeriodLine]
    hidden: int  # reviews outside the viewer's scope, not shown
    open_shortcomings: int


def profile(person: Person, viewer: AnyUser, count: int = HISTORY) -> Profile:
    own = getattr(viewer, "person_id", None) == person.pk
    visible = Q() if own else scope_for(viewer, Perm.REVIEWS_VIEW).q("context__path")
    reviews = Review.objects.filter(person=person)
    shown = list(
        reviews.filter(visible)
        .select_related("period", "context", "decision")
        .order_by("-period__year", "-period__ends_on", "kind")
    )
    hidden = 0 if own else reviews.count() - len(shown)
    excluded_visible = Q() if own else scope_for(viewer, Perm.REVIEWS_VIEW).q("unit__path")
    exclusions = list(Exclusion.objects.filter(excluded_visible, person=person).select_related("period", "unit"))
    periods: dict[int, Period] = {r.period_id: r.period for r in shown}
    for e in exclusions:
        periods.setdefault(e.period_id, e.period)
    latest = sorted(periods.values(), key=lambda p: (p.year, p.quarter or 0, p.ends_on), reverse=True)[:count]
    lines = {p.pk: PeriodLine(p) for p in latest}
    shown = [r for r in shown if r.period_id in lines]
    ids = [r.pk for r in shown]
    current = {r.decision_id for r in shown}
    by_review: dict[int, list[Shortcoming]] = defaultdict(list)
    for s in Shortcoming.objects.filter(review__in=ids).select_related("owner").order_by("pk"):
        by_review[s.review_id].append(s)
    older: dict[int, list[Decision]] = defaultdict(list)
    for d in Decision.objects.filter(review__in=ids).order_by("decided_at", "pk"):
        if d.pk not in current:
            older[d.review_id].append(d)
    bodies: dict[tuple[int, int | None], str | None] = {
        (period_id, unit_id): level
        for period_id, unit_id, level in Review.objects.filter(
            period_id__in=list(lines), unit_id__in={r.heads_id for r in shown if r.heads_id}, kind__in=HEADED_KINDS
        ).values_list("period_id", "unit_id", "decision__level")
    }
    for review in shown:
        engine = review.decision.engine if review.decision is not None else {}
        book = rulebook(review.period.regime)
        rule_ids = list(engine.get("reasons") or [])
        lines[review.period_id].reviews.append(
            ReviewLine(
                review=review,
                reasons=[book.get(r) for r in rule_ids if r != "quota"],
                capped=was_capped(review, bodies.get((review.period_id, review.heads_id))),
                superseded=older.get(review.pk, []),
                shortcomings=by_review.get(review.pk, []),
            )
        )
    for e in exclusions:
        if e.period_id in lines:
            lines[e.period_id].excluded = e
    open_count = sum(1 for items in by_review.values() for s in items if s.status != ShortcomingStatus.REMEDIED)
    return Profile(person=person, periods=[lines[p.pk] for p in latest], hidden=hidden, open_shortcomings=open_count)
