"""The states of a review and the actions that move it: the one place that says what may happen when.

    draft ──submit──▶ submitted ──propose──▶ proposed ──appraise──▶ appraised
      ▲                  │                      │                      │
      └─────reopen───────┘                      └────────decide────────┴──▶ decided ──complain──▶ complained
                                                                                 ▲                     │
                                                                                 └──uphold / redecide──┘

A proposal can be recorded again until the review is appraised or decided; an appraisal until decided.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from danhgia.reviews.models import Review, ReviewState

S = ReviewState

ACTIONS: dict[str, tuple[frozenset[str], str, str]] = {
    # action: (from states, to state, what it is called in messages)
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED, "nộp bản kiểm điểm"),
    "reopen": (frozenset({S.SUBMITTED}), S.DRAFT, "mở lại bản kiểm điểm"),
    "propose": (frozenset({S.SUBMITTED, S.PROPOSED}), S.PROPOSED, "ghi đề xuất của hội nghị"),
    "appraise": (frozenset({S.PROPOSED, S.APPRAISED}), S.APPRAISED, "thẩm định"),
    "decide": (frozenset({S.PROPOSED, S.APPRAISED}), S.DECIDED, "quyết định xếp loại"),
    "complain": (frozenset({S.DECIDED}), S.COMPLAINED, "khiếu nại"),
    "uphold": (frozenset({S.COMPLAINED}), S.DECIDED, "giữ nguyên kết quả"),
    "redecide": (frozenset({S.COMPLAINED}), S.DECIDED, "quyết định lại"),
}


# Before the meeting's proposal a review's level is a forecast: it cannot be decided and takes no quota place.
BEFORE_PROPOSAL = frozenset({S.DRAFT, S.SUBMITTED})


def allowed(review: Review, action: str) -> bool:
    return review.state in ACTIONS[action][0]


def next_state(review: Review, action: str, *, field: str = "state") -> str:
    """The state after `action`, or a ValidationError saying, in Vietnamese, why the action is not possible now."""
    sources, target, label = ACTIONS[action]
    if review.state not in sources:
        current = ReviewState(review.state).label.lower()
        raise ValidationError({field: f"Không thể {label} cho {review.subject_name}: bản kiểm điểm {current}."})
    return target
