"""Decisions after the fact: a body lowered on complaint while its head stays decided above it."""

from __future__ import annotations

from danhgia.reviews import complaints, decisions
from danhgia.reviews.models import Notification, Review
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.helpers import fill, meet, propose


def test_lowering_a_body_on_complaint_asks_for_its_head_to_be_decided_again(commune):
    world = commune
    officer, committee = world.users["officer"], world.users["committee"]
    period_open_reviews(period=world.period, actor=officer)
    cell = world.cells[1]
    cell_review = Review.objects.get(period=world.period, kind="party_org", unit=cell)
    head = Review.objects.get(period=world.period, kind="member", person=world.secretaries[cell.name])
    fill(cell_review, officer, general=27, task=60, level="HTT")
    fill(head, officer, general=27, task=60, level="HTT")
    meeting = meet(world.period, cell, officer)
    propose(meeting, cell_review, "HTT", officer)
    propose(meeting, head, "HTT", officer)
    decisions.decide(reviews=[Review.objects.get(pk=cell_review.pk)], levels={cell_review.pk: "HTT"}, actor=committee)
    decisions.decide(reviews=[Review.objects.get(pk=head.pk)], levels={head.pk: "HTT"}, actor=committee)
    # The cell complains... and the committee above finds it should have been HT.
    complaint = complaints.complaint_file(review=Review.objects.get(pk=cell_review.pk), text="Xin xem lại.",
                                          actor=world.users["secretary_b"])  # fmt: skip
    complaints.complaint_assign(complaint=complaint, assignee=officer, actor=officer)
    complaints.complaint_verify(complaint=complaint, verification="Chi bộ chưa đạt chỉ tiêu.", actor=officer)
    complaints.complaint_redecide(complaint=complaint, level="HT", resolution="Chưa đạt chỉ tiêu.", actor=officer)
    # The head's HTT is now above the cell's HT: whoever decides the head is asked to decide again.
    asked = Notification.objects.filter(user=committee, text__startswith="Cần quyết định lại")
    assert asked.count() == 1 and head.subject_name in asked.get().text
    assert Review.objects.get(pk=head.pk).decision.level == "HTT"  # nothing changed behind the authority's back
