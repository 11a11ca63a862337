"""Template helpers used across the pages."""

from __future__ import annotations

from typing import Any

from django import template

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib import numbers
from danhgia.orgs.models import Branch, Unit, branch_of

register = template.Library()

_BRANCH_CLASS = {Branch.PARTY: "party", Branch.GOVERNMENT: "gov", Branch.FRONT: "front", Branch.MASS: "mass"}


@register.filter
def branch_class(unit: Unit) -> str:
    return _BRANCH_CLASS[branch_of(unit.kind)]


@register.filter
def vn_number(value: Any) -> str:
    """A count as people read it: 69190 → "69.190" (in English "69,190"; lib/numbers.py). Never for an id."""
    try:
        return numbers.number(int(value))
    except (TypeError, ValueError):
        return ""


@register.filter
def percent(part: Any, whole: Any) -> str:
    """`part` as a percentage of `whole`: "12,5%"; "—" without a whole."""
    try:
        return numbers.percent_of(part, whole)
    except (TypeError, ValueError, ArithmeticError):
        return "—"


@register.filter
def sees_unit(user: Any, unit: Unit) -> bool:
    """Whether the unit's page would open for this user: a link they may follow, not one that ends in a refusal."""
    return bool(unit) and scope_for(user, Perm.ORGS_VIEW).contains(unit.path)
