"""Template helpers of the review pages: keyed lookups (per-row fields) and the labels of stored codes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from danhgia.lib import numbers
from danhgia.reviews import criteria, presentation
from danhgia.reviews.criteria import GRADES
from danhgia.reviews.models import LEVEL_CHOICES, TaskStatus

register = template.Library()

_LEVELS = dict(LEVEL_CHOICES)


@register.simple_tag
def pick(mapping: Any, *parts: Any) -> Any:
    """`{% pick errors "level_" row.pk as errs %}`: mapping["level_12"], or None (dicts and QueryDicts)."""
    if not mapping:
        return None
    return mapping.get("".join(str(p) for p in parts))


@register.simple_tag
def posted(post: Any, prefix: str, pk: Any, fallback: Any = "") -> Any:
    """What was typed in a grid's row field (after a refused POST), else the stored value."""
    if post:
        return post.get(f"{prefix}{pk}", "")
    return "" if fallback is None else fallback


@register.filter
def get(mapping: Any, key: Any) -> Any:
    if not mapping:
        return None
    value = mapping.get(key)
    return mapping.get(str(key)) if value is None else value


@register.filter
def form_label(code: str) -> str:
    return criteria.form_label(code)


@register.filter
def level_label(code: str) -> str:
    return _LEVELS.get(code, code or "")


@register.filter
def task_status_label(code: str) -> str:
    return TaskStatus(code).label if code in TaskStatus.values else ""


@register.filter
def grade_label(code: str) -> str:
    return GRADES.get(code, code or "")


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None


@register.filter
def points(value: Any) -> str:
    """Points as written in Vietnamese: 4 → "4", 4.50 → "4,5"; empty stays empty."""
    number = _decimal(value)
    if number is not None and number.is_finite():
        try:
            return numbers.points(number)
        except ValueError:  # too large to write out ("1e309")
            pass
    return "" if value in (None, "") else str(value)


@register.filter
def point_input(value: Any) -> str:
    """The value of a number input (a dot, never a thousands separator): 4.00 → "4"; bad input is kept."""
    number = _decimal(value)
    if number is None or not number.is_finite() or number.adjusted() >= 6:
        # "1e309", "Infinity", a run of digits: shown back as typed, next to its refusal (quantizing them raises).
        return "" if value in (None, "") else str(value)
    return format(number.quantize(Decimal("0.01")).normalize(), "f")


@register.filter
def isodate(value: Any) -> dt.date | Any:
    """A date stored as ISO text in JSON ("2026-05-01") as a date, for the |date filter."""
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return value


@register.simple_tag
def decision_view(
    rows: Any, capped: Any, errors: Any, wanted: Any, regime: str, page: Any = None
) -> presentation.DecisionView:
    """`{% decision_view rows capped errors request.GET.xem period.regime request.GET.trang as view %}`: the
    decision page's rows under the chosen filter, a page of them, numbered in the whole group, with their chips."""
    return presentation.decision_view(list(rows), set(capped or ()), errors, str(wanted or ""), regime, page)


@register.simple_tag
def quota_method(quota: Any, regime: str) -> list[str]:
    """The quota's open choices, in words (Cơ sở tính tỷ lệ: …; Làm tròn: …; Nhóm nhỏ: …)."""
    return presentation.quota_method(quota, regime)


@register.filter
def plain_warning(text: str) -> str:
    return presentation.plain_warning(str(text))
