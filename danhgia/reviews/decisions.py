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

from danhgia.accounts.permissions import Perm
from danhgia.audit.models import Action
from danhgia.audit.services import event, record_many
from danhgia.lib.db import analyze
from danhgia.orgs.models import Unit
from danhgia.people.models import CivilServant, Person, QuotaGroup
from danhgia.periods.models import Period
from danhgia.reviews import notify, presentation
from danhgia.reviews.case_builder import Loaded, Outcome, evaluate, load, parse_facts
from danhgia.reviews.models import (
    LEVEL_ORDER,
    PERSON_KINDS,
    Decision,
    DecisionKind,
    Review,
    ReviewKind,
    ReviewState,
)
from danhgia.reviews.services import LEVELS, check_upload, departs
from danhgia.rules.output import Output, Result

if TYPE_CHECKING:
    from danhgia.accounts.models import User

DECIDABLE = {ReviewState.PROPOSED, ReviewState.APPRAISED}
BODY_KINDS = {ReviewKind.PARTY_ORG, ReviewKind.UNIT, ReviewKind.COLLECTIVE}
# The reviews that cap a head: the unit's review as a party organization or as a body (case_builder.body_reviews).
HEADED_KINDS = [ReviewKind.PARTY_ORG, ReviewKind.UNIT]
UNGROUPED_BATCH = 1000
ANALYZE_FIRST = 1000  # decisions written by a batch before the decision table's statistics are first refreshed


def reviews_in(period: Period) -> QuerySet[Review]:
    return Review.objects.filter(period=period).select_related(
        "period", "person", "unit", "context", "authority", "decision", "quota_group"
    )


def _for_deciding(period: Period, wanted: Q) -> list[Review]:
    """The reviews a decision reads (the decision page reads more: `reviews_in`), by id. They share one instance of
    the period and one of each place of review (a few cells for hundreds of members) rather than each carrying a
    joined copy. The written sections (up to six texts of 20,000 characters) play no part in a decision."""
    rows = list(
        Review.objects.filter(period=period)
        .filter(wanted)
        .exclude(state=ReviewState.EXCLUDED)  # not rated: outside every quota (stuck.py)
        .select_related("person", "unit", "decision")
        .defer("sections", "appraisal_note")
        .order_by("pk")
    )
    places = Unit.objects.in_bulk({r.context_id for r in rows})
    for review in rows:
        review.period, review.context = period, places[review.context_id]
    return rows


def group_reviews(period: Period, group: QuotaGroup | None, ids: list[int] | None = None) -> list[Review]:
    """Every review of a quota group in the period (the quota applies to the whole group)."""
    if group is not None:
        # The period and the group are the same for every row, and a thousand members are reviewed in a few
        # cells and decided by one committee: one instance of each, rather than a joined copy on every row.
        # The written sections and a decision's stored engine output are not read here. Persons, units and
        # decisions come by primary key in their own queries: joined, PostgreSQL scans and hashes the whole person
        # and decision tables for a thousand rows (80 ms of 115 on a 70,000-member province).
        rows = list(
            Review.objects.filter(period=period, quota_group=group)
            .exclude(state=ReviewState.EXCLUDED)  # not rated: outside every quota (stuck.py)
            .defer("sections")
        )
        persons = Person.objects.in_bulk({r.person_id for r in rows if r.person_id})
        units = Unit.objects.in_bulk(
            {r.context_id for r in rows} | {r.authority_id for r in rows} | {r.unit_id for r in rows if r.unit_id}
        )
        decided = Decision.objects.defer("engine").in_bulk({r.decision_id for r in rows if r.decision_id})
        for review in rows:
            review.period, review.quota_group = period, group
            review.context, review.authority = units[review.context_id], units[review.authority_id]
            review.person = persons.get(review.person_id) if review.person_id else None
            review.unit = units.get(review.unit_id) if review.unit_id else None
            review.decision = decided.get(review.decision_id) if review.decision_id else None
        return rows
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


