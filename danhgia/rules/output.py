"""The result of a classification (case-format.md, "Output"), as structs encoded to JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from msgspec import Struct

from danhgia.rules.case import LevelName


class Reason(Struct, omit_defaults=True, frozen=True, gc=False):
    rule: str
    effect: str
    text: str
    source: str
    unconfirmed: bool = False


class Result(Struct, omit_defaults=True, kw_only=True, gc=False):
    id: str
    rated: bool
    level: LevelName | None
    eligible: LevelName | None
    not_rated_reason: str | None = None
    needs_decision: bool = False
    score: float | None = None
    quota_position: int | None = None  # place among the group's HTXS candidates, in quota order
    reasons: list[Reason] | tuple[Reason, ...]
    missing: list[str] | tuple[str, ...] | None = None
    # The conditions of `level` that could not be checked for lack of facts (rule ids, or the head rule when the
    # body headed has no level): the level is not verified and the competent authority must look at it.
    unverified: list[str] | tuple[str, ...] | None = None


class QuotaResult(Struct, omit_defaults=True):
    group: str
    rule: str
    rate: float | None  # None: the group has no cap ("quota": null)
    base: str | None
    rounding: str | None
    candidates: int
    htt: int
    granted: int
    cap: int | None
    downgraded: list[str]
    tie_at_cutoff: bool
    decided_by: str | None = None
    reason: str | None = None
    unconfirmed: list[str] = []


class Output(Struct):
    regime: str
    rulebook: str
    as_of: dt.date
    options: dict[str, Any]
    results: list[Result]
    quota: list[QuotaResult]
    warnings: list[str]
