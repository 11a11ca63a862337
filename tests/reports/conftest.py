"""Two years of results in a commune, decided through the real services: the world of the report tests.

The commune of tests/reviews/conftest.py (three cells of five members) is reviewed in the year before and in this
year. Both years, through self-review, meeting, proposal and the batch decision (`decide_all`):

- in cell Đồi, member 4 scores 40 points: KHT both years (R65), for the screening's "KHT two years running";
- the two best scorers (cell Đồi's member 2, 96 points; cell Mít's member 2, 95) keep HTXS both years, and the
  four other HTXS candidates are capped by the members' group's 20 % (cell Vố's member 2, 94 points, one point
  below the last kept);
- the commune secretary is HT as a leader both years (60 points), for "leaders repeatedly HT";
- cell Mít's member 4 is exempted this year (not reviewed, with the reason);
- cell Vố's member 3 got a shortcoming last year with a deadline long past, never remedied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from danhgia.orgs.models import UnitKind
from danhgia.people.models import SubjectKind
from danhgia.people.quota import quota_group_create, quota_group_fill
from danhgia.people.services import member_set_status
from danhgia.periods.services import period_create
from danhgia.reviews import services
from danhgia.reviews.decisions import decide_all
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.conftest import YEAR, Commune, build_commune
from tests.reviews.helpers import fill, meet, propose, reasons_for
from tests.shared import shared

DOI, MIT, VO = "Chi bộ Xóm Đồi", "Chi bộ Xóm Mít", "Chi bộ Xóm Vố"
# (general, task) per member index and cell; the level proposed is the one the points give.
SCORES = {
    DOI: [(26, 60), (28, 65), (29, 67), (25, 55), (10, 30)],
    MIT: [(26, 60), (28, 64), (29, 66), (25, 55), (20, 40)],
    VO: [(26, 60), (27, 64), (28, 66), (25, 55), (20, 40)],
}
LEADER = (20, 40)
BODY = (25, 55)


def level_for(points: float) -> str:
    return "HTXS" if points >= 90 else "HTT" if points >= 70 else "HT" if points >= 50 else "KHT"


@dataclass
class TwoYears:
    world: Commune
    previous: object
    current: object
    people: dict = field(default_factory=dict)


def _groups(world: Any, period) -> None:
    commune = world.commune
    members = quota_group_create(
        period=period, unit=commune, name="Đảng viên xã", subject_kind=SubjectKind.MEMBER,
        rule={"kind": "members_under", "under": commune.pk}, actor=None,
    )  # fmt: skip
    cells = quota_group_create(
        period=period, unit=commune, name="Chi bộ xã", subject_kind=SubjectKind.PARTY_ORG,
        rule={"kind": "units", "under": commune.pk, "unit_kinds": [UnitKind.CELL]}, actor=None,
    )  # fmt: skip
    for group in (members, cells):
        quota_group_fill(group=group, actor=None)


def run_year(world: Any, period) -> None:
    """Open, self-review, meet, propose and decide every review of the period."""
    officer = world.users["officer"]
    period_open_reviews(period=period, actor=officer)
    for cell in world.cells:
        meeting = meet(period, cell, officer, summoned=5, present=5)
        for i, person in enumerate(world.members[cell.name]):
            review = Review.objects.filter(period=period, person=person, kind__in=["member", "member_outside"]).first()
            if review is None:
                continue  # excluded this year
            general, task = SCORES[cell.name][i]
            level = level_for(general + task)
            fill(review, officer, general=general, task=task, level=level)
            propose(meeting, review, level, officer)
        body = Review.objects.get(period=period, kind="party_org", unit=cell)
        fill(body, officer, general=BODY[0], task=BODY[1], level="HTT")
        propose(meeting, body, "HTT", officer)
    meeting = meet(period, world.commune, officer, summoned=5, present=5)
    for review in Review.objects.filter(period=period, context=world.commune):
        general, task = LEADER if review.kind == "leader" else BODY
        level = level_for(general + task)
        fill(review, officer, general=general, task=task, level=level)
        propose(meeting, review, level, officer)
    # The committee writes its own reason for each result that departs from the self-assessment (the capped
    # candidates): the batch takes no reason of the engine's.
    reviews = Review.objects.filter(period=period)
    decide_all(period=period, reviews=reviews, actor=officer, reasons=reasons_for(reviews))


def build_two_years() -> TwoYears:
    world: Any = build_commune(YEAR)
    previous = period_create(unit=world.province, year=YEAR - 1, actor=None)
    _groups(world, previous)
    run_year(world, previous)
    late = world.members[VO][3]
    review = Review.objects.get(period=previous, person=late, kind__in=["member", "member_outside"])
    services.shortcoming_add(
        review=review, description="Chưa tham gia sinh hoạt đầy đủ.", remedy="Tham gia đủ các buổi sinh hoạt.",
        deadline=dt.date(YEAR - 1, 12, 31), actor=None,
    )  # fmt: skip
    exempt = world.members[MIT][4]
    member_set_status(member=exempt.party_member, status="exempt", on=dt.date(YEAR, 3, 1), note="Tuổi cao", actor=None)
    run_year(world, world.period)
    people = {
        "kht": world.members[DOI][4],
        "best": world.members[DOI][2],
        "second": world.members[MIT][2],
        "capped": world.members[VO][2],
        "chief": world.members[DOI][1],
        "exempt": exempt,
        "late": late,
    }
    return TwoYears(world, previous, world.period, people)


two_years = shared("two_years", build_two_years)