def _blocked(review: Review, bodies: dict[int, Review], *, stuck: bool = False) -> str:
    """Why the review cannot be decided now ("" if it can); `stuck`: decided without a passed proposal (stuck.py
    has checked that it may be), so only the other conditions apply."""
    if review.state == ReviewState.DECIDED:
        return "Đã quyết định"
    if review.state == ReviewState.COMPLAINED:
        return "Đang giải quyết khiếu nại"
    if review.state == ReviewState.EXCLUDED:
        return "Không xếp loại trong kỳ"
    if review.state not in DECIDABLE and not stuck:
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


def _explain(result: Any, names: dict[str, str] | None = None) -> str:
    """The rule that settled a level, in words for the record: no rule ids or case ids (presentation.py)."""
    if result is None or not result.reasons:
        return "quy định không cho phép"
    return presentation.engine_reason(result, names).removeprefix("Theo kết quả tính: ")


def _case_names(reviews: dict[int, Review]) -> dict[str, str]:
    return {f"r{pk}": r.subject_name for pk, r in reviews.items()}


def _lock(period: Period, group_ids: list[int], ids: list[int]) -> None:
    """The lock, in a fixed order so that two deciders cannot deadlock: first the quota groups (by id), then, in
    one statement by id, the reviews to decide and the reviews of the bodies their subjects head. The group lock
    serialises the deciders of one quota; the body's row serialises a head's decision with any change to the
    body's (its group is another one), so that the head is checked against the body's level as committed."""
    list(QuotaGroup.objects.select_for_update().filter(pk__in=group_ids).order_by("pk"))
    heads = set(Review.objects.filter(pk__in=ids, heads__isnull=False).values_list("heads_id", flat=True))
    locked = Review.objects.filter(period=period).select_for_update().order_by("pk")
    if heads:
        locked = locked.filter(Q(pk__in=ids) | Q(unit_id__in=heads, kind__in=HEADED_KINDS))
    else:
        locked = locked.filter(pk__in=ids)
    list(locked.values_list("pk", flat=True))


def _read(period: Period, group_ids: list[int], ids: list[int]) -> dict[int, Review]:
    """Under the lock, as committed: every review of the groups (the quota is the whole group's) and `ids`."""
    wanted = Q(pk__in=ids) | Q(quota_group_id__in=group_ids) if group_ids else Q(pk__in=ids)
    return {r.pk: r for r in _for_deciding(period, wanted)}


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
    stuck: frozenset[int] = frozenset(),
) -> list[Decision]:
    """Decide `levels` (review id → level) for reviews of one period; refuse everything if any is not allowed.
    `stuck`: reviews decided without a passed proposal (stuck.py)."""
    if not levels:
        raise ValidationError({"levels": "Chưa chọn đối tượng nào để quyết định."})
    period = reviews[0].period
    ids = list(levels)
    group_ids = sorted({r.quota_group_id for r in reviews if r.pk in levels and r.quota_group_id})
    _lock(period, group_ids, ids)
    everyone = _read(period, group_ids, ids)
    return _decide_locked(
        everyone,
        levels,
        actor=actor,
        reasons=reasons or {},
        kind=kind,
        number=number,
        signed_on=signed_on,
        signer=signer,
        attachment=attachment,
        supersedes=supersedes or {},
        stuck=stuck,
    )


