"""Building small cases for the engine's tests."""

from __future__ import annotations

import copy
from typing import Any

import msgspec

from danhgia.rules.case import decode
from danhgia.rules.engine import classify

YEAR = {"R2018": 2020, "R2023": 2023, "R2025": 2025}

# Subjects that reach HTXS under each regime unless a test changes something.
_GOOD_2025: dict[str, Any] = {
    "score": {"general": 28, "task": 65},
    "targets": {"total": 10, "completed": 10, "on_time": 10, "exceeded": 4, "key_targets_met": True},
    "shortcomings": {"identified": 1, "remedied": 1},
    "status": {"joined_on": "2015-01-01"},
    "findings": {
        "degradation": False,
        "prohibition_violated": False,
        "disunity": False,
        "corruption_in_subordinate": False,
    },
}
_GOOD_CRITERIA = [
    {"code": "T1", "group": "task", "grade": "xuat_sac"},
    {"code": "T2", "group": "task", "grade": "xuat_sac"},
    {"code": "C1", "group": "general", "grade": "tot"},
    {"code": "C2", "group": "general", "grade": "xuat_sac"},
]
_BODY_EXTRA = {
    "subordinates": {"total": 10, "disciplined": 0, "disciplined_self_detected_remedied": 0},
    "leadership_disciplined": {"collective": False, "members": []},
}
_LEADER_EXTRA = {
    "led_units": {"total": 5, "kht": 0, "tasks_completed_share": 1.0, "basic_targets_missed": False},
    "confidence_low_share": 0.1,
}


def good(regime: str, kind: str) -> dict[str, Any]:
    subject: dict[str, Any] = copy.deepcopy(_GOOD_2025)
    if regime != "R2025":
        del subject["score"]
        subject["criteria"] = copy.deepcopy(_GOOD_CRITERIA)
        subject["targets"]["exceeded"] = 6  # R2023 individuals: at least 50 % exceeded for HTXS
    if kind in {"party_org", "collective", "unit"}:
        subject.update(copy.deepcopy(_BODY_EXTRA))
    if kind == "leader":
        subject.update(copy.deepcopy(_LEADER_EXTRA))
    return subject


def merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def run(case: dict[str, Any]) -> dict[str, Any]:
    """Classify a case given as a dict; return the output as plain JSON data."""
    return msgspec.json.decode(msgspec.json.encode(classify(decode(msgspec.json.encode(case)))))


def one(regime: str, kind: str, patch: dict[str, Any] | None = None, **case: Any) -> dict[str, Any]:
    subject = merge(good(regime, kind), patch or {})
    subject.update(id="s-1", kind=kind)
    out = run({"regime": regime, "year": YEAR[regime], "subjects": [subject], **case})
    return out["results"][0]


def rules_in(result: dict[str, Any]) -> list[str]:
    return [r["rule"] for r in result.get("reasons", [])]
