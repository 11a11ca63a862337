"""One case (at least) per rule of every rulebook, named by the rule and its source.

Each row starts from a subject that reaches HTXS under its regime (helpers.good) and changes the facts the
rule reads; the rule must then appear in the result's reasons with its source, and the level must be the
one the regulation gives.
"""

from __future__ import annotations

from typing import Any

import pytest

from danhgia.rules.regimes import Regime
from danhgia.rules.rulebook import load_spec
from tests.rules.helpers import one, rules_in

D = "discipline"
T = "targets"


def _kht(regime: str, rule: str, kind: str, patch: dict[str, Any], **case: Any) -> tuple:
    return (regime, rule, kind, patch, case, {"level": "KHT", "eligible": "KHT"})


def _nr(regime: str, rule: str, kind: str, patch: dict[str, Any], reason: str) -> tuple:
    return (regime, rule, kind, patch, {}, {"rated": False, "not_rated_reason": reason})


def _lvl(regime: str, rule: str, kind: str, patch: dict[str, Any], level: str | None, **case: Any) -> tuple:
    expect: dict[str, Any] = {"eligible": level, "level": level}
    if level is None:
        expect["needs_decision"] = True
    return (regime, rule, kind, patch, case, expect)


EXEMPT = {"status": {"exempt": True}}
SUSPENDED = {"status": {"suspended": True}}
NEW_2025 = {"status": {"joined_on": "2025-10-01"}}
LATE = {T: {"on_time": 9}}  # all done, one late: 10 % behind schedule
ONE_UNDONE = {T: {"completed": 9, "on_time": 9}}

