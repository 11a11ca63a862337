"""Writes to the organization tree. Each service validates, writes, and audits in one transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr

from danhgia.audit.models import Action
from danhgia.audit.services import record, snapshot
from danhgia.lib.dates import check_days
from danhgia.lib.text import clean_name, search_text, sort_key
from danhgia.orgs.models import (
    CELL_KINDS,
    GRASSROOTS_KINDS,
    PARTY_KINDS,
    Locality,
    Unit,
    UnitKind,
    path_segment,
    subtree_q,
)

if TYPE_CHECKING:
    from danhgia.accounts.models import User

# Party organizations under which a cell (chi bộ trực thuộc) may sit.
CELL_PARENTS = frozenset({UnitKind.GRASSROOTS_COMMITTEE, UnitKind.PARTIAL_COMMITTEE, UnitKind.COMMUNE_COMMITTEE})
UNIT_FIELDS = ["name", "kind", "locality", "is_grassroots", "code", "collective_name", "founded_on", "dissolved_on"]


def check_placement(kind: str, parent: Unit | None) -> None:
    if parent is None:
        if kind not in PARTY_KINDS:
            raise ValidationError({"parent": "Cơ quan, đơn vị phải trực thuộc một tổ chức đảng hoặc một cơ quan khác."})
        return
    if parent.dissolved_on is not None:
        raise ValidationError({"parent": f"«{parent.name}» đã giải thể, sáp nhập: không thể thêm đơn vị trực thuộc."})
    # A grassroots cell (chi bộ cơ sở) of an agency, a school, an enterprise leads that body at its level, which
    # hangs under it (the demo province has them); no cell has a party organization under it.
    if parent.kind == UnitKind.CELL or (parent.kind in CELL_KINDS and kind in PARTY_KINDS):
        raise ValidationError({"parent": "Chi bộ không có tổ chức trực thuộc."})
    if kind in PARTY_KINDS and not parent.is_party:
        raise ValidationError({"parent": "Tổ chức đảng chỉ trực thuộc một tổ chức đảng."})
    if kind == UnitKind.CELL and parent.kind not in CELL_PARENTS:
        raise ValidationError(
            {"parent": "Chi bộ trực thuộc phải thuộc đảng bộ cơ sở, đảng ủy bộ phận hoặc đảng bộ xã, phường."}
        )


def derive_names(unit: Unit) -> None:
    unit.name = clean_name(unit.name)
    unit.sort_key = sort_key(unit.name)
    unit.search_text = search_text(unit.name)


@transaction.atomic
def unit_create(
    *,
    parent: Unit | None,
    kind: str,
    name: str,
    actor: User | None,
    locality: str = Locality.NONE,
    is_grassroots: bool | None = None,
    code: str = "",
    collective_name: str = "",
    founded_on: dt.date | None = None,
) -> Unit:
    check_placement(kind, parent)
    check_days(founded_on=("Ngày thành lập", founded_on))
    unit = Unit(
        parent=parent,
        kind=kind,
        name=name,
        locality=locality,
        is_grassroots=kind in GRASSROOTS_KINDS if is_grassroots is None else is_grassroots,
        code=code.strip(),
        collective_name=clean_name(collective_name),
        founded_on=founded_on,
    )
    derive_names(unit)
    unit.full_clean(exclude=["path"], validate_unique=False)
    # The path holds the unit's own id, known only after the insert.
    unit.path = f"pending-{uuid.uuid4().hex}"
    unit.save()
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.save(update_fields=["path"])
    record(actor=actor, action=Action.UNIT_CREATED, target=unit, unit=unit, new=snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    actor: User | None,
    name: str | None = None,
    code: str | None = None,
    collective_name: str | None = None,
    locality: str | None = None,
    is_grassroots: bool | None = None,
    founded_on: dt.date | None = None,
) -> Unit:
    check_days(founded_on=("Ngày thành lập", founded_on))
    old = snapshot(unit, UNIT_FIELDS)
    if name is not None:
        unit.name = name
    if code is not None:
        unit.code = code.strip()
    if collective_name is not None:
        unit.collective_name = clean_name(collective_name)
    if locality is not None:
        unit.locality = locality
    if is_grassroots is not None:
        unit.is_grassroots = is_grassroots
    if founded_on is not None:
        unit.founded_on = founded_on
    derive_names(unit)
    unit.full_clean()
    unit.save()
    new = snapshot(unit, UNIT_FIELDS)
    if new != old:
        record(actor=actor, action=Action.UNIT_UPDATED, target=unit, unit=unit, old=old, new=new)
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit, actor: User | None) -> Unit:
    """Place a unit (and its whole subtree) under another parent, e.g. after a merger of communes."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if Unit.objects.filter(subtree_q(unit.path), pk=new_parent.pk).exists():
        raise ValidationError({"parent": "Không thể chuyển một đơn vị vào chính nó hoặc đơn vị trực thuộc nó."})
    check_placement(unit.kind, new_parent)
    old_path, old_parent_id = unit.path, unit.parent_id
    new_path = new_parent.path + path_segment(unit.pk)
    # One statement rewrites the prefix of every path in the subtree.
    Unit.objects.filter(subtree_q(old_path)).update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1)))
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.refresh_from_db()
    record(
        actor=actor,
        action=Action.UNIT_MOVED,
        target=unit,
        unit=unit,
        old={"parent": old_parent_id, "path": old_path},
        new={"parent": new_parent.pk, "path": unit.path},
    )
    return unit


@transaction.atomic
def unit_dissolve(*, unit: Unit, on: dt.date, actor: User | None) -> Unit:
    from danhgia.people.models import PRESENT_STATUSES, Membership

    check_days(dissolved_on=("Ngày giải thể, sáp nhập", on))
    if unit.founded_on and on < unit.founded_on:
        raise ValidationError({"dissolved_on": "Ngày giải thể không thể trước ngày thành lập."})
    if Unit.objects.filter(parent=unit, dissolved_on__isnull=True).exists():
        raise ValidationError(
            {"dissolved_on": "Đơn vị còn tổ chức trực thuộc đang hoạt động: hãy chuyển hoặc giải thể trước."}
        )
    if Membership.objects.filter(unit=unit, valid_to__isnull=True, status__in=PRESENT_STATUSES).exists():
        raise ValidationError({"dissolved_on": "Chi bộ còn đảng viên đang sinh hoạt: hãy chuyển sinh hoạt trước."})
    old = snapshot(unit, ["dissolved_on"])
    unit.dissolved_on = on
    unit.save(update_fields=["dissolved_on"])
    record(
        actor=actor, action=Action.UNIT_DISSOLVED, target=unit, unit=unit, old=old, new=snapshot(unit, ["dissolved_on"])
    )
    return unit
