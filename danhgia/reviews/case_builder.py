"""From reviews in the database to a classification case (case-format.md), and back.

The engine stays pure: this module reads the reviews of a quota group (and the bodies their subjects head),
turns each into an engine subject, runs `classify`, and returns the outcome per review. Subjects already
decided are fixed: their decided level becomes their proposal and they rank first, so the engine keeps them
and the quota applies to the rest. The subject's facts come from the self-review (points or grades), the task
list (counts by status), the shortcomings of earlier periods, the membership (admission date) and the facts
the authority recorded (discipline, conclusions, civil-servant rating, units led, confidence vote).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import msgspec
from django.core.exceptions import ValidationError
from django.db.models import Count, Q

from danhgia.people.models import PartyMember, Post, PostRole, QuotaGroup
from danhgia.periods.models import Period
from danhgia.reviews.models import (
    PERSON_KINDS,
    Review,
    ReviewKind,
    ReviewState,
    ReviewTask,
    Shortcoming,
    ShortcomingStatus,
    TaskStatus,
)
from danhgia.reviews.states import BEFORE_PROPOSAL
from danhgia.rules import case as rules_case
from danhgia.rules.engine import classify
from danhgia.rules.output import Output, Result
from danhgia.rules.regimes import Regime

# Decided subjects rank before everything; levels being decided now rank next, so that if the decided and the
# requested together exceed a quota, it is a requested one that the engine caps (and the request is refused).
DECIDED_RANK = 2e9
REQUESTED_RANK = 1e9
NO_TASKS: Counter[str] = Counter()
BODY_KINDS = frozenset({ReviewKind.PARTY_ORG, ReviewKind.COLLECTIVE, ReviewKind.UNIT})


class Facts(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    """What the authority records about a subject (the case format's fields of the same names)."""

    discipline: list[rules_case.Discipline] = []
    findings: rules_case.Findings | None = None
    civil_servant_level: rules_case.LevelName | None = None
    subordinates: rules_case.Subordinates | None = None
    leadership_disciplined: rules_case.LeadershipDisciplined | None = None
    led_units: rules_case.LedUnits | None = None
    confidence_low_share: rules_case.Share | None = None
    key_targets_met: bool | None = None
    force_majeure: bool = False
    sick_leave_months: float | None = None


def parse_facts(data: dict[str, Any]) -> Facts:
    try:
        return msgspec.convert(data, Facts)
    except msgspec.ValidationError as exc:
        text = str(exc)
        message, _, where = text.rpartition(" - at `")
        _code, vietnamese = rules_case._translate(message or text)
        path = rules_case._path(where.rstrip("`")) if message else ""
        raise ValidationError({"facts": f"{path}: {vietnamese}" if path else vietnamese}) from None


@dataclass
class Outcome:
    review: Review
    result: Result | None  # None for a fixed body outside the group


def body_reviews(reviews: Iterable[Review]) -> dict[int, Review]:
    """The reviews of the bodies the given subjects head, by unit id (party organization or body review)."""
    reviews = list(reviews)
    heads = {r.heads_id for r in reviews if r.heads_id}
    if not heads:
        return {}
    period_id = reviews[0].period_id
    bodies = Review.objects.filter(
        period_id=period_id, unit_id__in=heads, kind__in=[ReviewKind.PARTY_ORG, ReviewKind.UNIT]
    ).select_related("unit", "decision")
    return {b.unit_id: b for b in bodies if b.unit_id is not None}


def _shortcomings(reviews: list[Review], period: Period) -> dict[tuple[str, int], tuple[int, int]]:
    """(identified, remedied) counts of shortcomings found in earlier periods, per subject."""
    people = [r.person_id for r in reviews if r.person_id]
    units = [r.unit_id for r in reviews if r.unit_id]
    rows = (
        Shortcoming.objects.filter(Q(person_id__in=people) | Q(unit_id__in=units))
        .filter(review__period__ends_on__lt=period.starts_on)
        .values("person_id", "unit_id")
        .annotate(identified=Count("id"), remedied=Count("id", filter=Q(status=ShortcomingStatus.REMEDIED)))
    )
    return {
        (("p", row["person_id"]) if row["person_id"] else ("u", row["unit_id"])): (row["identified"], row["remedied"])
        for row in rows
    }


@dataclass(frozen=True)
class BodyDiscipline:
    """What the system holds on a body's discipline in the year: the discipline recorded on the reviews of its
    leadership collective's members, and the subordinate units whose own reviews record the body disciplined.

    A person's discipline is what is recorded on their review (no entry: not disciplined); a body's is derived the
    same way, so that the condition «no subordinate unit nor member of the collective disciplined» (QĐ 366 Art. 11
    §1, QĐ 124 Art. 12) is checked against the records rather than left unverified for every body. What the
    authority records on the body's own review (facts.leadership_disciplined, facts.subordinates) wins.
    """

    leadership: rules_case.LeadershipDisciplined
    subordinates: rules_case.Subordinates


def _body_discipline(bodies: list[Review], period: Period) -> dict[int, BodyDiscipline]:
    """BodyDiscipline per unit id, for the given body reviews (three queries, whatever their number)."""
    units = {r.unit_id for r in bodies if r.unit_id is not None}
    if not units:
        return {}
    year = period.year
    collective: dict[int, set[int]] = defaultdict(set)  # unit → persons in its leadership collective
    for unit_id, person_id in (
        Post.objects.filter(unit_id__in=units, starts_on__lte=period.ends_on)
        .filter(Q(in_collective=True) | Q(role__in=[PostRole.HEAD, PostRole.DEPUTY]))  # a cell's secretary, deputy
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=period.starts_on))
        .values_list("unit_id", "person_id")
    ):
        collective[unit_id].add(person_id)
    persons = set().union(*collective.values()) if collective else set()
    disciplined: dict[int, dict[tuple[dt.date, str], bool]] = defaultdict(dict)  # person → {(date, form): self}
    if persons:
        for person_id, facts in Review.objects.filter(
            period=period, person_id__in=persons, kind__in=PERSON_KINDS
        ).values_list("person_id", "facts"):
            # A leader has two reviews (in the cell and as a leader): the same violation counts once.
            for d in parse_facts(facts or {}).discipline:
                if d.date.year == year:
                    disciplined[person_id][(d.date, d.form)] = d.self_detected_remedied
    children: dict[int, list[bool]] = defaultdict(list)  # unit → [subordinate disciplined?]
    for parent_id, facts in Review.objects.filter(
        period=period, unit__parent_id__in=units, kind__in=[ReviewKind.PARTY_ORG, ReviewKind.UNIT]
    ).values_list("unit__parent_id", "facts"):
        own = parse_facts(facts or {})
        hit = any(d.date.year == year for d in own.discipline) or bool(
            own.leadership_disciplined and own.leadership_disciplined.collective
        )
        if parent_id is not None:
            children[parent_id].append(hit)
    out: dict[int, BodyDiscipline] = {}
    for unit_id in units:
        entries = [e for p in collective.get(unit_id, ()) for e in disciplined.get(p, {}).items()]
        out[unit_id] = BodyDiscipline(
            rules_case.LeadershipDisciplined(
                collective=False,
                members=[form for (_date, form), _self in sorted(entries)],  # type: ignore[misc]
                members_self_detected_remedied=sum(1 for _key, self_detected in entries if self_detected),
            ),
            rules_case.Subordinates(total=len(children.get(unit_id, ())), disciplined=sum(children.get(unit_id, ()))),
        )
    return out


