"""Template helpers of the report pages: shares as Vietnamese percentages, levels of a row, history lookups."""

from __future__ import annotations

from typing import Any

from django import template

from danhgia.lib import numbers

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """0.1234 → "12,3%" ("—" when there is nothing to share)."""
    if value is None or value == "":
        return "—"
    try:
        return numbers.percent(value)
    except (TypeError, ValueError, ArithmeticError):
        return "—"


@register.filter
def signed_pct(value: Any) -> str:
    """A difference of shares: +3,2 điểm % / −1,0 điểm %."""
    if value is None:
        return "—"
    return numbers.signed_points(value)


@register.filter
def points(value: Any) -> str:
    """Points with a decimal comma: 87.50 → "87,5"."""
    if value is None or value == "":
        return "—"
    return numbers.points(value)


@register.filter
def count_of(levels: Any, level: str) -> int:
    return levels.counts.get(level, 0) if levels is not None else 0


@register.filter
def share_of(levels: Any, level: str) -> float | None:
    return levels.share(level) if levels is not None and levels.decided else None


@register.filter
def level_at(levels: list[tuple[int, str]], year: int) -> str:
    """The level of a screening line in a year ("" when not rated that year)."""
    for y, level in levels:
        if y == year:
            return level
    return ""


@register.filter
def split(text: str) -> list[str]:
    return text.split()


@register.filter
def at(mapping: Any, key: Any) -> Any:
    """mapping[key] (also with the key as text), or "" when absent."""
    if not mapping:
        return ""
    value = mapping.get(key)
    if value is None:
        value = mapping.get(str(key))
    return "" if value is None else value


@register.filter
def count_at(mapping: Any, key: Any) -> int:
    return (mapping or {}).get(key, 0)
