"""Complaints against a decided level (QĐ 366 Art. 12 §1 step 3, Art. 15 §3).

The subject complains within a configurable window after the decision; the committee above the deciding
one assigns someone to verify, then upholds the result or decides again. A new result is a new decision
that supersedes the old one, with its reason; the old one stays readable.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from danhgia.accounts.permissions import Perm
from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.reviews import notify, states
from danhgia.reviews.decisions import decide
from danhgia.reviews.models import Complaint, ComplaintState, DecisionKind, Review, ReviewState

if TYPE_CHECKING:
    from danhgia.accounts.models import User


def handling_unit(review: Review) -> object:
    """The committee above the one that decided (the authority's parent), or the authority at the top."""
    return review.authority.parent or review.authority


def deadline(review: Review) -> dt.date | None:
    if review.decision is None:
        return None
    return timezone.localdate(review.decision.decided_at) + dt.timedelta(days=settings.DANHGIA_COMPLAINT_DAYS)


@transaction.atomic
def complaint_file(*, review: Review, text: str, actor: User | None) -> Complaint:
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("decision", "authority", "authority__parent")
        .get(pk=review.pk)
    )
    states.next_state(review, "complain", field="text")
    if not text.strip():
        raise ValidationError({"text": "Hãy ghi nội dung khiếu nại."})
    last_day = deadline(review)
    if last_day is not None and timezone.localdate() > last_day:
        raise ValidationError({"text": f"Đã quá thời hạn khiếu nại (đến hết ngày {last_day:%d/%m/%Y})."})
    assert review.decision is not None
    complaint = Complaint.objects.create(review=review, decision=review.decision, filed_by=actor, text=text.strip())
    review.state = ReviewState.COMPLAINED
    review.save(update_fields=["state"])
    record(
        actor=actor,
        action=Action.COMPLAINT_FILED,
        target=review,
        unit=review.context,
        new={"complaint": complaint.pk, "decision": review.decision_id, "text": complaint.text},
    )
    notify.notify(
        notify.managers_of(handling_unit(review), Perm.COMPLAINTS_HANDLE),  # type: ignore[arg-type]
        f"Khiếu nại kết quả xếp loại của {review.subject_name}.",
        reverse("reviews-complaint", args=[complaint.pk]),
    )
    return complaint


def _require(complaint: Complaint, allowed: set[str], what: str) -> None:
    if complaint.state not in allowed:
        raise ValidationError({"state": f"Không thể {what}: khiếu nại {complaint.get_state_display().lower()}."})


@transaction.atomic
def complaint_assign(*, complaint: Complaint, assignee: User, actor: User | None) -> Complaint:
    _require(complaint, {ComplaintState.FILED, ComplaintState.ASSIGNED}, "giao xác minh")
    complaint.assigned_to, complaint.state = assignee, ComplaintState.ASSIGNED
    complaint.save(update_fields=["assigned_to", "state"])
    record(
        actor=actor,
        action=Action.COMPLAINT_ASSIGNED,
        target=complaint.review,
        unit=complaint.review.context,
        new={"complaint": complaint.pk, "assigned_to": assignee.get_username()},
    )
    notify.notify(
        [assignee],
        f"Được giao xác minh khiếu nại của {complaint.review.subject_name}.",
        reverse("reviews-complaint", args=[complaint.pk]),
    )
    return complaint


@transaction.atomic
def complaint_verify(*, complaint: Complaint, verification: str, actor: User | None) -> Complaint:
    _require(complaint, {ComplaintState.ASSIGNED, ComplaintState.VERIFIED}, "ghi kết quả xác minh")
    if not verification.strip():
        raise ValidationError({"verification": "Hãy ghi kết quả xác minh."})
    complaint.verification, complaint.state = verification.strip(), ComplaintState.VERIFIED
    complaint.save(update_fields=["verification", "state"])
    record(
        actor=actor,
        action=Action.COMPLAINT_VERIFIED,
        target=complaint.review,
        unit=complaint.review.context,
        new={"complaint": complaint.pk, "verification": complaint.verification},
    )
    return complaint


@transaction.atomic
def complaint_uphold(*, complaint: Complaint, resolution: str, actor: User | None) -> Complaint:
    _require(complaint, {ComplaintState.VERIFIED}, "kết luận")
    if not resolution.strip():
        raise ValidationError({"resolution": "Hãy ghi kết luận."})
    review = Review.objects.select_for_update().get(pk=complaint.review_id)
    review.state = states.next_state(review, "uphold")
    review.save(update_fields=["state"])
    complaint.resolution, complaint.state = resolution.strip(), ComplaintState.UPHELD
    complaint.save(update_fields=["resolution", "state"])
    record(
        actor=actor,
        action=Action.COMPLAINT_UPHELD,
        target=review,
        unit=review.context,
        new={"complaint": complaint.pk, "resolution": complaint.resolution},
    )
    notify.notify(
        notify.subject_users(review),
        f"Khiếu nại của {review.subject_name}: giữ nguyên kết quả xếp loại.",
        reverse("reviews-complaint", args=[complaint.pk]),
    )
    return complaint


@transaction.atomic
def complaint_redecide(*, complaint: Complaint, level: str, resolution: str, actor: User | None) -> Complaint:
    """A changed result: a new decision linked to the old one, with its reason (the complaint's conclusion)."""
    _require(complaint, {ComplaintState.VERIFIED}, "quyết định lại")
    if not resolution.strip():
        raise ValidationError({"resolution": "Hãy ghi kết luận, lý do quyết định lại."})
    review = Review.objects.select_related("period", "decision").get(pk=complaint.review_id)
    states.next_state(review, "redecide")
    if review.decision is not None and review.decision.level == level:
        raise ValidationError({"level": "Mức mới giống mức đã quyết định: hãy chọn «giữ nguyên kết quả»."})
    assert review.decision is not None
    [decision] = decide(
        reviews=[review],
        levels={review.pk: level},
        actor=actor,
        reasons={review.pk: resolution.strip()},
        kind=DecisionKind.REDECISION,
        supersedes={review.pk: review.decision},
    )
    complaint.resolution, complaint.state, complaint.new_decision = (
        resolution.strip(),
        ComplaintState.REDECIDED,
        decision,
    )
    complaint.save(update_fields=["resolution", "state", "new_decision"])
    return complaint
