"""access_* helpers for the reviews app's own rows: reviews and what hangs on them (evidence, decisions' scans,
shortcomings, complaints), the reviews held in a unit, evaluator groups and their sheets.

accounts/access.py keeps the generic machinery (the refusal and its audit, the units, persons and periods every
app shares); like it, a row outside the user's scope answers 404 and one seen but not to be changed 403.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from django.http import Http404

from danhgia.accounts.access import access_unit, refuse
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.orgs.models import SEGMENT, Unit
from danhgia.reviews import states
from danhgia.reviews.models import (
    EXCLUDABLE_KINDS,
    Complaint,
    Decision,
    EvaluatorGroup,
    Evidence,
    Respondent,
    Review,
    Shortcoming,
)

if TYPE_CHECKING:
    from danhgia.accounts.access import AnyUser


def is_own(user: AnyUser | None, review: Review) -> bool:
    """Whether `review` is the user's own record (a person's review of the person the account belongs to): nobody
    acts on it as secretary, officer or authority (their deputy or the superior does), services check it again."""
    return (
        user is not None
        and user.is_authenticated
        and review.person_id is not None
        and getattr(user, "person_id", None) == review.person_id
    )


class ReviewRights:
    """What one user may do with one review now, from their scopes, whether the review is their own, and its
    state: the one place the views, the templates (`rights.can_…`) and access_review read it from.

    The roles (`own`, `is_author`, `manages`, `appraises`, `decides`, `handles_complaints`) say who the user is for
    the review; the `can_…` say what the review's state lets that role do now (states.py). Each is worked out once,
    when first read; `review_rights` keeps one per user on the review, so a request computes it once.
    """

    def __init__(self, user: AnyUser, review: Review) -> None:
        self.user, self.review = user, review

    # -------------------------------------------------------------------------------------------- who the user is
    @cached_property
    def own(self) -> bool:
        return is_own(self.user, self.review)

    @cached_property
    def manages(self) -> bool:
        """reviews:manage over where the review is held (its cell or body): meeting, opinions, facts, reopening."""
        return scope_for(self.user, Perm.REVIEWS_MANAGE).contains(self.review.context.path)

    @cached_property
    def appraises(self) -> bool:
        return scope_for(self.user, Perm.REVIEWS_APPRAISE).contains(self.review.context.path)

    @cached_property
    def decides(self) -> bool:
        """reviews:decide over the review's competent authority."""
        return scope_for(self.user, Perm.REVIEWS_DECIDE).contains(self.review.authority.path)

    @cached_property
    def handles_complaints(self) -> bool:
        """Complaints go to the committee above the one that decided (complaints.handling_unit)."""
        authority = self.review.authority.path
        return scope_for(self.user, Perm.COMPLAINTS_HANDLE).contains(
            authority[:-SEGMENT] if len(authority) > SEGMENT else authority
        )

    @cached_property
    def can_view(self) -> bool:
        """The subject, those who see reviews where it is held, and the authority that decides it."""
        return self.own or scope_for(self.user, Perm.REVIEWS_VIEW).contains(self.review.context.path) or self.decides

    @cached_property
    def is_author(self) -> bool:
        """Who speaks for the subject: a person writes their own self-review (and complains of their level), a
        collective's report is written by those who manage it."""
        return self.own if self.review.is_person else self.manages

    # ------------------------------------------------------------------------------------ what the state allows
    @cached_property
    def can_read_content(self) -> bool:
        """What a draft says (its text, its evidence files, its form as a document) is its author's until it is
        submitted; then everyone who sees the review reads it."""
        return self.is_author or not self.review.unsubmitted

    @cached_property
    def can_edit_self_review(self) -> bool:
        """Write, save, attach evidence and submit: the author, while a draft."""
        return self.is_author and states.allowed(self.review, "submit")

    @cached_property
    def can_reopen(self) -> bool:
        return self.manages and not self.own and states.allowed(self.review, "reopen")

    @cached_property
    def can_record_facts(self) -> bool:
        """Discipline, conclusions, the civil-servant rating …: until the level is decided."""
        return self.manages and not self.own and self.review.state not in states.LOCKED

    @cached_property
    def can_propose(self) -> bool:
        """The meeting's proposal and vote (recorded on the meeting page)."""
        return self.manages and not self.own and states.allowed(self.review, "propose")

    @cached_property
    def can_appraise(self) -> bool:
        return self.appraises and not self.own and states.allowed(self.review, "appraise")

    @cached_property
    def acts_as_authority(self) -> bool:
        """The competent authority, on a record not its own: decides, takes out of the period, reinstates."""
        return self.decides and not self.own

    @cached_property
    def can_exclude(self) -> bool:
        return (
            self.acts_as_authority and self.review.kind in EXCLUDABLE_KINDS and states.allowed(self.review, "exclude")
        )

    @cached_property
    def can_reinstate(self) -> bool:
        return self.acts_as_authority and states.allowed(self.review, "reinstate")

    @cached_property
    def can_complain(self) -> bool:
        """The subject (a collective: those who manage it) complains of a decided level."""
        return self.is_author and states.allowed(self.review, "complain")

    @cached_property
    def can_add_shortcoming(self) -> bool:
        return self.manages and not self.own

    @cached_property
    def can_update_shortcomings(self) -> bool:
        """The subject reports the remedy's progress; so do those who manage the review (access_shortcoming also
        lets the person responsible for a remedy update it)."""
        return self.own or self.manages

    @cached_property
    def can_read_named_opinions(self) -> bool:
        """Named answers with their authors: for those who run the review, never for the subject themself."""
        return self.manages and not self.own


def review_rights(user: AnyUser, review: Review) -> ReviewRights:
    """The user's rights on the review, made once per user and review instance (a request's access_review, its
    view and its template share them)."""
    cache: dict[int | None, ReviewRights] = review.__dict__.setdefault("_danhgia_rights", {})
    key = user.pk if user.is_authenticated else None
    if key not in cache:
        cache[key] = ReviewRights(user, review)
    return cache[key]


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
    rights = review_rights(user, review)
    if not rights.can_view:
        refuse(user, review, scope_path=review.context.path, not_found=True)
    allowed = {
        "view": True,
        "write": rights.is_author,
        "content": rights.can_read_content,
        "manage": rights.manages,
        "appraise": rights.appraises,
        "decide": rights.decides,
        "complaints": rights.handles_complaints,
    }[action]
    if not allowed:
        refuse(user, review, scope_path=review.context.path, not_found=False)
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
    responsible = person_id is not None and person_id in {item.person_id, item.owner_id}
    if not responsible and not review_rights(user, review).can_update_shortcomings:
        refuse(user, review, scope_path=review.context.path, not_found=False)
    item.review = review
    return item


def access_complaint(user: AnyUser, complaint_id: int, *, for_write: bool = False) -> Complaint:
    """A complaint: seen by those who see its review, handled (`for_write`) by the committee above the one that
    decided."""
    complaint = Complaint.objects.select_related("decision", "assigned_to").filter(pk=complaint_id).first()
    if complaint is None:
        raise Http404("Không tìm thấy khiếu nại.")
    review = access_review(user, complaint.review_id, action="complaints" if for_write else "view")
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
