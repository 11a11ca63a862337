"""Who decides a subject's level: the competent authority (QĐ 366 Art. 13; HD 43 §3), per level of the tree.

Defaults (each documented in docs/reviews.md; a period can override them with AuthorityRule):
- a member: the grassroots party organization over their cell (the cell proposes, the grassroots committee
  decides; not written for members in the texts found, R99 UNCONFIRMED);
- a party cell under a committee: the grassroots organization above it (R95; a partial committee only proposes);
- a grassroots organization: the party committee directly above it (R96); an upper-level committee: the
  committee above it (R97);
- a leader, a leadership collective, a same-level body: the committee above the party organization that leads
  the body concerned (the committee that manages the cadre, "theo phân cấp quản lý").
"""

from __future__ import annotations

from collections.abc import Callable

from danhgia.orgs.models import CELL_KINDS, PARTY_KINDS, Unit
from danhgia.reviews.models import ReviewKind


def _chain(unit: Unit, parent_of: Callable[[Unit], Unit | None]) -> list[Unit]:
    """The unit and its ancestors, nearest first."""
    chain = [unit]
    while (parent := parent_of(chain[-1])) is not None:
        chain.append(parent)
    return chain


def default_authority(kind: str, context: Unit, parent_of: Callable[[Unit], Unit | None]) -> Unit:
    chain = _chain(context, parent_of)
    above = chain[1:] or chain

    def committee_above(start: int) -> Unit:
        for unit in chain[start:]:
            if unit.kind in PARTY_KINDS and unit.kind not in CELL_KINDS:
                return unit
        return chain[-1]

    if kind in {ReviewKind.MEMBER, ReviewKind.MEMBER_OUTSIDE}:
        return next((u for u in chain if u.is_grassroots), chain[-1])
    if kind == ReviewKind.PARTY_ORG:
        if context.is_grassroots:
            return committee_above(1)
        return next((u for u in above if u.is_grassroots), chain[-1])
    # Leaders, collectives, bodies: above the party organization that leads the body.
    leading = next((i for i, u in enumerate(chain) if u.kind in PARTY_KINDS), len(chain) - 1)
    return committee_above(leading + 1)


def authority_with_rules(
    kind: str, context: Unit, parent_of: Callable[[Unit], Unit | None], rules: dict[tuple[str, str], str]
) -> Unit:
    decider_kind = rules.get((kind, context.kind))
    if decider_kind:
        for unit in _chain(context, parent_of)[1:]:
            if unit.kind == decider_kind:
                return unit
    return default_authority(kind, context, parent_of)