CASES = [
    # ---------------------------------------------------------------- R2025 (QĐ 366, HD 43)
    _nr("R2025", "R85-exempt", "member", EXEMPT, "exempt"),
    _nr("R2025", "R85-suspended", "leader", SUSPENDED, "suspended"),
    _nr("R2025", "R85-new", "member", NEW_2025, "joined_less_than_6_months"),
    _nr("R2025", "R05", "party_org", {"status": {"joined_on": "2025-09-01"}}, "founded_less_than_6_months"),
    _kht("R2025", "R65", "member", {"score": {"general": 20, "task": 25}}),
    _kht("R2025", "R66", "collective", {"findings": {"disunity": True}}),
    _kht("R2025", "R67", "collective", {"leadership_disciplined": {"members": ["khien_trach"]}}),
    _kht("R2025", "R68", "collective", {"findings": {"degradation": True}}),
    _kht("R2025", "R69", "leader", {"led_units": {"tasks_completed_share": 0.6}}),
    _kht("R2025", "R69", "collective", {"led_units": {"basic_targets_missed": True}}),
    _kht("R2025", "R70", "leader", {"led_units": {"kht": 3}}),
    _kht("R2025", "R71", "leader", {"confidence_low_share": 0.6}),
    _kht("R2025", "R72", "leader", {D: [{"date": "2025-04-02", "form": "khien_trach"}]}),
    _kht("R2025", "R73", "leader", {"findings": {"degradation": True}}),
    _kht("R2025", "R74", "leader", {"findings": {"corruption_in_subordinate": True}}),
    _kht("R2025", "R76-degradation", "member_outside", {"findings": {"degradation": True}}),
    _kht("R2025", "R76-discipline", "member", {D: [{"date": "2025-04-02", "form": "canh_cao"}]}),
    _kht("R2025", "R76-prohibition", "member", {"findings": {"prohibition_violated": True}}),
    _kht("R2025", "R77", "member", {T: {"completed": 4, "on_time": 4, "exceeded": 0}}),
    _kht("R2025", "U-ORG-KHT", "party_org", {"subordinates": {"disciplined": 3, "disciplined_self_detected_remedied": 3}},
         options={"enable_rules": ["U-ORG-KHT"]}),
    _lvl("R2025", "R59-score", "member", {"score": {"task": 55}}, "HTT"),
    _lvl("R2025", "R59-remedied", "leader", {"shortcomings": {"identified": 2, "remedied": 1}}, "HTT"),
    _lvl("R2025", "R60-on-time", "party_org", LATE, "HT"),
    _lvl("R2025", "R60-exceeded", "unit", {T: {"exceeded": 2}}, "HTT"),
    _lvl("R2025", "R60-discipline", "collective", {"subordinates": {"disciplined": 1}}, "HTT"),
    _lvl("R2025", "R61-completed", "leader", ONE_UNDONE, None),
    _lvl("R2025", "R61-exceeded", "leader", {T: {"exceeded": 1}}, "HTT"),
    _lvl("R2025", "R62-on-time", "member", LATE, "HT"),
    _lvl("R2025", "R62-exceeded", "member_outside", {T: {"exceeded": 2}}, "HTT"),
    _lvl("R2025", "R63-score", "member", {"score": {"task": 35}}, "HT"),
    _lvl("R2025", "R63-on-time", "unit", {"score": {"task": 50}, **LATE}, "HT"),
    _lvl("R2025", "R64-score", "member", {"score": {"task": 15}}, None, options={"disable_rules": ["R65"]}),
    _lvl("R2025", "R64-late", "member", {"score": {"task": 32}, T: {"on_time": 7}}, None),
    _lvl("R2025", "R114", "member", {T: {"on_time": 7}}, None),
    _lvl("R2025", "U-CIVIL-SERVANT", "member", {"civil_servant_level": "HTT"}, "HTT",
         options={"enable_rules": ["U-CIVIL-SERVANT"]}),
    # ---------------------------------------------------------------- R2023 (QĐ 124, HD 25)
    _nr("R2023", "R01", "member", EXEMPT, "exempt"),
    _nr("R2023", "R02", "leader", SUSPENDED, "suspended"),
    _nr("R2023", "R04", "member", {"status": {"joined_on": "2023-08-01"}}, "joined_less_than_6_months"),
    _nr("R2023", "R05", "collective", {"status": {"joined_on": "2023-08-01"}}, "founded_less_than_6_months"),
    _kht("R2023", "R32", "party_org", {"criteria": [{"code": "C1", "group": "general", "grade": "kem"}]}),
    _kht("R2023", "R29-collective", "collective", {"leadership_disciplined": {"collective": True}}),
    _kht("R2023", "R29-share", "party_org", {"subordinates": {"disciplined": 3, "disciplined_self_detected_remedied": 3}}),
    _kht("R2023", "R30", "unit", {"subordinates": {"disciplined": 1}, "findings": {"corruption_in_subordinate": True}}),
    _kht("R2023", "R31", "collective", {T: {"completed": 4, "on_time": 4, "exceeded": 0, "key_targets_met": False}}),
    _kht("R2023", "R31", "leader", {T: {"completed": 4, "on_time": 4, "exceeded": 0, "key_targets_met": False}}),
    _kht("R2023", "R29-disunity", "party_org", {"findings": {"disunity": True}}),
    _kht("R2023", "R29-degradation", "collective", {"findings": {"degradation": True}}),
    _kht("R2023", "R11", "member", {D: [{"date": "2023-03-01", "form": "khien_trach"}]}),
    _kht("R2023", "R15-degradation", "leader", {"findings": {"degradation": True}}),
    _kht("R2023", "R15-prohibition", "member", {"findings": {"prohibition_violated": True}}),
    _kht("R2023", "R32-individual", "member", {"criteria": [{"code": "C1", "group": "general", "grade": "kem"}]}),
    _lvl("R2023", "R33-all", "party_org", {"criteria": [{"code": "T", "group": "task", "grade": "xuat_sac"},
                                                        {"code": "C", "group": "general", "grade": "trung_binh"}]}, "HTT"),
    _lvl("R2023", "R33-task", "unit", {"criteria": [{"code": "T", "group": "task", "grade": "tot"}]}, "HTT"),
    _lvl("R2023", "R27", "collective", {"subordinates": {"disciplined": 1, "disciplined_self_detected_remedied": 1}}, "HTT"),
    _lvl("R2023", "R28", "party_org", {"subordinates": {"disciplined": 1, "disciplined_self_detected_remedied": 1}},
         "HTT", options={"disable_rules": ["R27"]}),
    _lvl("R2023", "R28-HTT", "collective", {"leadership_disciplined": {"members": ["canh_cao"]}}, None),
    _lvl("R2023", "R28-HT", "party_org", {"subordinates": {"disciplined": 1}}, None),
    _lvl("R2023", "R34-all", "collective", {"criteria": [{"code": "C", "group": "general", "grade": "kem"}]}, None,
         options={"disable_rules": ["R32"]}),
    _lvl("R2023", "R34-task", "party_org", {"criteria": [{"code": "T", "group": "task", "grade": "trung_binh"}]}, "HT"),
    _lvl("R2023", "R34-ht", "unit", {"criteria": [{"code": "T", "group": "task", "grade": "kem"}]}, None,
         options={"disable_rules": ["R32"]}),
    _lvl("R2023", "R35-on-time", "member", LATE, "HTT"),
    _lvl("R2023", "R35-exceeded", "leader", {T: {"exceeded": 4}}, "HTT"),
    _lvl("R2023", "R35-criteria", "member", {"criteria": [{"code": "C", "group": "general", "grade": "trung_binh"}]},
         "HT"),
    _lvl("R2023", "R35-task", "member_outside", {"criteria": [{"code": "T", "group": "task", "grade": "tot"}]}, "HTT"),
    _lvl("R2023", "R34-individual", "member", {"criteria": [{"code": "C", "group": "general", "grade": "trung_binh"}]},
         "HT"),
    _lvl("R2023", "R34-individual-ht", "leader", {"criteria": [{"code": "C", "group": "general", "grade": "kem"}]},
         None, options={"disable_rules": ["R32-individual"]}),
    _lvl("R2023", "U-CIVIL-SERVANT", "leader", {"civil_servant_level": "HT"}, "HTT",
         options={"enable_rules": ["U-CIVIL-SERVANT"]}),
    # ---------------------------------------------------------------- R2018 (QĐ 132, HD 16/21)
    _nr("R2018", "R01", "member", EXEMPT, "exempt"),
    _nr("R2018", "R02", "member", SUSPENDED, "suspended"),
    _nr("R2018", "R04", "member", {"status": {"joined_on": "2020-09-15"}}, "joined_less_than_6_months"),
    _nr("R2018", "R05", "party_org", {"status": {"joined_on": "2020-07-15"}}, "founded_less_than_6_months"),
    _kht("R2018", "R10", "member", {D: [{"date": "2020-05-01", "form": "khien_trach", "self_detected_remedied": True}]}),
    _kht("R2018", "R14", "leader", {"findings": {"degradation": True}}),
    _kht("R2018", "R16", "member", {T: {"completed": 4, "on_time": 4, "exceeded": 0}}),
    _kht("R2018", "R17", "member", {"civil_servant_level": "KHT"}),
    _kht("R2018", "R-KEM", "member", {"criteria": [{"code": "C", "group": "general", "grade": "kem"}]}),
    _kht("R2018", "R24-collective", "collective", {"leadership_disciplined": {"collective": True}}),
    _kht("R2018", "R24-members", "collective", {"leadership_disciplined": {"members": ["canh_cao"]}}),
    _kht("R2018", "R25-disunity", "collective", {"findings": {"disunity": True}}),
    _kht("R2018", "R25-degradation", "collective", {"findings": {"degradation": True}}),
    _kht("R2018", "R26", "collective", {T: {"completed": 4, "on_time": 4, "exceeded": 0, "key_targets_met": False}}),
    _lvl("R2018", "R06", "member", {"status": {"sick_leave_months": 4}}, "HT"),
    _lvl("R2018", "R18", "leader", {"civil_servant_level": "HTT"}, "HTT"),
    _lvl("R2018", "R20-task", "member", {"criteria": [{"code": "T", "group": "task", "grade": "tot"}]}, "HTT"),
    _lvl("R2018", "R20-other", "member", {"criteria": [{"code": "C", "group": "general", "grade": "trung_binh"}]}, "HT"),
    _lvl("R2018", "R20-analogy-task", "party_org", {"criteria": [{"code": "T", "group": "task", "grade": "tot"}]}, "HTT"),
    _lvl("R2018", "R20-analogy-other", "leader", {"criteria": [{"code": "C", "group": "general", "grade": "trung_binh"}]},
         "HT"),
    _lvl("R2018", "R-HTT", "unit", {"criteria": [{"code": "C", "group": "general", "grade": "trung_binh"}]}, "HT"),
    ("R2018", "R-HT", "member", {"criteria": [{"code": "C", "group": "general", "grade": "kem"}]},
     {"options": {"disable_rules": ["R-KEM"]}}, {"level": "KHT", "eligible": "KHT"}),
]  # fmt: skip


