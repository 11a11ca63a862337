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
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.urls import reverse

from danhgia.accounts.permissions import Perm
from danhgia.audit.models import Action
from danhgia.audit.services import event, record, record_many
from danhgia.lib.db import analyze
from danhgia.orgs.models import SEGMENT, Unit
from danhgia.people.models import CivilServant, Person, QuotaGroup
from danhgia.periods.models import Period
from danhgia.reviews import notify, presentation
from danhgia.reviews.access import is_own
from danhgia.reviews.case_builder import Loaded, Outcome, evaluate, load, parse_facts
from danhgia.reviews.models import (
    LEVEL_CHOICES,
    LEVEL_ORDER,
    PERSON_KINDS,
    Decision,
    DecisionKind,
    Review,
    ReviewKind,
    ReviewState,
)
from danhgia.reviews.services import LEVELS, check_upload, departs
from danhgia.reviews.states import DECIDABLE, LOCKED, OUT_OF_PERIOD
from danhgia.rules.output import Output, Result

if TYPE_CHECKING:
    from danhgia.accounts.models import User

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
        .exclude(state__in=OUT_OF_PERIOD)  # not rated: outside every quota (stuck.py)
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
            .exclude(state__in=OUT_OF_PERIOD)  # not rated: outside every quota (stuck.py)
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


# The engine's own explanation (presentation.engine_reason) begins so. It is shown beside the reason box as a hint;
# written into the box it is not the authority's reason (QĐ 366 Art. 13: the competent level decides, and says why).
MACHINE_PREFIX = "Theo kết quả tính:"


def machine_written(reason: str) -> bool:
    return reason.strip().startswith(MACHINE_PREFIX)


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
    # A level that is none of the four (a crafted form, an API call) is refused before the engine ranks it: the
    # engine takes every level it is given as one of its own.
    unknown = {
        f"level_{pk}": f"{fresh[pk].subject_name}: mức xếp loại không hợp lệ."
        for pk, level in levels.items()
        if pk in fresh and level not in LEVELS
    }
    if unknown:
        raise ValidationError(unknown)
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
        if is_own(actor, review):
            errors[field] = f"{review.subject_name}: không ai tự quyết định trên hồ sơ của chính mình."
            continue
        if machine_written(reasons.get(review_id, "")):
            errors[f"reason_{review_id}"] = (
                f"{review.subject_name}: lý do là của cấp có thẩm quyền — hãy tự ghi, không chép lời giải thích "
                "của hệ thống."
            )
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
    """The subject and the bodies that manage them see the result (QĐ 366 Art. 15): one notice per recipient
    for the whole decision, however many reviews it decides (a commune's secretary got 620 from one batch). Who
    is told of one review reads its result; who is told of several reads one digest: how many, where, under
    which decision, how many at each level. A fixed number of queries whatever the number of reviews."""
    from danhgia.accounts.models import User

    by_person = defaultdict(list)
    for user in User.objects.filter(
        person_id__in=[d.review.person_id for d in decisions if d.review.person_id], is_active=True
    ):
        by_person[user.person_id].append(user)
    # The bodies that manage the subject: its cell (or body) and the committee just above. Officers higher up
    # read results in the reports: one notice per subject to every provincial officer would be 70,000.
    managers = notify.managers_of_many([d.review.context for d in decisions], levels_up=1)
    users: dict[int, User] = {}
    told: dict[int, list[Decision]] = defaultdict(list)
    for d in decisions:
        review = d.review
        recipients = {u.pk: u for u in [*by_person.get(review.person_id, []), *managers[review.context_id]]}
        users.update(recipients)
        for pk in recipients:
            told[pk].append(d)
    places = _places_of({pk: [d.review.context for d in ds] for pk, ds in told.items() if len(ds) > 1})
    items: list[tuple[User, str, str]] = []
    for pk, ds in told.items():
        user = users[pk]
        if len(ds) == 1:
            items.append((user, _result_text(ds[0]), reverse("reviews-detail", args=[ds[0].review.pk])))
            continue
        place = places.get(pk) or ds[0].review.authority
        contexts = {d.review.context_id for d in ds}
        period = ds[0].review.period
        url = (
            reverse("reviews-unit", args=[period.pk, place.pk])
            if contexts == {place.pk}
            else reverse("reviews-period", args=[period.pk])
        )
        items.append((user, _digest_text(ds, place, own=user.person_id), url))
    notify.notify_many(items)


def _under(decision: Decision) -> str:
    """ " theo Quyết định số 125-QĐ/ĐU ngày 20/12/2026", when the decision has its number (and date)."""
    if not decision.number:
        return ""
    when = f" ngày {decision.signed_on:%d/%m/%Y}" if decision.signed_on else ""
    return f" theo Quyết định số {decision.number}{when}"


