"""The DanhGia import workbook: the blank template, and the registry exported in it.

One sheet per kind of data with the template's Vietnamese headers on row 1 (what the importer reads), drop-down
lists for the kinds, statuses and yes/no columns, and a «Hướng dẫn» sheet with a filled example row of each sheet
and what each column means. The export writes the units and the members of a scope in the same layout, so that
exporting and importing again is a round trip that changes nothing: a unit without a code is written «DG-<id>»,
each person carries «Mã hồ sơ DanhGia» (DG-<id>), the name is split as DanhGia keeps it.

Text is written as text, never as a formula (a name starting with «=» stays a name in Excel), and the workbook is
written row by row (xlsxwriter's constant memory mode), so a province's 70,000 members cost little memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import IO, Any

import xlsxwriter
from django.utils import timezone

from danhgia.imports import members, posts, quotas, results, units
from danhgia.imports.members import STATUS_EXPORT
from danhgia.lib.xlsx import workbook
from danhgia.orgs.models import Locality, Unit, UnitKind, subtree_q
from danhgia.people.models import (
    PRESENT_STATUSES,
    CivilServant,
    Gender,
    Membership,
    Person,
    Post,
    PostRole,
    QuotaGroup,
    SubjectKind,
)
from danhgia.periods.models import PeriodStatus
from danhgia.reviews.models import LEVEL_CHOICES, Review, ReviewKind

UNITS_SHEET, MEMBERS_SHEET, GUIDE_SHEET, LISTS_SHEET = "Đơn vị", "Đảng viên", "Hướng dẫn", "Danh mục"
POSTS_SHEET, RESULTS_SHEET, QUOTAS_SHEET = "Chức vụ", "Kết quả các năm", "Nhóm tương đồng"
UNIT_FIELDS = list(units.COLUMNS)
MEMBER_FIELDS = members.TEMPLATE
POST_FIELDS = list(posts.COLUMNS)
RESULT_FIELDS = list(results.COLUMNS)
QUOTA_FIELDS = list(quotas.COLUMNS)
ROWS = 100_000  # how far down the drop-down lists reach in an empty template

UNIT_EXAMPLE = {
    "code": "CB001",
    "name": "Chi bộ Thôn Đồng Tâm",
    "kind": UnitKind.CELL.label,
    "parent_code": "XA001",
    "locality": "",
    "is_grassroots": "Không",
    "collective_name": "",
    "founded_on": dt.date(2025, 7, 1),
    "dissolved_on": None,
}
MEMBER_EXAMPLE = {
    "person_ref": "",
    "family_name": "Nguyễn",
    "middle_name": "Thị",
    "given_name": "Lan",
    "birth_date": dt.date(1985, 3, 9),
    "gender": Gender.FEMALE.label,
    "ethnicity": "Kinh",
    "national_id": "017185000123",
    "card_number": "17001234",
    "admitted_on": dt.date(2010, 5, 19),
    "official_on": dt.date(2011, 5, 19),
    "cell_code": "CB001",
    "status": "Chính thức",
    "status_on": None,
    "civil_servant": CivilServant.CIVIL_SERVANT.label,
}
POST_EXAMPLE = {
    "person_ref": "",
    "card_number": "17001234",
    "national_id": "",
    "full_name": "Nguyễn Thị Lan",
    "birth_date": dt.date(1985, 3, 9),
    "unit_code": "CB001",
    "title": "Bí thư chi bộ",
    "role": PostRole.HEAD.label,
    "is_leader": "Không",
    "in_collective": "Có",
    "starts_on": dt.date(2025, 7, 1),
    "ends_on": None,
}
RESULT_EXAMPLE = {
    "year": "2024",
    "subject_kind": ReviewKind.MEMBER.label,
    "card_number": "17001234",
    "full_name": "Nguyễn Thị Lan",
    "birth_date": dt.date(1985, 3, 9),
    "unit_code": "CB001",
    "level": "HTT",
    "authority_code": "XA001",
    "number": "125-QĐ/ĐU",
    "signed_on": dt.date(2024, 12, 26),
}
HELP = {
    "code": "Bắt buộc. Mã của đơn vị, không trùng trong tỉnh; dùng để nhận đơn vị ở các lần nhập sau.",
    "name": "Bắt buộc.",
    "kind": "Bắt buộc. Chọn trong danh sách.",
    "parent_code": "Mã của đơn vị cấp trên (trong tệp hoặc đã có); chỉ đơn vị cao nhất để trống.",
    "locality": "Cấp tỉnh, cấp huyện, cấp xã; để trống với cơ quan, doanh nghiệp, chi bộ.",
    "is_grassroots": "Có / Không.",
    "founded_on": "Ngày dạng dd/mm/yyyy.",
    "dissolved_on": "Chỉ ghi khi đơn vị đã giải thể, sáp nhập.",
    "person_ref": "Do DanhGia ghi khi xuất tệp; để trống với người mới.",
    "family_name": "Bắt buộc.",
    "given_name": "Bắt buộc.",
    "gender": "Bắt buộc. Nam / Nữ.",
    "national_id": "12 chữ số.",
    "card_number": "Dùng để nhận đảng viên ở các lần nhập sau (nếu không có: số định danh, rồi họ tên và ngày sinh).",
    "admitted_on": "Bắt buộc.",
    "official_on": "Để trống khi còn là đảng viên dự bị.",
    "cell_code": "Bắt buộc: mã chi bộ nơi đảng viên sinh hoạt.",
    "status": "Chọn trong danh sách; để trống là đang sinh hoạt.",
    "status_on": "Ngày bắt đầu trạng thái, hoặc ngày chuyển chi bộ (mặc định: ngày nhập).",
}
QUOTA_EXAMPLE = {
    "year": "2026",
    "scope_code": "XA001",
    "name": "Bí thư chi bộ trực thuộc Đảng bộ xã",
    "subject_kind": SubjectKind.LEADER.label,
    "rate": "20%",
    "card_number": "17001234",
    "full_name": "Nguyễn Thị Lan",
    "birth_date": dt.date(1985, 3, 9),
}
QUOTA_HELP = {
    "year": "Bắt buộc: năm của kỳ đánh giá (đang chuẩn bị hoặc đang đánh giá).",
    "scope_code": "Bắt buộc: mã đơn vị lập nhóm (cấp có thẩm quyền).",
    "name": "Bắt buộc. Mỗi dòng một đối tượng của nhóm; các dòng cùng năm, phạm vi, tên là một nhóm.",
    "subject_kind": "Bắt buộc. Chọn trong danh sách.",
    "rate": "Để trống: theo quy định (20%). Tỷ lệ khác cần căn cứ; trên 20% cần cấp quyết định.",
    "person_ref": "Với nhóm cá nhân: mã hồ sơ DanhGia, hoặc số thẻ, hoặc số định danh, hoặc họ tên và ngày sinh.",
    "unit_code": "Với nhóm tổ chức: mã của tổ chức, cơ quan, đơn vị.",
}
RESULT_HELP = {
    "year": "Bắt buộc: năm được đánh giá, xếp loại (kỳ đã kết thúc; năm đang đánh giá trong hệ thống không nhập).",
    "subject_kind": "Chọn trong danh sách; để trống: đảng viên khi ghi người, tổ chức đảng khi chỉ ghi mã đơn vị.",
    "person_ref": "Với cá nhân: mã hồ sơ DanhGia, hoặc số thẻ đảng viên, hoặc số định danh, hoặc họ tên và ngày sinh.",
    "unit_code": "Với tổ chức: mã của tổ chức. Với cá nhân: nơi kiểm điểm (để trống: chi bộ nơi sinh hoạt cuối năm).",
    "level": "Bắt buộc: HTXS, HTT, HT hoặc KHT.",
    "authority_code": "Mã của cấp đã quyết định xếp loại; để trống: cấp có thẩm quyền theo mặc định.",
    "number": "Số của quyết định, ví dụ 125-QĐ/ĐU.",
    "signed_on": "Ngày ký quyết định.",
}
# The posts sheet's own notes (its person columns are the members sheet's, but say who, not what to create).
POST_HELP = {
    "person_ref": "Người giữ chức vụ: mã hồ sơ DanhGia, hoặc số thẻ đảng viên, hoặc số định danh, hoặc họ tên "
    "và ngày sinh (người có trong hệ thống hoặc ở trang «Đảng viên» của tệp).",
    "unit_code": "Bắt buộc: mã đơn vị nơi giữ chức vụ.",
    "title": "Bắt buộc, ví dụ: Bí thư chi bộ, Phó Chủ tịch UBND xã.",
    "role": "Bắt buộc. Chọn trong danh sách; mỗi đơn vị chỉ một người đứng đầu đương nhiệm.",
    "is_leader": "Có / Không: cán bộ lãnh đạo, quản lý (kiểm điểm ở hai nơi, mẫu 2A).",
    "in_collective": "Có / Không: thành viên tập thể lãnh đạo, quản lý của đơn vị.",
    "starts_on": "Bắt buộc.",
    "ends_on": "Ghi khi đã thôi giữ chức vụ; để trống khi đang giữ. Chức vụ không có trong tệp không bị kết thúc.",
}


# A sheet whose column takes another list than the column of that name elsewhere: (sheet, field) → its list.
LIST_OF = {(QUOTAS_SHEET, "subject_kind"): "quota_kind"}
LIST_TITLES = {"quota_kind": "Đối tượng của nhóm"}


def _lists() -> dict[str, list[str]]:
    return {
        "kind": [c.label for c in UnitKind],
        "locality": [c.label for c in Locality if c.value],
        "is_grassroots": ["Có", "Không"],
        "gender": [c.label for c in Gender],
        "status": list(dict.fromkeys(STATUS_EXPORT.values())),
        "civil_servant": [c.label for c in CivilServant if c.value],
        "role": [c.label for c in PostRole],
        "subject_kind": [c.label for c in ReviewKind],
        "level": [code for code, _label in LEVEL_CHOICES],
        "quota_kind": [c.label for c in SubjectKind],
        "is_leader": ["Có", "Không"],
        "in_collective": ["Có", "Không"],
    }


class _Writer:
    def __init__(self, stream: IO[bytes]) -> None:
        # Text stays text (lib/xlsx.py): no formulas, numbers or links made from strings.
        self.book = workbook(stream, constant_memory=True, in_memory=False)
        self.head = self.book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1, "text_wrap": True})
        self.day = self.book.add_format({"num_format": "dd/mm/yyyy"})
        self.text = self.book.add_format({"num_format": "@"})
        self.note = self.book.add_format({"italic": True, "text_wrap": True, "font_color": "#555555"})

    def table(self, name: str, fields: list[str], labels: dict[str, str], rows: Iterable[dict[str, Any]]) -> None:
        sheet = self.book.add_worksheet(name)
        for col, field in enumerate(fields):
            sheet.set_column(
                col, col, 24 if field in {"name", "collective_name", "title", "full_name"} else 16, self.text
            )
            sheet.write_string(0, col, labels[field], self.head)
        sheet.freeze_panes(1, 0)
        lists = _lists()
        for col, field in enumerate(fields):
            key = LIST_OF.get((name, field), field)
            if key in lists:
                letter = _letter(list(lists).index(key))
                source = f"='{LISTS_SHEET}'!${letter}$2:${letter}${len(lists[key]) + 1}"
                sheet.data_validation(
                    1, col, ROWS, col, {"validate": "list", "source": source, "error_type": "warning"}
                )
        for r, row in enumerate(rows, start=1):
            for col, field in enumerate(fields):
                self.cell(sheet, r, col, row.get(field))

    def cell(self, sheet: Any, r: int, col: int, value: Any) -> None:
        if value in (None, ""):
            return
        if isinstance(value, dt.date):
            sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), self.day)  # a day, no zone
        else:
            sheet.write_string(r, col, str(value))

    def guide(self) -> None:
        sheet = self.book.add_worksheet(GUIDE_SHEET)
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 1, 30)
        sheet.set_column(2, 2, 80)
        sheet.write_string(0, 0, "Cách điền tệp nhập dữ liệu DanhGia", self.head)
        r = 2
        for title, fields, labels, example, notes, what in (
            (UNITS_SHEET, UNIT_FIELDS, units.COLUMNS, UNIT_EXAMPLE, HELP, "đơn vị"),
            (MEMBERS_SHEET, MEMBER_FIELDS, members.COLUMNS, MEMBER_EXAMPLE, HELP, "đảng viên"),
            (POSTS_SHEET, POST_FIELDS, posts.COLUMNS, POST_EXAMPLE, POST_HELP, "chức vụ của một người"),
            (RESULTS_SHEET, RESULT_FIELDS, results.COLUMNS, RESULT_EXAMPLE, RESULT_HELP, "kết quả một năm"),
            (QUOTAS_SHEET, QUOTA_FIELDS, quotas.COLUMNS, QUOTA_EXAMPLE, QUOTA_HELP, "đối tượng của một nhóm"),
        ):
            sheet.write_string(r, 0, f"Trang «{title}»: mỗi dòng một {what}", self.head)
            sheet.write_string(r, 1, "Ví dụ", self.head)
            sheet.write_string(r, 2, "Ghi chú", self.head)
            for field in fields:
                r += 1
                sheet.write_string(r, 0, labels[field])
                self.cell(sheet, r, 1, example.get(field))
                sheet.write_string(r, 2, notes.get(field, ""), self.note)
            r += 2
        again = "Nhập lại cùng tệp không thay đổi gì; đơn vị, đảng viên có trong hệ thống mà không có trong tệp"
        sheet.write_string(r, 0, f"{again} được báo lại, không bị xóa.", self.note)
        lists = self.book.add_worksheet(LISTS_SHEET)
        labels = {**units.COLUMNS, **members.COLUMNS, **posts.COLUMNS, **results.COLUMNS, **quotas.COLUMNS}
        for col, (field, values) in enumerate(_lists().items()):
            lists.write_string(0, col, LIST_TITLES.get(field) or labels[field], self.head)
            for r, value in enumerate(values, start=1):
                lists.write_string(r, col, value)
        lists.hide()

    def close(self) -> None:
        self.book.close()


def _letter(index: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(index)


def blank(stream: IO[bytes]) -> None:
    """The empty template: the headers, the drop-down lists and the guide with its example rows."""
    writer = _Writer(stream)
    writer.table(UNITS_SHEET, UNIT_FIELDS, units.COLUMNS, [])
    writer.table(MEMBERS_SHEET, MEMBER_FIELDS, members.COLUMNS, [])
    writer.table(POSTS_SHEET, POST_FIELDS, posts.COLUMNS, [])
    writer.table(RESULTS_SHEET, RESULT_FIELDS, results.COLUMNS, [])
    writer.table(QUOTAS_SHEET, QUOTA_FIELDS, quotas.COLUMNS, [])
    writer.guide()
    writer.close()


def unit_rows(scope: Unit | None) -> Iterator[dict[str, Any]]:
    found = Unit.objects.select_related("parent").order_by("path")
    if scope is not None:
        found = found.filter(subtree_q(scope.path))
    for unit in found.iterator(chunk_size=2000):
        yield {
            "code": units.export_code(unit),
            "name": unit.name,
            "kind": unit.get_kind_display(),
            "parent_code": units.export_code(unit.parent) if unit.parent is not None and unit != scope else "",
            "locality": unit.get_locality_display() if unit.locality else "",
            "is_grassroots": "Có" if unit.is_grassroots else "Không",
            "collective_name": unit.collective_name,
            "founded_on": unit.founded_on,
            "dissolved_on": unit.dissolved_on,
        }


def member_rows(scope: Unit | None) -> Iterator[dict[str, Any]]:
    today = timezone.localdate()
    current = Membership.objects.filter(valid_to__isnull=True, status__in=PRESENT_STATUSES)
    if scope is not None:
        current = current.filter(subtree_q(scope.path, "unit__path"))
    current = current.select_related("member__person", "unit").order_by("unit__path", "member__person__sort_key")
    for stay in current.iterator(chunk_size=2000):
        member, person = stay.member, stay.member.person
        yield {
            "person_ref": f"DG-{person.pk}",
            "family_name": person.family_name,
            "middle_name": person.middle_name,
            "given_name": person.given_name,
            "birth_date": person.birth_date,
            "gender": person.get_gender_display(),
            "ethnicity": person.ethnicity,
            "national_id": person.national_id or "",
            "card_number": member.card_number or "",
            "admitted_on": member.admitted_on,
            "official_on": member.official_on,
            "cell_code": units.export_code(stay.unit),
            "status": members.status_label(stay.status, member.is_official(today)),
            "civil_servant": person.get_civil_servant_display() if person.civil_servant else "",
        }


def _who(person: Person) -> dict[str, Any]:
    """The columns that say who a row of the posts, results or quota groups sheet is about (imports/persons.py)."""
    member = getattr(person, "party_member", None)  # select_related("…person__party_member") by the callers
    return {
        "person_ref": f"DG-{person.pk}",
        "card_number": (member.card_number if member is not None else None) or "",
        "national_id": person.national_id or "",
        "full_name": person.full_name,
        "birth_date": person.birth_date,
    }


def post_rows(scope: Unit | None) -> Iterator[dict[str, Any]]:
    """The posts held in the units of `scope`, current and past (a past one is what a year's review read)."""
    found = Post.objects.select_related("person__party_member", "unit").order_by("unit__path", "starts_on", "id")
    if scope is not None:
        found = found.filter(subtree_q(scope.path, "unit__path"))
    for post in found.iterator(chunk_size=2000):
        yield _who(post.person) | {
            "unit_code": units.export_code(post.unit),
            "title": post.title,
            "role": post.get_role_display(),
            "is_leader": "Có" if post.is_leader else "Không",
            "in_collective": "Có" if post.in_collective else "Không",
            "starts_on": post.starts_on,
            "ends_on": post.ends_on,
        }


def result_rows(scope: Unit | None) -> Iterator[dict[str, Any]]:
    """The decided levels of the closed years, of the subjects reviewed in `scope` (the decision in force)."""
    found = Review.objects.filter(period__status=PeriodStatus.CLOSED, decision__isnull=False).select_related(
        "period", "person__party_member", "context", "decision__authority"
    )
    if scope is not None:
        found = found.filter(subtree_q(scope.path, "context__path"))
    for review in found.order_by("period__year", "context__path", "kind", "id").iterator(chunk_size=2000):
        decision = review.decision
        assert decision is not None
        row: dict[str, Any] = {
            "year": str(review.period.year),
            "subject_kind": review.get_kind_display(),
            "unit_code": units.export_code(review.context),
            "level": decision.level,
            "authority_code": units.export_code(decision.authority),
            "number": decision.number,
            "signed_on": decision.signed_on,
        }
        yield row | (_who(review.person) if review.person is not None else {})


def quota_rows(scope: Unit | None) -> Iterator[dict[str, Any]]:
    """The quota groups of the periods not closed, laid out in `scope`, a row per subject (a row for a group
    without any)."""
    groups = QuotaGroup.objects.exclude(period__status=PeriodStatus.CLOSED).select_related("period", "unit")
    if scope is not None:
        groups = groups.filter(subtree_q(scope.path, "unit__path"))
    for group in groups.order_by("period__year", "unit__path", "name").iterator(chunk_size=500):
        head = {
            "year": str(group.period.year),
            "scope_code": units.export_code(group.unit),
            "name": group.name,
            "subject_kind": group.get_subject_kind_display(),
            "rate": f"{group.rate * 100:g}%" if group.rate is not None else "",
            "rate_reason": group.rate_reason,
            "rate_decided_by": group.rate_decided_by,
        }
        entries = group.entries.select_related("person__party_member", "unit").order_by("id")
        if not entries:
            yield head
        for entry in entries:
            if entry.person is not None:
                yield head | _who(entry.person)
            elif entry.unit is not None:
                yield head | {"unit_code": units.export_code(entry.unit)}


def export(stream: IO[bytes], *, scope: Unit | None) -> None:
    """The units, the members, the posts and the past years' results of `scope` in the template (everything when
    None)."""
    writer = _Writer(stream)
    writer.table(UNITS_SHEET, UNIT_FIELDS, units.COLUMNS, unit_rows(scope))
    writer.table(MEMBERS_SHEET, MEMBER_FIELDS, members.COLUMNS, member_rows(scope))
    writer.table(POSTS_SHEET, POST_FIELDS, posts.COLUMNS, post_rows(scope))
    writer.table(RESULTS_SHEET, RESULT_FIELDS, results.COLUMNS, result_rows(scope))
    writer.table(QUOTAS_SHEET, QUOTA_FIELDS, quotas.COLUMNS, quota_rows(scope))
    writer.guide()
    writer.close()
