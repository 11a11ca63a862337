"""The 20 % quota: three bases, two roundings, order of candidates, ties, overrides (case-format.md)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from danhgia.rules import quota
from tests.rules.helpers import run


@pytest.mark.parametrize(
    ("base", "expected"),
    [("htt_final", 16), ("htt_proposed", 14), ("htt_or_above", 20)],
)
def test_the_worked_example_of_the_case_format(base, expected):
    # H = 70, C = 30, rate 0.2, floor: htt_final keeps 16 (16 ≤ 0.2 × 84 = 16.8; 17 > 0.2 × 83 = 16.6).
    cap = quota.cap(base=base, rate=Fraction(1, 5), htt=70, candidates=30, rounding="floor")
    assert min(30, cap) == expected


def test_rounding_half_up_and_exact_arithmetic():
    assert quota.cap(base="htt_proposed", rate=quota.exact(0.2), htt=12, candidates=5, rounding="floor") == 2
    assert quota.cap(base="htt_proposed", rate=quota.exact(0.2), htt=13, candidates=5, rounding="half_up") == 3
    # 0.2 × 85 is exactly 17: no float error may lose one.
    assert quota.cap(base="htt_proposed", rate=quota.exact(0.2), htt=85, candidates=30, rounding="floor") == 17


def test_small_groups_get_nothing_under_floor_unless_a_minimum_is_set():
    assert quota.cap(base="htt_final", rate=Fraction(1, 5), htt=3, candidates=2, rounding="floor") == 0
    assert quota.cap(base="htt_final", rate=Fraction(1, 5), htt=3, candidates=2, rounding="floor", min_cap=1) == 1


CRITERIA = [{"code": "T", "group": "task", "grade": "xuat_sac"}, {"code": "G", "group": "general", "grade": "tot"}]
# Every task on time, 60 % exceeded: the conditions of HTXS are checked against facts (no «unverified» warning).
TARGETS = {"total": 10, "completed": 10, "on_time": 10, "exceeded": 6}


def group_case(n_htxs: int, n_htt: int, **extra: Any) -> dict[str, Any]:
    """Subjects that reach HTXS (criteria all good) — the last n_htt held at HTT by their proposal."""
    subjects = [{"id": f"x{i:02d}", "kind": "member", "group": "g", "rank": 100 - i, "criteria": CRITERIA,
                  "targets": TARGETS}
                for i in range(n_htxs)]  # fmt: skip
    subjects += [{"id": f"t{i:02d}", "kind": "member", "group": "g", "proposed": "HTT", "criteria": CRITERIA,
                  "targets": TARGETS}
                 for i in range(n_htt)]  # fmt: skip
    return {
        "regime": "R2023",
        "year": 2023,
        "groups": [{"id": "g", **extra.pop("group", {})}],
        "subjects": subjects,
        **extra,
    }


def test_the_best_ranked_candidates_keep_htxs_and_the_rest_say_why():
    out = run(group_case(30, 70))
    q = out["quota"][0]
    assert (q["candidates"], q["htt"], q["granted"], q["cap"]) == (30, 70, 16, 16)
    levels = {r["id"]: r["level"] for r in out["results"]}
    assert [levels[f"x{i:02d}"] for i in range(30)] == ["HTXS"] * 16 + ["HTT"] * 14
    assert q["downgraded"] == [f"x{i:02d}" for i in range(16, 30)]
    capped = next(r for r in out["results"] if r["id"] == "x20")
    assert capped["reasons"][-1] == {
        "rule": "quota",
        "effect": "HTXS→HTT",
        "text": "Vượt tỷ lệ 20% của nhóm «g»",
        "source": "QĐ 124-QĐ/TW Điều 12 [S38]",
    }
    assert capped["quota_position"] == 21


def test_file_level_and_group_level_quota():
    assert run(group_case(30, 70, quota={"base": "htt_or_above"}))["quota"][0]["granted"] == 20
    out = run(group_case(30, 70, quota={"base": "htt_or_above"}, group={"quota": {"base": "htt_proposed"}}))
    assert out["quota"][0]["granted"] == 14
    out = run(group_case(30, 70, group={"quota": None}))
    assert all(r["level"] in {"HTXS", "HTT"} for r in out["results"])
    uncapped = out["quota"][0]  # the group is echoed, with no rate and nobody downgraded
    assert (uncapped["rate"], uncapped["cap"], uncapped["granted"], uncapped["downgraded"]) == (None, None, 30, [])


def test_the_25_percent_exception_is_a_recorded_decision():
    out = run(group_case(30, 70, group={"quota": {"rate": 0.25, "decided_by": "BTV Đảng ủy xã", "reason": "Xuất sắc"}}))
    q = out["quota"][0]
    assert q["rate"] == 0.25 and q["decided_by"] == "BTV Đảng ủy xã" and q["granted"] == 20
    assert out["warnings"] == []
    unsigned = run(group_case(30, 70, group={"quota": {"rate": 0.25}}))
    assert any("không ghi người quyết định" in w for w in unsigned["warnings"])


def test_a_rate_above_the_regulation_is_flagged_as_a_what_if():
    case = group_case(30, 70, group={"quota": {"rate": 0.3}})
    case["regime"], case["year"] = "R2025", 2025
    for s in case["subjects"]:
        s["score"] = {"general": 30, "task": 70}
    out = run(case)
    assert any("vượt mức tối đa 0.25" in w for w in out["warnings"])


def test_ties_at_the_cutoff_are_flagged_for_a_human_choice():
    case = group_case(3, 10)
    for s in case["subjects"][:3]:
        s["rank"] = 5
    out = run(case)
    q = out["quota"][0]
    assert q["granted"] == 2 and q["tie_at_cutoff"] is True
    assert q["downgraded"] == ["x02"]  # ties broken by id, deterministically
    assert any("bằng hạng" in w for w in out["warnings"])


def test_unranked_candidates_come_after_ranked_ones():
    case = group_case(3, 10)
    case["subjects"][0]["rank"] = None
    out = run(case)
    assert out["quota"][0]["downgraded"] == ["x00"]


def test_not_rated_subjects_do_not_count_in_the_base():
    base = run(group_case(5, 20))["quota"][0]["granted"]
    case = group_case(5, 20)
    case["subjects"] += [{"id": f"e{i}", "kind": "member", "group": "g", "status": {"exempt": True}} for i in range(30)]
    assert run(case)["quota"][0]["granted"] == base


def test_unconfirmed_defaults_are_reported_in_the_output():
    out = run(group_case(2, 10))
    assert out["options"]["quota_base"] == {
        "value": "htt_final",
        "unconfirmed": True,
        "note": out["options"]["quota_base"]["note"],
    }
    assert out["quota"][0]["unconfirmed"] == ["base", "rounding", "min_cap"]
    chosen = run(group_case(2, 10, quota={"base": "htt_final", "rounding": "floor"}, options={"min_cap": 0}))
    assert "unconfirmed" not in chosen["quota"][0]
