"""Exports of the reports: Excel workbooks (XlsxWriter) and PDF (WeasyPrint), each audited.

Workbooks are laid out as the official tables are: the Party header ("ĐẢNG CỘNG SẢN VIỆT NAM" and the date line)
above the title, two header rows, Vietnamese headers, totals and percentages as formulas (with their values
cached, so that a reader that does not calculate still shows them), A4 landscape when printed. PDFs name their
font explicitly (Liberation Serif, the metric twin of Times New Roman, with every Vietnamese glyph).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import xlsxwriter
from django.template.loader import render_to_string
from django.utils import translation
from xlsxwriter.utility import xl_col_to_name

from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.documents.contexts import signer_titles
from danhgia.lib import dates
from danhgia.orgs.models import CELL_KINDS, Locality, Unit
from danhgia.people.models import Post, PostRole
from danhgia.reports.common import LEVELS, date_line
from danhgia.reports.synthesis import EXCLUSION_COLUMNS, PDF_GROUPS, groups_by_kind

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from danhgia.reports.common import AnyUser
    from danhgia.reports.dashboard import Levels
    from danhgia.reports.quotas import QuotaReport
    from danhgia.reports.screening import Screening
    from danhgia.reports.synthesis import MemberRow, OrgRow, Synthesis

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
LEVEL_TITLES = {
    "HTXS": "Hoàn thành xuất sắc nhiệm vụ",
    "HTT": "Hoàn thành tốt nhiệm vụ",
    "HT": "Hoàn thành nhiệm vụ",
    "KHT": "Không hoàn thành nhiệm vụ",
}
PLACE_PREFIXES = (
    "Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ huyện ", "Đảng bộ thị xã ", "Đảng bộ quận ", "Đảng bộ xã ",
    "Đảng bộ phường ", "Đảng bộ thị trấn ", "Đảng bộ đặc khu ",
)  # fmt: skip


def place_of(unit: Unit) -> str:
    """The place name of the date line: the nearest locality above the unit ("Đảng bộ xã Hòa Bình" → "Hòa Bình")."""
    localities = Unit.objects.filter(pk__in=[*unit.ancestor_ids, unit.pk]).exclude(locality=Locality.NONE)
    nearest = max(localities, key=lambda u: len(u.path), default=None)
    name = (nearest or unit).name
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


@dataclass
class Header:
    """The Party header of a document about `unit`: the body above and the unit on the left, the Party's name and
    the date line on the right."""

    left: list[str]
    date: str

    @classmethod
    def of(cls, unit: Unit) -> Header:
        parent = Unit.objects.filter(pk=unit.parent_id).first() if unit.parent_id else None
        left = [parent.name.upper(), unit.name.upper()] if parent else [unit.name.upper()]
        return cls(left, date_line(place_of(unit), dates.today()))


@dataclass
class Signature:
    """Who signs a table issued by `unit`, by the rules of the generated documents (`signer_titles`): a party cell
    signs "T/M CHI BỘ" / "BÍ THƯ" and has no seal; a committee or a body signs on behalf of its collective, sealed."""

    on_behalf: str
    title: str
    sealed: bool
    name: str  # the current head's name, empty when the post is vacant (written by hand)

    @classmethod
    def of(cls, unit: Unit) -> Signature:
        head = (
            Post.objects.filter(unit=unit, role=PostRole.HEAD, ends_on__isnull=True)
            .select_related("person").order_by("-starts_on", "-pk").first()
        )  # fmt: skip
        on_behalf, title = signer_titles(unit, head)
        return cls(on_behalf, title, unit.kind not in CELL_KINDS, str(head.person) if head is not None else "")

    @property
    def hint(self) -> str:
        return "(Ký, ghi rõ họ tên, đóng dấu)" if self.sealed else "(Ký, ghi rõ họ tên)"


# ------------------------------------------------------------------------------------------------------- Excel
@dataclass
class Col:
    key: str
    header: str
    group: str = ""  # a header over consecutive columns of the same group (second header row below it)
    width: float = 9
    kind: str = "int"  # int, pct, text, num, date (a real date shown dd/mm/yyyy)
    formula: str = ""  # e.g. "{a}+{b}": keys are replaced by this row's cells
    total: str = "sum"  # sum: SUM of the block's rows; formula: the row formula; blank


class Book:
    """A workbook being written, with its formats."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.wb: Workbook = xlsxwriter.Workbook(self.buffer, {"in_memory": True})
        self.sheets: list[Sheet] = []
        base = {"font_name": "Times New Roman", "font_size": 11, "valign": "vcenter"}
        border = {**base, "border": 1}
        self.f: dict[str, Format] = {
            "party": self.wb.add_format({**base, "bold": True, "align": "center", "underline": True}),
            "left": self.wb.add_format({**base, "align": "center"}),
            "left_bold": self.wb.add_format({**base, "align": "center", "bold": True}),
            "date": self.wb.add_format({**base, "align": "center", "italic": True}),
            "title": self.wb.add_format({**base, "bold": True, "font_size": 14, "align": "center", "text_wrap": True}),
            "subtitle": self.wb.add_format({**base, "align": "center", "italic": True}),
            "head": self.wb.add_format(
                {**border, "bold": True, "align": "center", "text_wrap": True, "bg_color": "#F2F2F2"}
            ),
            "text": self.wb.add_format({**border, "text_wrap": True}),
            "int": self.wb.add_format({**border, "num_format": "#,##0"}),
            "num": self.wb.add_format({**border, "num_format": "0.00"}),
            "pct": self.wb.add_format({**border, "num_format": "0.0%"}),
            "day": self.wb.add_format({**border, "num_format": "dd/mm/yyyy", "align": "center"}),
            "block": self.wb.add_format({**border, "bold": True, "italic": True, "bg_color": "#FAFAFA"}),
            "total_text": self.wb.add_format({**border, "bold": True}),
            "total_int": self.wb.add_format({**border, "bold": True, "num_format": "#,##0"}),
            "total_num": self.wb.add_format({**border, "bold": True, "num_format": "0.00"}),
            "total_pct": self.wb.add_format({**border, "bold": True, "num_format": "0.0%"}),
            "total_day": self.wb.add_format({**border, "bold": True, "num_format": "dd/mm/yyyy", "align": "center"}),
            "note": self.wb.add_format({**base, "italic": True, "font_size": 10}),
            "sign": self.wb.add_format({**base, "bold": True, "align": "center"}),
            "sign_hint": self.wb.add_format({**base, "italic": True, "align": "center", "font_size": 10}),
        }

    def sheet(self, name: str, header: Header, title: str, subtitle: str, cols: list[Col]) -> Sheet:
        ws = self.wb.add_worksheet(name[:31])
        sheet = Sheet(self, ws, header, title, subtitle, cols)
        self.sheets.append(sheet)
        return sheet

    def close(self) -> bytes:
        self.wb.close()
        return self.buffer.getvalue()