def _result_text(decision: Decision) -> str:
    review = decision.review
    return (
        f"Kết quả xếp loại {review.subject_name} ({review.period.name}): {decision.get_level_display()}"
        f"{_under(decision)}."
    )


def _digest_text(decisions: list[Decision], place: Unit, *, own: int | None) -> str:
    counts = Counter(d.level for d in decisions)
    levels = ", ".join(f"{code} {counts[code]}" for code, _label in LEVEL_CHOICES if counts[code])
    first = decisions[0]
    text = (
        f"Đã quyết định xếp loại {len(decisions)} bản kiểm điểm của {place.name} ({first.review.period.name})"
        f"{_under(first) if all(d.number == first.number for d in decisions) else ''}: {levels}."
    )
    mine = [d for d in decisions if own is not None and d.review.person_id == own]
    if mine:
        text += f" Kết quả của đồng chí: {mine[0].get_level_display()}."
    return text


def _places_of(contexts: dict[int, list[Unit]]) -> dict[int, Unit]:
    """For each key, the nearest unit containing all its places of review (their common ancestor): one query."""
    common: dict[int, str] = {}
    known: dict[str, Unit] = {}
    for key, units in contexts.items():
        paths = [u.path for u in units]
        known.update({u.path: u for u in units})
        prefix = min(paths)
        for path in paths:
            while not path.startswith(prefix):
                prefix = prefix[:-SEGMENT]
        if prefix:  # no common ancestor: places in two trees (not one authority's), named by the authority
            common[key] = prefix
    missing = {path for path in common.values() if path not in known}
    if missing:
        known.update({u.path: u for u in Unit.objects.filter(path__in=missing)})
    return {key: known[path] for key, path in common.items()}


# ------------------------------------------------------------------------------------------------ the batch


@dataclass
class BatchPlan:
    """What deciding a set of reviews at the engine's levels would write, shown before it is confirmed.

    `token` binds the confirmation to what was shown: computed again under the lock when the batch is confirmed,
    it must be the same, or the batch is refused («Dữ liệu đã thay đổi, hãy xem lại»)."""

    levels: dict[int, str]  # review id → the level the engine settles
    reasons: dict[int, str]  # the officer's written reasons, for the rows (among `levels`) that depart
    reviews: dict[int, Review]  # every review considered, by id
    needs_reason: list[Review]  # departs from the self-assessment and no reason written: left out
    left: dict[str, list[Review]]  # why it cannot be decided now → the reviews
    capped: set[int]  # moved down by the quota (among `levels` and `needs_reason`)
    wanted: dict[int, str]  # the engine's level of each review that needs a reason
    done: int  # already decided (or under complaint)
    token: str = ""
    decisions: list[Decision] = field(default_factory=list)  # once written

    @property
    def level_counts(self) -> dict[str, int]:
        counts = Counter(self.levels.values())
        return {code: counts[code] for code, _label in LEVEL_CHOICES}

    @property
    def left_count(self) -> int:
        return sum(len(reviews) for reviews in self.left.values())

    @property
    def capped_reviews(self) -> list[Review]:
        return [review for pk, review in self.reviews.items() if pk in self.capped]

    @property
    def departing(self) -> list[Review]:
        """Rows written at a level that departs from the self-assessment, with the officer's reason."""
        return [self.reviews[pk] for pk in self.levels if pk in self.reasons]

    def places(self) -> list[dict[str, Any]]:
        """Per place of review (cell, body), in the tree's order: how many at each level, how many left out."""
        rows: dict[int, dict[str, Any]] = {}

        def place(review: Review) -> dict[str, Any]:
            row = rows.get(review.context_id)
            if row is None:
                row = rows[review.context_id] = {
                    "unit": review.context,
                    "levels": dict.fromkeys(LEVEL_ORDER, 0),
                    "needs_reason": 0,
                    "left": 0,
                }
            return row

        for pk, level in self.levels.items():
            place(self.reviews[pk])["levels"][level] += 1
        for review in self.needs_reason:
            place(review)["needs_reason"] += 1
        for reviews in self.left.values():
            for review in reviews:
                place(review)["left"] += 1
        for row in rows.values():
            row["counts"] = [row["levels"][code] for code, _label in LEVEL_CHOICES]
        return sorted(rows.values(), key=lambda row: row["unit"].path)


UNVERIFIED_LEFT = "Mức chưa kiểm chứng vì thiếu dữ kiện: xem và chọn mức ở từng dòng"