def _decide_locked(
    everyone: dict[int, Review],
    levels: dict[int, str],
    *,
    actor: User | None,
    reasons: dict[int, str],
    kind: str = DecisionKind.SYSTEM,
    number: str = "",
    signed_on: dt.date | None = None,
    signer: str = "",
    attachment: UploadedFile | None = None,
    supersedes: dict[int, Decision] | None = None,
    loaded: Loaded | None = None,
    computed: dict[int, Result | None] | None = None,
    stuck: frozenset[int] = frozenset(),
) -> list[Decision]:
    """Check and write, the lock held and `everyone` read under it (`decide`); `loaded` if already read;
    `computed`: the engine's own results for these reviews (no level forced), if already computed."""
    supersedes = supersedes or {}
    fresh = {pk: everyone[pk] for pk in levels if pk in everyone}
    loaded = loaded or load(list(everyone.values()))
    outcomes, _output = evaluate(list(everyone.values()), overrides=levels, loaded=loaded)
    bodies = _bodies(outcomes)
    errors: dict[str, str] = {}
    names: dict[str, str] | None = None
    for review_id, level in levels.items():
        review = fresh.get(review_id)
        field = f"level_{review_id}"
        if review is None:
            errors[field] = "Không tìm thấy bản kiểm điểm."
            continue
        if level not in LEVELS:
            errors[field] = f"{review.subject_name}: mức xếp loại không hợp lệ."
            continue
        if supersedes.get(review_id) is None and (blocked := _blocked(review, bodies, stuck=review_id in stuck)):
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
            names = names if names is not None else _case_names(everyone)  # built once, on the first refusal
            errors[field] = f"{review.subject_name}: không thể xếp {level} — {_explain(result, names)}."
            continue
        if departs(level, review.self_level) and not reasons.get(review_id, "").strip():
            errors[f"reason_{review_id}"] = (
                f"{review.subject_name}: mức {level} khác mức tự đánh giá ({review.self_level}) — hãy ghi lý do."
            )
    if attachment is not None:
        try:
            check_upload(attachment, "attachment")
        except ValidationError as exc:
            errors.update({k: "; ".join(v) for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)

    # What each decision records of the engine is its own result with no level forced (its reasons, quota
    # position, who the 20 % capped): the check above forces the requested levels, which would record
    # "proposed" as the reason of every level.
    if computed is None:
        unforced, _ = evaluate(list(everyone.values()), loaded=loaded)
        computed = {pk: unforced[pk].result for pk in levels}
    decisions = []
    for review_id, level in levels.items():
        review, result = fresh[review_id], computed.get(review_id)
        decisions.append(
            Decision(
                review=review,
                level=level,
                kind=kind,
                authority_id=review.authority_id,
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
    _flag_heads_above([d for d in decisions if d.supersedes is not None])
    return decisions


def _flag_heads_above(corrected: list[Decision]) -> None:
    """A body's level lowered after its head was decided (a complaint, a correction) leaves the head above the
    body, which R23 forbids. The head's decision is not changed behind the authority's back: those who decide
    it are told to decide it again."""
    bodies = {d.review.unit_id: d for d in corrected if d.review.kind in HEADED_KINDS and d.review.unit_id}
    if not bodies:
        return
    heads = Review.objects.filter(
        period_id=corrected[0].review.period_id, heads_id__in=list(bodies), state=ReviewState.DECIDED
    ).select_related("decision", "authority", "period")
    items = []
    for head in heads:
        body = bodies[head.heads_id]  # type: ignore[index]
        if head.decision is not None and LEVEL_ORDER[head.decision.level] > LEVEL_ORDER[body.level]:
            text = (
                f"Cần quyết định lại: {head.subject_name} đang xếp {head.decision.level}, cao hơn mức "
                f"{body.level} vừa quyết định lại cho «{body.review.subject_name}» mà người này đứng đầu."
            )
            url = reverse("reviews-detail", args=[head.pk])
            items += [(u, text, url) for u in notify.managers_of(head.authority, Perm.REVIEWS_DECIDE)]
    notify.notify_many(items)


def _notify(decisions: list[Decision]) -> None:
    """The subject and the bodies that manage them see the result (QĐ 366 Art. 15)."""
    from danhgia.accounts.models import User

    by_person = defaultdict(list)
    for user in User.objects.filter(
        person_id__in=[d.review.person_id for d in decisions if d.review.person_id], is_active=True
    ):
        by_person[user.person_id].append(user)
    # The bodies that manage the subject: its cell (or body) and the committee just above. Officers higher up
    # read results in the reports: one notice per subject to every provincial officer would be 70,000.
    managers = notify.managers_of_many([d.review.context for d in decisions], levels_up=1)
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
    if not reviews:
        raise ValueError("no reviews to evaluate")
    return _decide_suggested(reviews[0].period, [(r.pk, r.quota_group_id, r.state) for r in reviews], actor)


@transaction.atomic
def _decide_suggested(period: Period, rows: list[tuple[int, int | None, str]], actor: User | None) -> list[Decision]:
    """`decide_suggested` of the reviews given as (id, quota group, state). What deciding any decidable one
    would lock is locked first; then the reviews are read once, as committed, and the engine's levels are both
    computed and checked on that reading."""
    candidates = [pk for pk, _group, state in rows if state in DECIDABLE]
    group_ids = sorted({group for pk, group, state in rows if group is not None and state in DECIDABLE})
    _lock(period, group_ids, candidates)
    everyone = _read(period, group_ids, [pk for pk, _group, _state in rows])
    loaded = load(list(everyone.values()))
    reviews = [everyone[pk] for pk, _group, _state in rows if pk in everyone]
    outcomes, _ = evaluate(reviews, loaded=loaded)
    bodies = _bodies(outcomes)
    own = getattr(actor, "person_id", None)
    locked = set(candidates)
    levels: dict[int, str] = {}
    for r in reviews:
        result = outcomes[r.pk].result
        if r.pk not in locked or r.state not in DECIDABLE or result is None or result.level is None:
            continue
        if _blocked(r, bodies):
            continue
        if own is not None and own == r.person_id:
            continue  # nobody decides their own record
        levels[r.pk] = result.level
    if not levels:
        return []
    # Where the engine's level departs from the self-assessment, its own explanation is the written reason.
    names = _case_names(everyone)
    reasons = {
        pk: presentation.engine_reason(outcomes[pk].result, names)
        for pk, level in levels.items()
        if departs(level, outcomes[pk].review.self_level)
    }
    # What `decide` would read for these levels: their groups and themselves.
    deciding_groups = {everyone[pk].quota_group_id for pk in levels} - {None}
    deciding = {pk: r for pk, r in everyone.items() if pk in levels or r.quota_group_id in deciding_groups}
    computed = {pk: outcomes[pk].result for pk in levels}
    return _decide_locked(deciding, levels, actor=actor, reasons=reasons, loaded=loaded, computed=computed)


def decide_all(*, period: Period, reviews: QuerySet[Review], actor: User | None) -> dict[str, int]:
    """Batch over many groups (a whole authority or province): bodies' groups first, then people's.

    Each group is decided in its own transaction under its own lock (the reviews in no group, in batches).
    Returns counts: decided, left (the
    engine leaves them to the authority, or they are blocked).
    """
    # Only what orders the work is read here; each group's reviews are read whole when its turn comes.
    by_group: dict[int | None, list[tuple[int, str, str]]] = defaultdict(list)
    for pk, group, kind, state in reviews.values_list("pk", "quota_group_id", "kind", "state").order_by("pk"):
        by_group[group].append((pk, kind, state))
    ungrouped = by_group.pop(None, [])
    order = sorted(by_group.items(), key=lambda item: (item[1][0][1] not in BODY_KINDS, item[0] or 0))
    chunks: list[tuple[int | None, list[tuple[int, str, str]]]] = [(group_id, rows) for group_id, rows in order]
    # Reviews in no quota group share no quota: deciding them together gives what deciding them one by one
    # gives, in a few transactions instead of thousands. Bodies first, then people, so that a head finds the
    # body they head already decided.
    for part in ([r for r in ungrouped if r[1] in BODY_KINDS], [r for r in ungrouped if r[1] not in BODY_KINDS]):
        chunks += [(None, part[i : i + UNGROUPED_BATCH]) for i in range(0, len(part), UNGROUPED_BATCH)]
    decided = left = 0
    refresh_at = ANALYZE_FIRST
    for group_id, rows in chunks:
        pending = sum(1 for _pk, _kind, state in rows if state in DECIDABLE)
        if not pending:
            continue
        made = _decide_suggested(period, [(pk, group_id, state) for pk, _kind, state in rows], actor)
        decided += len(made)
        left += pending - len(made)
        if decided >= refresh_at:
            # The decision table fills from (nearly) empty. PostgreSQL plans a connection's foreign-key checks
            # once: planned on an empty table they read it whole, and each commit's checks grow with it (the
            # province took minutes more without autovacuum). Fresh statistics, each time the decisions written
            # have doubled, make it plan them again, on the index.
            analyze(Decision)
            refresh_at *= 2
    return {"decided": decided, "left": left}
