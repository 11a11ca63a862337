"""Quota groups from a sheet (nhóm đối tượng có vai trò tương đồng): one row per subject of a group, or a row with
the group alone.

A group is recognised by its period's year, its scope's code and its name; it is created as the group page
creates one (`quota_group_create`, a list made by hand) and its subjects added one by one (`quota_group_add`),
so that every check of the pages holds: who may change the groups of that period (`quota_change_scope`), the
rate the regulation allows and the reason a raised rate needs (`check_rate`), one group per subject and kind in
a period, and the lock of a group whose reviews await or have their decision. A group's rate is not changed
through a file (a different one is refused: it is changed on the group's page, where the reason is read); a
subject of the group the file does not list is reported, never taken out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from danhgia.accounts.access import quota_change_scope
from danhgia.imports import persons
from danhgia.imports.cleaning import CellError, clean_text, match_key, parse_choice, parse_year
from danhgia.imports.members import Line as MemberLine
from danhgia.imports.plan import Change, Row, SheetPlan, refuse_missing
from danhgia.imports.units import code_key, scope_units
from danhgia.lib.text import clean_name
from danhgia.orgs.models import Unit, path_ids
from danhgia.people import quota
from danhgia.people.models import PERSON_SUBJECTS, Person, QuotaGroup, QuotaGroupEntry, SubjectKind
from danhgia.periods.models import Period, PeriodKind, PeriodStatus

if TYPE_CHECKING:
    from danhgia.accounts.models import User

COLUMNS = {
    "year": "Năm",
    "scope_code": "Mã phạm vi",
    "name": "Tên nhóm",
    "subject_kind": "Đối tượng",
    "rate": "Tỷ lệ HTXS tối đa",
    "rate_reason": "Căn cứ điều chỉnh tỷ lệ",
    "rate_decided_by": "Cấp quyết định tỷ lệ",
    **persons.COLUMNS,
    "unit_code": "Mã đơn vị",
}
ALIASES: dict[str, tuple[str, ...]] = {
    "scope_code": ("Mã đơn vị lập nhóm",),
    "name": ("Tên nhóm đối tượng", "Nhóm"),
    "rate": ("Tỷ lệ", "Tỷ lệ tối đa"),
}
REQUIRED = frozenset({"year", "scope_code", "name", "subject_kind"})


@dataclass
class Line:
    row: Row
    year: int
    scope_code: str
    name: str
    subject_kind: str
    rate: Decimal | None
    rate_reason: str
    rate_decided_by: str
    who: persons.Who | None
    unit_code: str
    scope: Unit | None = None
    period: Period | None = None
    group: QuotaGroup | None = None
    found: persons.Found | None = None
    subject_unit: Unit | None = None
    listed: bool = False  # the subject is already in this group: nothing to write

    @property
    def group_key(self) -> tuple[int, str, str]:
        return (self.year, code_key(self.scope_code), match_key(self.name))


def parse_rate(value: Any) -> Decimal | None:
    """«20%», «20», «0,2», 0.25 → a fraction; empty: the regime's default."""
    text = clean_text(value if value is not None else "").replace("%", "").replace(",", ".").strip()
    if not text:
        return None
    try:
        rate = Decimal(text)
    except InvalidOperation:
        raise CellError("rate", value, "Tỷ lệ ghi dạng 20% hoặc 0,2") from None
    return (rate / 100 if rate > 1 else rate).quantize(Decimal("0.001"))


def _parse(row: Row, plan: SheetPlan) -> Line | None:
    v = row.values
    if refuse_missing(row, plan, ("year", "scope_code", "name", "subject_kind"), COLUMNS):
        return None
    try:
        year = parse_year(v["year"], field="year", example=2026)
        kind = parse_choice(v["subject_kind"], SubjectKind, field="subject_kind") or ""
        who = persons.parse_who(row)
        unit_code = clean_text(v.get("unit_code") or "")
        if kind in PERSON_SUBJECTS and unit_code:
            raise CellError("unit_code", unit_code, "Nhóm cá nhân: để trống «Mã đơn vị», ghi người ở các cột về người")
        if kind not in PERSON_SUBJECTS and who is not None:
            raise CellError("full_name", None, "Nhóm tổ chức: để trống các cột về người, ghi «Mã đơn vị»")
        name = clean_name(clean_text(v["name"]))
        if len(name) > QuotaGroup._meta.get_field("name").max_length:  # type: ignore[operator]
            raise CellError("name", v["name"], "Tên nhóm dài quá 200 ký tự")
        return Line(
            row=row,
            year=year,
            scope_code=clean_text(v["scope_code"]),
            name=name,
            subject_kind=kind,
            rate=parse_rate(v.get("rate")),
            rate_reason=clean_text(v.get("rate_reason") or ""),
            rate_decided_by=clean_text(v.get("rate_decided_by") or ""),
            who=who,
            unit_code=unit_code,
        )
    except CellError as error:
        plan.refuse(row, error.field, error.message)
        return None


