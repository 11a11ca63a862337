"""Every generated file opened with a real reader: openpyxl for the workbooks (structure, and formulas that add up
to the values they cache), pdftotext and pdffonts (poppler) for the PDF (the Vietnamese text intact, the font
embedded, A4 landscape)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl.utils import range_boundaries

from tests.reports.conftest import YEAR

# The months 1 and 2 with a leading zero, the others without (HD 36-HD/VPTW; NĐ 30/2020/NĐ-CP).
DATE_LINE = r"Hòa Bình, ngày \d\d tháng (0[12]|[3-9]|1[0-2]) năm \d{4}"


def download(client, user, name, unit=None, **params):
    client.force_login(user)
    query = {**({"don-vi": unit.pk} if unit else {}), **params}
    response = client.get(reverse(name), query)
    assert response.status_code == 200, response.content[:500]
    return response.content


def workbooks(content):
    """The workbook twice: with its formulas, and with the values a spreadsheet would show (cached)."""
    return openpyxl.load_workbook(io.BytesIO(content)), openpyxl.load_workbook(io.BytesIO(content), data_only=True)


def evaluate(formula: str, ws) -> float:
    """The formulas the exports write (SUM of ranges, + and −, IF(x=0,0,a/b), IF(OR(a="",b=""),"",a−b)), computed
    from the sheet's own cells: a total must add up to what its rows say, not only to the value it caches."""

    def value(ref: str) -> object:
        v = ws[ref].value
        if isinstance(v, str) and v.startswith("="):
            return evaluate(v, ws)
        return v

    def sum_range(rng: str) -> float:
        min_col, min_row, max_col, max_row = range_boundaries(rng)
        return sum(ws.cell(r, c).value or 0 for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)
                   if not str(ws.cell(r, c).value).startswith("="))  # fmt: skip

    text = formula.lstrip("=")
    text = re.sub(r"SUM\(([A-Z]+\d+:[A-Z]+\d+)\)", lambda m: repr(sum_range(m.group(1))), text)
    text = re.sub(r"\b([A-Z]{1,2}\d+)\b", lambda m: repr(value(m.group(1))), text)
    text = text.replace("<>", "!=").replace("=", "==").replace("!==", "!=")
    text = re.sub(r"IF\(OR\(([^()]*)\),", lambda m: "IF((" + m.group(1).replace(",", ") or (") + "),", text)
    namespace = {"IF": lambda cond, a, b: a if cond else b}
    return eval(text, {"__builtins__": {}}, namespace)  # noqa: S307 — a formula we wrote, over numbers


def check_formulas(ws, cached) -> int:
    """Every formula of the sheet computes to its cached value; returns how many were checked."""
    checked = 0
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                got = evaluate(cell.value, ws)
                want = cached[cell.coordinate].value
                if want in ("", None):
                    assert got in ("", None, 0), (cell.coordinate, cell.value, got, want)
                else:
                    assert got == pytest.approx(want), (cell.coordinate, cell.value, got, want)
                checked += 1
    return checked


def find_row(ws, column: str, text: str) -> int:
    for cell in ws[column]:
        if cell.value == text:
            return cell.row
    raise AssertionError(f"{text!r} not in column {column}")


def header_row(ws) -> int:
    """The first of the two header rows (the Party header above it has two or three lines)."""
    return find_row(ws, "A", "STT")


def header_texts(ws) -> list[str]:
    head = header_row(ws)
    return [c.value for r in (head, head + 1) for c in ws[r] if c.value]


def columns(ws) -> dict[str, int]:
    """Header text → column: the second header row where there is one, else the first."""
    head = header_row(ws)
    return {ws.cell(head + 1, c).value or ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}


