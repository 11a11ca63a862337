"""Opening a period: one review for every subject that must be reviewed, created in bulk.

Subjects (QĐ 366 Art. 5): every party member present on the last day of the period, except those exempt from
party work and activities, suspended, or admitted less than six months before (they are listed with the
reason); every leader (a current post marked as leader: reviewed in two places, their cell and the body they
lead, Art. 7); every party organization, leadership collective and same-level body in the scope (the scope's
own root is rated by the level above the system).

Before anything is written the readiness check looks for steps that would have nobody to act: a cell without
a secretary cannot hold its meeting, a committee without a head cannot decide. Opening refuses with that list.
Opening again later adds what is missing (a member who arrived since) and changes nothing else.

A period set by the province can be opened one subtree at a time (`scope`: a commune, a grassroots
organization) as each becomes ready: the readiness check and the new reviews then cover that subtree only,
and its root is itself reviewed (by its superior, which lies inside the period).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.orgs.models import CELL_KINDS, PARTY_KINDS, Unit, in_subtree, subtree_q
from danhgia.people.models import CivilServant, Membership, MemberStatus, Post, PostRole, QuotaGroupEntry
from danhgia.periods.models import Period, PeriodStatus
from danhgia.reviews import authority as authorities
from danhgia.reviews.criteria import form_code
from danhgia.reviews.models import GROUP_KIND, AuthorityRule, Exclusion, Review, ReviewKind

if TYPE_CHECKING:
    from danhgia.accounts.models import User

BASIS = "QĐ 366-QĐ/TW Điều 5 khoản 2"
BASIS_BY_REGIME = {"R2018": "HD 21-HD/BTCTW mục II.6", "R2023": "QĐ 124-QĐ/TW Điều 5 khoản 2.1", "R2025": BASIS}
EXCLUSION_REASONS = {
    MemberStatus.EXEMPT: "Miễn công tác và sinh hoạt đảng",
    MemberStatus.SUSPENDED: "Đình chỉ sinh hoạt đảng",
    "new": "Mới kết nạp chưa đủ 6 tháng",
}


@dataclass
class Problem:
    unit: Unit
    message: str


@dataclass
class OpenResult:
    created: dict[str, int] = field(default_factory=dict)
    excluded: int = 0
    already: int = 0


def _as_of(period: Period) -> dt.date:
    return period.ends_on


def check_scope(period: Period, scope: Unit | None) -> Unit:
    """The subtree to open: the period's own unit by default, else a unit inside it."""
    if scope is None:
        return period.unit
    if not in_subtree(scope.path, period.unit.path):
        raise ValidationError({"don_vi": f"{scope.name} không thuộc phạm vi của kỳ đánh giá {period.name}."})
    return scope


def readiness(period: Period, scope: Unit | None = None) -> list[Problem]:
    """Steps that would have nobody able to act: cells without a secretary, committees without a head."""
    as_of = _as_of(period)
    root = check_scope(period, scope)
    units = Unit.objects.filter(subtree_q(root.path), kind__in=PARTY_KINDS).filter(
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of)
    )
    headed = set(
        Post.objects.filter(unit__in=units, role=PostRole.HEAD, starts_on__lte=as_of)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=as_of))
        .values_list("unit_id", flat=True)
    )
    problems = []
    for unit in units.order_by("path"):
        if unit.pk in headed:
            continue
        if unit.kind in CELL_KINDS:
            problems.append(Problem(unit, "Chi bộ chưa có bí thư: không có người chủ trì hội nghị kiểm điểm."))
        elif unit.is_grassroots or unit.pk in (period.unit_id, root.pk):
            problems.append(Problem(unit, "Cấp ủy chưa có bí thư: không có người chủ trì quyết định xếp loại."))
    return problems


def _months_before(day: dt.date, months: int) -> dt.date:
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, 28))


