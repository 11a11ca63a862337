"""Missing facts never produce a level (case-format.md: "a rule whose facts are missing does not fire, and the
result lists it under `missing`").

Imported and past data carry few facts, and the screening lists must never list a member for a KHT that came from
absent data: a missing fact can neither lower nor fix a level. The level a subject gets without facts is the one
the proposal, the body headed and the quota give; the conditions of that level that could not be checked are in
`unverified`, and a warning names the subjects, for the competent authority to look at.
"""

from __future__ import annotations

from typing import Any

import pytest

from danhgia.rules.case import decode
from danhgia.rules.engine import classify
from danhgia.rules.regimes import Regime
from danhgia.rules.rulebook import KINDS, compile_rulebook
from tests.rules.helpers import YEAR, run

LEVELS = ("HTXS", "HTT", "HT", "KHT")
REGIMES = ("R2018", "R2023", "R2025")


def gates(regime: str, kind: str, level: str) -> set[str]:
    """The ids of the conditions a level of this kind of subject rests on under a regime."""
    from danhgia.rules import levels

    compiled = compile_rulebook(Regime(regime))
    return {r.id for r in compiled.by_kind[kind].gates[levels.BY_NAME[level]]}


def bare(sid: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"id": sid, "kind": kind, **fields}


def case(regime: str, *subjects: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"regime": regime, "year": YEAR[regime], "subjects": list(subjects), **extra}


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("kind", KINDS)
def test_a_subject_with_nothing_recorded_is_neither_kht_nor_left_without_a_level(regime, kind):
    out = run(case(regime, bare("s", kind)))
    result = out["results"][0]
    assert result["rated"] is True
    assert (result["level"], result["eligible"]) == ("HTXS", "HTXS")
    assert not result.get("needs_decision")
    assert result["reasons"] == []  # nothing lowered or fixed it
    assert set(result.get("unverified") or []) == gates(regime, kind, "HTXS")
    assert set(result.get("unverified") or []) <= set(result["missing"])
    if result.get("unverified"):
        assert any("chưa được kiểm chứng" in w and "s" in w.split(": ")[-1].split(", ") for w in out["warnings"])


@pytest.mark.parametrize("regime", REGIMES)
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("proposed", LEVELS)
def test_with_only_a_proposal_the_level_is_the_proposal_and_its_own_conditions_are_unverified(regime, kind, proposed):
    result = run(case(regime, bare("s", kind, proposed=proposed)))["results"][0]
    assert result["level"] == proposed
    expected = gates(regime, kind, proposed) if proposed != "KHT" else set()
    assert set(result.get("unverified") or []) == expected


@pytest.mark.parametrize("regime", REGIMES)
def test_the_quota_works_on_cases_with_only_proposal_and_rank(regime):
    # 5 proposed HTXS, 5 HTT: htt_final floor keeps k with k ≤ 0.2 × (5 + 5 − k): k = 1.
    subjects = [bare(f"x{i}", "member", group="g", proposed="HTXS", rank=10 - i) for i in range(5)]
    subjects += [bare(f"t{i}", "member", group="g", proposed="HTT", rank=1) for i in range(5)]
    out = run(case(regime, *subjects, groups=[{"id": "g"}]))
    levels = {r["id"]: r["level"] for r in out["results"]}
    assert [levels[f"x{i}"] for i in range(5)] == ["HTXS", "HTT", "HTT", "HTT", "HTT"]
    assert out["quota"][0]["granted"] == 1 and out["quota"][0]["downgraded"] == ["x1", "x2", "x3", "x4"]
    capped = next(r for r in out["results"] if r["id"] == "x3")
    assert capped["reasons"][-1]["rule"] == "quota"
    # Capped to HTT by the quota: the conditions checked are HTT's.
    assert set(capped.get("unverified") or []) == gates(regime, "member", "HTT")


@pytest.mark.parametrize("regime", REGIMES)
def test_the_head_is_not_above_the_body_on_cases_with_only_proposals(regime):
    body = bare("cell", "party_org", proposed="HTT")
    head = bare("secretary", "leader", heads="cell", proposed="HTXS")
    out = run(case(regime, head, body))
    levels = {r["id"]: r["level"] for r in out["results"]}
    assert levels == {"cell": "HTT", "secretary": "HTT"}


def test_a_head_whose_body_has_no_level_is_unverified_for_the_head_rule():
    body = bare("cell", "party_org", status={"joined_on": "2025-10-01"})  # founded recently: not rated
    head = bare("secretary", "leader", heads="cell", proposed="HTT")
    result = next(r for r in run(case("R2025", head, body))["results"] if r["id"] == "secretary")
    assert result["level"] == "HTT" and "R23" in result["unverified"]


def test_a_condition_failing_on_facts_still_lowers_and_is_not_unverified():
    # 85 points, everything else present and good: HTXS fails on the score (a fact), HTT holds.
    member = {
        "id": "m",
        "kind": "member",
        "score": {"general": 27, "task": 58},
        "targets": {"total": 10, "completed": 10, "on_time": 10, "exceeded": 5},
        "shortcomings": {"identified": 0, "remedied": 0},
    }
    result = run(case("R2025", member))["results"][0]
    assert result["level"] == "HTT" and not result.get("unverified")
    assert [r["rule"] for r in result["reasons"]] == ["R59-score"]


def test_a_level_partly_checked_names_only_the_conditions_without_facts():
    # The score is there (95) but no task list: HTXS rests on the score (checked) and the tasks (not checked).
    member = {"id": "m", "kind": "member", "score": {"general": 28, "task": 67}}
    result = run(case("R2025", member))["results"][0]
    assert result["level"] == "HTXS"
    assert set(result["unverified"]) == {"R59-remedied", "R62-on-time", "R62-exceeded"}
    assert "R59-score" not in result["unverified"]


def test_unverified_is_absent_when_everything_was_checked():
    from tests.rules.helpers import one

    for regime in REGIMES:
        for kind in KINDS:
            assert "unverified" not in one(regime, kind), (regime, kind)


def test_a_local_rule_may_not_ask_a_missing_fact_to_fail_a_level():
    local = {
        "id": "L1", "applies_to": ["member"], "check": "score_at_least", "params": {"threshold": 95},
        "effect": "requires:HTXS", "description": "95 điểm", "source": "Tỉnh", "required": True,
    }  # fmt: skip
    from danhgia.rules.case import CaseError

    with pytest.raises(CaseError) as refused:
        classify(decode(_encode(case("R2025", bare("m", "member"), local_rules=[local]))))
    assert refused.value.path == "local_rules[0].required"


def _encode(data: dict[str, Any]) -> bytes:
    import msgspec

    return msgspec.json.encode(data)
