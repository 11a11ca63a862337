"""Property-based tests of the engine's invariants (case-format.md, "Invariants the engine guarantees")."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from danhgia.rules import engine, quota
from danhgia.rules.case import Subject, as_of, decode, resolve_regime
from danhgia.rules.checks import Context, present
from danhgia.rules.engine import classify
from danhgia.rules.regimes import Regime
from danhgia.rules.rulebook import Rule, compile_rulebook, load_spec

LEVELS = ["KHT", "HT", "HTT", "HTXS"]
RANK = {name: i for i, name in enumerate(LEVELS)}


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    regime = draw(st.sampled_from(["R2018", "R2023", "R2025"]))
    year = {"R2018": 2020, "R2023": 2023, "R2025": 2025}[regime]
    quota_choice = st.fixed_dictionaries(
        {},
        optional={
            "rate": st.sampled_from([0.1, 0.2, 0.25, 0.3]),
            "base": st.sampled_from(["htt_final", "htt_proposed", "htt_or_above"]),
            "rounding": st.sampled_from(["floor", "half_up"]),
        },
    )
    body_groups = [f"gb{i}" for i in range(draw(st.integers(1, 2)))]
    person_groups = [f"gp{i}" for i in range(draw(st.integers(1, 3)))]
    groups = []
    for gid in body_groups + person_groups:
        group: dict[str, Any] = {"id": gid}
        choice = draw(st.sampled_from(["inherit", "own", "none"]))
        if choice == "own":
            group["quota"] = draw(quota_choice)
        elif choice == "none":
            group["quota"] = None
        groups.append(group)

    def facts(kind: str) -> dict[str, Any]:
        s: dict[str, Any] = {"kind": kind}
        if draw(st.booleans()):
            s["rank"] = draw(st.sampled_from([None, 1, 2, 3, 4.5, 5]))
        if draw(st.integers(0, 3)) == 0:
            s["proposed"] = draw(st.sampled_from(LEVELS))
        if kind in {"member", "leader"} and draw(st.integers(0, 9)) == 0:
            s["status"] = {draw(st.sampled_from(["exempt", "suspended"])): True}
        if regime == "R2025":
            s["score"] = {"general": draw(st.integers(15, 30)), "task": draw(st.integers(30, 70))}
        else:
            s["criteria"] = [
                {
                    "code": "T",
                    "group": "task",
                    "grade": draw(st.sampled_from(["xuat_sac", "xuat_sac", "tot", "trung_binh"])),
                },
                {
                    "code": "G",
                    "group": "general",
                    "grade": draw(st.sampled_from(["xuat_sac", "tot", "tot", "trung_binh", "kem"])),
                },
            ]
        total = draw(st.integers(4, 10))
        completed = total - draw(st.sampled_from([0, 0, 0, 1]))
        s["targets"] = {
            "total": total,
            "completed": completed,
            "on_time": completed - draw(st.sampled_from([0, 0, 1])),
            "exceeded": draw(st.integers(0, completed)),
        }
        s["shortcomings"] = {"identified": 1, "remedied": draw(st.sampled_from([0, 1, 1, 1]))}
        return s

    subjects = []
    n_bodies = draw(st.integers(0, 8))
    for i in range(n_bodies):
        s = facts(draw(st.sampled_from(["party_org", "unit", "collective"])))
        s.update(id=f"b{i}", group=draw(st.sampled_from([*body_groups, None])))
        subjects.append(s)
    for i in range(draw(st.integers(1, 30))):
        s = facts(draw(st.sampled_from(["member", "member", "leader"])))
        s.update(id=f"p{i}", group=draw(st.sampled_from([*person_groups, None])))
        if n_bodies and draw(st.integers(0, 3)) == 0:
            s["heads"] = f"b{draw(st.integers(0, n_bodies - 1))}"
        subjects.append(s)
    case: dict[str, Any] = {"regime": regime, "year": year, "groups": groups, "subjects": subjects}
    if draw(st.booleans()):
        case["quota"] = draw(quota_choice)
    return case


def run(case: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    raw = msgspec.json.encode(classify(decode(msgspec.json.encode(case))))
    return raw, msgspec.json.decode(raw)


SETTINGS = settings(max_examples=150, deadline=None)


@SETTINGS
@given(cases())
def test_no_level_above_proposed_eligible_or_the_body_headed(case):
    _, out = run(case)
    final = {r["id"]: r["level"] for r in out["results"]}
    by_id = {s["id"]: s for s in case["subjects"]}
    for r in out["results"]:
        if not r["rated"] or r["level"] is None:
            continue
        level = RANK[r["level"]]
        assert level <= RANK[r["eligible"]]
        s = by_id[r["id"]]
        if s.get("proposed"):
            assert level <= RANK[s["proposed"]]
        if s.get("heads") and final[s["heads"]] is not None:
            assert level <= RANK[final[s["heads"]]]


@SETTINGS
@given(cases())
def test_the_cap_holds_for_every_base_and_rounding_and_downgrades_no_more_than_needed(case):
    _, out = run(case)
    results = {r["id"]: r for r in out["results"]}
    group_of = {s["id"]: s.get("group") for s in case["subjects"]}
    for q in out["quota"]:
        members = [r for i, r in results.items() if group_of[i] == q["group"] and r["rated"]]
        if q["rate"] is None:  # a group without a cap: echoed, nobody downgraded
            assert q["cap"] is None and q["downgraded"] == []
            assert q["granted"] == sum(1 for r in members if r["level"] == "HTXS")
            continue
        candidates = [r for r in members if r.get("quota_position") is not None]
        htxs = sum(1 for r in members if r["level"] == "HTXS")
        final_htt = sum(1 for r in members if r["level"] == "HTT")
        assert q["candidates"] == len(candidates) and htxs == q["granted"]
        assert q["htt"] == final_htt - len(q["downgraded"])
        rate = Fraction(str(q["rate"]))
        cap = quota.cap(base=q["base"], rate=rate, htt=q["htt"], candidates=q["candidates"], rounding=q["rounding"])
        assert q["cap"] == cap and q["granted"] == min(q["candidates"], cap)
        rounding = q["rounding"]
        if q["base"] == "htt_final":
            assert htxs <= quota.rounded(rate * final_htt, rounding)
            if q["downgraded"]:  # one more HTXS would break the cap
                assert htxs + 1 > quota.rounded(rate * (final_htt - 1), rounding)
        elif q["base"] == "htt_proposed":
            assert htxs <= quota.rounded(rate * q["htt"], rounding)
        else:
            assert htxs <= quota.rounded(rate * (q["htt"] + q["candidates"]), rounding)


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_shuffling_the_subjects_changes_no_result(case, rnd: random.Random):
    _, first = run(case)
    shuffled = {**case, "subjects": rnd.sample(case["subjects"], len(case["subjects"]))}
    _, second = run(shuffled)
    assert {r["id"]: r for r in first["results"]} == {r["id"]: r for r in second["results"]}
    assert sorted(first["quota"], key=lambda q: q["group"]) == sorted(second["quota"], key=lambda q: q["group"])
    assert first["warnings"] == second["warnings"]


@SETTINGS
@given(cases())
def test_classifying_again_changes_nothing(case):
    raw, out = run(case)
    assert run(case)[0] == raw  # byte-identical
    # Feeding the decided levels back as proposals is a fixed point.
    final = {r["id"]: r["level"] for r in out["results"] if r["rated"] and r["level"] is not None}
    again = {
        **case,
        "subjects": [{**s, "proposed": final[s["id"]]} if s["id"] in final else s for s in case["subjects"]],
    }
    _, second = run(again)
    assert {r["id"]: r["level"] for r in second["results"]} == {r["id"]: r["level"] for r in out["results"]}


@SETTINGS
@given(cases())
def test_not_rated_subjects_get_no_level_and_do_not_count(case):
    _, out = run(case)
    for r in out["results"]:
        if not r["rated"]:
            assert r["level"] is None and r.get("quota_position") is None and r["not_rated_reason"]


# --- Missing facts never lower a level (case-format.md: a rule whose facts are missing does not fire) ------------

FACT_FIELDS = ("score", "criteria", "targets", "shortcomings", "status", "findings")


def _uncapped(case: dict[str, Any]) -> dict[str, Any]:
    """The same case without any cap: the quota is the one rule through which one subject's rise lowers another."""
    return {**case, "groups": [{**g, "quota": None} for g in case["groups"]]}