def plan_quotas(
    rows: list[Row], *, scope: Unit | None, plan: SheetPlan, actor: User | None, new_members: list[MemberLine]
) -> list[Line]:
    """Fill `plan`; return the accepted lines. A group's scope and subjects must be in the database or, for a
    person, in the file's members sheet (a group's tree is the one the groups are laid out on)."""
    lines = [line for row in rows if (line := _parse(row, plan)) is not None]
    units = scope_units(scope)
    periods = {
        (p.unit_id, p.year): p
        for p in Period.objects.filter(kind=PeriodKind.ANNUAL, year__in={line.year for line in lines}).select_related(
            "unit"
        )
    }
    resolver = persons.Resolver([line.who for line in lines if line.who is not None], new_members=new_members)
    allowed: dict[int, Any] = {}
    for line in lines:
        line.scope = units.get(code_key(line.scope_code))
        if line.scope is None:
            plan.refuse(line.row, "scope_code", f"Không có đơn vị mã «{line.scope_code}» trong phạm vi.")
            continue
        line.period = periods.get((path_ids(line.scope.path)[0], line.year))
        if line.period is None:
            plan.refuse(line.row, "year", f"Chưa có kỳ đánh giá năm {line.year}: tạo kỳ trước, rồi nhập nhóm.")
            continue
        if line.period.status == PeriodStatus.CLOSED:
            plan.refuse(line.row, "year", f"Kỳ đánh giá năm {line.year} đã kết thúc: nhóm không thay đổi được.")
            continue
        if actor is not None:
            if line.period.pk not in allowed:
                allowed[line.period.pk] = quota_change_scope(actor, line.period)
            if not allowed[line.period.pk].contains(line.scope.path):
                plan.refuse(
                    line.row, "scope_code", f"Đồng chí không lập, sửa được nhóm của «{line.scope.name}» ở kỳ này."
                )
                continue
        if line.who is not None:
            line.found = resolver.find(line.who, line.row, plan)
        elif line.unit_code:
            line.subject_unit = units.get(code_key(line.unit_code))
            if line.subject_unit is None:
                plan.refuse(line.row, "unit_code", f"Không có đơn vị mã «{line.unit_code}» trong phạm vi.")
    lines = [line for line in lines if not plan.is_refused(line.row)]
    _groups(lines, plan)
    return [line for line in lines if not plan.is_refused(line.row)]


