"""The reports' official look, as a spreadsheet or PDF reader shows it: named, dated and signed as the documents
are (one letterhead module), the national header whole in every workbook, wrapped rows tall enough.

Widths are measured with the metrics of Liberation Serif (Times New Roman's metric twin, the workbooks' font), not
with the estimate the exports use, and converted to Excel's units (a column of width w is 7·w + 5 pixels wide).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from openpyxl.utils import range_boundaries

from danhgia.lib import dates
from danhgia.reports.exports import PARTY
from danhgia.reviews import services
from danhgia.reviews.models import Review
from tests.reports.conftest import VO, YEAR
from tests.reports.test_exports import download, header_row, pdf_text, workbooks

FONTS = Path("/usr/share/fonts/truetype/liberation2")
LONG = (
    "Chưa tham gia đầy đủ các buổi sinh hoạt chi bộ thường kỳ và chuyên đề; chậm nộp đảng phí; chưa thực hiện "
    "việc báo cáo định kỳ với chi ủy về tình hình thực hiện nhiệm vụ được giao tại nơi cư trú và nơi công tác."
)
WORKBOOKS = ("reports-synthesis-xlsx", "reports-quotas-xlsx", "reports-screening-xlsx")


@cache
def _font(style: str, points: float):
    from PIL import ImageFont

    name = {"": "Regular", "b": "Bold", "i": "Italic", "bi": "BoldItalic"}[style]
    path = FONTS / f"LiberationSerif-{name}.ttf"
    if not path.exists():
        pytest.skip("Liberation Serif 2 is not installed (fonts-liberation2)")
    return ImageFont.truetype(str(path), size=round(points * 96 / 72 * 10))  # ten times larger, for precision


def text_px(text: str, cell) -> float:
    font = cell.font
    style = ("b" if font.b else "") + ("i" if font.i else "")
    return _font(style, float(font.sz or 11)).getlength(str(text)) / 10


def column_width(ws, column: int) -> float:
    """openpyxl reads consecutive columns of one width as one dimension (min..max)."""
    for dimension in ws.column_dimensions.values():
        if dimension.min and dimension.max and dimension.min <= column <= dimension.max:
            return float(dimension.width or 8.43)
    return 8.43


def width_px(ws, first: int, last: int) -> float:
    return sum(7 * column_width(ws, c) + 5 for c in range(first, last + 1))


def span_of(ws, cell) -> tuple[int, int]:
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            min_col, _r, max_col, _r2 = range_boundaries(str(merged))
            return min_col, max_col
    return cell.column, cell.column


def lines_needed(text: str, cell, room: float) -> int:
    """Greedy word wrap of `text` into lines of `room` pixels."""
    lines, current = 1, ""
    for word in str(text).split():
        candidate = f"{current} {word}".strip()
        if current and text_px(candidate, cell) > room:
            lines, current = lines + 1, word
        else:
            current = candidate
    return lines


@pytest.fixture
def long_shortcoming(two_years):
    t = two_years
    review = Review.objects.get(period=t.previous, person=t.world.members[VO][1], kind__in=["member", "member_outside"])
    services.shortcoming_add(review=review, description=LONG, remedy="Khắc phục ngay.",
                             deadline=dt.date(YEAR - 1, 12, 31), actor=None)  # fmt: skip
    return t


def test_reports_are_issued_dated_and_signed_as_the_documents_are(two_years, client, tmp_path, monkeypatch):
    """The commune committee issues the commune's tables as «ĐẢNG ỦY XÃ HÒA BÌNH», as on its notices, and the
    date line writes March as «tháng 3» (HD 36-HD/VPTW; NĐ 30/2020/NĐ-CP), not «tháng 03»."""
    t = two_years
    monkeypatch.setattr(dates, "today", lambda: dt.date(YEAR, 3, 5))
    officer, commune = t.world.users["officer"], t.world.commune
    wb, _ = workbooks(download(client, officer, "reports-synthesis-xlsx", commune))
    for ws in wb.worksheets:
        assert (ws["A1"].value, ws["A2"].value) == ("ĐẢNG BỘ TỈNH MẪU", "ĐẢNG ỦY XÃ HÒA BÌNH"), ws.title
        texts = {str(c.value) for row in ws.iter_rows() for c in row if c.value}
        assert f"Hòa Bình, ngày 05 tháng 3 năm {YEAR}" in texts, ws.title
    text = " ".join(pdf_text(download(client, officer, "reports-synthesis-pdf", commune), tmp_path).split())
    assert "ĐẢNG ỦY XÃ HÒA BÌNH" in text and "ĐẢNG BỘ XÃ HÒA BÌNH" not in text
    assert f"Hòa Bình, ngày 05 tháng 3 năm {YEAR}" in text and "tháng 03" not in text
    # The same letterhead as the commune's documents (which keep the place on one line with no-break spaces).
    from danhgia.documents import letterhead

    heading = letterhead.Units([commune]).header(commune, as_issuer=True)
    assert heading["co_quan"].replace("\u00a0", " ") == "ĐẢNG ỦY XÃ HÒA BÌNH"


@pytest.mark.parametrize("name", WORKBOOKS)
def test_every_workbook_shows_the_whole_national_header(long_shortcoming, client, name):
    t = long_shortcoming
    for unit in (t.world.commune, t.world.cells[0]):
        wb, _ = workbooks(download(client, t.world.users["officer"], name, unit))
        for ws in wb.worksheets:
            top = header_row(ws)
            checked = 0
            for row in ws.iter_rows():
                for cell in row:
                    if not isinstance(cell.value, str) or cell.alignment.wrap_text:
                        continue
                    header = cell.row < top and cell.value.strip() not in ("", "*")
                    signature = cell.value in (PARTY,) or cell.value.startswith(("T/M", "NGƯỜI", "(Ký", "Hòa Bình,"))
                    if not (header or signature):
                        continue
                    first, last = span_of(ws, cell)
                    room = width_px(ws, first, last)
                    assert text_px(cell.value, cell) + 6 <= room, (ws.title, cell.coordinate, cell.value, room)
                    checked += 1
            assert checked >= 4, ws.title  # two left lines, the Party's name, the date line at least


@pytest.mark.parametrize("name", WORKBOOKS)
def test_rows_with_wrapped_text_are_tall_enough(long_shortcoming, client, name):
    t = long_shortcoming
    wb, _ = workbooks(download(client, t.world.users["officer"], name, t.world.commune))
    tall = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=header_row(ws)):
            for cell in row:
                if not isinstance(cell.value, str) or not cell.alignment.wrap_text or cell.value.startswith("="):
                    continue
                first, last = span_of(ws, cell)
                lines = lines_needed(cell.value, cell, width_px(ws, first, last) - 8)
                if cell.coordinate != ws.cell(cell.row, first).coordinate:
                    continue
                height = ws.row_dimensions[cell.row].height
                if any(cell.coordinate in m and m.max_row > m.min_row for m in ws.merged_cells.ranges):
                    continue  # a header spanning two rows: checked with the two rows below
                if lines > 1:
                    points = float(cell.font.sz or 11)
                    assert height and height >= lines * points * 1.15, (ws.title, cell.coordinate, lines, height)
                    tall += 1
    if name == "reports-screening-xlsx":
        assert tall >= 1  # the long shortcoming
