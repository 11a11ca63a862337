"""Past years' results from a sheet: one row per subject and year, the level the competent body decided, with the
number and date of its decision.

A province that starts with DanhGia brings its last years from the archive, so that the screening lists (KHT two
years running, HTXS every year) and a member's profile work from the first year. Each year is a closed annual
period of the province (created, closed, if the system has none); each row a decided review with a recorded
decision (`DecisionKind.RECORDED`), as the demo's history (`demo/history.py`) writes them. The year of a period the
system runs (being prepared, or open) is refused: its levels are decided in the system.

A row is recognised by its year, its kind of subject and its subject (a person by the members sheet's keys, a
unit by its code): the same row again changes nothing; a different level, number or date is a correction, written
as a new decision that supersedes the old one (a decision is never changed). Archive data are not held to the
quota: a cell over 20 % HTXS in a year is a warning for the officer to look at, not a refusal.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.utils import timezone

from danhgia.audit.models import Action
from danhgia.audit.services import event, record_many
from danhgia.imports import persons
from danhgia.imports.cleaning import CellError, clean_text, match_key, parse_choice, parse_date, parse_year
from danhgia.imports.members import Line as MemberLine
from danhgia.imports.plan import Change, Row, SheetPlan, refuse_missing, rows_in
from danhgia.imports.units import code_key, export_code, scope_units
from danhgia.orgs.models import PARTY_KINDS, Unit, path_ids
from danhgia.people.models import Membership, MemberStatus, Person
from danhgia.periods.models import Period, PeriodKind, PeriodStatus
from danhgia.periods.services import period_create, period_set_status, year_problems
from danhgia.reviews.authority import default_authority
from danhgia.reviews.criteria import form_code
from danhgia.reviews.models import (
    LEVEL_CHOICES,
    PERSON_KINDS,
    Decision,
    DecisionKind,
    Review,
    ReviewKind,
    ReviewState,
)

if TYPE_CHECKING:
    from danhgia.accounts.models import User

COLUMNS = {
    "year": "Năm",
    "subject_kind": "Đối tượng",
    **persons.COLUMNS,
    "unit_code": "Mã đơn vị",
    "level": "Mức xếp loại",
    "authority_code": "Mã cấp quyết định",
    "number": "Số quyết định",
    "signed_on": "Ngày quyết định",
}
ALIASES: dict[str, tuple[str, ...]] = {
    "year": ("Năm đánh giá", "Năm xếp loại"),
    "level": ("Xếp loại", "Kết quả xếp loại", "Mức xếp loại chất lượng", "Kết quả"),
    "authority_code": ("Mã cấp có thẩm quyền", "Mã cấp ra quyết định"),
    "number": ("Số QĐ", "Số quyết định xếp loại"),
    "signed_on": ("Ngày ký", "Ngày ký quyết định", "Ngày QĐ"),
}
REQUIRED = frozenset({"year", "level"})
# What the archives write for a level: the code, the regulation's wording, and the short forms of the lists.
LEVELS = {
    match_key(text): code
    for code, label in LEVEL_CHOICES
    for text in (code, label, label.removesuffix(" nhiệm vụ"), label.replace("nhiệm vụ", "NV"))
}
ARCHIVE_REASON = "Nhập từ hồ sơ lưu trữ (tệp «{file}»)"
CAP = 0.2  # the quota the warning compares a cell's HTXS with (QĐ 124 Art. 12; QĐ 366 Art. 11)


@dataclass
class Line:
    row: Row
    year: int
    kind: str  # empty until the subject is known: a person is a member, a unit a party organization or a body
    who: persons.Who | None
    unit_code: str
    level: str
    authority_code: str
    number: str
    signed_on: dt.date | None
    found: persons.Found | None = None
    context: Unit | None = None  # None while it is a row of the units sheet (or a new member's cell)
    context_code: str = ""
    authority: Unit | None = None  # None: the default authority, or a unit the units sheet creates
    period: Period | None = None
    root: int | str | None = None  # the province: a root's id, or «new:<code>» for one the units sheet creates
    review: Review | None = None

    def subject_key(self) -> tuple[Any, ...]:
        subject = persons.found_key(self.found) if self.who is not None else ("u", code_key(self.unit_code))
        return (self.year, self.kind, subject)


def _parse(row: Row, plan: SheetPlan, today: dt.date) -> Line | None:
    v = row.values
    if refuse_missing(row, plan, ("year", "level"), COLUMNS):
        return None
    try:
        year = parse_year(v["year"], field="year", example=2024)
        problems = year_problems(year, None)
        if problems:
            raise CellError("year", v["year"], problems["year"].rstrip("."))
        if year > today.year:
            raise CellError("year", v["year"], f"Năm {year} chưa qua")
        level = LEVELS.get(match_key(v["level"]))
        if level is None:
            raise CellError("level", v["level"], "Mức xếp loại là HTXS, HTT, HT hoặc KHT (hoặc tên đầy đủ của mức)")
        who = persons.parse_who(row)
        unit_code = clean_text(v.get("unit_code") or "")
        kind = parse_choice(v.get("subject_kind"), ReviewKind, field="subject_kind") or ""
        if who is None and not unit_code:
            raise CellError("full_name", None, "Thiếu đối tượng: người (số thẻ, họ tên …) hoặc mã đơn vị")
        if kind in PERSON_KINDS and who is None:
            raise CellError("full_name", None, f"«{ReviewKind(kind).label}» cần người (số thẻ, họ tên …)")
        if kind and kind not in PERSON_KINDS and who is not None:
            raise CellError("subject_kind", v.get("subject_kind"), "Đối tượng là tổ chức: để trống các cột về người")
        signed_on = parse_date(v.get("signed_on"), field="signed_on")
        if signed_on is not None and signed_on < dt.date(year, 1, 1):
            raise CellError("signed_on", v.get("signed_on"), f"Quyết định ký trước năm {year} mà nó xếp loại")
        if signed_on is not None and signed_on > today:
            raise CellError("signed_on", v.get("signed_on"), "Ngày quyết định sau ngày hôm nay")
        number = clean_text(v.get("number") or "")
        if len(number) > Decision._meta.get_field("number").max_length:  # type: ignore[operator]
            raise CellError("number", v.get("number"), "Số quyết định dài quá 60 ký tự")
        return Line(
            row=row,
            year=year,
            kind=kind or (ReviewKind.MEMBER if who is not None else ""),
            who=who,
            unit_code=unit_code,
            level=level,
            authority_code=clean_text(v.get("authority_code") or ""),
            number=number,
            signed_on=signed_on,
        )
    except CellError as error:
        plan.refuse(row, error.field, error.message)
        return None


def plan_results(
    rows: list[Row],
    *,
    scope: Unit | None,
    plan: SheetPlan,
    new_units: dict[str, str],
    new_roots: dict[str, int | str],
    new_members: list[MemberLine],
) -> list[Line]:
    """Fill `plan`; return the accepted lines. `new_units` (code → name), `new_roots` (code → its province, see
    `units.root_keys`), `new_members`: what the file's other sheets create."""
    today = timezone.localdate()
    lines = [line for row in rows if (line := _parse(row, plan, today)) is not None]
    units = scope_units(scope)
    everywhere = units if scope is None else scope_units(None)  # a deciding body may be above the scope
    resolver = persons.Resolver([line.who for line in lines if line.who is not None], new_members=new_members)
    for line in lines:
        if line.who is not None:
            line.found = resolver.find(line.who, line.row, plan)
        if line.unit_code:
            line.context = units.get(code_key(line.unit_code))
            line.context_code = line.unit_code
            if line.context is None and code_key(line.unit_code) not in new_units:
                plan.refuse(line.row, "unit_code", f"Không có đơn vị mã «{line.unit_code}» trong phạm vi.")
                continue
        if not line.kind:
            kind_of = line.context.kind if line.context is not None else ""
            line.kind = ReviewKind.PARTY_ORG if kind_of in PARTY_KINDS or line.context is None else ReviewKind.UNIT
        if line.authority_code:
            line.authority = everywhere.get(code_key(line.authority_code))
            if line.authority is None and code_key(line.authority_code) not in new_units:
                plan.refuse(line.row, "authority_code", f"Không có đơn vị mã «{line.authority_code}».")
    resolver.warn_by_name(plan, "người")
    lines = [line for line in lines if not plan.is_refused(line.row)]
    _member_cells(lines, units, plan)
    lines = [line for line in lines if not plan.is_refused(line.row)]
    seen: dict[tuple[Any, ...], Line] = {}
    for line in lines:
        key = line.subject_key()
        if key in seen:
            plan.refuse(line.row, "year", f"Trùng với dòng {seen[key].row.number} (cùng năm, đối tượng).")
        else:
            seen[key] = line
    lines = [line for line in lines if not plan.is_refused(line.row)]
    _periods(lines, scope, plan, new_roots)
    lines = [line for line in lines if not plan.is_refused(line.row)]
    _reviews(lines)
    for line in lines:
        _compare(line, plan, new_units)
    accepted = [line for line in lines if not plan.is_refused(line.row)]
    _warn_over_quota(accepted, plan)
    return accepted