def test_synthesis_workbook_is_laid_out_and_adds_up(two_years, client):
    t = two_years
    content = download(client, t.world.users["officer"], "reports-synthesis-xlsx", t.world.commune)
    wb, cached = workbooks(content)
    assert wb.sheetnames == ["Đảng viên", "Tổ chức đảng", "Theo loại đối tượng", "Theo nhóm tương đồng",
                             "KHT theo lý do"]  # fmt: skip
    ws = wb["Đảng viên"]
    assert ws["A1"].value == "ĐẢNG BỘ TỈNH MẪU" and ws["A2"].value == "ĐẢNG ỦY XÃ HÒA BÌNH"  # issued by the committee
    texts = [c.value for row in ws.iter_rows(max_row=6) for c in row if c.value]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in texts
    assert any(re.fullmatch(DATE_LINE, str(v)) for v in texts), texts
    assert any(
        str(v).startswith("BIỂU TỔNG HỢP KẾT QUẢ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN") for v in texts
    )
    headers = header_texts(ws)
    for text in ["STT", "Đơn vị", "Đảng viên hiện có", "Không kiểm điểm, xếp loại", "Miễn công tác và sinh hoạt đảng",
                 "Chưa có bản kiểm điểm", "Có bản kiểm điểm", "Hoàn thành xuất sắc nhiệm vụ (HTXS)",
                 "Không hoàn thành nhiệm vụ (KHT)", "Tỷ lệ", "Chênh lệch (phải bằng 0)"]:  # fmt: skip
        assert text in headers, text
    first = header_row(ws) + 2
    assert ws.freeze_panes == f"C{first}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    # One row per cell, then the total: every total is a SUM of the rows above, and it adds up.
    total = find_row(ws, "B", "Tổng cộng")
    assert [ws.cell(r, 2).value for r in range(first, total)] == ["Chi bộ Xóm Đồi", "Chi bộ Xóm Mít", "Chi bộ Xóm Vố"]
    assert ws.cell(total, 3).value == f"=SUM(C{first}:C{total - 1})"
    values = {text: cached["Đảng viên"].cell(total, c).value for text, c in columns(ws).items()}
    assert cached["Đảng viên"].cell(total, 3).value == 15  # members present
    assert values["Chưa có bản kiểm điểm"] == 0 and values["Có bản kiểm điểm"] == 14
    assert values["Chênh lệch (phải bằng 0)"] == 0
    checked = sum(check_formulas(wb[name], cached[name]) for name in wb.sheetnames)
    assert checked > 100


def test_synthesis_workbook_kinds_groups_and_kht_reasons(two_years, client):
    t = two_years
    wb, cached = workbooks(download(client, t.world.users["officer"], "reports-synthesis-xlsx"))
    kinds = wb["Theo loại đối tượng"]
    assert "I. Đảng viên" in [c.value for c in kinds["A"]]
    subtotal = find_row(kinds, "B", "Cộng: tổ chức đảng")
    assert cached["Theo loại đối tượng"].cell(subtotal, 3).value == 4
    groups = wb["Theo nhóm tương đồng"]
    row = find_row(groups, "B", "Đảng viên xã (Đảng bộ xã Hòa Bình)")
    assert cached["Theo nhóm tương đồng"].cell(row, 4).value == 14  # reviewed
    kht = wb["KHT theo lý do"]
    row = find_row(kht, "B", "R65")
    assert kht.cell(row, 3).value == "Tổng điểm đánh giá dưới 50 điểm"
    assert kht.cell(row, 8).value == f"=E{row}+F{row}+G{row}"


def test_quota_workbook_lists_the_capped_with_their_margin(two_years, client):
    t = two_years
    wb, cached = workbooks(download(client, t.world.users["officer"], "reports-quotas-xlsx"))
    assert wb.sheetnames == ["Theo nhóm", "Bị chuyển xuống", "Nhóm tương đồng"]
    groups = wb["Theo nhóm"]
    row = find_row(groups, "B", "Đảng viên xã (Đảng bộ xã Hòa Bình)")
    got = {h: cached["Theo nhóm"].cell(row, c).value for h, c in columns(groups).items()}
    assert got["Đủ điều kiện HTXS (trước tỷ lệ)"] == 6 and got["Được xếp HTXS"] == 2
    assert got["Chuyển xuống do vượt tỷ lệ"] == 4 and got["Số tối đa theo tỷ lệ"] == 2
    capped = wb["Bị chuyển xuống"]
    row = find_row(capped, "B", str(t.people["capped"]))
    assert cached["Bị chuyển xuống"].cell(row, 8).value == 1  # one point below the last kept
    for name in wb.sheetnames:
        check_formulas(wb[name], cached[name])