class Sheet:
    """One table on one worksheet: the header block, then blocks of rows with their totals, then notes."""

    def __init__(self, book: Book, ws: Worksheet, header: Header, title: str, subtitle: str, cols: list[Col]):
        self.book, self.ws, self.cols = book, ws, cols
        self.col = {c.key: i for i, c in enumerate(cols)}
        f = book.f
        last = len(cols) - 1
        right = max(last - 5, 3)
        for i, c in enumerate(cols):
            ws.set_column(i, i, c.width)
        for r, text in enumerate(header.left):
            ws.merge_range(r, 0, r, min(2, right - 1), text, f["left_bold"] if r == len(header.left) - 1 else f["left"])
        ws.merge_range(len(header.left), 0, len(header.left), min(2, right - 1), "*", f["left"])
        ws.merge_range(0, right, 0, last, PARTY, f["party"])
        ws.merge_range(1, right, 1, last, header.date, f["date"])
        top = len(header.left) + 2
        ws.set_row(top, 36)
        ws.merge_range(top, 0, top, last, title, f["title"])
        ws.merge_range(top + 1, 0, top + 1, last, subtitle, f["subtitle"])
        self.head = top + 3
        self._headers()
        self.row = self.head + 2
        ws.freeze_panes(self.row, 2)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(self.head, self.head + 1)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)

    def _headers(self) -> None:
        f, ws, r = self.book.f, self.ws, self.head
        ws.set_row(r, 30)
        ws.set_row(r + 1, 45)
        i = 0
        while i < len(self.cols):
            c = self.cols[i]
            if not c.group:
                ws.merge_range(r, i, r + 1, i, c.header, f["head"])
                i += 1
                continue
            j = i
            while j + 1 < len(self.cols) and self.cols[j + 1].group == c.group:
                j += 1
            if j > i:
                ws.merge_range(r, i, r, j, c.group, f["head"])
            else:
                ws.write(r, i, c.group, f["head"])
            for k in range(i, j + 1):
                ws.write(r + 1, k, self.cols[k].header, f["head"])
            i = j + 1

    def ref(self, key: str, row: int) -> str:
        return f"{xl_col_to_name(self.col[key])}{row + 1}"

    def _formula(self, template: str, row: int) -> str:
        text = template
        for key in sorted(self.col, key=len, reverse=True):
            text = text.replace("{" + key + "}", self.ref(key, row))
        return "=" + text

    def block_title(self, text: str) -> None:
        self.ws.merge_range(self.row, 0, self.row, len(self.cols) - 1, text, self.book.f["block"])
        self.row += 1

    def rows(self, rows: Iterable[dict[str, Any]]) -> tuple[int, int]:
        """Write data rows; return the first and last row written (0-based)."""
        first = self.row
        for values in rows:
            self._write(values, self.row, total=None)
            self.row += 1
        return first, self.row - 1

    def total(self, values: dict[str, Any], span: tuple[int, int] | list[tuple[int, int]]) -> int:
        spans = [span] if isinstance(span, tuple) else span
        row = self.row
        self._write(values, row, total=spans)
        self.row += 1
        return row

    def _write(self, values: dict[str, Any], row: int, *, total: list[tuple[int, int]] | None) -> None:
        f, ws = self.book.f, self.ws
        prefix = "total_" if total is not None else ""
        for i, c in enumerate(self.cols):
            value = values.get(c.key)
            fmt = f[prefix + {"text": "text", "date": "day"}.get(c.kind, c.kind)]
            if total is not None and c.total == "sum" and c.kind in {"int", "num"}:
                ranges = [f"{xl_col_to_name(i)}{a + 1}:{xl_col_to_name(i)}{b + 1}" for a, b in total if b >= a]
                formula = "=" + ("+".join(f"SUM({r})" for r in ranges) if ranges else "0")
                ws.write_formula(row, i, formula, fmt, value or 0)
            elif c.formula and not (total is not None and c.total == "blank"):
                ws.write_formula(row, i, self._formula(c.formula, row), fmt, value if value is not None else 0)
            elif value is None:
                ws.write_blank(row, i, None, fmt)
            elif isinstance(value, dt.date):
                ws.write_datetime(row, i, value, fmt)
            else:
                ws.write(row, i, value, fmt)

    def note(self, text: str) -> None:
        self.row += 1
        self.ws.write(self.row, 0, text, self.book.f["note"])

    def signature(self, sign: Signature, date: str) -> None:
        """Under the table, as on paper: who prepared it on the left; the place and date, on whose behalf, the
        signer's title, room to sign and the signer's name on the right."""
        f, ws = self.book.f, self.ws
        last = len(self.cols) - 1
        right = max(last - 5, 3)
        left_end = min(2, right - 1)
        top = self.row + 2
        lines = [(date, "date"), (sign.on_behalf, "sign"), (sign.title, "sign"), (sign.hint, "sign_hint")]
        for i, (text, fmt) in enumerate(lines):
            ws.merge_range(top + i, right, top + i, last, text, f[fmt])
        ws.merge_range(top + 1, 0, top + 1, left_end, "NGƯỜI LẬP BIỂU", f["sign"])
        ws.merge_range(top + 3, 0, top + 3, left_end, "(Ký, ghi rõ họ tên)", f["sign_hint"])
        name_row = top + len(lines) + 3  # three empty rows to sign in
        ws.merge_range(name_row, right, name_row, last, sign.name, f["sign"])
        self.row = name_row