def _rule(regime: str, rule_id: str) -> Any:
    spec = load_spec(Regime(regime))
    named = {spec.undecided.id: spec.undecided, spec.head.id: spec.head}
    return next((r for r in spec.rules if r.id == rule_id), None) or named[rule_id]


def _source(regime: str, rule_id: str) -> str:
    return _rule(regime, rule_id).source


@pytest.mark.parametrize(
    ("regime", "rule", "kind", "patch", "case", "expect"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]} [{_source(c[0], c[1])}]" for c in CASES],
)
def test_rule(regime, rule, kind, patch, case, expect):
    result = one(regime, kind, patch, **case)
    for key, value in expect.items():
        assert result.get(key) == value, (key, result)
    reason = next((r for r in result["reasons"] if r["rule"] == rule), None)
    assert reason is not None, f"{rule} not among the reasons {rules_in(result)}"
    assert reason["source"] == _source(regime, rule)
    assert reason.get("unconfirmed", False) is (not _rule(regime, rule).confirmed)


@pytest.mark.parametrize("regime", ["R2018", "R2023", "R2025"])
def test_every_rule_has_a_case(regime):
    tested = {c[1] for c in CASES if c[0] == regime}
    assert {r.id for r in load_spec(Regime(regime)).rules} - tested == set()


