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

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from danhgia.reviews.models import Review, ReviewState

S = ReviewState

# The sets of states the rules speak of (code elsewhere names them, never lists states; pages ask the review's
# properties or its rights).
# Before the meeting's proposal a review's level is a forecast: it cannot be decided and takes no quota place; a
# stuck one is decided without a proposal or taken out of the period from here.
BEFORE_PROPOSAL = frozenset({S.DRAFT, S.SUBMITTED})
# The meeting records its proposal and vote, again until the review is appraised or decided.
PROPOSABLE = frozenset({S.SUBMITTED, S.PROPOSED})
# Proposed (and perhaps appraised): the competent authority decides; the appraisal may be recorded again.
DECIDABLE = frozenset({S.PROPOSED, S.APPRAISED})
# Decided, or decided and under complaint: the level stands (a correction is a new decision), facts are final.
LOCKED = frozenset({S.DECIDED, S.COMPLAINED})
# Taken out of the period (exclude): in no step's work, never late, never an omission, outside every quota.
OUT_OF_PERIOD = frozenset({S.EXCLUDED})

ACTIONS: dict[str, tuple[frozenset[str], str, str]] = {
    # action: (from states, to state, what it is called in messages)
    "submit": (frozenset({S.DRAFT}), S.SUBMITTED, "nộp bản kiểm điểm"),
    "reopen": (frozenset({S.SUBMITTED}), S.DRAFT, "mở lại bản kiểm điểm"),
    "propose": (PROPOSABLE, S.PROPOSED, "ghi đề xuất của hội nghị"),
    "appraise": (DECIDABLE, S.APPRAISED, "thẩm định"),
    "decide": (DECIDABLE, S.DECIDED, "quyết định xếp loại"),
    "complain": (frozenset({S.DECIDED}), S.COMPLAINED, "khiếu nại"),
    "uphold": (frozenset({S.COMPLAINED}), S.DECIDED, "giữ nguyên kết quả"),
    "redecide": (frozenset({S.COMPLAINED}), S.DECIDED, "quyết định lại"),
    "decide_unproposed": (BEFORE_PROPOSAL, S.DECIDED, "quyết định xếp loại khi không có đề xuất được thông qua"),
    "exclude": (BEFORE_PROPOSAL, S.EXCLUDED, "cho không xếp loại trong kỳ"),
    "reinstate": (OUT_OF_PERIOD, S.DRAFT, "đưa trở lại kỳ kiểm điểm"),
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


# ---------------------------------------------------------------------------------------------- phases' progress
# A phase's status follows the work, not only its dates: meetings held before the meeting step's start date make it
# "under way", and a step every review has gone through is "finished" («Họp kiểm điểm: Chưa đến» was shown while
# 284 reviews were decided). For each step that moves reviews, the states a review is in once it has gone through it.
REACHED: dict[str, frozenset[str]] = {
    "self_review": frozenset({S.SUBMITTED}) | DECIDABLE | LOCKED,
    "meeting": DECIDABLE | LOCKED,
    # Optional (a proposal may go straight to the decision): a decided review is past it.
    "appraisal": frozenset({S.APPRAISED}) | LOCKED,
    "decision": LOCKED,
    # The result is notified when decided; a complaint keeps the review in this step until it is settled.
    "notification": frozenset({S.DECIDED}),
}
# Steps whose reviews left behind after the deadline are overdue (the appraisal is optional; the notification is
# sent by the decision itself; complaints have their own time limit).
OVERDUE_STEPS = frozenset({"self_review", "meeting", "decision"})


@dataclass(frozen=True)
class PhaseProgress:
    """Where a phase stands: `status` is done (marked done), finished (every review has gone through it before
    its deadline), running (in its dates, or begun before them), late (its deadline passed with reviews left
    behind, or none opened for a step that needs them), past (its deadline passed, nothing left behind) or
    upcoming. `reached` of `total` reviews have gone through it (0 of 0 for a step that moves no reviews)."""

    status: str
    reached: int = 0
    total: int = 0

    @property
    def behind(self) -> int:
        return self.total - self.reached


def phase_progress(phase: Any, states: Mapping[str, int], today: dt.date) -> PhaseProgress:
    """The progress of `phase` (a Phase: code, starts_on, deadline, done_on) given how many reviews in view are in
    each state (`states`) on `today`."""
    if phase.done_on:
        return PhaseProgress("done")
    reached_states = REACHED.get(phase.code)
    total = sum(n for state, n in states.items() if state not in OUT_OF_PERIOD) if reached_states is not None else 0
    reached = sum(n for state, n in states.items() if state in reached_states) if reached_states else 0
    if total and reached == total:
        return PhaseProgress("past" if phase.deadline < today else "finished", reached, total)
    if phase.deadline < today:  # reviews left behind (or none opened) for a step that needs them: overdue
        return PhaseProgress("late" if phase.code in OVERDUE_STEPS else "past", reached, total)
    if phase.starts_on <= today or reached:
        return PhaseProgress("running", reached, total)
    return PhaseProgress("upcoming", reached, total)
