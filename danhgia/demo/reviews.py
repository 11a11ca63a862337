"""The demo period's reviews: every subject of the province gets its review; one commune runs ahead.

In the demo commune every cell but the demo cell has held its meeting (self-reviews submitted, levels proposed
with their votes), so the commune secretary's decision page has a whole quota group to decide, with members
capped by the 20 %. In the demo cell most members have submitted and the meeting is still to be held; the demo
member's own review is a draft for them to write. Everything goes through the real services, as a user would.
"""

from __future__ import annotations

import datetime as dt
import random

from danhgia.accounts.models import Role, User
from danhgia.lib.dates import today
from danhgia.orgs.models import Unit, UnitKind
from danhgia.periods.models import Period
from danhgia.reviews import criteria, meetings, opinions, services
from danhgia.reviews.models import PERSON_KINDS, Anonymity, EvaluatorKind, Review, ReviewState
from danhgia.reviews.opening import period_open_reviews

TASKS = [
    "Thực hiện nhiệm vụ chuyên môn được giao theo kế hoạch năm",
    "Tham gia công tác dân vận ở khu dân cư",
    "Tuyên truyền, vận động Nhân dân thực hiện chính sách, pháp luật",
    "Phụ trách hộ gia đình theo phân công của chi bộ",
    "Tham gia xây dựng nông thôn mới",
    "Hoàn thành chương trình học tập nghị quyết",
]
SECTIONS = {
    "uu_diem": "Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước; hoàn thành các nhiệm vụ được "
    "chi bộ phân công; giữ mối liên hệ với Nhân dân nơi cư trú.",
    "han_che": "Có lúc chưa chủ động đề xuất giải pháp; việc nghiên cứu, học tập nghị quyết chưa thường xuyên.",
    "phuong_huong": "Tiếp tục học tập, rèn luyện; chủ động hơn trong công việc được giao.",
}


def _level(points: float) -> str:
    """The self-assessed level a member would write for these points (R2025 thresholds 90/70/50)."""
    return "HTXS" if points >= 90 else "HTT" if points >= 70 else "HT" if points >= 50 else "KHT"


def _fill(review: Review, rng: random.Random) -> None:
    table = services.table_for(review)
    general_share, task_share = rng.uniform(0.72, 1.0), rng.uniform(0.66, 1.0)
    items = {}
    for group in table.groups:
        share = general_share if group.code == "general" else task_share
        for item in group.items:
            items[item.code] = str(round(item.max * min(1.0, share + rng.uniform(-0.08, 0.08)), 1))
    # Most members finish their tasks on time; a few are late, very few leave one undone (each of those the rules
    # leave to the committee to weigh).
    statuses = rng.choices(["on_time", "exceeded", "late", "not_done"], weights=[72, 22, 5, 1], k=rng.randint(3, 6))
    tasks = [
        {"title": title, "status": status, "evidence": "Báo cáo kết quả" if status == "exceeded" else ""}
        for title, status in zip(rng.sample(TASKS, len(statuses)), statuses, strict=True)
    ]
    _clean, general, task = criteria.score(table, items)
    level = _level(float((general or 0) + (task or 0)))
    review = services.review_save(
        review=review, actor=None, items=items, sections=SECTIONS, tasks=tasks, self_level=level
    )
    services.review_submit(review=review, actor=None)


def _meeting(period: Period, cell: Unit, rng: random.Random) -> None:
    reviews = list(
        Review.objects.filter(period=period, context=cell, state=ReviewState.SUBMITTED).select_related("person", "unit")
    )
    summoned = sum(1 for r in reviews if r.kind in PERSON_KINDS) or 1
    present = max(1, summoned - rng.randint(0, 2))
    people = [r.person for r in reviews if r.person is not None]
    chair = next((r.person for r in reviews if r.heads_id == cell.pk and r.person), people[0] if people else None)
    secretary = rng.choice([p for p in people if p != chair] or people) if people else None
    meeting = meetings.meeting_record(
        period=period, unit=cell, held_on=min(today(), period.ends_on) - dt.timedelta(days=1),
        starts_at=dt.time(7, 30), ends_at=dt.time(11, 0), place=f"Nhà văn hóa {cell.name.removeprefix('Chi bộ ')}",
        chaired_by=chair.full_name if chair else "Bí thư chi bộ",
        secretary=secretary.full_name if secretary else "",
        summoned=summoned, present=present,
        minutes="Hội nghị kiểm điểm cuối năm; các đảng viên đã trình bày bản tự kiểm điểm, chi bộ góp ý.", actor=None,
    )  # fmt: skip
    for review in reviews:
        against = rng.choice([0, 0, 0, 1])
        meetings.proposal_record(
            meeting=meeting, review=review, level=review.self_level, votes_for=present - against,
            votes_against=against, votes_abstain=0, actor=None,
        )  # fmt: skip


