"""Persons and their party membership from a sheet: one row per member.

A member is recognised by their party card number, else their national ID, else their name and date of birth
(with a warning on the row: two persons may share both). A member whose cell changed is transferred (their stay
in the old cell is closed, not overwritten: past periods still see it there); a changed status is a new stay with
that status; a member of the scope whom the file does not list is reported, never removed.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from danhgia.audit.models import Action
from danhgia.audit.services import event, record_many, snapshot
from danhgia.imports.cleaning import CellError, clean_text, match_key, parse_choice, parse_date
from danhgia.imports.plan import Change, Row, SheetPlan, row_list, rows_in
from danhgia.imports.units import code_key, export_code
from danhgia.lib.text import clean_name
from danhgia.orgs.models import CELL_KINDS, Unit, in_subtree, subtree_q
from danhgia.people import services as people
from danhgia.people.models import PRESENT_STATUSES, CivilServant, Gender, Membership, MemberStatus, PartyMember, Person

if TYPE_CHECKING:
    from danhgia.accounts.models import User

COLUMNS = {
    "person_ref": "Mã hồ sơ DanhGia",
    "family_name": "Họ",
    "middle_name": "Tên đệm",
    "given_name": "Tên",
    "full_name": "Họ và tên",  # instead of the three above, as the offices' lists have it
    "birth_date": "Ngày sinh",
    "gender": "Giới tính",
    "ethnicity": "Dân tộc",
    "national_id": "Số định danh cá nhân",
    "card_number": "Số thẻ đảng viên",
    "admitted_on": "Ngày vào Đảng",
    "official_on": "Ngày chính thức",
    "cell_code": "Mã chi bộ",
    "cell_name": "Chi bộ",  # instead of the code, found by name in the scope
    "status": "Trạng thái",
    "status_on": "Ngày của trạng thái",
    "civil_servant": "Cán bộ, công chức, viên chức",
}
# The template's columns (and the export's), in order: the name split as Person keeps it.
TEMPLATE = [f for f in COLUMNS if f not in {"full_name", "cell_name"}]
PERSON_REF = re.compile(r"^DG-(\d+)$")  # the export's reference of a person (`Mã hồ sơ DanhGia`)
REQUIRED = ("full_name", "gender", "admitted_on")  # the name may come split (family, middle, given name)
# The status column: what offices write → (status, whether the member is official). None: not said.
STATUSES: dict[str, tuple[str, bool | None]] = {
    match_key(k): v
    for k, v in {
        "Chính thức": (MemberStatus.ACTIVE, True),
        "Đảng viên chính thức": (MemberStatus.ACTIVE, True),
        "Dự bị": (MemberStatus.ACTIVE, False),
        "Đảng viên dự bị": (MemberStatus.ACTIVE, False),
        "Đang sinh hoạt": (MemberStatus.ACTIVE, None),
        "Miễn sinh hoạt": (MemberStatus.EXEMPT, None),
        "Miễn công tác và sinh hoạt đảng": (MemberStatus.EXEMPT, None),
        "Đình chỉ sinh hoạt": (MemberStatus.SUSPENDED, None),
        "Đình chỉ sinh hoạt đảng": (MemberStatus.SUSPENDED, None),
        "Chuyển đi": (MemberStatus.TRANSFERRED, None),
        "Đã chuyển sinh hoạt đi": (MemberStatus.TRANSFERRED, None),
        "Ra khỏi Đảng": (MemberStatus.LEFT, None),
        "Từ trần": (MemberStatus.LEFT, None),
    }.items()
}
# How the export writes a status (and the import reads it back: every label is in STATUSES).
STATUS_EXPORT = {
    "official": "Chính thức",
    "probationary": "Dự bị",
    MemberStatus.EXEMPT: "Miễn sinh hoạt",
    MemberStatus.SUSPENDED: "Đình chỉ sinh hoạt",
    MemberStatus.TRANSFERRED: "Đã chuyển sinh hoạt đi",
    MemberStatus.LEFT: "Ra khỏi Đảng",
}


def status_label(status: str, official: bool) -> str:
    if status == MemberStatus.ACTIVE:
        return STATUS_EXPORT["official" if official else "probationary"]
    return STATUS_EXPORT[status]


KEEP: Any = object()


@dataclass
class Line:
    row: Row
    family_name: str
    middle_name: str
    given_name: str
    birth_date: dt.date | None
    gender: str
    ethnicity: Any
    national_id: str | None
    card_number: str | None
    admitted_on: dt.date
    official_on: dt.date | None
    status: str
    status_on: dt.date | None
    civil_servant: Any
    cell: Unit | None = None  # the cell in the database, or None while it is a row of the units sheet
    cell_code: str = ""
    person_ref: int | None = None  # the export's reference (DG-<id>): the person it names, first of all keys
    member: PartyMember | None = None
    current: Membership | None = None
    created_person: Person | None = None  # once written, the person a new member's row created

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    @property
    def key(self) -> str:
        if self.card_number:
            return f"thẻ {self.card_number}"
        if self.national_id:
            return f"định danh {self.national_id}"
        born = f"{self.birth_date:%d/%m/%Y}" if self.birth_date else "không rõ ngày sinh"
        return f"{self.full_name}, {born}"


def split_name(full: str) -> tuple[str, str, str]:
    """«Nguyễn Thị Minh Khai» → («Nguyễn», «Thị Minh», «Khai»): the family name first, the given name last."""
    words = full.split()
    if len(words) < 2:
        return "", "", full
    return words[0], " ".join(words[1:-1]), words[-1]


def _status(value: Any) -> tuple[str, bool | None]:
    text = clean_text(value or "")
    if not text:
        return MemberStatus.ACTIVE, None
    found = STATUSES.get(match_key(text))
    if found is None:
        raise CellError(
            "status", value, f"«{text}» không phải trạng thái đảng viên (ví dụ: Chính thức, Dự bị, Miễn sinh hoạt)"
        )
    return found


def _parse(row: Row, plan: SheetPlan, today: dt.date) -> Line | None:
    v = row.values
    split = "family_name" in v or "given_name" in v  # the name as Person keeps it, or whole
    if split:
        family, middle, given = (
            clean_name(clean_text(v.get(n) or "")) for n in ("family_name", "middle_name", "given_name")
        )
        for name, part in (("family_name", family), ("given_name", given)):
            if not part:
                plan.refuse(row, name, f"Thiếu «{COLUMNS[name]}».")
                return None
    for name in REQUIRED:
        if (name != "full_name" or not split) and not clean_text(v.get(name) or ""):
            plan.refuse(row, name, f"Thiếu «{COLUMNS[name]}».")
            return None
    if not clean_text(v.get("cell_code") or "") and not clean_text(v.get("cell_name") or ""):
        plan.refuse(row, "cell_code", f"Thiếu «{COLUMNS['cell_code']}» (hoặc «{COLUMNS['cell_name']}»).")
        return None
    try:
        if not split:
            family, middle, given = split_name(clean_name(clean_text(v["full_name"])))
            if not family:
                raise CellError("full_name", v["full_name"], "Cần cả họ và tên")
        ref = clean_text(v.get("person_ref") or "")
        if ref and not PERSON_REF.match(ref):
            raise CellError("person_ref", ref, "Mã hồ sơ DanhGia có dạng DG-123 (để trống nếu không có)")
        status, official = _status(v.get("status"))
        admitted = parse_date(v["admitted_on"], field="admitted_on")
        official_on = parse_date(v.get("official_on"), field="official_on")
        assert admitted is not None
        if official_on is not None and official_on < admitted:
            raise CellError("official_on", v.get("official_on"), "Ngày chính thức trước ngày vào Đảng")
        if admitted > today:
            raise CellError("admitted_on", v["admitted_on"], "Ngày vào Đảng sau ngày hôm nay")
        if official is True and official_on is None:
            raise CellError("official_on", v.get("official_on"), "Đảng viên chính thức cần ngày chính thức")
        if official is False and official_on is not None and official_on <= today:
            raise CellError("status", v.get("status"), f"Ghi «Dự bị» nhưng đã chính thức từ {official_on:%d/%m/%Y}")
        civil = parse_choice(v.get("civil_servant"), CivilServant, field="civil_servant") or ""
        return Line(
            row=row,
            family_name=family,
            middle_name=middle,
            given_name=given,
            birth_date=parse_date(v.get("birth_date"), field="birth_date"),
            gender=parse_choice(v["gender"], Gender, field="gender") or "",  # not empty: a required column
            ethnicity=clean_text(v["ethnicity"]) or "Kinh" if "ethnicity" in v else KEEP,
            national_id=clean_text(v.get("national_id") or "") or None,
            card_number=clean_text(v.get("card_number") or "") or None,
            admitted_on=admitted,
            official_on=official_on,
            status=status,
            status_on=parse_date(v.get("status_on"), field="status_on"),
            civil_servant=parse_choice(civil, CivilServant, field="civil_servant") or ""
            if "civil_servant" in v
            else KEEP,
            cell_code=clean_text(v.get("cell_code") or ""),
            person_ref=int(ref[3:]) if ref else None,
        )
    except CellError as error:
        plan.refuse(row, error.field, error.message)
        return None


def _cells(scope: Unit | None) -> tuple[dict[str, Unit], dict[str, list[Unit]]]:
    cells = Unit.objects.filter(kind__in=CELL_KINDS, dissolved_on__isnull=True)
    if scope is not None:
        cells = cells.filter(subtree_q(scope.path))
    by_code: dict[str, Unit] = {}
    by_name: dict[str, list[Unit]] = {}
    for cell in cells:
        by_code[code_key(export_code(cell))] = cell
        by_name.setdefault(match_key(cell.name), []).append(cell)
    return by_code, by_name


def plan_members(
    rows: list[Row], *, scope: Unit | None, plan: SheetPlan, new_cells: dict[str, str] | None = None
) -> list[Line]:
    """Fill `plan`; return the accepted lines. `new_cells`: code → name of the cells the units sheet creates."""
    today = timezone.localdate()
    new_cells = new_cells or {}
    lines = [line for row in rows if (line := _parse(row, plan, today)) is not None]
    by_code, by_name = _cells(scope)
    for line in lines:
        cell_name = clean_text(line.row.values.get("cell_name") or "")
        if line.cell_code:
            line.cell = by_code.get(code_key(line.cell_code))
            if line.cell is None and code_key(line.cell_code) not in new_cells:
                plan.refuse(line.row, "cell_code", f"Không có chi bộ mã «{line.cell_code}» trong phạm vi.")
        else:
            found = by_name.get(match_key(cell_name), [])
            if len(found) == 1:
                line.cell = found[0]
            elif not found:
                plan.refuse(line.row, "cell_name", f"Không có chi bộ «{cell_name}» trong phạm vi.")
            else:
                plan.refuse(line.row, "cell_name", f"Có {len(found)} chi bộ tên «{cell_name}»: hãy dùng cột mã chi bộ.")
    lines = [line for line in lines if not plan.is_refused(line.row)]
    _duplicates(lines, plan)
    lines = [line for line in lines if not plan.is_refused(line.row)]
    _match(lines, scope, plan)
    lines = [line for line in lines if not plan.is_refused(line.row)]
    for line in lines:
        _compare(line, plan, new_cells)
    accepted = [line for line in lines if not plan.is_refused(line.row)]
    _absent(accepted, scope, plan)
    return accepted


def _duplicates(lines: list[Line], plan: SheetPlan) -> None:
    for attribute, what in (("card_number", "Số thẻ đảng viên"), ("national_id", "Số định danh cá nhân")):
        first: dict[str, Line] = {}
        for line in lines:
            value = getattr(line, attribute)
            if not value:
                continue
            if value in first:
                other = first[value]
                plan.refuse(
                    line.row, attribute, f"{what} «{value}» đã có ở dòng {other.row.number} ({other.full_name})."
                )
            else:
                first[value] = line


def _match(lines: list[Line], scope: Unit | None, plan: SheetPlan) -> None:
    """Find each row's member in the database, by card, else national ID, else name and date of birth."""
    refs = {
        p.pk: p for p in rows_in(Person.objects.all(), "pk", {line.person_ref for line in lines if line.person_ref})
    }
    # The other keys, for the rows their reference does not name (none, or another system's export's).
    rest = [line for line in lines if line.person_ref not in refs]
    cards = {line.card_number for line in rest if line.card_number}
    ids = {line.national_id for line in rest if line.national_id}
    by_card = {m.card_number: m for m in rows_in(PartyMember.objects.select_related("person"), "card_number", cards)}
    people_by_id = {p.national_id: p for p in rows_in(Person.objects.all(), "national_id", ids)}
    births = {line.birth_date for line in rest if not line.card_number and not line.national_id and line.birth_date}
    by_name: dict[tuple[str, dt.date | None], list[Person]] = {}
    for candidate in rows_in(Person.objects.all(), "birth_date", births):
        by_name.setdefault((match_key(candidate.full_name), candidate.birth_date), []).append(candidate)
    persons: dict[int, Person] = {}
    by_name_rows: list[int] = []
    unknown_refs: list[int] = []
    for line in lines:
        person: Person | None = None
        if line.person_ref is not None:
            person = refs.get(line.person_ref)
            if person is None:
                unknown_refs.append(line.row.number)  # another system's export: recognised by the other keys
        if person is None and line.card_number and line.card_number in by_card:
            person = by_card[line.card_number].person
        elif person is None and line.national_id and line.national_id in people_by_id:
            person = people_by_id[line.national_id]
        elif person is None and not line.card_number and not line.national_id:
            found = by_name.get((match_key(line.full_name), line.birth_date), [])
            if len(found) > 1:
                plan.refuse(
                    line.row, "full_name", f"Có {len(found)} người cùng họ tên và ngày sinh: cần số thẻ đảng viên."
                )
                continue
            if found:
                person = found[0]
                by_name_rows.append(line.row.number)
        if person is not None:
            persons[id(line)] = person
    if by_name_rows:
        plan.warnings.append(
            f"{len(by_name_rows)} đảng viên được nhận theo họ tên và ngày sinh (không có số thẻ, số định danh): "
            f"{row_list(by_name_rows)}."
        )
    if unknown_refs:
        plan.warnings.append(
            f"{len(unknown_refs)} dòng có «{COLUMNS['person_ref']}» không có trong hệ thống, được nhận theo số thẻ, "
            f"số định danh hoặc họ tên và ngày sinh: {row_list(unknown_refs)}."
        )
    members = {m.person_id: m for m in rows_in(PartyMember.objects.all(), "person", {p.pk for p in persons.values()})}
    stays = Membership.objects.filter(valid_to__isnull=True).select_related("unit")
    current = {ms.member_id: ms for ms in rows_in(stays, "member", {m.pk for m in members.values()})}
    for line in lines:
        known = persons.get(id(line))
        if known is None:
            continue
        person = known
        member = members.get(person.pk)
        if member is None:
            plan.refuse(
                line.row, "full_name", f"{person.full_name} đã có hồ sơ cá nhân nhưng chưa là đảng viên trong hệ thống."
            )
            continue
        line.member = member
        line.member.person = person
        line.current = current.get(member.pk)
        if scope is not None and line.current is not None and not in_subtree(line.current.unit.path, scope.path):
            plan.refuse(
                line.row,
                "cell_code",
                f"{person.full_name} đang sinh hoạt tại «{line.current.unit.name}», ngoài phạm vi.",
            )
        if line.card_number and member.card_number and member.card_number != line.card_number:
            plan.refuse(line.row, "card_number", f"{person.full_name} đã có số thẻ {member.card_number}.")