@pytest.mark.parametrize("regime", ["R2018", "R2023", "R2025"])
@pytest.mark.parametrize("kind", ["party_org", "collective", "unit", "member", "leader", "member_outside"])
def test_the_starting_subjects_reach_htxs(regime, kind):
    result = one(regime, kind)
    assert (result["level"], result["reasons"]) == ("HTXS", []), result


def test_mitigated_cases_go_to_the_competent_authority():
    # R75 / R78: self-detected and remedied, or force majeure: the authority decides, the rules do not; the
    # subject takes no quota place meanwhile, and `eligible` says what the rules would give otherwise.
    result = one(
        "R2025", "leader", {D: [{"date": "2025-04-02", "form": "khien_trach", "self_detected_remedied": True}]}
    )
    assert result["needs_decision"] is True and result["level"] is None and result["eligible"] == "HTXS"
    result = one("R2025", "leader", {"led_units": {"tasks_completed_share": 0.5}, T: {"force_majeure": True}})
    assert result["needs_decision"] is True and "R69" in rules_in(result)


def test_a_self_detected_violation_does_not_count_under_qd_124():
    assert (
        one("R2023", "member", {D: [{"date": "2023-03-01", "form": "khien_trach", "self_detected_remedied": True}]})[
            "level"
        ]
        == "HTXS"
    )


def test_discipline_outside_the_year_does_not_count():
    assert one("R2025", "member", {D: [{"date": "2024-12-30", "form": "canh_cao"}]})["level"] == "HTXS"


def test_force_majeure_exempts_under_qd_124():
    patch = {T: {"completed": 4, "on_time": 4, "exceeded": 0, "key_targets_met": False, "force_majeure": True}}
    assert one("R2023", "collective", patch)["level"] != "KHT"


def test_a_rule_whose_facts_are_missing_is_listed_and_does_not_fire():
    result = one("R2025", "member", {"targets": None, "findings": None})
    assert result["level"] == "HTXS"
    assert {"R62-on-time", "R62-exceeded", "R76-degradation", "R77"} <= set(result["missing"])


def test_92_points_with_too_few_tasks_exceeded_gives_htt():
    # case-format.md: "92 points with too few tasks exceeded gives HTT when HTT's conditions hold".
    result = one("R2025", "member", {"score": {"general": 27, "task": 65}, T: {"exceeded": 1}})
    assert (result["level"], result["score"]) == ("HTT", 92)


def test_60_points_with_90_percent_completed_is_left_to_the_authority():
    result = one("R2025", "member", {"score": {"general": 20, "task": 40}, T: {"completed": 9, "on_time": 9}})
    assert result["level"] is None and result["rated"] is True and result["needs_decision"] is True


def test_a_leader_needs_all_tasks_completed_not_all_on_time_for_htxs():
    # QĐ 366 Art. 11 §1 for leaders: the units led complete 100 % of tasks, at least 30 % exceeded.
    assert one("R2025", "leader", LATE)["level"] == "HTXS"


def test_six_months_are_calendar_months():
    on_the_day = one("R2025", "member", {"status": {"joined_on": "2025-06-30"}}, as_of="2025-12-30")
    assert on_the_day["rated"] is True  # 30 June + 6 months = 30 December: six months are complete
    # 1 July + 6 months = 1 January: on 31 December the member has been admitted less than six months.
    assert one("R2025", "member", {"status": {"joined_on": "2025-07-01"}}, as_of="2025-12-31")["rated"] is False
    assert one("R2025", "member", {"status": {"joined_on": "2025-01-31"}}, as_of="2025-07-31")["rated"] is True


def test_a_subject_without_a_score_is_not_lowered_under_qd_366():
    # case-format.md: a rule whose facts are missing does not fire. No score: no level is lowered or fixed by it.
    result = one("R2025", "member", {"score": None})
    assert (result["level"], result["eligible"], result.get("needs_decision", False)) == ("HTXS", "HTXS", False)
    assert {"R59-score", "R65"} <= set(result["missing"])
    assert result["unverified"] == ["R59-score"]


def test_a_subject_without_criteria_is_not_lowered_under_qd_124():
    result = one("R2023", "member", {"criteria": []})
    assert result["level"] == "HTXS" and result["unverified"] == ["R35-criteria", "R35-task"]


def test_no_criteria_is_not_kht_under_qd_132():
    # HD 21: not meeting the standard of HT is KHT — but nothing recorded is not «not meeting» it.
    result = one("R2018", "member", {"criteria": []})
    assert result["level"] == "HTXS" and result["unverified"]
    assert "R10-HT" not in rules_in(result)


def test_failing_the_ht_standard_on_facts_is_still_kht_under_qd_132():
    weak = [{"code": "T1", "group": "task", "grade": "trung_binh"}, {"code": "C1", "group": "general", "grade": "kem"}]
    result = one("R2018", "member", {"criteria": weak})
    assert result["level"] == "KHT" and not result.get("unverified")