def _groups(lines: list[Line], plan: SheetPlan) -> None:
    first: dict[tuple[int, str, str], Line] = {}
    existing = {
        (g.period_id, g.unit_id, match_key(g.name)): g
        for g in QuotaGroup.objects.filter(period__in={line.period for line in lines if line.period is not None})
    }
    entries: dict[tuple[int, str, int], QuotaGroupEntry] = {}  # (period, kind, person or unit) → its entry
    found = QuotaGroupEntry.objects.filter(period__in={line.period for line in lines})
    for known in found.select_related("group", "person", "unit"):
        entries[(known.period_id, known.subject_kind, known.person_id or known.unit_id or 0)] = known
    seen: set[tuple[Any, ...]] = set()
    created: set[tuple[int, str, str]] = set()
    locks: dict[int, bool] = {}
    for line in lines:
        assert line.period is not None and line.scope is not None
        head = first.setdefault(line.group_key, line)
        if head is not line and (line.subject_kind, line.rate) != (head.subject_kind, head.rate) and line.rate:
            plan.refuse(line.row, "rate", f"Khác với dòng {head.row.number} của cùng nhóm.")
            continue
        group = existing.get((line.period.pk, line.scope.pk, match_key(line.name)))
        line.group = group
        label = f"{line.name} ({line.scope.name}, năm {line.year})"
        if group is None:
            if head is line:
                try:
                    quota.check_rate(
                        period=line.period, rate=line.rate, reason=line.rate_reason, decided_by=line.rate_decided_by
                    )
                except ValidationError as error:
                    name, messages = next(iter(error.message_dict.items()))
                    plan.refuse(line.row, name, " ".join(messages))
                    continue
        else:
            if group.subject_kind != line.subject_kind:
                plan.refuse(line.row, "subject_kind", f"Nhóm đã có, cho «{group.get_subject_kind_display()}».")
                continue
            if line.rate is not None and group.rate != line.rate:
                shown = quota.percent(group.rate) if group.rate is not None else "theo quy định"
                plan.refuse(line.row, "rate", f"Nhóm đã có tỷ lệ {shown}: sửa tỷ lệ trên trang của nhóm.")
                continue
        if group is None and line.group_key not in created:
            created.add(line.group_key)
            plan.created.append(Change(line.row.number, f"nhóm {line.name}", f"Nhóm {label}"))
        subject = _subject(line)
        if subject is None:
            if group is not None and head is line:
                plan.unchanged += 1
            continue
        key = (line.group_key, subject)
        if key in seen:
            plan.refuse(line.row, "full_name", "Đối tượng đã có ở một dòng trên của cùng nhóm.")
            continue
        seen.add(key)
        if isinstance(subject, tuple):  # a member the file creates: in no group yet
            plan.created.append(Change(line.row.number, _who(line), f"{_who(line)} vào nhóm {label}"))
            continue
        entry = entries.get((line.period.pk, line.subject_kind, subject))
        if entry is not None and group is not None and entry.group_id == group.pk:
            line.listed = True
            plan.unchanged += 1
        elif entry is not None:
            plan.refuse(line.row, "full_name", f"{_who(line)} đã thuộc nhóm «{entry.group.name}» trong kỳ này.")
        elif group is not None and _locked(group, locks):
            plan.refuse(line.row, "name", "Nhóm có bản kiểm điểm chờ quyết định hoặc đã quyết định: danh sách bị khóa.")
        else:
            plan.created.append(Change(line.row.number, _who(line), f"{_who(line)} vào nhóm {label}"))
    _absent(lines, entries, plan)


def _locked(group: QuotaGroup, known: dict[int, bool]) -> bool:
    """Whether the group's list is locked (reviews/regroup.group_in_decision), asked once per group."""
    from danhgia.reviews.regroup import group_in_decision  # the reviews app is above this one

    if group.pk not in known:
        known[group.pk] = group_in_decision(group)
    return known[group.pk]


def _subject(line: Line) -> int | tuple[str, int | None] | None:
    """The subject's id in the database, ("l", …) for a member the file creates, None for a group's own row."""
    if isinstance(line.found, Person):
        return line.found.pk
    if line.found is not None:
        return persons.found_key(line.found)
    return line.subject_unit.pk if line.subject_unit is not None else None


def _who(line: Line) -> str:
    if line.found is not None:
        return line.found.full_name
    return line.subject_unit.name if line.subject_unit is not None else ""


def _absent(lines: list[Line], entries: dict[tuple[int, str, int], QuotaGroupEntry], plan: SheetPlan) -> None:
    listed = {(line.group.pk, _subject(line)) for line in lines if line.group is not None}
    groups = {line.group.pk: line.group for line in lines if line.group is not None}
    for (_period, _kind, subject), entry in entries.items():
        if entry.group_id in groups and (entry.group_id, subject) not in listed:
            plan.absent.append(f"{entry.person or entry.unit} (nhóm «{groups[entry.group_id].name}»)")


def apply_quotas(lines: list[Line], *, actor: User | None) -> None:
    """Create the new groups, then add their subjects, each through the quota services (the pages' checks)."""
    made: dict[tuple[int, str, str], QuotaGroup] = {}
    for line in lines:
        assert line.period is not None and line.scope is not None
        group = line.group or made.get(line.group_key)
        if group is None:
            group = quota.quota_group_create(
                period=line.period,
                unit=line.scope,
                name=line.name,
                subject_kind=line.subject_kind,
                actor=actor,
                rate=line.rate,
                rate_reason=line.rate_reason,
                rate_decided_by=line.rate_decided_by,
            )
            made[line.group_key] = group
        if line.listed or (line.found is None and line.subject_unit is None):
            continue
        person = persons.person_of(line.found) if line.found is not None else None
        quota.quota_group_add(group=group, actor=actor, person=person, unit=line.subject_unit)
