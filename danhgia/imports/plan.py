"""What an import would do, sheet by sheet and row by row: the dry run the officer reads before confirming.

A plan is computed from the file and the database as they are; nothing is written while planning. Applying
plans again inside the import's transaction and writes only when the new plan says the same as the one the
officer confirmed (`Plan.digest`): a change made in between asks for a new dry run instead of writing something
nobody read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from danhgia.imports.cleaning import clean_text


@dataclass(frozen=True)
class Row:
    """One data row of a sheet, by field name, with the spreadsheet's row number and each field's column."""

    number: int
    values: dict[str, Any]
    columns: dict[str, str]  # field → the column's header as written in the file

    def column(self, name: str) -> str:
        return self.columns.get(name, name)


@dataclass(frozen=True)
class Refusal:
    sheet: str
    row: int
    column: str
    value: str
    reason: str


@dataclass
class Change:
    """A row to create or to update; `fields` maps a field's label to (old, new), old None for a creation."""

    row: int
    key: str  # how the row is recognised: a unit's code, a member's card number ...
    label: str  # what the officer reads: a unit's name, a person's name and date of birth
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. "chuyển sinh hoạt từ X sang Y"


@dataclass
class SheetPlan:
    sheet: str
    kind: str  # units, members, posts, quota_groups, results
    created: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # rows accepted with a caution (a key by name and birth date)
    absent: list[str] = field(default_factory=list)  # in the database and the scope, not in the file: never deleted

    def __post_init__(self) -> None:
        self._refused_rows: set[int] = set()  # not a field: not in the report

    def refuse(self, row: Row, name: str, reason: str) -> None:
        value = row.values.get(name)
        self.refused.append(Refusal(self.sheet, row.number, row.column(name), _text(value), reason))
        self._refused_rows.add(row.number)

    def is_refused(self, row: Row) -> bool:
        return row.number in self._refused_rows

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "refused": len(self.refused),
        }


@dataclass
class Plan:
    sheets: list[SheetPlan] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._json: dict[str, Any] | None = None  # as_json, once the plan is complete

    @property
    def refused(self) -> int:
        return sum(len(s.refused) for s in self.sheets)

    @property
    def writes(self) -> int:
        return sum(len(s.created) + len(s.updated) for s in self.sheets)

    def counts(self) -> dict[str, dict[str, int]]:
        return {s.sheet: s.counts for s in self.sheets}

    def as_json(self) -> dict[str, Any]:
        """The plan as the import keeps it (written once: a province's plan is some 75,000 rows)."""
        if self._json is None:
            self._json = json.loads(json.dumps({"sheets": [asdict(s) for s in self.sheets]}, default=_text))
        return self._json

    @property
    def digest(self) -> str:
        """What the plan would write, as a hash: the same file on the same data gives the same digest."""
        payload = json.dumps(self.as_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()


def refuse_missing(row: Row, plan: SheetPlan, names: Iterable[str], columns: Mapping[str, str]) -> bool:
    """Refuse the row for the first of `names` it leaves empty («Thiếu …»); whether it did."""
    for name in names:
        if not clean_text(row.values.get(name) or ""):
            plan.refuse(row, name, f"Thiếu «{columns[name]}».")
            return True
    return False


CHUNK = 5000  # values per IN (...): SQLite takes at most 32,766 parameters in a statement


def rows_in(queryset: Any, field: str, values: Collection[Any]) -> Iterator[Any]:
    """The rows whose `field` is one of `values`, a chunk of values per query."""
    ordered = sorted(values)
    for start in range(0, len(ordered), CHUNK):
        yield from queryset.filter(**{f"{field}__in": ordered[start : start + CHUNK]})


def row_list(numbers: list[int], shown: int = 20) -> str:
    """«dòng 2, 5, 9» — the first rows of a list, and how many more."""
    listed = ", ".join(str(n) for n in numbers[:shown])
    return f"dòng {listed}" + (f" và {len(numbers) - shown} dòng khác" if len(numbers) > shown else "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)
