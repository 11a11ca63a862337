"""Reviews that the ordinary steps can never bring to a decision, and the competent authority's way out.

Two cases block a review for good: the subject never submits the self-review, and the meeting's proposal fails
the vote (fewer than half of the members counted in favour, meetings.py) and is not voted again. HD 21-HD/BTCTW
§II.6 says that a collective or individual is rated only once the review is done, and that one absent or not yet
rated is reviewed and rated as early as possible: so the first way is always the ordinary one (remind the member,
reopen, vote again). When it cannot be, the authority (states.py):

- decides the level without a passed proposal (`review_decide_unproposed`): for a draft once the self-review
  deadline has passed (the member refused or did not write it, and the meeting reviewed them without it), for a
  submitted review once its proposal failed the vote. A written reason is always required; the quota, the head
  rule and the engine's own limits apply as to any decision (decisions.py). Without a self-review the level is at
  most HT (`WITHOUT_SELF_REVIEW_MAX`): the regulations rate on the review, and none says what a refusal earns —
  UNCONFIRMED, documented in docs/reviews.md;
- takes a member's review out of the period (`review_exclude`) when it cannot be completed in it — long illness,
  work or study far away — with its reason: the review stays, in state «excluded», linked to an `Exclusion` like
  the ones opening.py writes, so that the omission and synthesis reports count it as not reviewed with a reason
  (not an omission) and no quota counts it. `review_reinstate` undoes it.

The secretary's part: the meeting page says what to do after a failed vote, and `review_refer` asks the authority
to decide (a notice to those who decide, audited).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from danhgia.accounts.permissions import Perm
from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.lib.dates import today as local_today
from danhgia.reviews import decisions, meetings, notify, states
from danhgia.reviews.models import (
    EXCLUDABLE_KINDS,
    LEVEL_ORDER,
    Decision,
    DecisionKind,
    Exclusion,
    Proposal,
    Review,
    ReviewState,
)
from danhgia.reviews.services import LEVELS, _not_own

if TYPE_CHECKING:
    from danhgia.accounts.models import User

# Without a submitted self-review there is nothing the rules can rate (R2025's conditions are points and tasks):
# the authority may record HT or KHT, not a level the review would have had to show.
WITHOUT_SELF_REVIEW_MAX = "HT"
# Why a member's review is taken out of the period (Exclusion.reason, at most 40 characters).
EXCLUSION_GROUNDS = {
    "illness": "Ốm đau, điều trị dài ngày",
    "away": "Công tác, học tập xa dài ngày",
    "other": "Lý do khác",
}
EXCLUSION_BASIS = "HD 21-HD/BTCTW mục II.6; quyết định của cấp có thẩm quyền"


def failed_proposal(review: Review) -> Proposal | None:
    """The meeting's proposal, if it was voted on and failed (the review is then back to submitted)."""
    if review.state != ReviewState.SUBMITTED:
        return None
    proposal = Proposal.objects.filter(review=review).select_related("meeting").first()
    return proposal if proposal is not None and not proposal.passed else None


def ground(review: Review, today: dt.date | None = None) -> str:
    """Why the review cannot reach a passed proposal, for the record; a ValidationError, naming what to do
    instead, when it still can."""
    today = today or local_today()
    if review.state == ReviewState.DRAFT:
        phase = review.period.phases.filter(code="self_review").first()
        if phase is not None and phase.deadline >= today:
            raise ValidationError(
                {
                    "level": f"Chưa hết hạn tự kiểm điểm ({phase.deadline:%d/%m/%Y}): hãy nhắc "
                    f"{review.subject_name} nộp bản kiểm điểm."
                }
            )
        due = f" (hạn {phase.deadline:%d/%m/%Y})" if phase is not None else ""
        return f"Không nộp bản tự kiểm điểm{due}"
    if review.state == ReviewState.SUBMITTED:
        proposal = failed_proposal(review)
        if proposal is None:
            raise ValidationError(
                {"level": f"{review.subject_name} chưa được hội nghị biểu quyết: hãy ghi đề xuất ở hội nghị kiểm điểm."}
            )
        return (
            f"Hội nghị biểu quyết đề xuất mức {proposal.level} không đạt (tán thành {proposal.votes_for}/"
            f"{meetings.counted(proposal.meeting)} đảng viên được tính)"
        )
    states.next_state(review, "decide_unproposed", field="level")  # says why, in the state machine's words
    return ""


def is_stuck(review: Review, today: dt.date | None = None) -> bool:
    """Whether the authority may decide the review without a passed proposal now."""
    if not states.allowed(review, "decide_unproposed"):
        return False
    try:
        ground(review, today)
    except ValidationError:
        return False
    return True


def review_decide_unproposed(*, review: Review, level: str, reason: str, actor: User | None) -> Decision:
    """Decide a stuck review with a written reason; every check of a decision applies (decisions.decide)."""
    review = Review.objects.select_related("period", "person", "unit", "context").get(pk=review.pk)
    states.next_state(review, "decide_unproposed", field="level")
    _not_own(review, actor, "level")
    why = ground(review)
    errors: dict[str, str] = {}
    if level not in LEVELS:
        errors["level"] = "Hãy chọn mức xếp loại."
    elif review.state == ReviewState.DRAFT and LEVEL_ORDER[level] > LEVEL_ORDER[WITHOUT_SELF_REVIEW_MAX]:
        errors["level"] = (
            f"Không có bản tự kiểm điểm: chỉ xếp được tối đa mức {WITHOUT_SELF_REVIEW_MAX} "
            "(không có căn cứ để xếp mức cao hơn)."
        )
    if not reason.strip():
        errors["reason"] = "Hãy ghi lý do của cấp có thẩm quyền khi quyết định không có đề xuất được thông qua."
    if errors:
        raise ValidationError(errors)
    made = decisions.decide(
        reviews=[review],
        levels={review.pk: level},
        reasons={review.pk: f"{why}. {reason.strip()}"},
        actor=actor,
        kind=DecisionKind.UNPROPOSED,
        stuck=frozenset({review.pk}),
    )
    return made[0]