@transaction.atomic
def period_open_reviews(*, period: Period, actor: User | None, scope: Unit | None = None) -> OpenResult:
    """Create the reviews (and exclusions) of the period, or of one subtree of it (`scope`); refuse, changing
    nothing, when that part is not ready."""
    period = Period.objects.select_for_update(of=("self",)).select_related("unit").get(pk=period.pk)
    if period.status == PeriodStatus.CLOSED:
        raise ValidationError({"period": "Kỳ đánh giá đã kết thúc."})
    root = check_scope(period, scope)
    problems = readiness(period, root)
    if problems:
        listing = "; ".join(f"{p.unit.name}: {p.message}" for p in problems[:20])
        more = f" (và {len(problems) - 20} đơn vị khác)" if len(problems) > 20 else ""
        raise ValidationError(
            {"period": f"Chưa thể mở kỳ đánh giá — {len(problems)} đơn vị cần kiện toàn: {listing}{more}"}
        )
    as_of = _as_of(period)
    regime = period.regime
    # The whole period's tree, to find each subject's deciding authority (it may lie above `root`) …
    units = {
        u.pk: u
        for u in Unit.objects.filter(subtree_q(period.unit.path)).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=as_of)
        )
    }
    # … and the part being opened now.
    opening = {pk for pk, u in units.items() if in_subtree(u.path, root.path)}

    def parent_of(unit: Unit) -> Unit | None:
        return units.get(unit.parent_id) if unit.parent_id else None

    rules = {(r.kind, r.context_kind): r.decider_kind for r in AuthorityRule.objects.filter(period=period)}
    authority_cache: dict[tuple[str, int], Unit] = {}

    def authority(kind: str, context: Unit) -> Unit:
        key = (kind, context.pk)
        if key not in authority_cache:
            authority_cache[key] = authorities.authority_with_rules(kind, context, parent_of, rules)
        return authority_cache[key]

    group_of: dict[tuple[str, str, int], int] = {}
    for subject_kind, person_id, unit_id, group_id in QuotaGroupEntry.objects.filter(period=period).values_list(
        "subject_kind", "person_id", "unit_id", "group_id"
    ):
        if person_id:
            group_of[(subject_kind, "p", person_id)] = group_id
        else:
            group_of[(subject_kind, "u", unit_id)] = group_id
    existing = set(Review.objects.filter(period=period).values_list("kind", "person_id", "unit_id"))
    excluded_before = set(Exclusion.objects.filter(period=period).values_list("person_id", flat=True))

    # Current heads (to cap a head by the body they head) and leader posts.
    valid_posts = Post.objects.filter(unit_id__in=units, starts_on__lte=as_of).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=as_of)
    )
    head_of: dict[int, int] = {}
    leader_posts: dict[int, list[tuple[int, int, int, bool]]] = defaultdict(list)  # person → (rank, depth, unit, head)
    for person_id, unit_id, role, is_leader in valid_posts.values_list("person_id", "unit_id", "role", "is_leader"):
        if role == PostRole.HEAD:
            head_of.setdefault(person_id, unit_id)
        if is_leader and unit_id in opening:
            depth = len(units[unit_id].path)
            leader_posts[person_id].append((0 if role == PostRole.HEAD else 1, depth, unit_id, role == PostRole.HEAD))

    reviews: list[Review] = []
    exclusions: list[Exclusion] = []
    new_cutoff = _months_before(as_of, 6)
    stays = (
        Membership.objects.filter(subtree_q(root.path, "unit__path"), valid_from__lte=as_of)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=as_of))
        .filter(status__in=[MemberStatus.ACTIVE, MemberStatus.EXEMPT, MemberStatus.SUSPENDED])
        .values_list("member__person_id", "unit_id", "status", "member__admitted_on", "member__person__civil_servant")
    )
    for person_id, cell_id, status, admitted_on, civil_servant in stays.iterator(chunk_size=5000):
        cell = units.get(cell_id)
        if cell is None:
            continue
        reason = status if status != MemberStatus.ACTIVE else ("new" if admitted_on > new_cutoff else "")
        if reason:
            if person_id not in excluded_before:
                exclusions.append(
                    Exclusion(
                        period=period,
                        person_id=person_id,
                        unit_id=cell_id,
                        reason=EXCLUSION_REASONS[reason],
                        basis=BASIS_BY_REGIME[regime],
                    )
                )
            continue
        outside = regime == "R2025" and civil_servant in {CivilServant.NONE, CivilServant.WORKER}
        kind = ReviewKind.MEMBER_OUTSIDE if outside else ReviewKind.MEMBER
        if (kind, person_id, None) in existing:
            continue
        heads = head_of.get(person_id)
        reviews.append(
            Review(
                period=period,
                kind=kind,
                person_id=person_id,
                context=cell,
                authority=authority(kind, cell),
                heads_id=heads if heads == cell_id else None,
                form_code=form_code(regime, kind),
                quota_group_id=group_of.get((GROUP_KIND[kind], "p", person_id)),
            )
        )
    for person_id, posts in leader_posts.items():
        if (ReviewKind.LEADER, person_id, None) in existing:
            continue
        _rank, _depth, unit_id, is_head = min(posts)
        led = units[unit_id]
        reviews.append(
            Review(
                period=period,
                kind=ReviewKind.LEADER,
                person_id=person_id,
                context=led,
                authority=authority(ReviewKind.LEADER, led),
                heads=led if is_head else None,
                form_code=form_code(regime, ReviewKind.LEADER),
                quota_group_id=group_of.get((GROUP_KIND[ReviewKind.LEADER], "p", person_id)),
            )
        )
    for unit in units.values():
        if unit.pk == period.unit_id or unit.pk not in opening:
            continue
        kinds = [ReviewKind.PARTY_ORG if unit.kind in PARTY_KINDS else ReviewKind.UNIT]
        if unit.collective_name:
            kinds.append(ReviewKind.COLLECTIVE)
        for kind in kinds:
            if (kind, None, unit.pk) in existing:
                continue
            reviews.append(
                Review(
                    period=period,
                    kind=kind,
                    unit=unit,
                    context=unit,
                    authority=authority(kind, unit),
                    form_code=form_code(regime, kind),
                    quota_group_id=group_of.get((GROUP_KIND[kind], "u", unit.pk)),
                )
            )
    Exclusion.objects.bulk_create(exclusions, batch_size=5000)
    Review.objects.bulk_create(reviews, batch_size=5000)
    result = OpenResult(excluded=len(exclusions), already=len(existing))
    for review in reviews:
        result.created[review.kind] = result.created.get(review.kind, 0) + 1
    if period.status == PeriodStatus.DRAFT:
        period.status = PeriodStatus.OPEN
        period.save(update_fields=["status"])
    record(
        actor=actor,
        action=Action.PERIOD_OPENED,
        target=period,
        unit=root,
        new={
            "scope": root.name,
            "created": result.created,
            "excluded": result.excluded,
            "already": result.already,
        },
    )
    return result
