"""Posts from a sheet: who holds which post in which unit, from when to when; one row per post.

A post is recognised by its person, its unit, its title and the day it started: the same row again changes
nothing; a row with an end date ends the post (`post_end`, as the page does); a changed role or a changed
"leader" / "member of the collective" mark is a correction (`post_correct`). A current post of the scope that the
file does not list is reported, never ended: an officer ends a post on the person's page or by writing its end
date. A unit has at most one current head, as on the pages: a second is refused with the name of the first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from danhgia.audit.models import Action
from danhgia.audit.services import event, record_many, snapshot
from danhgia.imports import persons
from danhgia.imports.cleaning import CellError, clean_text, match_key, parse_bool, parse_choice, parse_date
from danhgia.imports.members import Line as MemberLine
from danhgia.imports.plan import Change, Row, SheetPlan, refuse_missing, rows_in
from danhgia.imports.units import code_key, export_code, scope_units
from danhgia.lib.text import clean_name
from danhgia.orgs.models import Unit, subtree_q
from danhgia.people import services as people
from danhgia.people.models import Person, Post, PostRole

if TYPE_CHECKING:
    from danhgia.accounts.models import User

COLUMNS = {
    **persons.COLUMNS,
    "unit_code": "Mã đơn vị",
    "title": "Chức vụ",
    "role": "Vai trò",
    "is_leader": "Cán bộ lãnh đạo, quản lý",
    "in_collective": "Thành viên tập thể lãnh đạo, quản lý",
    "starts_on": "Từ ngày",
    "ends_on": "Đến ngày",
}
# Other headers the offices' lists use for the same columns.
ALIASES: dict[str, tuple[str, ...]] = {
    "unit_code": ("Mã cơ quan, đơn vị", "Mã tổ chức"),
    "title": ("Chức danh", "Chức vụ hiện tại"),
    "starts_on": ("Ngày bổ nhiệm", "Ngày giữ chức vụ", "Từ ngày"),
    "ends_on": ("Ngày thôi giữ chức vụ", "Ngày kết thúc"),
}
REQUIRED = frozenset({"unit_code", "title", "role", "starts_on"})
LABELS = {name: COLUMNS[name] for name in ("role", "is_leader", "in_collective", "ends_on")}
KEEP: Any = object()


@dataclass
class Line:
    row: Row
    who: persons.Who
    unit_code: str
    title: str
    role: str
    is_leader: Any
    in_collective: Any
    starts_on: dt.date
    ends_on: dt.date | None
    found: persons.Found | None = None
    unit: Unit | None = None  # None while it is a row of the units sheet
    post: Post | None = None  # the post of the database it is

    @property
    def key(self) -> tuple[Any, str, str, dt.date]:
        return (persons.found_key(self.found), code_key(self.unit_code), match_key(self.title), self.starts_on)


def _parse(row: Row, plan: SheetPlan) -> Line | None:
    v = row.values
    if refuse_missing(row, plan, ("unit_code", "title", "role", "starts_on"), COLUMNS):
        return None
    try:
        who = persons.parse_who(row)
        if who is None:
            raise CellError("full_name", None, "Thiếu người giữ chức vụ (mã hồ sơ, số thẻ, số định danh hoặc họ tên)")
        starts_on = parse_date(v["starts_on"], field="starts_on")
        ends_on = parse_date(v.get("ends_on"), field="ends_on")
        assert starts_on is not None
        if ends_on is not None and ends_on <= starts_on:
            raise CellError("ends_on", v.get("ends_on"), f"«Đến ngày» phải sau ngày {starts_on:%d/%m/%Y}")
        flags = {}
        for name in ("is_leader", "in_collective"):
            chosen = parse_bool(v.get(name), field=name) if name in v else None
            flags[name] = KEEP if chosen is None else chosen
        title = clean_name(clean_text(v["title"]))
        if len(title) > Post._meta.get_field("title").max_length:  # type: ignore[operator]
            raise CellError("title", v["title"], "Chức vụ dài quá 120 ký tự")
        return Line(
            row=row,
            who=who,
            unit_code=clean_text(v["unit_code"]),
            title=title,
            role=parse_choice(v["role"], PostRole, field="role") or "",  # not empty: checked above
            is_leader=flags["is_leader"],
            in_collective=flags["in_collective"],
            starts_on=starts_on,
            ends_on=ends_on,
        )
    except CellError as error:
        plan.refuse(row, error.field, error.message)
        return None


def plan_posts(
    rows: list[Row],
    *,
    scope: Unit | None,
    plan: SheetPlan,
    new_units: dict[str, str],
    new_members: list[MemberLine],
) -> list[Line]:
    """Fill `plan`; return the accepted lines. `new_units`: code → name of the units the units sheet creates;
    `new_members`: the members the members sheet creates (a post may be theirs)."""
    lines = [line for row in rows if (line := _parse(row, plan)) is not None]
    resolver = persons.Resolver([line.who for line in lines], new_members=new_members)
    units = scope_units(scope)
    for line in lines:
        line.found = resolver.find(line.who, line.row, plan)
        line.unit = units.get(code_key(line.unit_code))
        if line.unit is None and code_key(line.unit_code) not in new_units:
            plan.refuse(line.row, "unit_code", f"Không có đơn vị mã «{line.unit_code}» trong phạm vi.")
    lines = [line for line in lines if not plan.is_refused(line.row)]
    resolver.warn_by_name(plan, "người giữ chức vụ")
    seen: dict[Any, Line] = {}
    for line in lines:
        if line.key in seen:
            plan.refuse(
                line.row,
                "title",
                f"Trùng với dòng {seen[line.key].row.number} (cùng người, đơn vị, chức vụ, từ ngày).",
            )
        else:
            seen[line.key] = line
    lines = [line for line in lines if not plan.is_refused(line.row)]
    existing = _existing(lines)
    for line in lines:
        line.post = existing.get(line.key)
    _check_heads(lines, plan)
    accepted = [line for line in lines if not plan.is_refused(line.row)]
    for line in accepted:
        _compare(line, plan, new_units)
    accepted = [line for line in accepted if not plan.is_refused(line.row)]
    _absent(accepted, scope, plan)
    return accepted


def _existing(lines: list[Line]) -> dict[Any, Post]:
    """The database's posts of the lines' persons, by the lines' key."""
    person_ids = {line.found.pk for line in lines if isinstance(line.found, Person)}
    found: dict[Any, Post] = {}
    for post in rows_in(Post.objects.select_related("unit"), "person_id", person_ids):
        key = (("p", post.person_id), code_key(export_code(post.unit)), match_key(post.title), post.starts_on)
        found.setdefault(key, post)
    return found