def batch_plan(
    rows: list[Row], output: Output, *, mine: set[int], actor: User | None, reasons: Mapping[int, str] | None = None
) -> BatchPlan:
    """The plan of the batch over `mine` (review ids) from the engine's run over the whole group (`preview`).

    A level the engine settles is written as it is, unless it departs from the self-assessment: then the written
    reason must be the authority's own (QĐ 366 Art. 13; never the engine's text), so the row is in the batch only
    if the officer wrote one, and is otherwise left out and listed. Rows the engine leaves to the authority
    (R75, R78, R114), blocked rows (bodies before heads, HD 21) and the officer's own record are listed with why.
    """
    reasons = reasons or {}
    capped = {int(subject[1:]) for quota in output.quota for subject in quota.downgraded}
    levels: dict[int, str] = {}
    written: dict[int, str] = {}
    needs: list[Review] = []
    wanted: dict[int, str] = {}
    left: dict[str, list[Review]] = defaultdict(list)
    considered: dict[int, Review] = {}
    done = 0
    for row in rows:
        review, result = row.review, row.result
        if review.pk not in mine:
            continue
        considered[review.pk] = review
        if review.state in LOCKED:
            done += 1
        elif row.blocked:
            left[row.blocked].append(review)
        elif is_own(actor, review):
            left["Không ai tự quyết định trên hồ sơ của chính mình"].append(review)
        elif result is None or result.level is None:
            why = (
                "Quy định để cấp có thẩm quyền xem xét, quyết định: chọn mức và ghi lý do ở từng dòng"
                if result is not None and result.needs_decision
                else "Hệ thống không tính được mức: chọn mức ở từng dòng"
            )
            left[why].append(review)
        elif result.unverified:
            # The level rests on missing facts (the engine could not check its conditions): never by machine.
            left[UNVERIFIED_LEFT].append(review)
        elif departs(result.level, review.self_level):
            reason = (reasons.get(review.pk) or "").strip()
            if reason and not machine_written(reason):
                levels[review.pk], written[review.pk] = result.level, reason
            else:
                needs.append(review)
                wanted[review.pk] = result.level
        else:
            levels[review.pk] = result.level
    plan = BatchPlan(
        levels=levels,
        reasons=written,
        reviews=considered,
        needs_reason=needs,
        # The unverified first: they are the ones the officer must look at, not wait for (a head, a complaint).
        left=dict(sorted(left.items(), key=lambda item: item[0] != UNVERIFIED_LEFT)),
        capped=capped & (set(levels) | {r.pk for r in needs}),
        wanted=wanted,
        done=done,
    )
    plan.token = _token(plan)
    return plan


def _token(plan: BatchPlan) -> str:
    """A digest of what the plan shows: each review's state and decision, the level to be written and the
    reason it carries, or why it is left out. Any change to those between the preview and the confirmation
    changes it; a change elsewhere (another group, a comment) does not."""
    why = {r.pk: "ly-do" for r in plan.needs_reason} | {r.pk: text for text, rs in plan.left.items() for r in rs}
    lines = [
        [
            pk,
            review.state,
            review.decision_id or 0,
            plan.levels.get(pk) or plan.wanted.get(pk, ""),
            hashlib.sha256(plan.reasons[pk].encode()).hexdigest()[:16] if pk in plan.reasons else "",
            why.get(pk, ""),
            pk in plan.capped,
        ]
        for pk, review in sorted(plan.reviews.items())
    ]
    return hashlib.sha256(json.dumps(lines, ensure_ascii=False).encode()).hexdigest()[:40]


CHANGED = "Dữ liệu đã thay đổi, hãy xem lại."


def decide_suggested(
    *,
    reviews: list[Review],
    actor: User | None,
    reasons: Mapping[int, str] | None = None,
    number: str = "",
    signed_on: dt.date | None = None,
    signer: str = "",
    expected: str | None = None,
) -> list[Decision]:
    """Batch: decide every decidable review of the set at the level the engine gives (those it settles), except
    those whose level departs from the self-assessment without a reason of the officer's own (`reasons`).

    `expected`: the token of the plan shown to the officer (`batch_plan`); the batch is refused if the plan
    computed under the lock is another. `number` and `signed_on`: the decision's number and signing date."""
    if not reviews:
        raise ValueError("no reviews to evaluate")
    rows = [(r.pk, r.quota_group_id, r.state) for r in reviews]
    plan = _decide_suggested(
        reviews[0].period,
        rows,
        actor,
        reasons=reasons,
        number=number,
        signed_on=signed_on,
        signer=signer,
        expected=expected,
    )
    return plan.decisions


