"""Rulebooks: the rules of one regime as typed data (rulebooks/r2018.toml, r2023.toml, r2025.toml).

A rule says which subjects it applies to, which check (checks.py) it runs with which parameters, what
the answer does, and where it comes from:

    effect = "not_rated:<reason>"  the subject is not rated (exempt, suspended, joined recently)
    effect = "KHT"                 the situation makes the level KHT (a MITIGATED answer: left to the authority)
    effect = "max:<LEVEL>"         the situation caps the level
    effect = "requires:<LEVEL>"    the condition must hold for that level (a gate of QĐ 366 Art. 11)
    effect = "decide"              the situation is left to the competent authority

Rules whose content the sources do not confirm carry `confirmed = false` (they are reported as such in
every result they touch) and can be switched on or off per case (`options.enable_rules/disable_rules`).
A province adds its own rules in the same vocabulary (`local_rules` in the case file), e.g. Nghệ An's
R38. Files are validated on load; a bad rulebook is an error, never a silently ignored rule.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import msgspec
from msgspec import Struct

from danhgia.rules import levels
from danhgia.rules.case import Kind, LocalRule, Options
from danhgia.rules.checks import CHECKS, CheckDef, Params
from danhgia.rules.output import Reason
from danhgia.rules.regimes import Regime

RULEBOOK_DIR = Path(__file__).parent / "rulebooks"
KINDS: tuple[str, ...] = ("party_org", "collective", "unit", "member", "leader", "member_outside")


class RulebookError(Exception):
    """A rule that cannot be used. `path` says where (a rulebook file, or the case's local_rules/options)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


class RuleSpec(Struct, forbid_unknown_fields=True, kw_only=True):
    id: str
    applies_to: list[Kind]
    check: str
    effect: str
    description: str
    source: str
    params: dict[str, Any] = {}
    confirmed: bool = True
    enabled: bool = True
    note: str = ""


class NamedRule(Struct, forbid_unknown_fields=True, kw_only=True):
    id: str
    description: str
    source: str
    confirmed: bool = True
    note: str = ""
    # For `undecided`: what happens when no level holds and no KHT case applies.
    effect: Literal["needs_decision", "KHT"] = "needs_decision"


class QuotaSpec(Struct, forbid_unknown_fields=True, kw_only=True):
    rule: str
    description: str
    source: str
    rate: float
    base: Literal["htt_final", "htt_proposed", "htt_or_above"]
    rounding: Literal["floor", "half_up"]
    min_cap: int = 0
    # The highest rate the regulation lets the competent authority set (QĐ 366: 25 %); above it is a what-if.
    max_rate: float | None = None
    exception: NamedRule | None = None
    unconfirmed: list[Literal["rate", "base", "rounding", "min_cap"]] = []
    notes: dict[str, str] = {}


class RulebookSpec(Struct, forbid_unknown_fields=True, kw_only=True):
    regime: Regime
    title: str
    quota: QuotaSpec
    head: NamedRule  # a head's level never exceeds the level of the body they head
    proposed: NamedRule  # the final level never exceeds the proposal
    undecided: NamedRule  # no level holds and no KHT case applies: the competent authority decides
    rules: list[RuleSpec]


NO_REASON = Reason("", "", "", "")  # a rule's reason for an effect it does not have


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    check: CheckDef
    params: Params
    effect: str  # "not_rated" | "KHT" | "max" | "requires" | "decide"
    level: int  # the level of "max:" and "requires:"; KHT for "KHT"; NONE otherwise
    not_rated_reason: str
    description: str
    source: str
    confirmed: bool
    fn: Any = None  # check.fn, one attribute away on the engine's hot path
    # The reasons the rule gives, made once (a province's case gives them hundreds of thousands of times):
    # `hit` when it fires (not rated, KHT, left to the authority, a gate that fails), `mitigated` when a KHT case
    # is left to the authority, `capped[level]` when a cap lowers `level`.
    # The check's facts as a presence mask, and its answer when none of them is recorded (checks.CheckDef).
    mask: int = 0
    absent: int = 0
    hit: Reason = field(default_factory=lambda: NO_REASON)
    mitigated: Reason = field(default_factory=lambda: NO_REASON)
    capped: dict[int, Reason] = field(default_factory=dict)


@dataclass
class KindRules:
    """The enabled rules for one kind of subject, sorted by what they do."""

    not_rated: list[Rule] = field(default_factory=list)
    kht: list[Rule] = field(default_factory=list)
    caps: list[Rule] = field(default_factory=list)
    gates: dict[int, list[Rule]] = field(default_factory=lambda: {levels.HTXS: [], levels.HTT: [], levels.HT: []})
    decide: list[Rule] = field(default_factory=list)
    linked: list[Rule] = field(default_factory=list)
    levels: list[tuple[int, list[Rule]]] = field(default_factory=list)  # (level, its gates), HTXS first


@dataclass
class Compiled:
    spec: RulebookSpec
    by_kind: dict[str, KindRules]
    rules: dict[str, Rule]
    uses_links: bool


def _parse_effect(effect: str, where: str) -> tuple[str, int, str]:
    head, _, arg = effect.partition(":")
    if head == "not_rated" and arg:
        return "not_rated", levels.NONE, arg
    if head in {"max", "requires"} and arg in levels.BY_NAME:
        if head == "requires" and arg == "KHT":
            raise RulebookError(where, "«requires:KHT» không có nghĩa (KHT không cần điều kiện).")
        return head, levels.BY_NAME[arg], ""
    if head in {"KHT", "decide"} and not arg:
        return head, levels.KHT if head == "KHT" else levels.NONE, ""
    raise RulebookError(
        where, f"Hiệu lực «{effect}» không hợp lệ (not_rated:<lý do>, KHT, max:<mức>, requires:<mức>, decide)."
    )


def _compile_rule(spec: RuleSpec | LocalRule, where: str) -> Rule:
    check = CHECKS.get(spec.check)
    if check is None:
        raise RulebookError(
            f"{where}.check", f"Không có phép kiểm tra «{spec.check}» (có: {', '.join(sorted(CHECKS))})."
        )
    try:
        params = msgspec.convert(spec.params, check.params)
    except msgspec.ValidationError as exc:
        raise RulebookError(f"{where}.params", f"Tham số không hợp lệ: {exc}.") from None
    if isinstance(spec, LocalRule) and spec.required:
        # An earlier version let a gate fail on missing facts. It contradicts the case format ("a rule whose
        # facts are missing does not fire"): refused loudly rather than ignored.
        raise RulebookError(
            f"{where}.required",
            "«required» không còn được dùng: thiếu dữ kiện thì quy tắc không áp dụng và không bao giờ hạ mức "
            "(kết quả ghi quy tắc đó trong «missing», «unverified»); hãy bỏ trường này.",
        )
    effect, level, reason = _parse_effect(spec.effect, f"{where}.effect")
    assert check.linked or check.reads, f"check {spec.check} names no facts (checks.CheckDef.reads)"
    if check.linked and effect not in {"max", "requires"}:
        raise RulebookError(f"{where}.effect", "Phép kiểm tra liên kết chỉ dùng với max:<mức> hoặc requires:<mức>.")

    def given(step: str) -> Reason:
        return Reason(spec.id, step, spec.description, spec.source, not spec.confirmed)

    hit = mitigated = NO_REASON
    capped: dict[int, Reason] = {}
    if effect == "not_rated":
        hit = given("not_rated")
    elif effect == "KHT":
        hit, mitigated = given("→KHT"), given("needs_decision")
    elif effect == "decide":
        hit = given("needs_decision")
    elif effect == "requires":
        hit = given(levels.STEPS[(level, level - 1 if level > levels.HT else levels.NONE)])
    elif effect == "max":
        capped = {high: given(levels.STEPS[(high, level)]) for high in range(level + 1, len(levels.NAMES))}
    return Rule(
        spec.id, check, params, effect, level, reason, spec.description, spec.source, spec.confirmed, check.fn,
        check.mask, check.when_absent, hit, mitigated, capped,
    )  # fmt: skip


@cache
def load_spec(regime: Regime) -> RulebookSpec:
    """The rulebook of a regime, read and checked once per process."""
    return load_spec_file(RULEBOOK_DIR / f"{regime.value.lower()}.toml", regime)


def load_spec_file(path: Path, regime: Regime) -> RulebookSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        spec = msgspec.convert(data, RulebookSpec)
    except (tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        raise RulebookError(path.name, str(exc)) from None
    if spec.regime != regime:
        raise RulebookError(path.name, f"regime = {spec.regime}, cần {regime}.")
    ids = [r.id for r in spec.rules]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RulebookError(path.name, f"Mã quy tắc bị trùng: {', '.join(duplicates)}.")
    for i, rule in enumerate(spec.rules):
        _compile_rule(rule, f"{path.name} rules[{i}] ({rule.id})")
    return spec


def compile_rulebook(
    regime: Regime, options: Options | None = None, local_rules: list[LocalRule] | None = None
) -> Compiled:
    """The regime's rules with the case's switches and local rules applied, indexed by kind of subject.

    Without switches or local rules (nearly every case) the compiled rulebook is the regime's own, built once per
    process: the engine only reads it."""
    if not local_rules and (options is None or not (options.enable_rules or options.disable_rules)):
        return _compiled_as_published(regime)
    return _compile(regime, options, local_rules)


@cache
def _compiled_as_published(regime: Regime) -> Compiled:
    return _compile(regime, None, None)


def _compile(regime: Regime, options: Options | None, local_rules: list[LocalRule] | None) -> Compiled:
    spec = load_spec(regime)
    options = options or Options()
    known = {r.id for r in spec.rules}
    for name, ids in (("enable_rules", options.enable_rules), ("disable_rules", options.disable_rules)):
        for rule_id in ids:
            if rule_id not in known:
                raise RulebookError(f"options.{name}", f"Quy định {regime} không có quy tắc «{rule_id}».")
    specs: list[tuple[RuleSpec | LocalRule, bool, str]] = [
        (r, (r.enabled or r.id in options.enable_rules) and r.id not in options.disable_rules, f"rules[{i}]")
        for i, r in enumerate(spec.rules)
    ]
    for i, local in enumerate(local_rules or []):
        if local.id in known:
            raise RulebookError(f"local_rules[{i}].id", f"«{local.id}» trùng mã một quy tắc của {regime}.")
        specs.append((local, True, f"local_rules[{i}]"))
    compiled = Compiled(spec=spec, by_kind={k: KindRules() for k in KINDS}, rules={}, uses_links=False)
    for rule_spec, enabled, where in specs:
        if not enabled:
            continue
        rule = _compile_rule(rule_spec, where)
        compiled.rules[rule.id] = rule
        compiled.uses_links = compiled.uses_links or rule.check.linked
        for kind in rule_spec.applies_to:
            bucket = compiled.by_kind[kind]
            if rule.check.linked:
                bucket.linked.append(rule)
            elif rule.effect == "not_rated":
                bucket.not_rated.append(rule)
            elif rule.effect == "KHT":
                bucket.kht.append(rule)
            elif rule.effect == "max":
                bucket.caps.append(rule)
            elif rule.effect == "requires":
                bucket.gates[rule.level].append(rule)
            else:
                bucket.decide.append(rule)
    for bucket in compiled.by_kind.values():
        bucket.levels = [(level, bucket.gates[level]) for level in (levels.HTXS, levels.HTT, levels.HT)]
    return compiled
