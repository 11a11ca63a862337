"""The organization tree from a sheet: one row per unit, recognised by its code, placed by its parent's code.

A unit is recognised by its code (`Unit.code`); a unit that has none in the database is written by the export as
«DG-<id>» and recognised by it, so that exporting and importing again is a round trip. A unit of the scope that
the file does not list is reported, never deleted. A unit does not change its kind through a file: that is a
dissolution and a new unit, which the officer decides on the tree's pages.
"""

from __future__ import annotations

import copy
import re
import uuid
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from danhgia.audit.models import Action
from danhgia.audit.services import event, record_many, snapshot
from danhgia.imports.cleaning import CellError, clean_text, parse_bool, parse_choice, parse_date
from danhgia.imports.plan import Change, Row, SheetPlan
from danhgia.lib.text import clean_name
from danhgia.orgs import services as orgs
from danhgia.orgs.models import GRASSROOTS_KINDS, Locality, Unit, UnitKind, path_ids, path_segment, subtree_q

if TYPE_CHECKING:
    from danhgia.accounts.models import User

# The template's columns (field → header), in the template's order.
COLUMNS = {
    "code": "Mã đơn vị",
    "name": "Tên đơn vị",
    "kind": "Loại đơn vị",
    "parent_code": "Mã đơn vị cấp trên",
    "locality": "Cấp địa bàn",
    "is_grassroots": "Là tổ chức cơ sở đảng",
    "collective_name": "Tên tập thể lãnh đạo, quản lý",
    "founded_on": "Ngày thành lập",
    "dissolved_on": "Ngày giải thể, sáp nhập",
}
REQUIRED = ("code", "name", "kind")
EXPORT_CODE = re.compile(r"^DG-(\d+)$")  # the export's code of a unit that has none
KEEP: Any = object()  # a column the file does not have: the field is left as it is


@dataclass
class Line:
    row: Row
    code: str
    name: str
    kind: str
    parent_code: str
    locality: Any
    is_grassroots: Any
    collective_name: Any
    founded_on: Any
    dissolved_on: Any
    unit: Unit | None = None  # the unit of the database it updates
    parent: Unit | None = None  # its parent in the database, or None while the parent is another row
    parent_line: Line | None = None


def code_key(code: str) -> str:
    return code.strip().casefold()


def _choice(value: Any, choices: type[Any], field: str) -> str:
    chosen = parse_choice(value, choices, field=field)
    if chosen is None:
        raise CellError(field, value, f"Thiếu «{COLUMNS[field]}»")
    return chosen


def _boolean(value: Any, field: str) -> Any:
    chosen = parse_bool(value, field=field)
    return KEEP if chosen is None else chosen  # empty: as the unit is, or as its kind makes it


def _parse(row: Row, plan: SheetPlan) -> Line | None:
    v = row.values
    for name in REQUIRED:
        if not clean_text(v.get(name) or ""):
            plan.refuse(row, name, f"Thiếu «{COLUMNS[name]}».")
            return None
    try:
        return Line(
            row=row,
            code=clean_text(v["code"]),
            name=clean_name(clean_text(v["name"])),
            kind=_choice(v["kind"], UnitKind, "kind"),
            parent_code=clean_text(v.get("parent_code") or ""),
            locality=_choice(v["locality"], Locality, "locality") if clean_text(v.get("locality") or "") else
            ("" if "locality" in v else KEEP),
            is_grassroots=_boolean(v["is_grassroots"], "is_grassroots") if "is_grassroots" in v else KEEP,
            collective_name=clean_name(clean_text(v["collective_name"] or "")) if "collective_name" in v else KEEP,
            founded_on=parse_date(v["founded_on"], field="founded_on") if "founded_on" in v else KEEP,
            dissolved_on=parse_date(v["dissolved_on"], field="dissolved_on") if "dissolved_on" in v else KEEP,
        )  # fmt: skip
    except CellError as error:
        plan.refuse(row, error.field, error.message)
        return None


def export_code(unit: Unit) -> str:
    """The code a unit goes by in a file: its own, else the export's «DG-<id>»."""
    return unit.code or f"DG-{unit.pk}"


def scope_units(scope: Unit | None) -> dict[str, Unit]:
    """The units of `scope` (everything when None) by the code a file names them with (`export_code`)."""
    found = Unit.objects.all() if scope is None else Unit.objects.filter(subtree_q(scope.path))
    return {code_key(export_code(u)): u for u in found}


