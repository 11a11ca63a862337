"""Deciding levels: the competent authority, the live engine, and the lock that keeps the quota.

A decision is checked and written in one transaction. The quota groups concerned are locked first (SELECT …
FOR UPDATE on PostgreSQL; SQLite serialises writers with its IMMEDIATE transactions), then the engine runs
over every review of those groups as they stand in the database, with the levels being decided fixed and
ranked first. A requested level the engine would lower — because the group's 20 % would be exceeded, the body
the subject heads has a lower level, or the rules do not allow it — is refused. So two officers deciding at
once can never together exceed a quota or put a head above their unit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from danhgia.audit.models import Action
from danhgia.audit.services import event, record_many
from danhgia.people.models import CivilServant, QuotaGroup
from danhgia.periods.models import Period
from danhgia.reviews import notify
from danhgia.reviews.case_builder import Outcome, evaluate, parse_facts
from danhgia.reviews.models import (
    LEVEL_ORDER,
    PERSON_KINDS,
    Decision,
    DecisionKind,
    Review,
    ReviewKind,
    ReviewState,
)
from danhgia.reviews.services import LEVELS, departs
from danhgia.rules.output import Output

if TYPE_CHECKING:
    from danhgia.accounts.models import User

DECIDABLE = {ReviewState.PROPOSED, ReviewState.APPRAISED}
BODY_KINDS = {ReviewKind.PARTY_ORG, ReviewKind.UNIT, ReviewKind.COLLECTIVE}
# The reviews that cap a head: the unit's review as a party organization or as a body (case_builder.body_reviews).
HEADED_KINDS = [ReviewKind.PARTY_ORG, ReviewKind.UNIT]
UNGROUPED_BATCH = 1000


def reviews_in(period: Period) -> QuerySet[Review]:
    return Review.objects.filter(period=period).select_related(
        "period", "person", "unit", "context", "authority", "decision", "quota_group"
    )


def group_reviews(period: Period, group: QuotaGroup | None, ids: list[int] | None = None) -> list[Review]:
    """Every review of a quota group in the period (the quota applies to the whole group)."""
    if group is not None:
        return list(reviews_in(period).filter(quota_group=group))
    return list(reviews_in(period).filter(pk__in=ids or []))


@dataclass
class Row:
    """One line of the decision page."""

    review: Review
    result: Any  # the engine's Result (None for a body outside the group)
    blocked: str  # why it cannot be decided now ("" when it can)


def preview(reviews: list[Review]) -> tuple[list[Row], Output]:
    """The decision page: the engine over the whole group, live, with what blocks each review."""
    outcomes, output = evaluate(reviews)
    bodies = _bodies(outcomes)
    rows = [Row(r, outcomes[r.pk].result, _blocked(r, bodies)) for r in reviews]
    return rows, output


def _bodies(outcomes: dict[int, Outcome]) -> dict[int, Review]:
    """Among the evaluated reviews, the review of each unit as a body (not its leadership collective), by unit id:
    what a head waits for. Built once, so that finding a head's body is a lookup, not a scan of the group."""
    bodies: dict[int, Review] = {}
    for outcome in outcomes.values():
        review = outcome.review
        if review.unit_id is not None and review.kind != ReviewKind.COLLECTIVE:
            bodies.setdefault(review.unit_id, review)
    return bodies


def _blocked(review: Review, bodies: dict[int, Review]) -> str:
    if review.state == ReviewState.DECIDED:
        return "Đã quyết định"
    if review.state == ReviewState.COMPLAINED:
        return "Đang giải quyết khiếu nại"
    if review.state not in DECIDABLE:
        return "Chưa có đề xuất của hội nghị" if review.state == ReviewState.SUBMITTED else "Chưa nộp bản kiểm điểm"
    body = bodies.get(review.heads_id) if review.heads_id else None
    if body is not None and body.pk != review.pk and body.state != ReviewState.DECIDED:
        return f"Chờ quyết định xếp loại «{body.subject_name}» (tập thể trước người đứng đầu)"
    if review.period.regime == "R2018" and review.kind in PERSON_KINDS and review.person is not None:
        # HD 21: a member who is a civil servant is rated after their civil-servant rating (R19).
        servant = review.person.civil_servant in {
            CivilServant.CADRE,
            CivilServant.CIVIL_SERVANT,
            CivilServant.PUBLIC_EMPLOYEE,
        }
        if servant and not parse_facts(review.facts or {}).civil_servant_level:
            return "Chờ kết quả xếp loại cán bộ, công chức, viên chức (HD 21-HD/BTCTW)"
    return ""


def _explain(result: Any) -> str:
    if result is None or not result.reasons:
        return "quy định không cho phép"
    last = result.reasons[-1]
    return f"{last.text} ({last.rule}, {last.source})"


