"""A review's rights, computed once (reviews.access.ReviewRights) and read by the views, the pages and the access
check alike: who the user is for the review, and what its state lets them do now."""

from __future__ import annotations

from django.urls import reverse

from danhgia.accounts.models import Role
from danhgia.reviews import services
from danhgia.reviews.access import review_rights
from danhgia.reviews.models import Review, ReviewState
from tests.conftest import make_user
from tests.reviews.helpers import cell_review, fill, meet, propose
from tests.reviews.test_views import CELL_A, decided_member, member_review, owner


def rights_in(review: Review, user, state: str):
    """The rights of `user` on `review` as if it were in `state` (the rights read the state, nothing else of it)."""
    review = Review.objects.select_related("context", "authority").get(pk=review.pk)
    review.state = state
    return review_rights(user, review)


def test_the_author_writes_only_a_draft_and_reads_it_alone(opened):
    review = member_review(opened)
    author, secretary = owner(opened, review), opened.users["secretary_a"]
    mine = rights_in(review, author, ReviewState.DRAFT)
    assert mine.own and mine.is_author and mine.can_edit_self_review and mine.can_read_content
    assert not (mine.manages or mine.can_reopen or mine.can_record_facts or mine.can_add_shortcoming)
    theirs = rights_in(review, secretary, ReviewState.DRAFT)
    assert theirs.manages and not theirs.is_author
    assert not theirs.can_read_content and not theirs.can_edit_self_review and not theirs.can_reopen
    assert theirs.can_record_facts and theirs.can_add_shortcoming and theirs.can_read_named_opinions
    assert not rights_in(review, author, ReviewState.SUBMITTED).can_edit_self_review
    submitted = rights_in(review, secretary, ReviewState.SUBMITTED)
    assert submitted.can_read_content and submitted.can_reopen and submitted.can_propose


def test_nobody_acts_on_their_own_record(opened):
    secretary = opened.users["secretary_a"]
    review = Review.objects.get(period=opened.period, kind="member", person=opened.secretaries[CELL_A])
    for state in (ReviewState.SUBMITTED, ReviewState.PROPOSED):
        rights = rights_in(review, secretary, state)
        assert rights.own and rights.manages
        assert not (rights.can_reopen or rights.can_propose or rights.can_record_facts or rights.can_add_shortcoming)
        assert not rights.can_read_named_opinions and rights.can_update_shortcomings
    committee = opened.users["committee"]  # the commune's secretary decides the cell's members
    chief = Review.objects.get(period=opened.period, kind="member", person=committee.person)
    assert rights_in(chief, committee, ReviewState.DRAFT).decides
    assert not rights_in(chief, committee, ReviewState.DRAFT).can_exclude


def test_what_the_state_lets_each_role_do(opened):
    review = member_review(opened)
    author, officer, committee = owner(opened, review), opened.users["officer"], opened.users["committee"]
    assert rights_in(review, officer, ReviewState.PROPOSED).can_appraise
    assert not rights_in(review, officer, ReviewState.SUBMITTED).can_appraise
    assert not rights_in(review, officer, ReviewState.DECIDED).can_appraise
    assert rights_in(review, committee, ReviewState.DRAFT).can_exclude
    assert not rights_in(review, committee, ReviewState.PROPOSED).can_exclude
    assert rights_in(review, committee, ReviewState.EXCLUDED).can_reinstate
    assert rights_in(review, author, ReviewState.DECIDED).can_complain
    assert not rights_in(review, author, ReviewState.COMPLAINED).can_complain
    assert not rights_in(review, opened.users["secretary_a"], ReviewState.DECIDED).can_complain  # a member's own
    for state in (ReviewState.DECIDED, ReviewState.COMPLAINED):
        assert not rights_in(review, opened.users["secretary_a"], state).can_record_facts
    body = cell_review(opened, opened.cells[0])  # a collective's report: its managers are its authors
    assert rights_in(body, opened.users["secretary_a"], ReviewState.DRAFT).can_edit_self_review
    assert rights_in(body, opened.users["secretary_a"], ReviewState.DECIDED).can_complain
    assert not rights_in(body, opened.users["secretary_b"], ReviewState.DRAFT).can_view


