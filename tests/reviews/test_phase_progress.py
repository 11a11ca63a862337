"""A phase's status follows the work, not only its dates (issue 9, item 10): «Họp kiểm điểm: Chưa đến» was shown
while 284 reviews were decided."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.urls import reverse

from danhgia.lib.dates import today
from danhgia.periods.models import Period
from danhgia.periods.services import phase_update
from danhgia.reports.dashboard import dashboard
from danhgia.reports.selectors import pending_work
from danhgia.reviews import decisions
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews
from danhgia.reviews.states import phase_progress
from tests.reviews.helpers import everyone_proposed, fill, meet, propose

DAY = dt.date(2026, 12, 3)


def phase(code, starts, deadline, done_on=None):
    return SimpleNamespace(code=code, starts_on=starts, deadline=deadline, done_on=done_on)


LATER = phase("meeting", DAY + dt.timedelta(days=5), DAY + dt.timedelta(days=17))
NOW = phase("meeting", DAY - dt.timedelta(days=2), DAY + dt.timedelta(days=5))
GONE = phase("meeting", DAY - dt.timedelta(days=20), DAY - dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("step", "states", "expected"),
    [
        # Before its dates, nothing begun: not yet.
        (LATER, {"draft": 10}, ("upcoming", 0, 10)),
        # Before its dates, but meetings already held for some: under way, with how far it is.
        (LATER, {"submitted": 6, "proposed": 3, "decided": 1}, ("running", 4, 10)),
        # Before its dates, every review already past the meeting: finished.
        (LATER, {"decided": 284}, ("finished", 284, 284)),
        (LATER, {"decided": 280, "complained": 4}, ("finished", 284, 284)),
        # In its dates: under way whatever has been done.
        (NOW, {"draft": 10}, ("running", 0, 10)),
        # After its deadline: late while reviews are left behind, past once nothing is.
        (GONE, {"submitted": 2, "decided": 8}, ("late", 8, 10)),
        (GONE, {"decided": 10}, ("past", 10, 10)),
        # Nothing opened yet: by the dates alone; a step that needs reviews is late without them.
        (LATER, {}, ("upcoming", 0, 0)),
        (GONE, {}, ("late", 0, 0)),
    ],
)
def test_the_meeting_step_follows_the_reviews(step, states, expected):
    progress = phase_progress(step, states, DAY)
    assert (progress.status, progress.reached, progress.total) == expected
    assert progress.behind == expected[2] - expected[1]


def test_each_step_counts_the_reviews_past_it():
    states = {"draft": 1, "submitted": 2, "proposed": 3, "appraised": 4, "decided": 5, "complained": 6}
    later = {"starts": DAY + dt.timedelta(days=5), "deadline": DAY + dt.timedelta(days=9)}
    reached = {
        code: phase_progress(phase(code, later["starts"], later["deadline"]), states, DAY).reached
        for code in ("self_review", "meeting", "appraisal", "decision", "notification")
    }
    assert reached == {"self_review": 20, "meeting": 18, "appraisal": 15, "decision": 11, "notification": 5}
    # Steps with no reviews to count (the plan, the opinions, the synthesis) go by their dates.
    plan = phase_progress(phase("plan", later["starts"], later["deadline"]), states, DAY)
    assert (plan.status, plan.total) == ("upcoming", 0)
    # A step marked done is done.
    marked = phase_progress(phase("meeting", later["starts"], later["deadline"], done_on=DAY), states, DAY)
    assert marked.status == "done"


def test_an_optional_step_past_its_deadline_is_not_overdue():
    """The appraisal is not every review's step (a cell's proposal goes straight to the decision)."""
    states = {"proposed": 5, "decided": 5}
    appraisal = phase("appraisal", DAY - dt.timedelta(days=9), DAY - dt.timedelta(days=1))
    assert phase_progress(appraisal, states, DAY).status == "past"


@pytest.fixture
def decided_early(commune):
    """Every member decided on `today`, while the meeting and decision steps are set for the days after."""
    world = commune
    officer = world.users["officer"]
    period_open_reviews(period=world.period, actor=officer)
    Period.objects.filter(pk=world.period.pk).update(status="open")
    day = today()
    for step in world.period.phases.all():
        if step.code in {"meeting", "appraisal", "decision", "notification", "synthesis"}:
            later = day + dt.timedelta(days=5)
            phase_update(phase=step, starts_on=later, deadline=later + dt.timedelta(days=25), actor=None)
    everyone_proposed(world)  # every cell's meeting held, the cells decided
    # The commune's own meeting: the committee, its collective and its secretary as a leader.
    meeting = meet(world.period, world.commune, officer)
    for review in Review.objects.filter(period=world.period, context=world.commune, state="draft"):
        fill(review, world.users["committee"] if review.kind == "leader" else officer, level="HTT")
        propose(meeting, review, "HTT", officer)
    decisions.decide_suggested(reviews=decisions.group_reviews(world.period, world.groups["members"]), actor=officer)
    decisions.decide_suggested(
        reviews=decisions.group_reviews(world.period, world.groups["members"]), actor=world.users["committee"]
    )
    return world


def test_the_dashboard_says_the_meeting_is_finished_and_the_decision_under_way(decided_early, client):
    world = decided_early
    officer = world.users["officer"]
    d = dashboard(world.commune, world.period, officer)
    rows = {row.phase.code: row for row in d.phases}
    assert rows["meeting"].status == "finished"
    assert rows["decision"].status in {"running", "finished"}
    assert rows["decision"].progress.reached > 0
    client.force_login(officer)
    page = client.get(reverse("reports-dashboard"), {"don-vi": world.commune.pk}).content.decode()
    meeting_row = page[page.index("Họp kiểm điểm, đề xuất xếp loại") :].split("</tr>")[0]
    assert "Chưa đến" not in meeting_row and "Đã xong" in meeting_row


def test_the_period_page_shows_the_same_status(decided_early, client):
    world = decided_early
    client.force_login(world.users["officer"])
    page = client.get(reverse("periods-detail", args=[world.period.pk])).content.decode()
    meeting_row = page[page.index("Họp kiểm điểm, đề xuất xếp loại") :].split("</tr>")[0]
    assert "Đã xong" in meeting_row
    decision_row = page[page.index("Quyết định xếp loại chất lượng") :].split("</tr>")[0]
    assert "Đang thực hiện" in decision_row or "Đã xong" in decision_row
    assert "Chưa đến" in page[page.index("Tổng hợp, báo cáo kết quả") :].split("</tr>")[0]


def test_the_home_page_lists_a_step_under_way_before_its_dates(decided_early):
    """Decisions begun before the decision step's start: the committee's remaining decisions are its work now."""
    world = decided_early
    tasks = pending_work(world.users["committee"])
    assert any("/quyet-dinh/" in t.url for t in tasks), [t.text for t in tasks]