def _locked(review: Review) -> Review:
    locked = Review.objects.select_for_update(of=("self",)).select_related("period", "person", "context")
    return locked.get(pk=review.pk)


@transaction.atomic
def review_exclude(*, review: Review, ground: str, note: str, actor: User | None) -> Exclusion:
    """Take a member's review out of the period, with its reason; audited, the member and the cell told."""
    review = _locked(review)
    states.next_state(review, "exclude", field="ground")
    _not_own(review, actor, "ground")
    errors: dict[str, str] = {}
    if review.kind not in EXCLUDABLE_KINDS or review.person_id is None:
        errors["ground"] = (
            f"{review.subject_name}: chỉ bản kiểm điểm của đảng viên mới cho không xếp loại trong kỳ; "
            "với cán bộ lãnh đạo, tập thể, tổ chức, hãy quyết định khi không có đề xuất được thông qua."
        )
    elif ground not in EXCLUSION_GROUNDS:
        errors["ground"] = "Hãy chọn lý do không xếp loại."
    if not note.strip():
        errors["note"] = "Hãy ghi rõ lý do, căn cứ (ví dụ: nằm viện từ tháng 9, có giấy xác nhận)."
    person_id = review.person_id
    if errors or person_id is None:
        raise ValidationError(errors)
    if Exclusion.objects.filter(period=review.period, person_id=person_id).exists():
        raise ValidationError({"ground": f"{review.subject_name} đã có trong danh sách không kiểm điểm của kỳ."})
    old_state = review.state
    review.state = ReviewState.EXCLUDED
    review.save(update_fields=["state"])
    exclusion = Exclusion.objects.create(
        period=review.period,
        person_id=person_id,
        unit=review.context,
        reason=EXCLUSION_GROUNDS[ground],
        basis=EXCLUSION_BASIS,
        review=review,
        note=note.strip(),
        decided_by=actor if actor is not None and actor.pk else None,
        decided_at=timezone.now(),
    )
    record(
        actor=actor,
        action=Action.REVIEW_EXCLUDED,
        target=review,
        unit=review.context,
        old={"state": old_state},
        new={"state": review.state, "reason": exclusion.reason, "note": exclusion.note},
    )
    notify.notify(
        [*notify.subject_users(review), *notify.managers_of(review.context)],
        f"{review.subject_name} không xếp loại trong {review.period.name}: {exclusion.reason}.",
        reverse("reviews-detail", args=[review.pk]),
    )
    return exclusion


@transaction.atomic
def review_reinstate(*, review: Review, note: str, actor: User | None) -> Review:
    """Bring an excluded review back into the period, as a draft to complete (audited; the exclusion is removed)."""
    review = _locked(review)
    new_state = states.next_state(review, "reinstate", field="note")
    _not_own(review, actor, "note")
    if not note.strip():
        raise ValidationError({"note": "Hãy ghi lý do đưa trở lại kỳ kiểm điểm."})
    exclusion = Exclusion.objects.filter(review=review).first()
    old = {"state": review.state, "reason": getattr(exclusion, "reason", ""), "note": getattr(exclusion, "note", "")}
    if exclusion is not None:
        exclusion.delete()
    review.state = new_state
    review.save(update_fields=["state"])
    record(
        actor=actor,
        action=Action.REVIEW_REINSTATED,
        target=review,
        unit=review.context,
        old=old,
        new={"state": review.state, "note": note.strip()},
    )
    notify.notify(
        [*notify.subject_users(review), *notify.managers_of(review.context)],
        f"{review.subject_name} được đưa trở lại {review.period.name}: hãy hoàn thành bản tự kiểm điểm.",
        reverse("reviews-detail", args=[review.pk]),
    )
    return review


@transaction.atomic
def review_refer(*, review: Review, note: str, actor: User | None) -> int:
    """After a failed vote, the secretary asks the competent authority to decide; returns how many were told."""
    review = Review.objects.select_related("period", "person", "unit", "context", "authority").get(pk=review.pk)
    _not_own(review, actor, "note")
    proposal = failed_proposal(review)
    if proposal is None:
        raise ValidationError(
            {"note": f"{review.subject_name}: chỉ đề nghị cấp có thẩm quyền quyết định khi biểu quyết không đạt."}
        )
    deciders = notify.managers_of(review.authority, Perm.REVIEWS_DECIDE, levels_up=0)
    text = (
        f"Đề nghị quyết định: {review.subject_name} ({review.context.name}) — biểu quyết đề xuất mức "
        f"{proposal.level} không đạt."
    )
    if note.strip():
        text += f" {note.strip()}"
    told = notify.notify(deciders, text, reverse("reviews-detail", args=[review.pk]))
    record(
        actor=actor,
        action=Action.REVIEW_REFERRED,
        target=review,
        unit=review.context,
        new={"authority": review.authority.name, "proposal": proposal.level, "note": note.strip(), "told": told},
    )
    return told
