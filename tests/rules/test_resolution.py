"""Bodies before their heads, the head-not-above-body rule, linked local rules, and dependency cycles."""

from __future__ import annotations

from typing import Any

import pytest

from danhgia.rules.case import CaseError, decode
from danhgia.rules.engine import classify
from tests.rules.helpers import good, merge, run


def subject(sid: str, kind: str, regime: str = "R2025", **fields: Any) -> dict[str, Any]:
    return {**good(regime, kind), "id": sid, "kind": kind, **fields}


def case(*subjects: dict[str, Any], groups: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    return {"regime": "R2025", "year": 2025, "groups": groups or [], "subjects": list(subjects), **extra}


def levels(out: dict[str, Any]) -> dict[str, str | None]:
    return {r["id"]: r["level"] for r in out["results"]}


def test_a_head_is_capped_by_the_level_of_the_body_they_head():
    cell = subject("cell", "party_org", score={"general": 25, "task": 55})  # 80 points: HTT
    head = subject("secretary", "member", heads="cell")
    out = run(case(head, cell))
    assert levels(out) == {"secretary": "HTT", "cell": "HTT"}
    reason = next(r for r in out["results"] if r["id"] == "secretary")["reasons"][0]
    assert (reason["rule"], reason["effect"]) == ("R23", "HTXS→HTT")
    assert "«cell»" in reason["text"]


def test_a_body_cut_by_its_own_quota_caps_its_head():
    # Five cells in one group: 20 % of HTT allows one HTXS; the head of a capped cell is capped too.
    cells = [subject(f"c{i}", "party_org", group="cells", rank=10 - i) for i in range(2)]
    cells += [subject(f"h{i}", "party_org", group="cells", proposed="HTT") for i in range(8)]
    heads = [subject("head-of-c1", "leader", heads="c1", group="leaders"),
             subject("head-of-c0", "leader", heads="c0", group="leaders")]  # fmt: skip
    out = run(case(*heads, *cells, groups=[{"id": "leaders", "quota": None}, {"id": "cells"}]))
    lv = levels(out)
    assert (lv["c0"], lv["c1"]) == ("HTXS", "HTT")
    assert (lv["head-of-c0"], lv["head-of-c1"]) == ("HTXS", "HTT")


def test_a_body_without_a_level_leaves_its_head_uncapped_and_says_so():
    cell = subject("cell", "party_org", status={"joined_on": "2025-10-01"})  # founded recently: not rated
    out = run(case(subject("head", "member", heads="cell"), cell))
    head = next(r for r in out["results"] if r["id"] == "head")
    assert head["level"] == "HTXS" and "R23" in head["missing"]


def test_a_province_adds_nghe_an_r38_by_configuration():
    r38 = {
        "id": "R38", "applies_to": ["party_org"], "check": "linked_at_least",
        "params": {"link": "same_level", "level": "HTT"}, "effect": "requires:HTXS",
        "description": "Đảng bộ chỉ HTXS khi chính quyền, MTTQ, đoàn thể cùng cấp đạt HTT trở lên",
        "source": "Tỉnh ủy Nghệ An, tiêu chí đánh giá đảng bộ huyện [S53]", "confirmed": True,
    }  # fmt: skip
    committee = subject("dang-bo", "party_org", same_level=["ubnd", "mttq"])
    ubnd = subject("ubnd", "unit")
    mttq = subject("mttq", "unit", score={"general": 20, "task": 35})  # 55 points: HT
    out = run(case(committee, ubnd, mttq, local_rules=[r38]))
    assert levels(out)["dang-bo"] == "HTT"
    reason = next(r for r in out["results"] if r["id"] == "dang-bo")["reasons"][0]
    assert (reason["rule"], reason["effect"], reason["source"]) == ("R38", "HTXS→HTT", r38["source"])
    # Without the local rule, the national rules alone give HTXS.
    assert levels(run(case(committee, ubnd, mttq)))["dang-bo"] == "HTXS"


def test_a_bad_local_rule_is_refused_with_its_path():
    bad: dict[str, Any] = {
        "id": "X1",
        "applies_to": ["member"],
        "check": "no_such_check",
        "effect": "KHT",
        "description": "d",
        "source": "s",
    }
    with pytest.raises(CaseError) as exc:
        classify(decode(_json(case(subject("a", "member"), local_rules=[bad]))))
    assert exc.value.path == "local_rules[0].check" and exc.value.code == "invalid_rule"
    bad = {**bad, "check": "score_below", "params": {"threshold": "high"}}
    with pytest.raises(CaseError) as exc:
        classify(decode(_json(case(subject("a", "member"), local_rules=[bad]))))
    assert exc.value.path == "local_rules[0].params"
    with pytest.raises(CaseError) as exc:
        classify(decode(_json(case(subject("a", "member"), options={"disable_rules": ["R999"]}))))
    assert exc.value.path == "options.disable_rules"


def _json(data: dict[str, Any]) -> bytes:
    import msgspec

    return msgspec.json.encode(data)


def test_a_cycle_of_heads_is_a_clear_error():
    a = subject("unit-a", "unit", heads="unit-b")
    b = subject("unit-b", "unit", heads="unit-a")
    with pytest.raises(CaseError) as exc:
        classify(decode(_json(case(a, b))))
    assert exc.value.code == "head_cycle" and "Vòng phụ thuộc" in exc.value.message


def test_a_cycle_through_groups_is_a_clear_error():
    # Unit u1 (group A) is headed by p2 (group B); unit u2 (group B) is headed by p1 (group A).
    subjects = [
        subject("u1", "unit", group="A"), subject("p1", "leader", heads="u2", group="A"),
        subject("u2", "unit", group="B"), subject("p2", "leader", heads="u1", group="B"),
    ]  # fmt: skip
    with pytest.raises(CaseError) as exc:
        classify(decode(_json(case(*subjects, groups=[{"id": "A"}, {"id": "B"}]))))
    assert exc.value.code == "head_cycle" and "nhóm «A»" in exc.value.message


def test_a_body_and_its_head_in_one_group_cannot_be_ordered():
    subjects = [subject("u1", "unit", group="A"), subject("p1", "leader", heads="u1", group="A")]
    with pytest.raises(CaseError) as exc:
        classify(decode(_json(case(*subjects, groups=[{"id": "A"}]))))
    assert exc.value.path == "subjects[1].heads" and "hãy tách thành hai nhóm" in exc.value.message


def test_heads_must_point_at_a_body():
    with pytest.raises(CaseError) as exc:
        decode(_json(case(subject("a", "member", heads="b"), subject("b", "member"))))
    assert (exc.value.path, exc.value.code) == ("subjects[0].heads", "invalid_reference")


def test_proposed_level_caps_and_is_the_first_reason():
    out = run(case(merge(subject("a", "member"), {"proposed": "HT"})))
    result = out["results"][0]
    assert result["level"] == "HT" and result["eligible"] == "HTXS"
    assert result["reasons"][0]["rule"] == "proposed"