@transaction.atomic
def decide(
    *,
    reviews: list[Review],
    levels: dict[int, str],
    actor: User | None,
    reasons: dict[int, str] | None = None,
    kind: str = DecisionKind.SYSTEM,
    number: str = "",
    signed_on: dt.date | None = None,
    signer: str = "",
    attachment: UploadedFile | None = None,
    supersedes: dict[int, Decision] | None = None,
) -> list[Decision]:
    """Decide `levels` (review id → level) for reviews of one period; refuse everything if any is not allowed."""
    if not levels:
        raise ValidationError({"levels": "Chưa chọn đối tượng nào để quyết định."})
    reasons = reasons or {}
    supersedes = supersedes or {}
    period = reviews[0].period
    # The lock, in a fixed order so that two deciders cannot deadlock: first every quota group concerned (by id),
    # then, in one statement by id, the reviews being decided and the reviews of the bodies their subjects head.
    # The group lock serialises deciders of one quota; the body's row serialises a head's decision with the
    # body's own (its group is another one), so the head is checked against the body's level as committed.
    group_ids = sorted({r.quota_group_id for r in reviews if r.pk in levels and r.quota_group_id})
    list(QuotaGroup.objects.select_for_update().filter(pk__in=group_ids).order_by("pk"))
    heads = set(Review.objects.filter(pk__in=list(levels), heads__isnull=False).values_list("heads_id", flat=True))
    locked = reviews_in(period).select_for_update(of=("self",)).order_by("pk")
    if heads:
        locked = locked.filter(Q(pk__in=list(levels)) | Q(unit_id__in=heads, kind__in=HEADED_KINDS))
    else:
        locked = locked.filter(pk__in=list(levels))
    fresh = {r.pk: r for r in locked if r.pk in levels}
    everyone: dict[int, Review] = {}
    if group_ids:
        everyone.update({r.pk: r for r in reviews_in(period).filter(quota_group_id__in=group_ids).order_by("pk")})
    everyone.update(fresh)
    outcomes, _output = evaluate(list(everyone.values()), overrides=levels)
    bodies = _bodies(outcomes)
    errors: dict[str, str] = {}
    for review_id, level in levels.items():
        review = fresh.get(review_id)
        field = f"level_{review_id}"
        if review is None:
            errors[field] = "Không tìm thấy bản kiểm điểm."
            continue
        if level not in LEVELS:
            errors[field] = f"{review.subject_name}: mức xếp loại không hợp lệ."
            continue
        if supersedes.get(review_id) is None and (blocked := _blocked(review, bodies)):
            errors[field] = f"{review.subject_name}: {blocked}."
            continue
        if actor is not None and review.person_id is not None and getattr(actor, "person_id", None) == review.person_id:
            errors[field] = f"{review.subject_name}: không ai tự quyết định trên hồ sơ của chính mình."
            continue
        result = outcomes[review_id].result
        final = result.level if result is not None else None
        if final is None:
            # The rules leave it to the authority (R75, R78, R114): any level, but with written reasons.
            eligible = result.eligible if result is not None else None
            if eligible is not None and LEVEL_ORDER[level] > LEVEL_ORDER[eligible]:
                errors[field] = f"{review.subject_name}: quy định chỉ cho phép tối đa {eligible}."
            elif not reasons.get(review_id, "").strip():
                errors[f"reason_{review_id}"] = (
                    f"{review.subject_name}: quy định để cấp có thẩm quyền quyết định — hãy ghi lý do."
                )
            continue
        if LEVEL_ORDER[final] < LEVEL_ORDER[level]:
            errors[field] = f"{review.subject_name}: không thể xếp {level} — {_explain(result)}."
            continue
        if departs(level, review.self_level) and not reasons.get(review_id, "").strip():
            errors[f"reason_{review_id}"] = (
                f"{review.subject_name}: mức {level} khác mức tự đánh giá ({review.self_level}) — hãy ghi lý do."
            )
    if errors:
        raise ValidationError(errors)

    decisions = []
    for review_id, level in levels.items():
        review, result = fresh[review_id], outcomes[review_id].result
        decisions.append(
            Decision(
                review=review,
                level=level,
                kind=kind,
                authority=review.authority,
                decided_by=actor,
                number=number.strip(),
                signed_on=signed_on,
                signer=signer.strip(),
                reason=reasons.get(review_id, "").strip(),
                supersedes=supersedes.get(review_id),
                engine={
                    "eligible": result.eligible if result else None,
                    "level": result.level if result else None,
                    "reasons": [r.rule for r in result.reasons] if result else [],
                    "quota_position": result.quota_position if result else None,
                },
            )
        )
    Decision.objects.bulk_create(decisions, batch_size=2000)
    if attachment is not None:
        # One scanned decision for all subjects it names: stored once, referenced by each row.
        first = decisions[0]
        first.attachment.save(attachment.name or "quyet-dinh.pdf", attachment, save=True)
        Decision.objects.filter(pk__in=[d.pk for d in decisions[1:]]).update(attachment=first.attachment.name)
    for d in decisions:
        d.review.decision, d.review.state = d, ReviewState.DECIDED
    # One UPDATE whatever the number: each review points at the decision just written for it.
    written = Decision.objects.filter(review_id=OuterRef("pk"), pk__in=[d.pk for d in decisions]).values("pk")[:1]
    Review.objects.filter(pk__in=[d.review_id for d in decisions]).update(
        decision=Subquery(written), state=ReviewState.DECIDED
    )
    action = Action.DECISION_RECORDED if kind == DecisionKind.RECORDED else Action.DECISION_MADE
    if kind == DecisionKind.REDECISION:
        action = Action.COMPLAINT_REDECIDED
    record_many(
        [
            event(
                actor=actor,
                action=action,
                target=d.review,
                unit=d.review.context,
                old={"level": supersedes[d.review_id].level} if d.review_id in supersedes else None,
                new={"level": d.level, "number": d.number, "reason": d.reason, "decision": d.pk},
            )
            for d in decisions
        ]
    )
    _notify(decisions)
    return decisions


