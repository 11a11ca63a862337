"""The dashboard of a unit: progress of the period, then the levels of its members and organizations, this period
and the ones before, overall and per unit directly below.

A handful of aggregate queries whatever the size of the subtree: one GROUP BY over the period's reviews (by unit
directly below, kind, state and level), one over the earlier periods, one count of members without a review.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, CharField, Count, Exists, OuterRef, Q, Value, When
from django.db.models.functions import Substr

from danhgia.lib import dates
from danhgia.orgs.models import PARTY_KINDS, SEGMENT, Unit
from danhgia.people.models import PRESENT_STATUSES, Membership
from danhgia.periods.models import Period, Phase
from danhgia.reports.common import LEVELS, MEMBER_KINDS, SECTIONS, history, in_view, rulebook, share
from danhgia.reviews.models import Exclusion, Review
from danhgia.reviews.states import LOCKED, OUT_OF_PERIOD, PhaseProgress, phase_progress

if TYPE_CHECKING:
    from danhgia.reports.common import AnyUser


@dataclass
class Levels:
    """Subjects reviewed in a period, and how many were rated at each level."""

    reviewed: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS, 0))

    def add(self, level: str | None, n: int) -> None:
        self.reviewed += n
        if level:
            self.counts[level] += n

    def merge(self, other: Levels) -> None:
        """Add another set of counts to these (a subtotal of rows)."""
        self.reviewed += other.reviewed
        for level, n in other.counts.items():
            self.counts[level] += n

    @property
    def decided(self) -> int:
        return sum(self.counts.values())

    @property
    def undecided(self) -> int:
        return self.reviewed - self.decided

    def share(self, level: str) -> float:
        return share(self.counts[level], self.decided)

    @property
    def rows(self) -> list[tuple[str, int, float]]:
        return [(lv, self.counts[lv], self.share(lv)) for lv in LEVELS]


def empty_sections() -> dict[str, Levels]:
    return {name: Levels() for name in ("members", "leaders", "party_orgs", "bodies")}


@dataclass
class ChildRow:
    unit: Unit
    direct: bool  # the unit itself (its own review, members of its own cell), not a unit below
    sections: dict[str, Levels] = field(default_factory=empty_sections)


@dataclass
class PhaseRow:
    phase: Phase
    status: str  # done, finished, running, late, past, upcoming: reviews.states.phase_progress
    late: int = 0  # reviews still behind this phase once its deadline has passed
    progress: PhaseProgress | None = None


@dataclass
class Dashboard:
    unit: Unit
    period: Period
    rate: float  # the regime's HTXS rate (the quota line on the charts)
    opened: bool
    sections: dict[str, Levels]
    states: dict[str, int]
    phases: list[PhaseRow]
    history: list[tuple[Period, dict[str, Levels]]]
    children: list[ChildRow]
    omitted: int  # members present at the end of the period with neither a review nor a recorded reason
    excluded: int

    @property
    def has_below(self) -> bool:
        """Whether any unit below the unit has reviews (a cell has none: its table would repeat the totals)."""
        return any(not c.direct for c in self.children)

    @property
    def total_reviews(self) -> int:
        return sum(self.states.values())

    @property
    def decided_share(self) -> float:
        return share(sum(self.states.get(state, 0) for state in LOCKED), self.total_reviews)


def present_at(period: Period) -> Q:
    """Memberships present (on the roll) on the last day of the period: who must be reviewed or excluded."""
    end = period.ends_on
    return Q(valid_from__lte=end, status__in=PRESENT_STATUSES) & (Q(valid_to__isnull=True) | Q(valid_to__gt=end))


def omitted_members(period: Period, unit: Unit, viewer: AnyUser) -> Q:
    """Memberships under the unit present at the end of the period with neither a review nor an exclusion."""
    return (
        present_at(period)
        & in_view(unit, viewer, "unit__path")
        # By the kinds of a member's review: the lookup is then an index-only scan of the unique (period, kind,
        # person) index, not a scan of the reviews' table.
        & ~Exists(Review.objects.filter(period=period, kind__in=MEMBER_KINDS, person_id=OuterRef("member__person_id")))
        & ~Exists(Exclusion.objects.filter(period=period, person_id=OuterRef("member__person_id")))
    )


def dashboard(unit: Unit, period: Period, viewer: AnyUser, today: dt.date | None = None) -> Dashboard:
    today = today or dates.today()
    prefix = len(unit.path) + SEGMENT
    periods = history(period, unit)
    # One pass over the reviews of every period shown: a period's reviews are not contiguous in the table, so each
    # period read on its own would scan the whole table again. Only this period is split by unit below.
    rows = (
        Review.objects.filter(in_view(unit, viewer, period=periods), period__in=periods)
        .exclude(state__in=OUT_OF_PERIOD)  # counted with the exclusions (stuck.py)
        .annotate(
            child=Case(
                When(period=period, then=Substr("context__path", 1, prefix)),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .values_list("period_id", "child", "kind", "state", "decision__level")
        .annotate(n=Count("id"))
        .order_by()
    )
    sections = empty_sections()
    past: dict[int, dict[str, Levels]] = defaultdict(empty_sections)
    states: dict[str, int] = defaultdict(int)
    by_child: dict[str, dict[str, Levels]] = defaultdict(empty_sections)
    for period_id, child, kind, state, level, n in rows:
        section = SECTIONS[kind]
        if period_id != period.pk:
            past[period_id][section].add(level, n)
            continue
        sections[section].add(level, n)
        by_child[child][section].add(level, n)
        states[state] += n
    units = {u.path: u for u in Unit.objects.filter(path__in=list(by_child))}
    children = [ChildRow(units[path], path == unit.path, levels) for path, levels in by_child.items() if path in units]
    children.sort(key=lambda c: (not c.direct, c.unit.kind not in PARTY_KINDS, c.unit.sort_key))
    timeline = [(p, past[p.pk]) for p in periods if p.pk != period.pk] + [(period, sections)]

    opened = bool(states)
    phases = []
    for phase in period.phases.all():
        # By the work and the dates: a past phase is overdue only while reviews are left behind it (or none were
        # opened for a step that needs them); one begun before its start date is under way.
        progress = phase_progress(phase, states, today)
        phases.append(PhaseRow(phase, progress.status, progress.behind if progress.status == "late" else 0, progress))
    omitted = excluded = 0
    if opened:
        omitted = Membership.objects.filter(omitted_members(period, unit, viewer)).count()
        excluded = Exclusion.objects.filter(in_view(unit, viewer, "unit__path", period=period), period=period).count()
    return Dashboard(
        unit=unit,
        period=period,
        rate=rulebook(period.regime).rate,
        opened=opened,
        sections=sections,
        states=dict(states),
        phases=phases,
        history=timeline,
        children=children,
        omitted=omitted,
        excluded=excluded,
    )