def _member_cells(lines: list[Line], units: dict[str, Unit], plan: SheetPlan) -> None:
    """A member's row without a unit: the cell they belonged to at the end of that year (their history in the
    database, or the cell the members sheet gives a new member)."""
    wanted = [line for line in lines if line.who is not None and not line.unit_code]
    by_person: dict[int, list[Membership]] = defaultdict(list)
    ids = {line.found.pk for line in wanted if isinstance(line.found, Person)}
    # The person's id read with the stay (`stay.member.person_id` would load each stay's member: a query each).
    stays = Membership.objects.select_related("unit").annotate(person_id=F("member__person_id"))
    for stay in rows_in(stays, "member__person_id", ids):
        by_person[stay.person_id].append(stay)
    for line in wanted:
        end = dt.date(line.year, 12, 31)
        if isinstance(line.found, MemberLine):
            line.context = line.found.cell
            line.context_code = line.found.cell_code
            continue
        assert line.found is not None
        stay_at_end: Membership | None = next(
            (
                s
                for s in by_person.get(line.found.pk, [])
                if s.valid_from <= end and (s.valid_to is None or s.valid_to > end) and s.status != MemberStatus.LEFT
            ),
            None,
        )
        if stay_at_end is None:
            plan.refuse(
                line.row,
                "unit_code",
                f"Thiếu «{COLUMNS['unit_code']}»: hệ thống không biết cuối năm {line.year} đảng viên sinh hoạt ở "
                "chi bộ nào.",
            )
        elif code_key(export_code(stay_at_end.unit)) not in units:
            plan.refuse(
                line.row, "unit_code", f"Cuối năm {line.year} sinh hoạt tại «{stay_at_end.unit.name}», ngoài phạm vi."
            )
        else:
            line.context, line.context_code = stay_at_end.unit, export_code(stay_at_end.unit)


