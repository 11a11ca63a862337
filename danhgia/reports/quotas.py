"""The effect of the 20 % rule (QĐ 366 Art. 11 §1.5), group by group: what the province reports upward.

For each quota group with reviews under the unit: the candidates (subjects whose level before the quota was HTXS),
the cap as it stands with the levels decided so far, how many kept HTXS, who was capped and by how many points
they fell short of the last candidate kept, and the group's «Tỷ lệ HTXS» next to the groups comparable with it
(same kind of subject, same kind of unit).

«Tỷ lệ HTXS» is one ratio everywhere (docs/reports.md): the group's HTXS over its HTT, as decided — the base of the
cap itself ("số HTXS không vượt quá 20% số HTT", QĐ 366 Art. 11 §1.5; the engine's default base `htt_final` keeps
HTXS ≤ rate × the final HTT), so it reads directly against the group's rate. A level's share of those decided is a
percentage "trên số đã xếp loại", never called «Tỷ lệ HTXS».
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Case, Count, Q, Value, When

from danhgia.orgs.models import UnitKind
from danhgia.people.models import QuotaGroup, SubjectKind
from danhgia.periods.models import Period
from danhgia.reports.common import in_view, rulebook, share
from danhgia.reports.dashboard import Levels
from danhgia.reviews.decisions import HEADED_KINDS
from danhgia.reviews.models import Review
from danhgia.reviews.states import OUT_OF_PERIOD
from danhgia.rules import quota

if TYPE_CHECKING:
    from danhgia.orgs.models import Unit
    from danhgia.reports.common import AnyUser


@dataclass
class Capped:
    review_id: int
    name: str
    unit: str
    level: str
    score: Decimal | None
    last_kept: Decimal | None

    @property
    def margin(self) -> Decimal | None:
        """Points below the last candidate kept at HTXS (None without scores: the regime has no points)."""
        if self.score is None or self.last_kept is None:
            return None
        return self.last_kept - self.score


@dataclass
class QuotaRow:
    group: QuotaGroup
    rate: float
    levels: Levels = field(default_factory=Levels)
    candidates: int = 0
    kept: int = 0
    htt_before: int = 0  # rated HTT before the quota (not candidates): the base of the cap
    cap: int = 0
    last_kept: Decimal | None = None
    capped_list: list[Capped] = field(default_factory=list)
    comparable_median: float | None = None

    @property
    def capped(self) -> int:
        return self.candidates - self.kept

    @property
    def htxs_share(self) -> float:
        """HTXS over those decided (a level's percentage, not «Tỷ lệ HTXS»)."""
        return self.levels.share("HTXS")

    @property
    def htxs_of_htt(self) -> float:
        """«Tỷ lệ HTXS»: HTXS over HTT, the base of the group's rate."""
        return share(self.levels.counts["HTXS"], self.levels.counts["HTT"])

    @property
    def comparable_key(self) -> tuple[str, str]:
        return (self.group.subject_kind, self.group.unit.kind)

    @property
    def difference(self) -> float | None:
        return None if self.comparable_median is None else self.htxs_of_htt - self.comparable_median


@dataclass
class Comparable:
    """Groups of one kind of subject in one kind of unit, side by side."""

    subject_kind: str
    unit_kind: str
    groups: int = 0
    decided: int = 0
    htxs: int = 0
    htt: int = 0
    candidates: int = 0
    kept: int = 0
    shares: list[float] = field(default_factory=list)  # each group's «Tỷ lệ HTXS» (HTXS / HTT)

    @property
    def label(self) -> str:
        return f"{SubjectKind(self.subject_kind).label} — {UnitKind(self.unit_kind).label}"

    @property
    def capped(self) -> int:
        return self.candidates - self.kept

    @property
    def share(self) -> float:
        """«Tỷ lệ HTXS» of the groups together: HTXS / HTT."""
        return share(self.htxs, self.htt)

    @property
    def low(self) -> float | None:
        return min(self.shares) if self.shares else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.shares) if self.shares else None

    @property
    def high(self) -> float | None:
        return max(self.shares) if self.shares else None


@dataclass
class QuotaReport:
    unit: Unit
    period: Period
    rate: float
    rows: list[QuotaRow]
    comparables: list[Comparable]
    bodies: list[int] = field(default_factory=list)  # units whose body was decided HTXS (see `_candidate`)

    @property
    def candidates(self) -> int:
        return sum(r.candidates for r in self.rows)

    @property
    def kept(self) -> int:
        return sum(r.kept for r in self.rows)

    @property
    def capped(self) -> int:
        return self.candidates - self.kept


def htxs_bodies(period: Period) -> list[int]:
    """The units whose own review (as a party organization or a body) was decided HTXS in the period: the heads
    of those, and only those, can be candidates (a head never above the body, QĐ 366 Art. 12 §2)."""
    return list(
        Review.objects.filter(period=period, kind__in=HEADED_KINDS, decision__level="HTXS").values_list(
            "unit_id", flat=True
        )
    )


