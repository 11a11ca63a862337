"""Stuck reviews: a member who never submits, a proposal whose vote failed. The secretary reminds (at most once a
day); the meeting page says what to do after a failed vote; the competent authority decides without a passed
proposal, or takes a member's review out of the period, each with a written reason, audited, and shown for what it
is in the omission and synthesis reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from danhgia.audit.models import Action, AuditEvent
from danhgia.lib.dates import today
from danhgia.periods.services import phase_update
from danhgia.reports.synthesis import synthesis
from danhgia.reviews import decisions, selectors, states, stuck
from danhgia.reviews.models import DecisionKind, Exclusion, Notification, Review, ReviewState
from tests.reviews.helpers import fill, meet, propose


def member(world, cell=0, index=2) -> Review:
    person = world.members[world.cells[cell].name][index]
    return Review.objects.get(period=world.period, kind="member", person=person)


def self_review_deadline_passed(world):
    phase = world.period.phases.get(code="self_review")
    phase_update(
        phase=phase, starts_on=today() - dt.timedelta(days=20), deadline=today() - dt.timedelta(days=1), actor=None
    )


def failed_vote(world, review):
    """Self-reviewed, then 2 of the 5 members counted in favour: the proposal fails and the review stays submitted."""
    fill(review, world.users["officer"], general=27, task=60, level="HTT")
    meeting = meet(world.period, review.context, world.users["officer"])
    propose(meeting, review, "HTT", world.users["officer"], votes_for=2)
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    return review


# ------------------------------------------------------------------------------------------- the reminder button


def test_the_secretary_reminds_the_members_who_have_not_submitted_at_most_once_a_day(opened, client):
    world = opened
    cell = world.cells[0]
    submitted = member(world, index=3)
    fill(submitted, world.users["officer"])
    client.force_login(world.users["secretary_a"])
    page = client.get(reverse("reviews-unit", args=[world.period.pk, cell.pk])).content.decode()
    assert "Nhắc nộp bản tự kiểm điểm" in page
    response = client.post(reverse("reviews-remind", args=[world.period.pk, cell.pk]), follow=True)
    text = response.content.decode()
    # Drafts: the committee's secretary (has an account), member 2 (has one) and member 4 (has none); the
    # secretary's own draft is not reminded by the secretary, the submitted one is not reminded at all.
    assert "Đã gửi 2 lời nhắc" in text
    assert world.members[cell.name][4].given_name in text  # no account: named, to be reminded in person
    reminded = set(Notification.objects.filter(key__startswith="self:").values_list("user_id", flat=True))
    assert reminded == {world.users["committee"].pk, world.users[f"member:{member(world).person_id}"].pk}
    event = AuditEvent.objects.get(action=Action.REMINDER_SENT)
    assert event.new["sent"] == 2 and event.new["without_account"] == 1 and event.target_id == str(cell.pk)
    # Again the same day: nobody is reminded twice, and the page says why.
    again = client.post(reverse("reviews-remind", args=[world.period.pk, cell.pk]), follow=True).content.decode()
    assert "Đã gửi 0 lời nhắc" in again and "đã được nhắc hôm nay" in again
    assert Notification.objects.filter(key__startswith="self:").count() == 2


def test_only_who_manages_the_cell_may_remind(opened, client):
    world = opened
    client.force_login(world.users["secretary_b"])
    assert client.post(reverse("reviews-remind", args=[world.period.pk, world.cells[0].pk])).status_code == 404
    client.force_login(world.users[f"member:{member(world).person_id}"])
    assert client.post(reverse("reviews-remind", args=[world.period.pk, world.cells[0].pk])).status_code in (403, 404)
    assert not Notification.objects.filter(key__startswith="self:").exists()


# ------------------------------------------------------------------------- deciding without a passed proposal


def test_a_draft_is_decided_without_a_proposal_only_after_its_deadline(opened, client):
    world = opened
    review = member(world)
    with pytest.raises(ValidationError, match="Chưa hết hạn tự kiểm điểm"):
        stuck.review_decide_unproposed(review=review, level="HT", reason="Đã nhắc", actor=world.users["committee"])
    self_review_deadline_passed(world)
    client.force_login(world.users["committee"])
    page = client.get(reverse("reviews-detail", args=[review.pk])).content.decode()
    assert "Quyết định khi không có đề xuất được thông qua" in page and "Không nộp bản tự kiểm điểm" in page
    url = reverse("reviews-decide-unproposed", args=[review.pk])
    # Above HT without a self-review: refused at the level; no reason: refused at the reason; typed text stays.
    response = client.post(url, {"qd-level": "HTT", "qd-reason": "Đảng viên từ chối viết bản kiểm điểm."})
    assert response.status_code == 200
    assert "tối đa mức HT" in " ".join(response.context["unproposed_form"].errors["level"])
    assert "Đảng viên từ chối viết bản kiểm điểm." in response.content.decode()
    response = client.post(url, {"qd-level": "HT", "qd-reason": "  "})
    assert "reason" in response.context["unproposed_form"].errors
    assert Review.objects.get(pk=review.pk).state == ReviewState.DRAFT
    refused = "Đảng viên từ chối viết bản kiểm điểm dù đã nhắc 3 lần."
    response = client.post(url, {"qd-level": "KHT", "qd-reason": refused})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED and review.decision.level == "KHT"
    assert review.decision.kind == DecisionKind.UNPROPOSED
    assert review.decision.reason.startswith("Không nộp bản tự kiểm điểm")
    assert "từ chối" in review.decision.reason
    assert AuditEvent.objects.filter(action=Action.DECISION_MADE, target_id=str(review.pk)).exists()
    # The omission report says what it was, not an omission.
    assert review.pk in {r.pk for r in selectors.unproposed(world.period, world.users["committee"])}
    assert review.pk not in {o.review_id for o in selectors.omissions(world.period, world.users["committee"])}
    assert synthesis(world.commune, world.period, world.users["officer"]).stuck["unproposed"] == 1


def test_after_a_failed_vote_the_meeting_page_says_what_next_and_the_authority_decides(opened, client):
    world = opened
    # An id of five digits: the page writes it as Vietnamese numbers are written ("12.345") unless told not to.
    Review.objects.filter(pk=member(world).pk).update(id=12345)
    review = failed_vote(world, Review.objects.get(pk=12345))
    client.force_login(world.users["secretary_a"])
    meeting_url = reverse("reviews-meeting", args=[world.period.pk, world.cells[0].pk])
    page = client.get(meeting_url).content.decode()
    assert "Đề xuất không đạt — việc tiếp theo" in page and "biểu quyết lại" in page
    assert "Đề nghị cấp có thẩm quyền quyết định" in page
    assert 'name="dn12345-note"' in page
    response = client.post(reverse("reviews-refer", args=[review.pk]), {"dn12345-note": "Đã họp hai lần."})
    assert response.status_code == 302 and response.url == meeting_url
    told = Notification.objects.filter(user=world.users["committee"], text__startswith="Đề nghị quyết định")
    assert told.count() == 1 and review.subject_name in told.get().text and "Đã họp hai lần." in told.get().text
    assert AuditEvent.objects.filter(action=Action.REVIEW_REFERRED, target_id=str(review.pk)).exists()
    # The authority decides, with its reason; the quota and the other rules apply as to any decision.
    made = stuck.review_decide_unproposed(
        review=review, level="HTT", reason="Chi bộ biểu quyết hai lần không đạt.", actor=world.users["committee"]
    )
    assert made.kind == DecisionKind.UNPROPOSED and "không đạt" in made.reason
    assert Review.objects.get(pk=review.pk).state == ReviewState.DECIDED


def test_a_submitted_review_never_voted_on_is_not_stuck(opened):
    world = opened
    review = member(world)
    fill(review, world.users["officer"])
    review.refresh_from_db()
    assert not stuck.is_stuck(review)
    with pytest.raises(ValidationError, match="chưa được hội nghị biểu quyết"):
        stuck.review_decide_unproposed(review=review, level="HT", reason="Lý do", actor=world.users["committee"])
    with pytest.raises(ValidationError, match="biểu quyết không đạt"):
        stuck.review_refer(review=review, note="", actor=world.users["secretary_a"])


def test_nobody_decides_their_own_stuck_review(opened):
    world = opened
    self_review_deadline_passed(world)
    chief = world.members[world.cells[0].name][1]  # the committee's secretary is also a member of this cell
    own = Review.objects.get(period=world.period, kind="member", person=chief)
    with pytest.raises(ValidationError, match="chính mình"):
        stuck.review_decide_unproposed(review=own, level="HT", reason="Lý do", actor=world.users["committee"])


# --------------------------------------------------------------------------------- excluded from the period


def test_excluding_a_member_is_neither_an_omission_nor_in_a_quota(opened, client):
    world = opened
    review = member(world)
    members_group = world.groups["members"]
    before = len(decisions.group_reviews(world.period, members_group))
    client.force_login(world.users["committee"])
    url = reverse("reviews-exclude", args=[review.pk])
    # No written reason: refused next to the field, nothing changed.
    response = client.post(url, {"loai-ground": "illness", "loai-note": ""})
    assert response.status_code == 200 and "note" in response.context["exclusion_form"].errors
    assert Review.objects.get(pk=review.pk).state == ReviewState.DRAFT and not Exclusion.objects.filter(review=review)
    note = "Nằm viện điều trị từ tháng 8, có giấy ra viện."
    response = client.post(url, {"loai-ground": "illness", "loai-note": note})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.EXCLUDED
    exclusion = Exclusion.objects.get(review=review)
    assert exclusion.reason == "Ốm đau, điều trị dài ngày" and exclusion.decided_by == world.users["committee"]
    event = AuditEvent.objects.get(action=Action.REVIEW_EXCLUDED, target_id=str(review.pk))
    assert event.old == {"state": "draft"} and event.new["note"].startswith("Nằm viện")
    assert Notification.objects.filter(user=world.users[f"member:{review.person_id}"], text__contains="không xếp loại")
    # Outside the quota and the decision page …
    assert len(decisions.group_reviews(world.period, members_group)) == before - 1
    # … not late once the deadline has passed, listed with its reason among those not reviewed …
    self_review_deadline_passed(world)
    viewer = world.users["committee"]
    assert review.pk not in {o.review_id for o in selectors.omissions(world.period, viewer)}
    assert exclusion in list(selectors.exclusions(world.period, viewer))
    page = client.get(reverse("reviews-omissions", args=[world.period.pk])).content.decode()
    assert "Nằm viện điều trị từ tháng 8" in page
    # … and the synthesis still reconciles: counted among those not reviewed with a reason, not as reviewed.
    s = synthesis(world.commune, world.period, world.users["officer"])
    assert s.members_total.excluded["other"] == 1 and s.members_total.difference == 0
    assert s.stuck["excluded"] == 1


def test_an_exclusion_is_undone_by_reinstating_the_review(opened, client):
    world = opened
    review = member(world)
    committee = world.users["committee"]
    stuck.review_exclude(review=review, ground="away", note="Đi học tập trung 10 tháng.", actor=committee)
    client.force_login(world.users["committee"])
    page = client.get(reverse("reviews-detail", args=[review.pk])).content.decode()
    assert "Công tác, học tập xa dài ngày" in page and "Đưa trở lại kỳ kiểm điểm" in page
    response = client.post(reverse("reviews-reinstate", args=[review.pk]), {"lai-note": "Đã về sinh hoạt."})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT and not Exclusion.objects.filter(period=world.period).exists()
    assert AuditEvent.objects.filter(action=Action.REVIEW_REINSTATED, target_id=str(review.pk)).exists()


def test_only_a_members_undecided_review_is_excluded_and_only_by_the_authority(opened, client):
    world = opened
    cell = Review.objects.get(period=world.period, kind="party_org", unit=world.cells[0])
    with pytest.raises(ValidationError, match="chỉ bản kiểm điểm của đảng viên"):
        stuck.review_exclude(review=cell, ground="other", note="Lý do", actor=world.users["committee"])
    review = member(world)
    client.force_login(world.users["secretary_a"])  # manages the cell, does not decide
    response = client.post(reverse("reviews-exclude", args=[review.pk]), {"loai-ground": "illness", "loai-note": "Ốm"})
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).state == ReviewState.DRAFT
    assert not states.allowed(Review(state=ReviewState.DECIDED), "exclude")
    assert not states.allowed(Review(state=ReviewState.PROPOSED), "decide_unproposed")


def test_the_audit_page_labels_what_these_events_record():
    from danhgia.audit.display import label
    from danhgia.orgs.models import Unit

    for key in ("group", "note", "reason", "state", "authority", "proposal", "told"):
        assert label(key, Review) != key, key
    for key in ("drafts", "sent", "already", "without_account", "period"):
        assert label(key, Unit) != key, key


def test_a_draft_never_submitted_stays_its_authors_when_excluded_or_decided(opened, client):
    from danhgia.documents.services import plan
    from danhgia.reviews import services

    world = opened
    excluded, decided = member(world, index=2), member(world, index=3)
    for review in (excluded, decided):
        services.review_save(
            review=review,
            actor=world.users[f"member:{review.person_id}"],
            items={},
            sections={"uu_diem": "Nội dung riêng chưa nộp."},
        )
    committee = world.users["committee"]
    stuck.review_exclude(review=excluded, ground="illness", note="Nằm viện.", actor=committee)
    self_review_deadline_passed(world)
    stuck.review_decide_unproposed(review=decided, level="KHT", reason="Không viết bản kiểm điểm.", actor=committee)
    client.force_login(world.users["secretary_a"])
    for review in (excluded, decided):
        page = client.get(reverse("reviews-detail", args=[review.pk])).content.decode()
        assert "Nội dung riêng chưa nộp." not in page
        form = reverse("documents-review", args=[review.pk, "ban-kiem-diem", "pdf"])
        assert client.get(form).status_code == 403
    batch = plan(world.period, world.cells[0], subtree=False)
    assert excluded.pk not in batch.review_ids and decided.pk not in batch.review_ids
    # The author still reads their own text.
    client.force_login(world.users[f"member:{excluded.person_id}"])
    assert "Nội dung riêng chưa nộp." in client.get(reverse("reviews-detail", args=[excluded.pk])).content.decode()
