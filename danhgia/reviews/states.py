"""The states of a review and the actions that move it: the one place that says what may happen when.

    draft ──submit──▶ submitted ──propose──▶ proposed ──appraise──▶ appraised
      ▲                  │                      │                      │
      └─────reopen───────┘                      └────────decide────────┴──▶ decided ──complain──▶ complained
                                                                                 ▲                     │
                                                                                 └──uphold / redecide──┘
    draft, submitted ──decide_unproposed──▶ decided      (no self-review by its deadline; the vote failed)
    draft, submitted ──exclude──▶ excluded ──reinstate──▶ draft

A proposal can be recorded again until the review is appraised or decided; an appraisal until decided. A vote
that fails leaves the review submitted: the meeting votes again or on another level.

Stuck reviews (stuck.py), the competent authority's way out, each with a written reason and audited:
- decide_unproposed: a draft whose self-review deadline has passed, or a submitted review whose proposal failed
  the vote, is decided without a passed proposal (the quota and the head rule still apply);
- exclude: a member's review that cannot be completed (long illness, work far away …) is taken out of the period:
  not rated, not an omission, outside every quota; reinstate undoes it (back to draft).
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
    "decide_unproposed": (
        frozenset({S.DRAFT, S.SUBMITTED}),
        S.DECIDED,
        "quyết định xếp loại khi không có đề xuất được thông qua",
    ),
    "exclude": (frozenset({S.DRAFT, S.SUBMITTED}), S.EXCLUDED, "cho không xếp loại trong kỳ"),
    "reinstate": (frozenset({S.EXCLUDED}), S.DRAFT, "đưa trở lại kỳ kiểm điểm"),
}


def allowed(review: Review, action: str) -> bool:
    return review.state in ACTIONS[action][0]


def next_state(review: Review, action: str, *, field: str = "state") -> str:
    """The state after `action`, or a ValidationError saying, in Vietnamese, why the action is not possible now."""
    sources, target, label = ACTIONS[action]
    if review.state not in sources:
        current = ReviewState(review.state).label.lower()
        raise ValidationError({field: f"Không thể {label} cho {review.subject_name}: bản kiểm điểm {current}."})
    return target
