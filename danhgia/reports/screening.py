"""Screening lists for personnel work, under a unit, for a period and the years before it.

- Members rated KHT two years running: for consideration under the Party's rules (QĐ 29/2016 §8.1 carried into
  QĐ 24/2021: "hai năm liền vi phạm tư cách đảng viên"; rules-2025.md §6 — an alert, never an automatic action).
- Leaders rated KHT this year, or HT (or lower) two years running (QĐ 366 Art. 2: the results are the basis for
  replacing or reassigning cadres; rules-2025.md §6).
- Members present at the end of the period never rated in any period (an omission, or excluded every year).
- Shortcomings whose remedy deadline has passed and that are not remedied (QĐ 366 Art. 6 §2).
- The other side: members and party organizations rated HTXS several years running, the pool for commendation
  (HD 06 §19: five years of HTXS "tiêu biểu" lead to a provincial merit; rules-2025.md §10).

"Running" means consecutive years with a period each: a year without a period ends the run. Who is on the
run-based lists comes from one GROUP BY … HAVING over the years concerned; each list's lines from one query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Value, When

from danhgia.lib import dates
from danhgia.people.models import Membership
from danhgia.periods.models import Period
from danhgia.reports.common import MEMBER_KINDS, consecutive_years, in_view
from danhgia.reports.dashboard import present_at
from danhgia.reviews.models import Exclusion, Review, ReviewKind, ReviewState, Shortcoming, ShortcomingStatus

if TYPE_CHECKING:
    from danhgia.orgs.models import Unit
    from danhgia.reports.common import AnyUser

LIMIT = 100  # lines shown on the page per list; the Excel file has them all
MIN_YEARS, MAX_YEARS, DEFAULT_YEARS = 2, 5, 3


@dataclass
class Line:
    """A person or an organization with its levels over the years of the run (newest first)."""

    subject_id: int
    name: str
    unit: str
    unit_id: int
    levels: list[tuple[int, str]] = field(default_factory=list)
    note: str = ""


@dataclass
class Listing:
    lines: list[Line]
    count: int
    years: int = 0  # length of the run the list needs
    available: int = 0  # consecutive years with data (a shorter history cannot show a longer run)

    @property
    def truncated(self) -> bool:
        return self.count > len(self.lines)


@dataclass
class NeverLine:
    person_id: int
    name: str
    unit: str
    unit_id: int
    admitted_on: dt.date | None
    status: str  # this period: excluded with its reason, no review, or the review's state


@dataclass
class OverdueLine:
    shortcoming: Shortcoming
    days: int


@dataclass
class Screening:
    unit: Unit
    period: Period
    years: int
    kht_twice: Listing
    leaders: Listing
    never: list[NeverLine]
    never_count: int
    overdue: list[OverdueLine]
    overdue_count: int
    htxs_members: Listing
    htxs_orgs: Listing


def _ids(run: list[list[Period]]) -> list[int]:
    return [p.pk for year in run for p in year]


@dataclass
class _Runs:
    """Who is on each run-based list, found by one GROUP BY over the reviews of the years concerned."""

    two: list[list[Period]]  # this year and the one before (if it has a period)
    many: list[list[Period]]  # the years asked for the HTXS lists
    kht_twice: list[int] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    htxs_members: list[int] = field(default_factory=list)
    htxs_orgs: list[int] = field(default_factory=list)


def _runs(unit: Unit, period: Period, viewer: AnyUser, years: int) -> _Runs:
    runs = _Runs(consecutive_years(period, unit, 2), consecutive_years(period, unit, years))
    periods = [p for year in (runs.two if len(runs.two) > len(runs.many) else runs.many) for p in year]
    two, many, this = _ids(runs.two), _ids(runs.many), _ids(runs.two[:1])
    member, leader, org = Q(kind__in=MEMBER_KINDS), Q(kind=ReviewKind.LEADER), Q(kind=ReviewKind.PARTY_ORG)
    year = "period__year"
    counts = {
        "kht": Count(year, distinct=True, filter=member & Q(decision__level="KHT", period_id__in=two)),
        "lead_kht": Count("id", filter=leader & Q(decision__level="KHT", period_id__in=this)),
        "lead_low": Count(year, distinct=True, filter=leader & Q(decision__level__in=["HT", "KHT"], period_id__in=two)),
        "htxs": Count(year, distinct=True, filter=member & Q(decision__level="HTXS", period_id__in=many)),
        "org_htxs": Count(year, distinct=True, filter=org & Q(decision__level="HTXS", period_id__in=many)),
    }
    wanted = Q(lead_kht__gte=1)
    if len(runs.two) == 2:
        wanted |= Q(kht=2) | Q(lead_low=2)
    if len(runs.many) == years:
        wanted |= Q(htxs=years) | Q(org_htxs=years)
    rows = (
        Review.objects.filter(in_view(unit, viewer, period=periods), period__in=periods, decision__isnull=False)
        .values("person_id", "unit_id")
        .annotate(**counts)
        .filter(wanted)
        .values_list("person_id", "unit_id", *counts)
    )
    for person_id, unit_id, kht, lead_kht, lead_low, htxs, org_htxs in rows:
        if len(runs.two) == 2 and kht == 2:
            runs.kht_twice.append(person_id)
        if lead_kht or (len(runs.two) == 2 and lead_low == 2):
            runs.leaders.append(person_id)
        if len(runs.many) == years and htxs == years:
            runs.htxs_members.append(person_id)
        if len(runs.many) == years and org_htxs == years:
            runs.htxs_orgs.append(unit_id)
    return runs


def _lines(
    unit: Unit,
    viewer: AnyUser,
    run: list[list[Period]],
    kinds: Sequence[str],
    who: list[int],
    subject: str,
    limit: int | None,
) -> Listing:
    """The levels over the run of the subjects found (one query), in the order of the tree, then of names."""
    if not who:
        return Listing([], 0)
    periods = [p for year in run for p in year]
    rows = (
        Review.objects.filter(in_view(unit, viewer, period=periods), period__in=periods, kind__in=kinds)
        .filter(**{f"{subject}__in": who})
        .values_list(
            subject, "period__year", "decision__level", "context_id", "context__name", "context__path",
            "person__family_name", "person__middle_name", "person__given_name", "person__sort_key", "unit__name",
            "unit__sort_key",
        )
        .order_by("-period__year")
    )  # fmt: skip
    lines: dict[int, Line] = {}
    keys: dict[int, tuple[str, str]] = {}
    for sid, year, level, context_id, context, path, family, middle, given, person_key, unit_name, unit_key in rows:
        line = lines.get(sid)
        if line is None:
            name = " ".join(p for p in (family, middle, given) if p) if given else unit_name
            line = lines[sid] = Line(sid, name, context, context_id)
            keys[sid] = (path, person_key or unit_key or "")
        line.levels.append((year, level or ""))
    ordered = sorted(lines.values(), key=lambda ln: keys[ln.subject_id])
    return Listing(ordered[:limit] if limit else ordered, len(who))


def _listing(
    unit: Unit,
    viewer: AnyUser,
    run: list[list[Period]],
    years: int,
    kinds: Sequence[str],
    who: list[int],
    limit: int | None,
    subject: str = "person_id",
) -> Listing:
    if len(run) < years:
        return Listing([], 0, years, len(run))
    listing = _lines(unit, viewer, run, kinds, who, subject, limit)
    listing.years, listing.available = years, len(run)
    return listing


def _never(unit: Unit, period: Period, viewer: AnyUser, limit: int | None) -> tuple[list[NeverLine], int]:
    """Members present at the end of the period with no rated review in any period up to this one."""
    rated = Review.objects.filter(
        person_id=OuterRef("member__person_id"),
        kind__in=MEMBER_KINDS,
        decision__isnull=False,
        period__ends_on__lte=period.ends_on,
    )
    stays = (
        Membership.objects.filter(present_at(period), in_view(unit, viewer, "unit__path"))
        .exclude(Exists(rated))
        .annotate(
            excluded=Subquery(
                Exclusion.objects.filter(period=period, person_id=OuterRef("member__person_id")).values("reason")[:1]
            ),
            state=Subquery(
                Review.objects.filter(
                    period=period, person_id=OuterRef("member__person_id"), kind__in=MEMBER_KINDS
                ).values("state")[:1]
            ),
        )
    )
    count = stays.count()
    # Those with neither a review nor a reason first (omissions), then reviews not yet decided, then the excluded.
    priority = Case(
        When(excluded__isnull=False, then=Value(2)), When(state__isnull=False, then=Value(1)), default=Value(0)
    )
    rows = (
        stays.annotate(priority=priority)
        .select_related("member__person", "unit")
        .order_by("priority", "unit__path", "member__person__sort_key")
    )
    if limit:
        rows = rows[:limit]
    states = dict(ReviewState.choices)
    lines = []
    for m in rows:
        excluded, state = getattr(m, "excluded", None), getattr(m, "state", None)
        status = excluded or (states.get(state, state) if state else "Chưa có bản kiểm điểm trong kỳ")
        lines.append(NeverLine(m.member.person_id, m.member.person.full_name, m.unit.name, m.unit_id,
                               m.member.admitted_on, str(status)))  # fmt: skip
    return lines, count


def _overdue(unit: Unit, viewer: AnyUser, today: dt.date, limit: int | None) -> tuple[list[OverdueLine], int]:
    items = Shortcoming.objects.filter(in_view(unit, viewer, "review__context__path"), deadline__lt=today).exclude(
        status=ShortcomingStatus.REMEDIED
    )
    count = items.count()
    rows = items.select_related("person", "unit", "owner", "review__period", "review__context").order_by(
        "deadline", "pk"
    )
    if limit:
        rows = rows[:limit]
    return [OverdueLine(s, (today - s.deadline).days) for s in rows if s.deadline], count


def screening(
    unit: Unit,
    period: Period,
    viewer: AnyUser,
    *,
    years: int = DEFAULT_YEARS,
    today: dt.date | None = None,
    limit: int | None = LIMIT,
) -> Screening:
    today = today or dates.today()
    years = max(MIN_YEARS, min(MAX_YEARS, years))
    never, never_count = _never(unit, period, viewer, limit)
    overdue, overdue_count = _overdue(unit, viewer, today, limit)
    runs = _runs(unit, period, viewer, years)
    members, org = list(MEMBER_KINDS), [ReviewKind.PARTY_ORG]
    leaders = _lines(unit, viewer, runs.two, [ReviewKind.LEADER], runs.leaders, "person_id", limit)
    # A first year alone still shows its KHT leaders: that list needs no run.
    leaders.years = leaders.available = len(runs.two)
    return Screening(
        unit=unit,
        period=period,
        years=years,
        kht_twice=_listing(unit, viewer, runs.two, 2, members, runs.kht_twice, limit),
        leaders=leaders,
        never=never,
        never_count=never_count,
        overdue=overdue,
        overdue_count=overdue_count,
        htxs_members=_listing(unit, viewer, runs.many, years, members, runs.htxs_members, limit),
        htxs_orgs=_listing(unit, viewer, runs.many, years, org, runs.htxs_orgs, limit, "unit_id"),
    )
