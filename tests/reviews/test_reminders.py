"""Deadline reminders: who is reminded of what, once a day however often the command runs."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command

from danhgia.reviews import reminders
from danhgia.reviews.models import Notification, Review
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.helpers import fill


def test_reminders_reach_who_has_work_due_and_only_once_a_day(commune, mailoutbox):
    world = commune
    period_open_reviews(period=world.period, actor=None)
    phase = world.period.phases.get(code="self_review")
    day = phase.deadline - dt.timedelta(days=1)
    # Two members of cell A have submitted; everyone else is reminded of their draft.
    done = list(Review.objects.filter(period=world.period, kind="member", context=world.cells[0])[:2])
    for review in done:
        fill(review, world.users["officer"])
    due = reminders.due(today=day, days=3)
    self_keys = [r for r in due if r.key.startswith("self:")]
    members_with_accounts = [u for k, u in world.users.items() if k.startswith("member:")]
    reminded = {r.user.pk for r in self_keys}
    for user in members_with_accounts:
        review = Review.objects.get(period=world.period, kind="member", person=user.person)
        assert (user.pk in reminded) == (review.pk not in {d.pk for d in done})
    # The cells' reports (Mẫu 01) are still drafts: those who manage each cell are reminded.
    assert any(r.key.startswith("selfbody:") and r.user == world.users["secretary_a"] for r in due)
    assert "hạn" in self_keys[0].text and self_keys[0].url.endswith("/tu-kiem-diem/")
    sent = reminders.send(due)
    assert (
        sent == len({(r.user.pk, r.key) for r in due}) and Notification.objects.filter(key__startswith="self:").exists()
    )
    assert reminders.send(reminders.due(today=day, days=3)) == 0  # same day: nothing twice
    # Too early: nothing. The command runs once and says what it sent.
    assert reminders.due(today=phase.starts_on - dt.timedelta(days=1), days=3) == []
    out = StringIO()
    call_command("remind", stdout=out)
    assert "lời nhắc mới" in out.getvalue()


def test_late_meetings_are_reminded_to_the_cell(commune):
    world = commune
    period_open_reviews(period=world.period, actor=None)
    review = Review.objects.filter(period=world.period, kind="member", context=world.cells[1])[0]
    fill(review, world.users["officer"])
    meeting = world.period.phases.get(code="meeting")
    due = reminders.due(today=meeting.deadline + dt.timedelta(days=2), days=3)
    late = [r for r in due if r.key.startswith("meeting:")]
    assert {r.user for r in late} >= {world.users["secretary_b"]}
    assert all(world.cells[1].name in r.text and "đã quá hạn" in r.text for r in late)