def _person_fields(line: Line, person: Person | None) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "family_name": line.family_name,
        "middle_name": line.middle_name,
        "given_name": line.given_name,
        "gender": line.gender,
    }
    if line.birth_date is not None or person is None:
        fields["birth_date"] = line.birth_date
    if line.national_id is not None:
        fields["national_id"] = line.national_id
    if line.ethnicity is not KEEP:
        fields["ethnicity"] = line.ethnicity
    if line.civil_servant is not KEEP:
        fields["civil_servant"] = line.civil_servant
    return fields


LABELS = {
    "family_name": "Họ",
    "middle_name": "Tên đệm",
    "given_name": "Tên",
    "gender": "Giới tính",
    "birth_date": "Ngày sinh",
    "national_id": "Số định danh cá nhân",
    "ethnicity": "Dân tộc",
    "civil_servant": "Cán bộ, công chức, viên chức",
    "admitted_on": "Ngày vào Đảng",
    "official_on": "Ngày chính thức",
    "card_number": "Số thẻ đảng viên",
    "cell": "Chi bộ",
    "status": "Trạng thái",
}


def _compare(line: Line, plan: SheetPlan, new_cells: dict[str, str]) -> None:
    cell_name = line.cell.name if line.cell is not None else new_cells.get(code_key(line.cell_code), line.cell_code)
    born = f", sinh {line.birth_date:%d/%m/%Y}" if line.birth_date else ""
    label = f"{line.full_name}{born}"
    person = line.member.person if line.member is not None else None
    wanted = _person_fields(line, person)
    candidate = copy.copy(person) if person is not None else Person()
    for name, value in wanted.items():
        setattr(candidate, name, value)
    try:
        candidate.refresh_derived()
        # Field by field; not the model's constraints, which Django checks with one query each (70,000 queries for
        # a province): the one that matters, a given name, is checked when the row is read.
        candidate.full_clean(exclude=["sort_key", "search_text"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        plan.refuse(line.row, name if name in COLUMNS else "full_name", " ".join(messages))
        return
    if line.member is None:
        # What is created is the row itself: the plan keeps who and how recognised (70,000 rows in a first import).
        plan.created.append(Change(line.row.number, line.key, f"{label} — {cell_name}"))
        return
    member = line.member
    assert person is not None
    fields = {LABELS[n]: (getattr(person, n), v) for n, v in wanted.items() if getattr(person, n) != v}
    notes = []
    for name in ("admitted_on", "official_on"):
        if getattr(member, name) != getattr(line, name) and (name == "admitted_on" or line.official_on is not None):
            fields[LABELS[name]] = (getattr(member, name), getattr(line, name))
    if line.card_number and not member.card_number:
        fields[LABELS["card_number"]] = ("", line.card_number)
    current = line.current
    if current is not None and (line.cell is None or current.unit_id != line.cell.pk):
        fields[LABELS["cell"]] = (current.unit.name, cell_name)
        notes.append(f"Chuyển sinh hoạt từ «{current.unit.name}» sang «{cell_name}» (quá trình cũ được giữ).")
    if current is not None and current.status != line.status:
        fields[LABELS["status"]] = (current.get_status_display(), MemberStatus(line.status).label)
    if fields:
        plan.updated.append(Change(line.row.number, line.key, label, fields, notes))
    else:
        plan.unchanged += 1


def _absent(lines: list[Line], scope: Unit | None, plan: SheetPlan) -> None:
    listed = {line.member.pk for line in lines if line.member is not None}
    present = Membership.objects.filter(valid_to__isnull=True, status__in=PRESENT_STATUSES)
    if scope is not None:
        present = present.filter(subtree_q(scope.path, "unit__path"))
    for ms in present.select_related("member__person", "unit").order_by("unit__path").iterator(chunk_size=2000):
        if ms.member_id not in listed:
            plan.absent.append(f"{ms.member.person.full_name} ({ms.unit.name})")


BATCH = 2000  # rows per INSERT of the members created in bulk


def _create_in_bulk(lines: list[Line], cells: dict[str, Unit], actor: User | None) -> None:
    """New members in bulk: a province's first import creates some 70,000, which the services' three statements
    and two audit events per member would take minutes to write. The rows were checked when planned (each
    person's fields by `full_clean`, the dates, the cell); each member gets what `person_create` and
    `member_admit` write, audit events included."""
    persons, members, stays, events = [], [], [], []
    for line in lines:
        person = Person(**_person_fields(line, None))
        person.national_id = (person.national_id or "").strip() or None
        person.refresh_derived()
        persons.append(person)
    Person.objects.bulk_create(persons, batch_size=BATCH)
    for line, person in zip(lines, persons, strict=True):
        line.created_person = person  # for the posts and results sheets, written next
        members.append(
            PartyMember(
                person=person, admitted_on=line.admitted_on, official_on=line.official_on, card_number=line.card_number
            )
        )
    PartyMember.objects.bulk_create(members, batch_size=BATCH)
    for line, person, member in zip(lines, persons, members, strict=True):
        cell = line.cell if line.cell is not None else cells[code_key(line.cell_code)]
        events.append(
            event(actor=actor, action=Action.PERSON_CREATED, target=person, new=snapshot(person, people.PERSON_FIELDS))
        )
        admitted = {"cell": cell.pk, "admitted_on": line.admitted_on, "official_on": line.official_on}
        events.append(event(actor=actor, action=Action.MEMBER_ADMITTED, target=person, unit=cell, new=admitted))
        since = line.admitted_on
        if line.status != MemberStatus.ACTIVE:
            # Exempt, suspended … since the status's date: active until then. Without a date, the stay the file
            # knows is this one, from the admission (the earlier history is not in the file).
            if line.status_on is not None and line.status_on > line.admitted_on:
                stays.append(
                    Membership(member=member, unit=cell, status=MemberStatus.ACTIVE, valid_from=since,
                               valid_to=line.status_on)
                )  # fmt: skip
                since = line.status_on
            changed = {"status": line.status, "on": since, "note": ""}
            events.append(
                event(actor=actor, action=Action.MEMBER_STATUS_CHANGED, target=person, unit=cell, new=changed)
            )
        stays.append(Membership(member=member, unit=cell, status=line.status, valid_from=since))
    Membership.objects.bulk_create(stays, batch_size=BATCH)
    record_many(events)


def apply_members(lines: list[Line], *, actor: User | None, cells: dict[str, Unit]) -> None:
    """Write the accepted lines: new members in bulk, the changes through the people services (a transfer, a
    status, a correction each as a page would). `cells`: the units sheet's units by code."""
    today = timezone.localdate()
    _create_in_bulk([line for line in lines if line.member is None], cells, actor)
    for line in lines:
        if line.member is None:
            continue  # created in bulk
        cell = line.cell if line.cell is not None else cells[code_key(line.cell_code)]
        on = line.status_on or today
        member = line.member
        person = member.person
        changed = {n: v for n, v in _person_fields(line, person).items() if getattr(person, n) != v}
        if changed:
            people.person_update(person=person, actor=actor, **changed)
        corrections: dict[str, Any] = {}
        if member.admitted_on != line.admitted_on:
            corrections["admitted_on"] = line.admitted_on
        if line.official_on is not None and member.official_on != line.official_on:
            if member.official_on is None:
                people.member_recognise(member=member, official_on=line.official_on, actor=actor)
            else:
                corrections["official_on"] = line.official_on
        if line.card_number and not member.card_number:
            corrections["card_number"] = line.card_number
        if corrections:
            people.member_correct(member=member, actor=actor, **corrections)
        current = line.current
        if current is not None and current.unit_id != cell.pk:
            people.member_transfer(member=member, to_cell=cell, on=on, actor=actor)
        if current is not None and current.status != line.status:
            people.member_set_status(member=member, status=line.status, on=on, actor=actor)