def _only_root() -> int | None:
    roots = list(Unit.objects.filter(parent=None).values_list("pk", flat=True)[:2])
    return roots[0] if len(roots) == 1 else None


def _periods(lines: list[Line], scope: Unit | None, plan: SheetPlan, new_roots: dict[str, int | str]) -> None:
    """Each year's annual period of the province; a year the system runs is refused."""
    for line in lines:
        if line.context is not None:
            line.root = path_ids(line.context.path)[0]
        else:
            line.root = new_roots.get(code_key(line.context_code))
        if line.root is None:  # a new member's row whose cell is new: its province is the scope's
            line.root = path_ids(scope.path)[0] if scope is not None else _only_root()
        if line.root is None:
            plan.refuse(line.row, "unit_code", "Có nhiều tỉnh trong hệ thống: cần «Mã đơn vị» có trong hệ thống.")
    years = {line.year for line in lines}
    found: dict[tuple[int | str, int], Period] = {
        (p.unit_id, p.year): p
        for p in Period.objects.filter(kind=PeriodKind.ANNUAL, year__in=years).select_related("unit")
    }
    created: set[tuple[int | str, int]] = set()
    for line in lines:
        if plan.is_refused(line.row):
            continue
        assert line.root is not None
        period = found.get((line.root, line.year))
        if period is None:
            created.add((line.root, line.year))
        elif period.status != PeriodStatus.CLOSED:
            plan.refuse(
                line.row,
                "year",
                f"Kỳ đánh giá năm {line.year} đang «{period.get_status_display()}» trong hệ thống: kết quả năm đó "
                "được quyết định trong hệ thống.",
            )
        line.period = period
    for year in sorted({year for _root, year in created}):
        plan.warnings.append(f"Sẽ tạo kỳ đánh giá năm {year} (đã kết thúc) để lưu kết quả nhập từ hồ sơ lưu trữ.")