def _pct(level: str, decided: str) -> str:
    return f"IF({{{decided}}}=0,0,{{{level}}}/{{{decided}}})"


def level_cols(decided_key: str = "decided") -> list[Col]:
    cols = []
    for lv in LEVELS:
        group = f"{LEVEL_TITLES[lv]} ({lv})"
        cols.append(Col(lv, "Số lượng", group, 9))
        cols.append(Col(f"{lv}_pct", "Tỷ lệ", group, 8, "pct", _pct(lv, decided_key), "formula"))
    return cols


def level_values(levels: Levels) -> dict[str, Any]:
    values: dict[str, Any] = {"decided": levels.decided, "reviewed": levels.reviewed}
    for lv in LEVELS:
        values[lv] = levels.counts[lv]
        values[f"{lv}_pct"] = levels.share(lv)
    return values


def _members_sheet(book: Book, header: Header, s: Synthesis) -> None:
    cols = [
        Col("n", "STT", width=5, kind="text", total="blank"),
        Col("label", "Đơn vị", width=34, kind="text", total="blank"),
        Col("present", "Đảng viên hiện có", width=11),
        Col("excluded", "Tổng số", "Không kiểm điểm, xếp loại", 9,
            formula="+".join("{x_" + key + "}" for key, _ in EXCLUSION_COLUMNS), total="formula"),
        *[Col("x_" + key, text, "Không kiểm điểm, xếp loại", 11) for key, text in EXCLUSION_COLUMNS],
        Col("omitted", "Chưa có bản kiểm điểm", width=11),
        Col("reviewed", "Có bản kiểm điểm", width=10),
        Col("undecided", "Chưa có quyết định xếp loại", width=12),
        Col("decided", "Đã xếp loại", width=10, formula="{HTXS}+{HTT}+{HT}+{KHT}", total="formula"),
        *level_cols(),
        Col("difference", "Chênh lệch (phải bằng 0)", width=11,
            formula="{present}-{excluded}-{omitted}-{reviewed}", total="formula"),
    ]  # fmt: skip
    sheet = book.sheet(
        "Đảng viên",
        header,
        "BIỂU TỔNG HỢP KẾT QUẢ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN",
        f"{s.period.name} — {s.unit.name}",
        cols,
    )

    def values(row: MemberRow, n: str) -> dict[str, Any]:
        label = f"{row.label} (trực thuộc trực tiếp)" if row.direct else row.label
        return {
            "n": n, "label": label, "present": row.present, "excluded": row.excluded_total,
            **{"x_" + key: row.excluded[key] for key, _ in EXCLUSION_COLUMNS},
            "omitted": row.omitted, "undecided": row.levels.undecided, **level_values(row.levels),
            "difference": row.difference,
        }  # fmt: skip

    span = sheet.rows(values(row, str(i)) for i, row in enumerate(s.members, start=1))
    sheet.total({**values(s.members_total, ""), "label": "Tổng cộng"}, span)
    sheet.note(
        "Đảng viên hiện có = không kiểm điểm, xếp loại + chưa có bản kiểm điểm + có bản kiểm điểm (kể cả bản "
        "đang viết, chưa nộp); tỷ lệ tính trên số đã xếp loại."
    )