def _compare_levels(before: dict[str, Any], after: dict[str, Any], field: str) -> None:
    first = {r["id"]: r for r in before["results"]}
    head_rule = load_spec(Regime(before["regime"])).head.id
    for r in after["results"]:
        old = first[r["id"]]
        if not (old["rated"] and r["rated"]) or old[field] is None or r[field] is None:
            continue
        if head_rule in (old.get("unverified") or ()):
            # The body headed had no level, so the head was not capped by it (and said so): once the body has a
            # level, the head is capped by it. Not a fact of the head's own lowering it.
            continue
        assert RANK[r[field]] >= RANK[old[field]], (r["id"], field, old[field], r[field], r.get("missing"))


@st.composite
def cases_with_facts_removed(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    case = draw(cases())
    thinner = []
    for s in case["subjects"]:
        s = dict(s)
        for name in draw(st.lists(st.sampled_from(FACT_FIELDS), unique=True)):
            s.pop(name, None)
        if "targets" in s and draw(st.booleans()):
            # A task list without its on-time and exceeded counts.
            s["targets"] = {k: v for k, v in s["targets"].items() if k in {"total", "completed"}}
        thinner.append(s)
    return case, {**case, "subjects": thinner}


@SETTINGS
@given(cases_with_facts_removed())
def test_removing_facts_never_lowers_a_level(pair):
    full, thin = pair
    _compare_levels(run(full)[1], run(thin)[1], "eligible")
    _compare_levels(run(_uncapped(full))[1], run(_uncapped(thin))[1], "level")


@SETTINGS
@given(cases(), st.randoms(use_true_random=False))
def test_adding_a_missing_fact_that_holds_never_lowers_a_level(case, rnd: random.Random):
    regime = case["regime"]
    chosen = {s["id"] for s in case["subjects"] if rnd.random() < 0.5}
    without = {**case, "subjects": [{k: v for k, v in s.items() if k not in {"score", "criteria"}}
                                    if s["id"] in chosen else s for s in case["subjects"]]}  # fmt: skip
    excellent = [
        {"code": "T", "group": "task", "grade": "xuat_sac"},
        {"code": "G", "group": "general", "grade": "xuat_sac"},
    ]
    holds: dict[str, Any] = {"score": {"general": 28, "task": 67}} if regime == "R2025" else {"criteria": excellent}
    added = {**without, "subjects": [{**s, **holds} if s["id"] in chosen else s for s in without["subjects"]]}
    before, after = run(without)[1], run(added)[1]
    _compare_levels(before, after, "eligible")
    _compare_levels(before, after, "level")
    # The fact holds: nothing it could have changed changes (the quota included).
    assert {r["id"]: r["level"] for r in before["results"]} == {r["id"]: r["level"] for r in after["results"]}


@SETTINGS
@given(cases())
def test_unverified_conditions_are_missing_ones_and_never_come_with_kht(case):
    _, out = run(case)
    for r in out["results"]:
        unverified = r.get("unverified") or []
        if unverified:
            assert r["level"] in {"HTXS", "HTT", "HT"}
            assert set(unverified) <= set(r.get("missing") or [])


# --- The evaluation learnt per presence mask (engine._Paths) is the evaluation itself ----------------------------


@SETTINGS
@given(cases_with_facts_removed())
def test_evaluations_shared_along_paths_are_each_subjects_own(pair):
    """Each subject's evaluation through the learnt paths equals `_evaluate` calling every check on that subject,
    whatever the order the subjects come in and the paths other subjects have taught."""
    for data in pair:
        decoded = decode(msgspec.json.encode(data))
        compiled = compile_rulebook(resolve_regime(decoded))
        ctx = Context(year=decoded.year or as_of(decoded).year, as_of=as_of(decoded))
        reasons = engine._Reasons()
        evaluate = engine._Paths(compiled, ctx, reasons).evaluate
        shared = [evaluate(s, present(s)) for s in decoded.subjects]
        for s, e in zip(decoded.subjects, shared, strict=True):

            def answer(r: Rule, s: Subject = s, ctx: Context = ctx) -> int:
                return r.fn(s, r.params, ctx)

            own = engine._evaluate(compiled.by_kind[s.kind], answer, reasons, compiled.spec.undecided)
            assert (own.rated, own.eligible, own.reasons, own.missing, own.decide, own.not_rated_reason,
                    own.unverified) == (e.rated, e.eligible, e.reasons, e.missing, e.decide, e.not_rated_reason,
                                        e.unverified), s.id  # fmt: skip
            assert e.bare == (present(s) == 0)