def _check_heads(lines: list[Line], plan: SheetPlan) -> None:
    """One current head per unit, after the import: the database's heads the file does not end, and the file's."""
    ended = {line.post.pk for line in lines if line.post is not None and line.ends_on is not None}
    heading = [line for line in lines if line.role == PostRole.HEAD and line.ends_on is None]
    unit_ids = {line.unit.pk for line in heading if line.unit is not None}
    current: dict[str, str] = {}  # unit code → who heads it
    heads = Post.objects.filter(role=PostRole.HEAD, ends_on__isnull=True).select_related("unit", "person")
    for post in rows_in(heads, "unit_id", unit_ids):
        if post.pk not in ended:
            current[code_key(export_code(post.unit))] = (
                f"{post.person.full_name} ({post.title}, từ {post.starts_on:%d/%m/%Y})"
            )
    for line in heading:
        if line.post is not None and line.post.role == PostRole.HEAD and line.post.ends_on is None:
            continue  # the head the database has: already counted
        code = code_key(line.unit_code)
        holder = current.get(code)
        if holder is not None:
            plan.refuse(
                line.row, "role", f"Đơn vị đã có người đứng đầu: {holder}; ghi «Đến ngày» cho chức vụ đó trước."
            )
        else:
            assert line.found is not None
            current[code] = f"{line.found.full_name} (dòng {line.row.number})"


def _compare(line: Line, plan: SheetPlan, new_units: dict[str, str]) -> None:
    unit_name = line.unit.name if line.unit is not None else new_units.get(code_key(line.unit_code), line.unit_code)
    assert line.found is not None
    label = f"{line.found.full_name} — {line.title}, {unit_name}"
    key = f"{line.who.shown}, {line.unit_code}, từ {line.starts_on:%d/%m/%Y}"
    post = line.post
    if post is None:
        plan.created.append(Change(line.row.number, key, label))
        return
    fields: dict[str, tuple[Any, Any]] = {}
    if post.role != line.role:
        fields[LABELS["role"]] = (post.get_role_display(), PostRole(line.role).label)
    for name in ("is_leader", "in_collective"):
        wanted = getattr(line, name)
        if wanted is not KEEP and getattr(post, name) != wanted:
            fields[LABELS[name]] = (_yes(getattr(post, name)), _yes(wanted))
    if line.ends_on != post.ends_on and line.ends_on is not None:
        if post.ends_on is not None:
            plan.refuse(
                line.row, "ends_on", f"Chức vụ đã kết thúc ngày {post.ends_on:%d/%m/%Y}: sửa trên trang của người đó."
            )
            return
        fields[LABELS["ends_on"]] = (None, line.ends_on)
    if fields:
        plan.updated.append(Change(line.row.number, key, label, fields))
    else:
        plan.unchanged += 1


def _yes(value: bool) -> str:
    return "Có" if value else "Không"


def _absent(lines: list[Line], scope: Unit | None, plan: SheetPlan) -> None:
    listed = {line.post.pk for line in lines if line.post is not None}
    current = Post.objects.filter(ends_on__isnull=True)
    if scope is not None:
        current = current.filter(subtree_q(scope.path, "unit__path"))
    for post in current.select_related("person", "unit").order_by("unit__path", "id").iterator(chunk_size=2000):
        if post.pk not in listed:
            plan.absent.append(f"{post.person.full_name} — {post.title}, {post.unit.name}")


def apply_posts(lines: list[Line], *, actor: User | None, units: dict[str, Unit]) -> None:
    """Write the accepted lines: the ends and corrections first (a head who leaves makes room for the next),
    then the new posts in bulk. `units`: the units sheet's units by code."""
    for line in lines:
        post = line.post
        if post is None:
            continue
        corrections = {
            name: getattr(line, name)
            for name in ("role", "is_leader", "in_collective")
            if getattr(line, name) is not KEEP and getattr(post, name) != getattr(line, name)
        }
        if line.ends_on is not None and post.ends_on is None:
            people.post_end(post=post, ends_on=line.ends_on, actor=actor)
        if corrections:
            people.post_correct(post=post, actor=actor, **corrections)
    created, events = [], []
    for line in lines:
        if line.post is not None:
            continue
        assert line.found is not None
        unit = line.unit if line.unit is not None else units[code_key(line.unit_code)]
        post = Post(
            person=persons.person_of(line.found),
            unit=unit,
            title=line.title,
            role=line.role,
            is_leader=line.is_leader is True,
            in_collective=line.in_collective is True,
            starts_on=line.starts_on,
            ends_on=line.ends_on,
        )
        created.append(post)
    Post.objects.bulk_create(created, batch_size=2000)
    for post in created:
        new = snapshot(post, people.POST_FIELDS)
        events.append(event(actor=actor, action=Action.POST_ASSIGNED, target=post.person, unit=post.unit, new=new))
    record_many(events)
