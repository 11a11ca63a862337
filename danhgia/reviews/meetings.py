"""The review meeting of a cell or collective, and the proposed level of each subject with its vote.

A proposal passes as a resolution of a party body does: when the votes in favour are more than half of the
members counted (Charter Art. 9, concretised by QĐ 24-QĐ/TW §9.3; kept by QĐ 294 — UNCONFIRMED). The
members not counted in the denominator are categories, listed below as data.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.lib.forms import MAX_COUNT
from danhgia.lib.numbers import number
from danhgia.orgs.models import Unit
from danhgia.periods.models import Period
from danhgia.reviews import states
from danhgia.reviews.models import Meeting, Proposal, Review, ReviewState
from danhgia.reviews.services import LEVELS, _not_own, departs

if TYPE_CHECKING:
    from danhgia.accounts.models import User

# Members not counted when the majority is computed (QĐ 24-QĐ/TW §9.3, P4 in rules-2025.md).
VOTE_EXCLUSIONS = {
    "tam_thoi": "Đang sinh hoạt đảng tạm thời ở nơi khác",
    "mien_vang": "Được miễn công tác và sinh hoạt đảng, vắng mặt",
    "dinh_chi": "Bị đình chỉ sinh hoạt đảng",
    "truy_to": "Đang bị khởi tố, truy tố, tạm giam",
    "vang_co_ly_do": "Vắng mặt cả buổi có lý do được cấp ủy đồng ý",
}
BASIS = "Điều lệ Đảng Điều 9; QĐ 24-QĐ/TW mục 9.3"


def counted(meeting: Meeting) -> int:
    """The members counted in the majority's denominator: those summoned less the excluded categories."""
    return max(0, meeting.summoned - sum(int(v) for v in (meeting.excluded or {}).values()))


def passes(votes_for: int, meeting: Meeting) -> bool:
    """More than half of the members counted vote in favour."""
    return votes_for * 2 > counted(meeting)


@transaction.atomic
def meeting_record(
    *,
    period: Period,
    unit: Unit,
    held_on: dt.date,
    chaired_by: str,
    summoned: int,
    present: int,
    actor: User | None,
    excluded: dict[str, int] | None = None,
    minutes: str = "",
    secretary: str = "",
    place: str = "",
    starts_at: dt.time | None = None,
    ends_at: dt.time | None = None,
) -> Meeting:
    """Record (or correct) the meeting of a cell or collective; its proposals are then recorded one by one."""
    excluded = {k: int(v) for k, v in (excluded or {}).items() if int(v or 0)}
    unknown = set(excluded) - set(VOTE_EXCLUSIONS)
    if unknown:
        raise ValidationError({"excluded": f"Loại không tính vào tổng số không hợp lệ: {', '.join(sorted(unknown))}."})
    if not 0 < summoned <= MAX_COUNT:
        most = number(MAX_COUNT, vietnamese=True)
        raise ValidationError({"summoned": f"Số đảng viên được triệu tập phải từ 1 đến {most}."})
    if not 0 <= present <= summoned:
        raise ValidationError({"present": f"Số có mặt phải từ 0 đến số được triệu tập ({summoned})."})
    if any(v < 0 for v in excluded.values()) or sum(excluded.values()) > summoned:
        raise ValidationError({"excluded": "Số không tính vào tổng số không hợp lệ."})
    if held_on < period.starts_on or held_on > timezone.localdate():
        raise ValidationError({"held_on": f"Ngày họp phải từ {period.starts_on:%d/%m/%Y} đến hôm nay."})
    if not chaired_by.strip():
        raise ValidationError({"chaired_by": "Hãy ghi người chủ trì hội nghị."})
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": f"Giờ kết thúc phải sau giờ bắt đầu ({starts_at:%H:%M})."})
    meeting = Meeting.objects.select_for_update().filter(period=period, unit=unit).first()
    old = None
    if meeting is None:
        meeting = Meeting(period=period, unit=unit)
    else:
        old = {"held_on": meeting.held_on, "summoned": meeting.summoned, "present": meeting.present}
    meeting.held_on, meeting.chaired_by = held_on, chaired_by.strip()[:120]
    meeting.summoned, meeting.present, meeting.excluded = summoned, present, excluded
    meeting.minutes, meeting.recorded_by = minutes.strip(), actor
    meeting.secretary, meeting.place = secretary.strip()[:120], place.strip()[:200]
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.save()
    record(
        actor=actor,
        action=Action.MEETING_RECORDED,
        target=meeting,
        unit=unit,
        old=old,
        new={
            "held_on": held_on,
            "summoned": summoned,
            "present": present,
            "excluded": excluded,
            "chaired_by": meeting.chaired_by,
            "secretary": meeting.secretary,
        },
    )
    return meeting


@transaction.atomic
def proposal_record(
    *,
    meeting: Meeting,
    review: Review,
    level: str,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    actor: User | None,
    comment: str = "",
) -> Proposal:
    """The meeting's proposed level for one subject. Adopted only if the vote passes."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.context_id != meeting.unit_id or review.period_id != meeting.period_id:
        raise ValidationError({"review": f"{review.subject_name} không kiểm điểm tại hội nghị này."})
    _not_own(review, actor, "level")
    if review.state == ReviewState.DRAFT:
        raise ValidationError({"level": f"{review.subject_name} chưa nộp bản kiểm điểm: chưa đề xuất được."})
    states.next_state(review, "propose", field="level")
    if level not in LEVELS:
        raise ValidationError({"level": "Hãy chọn mức đề xuất."})
    votes = {"votes_for": votes_for, "votes_against": votes_against, "votes_abstain": votes_abstain}
    for name, value in votes.items():
        if value < 0:
            raise ValidationError({name: "Số phiếu không thể âm."})
    if sum(votes.values()) > meeting.present:
        raise ValidationError(
            {"votes_for": f"Tổng số phiếu ({sum(votes.values())}) lớn hơn số có mặt ({meeting.present})."}
        )
    if departs(level, review.self_level) and not comment.strip():
        raise ValidationError({"comment": f"Mức {level} khác mức tự đánh giá ({review.self_level}): hãy ghi rõ lý do."})
    passed = passes(votes_for, meeting)
    proposal = Proposal.objects.filter(review=review).first() or Proposal(review=review)
    old: dict[str, Any] | None = None if proposal.pk is None else {"level": proposal.level, "passed": proposal.passed}
    proposal.meeting, proposal.level, proposal.comment, proposal.passed = meeting, level, comment.strip(), passed
    proposal.votes_for, proposal.votes_against, proposal.votes_abstain = votes_for, votes_against, votes_abstain
    proposal.save()
    if passed:
        review.proposed_level, review.state = level, ReviewState.PROPOSED
    else:
        review.proposed_level, review.state = "", ReviewState.SUBMITTED
    review.save(update_fields=["proposed_level", "state"])
    record(
        actor=actor,
        action=Action.PROPOSAL_RECORDED,
        target=review,
        unit=review.context,
        old=old,
        new={"level": level, **votes, "counted": counted(meeting), "passed": passed},
    )
    return proposal