def _org_values(row: OrgRow, n: str, label: str | None = None) -> dict[str, Any]:
    if label is None:
        label = f"{row.label} (trực thuộc trực tiếp)" if row.direct else row.label
    return {
        "n": n, "label": label, "note": row.note, "reviewed": row.levels.reviewed,
        "too_new": row.too_new, "undecided": row.undecided, **level_values(row.levels),
    }  # fmt: skip


def org_cols(label: str, *, note: str = "") -> list[Col]:
    cols = [
        Col("n", "STT", width=5, kind="text", total="blank"),
        Col("label", label, width=40, kind="text", total="blank"),
    ]
    if note:
        cols.append(Col("note", note, width=18, kind="text", total="blank"))
    return [
        *cols,
        Col("reviewed", "Tổng số", width=10),
        Col("too_new", "Mới thành lập chưa đủ 6 tháng", "Chưa xếp loại", 12),
        Col("undecided", "Chưa có quyết định", "Chưa xếp loại", 11),
        Col("decided", "Đã xếp loại", width=10, formula="{HTXS}+{HTT}+{HT}+{KHT}", total="formula"),
        *level_cols(),
    ]


def _orgs_sheet(book: Book, header: Header, s: Synthesis) -> None:
    sheet = book.sheet(
        "Tổ chức đảng",
        header,
        "BIỂU TỔNG HỢP KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG TỔ CHỨC ĐẢNG",
        f"{s.period.name} — {s.unit.name}",
        org_cols("Đơn vị"),
    )
    span = sheet.rows(_org_values(row, str(i)) for i, row in enumerate(s.orgs, start=1))
    sheet.total(_org_values(s.orgs_total, "", "Tổng cộng"), span)