def test_the_rights_are_made_once_per_user_and_review(opened):
    review = Review.objects.select_related("context", "authority").get(pk=member_review(opened).pk)
    secretary, author = opened.users["secretary_a"], owner(opened, member_review(opened))
    assert review_rights(secretary, review) is review_rights(secretary, review)
    assert review_rights(author, review) is not review_rights(secretary, review)


# --------------------------------------------------------------------------------------- what the pages offer


def test_the_secretarys_own_submitted_review_offers_no_reopening(opened, client):
    # The service refuses it (nobody reopens their own record): the self-review page no longer offers it either.
    secretary = opened.users["secretary_a"]
    review = Review.objects.get(period=opened.period, kind="member", person=opened.secretaries[CELL_A])
    fill(review, secretary)
    client.force_login(secretary)
    assert 'id="h-reopen"' not in client.get(reverse("reviews-self", args=[review.pk])).content.decode()
    assert 'id="h-reopen"' not in client.get(reverse("reviews-detail", args=[review.pk])).content.decode()
    body = cell_review(opened, opened.cells[0])  # the cell's report, which the secretary writes and may reopen
    fill(body, secretary)
    assert 'id="h-reopen"' in client.get(reverse("reviews-self", args=[body.pk])).content.decode()


def test_a_decided_review_offers_no_facts_to_record(opened, client):
    # The facts of a decided level are final (services.facts_record refuses them): no button leads there.
    review = member_review(opened)
    client.force_login(opened.users["secretary_a"])
    facts = reverse("reviews-facts", args=[review.pk])
    assert facts in client.get(reverse("reviews-detail", args=[review.pk])).content.decode()
    review = decided_member(opened)
    assert review.state == ReviewState.DECIDED
    assert facts not in client.get(reverse("reviews-detail", args=[review.pk])).content.decode()


def test_a_collectives_report_is_read_on_its_page_by_those_who_write_it(opened, client):
    # What a draft says is its author's (access "content"); a collective's report is written by its managers, who
    # download it as a form: its page shows it to them as well, and to nobody else before it is submitted.
    body = cell_review(opened, opened.cells[0])
    services.review_save(
        review=body, actor=opened.users["secretary_a"], items={}, sections={"uu_diem": "Chi bộ giữ vững đoàn kết."},
        self_level="", tasks=[],
    )  # fmt: skip
    url = reverse("reviews-detail", args=[body.pk])
    client.force_login(opened.users["secretary_a"])
    page = client.get(url).content.decode()
    assert "Chi bộ giữ vững đoàn kết." in page
    assert reverse("documents-review", args=[body.pk, "ban-kiem-diem", "pdf"]) in page
    client.force_login(make_user("giamsat", Role.INSPECTOR, opened.province))  # sees every review, manages none
    page = client.get(url).content.decode()
    assert "Bản kiểm điểm chưa nộp" in page and "Chi bộ giữ vững đoàn kết." not in page


def test_the_meeting_grid_asks_a_proposal_of_every_submitted_review_but_the_secretarys_own(opened, client):
    secretary = opened.users["secretary_a"]
    own = Review.objects.get(period=opened.period, kind="member", person=opened.secretaries[CELL_A])
    other = member_review(opened)
    fill(own, secretary)
    fill(other, owner(opened, other))
    meeting = meet(opened.period, opened.cells[0], opened.users["officer"])
    propose(meeting, other, "HTXS", opened.users["officer"])
    client.force_login(secretary)
    page = client.get(reverse("reviews-meeting", args=[opened.period.pk, opened.cells[0].pk])).content.decode()
    assert f'name="level_{other.pk}"' in page  # proposed: may be proposed again
    assert f'name="level_{own.pk}"' not in page and "Hồ sơ của chính bạn" in page
    draft = Review.objects.get(period=opened.period, kind="member", person=opened.members[CELL_A][4])
    assert f'name="level_{draft.pk}"' not in page
