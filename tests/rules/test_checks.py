"""The engine skips a check none of whose facts a subject records, and gives its `when_absent` answer instead
(checks.CheckDef). Each check must really answer that, whatever the subject's other facts."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import msgspec
import pytest

from danhgia.rules.case import Subject
from danhgia.rules.checks import CHECKS, FACTS, Context, fact_mask, present
from danhgia.rules.regimes import Regime
from danhgia.rules.rulebook import load_spec
from tests.rules.helpers import YEAR, good

REGIMES = ("R2018", "R2023", "R2025")


def _params() -> dict[str, list[dict[str, Any]]]:
    """Every set of parameters the rulebooks give each check."""
    found: dict[str, list[dict[str, Any]]] = {}
    for regime in REGIMES:
        for rule in load_spec(Regime(regime)).rules:
            if rule.params not in found.setdefault(rule.check, []):
                found[rule.check].append(rule.params)
    return found


PARAMS = _params()


def _subjects(without: tuple[str, ...]) -> list[Subject]:
    """Subjects of every kind and regime with their usual facts, but none of `without`."""
    out = []
    for regime, kind in itertools.product(REGIMES, ("member", "leader", "party_org", "collective")):
        data = {k: v for k, v in good(regime, kind).items() if k not in without}
        data.update(
            id="s", kind=kind, civil_servant_level="HT", discipline=[{"date": "2025-03-01", "form": "canh_cao"}]
        )
        for name in without:
            data.pop(name, None)
        out.append(msgspec.convert(data, Subject))
    out.append(Subject(id="bare", kind="member"))
    return out


@pytest.mark.parametrize("name", sorted(n for n, c in CHECKS.items() if not c.linked))
def test_a_check_without_its_facts_gives_its_absent_answer(name):
    check = CHECKS[name]
    assert check.reads, f"{name} names no facts"
    assert set(check.reads) <= set(FACTS)
    # A check no rulebook uses yet (a province may): its parameters' defaults, or a plausible value.
    fallback = {"grade": "kem"} if name == "any_criterion_graded" else {"share": 0.5} if "share" in name else {}
    for params in PARAMS.get(name, [fallback]):
        p = msgspec.convert(params, check.params)
        for regime in REGIMES:
            ctx = Context(year=YEAR[regime], as_of=dt.date(YEAR[regime], 12, 31))
            for s in _subjects(check.reads):
                assert not (present(s) & fact_mask(check.reads)), (name, s)
                assert check.fn is not None
                assert check.fn(s, p, ctx) == check.when_absent, (name, params, regime, s.kind)