def _kinds_sheet(book: Book, header: Header, s: Synthesis) -> None:
    sheet = book.sheet(
        "Theo loại đối tượng",
        header,
        "KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI THEO LOẠI ĐỐI TƯỢNG",
        f"{s.period.name} — {s.unit.name}",
        org_cols("Loại đối tượng"),
    )
    for number, section in enumerate(s.kinds, start=1):
        sheet.block_title(f"{_roman(number)}. {section.title}")
        span = sheet.rows(_org_values(row, f"{number}.{i}") for i, row in enumerate(section.rows, start=1))
        if section.total is not None:
            sheet.total(_org_values(section.total, ""), span)
    sheet.note("Cán bộ lãnh đạo, quản lý được kiểm điểm cả với tư cách đảng viên: hai dòng không cộng với nhau.")


def _groups_sheet(book: Book, header: Header, s: Synthesis) -> None:
    sheet = book.sheet(
        "Theo nhóm tương đồng",
        header,
        "KẾT QUẢ XẾP LOẠI THEO NHÓM ĐỐI TƯỢNG TƯƠNG ĐỒNG",
        f"{s.period.name} — {s.unit.name}",
        [
            *org_cols("Nhóm đối tượng tương đồng", note="Đối tượng"),
            Col("ratio", "Tỷ lệ HTXS (HTXS / HTT)", width=11, kind="pct", formula="IF({HTT}=0,0,{HTXS}/{HTT})",
                total="formula"),
        ],
    )  # fmt: skip
    rows = []
    for i, g in enumerate(s.groups, start=1):
        values = _org_values(g.row, str(i))
        values["ratio"] = g.row.levels.counts["HTXS"] / g.row.levels.counts["HTT"] if g.row.levels.counts["HTT"] else 0
        if g.group is not None:
            values["label"] = f"{g.group.name} ({g.group.unit.name})"
        rows.append(values)
    span = sheet.rows(rows)
    total = _org_values(_sum_rows([g.row for g in s.groups]), "", "Tổng cộng")
    total["ratio"] = total["HTXS"] / total["HTT"] if total["HTT"] else 0
    sheet.total(total, span)


def _kht_sheet(book: Book, header: Header, s: Synthesis) -> None:
    sheet = book.sheet(
        "KHT theo lý do",
        header,
        "CÁC TRƯỜNG HỢP KHÔNG HOÀN THÀNH NHIỆM VỤ THEO LÝ DO",
        f"{s.period.name} — {s.unit.name}",
        [
            Col("n", "STT", width=5, kind="text"),
            Col("rule", "Mã quy tắc", width=12, kind="text"),
            Col("text", "Lý do", width=60, kind="text"),
            Col("source", "Căn cứ", width=30, kind="text"),
            Col("members", "Đảng viên", "Số trường hợp", 10),
            Col("leaders", "Cán bộ lãnh đạo, quản lý", "Số trường hợp", 12),
            Col("orgs", "Tổ chức, tập thể, cơ quan", "Số trường hợp", 12),
            Col("total", "Cộng", "Số trường hợp", 9, formula="{members}+{leaders}+{orgs}"),
        ],
    )
    sheet.rows(
        {"n": str(i), "rule": "" if r.rule == "authority" else r.rule, "text": r.text, "source": r.source,
         "members": r.members, "leaders": r.leaders, "orgs": r.orgs, "total": r.total}
        for i, r in enumerate(s.kht, start=1)
    )  # fmt: skip
    subjects = s.kht_subjects
    sheet.rows(
        [
            {"n": "", "rule": "", "text": "Số đối tượng xếp loại không hoàn thành nhiệm vụ", "source": "",
             "members": subjects["members"], "leaders": subjects["leaders"], "orgs": subjects["orgs"],
             "total": sum(subjects.values())}
        ]
    )  # fmt: skip
    sheet.note("Một đối tượng có thể có nhiều lý do: các dòng lý do không cộng thành số đối tượng.")


def _sum_rows(rows: list[OrgRow]) -> OrgRow:
    from danhgia.reports.synthesis import OrgRow

    total = OrgRow("Tổng cộng")
    for row in rows:
        total.add(row)
    return total


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n] if n <= 10 else str(n)


def synthesis_xlsx(s: Synthesis) -> bytes:
    book = Book()
    header = Header.of(s.unit)
    _members_sheet(book, header, s)
    _orgs_sheet(book, header, s)
    _kinds_sheet(book, header, s)
    _groups_sheet(book, header, s)
    _kht_sheet(book, header, s)
    sign = Signature.of(s.unit)
    for sheet in book.sheets:
        sheet.signature(sign, header.date)
    return book.close()