def _notify(decisions: list[Decision]) -> None:
    """The subject and the bodies that manage them see the result (QĐ 366 Art. 15)."""
    from danhgia.accounts.models import User

    by_person = defaultdict(list)
    for user in User.objects.filter(
        person_id__in=[d.review.person_id for d in decisions if d.review.person_id], is_active=True
    ):
        by_person[user.person_id].append(user)
    managers = notify.managers_of_many([d.review.context for d in decisions])
    items: list[tuple[User, str, str]] = []
    for d in decisions:
        review = d.review
        text = f"Kết quả xếp loại {review.subject_name} ({review.period.name}): {d.get_level_display()}."
        url = reverse("reviews-detail", args=[review.pk])
        recipients = {u.pk: u for u in [*by_person.get(review.person_id, []), *managers[review.context_id]]}
        items.extend((u, text, url) for u in recipients.values())
    notify.notify_many(items)


def decide_suggested(*, reviews: list[Review], actor: User | None) -> list[Decision]:
    """Batch: decide every decidable review of the set at the level the engine gives (those it settles)."""
    outcomes, _ = evaluate(reviews)
    bodies = _bodies(outcomes)
    own = getattr(actor, "person_id", None)
    levels: dict[int, str] = {}
    for r in reviews:
        result = outcomes[r.pk].result
        if r.state not in DECIDABLE or result is None or result.level is None or _blocked(r, bodies):
            continue
        if own is not None and own == r.person_id:
            continue  # nobody decides their own record
        levels[r.pk] = result.level
    if not levels:
        return []
    # Where the engine's level departs from the self-assessment, its own explanation is the written reason.
    reasons = {
        pk: f"Theo kết quả tính: {_explain(outcomes[pk].result)}"
        for pk, level in levels.items()
        if departs(level, outcomes[pk].review.self_level)
    }
    return decide(reviews=reviews, levels=levels, actor=actor, reasons=reasons)


def decide_all(*, period: Period, reviews: QuerySet[Review], actor: User | None) -> dict[str, int]:
    """Batch over many groups (a whole authority or province): bodies' groups first, then people's.

    Each group is decided in its own transaction under its own lock (the reviews in no group, in batches).
    Returns counts: decided, left (the
    engine leaves them to the authority, or they are blocked).
    """
    by_group: dict[int | None, list[Review]] = defaultdict(list)
    for review in reviews.select_related("period", "person", "unit", "context", "authority", "decision", "quota_group"):
        by_group[review.quota_group_id].append(review)
    ungrouped = by_group.pop(None, [])
    order = sorted(by_group.items(), key=lambda item: (item[1][0].kind not in BODY_KINDS, item[0] or 0))
    decided = left = 0
    chunks = [group for _, group in order]
    # Reviews in no quota group share no quota: deciding them together gives what deciding them one by one
    # gives, in a few transactions instead of thousands. Bodies first, then people, so that a head finds the
    # body they head already decided.
    for part in ([r for r in ungrouped if r.kind in BODY_KINDS], [r for r in ungrouped if r.kind not in BODY_KINDS]):
        chunks += [part[i : i + UNGROUPED_BATCH] for i in range(0, len(part), UNGROUPED_BATCH)]
    for chunk in chunks:
        pending = [r for r in chunk if r.state in DECIDABLE]
        if not pending:
            continue
        members = group_reviews(period, chunk[0].quota_group) if chunk[0].quota_group_id else chunk
        made = decide_suggested(reviews=members, actor=actor)
        decided += len(made)
        left += len(pending) - len(made)
    return {"decided": decided, "left": left}