def _reviews(lines: list[Line]) -> None:
    """The reviews the database has for the lines' subjects in their (closed) periods."""
    periods = {line.period.pk for line in lines if line.period is not None}
    if not periods:
        return
    person_ids = {line.found.pk for line in lines if isinstance(line.found, Person)}
    unit_ids = {line.context.pk for line in lines if line.who is None and line.context is not None}
    known: dict[tuple[int, str, str, int], Review] = {}
    reviews = Review.objects.filter(period_id__in=periods).select_related("decision", "decision__authority")
    for field, ids in (("person_id", person_ids), ("unit_id", unit_ids)):
        for review in rows_in(reviews, field, ids):
            known[(review.period_id, review.kind, field, getattr(review, field))] = review
    for line in lines:
        if line.period is None:
            continue
        if isinstance(line.found, Person):
            line.review = known.get((line.period.pk, line.kind, "person_id", line.found.pk))
        elif line.who is None and line.context is not None:
            line.review = known.get((line.period.pk, line.kind, "unit_id", line.context.pk))


def _label(line: Line, new_units: dict[str, str]) -> str:
    where = line.context.name if line.context is not None else new_units.get(code_key(line.context_code), "")
    if line.who is not None and line.found is not None:
        return f"{line.year} — {line.found.full_name} ({where}): {line.level}"
    return f"{line.year} — {ReviewKind(line.kind).label} {where}: {line.level}"


def _compare(line: Line, plan: SheetPlan, new_units: dict[str, str]) -> None:
    key = f"{line.year}, {ReviewKind(line.kind).label}, {line.who.shown if line.who else line.unit_code}"
    review = line.review
    if review is None:
        plan.created.append(Change(line.row.number, key, _label(line, new_units)))
        return
    decision = review.decision
    if decision is None:
        plan.refuse(line.row, "level", "Kỳ đã kết thúc có bản kiểm điểm này mà chưa có quyết định: xem trên trang.")
        return
    fields: dict[str, tuple[Any, Any]] = {}
    if decision.level != line.level:
        fields[COLUMNS["level"]] = (decision.level, line.level)
    if line.number and decision.number != line.number:
        fields[COLUMNS["number"]] = (decision.number, line.number)
    if line.signed_on is not None and decision.signed_on != line.signed_on:
        fields[COLUMNS["signed_on"]] = (decision.signed_on, line.signed_on)
    if line.authority is not None and decision.authority_id != line.authority.pk:
        fields[COLUMNS["authority_code"]] = (decision.authority.name, line.authority.name)
    if fields:
        notes = ["Ghi một quyết định mới thay quyết định đã lưu (quyết định cũ được giữ)."]
        plan.updated.append(Change(line.row.number, key, _label(line, new_units), fields, notes))
    else:
        plan.unchanged += 1


def _warn_over_quota(lines: list[Line], plan: SheetPlan) -> None:
    """Archive levels are kept as decided; a cell over the quota in a year is shown, for the officer to check."""
    groups: dict[tuple[int, str], list[str]] = defaultdict(list)
    names: dict[tuple[int, str], str] = {}
    for line in lines:
        if line.kind == ReviewKind.MEMBER and line.context_code:
            groups[(line.year, code_key(line.context_code))].append(line.level)
            names[(line.year, code_key(line.context_code))] = line.context.name if line.context else line.context_code
    over = []
    for key, levels in sorted(groups.items()):
        top = levels.count("HTXS")
        if len(levels) >= 5 and top > math.floor(len(levels) * CAP):
            over.append(f"{names[key]} năm {key[0]}: {top}/{len(levels)} HTXS")
    if over:
        shown = "; ".join(over[:10]) + (f"; và {len(over) - 10} chi bộ khác" if len(over) > 10 else "")
        plan.warnings.append(
            f"Tỷ lệ hoàn thành xuất sắc vượt {CAP:.0%} (kết quả lưu trữ được giữ như đã quyết định): {shown}."
        )