def quota_xlsx(report: QuotaReport) -> bytes:
    book = Book()
    header = Header.of(report.unit)
    cols = [
        Col("n", "STT", width=5, kind="text", total="blank"),
        Col("label", "Nhóm đối tượng tương đồng", width=38, kind="text", total="blank"),
        Col("kind", "Đối tượng", width=16, kind="text", total="blank"),
        Col("reviewed", "Tổng số", width=9),
        Col("decided", "Đã xếp loại", width=9),
        Col("htt", "Xếp loại HTT", width=9),
        Col("rate", "Tỷ lệ tối đa (× số HTT)", width=8, kind="pct", total="blank"),
        Col("candidates", "Đủ điều kiện HTXS (trước tỷ lệ)", "Tỷ lệ HTXS", 12),
        Col("cap", "Số tối đa theo tỷ lệ", "Tỷ lệ HTXS", 10),
        Col("kept", "Được xếp HTXS", "Tỷ lệ HTXS", 10),
        Col("capped", "Chuyển xuống do vượt tỷ lệ", "Tỷ lệ HTXS", 12, formula="{candidates}-{kept}", total="formula"),
        Col("share", "Tỷ lệ HTXS (HTXS / HTT)", "Tỷ lệ HTXS", 11, "pct", "IF({htt}=0,0,{kept}/{htt})", "formula"),
        Col("median", "Trung vị tỷ lệ HTXS các nhóm tương đồng", "So sánh", 12, "pct", total="blank"),
        Col("last_kept", "Điểm thấp nhất được giữ HTXS", "So sánh", 11, "num", total="blank"),
    ]  # fmt: skip
    sheet = book.sheet(
        "Theo nhóm", header, "BÁO CÁO KẾT QUẢ ÁP DỤNG TỶ LỆ HOÀN THÀNH XUẤT SẮC NHIỆM VỤ",
        f"{report.period.name} — {report.unit.name}", cols,
    )  # fmt: skip
    span = sheet.rows(
        {"n": str(i), "label": f"{r.group.name} ({r.group.unit.name})", "kind": r.group.get_subject_kind_display(),
         "reviewed": r.levels.reviewed, "decided": r.levels.decided, "htt": r.levels.counts["HTT"], "rate": r.rate,
         "candidates": r.candidates, "cap": r.cap, "kept": r.kept, "capped": r.capped, "share": r.htxs_of_htt,
         "median": r.comparable_median, "last_kept": float(r.last_kept) if r.last_kept is not None else None}
        for i, r in enumerate(report.rows, start=1)
    )  # fmt: skip
    totals: dict[str, Any] = {
        "label": "Tổng cộng",
        "reviewed": sum(r.levels.reviewed for r in report.rows),
        "decided": sum(r.levels.decided for r in report.rows),
        "htt": sum(r.levels.counts["HTT"] for r in report.rows),
        "candidates": report.candidates,
        "cap": sum(r.cap for r in report.rows),
        "kept": report.kept,
        "capped": report.capped,
    }
    totals["share"] = totals["kept"] / totals["htt"] if totals["htt"] else 0
    sheet.total(totals, span)
    sheet.note("Số tối đa tính theo các mức đã quyết định; đối tượng chưa quyết định chưa được tính.")

    capped_sheet = book.sheet(
        "Bị chuyển xuống", header, "DANH SÁCH ĐỦ ĐIỀU KIỆN HTXS NHƯNG VƯỢT TỶ LỆ",
        f"{report.period.name} — {report.unit.name}",
        [
            Col("n", "STT", width=5, kind="text"),
            Col("name", "Họ và tên, tổ chức", width=30, kind="text"),
            Col("unit", "Nơi kiểm điểm", width=30, kind="text"),
            Col("group", "Nhóm đối tượng tương đồng", width=34, kind="text"),
            Col("level", "Mức được xếp", width=10, kind="text"),
            Col("score", "Điểm", width=8, kind="num"),
            Col("last_kept", "Điểm thấp nhất được giữ HTXS", width=12, kind="num"),
            Col("margin", "Kém (điểm)", width=9, kind="num",
                formula='IF(OR({score}="",{last_kept}=""),"",{last_kept}-{score})'),
        ],
    )  # fmt: skip
    rows: list[dict[str, Any]] = []
    for r in report.rows:
        for c in r.capped_list:
            rows.append(
                {"n": str(len(rows) + 1), "name": c.name, "unit": c.unit, "group": r.group.name, "level": c.level,
                 "score": float(c.score) if c.score is not None else None,
                 "last_kept": float(c.last_kept) if c.last_kept is not None else None,
                 "margin": float(c.margin) if c.margin is not None else ""}
            )  # fmt: skip
    capped_sheet.rows(rows)
    if not rows:
        capped_sheet.note("Không có trường hợp nào.")

    comp = book.sheet(
        "Nhóm tương đồng", header, "TỶ LỆ HTXS GIỮA CÁC NHÓM TƯƠNG ĐỒNG", f"{report.period.name} — {report.unit.name}",
        [
            Col("n", "STT", width=5, kind="text", total="blank"),
            Col("label", "Loại nhóm (đối tượng — loại đơn vị)", width=50, kind="text", total="blank"),
            Col("groups", "Số nhóm", width=8),
            Col("decided", "Đã xếp loại", width=10),
            Col("htt", "Xếp loại HTT", width=9),
            Col("candidates", "Đủ điều kiện HTXS", width=11),
            Col("kept", "Được xếp HTXS", width=10),
            Col("capped", "Chuyển xuống", width=10, formula="{candidates}-{kept}", total="formula"),
            Col("share", "Tỷ lệ HTXS", "Tỷ lệ HTXS (HTXS / HTT)", 10, "pct", "IF({htt}=0,0,{kept}/{htt})", "formula"),
            Col("low", "Thấp nhất", "Tỷ lệ HTXS (HTXS / HTT)", 10, "pct", total="blank"),
            Col("median", "Trung vị", "Tỷ lệ HTXS (HTXS / HTT)", 10, "pct", total="blank"),
            Col("high", "Cao nhất", "Tỷ lệ HTXS (HTXS / HTT)", 10, "pct", total="blank"),
        ],
    )  # fmt: skip
    span = comp.rows(
        {"n": str(i), "label": c.label, "groups": c.groups, "decided": c.decided, "htt": c.htt,
         "candidates": c.candidates, "kept": c.kept, "capped": c.capped, "share": c.share, "low": c.low,
         "median": c.median, "high": c.high}
        for i, c in enumerate(report.comparables, start=1)
    )  # fmt: skip
    comp.total(
        {"label": "Tổng cộng", "groups": sum(c.groups for c in report.comparables),
         "decided": sum(c.decided for c in report.comparables), "htt": sum(c.htt for c in report.comparables),
         "candidates": report.candidates, "kept": report.kept, "capped": report.capped,
         "share": report.kept / max(1, sum(c.htt for c in report.comparables))},
        span,
    )  # fmt: skip
    return book.close()


