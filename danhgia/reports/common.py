"""What every report shares: the levels, the kinds of subject as reports group them, the periods that cover a unit,
the rule texts behind the engine's reasons, and the filter "this unit's subtree, inside the viewer's scope".

Where a subject belongs in the tree is its review's place (`Review.context`): a member's cell, the body a leader
heads, the body itself. Reports count a subject where it was reviewed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from django.db.models import Q

from danhgia.accounts.access import ancestor_paths
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.orgs.models import in_subtree, subtree_q
from danhgia.periods.models import Period
from danhgia.reviews.models import ReviewKind
from danhgia.rules.regimes import Regime
from danhgia.rules.rulebook import load_spec

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User
    from danhgia.orgs.models import Unit

    AnyUser = User | AnonymousUser

LEVELS = ("HTXS", "HTT", "HT", "KHT")
MEMBER_KINDS = (ReviewKind.MEMBER, ReviewKind.MEMBER_OUTSIDE)
# A leader is reviewed twice (in the cell as a member, and as a leader): members are counted once, by their
# member review; the leader review is its own line.
SECTIONS = {
    ReviewKind.MEMBER: "members",
    ReviewKind.MEMBER_OUTSIDE: "members",
    ReviewKind.LEADER: "leaders",
    ReviewKind.PARTY_ORG: "party_orgs",
    ReviewKind.UNIT: "bodies",
    ReviewKind.COLLECTIVE: "bodies",
}
HISTORY = 5  # periods shown in multi-year reports (issue 5: "the last five periods")


def in_view(
    unit: Unit, viewer: AnyUser, field: str = "context__path", *, period: Period | Sequence[Period] | None = None
) -> Q:
    """Rows under `unit` that the viewer may read: the unit's subtree, and the viewer's review scope.

    Rows of a period (reviews, exclusions) all lie in the period's subtree: when the unit holds the whole period
    and the viewer's scope holds the unit, the filter is no filter at all, and leaving it out spares a province's
    reports a join with the tree over every row.
    """
    scope = scope_for(viewer, Perm.REVIEWS_VIEW)
    periods = [] if period is None else [period] if isinstance(period, Period) else list(period)
    if periods and all(in_subtree(p.unit.path, unit.path) for p in periods) and scope.contains(unit.path):
        return Q()
    return subtree_q(unit.path, field) & scope.q(field)


def covering_periods(unit: Unit, kind: str | None = None) -> list[Period]:
    """Periods whose scope contains the unit, newest first."""
    periods = Period.objects.filter(unit__path__in=ancestor_paths(unit.path))
    if kind:
        periods = periods.filter(kind=kind)
    return list(periods.select_related("unit").order_by("-year", "-quarter", "-ends_on", "-pk"))


def history(period: Period, unit: Unit, count: int = HISTORY) -> list[Period]:
    """The period and those of the same kind before it that cover the unit, oldest first (at most `count`)."""
    earlier = [
        p
        for p in covering_periods(unit, period.kind)
        if p.pk != period.pk
        and (p.year, p.quarter or 0, p.ends_on) < (period.year, period.quarter or 0, period.ends_on)
    ]
    return [*reversed(earlier[: count - 1]), period]


def consecutive_years(period: Period, unit: Unit, years: int) -> list[list[Period]]:
    """The periods (of the period's kind) covering the unit for each of `years` years ending with the period's
    year, as long as no year is missing (newest first). A year can have several periods (the province's and an ad
    hoc one)."""
    by_year: dict[int, list[Period]] = {}
    for p in covering_periods(unit, period.kind):
        by_year.setdefault(p.year, []).append(p)
    run = []
    for year in range(period.year, period.year - years, -1):
        if year not in by_year:
            break
        run.append(by_year[year])
    return run


@dataclass(frozen=True)
class RuleText:
    rule: str
    text: str
    source: str
    effect: str


@dataclass
class Rulebook:
    """Rule ids (as stored in `Decision.engine["reasons"]`) → their text, source and effect, for one regime."""

    regime: str
    rate: float  # the quota: HTXS at most `rate` × HTT in each group, unless the group sets its own
    base: str
    rounding: str
    min_cap: int
    rules: dict[str, RuleText] = field(default_factory=dict)

    def get(self, rule_id: str) -> RuleText:
        return self.rules.get(rule_id) or RuleText(rule_id, rule_id, "", "")

    def kht_causes(self, rule_ids: list[str]) -> list[str]:
        """Why a subject is KHT, from the engine's reasons: the KHT cases first; else what lowered it to KHT (a
        gate of HT, the meeting's proposal, the body it heads); else the authority's own decision."""
        kht = [r for r in rule_ids if self.get(r).effect == "KHT"]
        if kht:
            return kht
        lowering = [r for r in rule_ids if self.get(r).effect in {"requires:HT", "max:KHT", "proposed", "head"}]
        return lowering or [AUTHORITY]


AUTHORITY = "authority"  # KHT decided by the competent authority without a KHT case of the rules


@cache
def rulebook(regime: str) -> Rulebook:
    spec = load_spec(Regime(regime))
    q = spec.quota
    book = Rulebook(regime, rate=q.rate, base=q.base, rounding=q.rounding, min_cap=q.min_cap)
    for r in spec.rules:
        book.rules[r.id] = RuleText(r.id, r.description, r.source, r.effect)
    book.rules["quota"] = RuleText("quota", spec.quota.description, spec.quota.source, "quota")
    book.rules[spec.quota.rule] = book.rules["quota"]
    book.rules[spec.head.id] = RuleText(spec.head.id, spec.head.description, spec.head.source, "head")
    book.rules[spec.proposed.id] = RuleText(
        spec.proposed.id, spec.proposed.description, spec.proposed.source, "proposed"
    )
    book.rules[spec.undecided.id] = RuleText(
        spec.undecided.id, spec.undecided.description, spec.undecided.source, "decide"
    )
    book.rules[AUTHORITY] = RuleText(
        AUTHORITY, "Cấp có thẩm quyền xem xét, quyết định (lý do ghi trong quyết định)", "QĐ 366-QĐ/TW Điều 13", ""
    )
    return book


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0