def _existing(lines: list[Line], scope_units: list[Unit], scope: Unit | None, plan: SheetPlan) -> dict[str, Unit]:
    """The scope's units by code («DG-<id>» for those without); refuse codes used outside the scope."""
    by_code: dict[str, Unit] = {}
    ambiguous: set[str] = set()
    for unit in scope_units:
        key = code_key(export_code(unit))
        if key in by_code:
            ambiguous.add(key)
        by_code[key] = unit
    for key in ambiguous:
        by_code.pop(key)
    if scope is not None:
        outside = Unit.objects.exclude(subtree_q(scope.path)).exclude(code="")
        taken = {code_key(u.code): u for u in outside.filter(code__in={line.code for line in lines})}
        for line in lines:
            if code_key(line.code) in taken and code_key(line.code) not in by_code:
                owner = taken[code_key(line.code)].name
                plan.refuse(line.row, "code", f"Mã «{line.code}» là của «{owner}», ngoài phạm vi.")
    for line in lines:
        if EXPORT_CODE.match(line.code) and code_key(line.code) not in by_code:
            plan.refuse(
                line.row,
                "code",
                f"«{line.code}» là mã DanhGia đặt cho một đơn vị không còn trong phạm vi: hãy ghi mã thật.",
            )
        if code_key(line.code) in ambiguous:
            plan.refuse(line.row, "code", f"Nhiều đơn vị trong phạm vi cùng mã «{line.code}»: hãy sửa mã trên cây.")
    return by_code


def plan_units(rows: list[Row], *, scope: Unit | None, plan: SheetPlan) -> list[Line]:
    """Fill `plan` with what the rows would do; return the accepted lines, parents before children."""
    lines: list[Line] = []
    seen: dict[str, Line] = {}
    for row in rows:
        line = _parse(row, plan)
        if line is None:
            continue
        key = code_key(line.code)
        if key in seen:
            plan.refuse(row, "code", f"Mã «{line.code}» đã có ở dòng {seen[key].row.number}.")
            continue
        seen[key] = line
        lines.append(line)
    scope_units = list(
        (Unit.objects.filter(subtree_q(scope.path)) if scope is not None else Unit.objects.all()).order_by("path")
    )
    existing = _existing(lines, scope_units, scope, plan)
    lines = [line for line in lines if not plan.is_refused(line.row)]
    by_code = {code_key(line.code): line for line in lines}
    for line in lines:
        line.unit = existing.get(code_key(line.code))
    roots = _resolve_parents(lines, by_code, existing, scope, plan)
    ordered = _in_tree_order(lines, roots, plan)
    for line in ordered:
        _compare(line, plan)
    accepted = [line for line in ordered if not plan.is_refused(line.row)]
    matched = {line.unit.pk for line in accepted if line.unit is not None}
    plan.absent = [
        f"{u.name} (mã {export_code(u)})" for u in scope_units if u.dissolved_on is None and u.pk not in matched
    ]
    return accepted


def root_keys(lines: list[Line]) -> dict[str, int | str]:
    """The province each new unit of the sheet will be in: a root of the database (its id), or a root the sheet
    creates («new:<code>»), by the new unit's code."""
    roots: dict[str, int | str] = {}
    for line in lines:
        if line.unit is not None:
            continue
        top = line
        while top.parent_line is not None:
            top = top.parent_line
        placed = top.unit or top.parent
        roots[code_key(line.code)] = path_ids(placed.path)[0] if placed is not None else f"new:{code_key(top.code)}"
    return roots


def _resolve_parents(
    lines: list[Line], by_code: dict[str, Line], existing: dict[str, Unit], scope: Unit | None, plan: SheetPlan
) -> list[Line]:
    roots = []
    for line in lines:
        if not line.parent_code:
            if scope is not None and (line.unit is None or line.unit.pk != scope.pk):
                plan.refuse(
                    line.row, "parent_code", f"Thiếu mã đơn vị cấp trên (chỉ «{scope.name}» không có cấp trên)."
                )
            else:
                roots.append(line)
            continue
        key = code_key(line.parent_code)
        if key in by_code:
            line.parent_line = by_code[key]
        elif key in existing:
            line.parent = existing[key]
            roots.append(line)
        else:
            missing = f"Không có đơn vị mã «{line.parent_code}» trong tệp hay trong phạm vi."
            plan.refuse(line.row, "parent_code", missing)
        if scope is not None and line.unit is not None and line.unit.pk == scope.pk:
            plan.refuse(line.row, "parent_code", f"«{scope.name}» là phạm vi nhập: không đổi cấp trên qua tệp.")
    return roots


