"""The demo province's past: the years before the open period, closed, with their decided levels (two years by
default; `danhgia demo --history N`).

A province that starts using DanhGia brings its last years' results from the paper archive (the levels decided
by each committee, with the number of the decision). The demo does the same, so that the dashboard compares
years, the screening report finds members rated KHT two years running and the pool rated HTXS every year, and a
member's profile has a history. Past results are recorded decisions (`DecisionKind.RECORDED`), written in bulk
for speed at the scale of a province; they keep the rules a real archive would: at most 20 % HTXS in each cell
or group of organizations, a head never above the body they head, shortcomings found in a year carried into
the next with their deadline (most remedied, some still open — which the open period's engine then reads).

Each person keeps a steady tendency over the years (a latent score plus yearly noise), so runs of the same level
happen as they do in life.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict

from django.db.models import OuterRef, Q, Subquery

from danhgia.documents.letterhead import symbol
from danhgia.orgs.models import PARTY_KINDS, Unit
from danhgia.people.models import Membership, MemberStatus, Post, PostRole
from danhgia.periods.models import Period, PeriodStatus
from danhgia.periods.services import period_create, period_set_status
from danhgia.reviews.criteria import form_code
from danhgia.reviews.models import (
    PERSON_KINDS,
    Decision,
    DecisionKind,
    Review,
    ReviewKind,
    ReviewState,
    Shortcoming,
    ShortcomingStatus,
)

YEARS_BACK = 2
RANK = {"HTXS": 0, "HTT": 1, "HT": 2, "KHT": 3}
SHORTCOMINGS = [
    ("Chưa thường xuyên nghiên cứu, học tập nghị quyết; tham gia sinh hoạt chi bộ có lúc chưa đầy đủ.",
     "Xây dựng kế hoạch học tập nghị quyết hằng quý; tham gia đầy đủ sinh hoạt chi bộ."),
    ("Một số nhiệm vụ chuyên môn hoàn thành chậm so với kế hoạch.",
     "Lập kế hoạch công việc theo tháng, báo cáo tiến độ với chi bộ."),
    ("Chưa phát huy tốt vai trò nêu gương ở nơi cư trú.",
     "Tham gia đầy đủ các hoạt động ở khu dân cư; giữ mối liên hệ với chi bộ nơi cư trú."),
    ("Đóng đảng phí chưa đúng quy định.", "Đóng đảng phí đầy đủ, đúng hạn hằng tháng."),
]  # fmt: skip
ORG_SHORTCOMING = (
    "Nội dung sinh hoạt chi bộ chưa phong phú; chất lượng sinh hoạt chuyên đề chưa cao.",
    "Mỗi quý một buổi sinh hoạt chuyên đề; cải tiến nội dung sinh hoạt theo Hướng dẫn 12-HD/BTCTW.",
)


def _level(z: float) -> str:
    return "HTXS" if z > 1.2 else "HTT" if z > -1.25 else "HT" if z > -2.1 else "KHT"


def _cap(levels: dict[int, str], scores: dict[int, float], members: list[int]) -> None:
    """At most 20 % HTXS among `members` (rounded down, at least one where there are five or more): the
    weakest extra HTXS become HTT, as a committee applying the quota would."""
    top = sorted((m for m in members if levels[m] == "HTXS"), key=lambda m: -scores[m])
    allowed = math.floor(len(members) * 0.2)
    for m in top[allowed:]:
        levels[m] = "HTT"


def seed_history(current: Period, *, seed: int, years: int = YEARS_BACK) -> dict[str, int]:
    """Create the closed periods of the years before `current`, with decided reviews. Returns counts."""
    rng = random.Random(seed + 1)
    tendency: dict[tuple[str, int], float] = defaultdict(lambda: rng.gauss(0.15, 0.85))
    template = list(
        Review.objects.filter(period=current).values_list(
            "kind", "person_id", "unit_id", "context_id", "authority_id", "heads_id"
        )
    )
    authority_of_context = {ctx: auth for kind, _p, _u, ctx, auth, _h in template if kind in PERSON_KINDS}
    org_reviews = [(k, u, ctx, auth) for k, _p, u, ctx, auth, _h in template if u is not None]
    leaders = [(p, ctx, auth, heads) for k, p, _u, ctx, auth, heads in template if k == ReviewKind.LEADER]
    parent_of = dict(Unit.objects.values_list("id", "parent_id"))
    party_units = set(Unit.objects.filter(kind__in=PARTY_KINDS).values_list("id", flat=True))
    counts = {"history_periods": 0, "history_reviews": 0, "history_shortcomings": 0}
    for back in range(years, 0, -1):
        year = current.year - back
        period = period_create(unit=current.unit, year=year, actor=None)
        regime = period.regime
        as_of = period.ends_on
        signed = dt.date(year, 12, 28)
        noise = random.Random(seed * 31 + year)

        # Organizations first: their levels cap the heads' (R23), and each group under one committee keeps
        # at most 20 % HTXS.
        org_levels: dict[int, str] = {}
        org_scores: dict[int, float] = {}
        by_parent: dict[tuple[int | None, bool], list[int]] = defaultdict(list)
        for kind, unit_id, _ctx, _auth in org_reviews:
            if kind == ReviewKind.COLLECTIVE:
                continue
            z = tendency[("u", unit_id)] + noise.gauss(0, 0.55)
            org_scores[unit_id], org_levels[unit_id] = z, _level(z)
            by_parent[(parent_of.get(unit_id), unit_id in party_units)].append(unit_id)
        for group in by_parent.values():
            _cap(org_levels, org_scores, group)

        # Members present at the end of that year, in the cell they belonged to then.
        stays = (
            Membership.objects.filter(valid_from__lte=as_of, status=MemberStatus.ACTIVE)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
            .filter(member__admitted_on__lte=dt.date(year, 6, 30))
            .values_list("member__person_id", "unit_id")
        )
        heads = set(
            Post.objects.filter(role=PostRole.HEAD, starts_on__lte=as_of)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=as_of))
            .values_list("person_id", "unit_id")
        )
        member_levels: dict[int, str] = {}
        member_scores: dict[int, float] = {}
        member_cell: dict[int, int] = {}
        by_cell: dict[int, list[int]] = defaultdict(list)
        for person_id, cell_id in stays.iterator(chunk_size=5000):
            if cell_id not in authority_of_context:
                continue
            z = tendency[("p", person_id)] + noise.gauss(0, 0.55)
            member_scores[person_id], member_levels[person_id] = z, _level(z)
            member_cell[person_id] = cell_id
            by_cell[cell_id].append(person_id)
        for members in by_cell.values():
            _cap(member_levels, member_scores, members)
        for person_id, cell_id in member_cell.items():
            cell_level = org_levels.get(cell_id)
            if (person_id, cell_id) in heads and cell_level and RANK[member_levels[person_id]] < RANK[cell_level]:
                member_levels[person_id] = cell_level

        reviews: list[Review] = []
        member_kind = ReviewKind.MEMBER  # before 2025 every member wrote the same form; kept simple for the demo
        for person_id, cell_id in member_cell.items():
            level = member_levels[person_id]
            reviews.append(
                Review(
                    period=period, kind=member_kind, person_id=person_id, context_id=cell_id,
                    authority_id=authority_of_context[cell_id], heads_id=cell_id if (person_id, cell_id) in heads
                    else None, form_code=form_code(regime, member_kind), state=ReviewState.DECIDED,
                    self_level=level, proposed_level=level,
                )
            )  # fmt: skip
        for person_id, ctx, auth, heads_id in leaders:
            if person_id not in member_levels:
                continue
            level = member_levels[person_id]
            if heads_id in org_levels and RANK[level] < RANK[org_levels[heads_id]]:
                level = org_levels[heads_id]
            reviews.append(
                Review(
                    period=period, kind=ReviewKind.LEADER, person_id=person_id, context_id=ctx, authority_id=auth,
                    heads_id=heads_id, form_code=form_code(regime, ReviewKind.LEADER), state=ReviewState.DECIDED,
                    self_level=level, proposed_level=level,
                )
            )  # fmt: skip
        for kind, unit_id, ctx, auth in org_reviews:
            level = org_levels.get(unit_id) or _level(tendency[("u", unit_id)] + noise.gauss(0, 0.55))
            reviews.append(
                Review(
                    period=period, kind=kind, unit_id=unit_id, context_id=ctx, authority_id=auth,
                    form_code=form_code(regime, kind), state=ReviewState.DECIDED, self_level=level,
                    proposed_level=level,
                )
            )  # fmt: skip
        Review.objects.bulk_create(reviews, batch_size=5000)
        reviews = list(
            Review.objects.filter(period=period).only(
                "id", "kind", "person_id", "unit_id", "authority_id", "self_level"
            )
        )
        # Numbered with the deciding committee's own symbol (-QĐ/HU for a district committee); the archive did not
        # keep the signer: the papers name who was secretary on the day of the decision.
        symbols = {u.pk: symbol(u) for u in Unit.objects.filter(pk__in={r.authority_id for r in reviews})}
        Decision.objects.bulk_create(
            [
                Decision(
                    review_id=r.pk, level=r.self_level, kind=DecisionKind.RECORDED, authority_id=r.authority_id,
                    number=f"{(r.authority_id % 90) + 10}-QĐ/{symbols[r.authority_id]}", signed_on=signed,
                    reason="Nhập từ hồ sơ lưu trữ của năm " + str(year),
                )
                for r in reviews
            ],
            batch_size=5000,
        )  # fmt: skip
        Review.objects.filter(period=period).update(
            decision=Subquery(Decision.objects.filter(review=OuterRef("pk")).values("pk")[:1])
        )

        # Shortcomings found this year, carried into the next: every member rated HT or KHT and one in ten of
        # the others, a few organizations; most remedied by mid-next-year, some still open.
        shortcomings: list[Shortcoming] = []
        deadline = dt.date(year + 1, 6, 30)
        for r in reviews:
            if r.kind == ReviewKind.LEADER:
                continue
            weak = r.self_level in ("HT", "KHT")
            if r.person_id is not None and (weak or noise.random() < 0.1):
                description, remedy = noise.choice(SHORTCOMINGS)
            elif r.unit_id is not None and r.kind == ReviewKind.PARTY_ORG and (weak or noise.random() < 0.05):
                description, remedy = ORG_SHORTCOMING
            else:
                continue
            done = noise.random() < (0.7 if back == 1 else 0.9)
            shortcomings.append(
                Shortcoming(
                    person_id=r.person_id, unit_id=r.unit_id, review_id=r.pk, description=description, remedy=remedy,
                    deadline=deadline, status=ShortcomingStatus.REMEDIED if done else ShortcomingStatus.OPEN,
                    evidence="Chi bộ đã kiểm tra, xác nhận khắc phục." if done else "",
                    remedied_on=dt.date(year + 1, 5, 15) if done else None,
                )
            )  # fmt: skip
        Shortcoming.objects.bulk_create(shortcomings, batch_size=5000)
        period_set_status(period=period, status=PeriodStatus.OPEN, actor=None)
        period_set_status(period=period, status=PeriodStatus.CLOSED, actor=None)
        counts["history_periods"] += 1
        counts["history_reviews"] += len(reviews)
        counts["history_shortcomings"] += len(shortcomings)
    return counts