def _subject(
    review: Review,
    tasks: Counter[str],
    sc: tuple[int, int] | None,
    joined: dt.date | None,
    body: BodyDiscipline | None = None,
) -> rules_case.Subject:
    facts = parse_facts(review.facts or {})
    total = sum(tasks.values())
    targets = None
    if total:
        done = {s: tasks.get(s, 0) for s in TaskStatus.values}
        targets = rules_case.Targets(
            total=total,
            completed=total - done[TaskStatus.NOT_DONE],
            on_time=done[TaskStatus.ON_TIME] + done[TaskStatus.EXCEEDED],
            exceeded=done[TaskStatus.EXCEEDED],
            key_targets_met=facts.key_targets_met,
            force_majeure=facts.force_majeure,
        )
    score = None
    if review.score_general is not None and review.score_task is not None:
        score = rules_case.Score(general=float(review.score_general), task=float(review.score_task))
    criteria = [
        rules_case.Criterion(code=code, group="task" if code.startswith("T") else "general", grade=grade)
        for code, grade in (review.items or {}).items()
        if grade in {"xuat_sac", "tot", "trung_binh", "kem"}
    ]
    if review.state == ReviewState.DECIDED and review.decision is not None:
        # Decided: the level decided and nothing else. Its facts are not evaluated again (a decision stands until
        # it is superseded): a level they would now give must neither lower the head of a decided body nor free
        # the decided's quota place.
        return rules_case.Subject(
            id=f"r{review.pk}",
            kind=review.kind,  # type: ignore[arg-type]
            group=f"g{review.quota_group_id}" if review.quota_group_id else None,
            proposed=review.decision.level,  # type: ignore[arg-type]
            rank=DECIDED_RANK,
        )
    proposed = review.appraised_level or review.proposed_level or None
    rank = review.score
    return rules_case.Subject(
        id=f"r{review.pk}",
        kind=review.kind,  # type: ignore[arg-type]
        group=f"g{review.quota_group_id}" if review.quota_group_id else None,
        proposed=proposed,  # type: ignore[arg-type]
        rank=rank,
        status=rules_case.Status(joined_on=joined, sick_leave_months=facts.sick_leave_months),
        discipline=facts.discipline,
        findings=facts.findings,
        targets=targets,
        criteria=criteria,
        score=score,
        shortcomings=rules_case.Shortcomings(identified=sc[0], remedied=sc[1]) if sc else rules_case.Shortcomings(),
        civil_servant_level=facts.civil_servant_level,
        subordinates=facts.subordinates or (body.subordinates if body else None),
        leadership_disciplined=facts.leadership_disciplined or (body.leadership if body else None),
        led_units=facts.led_units,
        confidence_low_share=facts.confidence_low_share,
    )