def screening_xlsx(s: Screening) -> bytes:
    book = Book()
    header = Header.of(s.unit)

    def listing(name: str, title: str, lines: list[Any], years: list[int], who: str = "Họ và tên") -> None:
        cols = [
            Col("n", "STT", width=5, kind="text"),
            Col("name", who, width=30, kind="text"),
            Col("unit", "Nơi kiểm điểm (năm gần nhất)", width=36, kind="text"),
            *[Col(f"y{y}", f"Năm {y}", "Mức xếp loại", 9, kind="text") for y in years],
        ]
        sheet = book.sheet(name, header, f"{title}", f"{s.period.name} — {s.unit.name}", cols)
        sheet.rows(
            {"n": str(i), "name": ln.name, "unit": ln.unit, **{f"y{y}": lv for y, lv in ln.levels}}
            for i, ln in enumerate(lines, start=1)
        )
        if not lines:
            sheet.note("Không có trường hợp nào.")

    year = s.period.year
    listing("KHT hai năm liền", "ĐẢNG VIÊN XẾP LOẠI KHÔNG HOÀN THÀNH NHIỆM VỤ HAI NĂM LIỀN", s.kht_twice.lines,
            [year, year - 1])  # fmt: skip
    listing("Cán bộ lãnh đạo", "CÁN BỘ LÃNH ĐẠO, QUẢN LÝ XẾP LOẠI KHT HOẶC HAI NĂM LIỀN Ở MỨC HT", s.leaders.lines,
            [year, year - 1])  # fmt: skip
    never = book.sheet(
        "Chưa từng xếp loại", header, "ĐẢNG VIÊN CHƯA TỪNG ĐƯỢC XẾP LOẠI CHẤT LƯỢNG",
        f"{s.period.name} — {s.unit.name}",
        [Col("n", "STT", width=5, kind="text"), Col("name", "Họ và tên", width=30, kind="text"),
         Col("unit", "Chi bộ", width=36, kind="text"), Col("admitted", "Ngày vào Đảng", width=12, kind="date"),
         Col("status", "Tình trạng trong kỳ", width=40, kind="text")],
    )  # fmt: skip
    never.rows(
        {"n": str(i), "name": ln.name, "unit": ln.unit, "status": ln.status,
         "admitted": ln.admitted_on}
        for i, ln in enumerate(s.never, start=1)
    )  # fmt: skip
    if not s.never:
        never.note("Không có trường hợp nào.")
    overdue = book.sheet(
        "Hạn chế quá hạn", header, "HẠN CHẾ, KHUYẾT ĐIỂM QUÁ HẠN KHẮC PHỤC", f"{s.period.name} — {s.unit.name}",
        [Col("n", "STT", width=5, kind="text"), Col("who", "Cá nhân, tổ chức", width=28, kind="text"),
         Col("unit", "Nơi kiểm điểm", width=28, kind="text"),
         Col("text", "Hạn chế, khuyết điểm", width=50, kind="text"),
         Col("deadline", "Thời hạn", width=11, kind="date"), Col("days", "Quá hạn (ngày)", width=9),
         Col("status", "Trạng thái", width=16, kind="text")],
    )  # fmt: skip
    overdue.rows(
        {"n": str(i), "who": str(o.shortcoming.person or o.shortcoming.unit), "unit": o.shortcoming.review.context.name,
         "text": o.shortcoming.description, "deadline": o.shortcoming.deadline, "days": o.days,
         "status": o.shortcoming.get_status_display()}
        for i, o in enumerate(s.overdue, start=1)
    )  # fmt: skip
    if not s.overdue:
        overdue.note("Không có trường hợp nào.")
    run = [year - i for i in range(s.years)]
    listing("HTXS nhiều năm", f"ĐẢNG VIÊN HOÀN THÀNH XUẤT SẮC NHIỆM VỤ {s.years} NĂM LIỀN", s.htxs_members.lines, run)
    listing("Tổ chức HTXS nhiều năm", f"TỔ CHỨC ĐẢNG HOÀN THÀNH XUẤT SẮC NHIỆM VỤ {s.years} NĂM LIỀN",
            s.htxs_orgs.lines, run, who="Tổ chức đảng")  # fmt: skip
    return book.close()


