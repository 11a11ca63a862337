"""The vocabulary of rule conditions. A rulebook rule names one of these checks and gives its parameters.

Each check is a predicate over one subject's facts and answers TRUE, FALSE, MISSING (the facts it needs are
absent: the rule does not fire and is listed under `missing`) or MITIGATED (the situation holds but the
regulation leaves it to the competent authority, e.g. a violation self-detected and remedied). What the
answer *does* is the rule's effect (rulebook.py), not the check's business: the same `score_at_least`
gates a level in one rule and the same `finding` makes KHT in another.

Adding a check is adding a function here and its parameter struct; rulebooks and provinces then use it by
name. Nothing is ever evaluated from a string.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from msgspec import Struct

from danhgia.rules import levels
from danhgia.rules.case import Subject

FALSE, TRUE, MISSING, MITIGATED = 0, 1, 2, 3

# Discipline forms, lightest first. "other" (a state-side form, e.g. giáng chức) counts as at least khiển trách.
FORM_RANK = {"khien_trach": 1, "other": 1, "canh_cao": 2, "cach_chuc": 3, "khai_tru": 4}
GRADE_RANK = {"kem": 0, "trung_binh": 1, "tot": 2, "xuat_sac": 3}


@dataclass(frozen=True)
class Context:
    year: int
    as_of: dt.date


class Params(Struct, forbid_unknown_fields=True, kw_only=True):
    pass


class NoParams(Params):
    pass


class Threshold(Params):
    threshold: float


class ShareParam(Params):
    share: float


class Months(Params):
    months: float


class FlagParam(Params):
    name: Literal["exempt", "suspended", "maternity_leave"]


class FindingParam(Params):
    name: Literal["degradation", "prohibition_violated", "disunity", "corruption_in_subordinate"]


class DisciplineParams(Params):
    min_form: Literal["khien_trach", "canh_cao", "cach_chuc", "khai_tru"] | None = None
    # What a violation self-detected with its consequences remedied does: count like any other ("count"),
    # not count ("exempt", QĐ 124), or leave it to the competent authority ("decide", QĐ 366).
    self_detected: Literal["count", "exempt", "decide"] = "count"


class CompletionParams(Params):
    share: float
    key_targets_missed: bool = False  # also require that key targets were missed
    force_majeure: Literal["count", "exempt", "decide"] = "exempt"


class LedUnitsParams(Params):
    share: float
    basic_targets: bool = False  # missing the basic socio-economic targets also counts
    force_majeure: Literal["count", "exempt", "decide"] = "decide"


class LevelParam(Params):
    level: Literal["HTXS", "HTT", "HT", "KHT"]


class GradeParams(Params):
    grade: Literal["xuat_sac", "tot", "trung_binh", "kem"]
    group: Literal["all", "task", "general"] = "all"


class LeadershipParams(Params):
    min_form: Literal["khien_trach", "canh_cao", "cach_chuc", "khai_tru"] = "khien_trach"
    collective: bool = True  # the leadership collective itself disciplined
    members: bool = True  # a member of it disciplined with at least `min_form`
    # Members' violations self-detected and remedied: counted, or not (QĐ 124's exception).
    self_detected: Literal["count", "exempt"] = "count"


class LinkParams(Params):
    level: Literal["HTXS", "HTT", "HT", "KHT"]
    link: Literal["same_level"] = "same_level"


# A check takes the subject, its own parameter struct (CheckDef.params: the pairing is checked when a rulebook is
# compiled) and the context. Typed loosely here so that each check can name its own parameter type without an
# isinstance on the engine's hot path.
Check = Callable[..., int]


@dataclass(frozen=True)
class CheckDef:
    # None for the linked checks, which read other subjects' final levels: the engine runs them at
    # resolution time, after those subjects (see `linked_at_least`).
    fn: Check | None
    params: type[Params]
    # The facts the check rests on (Subject fields), and its answer when none of them is recorded, whatever the
    # other facts: the engine gives that answer without calling the check (most subjects record few of the
    # facts; tests/rules/test_checks.py holds every check to it).
    reads: tuple[str, ...] = ()
    when_absent: int = MISSING

    @property
    def mask(self) -> int:
        return fact_mask(self.reads)

    @property
    def linked(self) -> bool:
        return self.fn is None


def _score(s: Subject) -> float | None:
    return None if s.score is None else s.score.general + s.score.task


def score_below(s: Subject, p: Threshold, ctx: Context) -> int:
    score = s.score  # (_score inlined: the checks run hundreds of thousands of times a province)
    return MISSING if score is None else TRUE if score.general + score.task < p.threshold else FALSE


def score_at_least(s: Subject, p: Threshold, ctx: Context) -> int:
    score = s.score
    return MISSING if score is None else TRUE if score.general + score.task >= p.threshold else FALSE


def flag(s: Subject, p: FlagParam, ctx: Context) -> int:
    return TRUE if s.status is not None and getattr(s.status, p.name) else FALSE


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later (31 January + 1 month = 28/29 February).

    Past the calendar's end (a date typed as 31/12/9999 and stored before the forms refused it) the answer is its
    last day, later than any reference date, not an error that takes the whole group's decision page down.
    """
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    if year > dt.MAXYEAR:
        return dt.date.max
    if year < dt.MINYEAR:
        return dt.date.min
    if month == 12:  # December has 31 days; computing it from 1 January of the next year fails in 9999
        return dt.date(year, 12, day.day)
    last = (dt.date(year, month + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def joined_within_months(s: Subject, p: Months, ctx: Context) -> int:
    """Admitted (or founded) less than `months` calendar months before the reference date."""
    joined = s.status.joined_on if s.status is not None else None
    if joined is None:
        return MISSING
    return TRUE if ctx.as_of < add_months(joined, int(p.months)) else FALSE


def sick_leave_at_least(s: Subject, p: Months, ctx: Context) -> int:
    months = s.status.sick_leave_months if s.status is not None else None
    return TRUE if months is not None and months >= p.months else FALSE


def finding(s: Subject, p: FindingParam, ctx: Context) -> int:
    value = getattr(s.findings, p.name) if s.findings is not None else None
    return MISSING if value is None else TRUE if value else FALSE


def disciplined_in_year(s: Subject, p: DisciplineParams, ctx: Context) -> int:
    """Disciplined with a form at least `min_form`, the decision dated inside the evaluation year."""
    least = FORM_RANK[p.min_form] if p.min_form else 0
    counted = mitigated = False
    for d in s.discipline:
        if d.date.year != ctx.year or FORM_RANK[d.form] < least:
            continue
        if d.self_detected_remedied and p.self_detected != "count":
            mitigated = mitigated or p.self_detected == "decide"
        else:
            counted = True
    return TRUE if counted else MITIGATED if mitigated else FALSE


def _shares(s: Subject) -> tuple[int, int | None, int | None, int | None] | None:
    t = s.targets
    if t is None or not t.total:
        return None
    return t.total, t.completed, t.on_time, t.exceeded


# The task checks read `targets` directly (not through `_shares`): a province's case runs them several hundred
# thousand times. No task list, or an empty one, is missing.


def tasks_all_on_time(s: Subject, p: Params, ctx: Context) -> int:
    """Every assigned task completed, on time (QĐ 366 Art. 11: "100% … đúng hạn")."""
    t = s.targets
    if t is None or not t.total or t.completed is None or t.on_time is None:
        return MISSING
    return TRUE if t.completed == t.total and t.on_time == t.total else FALSE


def tasks_all_completed(s: Subject, p: Params, ctx: Context) -> int:
    """Every assigned task completed, on time or not (QĐ 366 Art. 11 §1 for leaders: "hoàn thành 100%")."""
    t = s.targets
    if t is None or not t.total or t.completed is None:
        return MISSING
    return TRUE if t.completed == t.total else FALSE


def tasks_exceeded_share_at_least(s: Subject, p: ShareParam, ctx: Context) -> int:
    t = s.targets
    if t is None or not t.total or t.exceeded is None:
        return MISSING
    return TRUE if t.exceeded >= p.share * t.total else FALSE


def tasks_late_share_at_most(s: Subject, p: ShareParam, ctx: Context) -> int:
    """All tasks completed and those behind schedule at most `share` of them (QĐ 366 Art. 11 §3)."""
    t = s.targets
    if t is None or not t.total or t.completed is None or t.on_time is None:
        return MISSING
    total = t.total
    return TRUE if t.completed == total and total - t.on_time <= p.share * total else FALSE


def tasks_not_completed_over(s: Subject, p: ShareParam, ctx: Context) -> int:
    shares = _shares(s)
    if shares is None or shares[1] is None:
        return MISSING
    return TRUE if shares[0] - shares[1] > p.share * shares[0] else FALSE


def targets_completed_below(s: Subject, p: CompletionParams, ctx: Context) -> int:
    """Less than `share` of the year's targets completed (and key targets missed), unless force majeure."""
    shares = _shares(s)
    if shares is None or shares[1] is None:
        return MISSING
    assert s.targets is not None
    if p.key_targets_missed:
        if s.targets.key_targets_met is None:
            return MISSING
        if s.targets.key_targets_met:
            return FALSE
    if shares[1] >= p.share * shares[0]:
        return FALSE
    if s.targets.force_majeure and p.force_majeure != "count":
        return MITIGATED if p.force_majeure == "decide" else FALSE
    return TRUE


def led_units_completion_below(s: Subject, p: LedUnitsParams, ctx: Context) -> int:
    """The localities/units led completed less than `share` of their plan (or missed the basic targets)."""
    lu = s.led_units
    if lu is None or (lu.tasks_completed_share is None and (not p.basic_targets or lu.basic_targets_missed is None)):
        return MISSING
    low = lu.tasks_completed_share is not None and lu.tasks_completed_share < p.share
    basic = p.basic_targets and bool(lu.basic_targets_missed)
    if not (low or basic):
        return FALSE
    if s.targets is not None and s.targets.force_majeure and p.force_majeure != "count":
        return MITIGATED if p.force_majeure == "decide" else FALSE
    return TRUE


def led_units_kht_over(s: Subject, p: ShareParam, ctx: Context) -> int:
    lu = s.led_units
    if lu is None or not lu.total or lu.kht is None:
        return MISSING
    return TRUE if lu.kht > p.share * lu.total else FALSE


def confidence_low_over(s: Subject, p: ShareParam, ctx: Context) -> int:
    share = s.confidence_low_share
    return MISSING if share is None else TRUE if share > p.share else FALSE


def civil_servant_level_below(s: Subject, p: LevelParam, ctx: Context) -> int:
    """Only for civil servants: a subject without a civil-servant rating is not one (the rule does not apply)."""
    level = s.civil_servant_level
    return FALSE if level is None else TRUE if levels.BY_NAME[level] < levels.BY_NAME[p.level] else FALSE


def civil_servant_level_is(s: Subject, p: LevelParam, ctx: Context) -> int:
    return TRUE if s.civil_servant_level == p.level else FALSE


def _criteria(s: Subject, group: str) -> list[int]:
    return [GRADE_RANK[c.grade] for c in s.criteria if group == "all" or c.group == group]


def criteria_all_at_least(s: Subject, p: GradeParams, ctx: Context) -> int:
    grades = _criteria(s, p.group)
    return MISSING if not grades else TRUE if min(grades) >= GRADE_RANK[p.grade] else FALSE


def any_criterion_graded(s: Subject, p: GradeParams, ctx: Context) -> int:
    grades = _criteria(s, p.group)
    return MISSING if not grades else TRUE if GRADE_RANK[p.grade] in grades else FALSE


def shortcomings_remedied(s: Subject, p: Params, ctx: Context) -> int:
    sc = s.shortcomings
    return MISSING if sc is None else TRUE if sc.remedied >= sc.identified else FALSE


def leadership_disciplined(s: Subject, p: LeadershipParams, ctx: Context) -> int:
    ld = s.leadership_disciplined
    if ld is None:
        return MISSING
    least = FORM_RANK[p.min_form]
    members = sum(1 for f in ld.members if FORM_RANK[f] >= least)
    if p.self_detected == "exempt":
        members -= ld.members_self_detected_remedied
    hit = (p.collective and ld.collective) or (p.members and members > 0)
    return TRUE if hit else FALSE


def no_leadership_discipline(s: Subject, p: LeadershipParams, ctx: Context) -> int:
    """No member of the leadership collective disciplined with at least `min_form` (nor the collective itself)."""
    answer = leadership_disciplined(s, p, ctx)
    return MISSING if answer == MISSING else FALSE if answer == TRUE else TRUE


class SelfDetectedParams(Params):
    self_detected: Literal["count", "exempt"] = "count"


def no_discipline_in_unit(s: Subject, p: SelfDetectedParams, ctx: Context) -> int:
    """No directly subordinate unit and no member of the leadership collective disciplined (optionally except
    the violations self-detected with their consequences remedied)."""
    sub, ld = s.subordinates, s.leadership_disciplined
    if sub is None and ld is None:
        return MISSING
    exempt = p.self_detected == "exempt"
    if sub is not None and sub.disciplined - (sub.disciplined_self_detected_remedied if exempt else 0) > 0:
        return FALSE
    if ld is not None and (ld.collective or len(ld.members) - (ld.members_self_detected_remedied if exempt else 0) > 0):
        return FALSE
    return TRUE


def subordinates_disciplined_share_over(s: Subject, p: ShareParam, ctx: Context) -> int:
    sub = s.subordinates
    if sub is None or not sub.total:
        return MISSING
    return TRUE if sub.disciplined > p.share * sub.total else FALSE


def subordinates_disciplined_not_self_detected(s: Subject, p: Params, ctx: Context) -> int:
    sub = s.subordinates
    if sub is None:
        return MISSING
    return TRUE if sub.disciplined - sub.disciplined_self_detected_remedied > 0 else FALSE


def subordinates_disciplined_all_self_detected(s: Subject, p: Params, ctx: Context) -> int:
    sub = s.subordinates
    if sub is None:
        return MISSING
    return TRUE if sub.disciplined > 0 and sub.disciplined == sub.disciplined_self_detected_remedied else FALSE


def linked_at_least(linked_levels: list[int], p: LinkParams) -> int:
    """Every linked subject (e.g. the same-level government, MTTQ, đoàn thể) has at least `level`.

    Unlike the other checks this one reads other subjects' final levels, so the engine calls it at
    resolution time, after the linked subjects are decided; a linked subject without a level is missing.
    """
    if not linked_levels or any(level < 0 for level in linked_levels):
        return MISSING
    return TRUE if min(linked_levels) >= levels.BY_NAME[p.level] else FALSE


# The facts a subject may record, each a bit of its presence mask (`present`).
FACTS: tuple[str, ...] = (
    "status", "discipline", "findings", "targets", "criteria", "score", "shortcomings", "civil_servant_level",
    "subordinates", "leadership_disciplined", "led_units", "confidence_low_share",
)  # fmt: skip
_BIT = {name: 1 << i for i, name in enumerate(FACTS)}


def fact_mask(names: tuple[str, ...]) -> int:
    mask = 0
    for name in names:
        mask |= _BIT[name]
    return mask


def present(s: Subject) -> int:
    """The presence mask of a subject's facts (0: nothing recorded), bits in the order of FACTS. An empty list
    is not recorded. (Written as tests, not as one expression of ors: most subjects record few facts.)"""
    mask = 1 if s.status is not None else 0
    if s.discipline:
        mask |= 2
    if s.findings is not None:
        mask |= 4
    if s.targets is not None:
        mask |= 8
    if s.criteria:
        mask |= 16
    if s.score is not None:
        mask |= 32
    if s.shortcomings is not None:
        mask |= 64
    if s.civil_servant_level is not None:
        mask |= 128
    if s.subordinates is not None:
        mask |= 256
    if s.leadership_disciplined is not None:
        mask |= 512
    if s.led_units is not None:
        mask |= 1024
    if s.confidence_low_share is not None:
        mask |= 2048
    return mask


ST, DI, FI, TA, CR, SC, SH = "status", "discipline", "findings", "targets", "criteria", "score", "shortcomings"
CS, SU, LD, LU, CL = (
    "civil_servant_level", "subordinates", "leadership_disciplined", "led_units", "confidence_low_share"
)  # fmt: skip

CHECKS: dict[str, CheckDef] = {
    "score_below": CheckDef(score_below, Threshold, (SC,)),
    "score_at_least": CheckDef(score_at_least, Threshold, (SC,)),
    "flag": CheckDef(flag, FlagParam, (ST,), FALSE),
    "joined_within_months": CheckDef(joined_within_months, Months, (ST,)),
    "sick_leave_at_least": CheckDef(sick_leave_at_least, Months, (ST,), FALSE),
    "finding": CheckDef(finding, FindingParam, (FI,)),
    "disciplined_in_year": CheckDef(disciplined_in_year, DisciplineParams, (DI,), FALSE),
    "tasks_all_on_time": CheckDef(tasks_all_on_time, NoParams, (TA,)),
    "tasks_all_completed": CheckDef(tasks_all_completed, NoParams, (TA,)),
    "tasks_exceeded_share_at_least": CheckDef(tasks_exceeded_share_at_least, ShareParam, (TA,)),
    "tasks_late_share_at_most": CheckDef(tasks_late_share_at_most, ShareParam, (TA,)),
    "tasks_not_completed_over": CheckDef(tasks_not_completed_over, ShareParam, (TA,)),
    "targets_completed_below": CheckDef(targets_completed_below, CompletionParams, (TA,)),
    "led_units_completion_below": CheckDef(led_units_completion_below, LedUnitsParams, (LU,)),
    "led_units_kht_over": CheckDef(led_units_kht_over, ShareParam, (LU,)),
    "confidence_low_over": CheckDef(confidence_low_over, ShareParam, (CL,)),
    "civil_servant_level_below": CheckDef(civil_servant_level_below, LevelParam, (CS,), FALSE),
    "civil_servant_level_is": CheckDef(civil_servant_level_is, LevelParam, (CS,), FALSE),
    "criteria_all_at_least": CheckDef(criteria_all_at_least, GradeParams, (CR,)),
    "any_criterion_graded": CheckDef(any_criterion_graded, GradeParams, (CR,)),
    "shortcomings_remedied": CheckDef(shortcomings_remedied, NoParams, (SH,)),
    "leadership_disciplined": CheckDef(leadership_disciplined, LeadershipParams, (LD,)),
    "no_discipline_in_unit": CheckDef(no_discipline_in_unit, SelfDetectedParams, (SU, LD)),
    "no_leadership_discipline": CheckDef(no_leadership_discipline, LeadershipParams, (LD,)),
    "subordinates_disciplined_share_over": CheckDef(subordinates_disciplined_share_over, ShareParam, (SU,)),
    "subordinates_disciplined_not_self_detected": CheckDef(subordinates_disciplined_not_self_detected, NoParams, (SU,)),
    "subordinates_disciplined_all_self_detected": CheckDef(subordinates_disciplined_all_self_detected, NoParams, (SU,)),
    "linked_at_least": CheckDef(None, LinkParams),
}