@transaction.atomic
def _decide_suggested(
    period: Period,
    rows: list[tuple[int, int | None, str]],
    actor: User | None,
    *,
    reasons: Mapping[int, str] | None = None,
    number: str = "",
    signed_on: dt.date | None = None,
    signer: str = "",
    expected: str | None = None,
) -> BatchPlan:
    """`decide_suggested` of the reviews given as (id, quota group, state). What deciding any decidable one
    would lock is locked first; then the reviews and their whole groups are read once, as committed, and the
    plan is both computed and checked on that reading."""
    candidates = [pk for pk, _group, state in rows if state in DECIDABLE]
    group_ids = sorted({group for pk, group, state in rows if group is not None and state in DECIDABLE})
    _lock(period, group_ids, candidates)
    everyone = _read(period, group_ids, [pk for pk, _group, _state in rows])
    loaded = load(list(everyone.values()))
    outcomes, output = evaluate(list(everyone.values()), loaded=loaded)
    bodies = _bodies(outcomes)
    given = {pk for pk, _group, _state in rows}
    preview_rows = [Row(r, outcomes[r.pk].result, _blocked(r, bodies)) for r in everyone.values()]
    plan = batch_plan(preview_rows, output, mine=given, actor=actor, reasons=reasons)
    if expected is not None and plan.token != expected:
        raise ValidationError({"plan": CHANGED})
    # A review that became decidable after the caller read it is not locked: it waits for another batch.
    levels = {pk: level for pk, level in plan.levels.items() if pk in set(candidates)}
    if not levels:
        return plan
    # What `decide` would read for these levels: their groups and themselves.
    deciding_groups = {everyone[pk].quota_group_id for pk in levels} - {None}
    deciding = {pk: r for pk, r in everyone.items() if pk in levels or r.quota_group_id in deciding_groups}
    computed = {pk: outcomes[pk].result for pk in levels}
    plan.decisions = _decide_locked(
        deciding,
        levels,
        actor=actor,
        reasons=plan.reasons,
        number=number,
        signed_on=signed_on,
        signer=signer,
        loaded=loaded,
        computed=computed,
    )
    _record_batch(plan, group_ids, actor=actor, number=number, signed_on=signed_on)
    return plan


def _record_batch(
    plan: BatchPlan, group_ids: list[int], *, actor: User | None, number: str, signed_on: dt.date | None
) -> None:
    """One audit event for the batch itself (beside one per decision): its number, date and counts."""
    first = plan.decisions[0].review
    group = first.quota_group if len(group_ids) == 1 and first.quota_group_id == group_ids[0] else None
    written = Counter(d.level for d in plan.decisions)
    record(
        actor=actor,
        action=Action.DECISION_BATCH,
        target=group if group is not None else first.authority,
        unit=group.unit if group is not None else first.authority,
        new={
            "number": number.strip(),
            "signed_on": signed_on,
            "decided": len(plan.decisions),
            "levels": {code: written[code] for code, _label in LEVEL_CHOICES if written[code]},
            "needs_reason": len(plan.needs_reason),
            "left": plan.left_count,
            "plan": plan.token,
        },
    )


def decide_all(
    *, period: Period, reviews: QuerySet[Review], actor: User | None, reasons: Mapping[int, str] | None = None
) -> dict[str, int]:
    """Batch over many groups (a whole authority or province): bodies' groups first, then people's.

    Each group is decided in its own transaction under its own lock (the reviews in no group, in batches), as
    `decide_suggested` decides one. Returns counts: decided, left (the engine leaves them to the authority, they
    are blocked, or they need a reason), needs_reason (their level departs from the self-assessment and no
    reason of the officer's was given in `reasons`).
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
    decided = left = needs_reason = 0
    refresh_at = ANALYZE_FIRST
    for group_id, rows in chunks:
        pending = sum(1 for _pk, _kind, state in rows if state in DECIDABLE)
        if not pending:
            continue
        plan = _decide_suggested(period, [(pk, group_id, state) for pk, _kind, state in rows], actor, reasons=reasons)
        decided += len(plan.decisions)
        left += pending - len(plan.decisions)
        needs_reason += len(plan.needs_reason)
        if decided >= refresh_at:
            # The decision table fills from (nearly) empty. PostgreSQL plans a connection's foreign-key checks
            # once: planned on an empty table they read it whole, and each commit's checks grow with it (the
            # province took minutes more without autovacuum). Fresh statistics, each time the decisions written
            # have doubled, make it plan them again, on the index.
            analyze(Decision)
            refresh_at *= 2
    return {"decided": decided, "left": left, "needs_reason": needs_reason}
