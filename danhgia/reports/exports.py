"""Exports of the reports: Excel workbooks (XlsxWriter) and PDF (WeasyPrint), each audited.

Workbooks are laid out as the official tables are: the Party header ("ĐẢNG CỘNG SẢN VIỆT NAM" and the date line)
above the title, two header rows, Vietnamese headers, totals and percentages as formulas (with their values
cached, so that a reader that does not calculate still shows them), A4 landscape when printed. PDFs name their
font explicitly (Liberation Serif, the metric twin of Times New Roman, with every Vietnamese glyph).

The header and the signature come from the documents' letterhead (documents/letterhead.py): a report is issued,
dated and signed as the same body's documents are. Excel does not size merged cells nor rows of wrapped text, and
XlsxWriter cannot measure text: the widths of the header, the signature and the wrapped cells are estimated per
letter (`text_width`) and the columns and rows sized from them.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation
from xlsxwriter.utility import xl_col_to_name

from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.documents.engine import unbreakable_html
from danhgia.documents.letterhead import PARTY, Letterhead, Signature, Units, keep_place
from danhgia.lib import dates
from danhgia.lib.xlsx import workbook
from danhgia.reports.common import LEVELS
from danhgia.reports.synthesis import EXCLUSION_COLUMNS, PDF_GROUPS, groups_by_kind

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

    from danhgia.orgs.models import Unit
    from danhgia.reports.common import AnyUser
    from danhgia.reports.dashboard import Levels
    from danhgia.reports.quotas import QuotaReport
    from danhgia.reports.screening import Screening
    from danhgia.reports.synthesis import MemberRow, OrgRow, Synthesis

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
LEVEL_TITLES = {
    "HTXS": "Hoàn thành xuất sắc nhiệm vụ",
    "HTT": "Hoàn thành tốt nhiệm vụ",
    "HT": "Hoàn thành nhiệm vụ",
    "KHT": "Không hoàn thành nhiệm vụ",
}
Header = Letterhead  # the header of a report: its left lines and its date line


def letterhead(unit: Unit) -> tuple[Letterhead, Signature]:
    """The header and the signature of a report issued today by `unit` (its committee, for a party organization)."""
    units = Units([unit])
    today = dates.today()
    return Letterhead.of(unit, today, units), Signature.of(unit, today, units)


# Widths in Excel's unit (the width of a "0" of the default font: 7 pixels) of Times New Roman 11 pt, per letter,
# a little above those of Liberation Serif (its metric twin): enough for the text never to be cut.
_WIDE = frozenset("%—…@")
_NARROW = frozenset(" ,.;:'|!")
LINE = 15.0  # points per line of 11 pt text in a row (Excel's own default row height)
PAD = 1.5  # the cell's inner margins, in width units


def text_width(text: str, *, bold: bool = False, size: float = 11) -> float:
    units = 0.0
    for ch in text:
        if ch in _NARROW:
            units += 0.55
        elif ch in _WIDE:
            units += 2.15
        elif ch.isdigit():
            units += 1.07
        elif ch.isupper():
            units += 1.52 if bold else 1.46
        elif ch.isalpha():
            units += 1.08 if bold else 1.03
        else:
            units += 0.72
    return units * size / 11


def wrapped_lines(text: str, width: float, *, bold: bool = False, size: float = 11) -> int:
    """How many lines `text` takes in a cell `width` units wide, wrapped at spaces as Excel does."""
    room = max(width - PAD, 1.0)
    space = text_width(" ", size=size)
    lines, used = 0, 0.0
    for paragraph in str(text).splitlines() or [""]:
        lines, used = lines + 1, 0.0
        for word in paragraph.split():
            w = text_width(word, bold=bold, size=size)
            if used and used + space + w > room:
                lines, used = lines + 1, 0.0
            if w > room:  # a word longer than the cell is broken where it reaches the edge
                extra = int(w // room)
                lines, used = lines + extra, w - extra * room
            else:
                used = used + space + w if used else w
    return max(lines, 1)


def row_height(lines: int, size: float = 11) -> float:
    return lines * LINE * size / 11 + 3


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
    """A workbook being written, with its formats; `sign`: the signature every sheet ends with (if any)."""

    def __init__(self, sign: Signature | None = None) -> None:
        self.sign = sign
        self.buffer = io.BytesIO()
        self.wb: Workbook = workbook(self.buffer, in_memory=True)  # text stays text: a name is never a formula
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
        self.widths = [c.width for c in cols]
        self._blocks(header)
        for i, width in enumerate(self.widths):
            ws.set_column(i, i, width)
        left, right = self.left_end, self.right
        for r, text in enumerate(header.left):
            self._merge(r, 0, left, text, f["left_bold"] if r == len(header.left) - 1 else f["left"])
        self._merge(len(header.left), 0, left, "*", f["left"])
        self._merge(0, right, last, PARTY, f["party"])
        self._merge(1, right, last, header.date, f["date"])
        top = len(header.left) + 2
        ws.set_row(top, row_height(wrapped_lines(title, sum(self.widths), bold=True, size=14), 14))
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

    def _blocks(self, header: Header) -> None:
        """The columns of the left block (the issuer, "NGƯỜI LẬP BIỂU") and of the right one (the Party's name, the
        date line, the signer): as before on a wide table (the first three, the last six), each widened until its
        longest line fits — over the next columns, else by growing its outer column."""
        widths, last = self.widths, len(self.widths) - 1
        sign = self.book.sign
        need_left = max(text_width(t, bold=True) for t in [*header.left, "NGƯỜI LẬP BIỂU"]) + PAD
        right_lines = [text_width(PARTY, bold=True), text_width(header.date)]
        if sign is not None:
            right_lines += [text_width(t, bold=True) for t in (sign.on_behalf, sign.title, sign.name)]
            right_lines.append(text_width(sign.hint, size=10))
        need_right = max(right_lines) + PAD
        left_end = next((i for i in range(last) if sum(widths[: i + 1]) >= need_left), last - 1)
        if sum(widths[: left_end + 1]) < need_left:
            widths[left_end] += need_left - sum(widths[: left_end + 1])
        fitting = [r for r in range(left_end + 1, last + 1) if sum(widths[r:]) >= need_right]
        if fitting:
            right = min(max(max(last - 5, 3), left_end + 1), max(fitting))
        else:
            right = left_end + 1
            widths[last] += need_right - sum(widths[right:])
        self.left_end, self.right = left_end, right

    def _merge(self, row: int, first: int, last: int, text: str, fmt: Format) -> None:
        if last > first:
            self.ws.merge_range(row, first, row, last, text, fmt)
        else:
            self.ws.write(row, first, text, fmt)

    def _headers(self) -> None:
        """The two header rows, each as tall as its longest wrapped header; a header over both rows shares them."""
        f, ws, r = self.book.f, self.ws, self.head
        top_lines, low_lines, both_lines = [1], [1], [1]
        i = 0
        while i < len(self.cols):
            c = self.cols[i]
            j = i
            while c.group and j + 1 < len(self.cols) and self.cols[j + 1].group == c.group:
                j += 1
            if not c.group:
                both_lines.append(wrapped_lines(c.header, self.widths[i], bold=True))
            else:
                top_lines.append(wrapped_lines(c.group, sum(self.widths[i : j + 1]), bold=True))
                low_lines += [wrapped_lines(self.cols[k].header, self.widths[k], bold=True) for k in range(i, j + 1)]
            i = j + 1
        upper = max(row_height(max(top_lines)), 20.0)
        lower = max(row_height(max(low_lines)), row_height(max(both_lines)) - upper, 20.0)
        ws.set_row(r, upper)
        ws.set_row(r + 1, lower)
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
        lines = max(
            [
                wrapped_lines(value, self.widths[i], bold=total is not None)
                for i, c in enumerate(self.cols)
                if c.kind == "text" and isinstance(value := values.get(c.key), str) and value
            ],
            default=1,
        )
        if lines > 1:  # Excel does not grow a row for its wrapped text: the height is set
            ws.set_row(row, row_height(lines))
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
            elif isinstance(value, str):
                ws.write_string(row, i, value, fmt)
            else:
                ws.write(row, i, value, fmt)

    def note(self, text: str) -> None:
        self.row += 1
        self.ws.write(self.row, 0, text, self.book.f["note"])

    def signature(self, sign: Signature, date: str) -> None:
        """Under the table, as on paper: who prepared it on the left; the place and date, on whose behalf, the
        signer's title, room to sign and the signer's name on the right."""
        f = self.book.f
        last, right, left_end = len(self.cols) - 1, self.right, self.left_end
        top = self.row + 2
        lines = [(date, "date"), (sign.on_behalf, "sign"), (sign.title, "sign"), (sign.hint, "sign_hint")]
        for i, (text, fmt) in enumerate(lines):
            self._merge(top + i, right, last, text, f[fmt])
        self._merge(top + 1, 0, left_end, "NGƯỜI LẬP BIỂU", f["sign"])
        self._merge(top + 3, 0, left_end, "(Ký, ghi rõ họ tên)", f["sign_hint"])
        name_row = top + len(lines) + 3  # three empty rows to sign in
        self._merge(name_row, right, last, sign.name, f["sign"])
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
    header, sign = letterhead(s.unit)
    book = Book(sign)
    _members_sheet(book, header, s)
    _orgs_sheet(book, header, s)
    _kinds_sheet(book, header, s)
    _groups_sheet(book, header, s)
    _kht_sheet(book, header, s)
    for sheet in book.sheets:
        sheet.signature(sign, header.date)
    return book.close()


def quota_xlsx(report: QuotaReport) -> bytes:
    book = Book()
    header, _sign = letterhead(report.unit)
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
    header, _sign = letterhead(s.unit)

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
        header, sign = letterhead(s.unit)
        # In the PDF the header wraps in its half page: never inside a place's name.
        header = Letterhead([keep_place(line) for line in header.left], header.date)
        context = {"s": s, "header": header, "party": PARTY, "levels": LEVELS,
                   "exclusion_columns": EXCLUSION_COLUMNS, "summed_groups": summed, "sign": sign}  # fmt: skip
        html = render_to_string("reports/pdf/synthesis.html", context)
    return bytes(HTML(string=unbreakable_html(html)).write_pdf())


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