def _opinions(period: Period, cell: Unit, rng: random.Random) -> None:
    """Evaluator groups on the demo cell: the residence committees (named, some answered), the Front (the demo
    account "mttq" has its sheet to answer) and an anonymous group of the cell committee below its threshold."""
    reviews = list(
        Review.objects.filter(period=period, context=cell, kind__in=PERSON_KINDS).order_by("person__sort_key")[:8]
    )
    if not reviews:
        return
    # The period's step "Lấy ý kiến nhận xét, đánh giá" (or today, when the demo is seeded after it).
    deadline = max(today(), period.phases.get(code="opinions").deadline)
    residence = opinions.group_create(
        period=period, unit=cell, kind=EvaluatorKind.RESIDENCE, name="Chi ủy nơi cư trú của đảng viên",
        reviews=reviews, deadline=deadline, actor=None,
    )  # fmt: skip
    places = [f"Chi bộ khu dân cư số {n}" for n in range(1, 5)]
    for issued in opinions.respondents_add(group=residence, externals=[(p, "") for p in places], actor=None)[:3]:
        answers = {
            r.pk: {"chap_hanh": rng.choice(["tot", "tot", "xuat_sac"]), "lien_he": rng.choice(["tot", "trung_binh"])}
            for r in reviews
        }
        opinions.sheet_submit(respondent=issued.respondent, answers=answers, actor=None)
    front = opinions.group_create(
        period=period, unit=cell, kind=EvaluatorKind.FRONT, name="Ban công tác Mặt trận khu dân cư",
        reviews=reviews, deadline=deadline, actor=None,
    )  # fmt: skip
    front_users = list(User.objects.filter(roles__role=Role.FRONT, roles__unit=cell.parent_id))
    if front_users:
        opinions.respondents_add(group=front, users=front_users, actor=None)  # the demo account "mttq" answers
    committee = opinions.group_create(
        period=period, unit=cell, kind=EvaluatorKind.COLLECTIVE, name="Chi ủy chi bộ (ẩn danh)",
        reviews=reviews, deadline=deadline, anonymity=Anonymity.ANONYMOUS, actor=None,
    )  # fmt: skip
    sheets = opinions.respondents_add(group=committee, externals=[("Chi ủy viên 1", ""), ("Chi ủy viên 2", ""),
                                                                  ("Chi ủy viên 3", "")], actor=None)  # fmt: skip
    for issued in sheets[:2]:
        answers = {r.pk: {"muc": "HTT", "pham_chat": "tot", "nhiem_vu": "tot"} for r in reviews}
        opinions.sheet_submit(respondent=issued.respondent, answers=answers, actor=None)


def demo_reviews(period: Period, commune: Unit, cell: Unit, *, seed: int) -> dict[str, int]:
    """Open the period's reviews for the whole province; run the demo commune ahead. Returns counts."""
    opened = period_open_reviews(period=period, actor=None)
    rng = random.Random(seed)
    cells = list(Unit.objects.filter(parent=commune, kind=UnitKind.CELL).order_by("sort_key"))
    demo_member = (
        Review.objects.filter(period=period, context=cell, kind__in=PERSON_KINDS)
        .exclude(person__posts__unit=cell, person__posts__role="head")
        .order_by("person__sort_key")
        .values_list("pk", flat=True)
        .first()
    )
    for unit in cells:
        reviews = list(Review.objects.filter(period=period, context=unit).order_by("kind", "person__sort_key"))
        for i, review in enumerate(reviews):
            # In the demo cell a few members (and the demo member) have not submitted yet.
            if unit == cell and (review.pk == demo_member or i % 7 == 3):
                continue
            _fill(review, rng)
        if unit != cell:
            _meeting(period, unit, rng)
    _opinions(period, cell, rng)
    return {
        "reviews": sum(opened.created.values()),
        "excluded_from_review": opened.excluded,
        "demo_proposed": Review.objects.filter(period=period, state=ReviewState.PROPOSED).count(),
    }