def _in_tree_order(lines: list[Line], roots: list[Line], plan: SheetPlan) -> list[Line]:
    """Parents before children, from the roots; rows left unreached form a cycle or hang on a refused row."""
    children: dict[int, list[Line]] = {}
    for line in lines:
        if line.parent_line is not None:
            children.setdefault(id(line.parent_line), []).append(line)
    ordered: list[Line] = []
    queue = deque(line for line in roots if not plan.is_refused(line.row))
    while queue:
        line = queue.popleft()
        ordered.append(line)
        queue.extend(children.get(id(line), []))
    reached = set(map(id, ordered))
    for line in lines:
        if id(line) in reached or plan.is_refused(line.row):
            continue
        chain, cursor = [line.code], line.parent_line
        while cursor is not None and cursor is not line and len(chain) <= len(lines):
            chain.append(cursor.code)
            cursor = cursor.parent_line
        if cursor is line:
            plan.refuse(line.row, "parent_code", f"Vòng lặp cấp trên: {' → '.join([*chain, line.code])}.")
        else:
            parent = line.parent_line
            where = f"dòng {parent.row.number}" if parent is not None else f"mã «{line.parent_code}»"
            plan.refuse(line.row, "parent_code", f"Đơn vị cấp trên ({where}) bị từ chối.")
    return ordered


def _would_be(line: Line) -> Unit:
    """The unit as the row describes it, unsaved: its parent's checks read it before it exists."""
    base = line.unit
    return Unit(
        kind=line.kind,
        name=line.name,
        code=line.code if not EXPORT_CODE.match(line.code) else (base.code if base else ""),
        locality=_value(line.locality, base, "locality", ""),
        is_grassroots=_value(line.is_grassroots, base, "is_grassroots", line.kind in GRASSROOTS_KINDS),
        collective_name=_value(line.collective_name, base, "collective_name", ""),
        founded_on=_value(line.founded_on, base, "founded_on", None),
        dissolved_on=_value(line.dissolved_on, base, "dissolved_on", None),
    )


def _value(given: Any, base: Unit | None, name: str, default: Any) -> Any:
    if given is not KEEP:
        return given
    return getattr(base, name) if base is not None else default


def _parent_of(line: Line) -> Unit | None:
    if line.parent_line is not None:
        return _would_be(line.parent_line)
    return line.parent


LABELS = {**COLUMNS, "parent": "Trực thuộc"}


def _compare(line: Line, plan: SheetPlan) -> None:
    parent = _parent_of(line)
    unit = _would_be(line)
    label = f"{line.name} (mã {line.code})"
    try:
        # Field by field; the constraint (dissolved after founded) here, not by Django's one query per row.
        unit.full_clean(
            exclude=["path", "parent", "sort_key", "search_text"], validate_unique=False, validate_constraints=False
        )
        if unit.founded_on and unit.dissolved_on and unit.dissolved_on < unit.founded_on:
            raise ValidationError({"dissolved_on": "Ngày giải thể, sáp nhập trước ngày thành lập."})
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        plan.refuse(line.row, name if name in COLUMNS else "name", " ".join(messages))
        return
    if line.unit is None:
        try:
            orgs.check_placement(line.kind, _as_placed(parent, unit))
        except ValidationError as error:
            plan.refuse(line.row, "parent_code", " ".join(error.messages))
            return
        under = f" — trực thuộc {parent.name}" if parent is not None else ""
        plan.created.append(Change(line.row.number, line.code, f"{label}{under}"))  # the row says the rest
        return
    old = line.unit
    if old.kind != line.kind:
        what = f"«{old.name}» là {old.get_kind_display()}"
        plan.refuse(line.row, "kind", f"{what}: không đổi loại đơn vị qua nhập tệp (giải thể và lập mới trên cây).")
        return
    if old.dissolved_on is not None and unit.dissolved_on is None:
        plan.refuse(line.row, "dissolved_on", f"«{old.name}» đã giải thể ngày {old.dissolved_on:%d/%m/%Y}.")
        return
    fields = {
        LABELS[n]: (getattr(old, n), getattr(unit, n))
        for n in orgs.UNIT_FIELDS
        if n != "kind" and getattr(old, n) != getattr(unit, n)
    }
    notes = []
    moved = _moved(line, old)
    if moved:
        try:
            orgs.check_placement(line.kind, _as_placed(parent, unit))
        except ValidationError as error:
            plan.refuse(line.row, "parent_code", " ".join(error.messages))
            return
        old_parent = old.parent.name if old.parent is not None else ""
        fields[LABELS["parent"]] = (old_parent, parent.name if parent is not None else "")
        notes.append(f"Chuyển trực thuộc từ «{old_parent}» sang «{parent.name if parent else ''}».")
    if fields:
        plan.updated.append(Change(line.row.number, line.code, label, fields, notes))
    else:
        plan.unchanged += 1