@dataclass
class Loaded:
    """What the engine needs of the database besides the reviews themselves: the bodies the subjects head, task
    counts, earlier shortcomings, admission dates, quota groups. Read once, it serves every evaluation of the
    same reviews (or of a part of them) in one transaction."""

    bodies: dict[int, Review]  # by unit id
    tasks: dict[int, Counter[str]]  # by review id
    shortcomings: dict[tuple[str, int], tuple[int, int]]
    admitted: dict[int, dt.date]  # by person id
    groups: dict[int, QuotaGroup]
    bodies_discipline: dict[int, BodyDiscipline]  # by unit id, for the body reviews


def load(reviews: list[Review]) -> Loaded:
    """Read what `evaluate` needs for these reviews (of one period)."""
    if not reviews:
        raise ValueError("no reviews to evaluate")
    period = reviews[0].period
    bodies = body_reviews(reviews)
    everyone = {r.pk: r for r in reviews}
    for body in bodies.values():
        everyone.setdefault(body.pk, body)
    all_reviews = list(everyone.values())
    tasks: dict[int, Counter[str]] = defaultdict(Counter)
    for review_id, status, n in (
        ReviewTask.objects.filter(review_id__in=list(everyone))
        .values_list("review_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        tasks[review_id][status] = n
    admitted = dict(
        PartyMember.objects.filter(person_id__in=[r.person_id for r in all_reviews if r.person_id]).values_list(
            "person_id", "admitted_on"
        )
    )
    group_ids = {r.quota_group_id for r in reviews if r.quota_group_id is not None}
    return Loaded(
        bodies=bodies,
        tasks=tasks,
        shortcomings=_shortcomings(all_reviews, period),
        admitted=admitted,
        groups=QuotaGroup.objects.in_bulk(group_ids) if group_ids else {},
        bodies_discipline=_body_discipline([r for r in all_reviews if r.kind in BODY_KINDS], period),
    )


def evaluate(
    reviews: list[Review], *, overrides: dict[int, str] | None = None, loaded: Loaded | None = None
) -> tuple[dict[int, Outcome], Output]:
    """Run the engine over reviews of one period (a quota group, or any set); `overrides` fixes some levels.
    `loaded` is what `load` read for these reviews or for more (read here when not given).

    Returns the outcome per review id (including the bodies headed, fixed at their decided level or, when not
    yet decided, at their proposal) and the engine's whole output (quota figures, warnings).
    """
    if not reviews:
        raise ValueError("no reviews to evaluate")
    period = reviews[0].period
    overrides = overrides or {}
    loaded = loaded or load(reviews)
    heads = {r.heads_id for r in reviews if r.heads_id}
    everyone = {r.pk: r for r in reviews}
    for unit_id, body in loaded.bodies.items():
        if unit_id in heads:
            everyone.setdefault(body.pk, body)
    all_reviews = list(everyone.values())
    subjects = []
    group_ids: set[int] = set()
    in_set = {r.pk for r in reviews}
    for review in all_reviews:
        if review.kind in PERSON_KINDS and review.person_id is not None:
            joined, key = loaded.admitted.get(review.person_id), ("p", review.person_id)
        else:
            joined = review.unit.founded_on if review.unit is not None else None
            key = ("u", review.unit_id or 0)
        held = loaded.bodies_discipline.get(review.unit_id) if review.kind in BODY_KINDS and review.unit_id else None
        subject = _subject(review, loaded.tasks.get(review.pk, NO_TASKS), loaded.shortcomings.get(key), joined, held)
        if review.pk in overrides:
            # Among themselves the requested rank by points: if they do not all fit, the last on points is refused.
            subject.proposed = overrides[review.pk]  # type: ignore[assignment]
            subject.rank = REQUESTED_RANK + float(review.score or 0)
        if review.pk not in in_set:
            # A body outside the set only caps its head, ungrouped: at its proposal, or at the level decided.
            subject.group = None
        elif review.state in BEFORE_PROPOSAL and review.pk not in overrides:
            # Not yet proposed by its meeting: its level is a forecast, which must not take (or, counted as HTT,
            # enlarge) the quota places of those being decided.
            subject.group = None
        elif subject.group and review.quota_group_id is not None:
            group_ids.add(review.quota_group_id)
        subjects.append(subject)
    by_unit = {r.unit_id: r for r in all_reviews if r.kind in {ReviewKind.PARTY_ORG, ReviewKind.UNIT} and r.unit_id}
    for subject, headed in zip(subjects, all_reviews, strict=True):
        led = by_unit.get(headed.heads_id) if headed.heads_id else None
        if led is not None and led.pk != headed.pk:
            subject.heads = f"r{led.pk}"
    groups = []
    if group_ids:
        for group in (loaded.groups[pk] for pk in sorted(group_ids)):
            quota: rules_case.Quota | msgspec.UnsetType = msgspec.UNSET
            if group.rate is not None:
                quota = rules_case.Quota(
                    rate=float(group.rate),
                    decided_by=group.rate_decided_by or group.rate_reason or None,
                    reason=group.rate_reason,
                )
            groups.append(rules_case.Group(id=f"g{group.pk}", name=group.name, quota=quota))
    case = rules_case.Case(
        regime=Regime(period.regime), year=period.year, as_of=period.ends_on, groups=groups, subjects=subjects
    )
    rules_case.validate(case)
    output = classify(case)
    results = {int(r.id[1:]): r for r in output.results}
    return {pk: Outcome(everyone[pk], results.get(pk)) for pk in everyone}, output
