"""Two officers deciding at the same moment: the quota lock and the head-below-body rule hold (PostgreSQL).

Each thread has its own database connection and its own transaction (real transactions: the test data is
committed, not wrapped in a test transaction). A barrier releases both threads together so that their
transactions overlap. SQLite serialises every writer anyway, so these tests run on PostgreSQL only.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from danhgia.audit.models import Action, AuditEvent
from danhgia.reviews import decisions
from danhgia.reviews.models import Decision, Review, ReviewKind, ReviewState
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.conftest import build_commune
from tests.reviews.helpers import fill, meet, propose, reasons_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="row locks need PostgreSQL (SQLite serialises writers)",
    ),
    pytest.mark.django_db(transaction=True),
]
TIMEOUT = 30  # seconds a thread waits for the other before the test gives up (a hang, not a measurement)


def _ready() -> Any:
    """The commune with every member and every cell self-reviewed, met and proposed at HTXS."""
    world: Any = build_commune()
    officer = world.users["officer"]
    period_open_reviews(period=world.period, actor=officer)
    for cell in world.cells:
        reviews = list(
            Review.objects.filter(period=world.period, context=cell, kind__in=[ReviewKind.MEMBER, ReviewKind.PARTY_ORG])
        )
        for review in reviews:
            fill(review, officer, general=28, task=64, level="HTXS")
        meeting = meet(world.period, cell, officer)
        for review in reviews:
            propose(meeting, review, "HTXS", officer)
    return world


def _concurrently(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result is the call's return value or its exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=TIMEOUT)
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads), "a deciding thread hung"
    return results


def _htxs_decided(world: Any) -> int:
    return Review.objects.filter(
        period=world.period, quota_group=world.groups["members"], decision__level="HTXS"
    ).count()


def test_two_deciders_cannot_together_exceed_the_quota():
    world = _ready()
    officer, committee = world.users["officer"], world.users["committee"]
    members = decisions.group_reviews(world.period, world.groups["members"])
    _rows, output = decisions.preview(members)
    cap = output.quota[0].cap
    assert cap is not None and cap >= 2
    # Two requests of more than half the cap each: either fits alone, both together do not.
    size = cap // 2 + 1
    candidates = [r for r in members if r.heads_id is None and r.person_id != committee.person_id]
    first, second = candidates[:size], candidates[size : 2 * size]
    assert len(second) == size and size <= cap < 2 * size

    def deciding(chosen: list[Review], actor: Any) -> Callable[[], Any]:
        return lambda: decisions.decide(reviews=chosen, levels={r.pk: "HTXS" for r in chosen}, actor=actor)

    results = _concurrently(deciding(first, officer), deciding(second, committee))

    refused = [r for r in results if isinstance(r, ValidationError)]
    made = [r for r in results if isinstance(r, list)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "Vượt tỷ lệ 20%" in str(refused[0])
    assert len(made[0]) == size
    assert _htxs_decided(world) == size <= cap
    # The refused request changed nothing: all or nothing.
    loser = second if made[0][0].review_id in {r.pk for r in first} else first
    assert not Review.objects.filter(pk__in=[r.pk for r in loser], state=ReviewState.DECIDED).exists()


def _cell_and_secretary(world: Any) -> tuple[Review, Review]:
    cell = world.cells[0]
    body = Review.objects.get(period=world.period, kind=ReviewKind.PARTY_ORG, unit=cell)
    head = Review.objects.get(period=world.period, kind=ReviewKind.MEMBER, person=world.secretaries[cell.name])
    assert head.heads_id == cell.pk
    return body, head


def _level(review: Review) -> str:
    review = Review.objects.select_related("decision").get(pk=review.pk)
    return review.decision.level if review.decision else ""


def test_a_head_decided_with_their_cell_never_ends_above_it():
    world = _ready()
    officer, committee = world.users["officer"], world.users["committee"]
    body, head = _cell_and_secretary(world)

    results = _concurrently(
        lambda: decisions.decide(reviews=[body], levels={body.pk: "HTT"}, actor=committee, reasons={body.pk: "Chưa"}),
        lambda: decisions.decide(reviews=[head], levels={head.pk: "HTXS"}, actor=officer),
    )

    assert isinstance(results[0], list), results  # the cell is decided
    # The secretary is refused whichever came first: before the cell it waits for the cell, after it is capped.
    assert isinstance(results[1], ValidationError), results
    assert (_level(body), _level(head)) == ("HTT", "")


def test_a_head_waits_for_a_correction_of_their_cell_being_written():
    """A head's decision locks the row of the body they head: a correction of the cell being written is waited
    for, and the head is checked against the corrected level."""
    world = _ready()
    officer, committee = world.users["officer"], world.users["committee"]
    body, head = _cell_and_secretary(world)
    [decided] = decisions.decide(reviews=[body], levels={body.pk: "HTT"}, actor=committee, reasons={body.pk: "Chưa"})
    body = Review.objects.select_related("period").get(pk=body.pk)
    written, go = threading.Event(), threading.Event()

    def correct_the_cell() -> Any:
        # The correction is written, and its transaction held open until the head's decision waits for it.
        with transaction.atomic():
            made = decisions.decide(
                reviews=[body],
                levels={body.pk: "HT"},
                actor=committee,
                reasons={body.pk: "Đính chính: chưa đạt chỉ tiêu"},
                supersedes={body.pk: decided},
            )
            written.set()
            go.wait(timeout=TIMEOUT)
        return made

    def decide_the_head() -> Any:
        assert written.wait(timeout=TIMEOUT)
        # HTT is allowed under the cell as it stands (HTT) and not under the correction (HT).
        levels, reasons = {head.pk: "HTT"}, {head.pk: "Theo kết quả của chi bộ"}
        return decisions.decide(reviews=[head], levels=levels, actor=officer, reasons=reasons)

    results: list[Any] = [None, None]

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate([correct_the_cell, decide_the_head])]
    for thread in threads:
        thread.start()
    # Let the correction commit once the head's decision waits on a row lock, or after a while if it never does:
    # then it went ahead against the level being replaced, and the assertions below fail.
    assert written.wait(timeout=TIMEOUT)
    with connection.cursor() as cursor:
        for _ in range(200):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                break
            time.sleep(0.05)
    go.set()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert not any(thread.is_alive() for thread in threads)

    assert isinstance(results[0], list), results
    assert isinstance(results[1], ValidationError), results
    assert "không thể xếp HTT" in str(results[1])
    assert (_level(body), _level(head)) == ("HT", "")


def test_the_same_batch_confirmed_twice_at_once_is_written_once():
    """Two officers (or two tabs) confirm the plan they were both shown: the first writes it, the second finds
    the plan changed under the lock and is refused, changing nothing."""
    world = _ready()
    officer = world.users["officer"]
    members = decisions.group_reviews(world.period, world.groups["members"])
    rows, output = decisions.preview(members)
    reasons = reasons_for(members)
    plan = decisions.batch_plan(rows, output, mine={r.pk for r in members}, actor=officer, reasons=reasons)
    assert plan.levels and plan.capped

    def confirming() -> Any:
        return decisions.decide_suggested(
            reviews=members, actor=officer, reasons=reasons, number="125-QĐ/ĐU", signed_on=dt.date(2026, 12, 20),
            expected=plan.token,
        )  # fmt: skip

    results = _concurrently(confirming, confirming)

    made = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "Dữ liệu đã thay đổi, hãy xem lại." in str(refused[0])
    assert {d.review_id: d.level for d in made[0]} == plan.levels
    assert Decision.objects.filter(review__quota_group=world.groups["members"]).count() == len(plan.levels)
    assert AuditEvent.objects.filter(action=Action.DECISION_BATCH).count() == 1
    assert _htxs_decided(world) <= (output.quota[0].cap or 0)


def test_a_batch_and_a_decision_at_once_never_exceed_the_quota():
    world = _ready()
    officer, committee = world.users["officer"], world.users["committee"]
    members = decisions.group_reviews(world.period, world.groups["members"])
    rows, output = decisions.preview(members)
    cap = output.quota[0].cap or 0
    reasons = reasons_for(members)
    plan = decisions.batch_plan(rows, output, mine={r.pk for r in members}, actor=officer, reasons=reasons)
    # The committee asks HTXS for a member the quota moved down, while the officer confirms the batch.
    capped = next(r for r in members if r.pk in plan.capped and r.person_id != committee.person_id)

    results = _concurrently(
        lambda: decisions.decide_suggested(reviews=members, actor=officer, reasons=reasons, expected=plan.token),
        lambda: decisions.decide(
            reviews=[capped], levels={capped.pk: "HTXS"}, actor=committee, reasons={capped.pk: "Thành tích nổi bật"}
        ),
    )

    # Whichever came first, the other was refused: the batch's plan changed, or the quota was full.
    assert sum(isinstance(r, list) for r in results) == 1, results
    assert _htxs_decided(world) <= cap