def _as_placed(parent: Unit | None, unit: Unit) -> Unit | None:
    """The parent as the placement rules read it: a unit dissolved by the time its parent was (a dissolved
    commune's dissolved cells, from the archive) was placed while the parent was still there."""
    if parent is None or parent.dissolved_on is None or unit.dissolved_on is None:
        return parent
    if unit.dissolved_on > parent.dissolved_on:
        return parent
    placed = copy.copy(parent)
    placed.dissolved_on = None
    return placed


def _moved(line: Line, old: Unit) -> bool:
    if line.parent_line is not None:
        target = line.parent_line.unit
        return target is None or target.pk != old.parent_id
    if line.parent is not None:
        return line.parent.pk != old.parent_id
    return False


def _create_in_bulk(lines: list[Line], written: dict[int, Unit], actor: User | None) -> None:
    """New units, a level of the tree at a time (a unit's path holds its own id, known only after the insert):
    what `unit_create` writes, audit events included, for the 5,000 units of a province's first import. The rows
    were checked when planned (fields, placement)."""
    level: dict[int, int] = {}
    for line in lines:  # parents first
        above = line.parent_line
        level[id(line)] = level[id(above)] + 1 if above is not None and above.unit is None else 0
    for depth in sorted(set(level.values())):
        batch = [line for line in lines if level[id(line)] == depth]
        units = []
        for line in batch:
            above = line.parent_line
            # Its parent: a unit created at the level above, one of the database (a row updating it, or not).
            parent = (written[id(above)] if above.unit is None else above.unit) if above is not None else line.parent
            unit = _would_be(line)
            unit.parent = parent
            unit.dissolved_on = None  # a dissolution is its own event, after (unit_dissolve)
            unit.path = f"pending-{uuid.uuid4().hex}"
            orgs.derive_names(unit)
            units.append(unit)
        Unit.objects.bulk_create(units, batch_size=2000)
        for unit in units:
            unit.path = (unit.parent.path if unit.parent is not None else "") + path_segment(unit.pk)
        Unit.objects.bulk_update(units, ["path"], batch_size=2000)
        record_many(
            [
                event(actor=actor, action=Action.UNIT_CREATED, target=u, unit=u, new=snapshot(u, orgs.UNIT_FIELDS))
                for u in units
            ]
        )
        for line, unit in zip(batch, units, strict=True):
            written[id(line)] = unit


def apply_units(lines: list[Line], *, actor: User | None) -> dict[str, Unit]:
    """Write the accepted lines (parents first): new units in bulk, changes through the tree's services; the
    units by code."""
    written: dict[int, Unit] = {}
    _create_in_bulk([line for line in lines if line.unit is None], written, actor)
    for line in lines:
        parent = written[id(line.parent_line)] if line.parent_line is not None else line.parent
        would = _would_be(line)
        if line.unit is None:
            unit = written[id(line)]  # created in bulk
        elif not _moved(line, line.unit) and all(
            getattr(line.unit, n) == getattr(would, n) for n in orgs.UNIT_FIELDS if n != "kind"
        ):
            unit = line.unit  # unchanged: nothing to write (a province's file again is 5,000 such units)
        else:
            unit = line.unit
            if _moved(line, unit) and parent is not None:
                unit = orgs.unit_move(unit=unit, new_parent=parent, actor=actor)
            unit = orgs.unit_update(
                unit=unit,
                actor=actor,
                name=would.name,
                code=would.code,
                collective_name=would.collective_name,
                locality=would.locality,
                is_grassroots=would.is_grassroots,
                founded_on=would.founded_on,
            )
        written[id(line)] = unit
    # Dissolutions last, children before parents (a unit is dissolved only once nothing under it is active).
    for line in reversed(lines):
        on = _would_be(line).dissolved_on
        if on is not None and written[id(line)].dissolved_on is None:
            written[id(line)] = orgs.unit_dissolve(unit=written[id(line)], on=on, actor=actor)
    return {code_key(line.code): written[id(line)] for line in lines}