def apply_results(lines: list[Line], *, actor: User | None, units: dict[str, Unit], file_name: str) -> None:
    """Write the accepted lines: the years' closed periods, then new reviews and decisions in bulk, then the
    corrections as new decisions that supersede. `units`: the units sheet's units by code."""
    if not lines:
        return
    periods: dict[tuple[int, int], Period] = {}
    for line in lines:
        if line.context is None:
            line.context = units[code_key(line.context_code)]
        if line.authority is None and line.authority_code:
            line.authority = units[code_key(line.authority_code)]
        if line.period is not None:
            periods[(line.period.unit_id, line.year)] = line.period
    for root_id, year in sorted({(path_ids(line.context.path)[0], line.year) for line in lines}):  # type: ignore[union-attr]
        if (root_id, year) not in periods:
            period = period_create(unit=Unit.objects.get(pk=root_id), year=year, actor=actor)
            period_set_status(period=period, status=PeriodStatus.OPEN, actor=actor)
            periods[(root_id, year)] = period_set_status(period=period, status=PeriodStatus.CLOSED, actor=actor)
    parents = {u.pk: u for u in Unit.objects.only("id", "parent_id", "kind", "is_grassroots", "path", "name")}

    def parent_of(unit: Unit) -> Unit | None:
        return parents.get(unit.parent_id) if unit.parent_id is not None else None

    reason = ARCHIVE_REASON.format(file=file_name)
    fresh: list[tuple[Line, Review]] = []
    for line in lines:
        if line.review is not None:
            continue
        context = line.context
        assert context is not None
        period = periods[(path_ids(context.path)[0], line.year)]
        authority = line.authority or default_authority(line.kind, parents.get(context.pk, context), parent_of)
        review = Review(
            period=period,
            kind=line.kind,
            person=persons.person_of(line.found) if line.found is not None else None,
            unit=context if line.who is None else None,
            context=context,
            authority=authority,
            form_code=form_code(period.regime, line.kind),
            state=ReviewState.DECIDED,
            self_level=line.level,
            proposed_level=line.level,
        )
        fresh.append((line, review))
    Review.objects.bulk_create([r for _, r in fresh], batch_size=2000)
    decisions: list[Decision] = []
    for line, review in fresh:
        decisions.append(_decision(line, review, review.authority, reason, None, actor))
    for line in lines:
        if line.review is None or line.review.decision is None:
            continue
        old = line.review.decision
        if _unchanged(line, old):
            continue
        decisions.append(_decision(line, line.review, line.authority or old.authority, reason, old, actor))
    Decision.objects.bulk_create(decisions, batch_size=2000)
    for decision in decisions:
        decision.review.decision = decision
    Review.objects.bulk_update([d.review for d in decisions], ["decision"], batch_size=2000)
    record_many(
        [
            event(
                actor=actor,
                action=Action.DECISION_RECORDED,
                target=d.review,
                unit=d.review.context,
                old={"level": d.supersedes.level, "decision": d.supersedes.pk} if d.supersedes else None,
                new={"level": d.level, "number": d.number, "reason": d.reason, "decision": d.pk},
            )
            for d in decisions
        ]
    )


def _unchanged(line: Line, old: Decision) -> bool:
    return (
        old.level == line.level
        and (not line.number or old.number == line.number)
        and (line.signed_on is None or old.signed_on == line.signed_on)
        and (line.authority is None or old.authority_id == line.authority.pk)
    )


def _decision(
    line: Line, review: Review, authority: Unit, reason: str, supersedes: Decision | None, actor: User | None
) -> Decision:
    return Decision(
        decided_by=actor if actor is not None and actor.pk else None,
        review=review,
        level=line.level,
        kind=DecisionKind.RECORDED,
        authority=authority,
        number=line.number or (supersedes.number if supersedes else ""),
        signed_on=line.signed_on or (supersedes.signed_on if supersedes else None),
        reason=reason,
        supersedes=supersedes,
    )