# --------------------------------------------------------------------------------------------------------- PDF
def synthesis_pdf(s: Synthesis) -> bytes:
    from weasyprint import HTML

    # An official table stays Vietnamese whatever the interface language of whoever prints it.
    with translation.override("vi"):
        summed = groups_by_kind(s.groups) if len(s.groups) > PDF_GROUPS else None
        context = {"s": s, "header": Header.of(s.unit), "party": PARTY, "levels": LEVELS,
                   "exclusion_columns": EXCLUSION_COLUMNS, "summed_groups": summed,
                   "sign": Signature.of(s.unit)}  # fmt: skip
        html = render_to_string("reports/pdf/synthesis.html", context)
    return bytes(HTML(string=html).write_pdf())


# -------------------------------------------------------------------------------------------------------- audit
def audited(
    *, actor: AnyUser, action: Action, unit: Unit, label: str, detail: dict[str, Any], build: Callable[[], bytes]
) -> bytes:
    """Build an export and record who took it, of what, where (Decree 13/2023: every export is audited)."""
    content = build()
    record(
        actor=actor if actor.is_authenticated else None,
        action=action,
        unit=unit,
        label=label,
        new={**detail, "bytes": len(content)},
    )
    return content


def audit_read(
    *,
    actor: AnyUser,
    action: Action,
    unit: Unit | None,
    label: str,
    detail: dict[str, Any],
    target: Any = None,
) -> None:
    """Record a bulk read of members' results on screen (screening lists, a person's years of results)."""
    record(
        actor=actor if actor.is_authenticated else None,
        action=action,
        target=target,
        unit=unit,
        label=label,
        new=detail,
    )