def test_screening_workbook_has_every_list(two_years, client):
    t = two_years
    wb, _ = workbooks(download(client, t.world.users["officer"], "reports-screening-xlsx", **{"so-nam": 2}))
    assert wb.sheetnames == ["KHT hai năm liền", "Cán bộ lãnh đạo", "Chưa từng xếp loại", "Hạn chế quá hạn",
                             "HTXS nhiều năm", "Tổ chức HTXS nhiều năm"]  # fmt: skip
    kht = wb["KHT hai năm liền"]
    row = find_row(kht, "B", str(t.people["kht"]))
    assert [kht.cell(row, c).value for c in (4, 5)] == ["KHT", "KHT"]
    assert [kht.cell(header_row(kht) + 1, c).value for c in (4, 5)] == [f"Năm {YEAR}", f"Năm {YEAR - 1}"]
    assert find_row(wb["Hạn chế quá hạn"], "B", str(t.people["late"]))
    htxs = wb["HTXS nhiều năm"]
    assert {htxs.cell(r, 2).value for r in range(header_row(htxs) + 2, htxs.max_row + 1)} >= {str(t.people["best"])}


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is missing: install poppler-utils (make system-packages)"
    return path


def pdf_text(content: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "bieu.pdf"
    path.write_bytes(content)
    return subprocess.run([tool("pdftotext"), *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_synthesis_pdf_has_the_party_header_and_intact_vietnamese(two_years, client, tmp_path):
    t = two_years
    content = download(client, t.world.users["officer"], "reports-synthesis-pdf", t.world.commune)
    assert content.startswith(b"%PDF")
    text = " ".join(pdf_text(content, tmp_path).split())  # table cells wrap their text over lines
    for expected in [
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ TỈNH MẪU",
        "ĐẢNG ỦY XÃ HÒA BÌNH",
        "BIỂU TỔNG HỢP KẾT QUẢ KIỂM ĐIỂM, ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG",
        "Chi bộ Xóm Đồi",
        "Miễn công tác và sinh hoạt đảng",
        "Tổng điểm đánh giá dưới 50 điểm",
        "Đảng viên xã",
        "NGƯỜI LẬP BIỂU",
        f"Kiểm điểm, đánh giá, xếp loại chất lượng năm {YEAR}",
    ]:
        assert expected in text, expected
    assert re.search(DATE_LINE, text)
    path = tmp_path / "bieu.pdf"
    fonts = subprocess.run([tool("pdffonts"), str(path)], capture_output=True, text=True, check=True).stdout
    assert "Liberation-Serif" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())  # embedded
    info = subprocess.run([tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.89 x 595\.27\d? pts \(A4\)", info), info


def test_the_pdf_stays_vietnamese_when_the_interface_is_english(two_years, client, tmp_path):
    t = two_years
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = download(client, t.world.users["officer"], "reports-synthesis-pdf")
    text = pdf_text(content, tmp_path)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "I. Đảng viên" in text and "Party members" not in text


def test_a_pdf_with_many_groups_sums_them_by_kind(two_years, client, tmp_path, monkeypatch):
    """A province has hundreds of quota groups: the printed table sums them by kind (the workbook keeps them all)."""
    from danhgia.reports import exports

    monkeypatch.setattr(exports, "PDF_GROUPS", 1)
    t = two_years
    text = " ".join(pdf_text(download(client, t.world.users["officer"], "reports-synthesis-pdf"), tmp_path).split())
    assert "3 nhóm, cộng theo loại đối tượng và loại đơn vị" in text
    assert "Đảng viên — Đảng bộ xã, phường, đặc khu" in text and "1 nhóm" in text