def _candidate(bodies: list[int]) -> Case:
    """Whether a decided subject was a candidate for the quota: decided HTXS, or its level before the quota was
    HTXS, that is the rules allowed HTXS (`eligible`), the meeting (or the appraisal) proposed HTXS, and the body it
    heads, if any, was rated HTXS.

    Derived from the review rather than from `quota_position`, because a decision stores what the engine said
    about the level requested: a candidate decided at HTT is stored with the proposal as the reason, not the quota.
    The bodies are a list, not a correlated subquery: its estimated cost made PostgreSQL compile the province's
    query (JIT) for a second and a half.
    """
    proposed = Q(appraised_level="HTXS") | Q(appraised_level="", proposed_level="HTXS")
    head = Q(heads__isnull=True) | Q(heads_id__in=bodies)
    return Case(
        When(decision__level="HTXS", then=Value(True)),
        When(Q(decision__engine__eligible="HTXS") & proposed & head, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def quota_report(unit: Unit, period: Period, viewer: AnyUser) -> QuotaReport:
    book = rulebook(period.regime)
    bodies = htxs_bodies(period)
    counts = list(
        Review.objects.filter(in_view(unit, viewer, period=period), period=period, quota_group__isnull=False)
        .exclude(state__in=OUT_OF_PERIOD)  # not rated: outside every quota (stuck.py)
        .annotate(candidate=_candidate(bodies))
        .values_list("quota_group_id", "decision__level", "candidate")
        .annotate(n=Count("id"))
        .order_by()
    )
    groups = QuotaGroup.objects.filter(pk__in={group_id for group_id, *_ in counts}).select_related("unit")
    rows = {g.pk: QuotaRow(g, float(g.rate) if g.rate is not None else book.rate) for g in groups}
    for group_id, level, candidate, n in counts:
        row = rows[group_id]
        row.levels.add(level, n)
        if candidate and level:
            row.candidates += n
            if level == "HTXS":
                row.kept += n
        elif level == "HTT":
            row.htt_before += n
    comparables: dict[tuple[str, str], Comparable] = {}
    for row in rows.values():
        row.cap = quota.cap(
            base=book.base,
            rate=quota.exact(row.rate),
            htt=row.htt_before,
            candidates=row.candidates,
            rounding=book.rounding,
            min_cap=book.min_cap,
        )
        comp = comparables.setdefault(row.comparable_key, Comparable(*row.comparable_key))
        comp.groups += 1
        comp.decided += row.levels.decided
        comp.htxs += row.levels.counts["HTXS"]
        comp.htt += row.levels.counts["HTT"]
        comp.candidates += row.candidates
        comp.kept += row.kept
        if row.levels.counts["HTT"]:  # without HTT the ratio has no base
            comp.shares.append(row.htxs_of_htt)
    for row in rows.values():
        row.comparable_median = comparables[row.comparable_key].median
    ordered = sorted(rows.values(), key=lambda r: (r.group.unit.path, r.group.subject_kind, r.group.name))
    return QuotaReport(
        unit=unit,
        period=period,
        rate=book.rate,
        rows=ordered,
        comparables=sorted(comparables.values(), key=lambda c: (c.subject_kind, c.unit_kind)),
        bodies=bodies,
    )


def fill_capped(report: QuotaReport, rows: list[QuotaRow], viewer: AnyUser) -> None:
    """Who was capped in the given groups, with the points of the last candidate kept (one query)."""
    by_group = {r.group.pk: r for r in rows if r.candidates}
    if not by_group:
        return
    kept_scores: dict[int, list[Decimal]] = defaultdict(list)
    capped: list[tuple[int, Capped]] = []
    for pk, group_id, family, middle, given, unit_name, context, general, task, level in (
        Review.objects.filter(in_view(report.unit, viewer, period=report.period), period=report.period)
        .filter(quota_group_id__in=list(by_group), decision__isnull=False)
        .annotate(candidate=_candidate(report.bodies))
        .filter(candidate=True)
        .values_list(
            "pk", "quota_group_id", "person__family_name", "person__middle_name", "person__given_name", "unit__name",
            "context__name", "score_general", "score_task", "decision__level",
        )
        .order_by("quota_group_id", "pk")
    ):  # fmt: skip
        score = general + task if general is not None and task is not None else None
        if level == "HTXS":
            if score is not None:
                kept_scores[group_id].append(score)
            continue
        name = " ".join(p for p in (family, middle, given) if p) if given else (unit_name or "")
        capped.append((group_id, Capped(pk, name, context, level, score, None)))
    for group_id, row in by_group.items():
        row.last_kept = min(kept_scores[group_id]) if kept_scores.get(group_id) else None
        row.capped_list = []
    for group_id, item in capped:
        item.last_kept = by_group[group_id].last_kept
        by_group[group_id].capped_list.append(item)
    for row in by_group.values():
        row.capped_list.sort(key=lambda c: (c.margin is None, c.margin or 0, c.name))


def was_capped(review: Review, body_level: str | None) -> bool:
    """`_candidate()` for one decided review (and the level of the body it heads): a candidate not kept at HTXS."""
    decision = review.decision
    if decision is None or decision.level == "HTXS":
        return False
    proposal = review.appraised_level or review.proposed_level
    head_ok = review.heads_id is None or body_level == "HTXS"
    return (decision.engine or {}).get("eligible") == "HTXS" and proposal == "HTXS" and head_ok
