"""Who a row of the posts or the results sheet is about: a person of the database, or a member the same file's
members sheet creates.

The keys are the members sheet's, in the same order: the export's «Mã hồ sơ DanhGia» (DG-<id>), the party card
number, the national ID, else the name and date of birth (a warning: two persons may share both). A row that
names nobody, or several persons, is refused with the reason; a person outside the officer's scope is refused
by the sheet that reads them (a post's unit, a result's unit), not here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from danhgia.imports import members
from danhgia.imports.cleaning import CellError, clean_text, match_key, parse_date
from danhgia.imports.plan import Row, SheetPlan, row_list, rows_in
from danhgia.lib.text import clean_name
from danhgia.people.models import PartyMember, Person

# The columns that say who (the members sheet's headers, so that an officer copies them from there).
COLUMNS = {
    "person_ref": members.COLUMNS["person_ref"],
    "card_number": members.COLUMNS["card_number"],
    "national_id": members.COLUMNS["national_id"],
    "full_name": members.COLUMNS["full_name"],
    "birth_date": members.COLUMNS["birth_date"],
}

ANYWHERE = "(trong hệ thống hay trong tệp)"


@dataclass(frozen=True)
class Who:
    ref: int | None
    card_number: str | None
    national_id: str | None
    name: str
    birth_date: dt.date | None

    @property
    def shown(self) -> str:
        if self.name:
            born = f", sinh {self.birth_date:%d/%m/%Y}" if self.birth_date else ""
            return f"{self.name}{born}"
        if self.card_number:
            return f"thẻ {self.card_number}"
        return f"định danh {self.national_id}" if self.national_id else f"DG-{self.ref}"


def parse_who(row: Row) -> Who | None:
    """The person columns of a row, or None when the row has none of them filled. Raises CellError."""
    v = row.values
    ref = clean_text(v.get("person_ref") or "")
    if ref and not members.PERSON_REF.match(ref):
        raise CellError("person_ref", ref, "Mã hồ sơ DanhGia có dạng DG-123 (để trống nếu không có)")
    who = Who(
        ref=int(ref[3:]) if ref else None,
        card_number=clean_text(v.get("card_number") or "") or None,
        national_id=clean_text(v.get("national_id") or "") or None,
        name=clean_name(clean_text(v.get("full_name") or "")),
        birth_date=parse_date(v.get("birth_date"), field="birth_date"),
    )
    if who.ref is None and not who.card_number and not who.national_id and not who.name:
        return None
    if who.ref is None and not who.card_number and not who.national_id and who.birth_date is None:
        raise CellError("birth_date", None, "Chỉ có họ tên: cần thêm ngày sinh, số thẻ đảng viên hoặc số định danh")
    return who


Found = Person | members.Line  # a person of the database, or a member the members sheet creates


class Resolver:
    """Finds the persons of many rows in a few queries (a province's posts sheet is some 15,000 rows)."""

    def __init__(self, whos: list[Who], *, new_members: list[members.Line]) -> None:
        refs = {w.ref for w in whos if w.ref is not None}
        cards = {w.card_number for w in whos if w.card_number}
        ids = {w.national_id for w in whos if w.national_id}
        births = {w.birth_date for w in whos if w.birth_date is not None}
        self.by_name_rows: list[int] = []  # the rows recognised by name and date of birth only
        self.by_ref = {p.pk: p for p in rows_in(Person.objects.all(), "pk", refs)}
        self.by_card: dict[str, Found] = {
            m.card_number: m.person for m in rows_in(PartyMember.objects.select_related("person"), "card_number", cards)
        }
        self.by_id: dict[str, Found] = {p.national_id: p for p in rows_in(Person.objects.all(), "national_id", ids)}
        self.by_name: dict[tuple[str, dt.date | None], list[Found]] = {}
        for person in rows_in(Person.objects.all(), "birth_date", births):
            self.by_name.setdefault((match_key(person.full_name), person.birth_date), []).append(person)
        for line in new_members:
            if line.card_number:
                self.by_card.setdefault(line.card_number, line)
            if line.national_id:
                self.by_id.setdefault(line.national_id, line)
            self.by_name.setdefault((match_key(line.full_name), line.birth_date), []).append(line)

    def find(self, who: Who, row: Row, plan: SheetPlan) -> Found | None:
        """The person; refuses the row when nobody or several match."""
        if who.ref is not None and who.ref in self.by_ref:
            return self.by_ref[who.ref]
        if who.card_number:
            found = self.by_card.get(who.card_number)
            if found is None:
                plan.refuse(row, "card_number", f"Không có đảng viên số thẻ «{who.card_number}» {ANYWHERE}.")
            return found
        if who.national_id:
            found = self.by_id.get(who.national_id)
            if found is None:
                plan.refuse(
                    row,
                    "national_id",
                    f"Không có người số định danh «{who.national_id}» {ANYWHERE}.",
                )
            return found
        if not who.name:
            plan.refuse(row, "person_ref", f"Không có hồ sơ DG-{who.ref} trong hệ thống.")
            return None
        candidates = self.by_name.get((match_key(who.name), who.birth_date), [])
        if len(candidates) > 1:
            plan.refuse(row, "full_name", f"Có {len(candidates)} người cùng họ tên và ngày sinh: cần số thẻ đảng viên.")
            return None
        if not candidates:
            plan.refuse(row, "full_name", f"Không có {who.shown} {ANYWHERE}.")
            return None
        self.by_name_rows.append(row.number)
        return candidates[0]

    def warn_by_name(self, plan: SheetPlan, who: str) -> None:
        """Say which rows were recognised by name and date of birth only (two persons may share both)."""
        if self.by_name_rows:
            rows = row_list(self.by_name_rows)
            plan.warnings.append(f"{len(self.by_name_rows)} {who} được nhận theo họ tên và ngày sinh: {rows}.")


def found_key(found: Found | None) -> tuple[str, int | None]:
    """What a found person is, to compare rows by: a person of the database, or a member the file creates."""
    if isinstance(found, members.Line):
        return ("l", id(found))
    return ("p", found.pk if found is not None else None)


def person_of(found: Found) -> Person:
    """The person, once the members sheet has been written (its new members have their person then)."""
    if isinstance(found, Person):
        return found
    person = found.created_person if found.member is None else found.member.person
    assert person is not None, "the members sheet is written before the sheets that name its members"
    return person
