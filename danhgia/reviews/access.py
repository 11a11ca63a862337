"""access_* helpers for the reviews app's own rows: reviews and what hangs on them (evidence, decisions' scans,
shortcomings, complaints), the reviews held in a unit, evaluator groups and their sheets.

accounts/access.py keeps the generic machinery (the refusal and its audit, the units, persons and periods every
app shares); like it, a row outside the user's scope answers 404 and one seen but not to be changed 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from danhgia.accounts.access import access_unit, refuse
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.orgs.models import Unit
from danhgia.reviews.models import Complaint, Decision, EvaluatorGroup, Evidence, Respondent, Review, Shortcoming

if TYPE_CHECKING:
    from danhgia.accounts.access import AnyUser


def is_own(user: AnyUser | None, review: Review) -> bool:
    """Whether `review` is the user's own record (a person's review of the person the account belongs to)."""
    return (
        user is not None
        and user.is_authenticated
        and review.person_id is not None
        and getattr(user, "person_id", None) == review.person_id
    )


def access_review(user: AnyUser, review_id: int, *, action: str = "view") -> Review:
    """A review, for an action: view, write (the self-review), content, manage, appraise, decide, complaints.

    The subject sees and writes their own review; a secretary or officer acts within their scope (the review's
    context: the cell or body); the competent authority decides within its scope (the review's authority).
    """
    review = (
        Review.objects.select_related("period", "context", "authority", "person", "unit", "decision")
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise Http404("Không tìm thấy bản kiểm điểm.")
    own = is_own(user, review)
    context, authority = review.context.path, review.authority.path
    visible = (
        own
        or scope_for(user, Perm.REVIEWS_VIEW).contains(context)
        or scope_for(user, Perm.REVIEWS_DECIDE).contains(authority)
    )
    if not visible:
        refuse(user, review, scope_path=context, not_found=True)
    writes = own if review.is_person else scope_for(user, Perm.REVIEWS_MANAGE).contains(context)
    allowed = {
        "view": True,
        "write": writes,
        # What a draft says (its text, its evidence files, its form as a document) is its author's until it is
        # submitted; a collective's report is its managers'.
        "content": not review.unsubmitted or writes,
        "manage": scope_for(user, Perm.REVIEWS_MANAGE).contains(context),
        "appraise": scope_for(user, Perm.REVIEWS_APPRAISE).contains(context),
        "decide": scope_for(user, Perm.REVIEWS_DECIDE).contains(authority),
        # Complaints go to the committee above the one that decided.
        "complaints": scope_for(user, Perm.COMPLAINTS_HANDLE).contains(
            authority[:-8] if len(authority) > 8 else authority
        ),
    }[action]
    if not allowed:
        refuse(user, review, scope_path=context, not_found=False)
    return review


def access_review_unit(user: AnyUser, unit_id: int, *, for_write: bool = False) -> Unit:
    """A unit as the place where reviews are held (its cell's page, its meeting, its papers, its opinion groups):
    seen by those who see its reviews, run (the meeting, reminders, opinion requests) by those who manage them."""
    unit = access_unit(user, unit_id)
    if not scope_for(user, Perm.REVIEWS_VIEW).contains(unit.path):
        refuse(user, unit, scope_path=unit.path, not_found=True)
    if for_write and not scope_for(user, Perm.REVIEWS_MANAGE).contains(unit.path):
        refuse(user, unit, scope_path=unit.path, not_found=False)
    return unit


def access_evidence(user: AnyUser, review_id: int, evidence_id: int, *, action: str = "content") -> Evidence:
    """An evidence file of a review, for reading (`content`: a draft's files are its author's) or removing
    (`write`)."""
    review = access_review(user, review_id, action=action)
    evidence = Evidence.objects.filter(pk=evidence_id, review=review).first()
    if evidence is None:
        raise Http404("Không tìm thấy minh chứng.")
    evidence.review = review
    return evidence


def access_decision_scan(user: AnyUser, review_id: int, decision_id: int) -> Decision:
    """The scan attached to a decision taken outside the system and recorded: seen by those who see the review."""
    review = access_review(user, review_id)
    decision = review.decisions.filter(pk=decision_id).exclude(attachment="").first()
    if decision is None:
        raise Http404("Không có bản quét quyết định.")
    decision.review = review
    return decision


def access_shortcoming(user: AnyUser, shortcoming_id: int) -> Shortcoming:
    """A shortcoming to update: by its subject or the person responsible for the remedy, or by those who manage
    the review that found it."""
    item = Shortcoming.objects.select_related("review").filter(pk=shortcoming_id).first()
    if item is None:
        raise Http404("Không tìm thấy hạn chế, khuyết điểm.")
    review = access_review(user, item.review_id)
    person_id = getattr(user, "person_id", None) if user.is_authenticated else None
    own = person_id is not None and person_id in {item.person_id, item.owner_id}
    if not own and not scope_for(user, Perm.REVIEWS_MANAGE).contains(review.context.path):
        refuse(user, review, scope_path=review.context.path, not_found=False)
    item.review = review
    return item


def access_complaint(user: AnyUser, complaint_id: int, *, for_write: bool = False) -> Complaint:
    """A complaint: seen by those who see its review, handled (`for_write`) by the committee above the one that
    decided."""
    complaint = Complaint.objects.select_related("decision", "assigned_to").filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404("Không tìm thấy khiếu nại.")
    review = access_review(user, complaint.review_id)
    if for_write:
        access_review(user, complaint.review_id, action="complaints")
    complaint.review = review
    return complaint


def access_evaluator_group(user: AnyUser, group_id: int, *, for_write: bool = False) -> EvaluatorGroup:
    """An evaluator group: seen by those who see reviews of the unit that asked; run by those who manage it."""
    group = EvaluatorGroup.objects.select_related("period", "unit").filter(pk=group_id).first()
    if group is None:
        raise Http404("Không tìm thấy nhóm lấy ý kiến.")
    if not scope_for(user, Perm.REVIEWS_VIEW).contains(group.unit.path):
        refuse(user, group, scope_path=group.unit.path, not_found=True)
    if for_write and not scope_for(user, Perm.REVIEWS_MANAGE).contains(group.unit.path):
        refuse(user, group, scope_path=group.unit.path, not_found=False)
    return group


def access_respondent(user: AnyUser, respondent_id: int) -> Respondent:
    """A sheet to answer while logged in: only the user it was issued to (anyone else: not found)."""
    respondent = (
        Respondent.objects.select_related("group", "group__period", "group__unit").filter(pk=respondent_id).first()
    )
    if respondent is None:
        raise Http404("Không tìm thấy phiếu lấy ý kiến.")
    if not user.is_authenticated or respondent.user_id != user.pk:
        refuse(user, respondent.group, scope_path=respondent.group.unit.path, not_found=True)
    return respondent
