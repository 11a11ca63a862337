"""Write the bundled Word templates, danhgia/documents/docx/mau-*.docx, from danhgia/documents/catalogue.py.

    .venv/bin/python tools/make_document_templates.py

The .docx files are committed: they are what a province downloads, rewords in Word and uploads back, so they
must be ordinary Word documents (named styles, real tables, no macros). Fonts are named explicitly — Times New
Roman for every script slot (ascii, hAnsi, eastAsia, cs), the font of Party documents — and the language is
Vietnamese; where Times New Roman is missing (Linux servers, LibreOffice) Liberation Serif 2 stands in with the
same metrics. Layout per Hướng dẫn 36-HD/VPTW (see catalogue.py): A4, margins 20/20/30/15 mm, header table
with the issuing body left and "ĐẢNG CỘNG SẢN VIỆT NAM" right, page numbers from page 2, top centre.

Fields are docxtpl's Jinja: `{{ field }}`, `{%p for … %}` for paragraph lists, `{%tr for … %}` for table rows.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from danhgia.documents.catalogue import DOCS, HEADINGS, LEVEL_BOXES, DocSpec  # noqa: E402
from danhgia.documents.engine import SIGNATURE_CAPTION  # noqa: E402

OUT = ROOT / "danhgia" / "documents" / "docx"
FONT = "Times New Roman"
TEXT_WIDTH = 16.5  # cm: A4 (21 cm) less margins of 3 cm left and 1.5 cm right


# ------------------------------------------------------------------------------------------------ styles
def _fonts(element: Any) -> None:
    """Times New Roman in every script slot and Vietnamese as the language of the run properties."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")
    lang.set(qn("w:eastAsia"), "vi-VN")


def _style(
    document: Any,
    name: str,
    *,
    base: str = "Normal",
    size: float = 14.0,
    bold: bool = False,
    italic: bool = False,
    align: Any = None,
    indent: float | None = None,
    before: float = 0.0,
    after: float = 0.0,
    keep: bool = False,
) -> Any:
    style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles[base]
    style.quick_style = True
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    _fonts(style.element)
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    fmt.first_line_indent = Cm(indent) if indent else Cm(0)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep
    fmt.widow_control = True
    return style


def new_document() -> Any:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.header_distance, section.footer_distance = Cm(1), Cm(1)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    _fonts(normal.element)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    center, justify, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.RIGHT
    _style(document, "DG Nội dung", align=justify, indent=1.27, after=6)
    _style(document, "DG Nội dung giữ", base="DG Nội dung", align=justify, indent=1.27, after=6, keep=True)
    _style(document, "DG Dòng", align=justify, after=3)
    _style(document, "DG Mục", align=justify, bold=True, before=6, after=4, keep=True)
    _style(document, "DG Tên loại", align=center, size=15, bold=True, before=12, keep=True)
    _style(document, "DG Trích yếu", align=center, bold=True, keep=True)
    _style(document, "DG Ghi chú", align=center, italic=True, keep=True)
    _style(document, "DG Giữa", align=center)
    _style(document, "DG Ký hiệu mẫu", align=right, size=12, bold=True)
    _style(document, "DG Bảng", size=12)
    _style(document, "DG Bảng giữa", base="DG Bảng", size=12, align=center)
    _style(document, "DG Nơi nhận", size=12)
    # Page numbers from page 2, top centre (HD 36): a PAGE field in the header of every page but the first.
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = center
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    core = document.core_properties
    core.author, core.language, core.comments = "DanhGia", "vi-VN", "Mẫu văn bản của DanhGia (docxtpl)."
    return document


# ------------------------------------------------------------------------------------------------ helpers
def para(
    target: Any,
    text: str = "",
    style: str = "DG Nội dung",
    *,
    bold: bool | None = None,
    italic: bool | None = None,
    underline: bool | None = None,
    size: float | None = None,
) -> Any:
    paragraph = target.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    return paragraph


def runs(target: Any, parts: list[tuple[str, bool]], style: str = "DG Dòng") -> Any:
    """A paragraph of (text, bold) parts: fixed wording in regular type, fields in bold, or the reverse."""
    paragraph = target.add_paragraph(style=style)
    for text, bold in parts:
        paragraph.add_run(text).bold = bold
    return paragraph


def lead(paragraph: Any) -> Any:
    """A line that introduces a table: some air above, kept on the same page as the table."""
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def loop(document: Any, items: str, variable: str, style: str = "DG Nội dung", line: str = "") -> None:
    """A paragraph per element of a list field (an empty section holds one dotted line)."""
    para(document, f"{{%p for {variable} in {items} %}}", style)
    para(document, line or f"{{{{ {variable} }}}}", style)
    para(document, "{%p endfor %}", style)


# The children of <w:tblPr> that come after <w:tblW> in the schema (ECMA-376 CT_TblPr): Word refuses a table
# property out of its place ("unreadable content").
_AFTER_TBL_W = ("jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook",
                "tblCaption", "tblDescription")  # fmt: skip


def _table_props(table: Any, widths: list[float], *, caption: str = "") -> None:
    table.autofit = False  # <w:tblLayout w:type="fixed"/>, in its place
    tbl_pr = table._tbl.tblPr
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(sum(widths) * 567)))
    width.set(qn("w:type"), "dxa")
    existing = tbl_pr.find(qn("w:tblW"))
    if existing is not None:
        tbl_pr.remove(existing)
    following = next((child for child in tbl_pr if child.tag in {qn(f"w:{n}") for n in _AFTER_TBL_W}), None)
    if following is None:
        tbl_pr.append(width)
    else:
        following.addprevious(width)
    if caption:  # the last child of the sequence: the table's title as alternative text
        element = OxmlElement("w:tblCaption")
        element.set(qn("w:val"), caption)
        tbl_pr.append(element)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(w * 567)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = Cm(w)


def _no_split(row: Any, header: bool = False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _cell_text(cell: Any, text: str, style: str = "DG Bảng", bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.style = cell.part.document.styles[style]
    if text:
        paragraph.add_run(text).bold = bold
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def layout_table(document: Any, widths: list[float], *, caption: str = "") -> Any:
    """A borderless table for the header and the signature blocks; a signature block is captioned, so that the
    engine keeps it on the page of the text it signs (engine.keep_signatures)."""
    table = document.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_props(table, widths, caption=caption)
    _no_split(table.rows[0])  # a signature block never straddles two pages
    return table


def data_table(
    document: Any,
    headers: list[str],
    cells: list[str],
    loop_over: str,
    widths: list[float],
    centered: tuple[int, ...] = (),
) -> Any:
    """A ruled table: a header row repeated on every page, then one row per element of `loop_over`."""
    table = document.add_table(rows=4, cols=len(headers))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_props(table, widths)
    head, start, body, end = table.rows
    _no_split(head, header=True)
    _no_split(body)
    for cell, text in zip(head.cells, headers, strict=True):
        _cell_text(cell, text, "DG Bảng giữa", bold=True)
    _cell_text(start.cells[0], f"{{%tr for {loop_over} %}}")
    for i, (cell, text) in enumerate(zip(body.cells, cells, strict=True)):
        _cell_text(cell, text, "DG Bảng giữa" if i in centered else "DG Bảng")
    _cell_text(end.cells[0], "{%tr endfor %}")
    return table


def first_cell_paragraph(cell: Any, text: str, style: str = "DG Giữa", **run: Any) -> Any:
    paragraph = cell.paragraphs[0]
    paragraph.style = cell.part.document.styles[style]
    if text:
        r = paragraph.add_run(text)
        for key, value in run.items():
            setattr(r, key, value)
        if run.get("size"):
            r.font.size = Pt(run["size"])
    return paragraph


def header(document: Any, *, number: bool = False, form_mark: bool = True) -> None:
    """Party document header: issuing body left, the Party's name and the place-and-date line right."""
    if form_mark:
        para(document, "{{ ma_mau }}", "DG Ký hiệu mẫu")
    table = layout_table(document, [7.0, 9.5])
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    p.style = document.styles["DG Giữa"]
    p.add_run("{{ cap_tren }}")
    para(left, "{{ co_quan }}", "DG Giữa", bold=True)
    para(left, "*", "DG Giữa")
    if number:
        para(left, "Số {{ so_ky_hieu }}", "DG Giữa")
    p = right.paragraphs[0]
    p.style = document.styles["DG Giữa"]
    r = p.add_run("ĐẢNG CỘNG SẢN VIỆT NAM")
    r.bold, r.underline, r.font.size = True, True, Pt(15)
    p.paragraph_format.space_after = Pt(6)
    para(right, "{{ dia_danh }}, ngày {{ ngay }} tháng {{ thang }} năm {{ nam }}", "DG Giữa", italic=True)


def title(document: Any, spec: DocSpec, *, year_in_heading: bool = True, whom: str = "") -> None:
    """The kind of document in capitals, then its subject (in brackets for the individual forms)."""
    para(document, f"{spec.heading} NĂM {{{{ nam_danh_gia }}}}" if year_in_heading else spec.heading, "DG Tên loại")
    if spec.subheading.startswith("("):
        para(document, spec.subheading, "DG Ghi chú")
    elif spec.subheading:
        para(document, f"{spec.subheading}{whom} năm {{{{ nam_danh_gia }}}}", "DG Trích yếu")
    para(document, "-----", "DG Giữa").paragraph_format.space_after = Pt(6)


def signature(
    document: Any,
    left_lines: list[tuple[str, str]],
    right_title: str,
    right_role: str,
    right_name: str,
    *,
    note: str = "(Ký, ghi rõ họ tên)",
) -> None:
    """Two columns: a left block (receivers, or a second signer) and the signer on the right."""
    table = layout_table(document, [7.5, 9.0], caption=SIGNATURE_CAPTION)
    left, right = table.rows[0].cells
    first = True
    for kind, text in left_lines:
        if kind == "receivers":
            p = first_cell_paragraph(left, "Nơi nhận:", "DG Nơi nhận", bold=True, italic=True) if first else None
            if p is None:
                para(left, "Nơi nhận:", "DG Nơi nhận", bold=True, italic=True)
            para(left, "{%p for n in noi_nhan %}", "DG Nơi nhận")
            para(left, "- {{ n }}", "DG Nơi nhận")
            para(left, "{%p endfor %}", "DG Nơi nhận")
        elif kind == "title":
            if first:
                first_cell_paragraph(left, text, "DG Giữa", bold=True)
            else:
                para(left, text, "DG Giữa", bold=True)
        elif kind == "note":
            para(left, text, "DG Ghi chú")
        elif kind == "blank":
            para(left, "", "DG Giữa")
        elif kind == "name":
            para(left, text, "DG Giữa", bold=True)
        first = False
    first_cell_paragraph(right, right_title, "DG Giữa", bold=True)
    if right_role:
        para(right, right_role, "DG Giữa", bold=True)
    if note:
        para(right, note, "DG Ghi chú")
    for _ in range(4):
        para(right, "", "DG Giữa")
    para(right, right_name, "DG Giữa", bold=True)


def sections(document: Any, collective: bool) -> None:
    para(document, HEADINGS["a"], "DG Mục")
    for key in ("uu_diem", "han_che", "khac_phuc", "giai_trinh", "trach_nhiem", "phuong_huong"):
        heading = HEADINGS["trach_nhiem_tap_the"] if collective and key == "trach_nhiem" else HEADINGS[key]
        para(document, heading, "DG Mục")
        loop(document, key, "d")


def self_assessment(document: Any, spec: DocSpec) -> None:
    points = spec.scoring == "points"
    para(document, HEADINGS["b"] if points else HEADINGS["b_cu"], "DG Mục")
    para(document, HEADINGS["b1"] if points else HEADINGS["b1_cu"], "DG Mục")
    if points:
        lead(runs(document, [(HEADINGS["nhom_chung"] + ": ", True), ("{{ diem_chung }}", True), ("/30 điểm", True)]))
        data_table(
            document,
            ["TT", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm"],
            ["{{ t.stt }}", "{{ t.noi_dung }}", "{{ t.toi_da }}", "{{ t.diem }}"],
            "t in tieu_chi_chung",
            [1.0, 11.3, 2.0, 2.2],
            centered=(0, 2, 3),
        )
        lead(
            runs(
                document, [(HEADINGS["nhom_nhiem_vu"] + ": ", True), ("{{ diem_nhiem_vu }}", True), ("/70 điểm", True)]
            )
        )
        data_table(
            document,
            ["TT", "Tiêu chí", "Điểm tối đa", "Điểm tự chấm"],
            ["{{ t.stt }}", "{{ t.noi_dung }}", "{{ t.toi_da }}", "{{ t.diem }}"],
            "t in tieu_chi_nhiem_vu",
            [1.0, 11.3, 2.0, 2.2],
            centered=(0, 2, 3),
        )
        lead(runs(document, [("Tổng điểm: ", True), ("{{ tong_diem }}", True), ("/100 điểm", True)]))
    else:
        for heading, rows in (
            ("1. Tiêu chí chung", "tieu_chi_chung"),
            ("2. Kết quả thực hiện nhiệm vụ", "tieu_chi_nhiem_vu"),
        ):
            para(document, heading, "DG Mục")
            data_table(
                document,
                ["TT", "Tiêu chí", "Xuất sắc", "Tốt", "Trung bình", "Kém"],
                [
                    "{{ t.stt }}",
                    "{{ t.noi_dung }}",
                    "{{ t.xuat_sac }}",
                    "{{ t.tot }}",
                    "{{ t.trung_binh }}",
                    "{{ t.kem }}",
                ],
                f"t in {rows}",
                [1.0, 8.7, 1.7, 1.6, 1.9, 1.6],
                centered=(0, 2, 3, 4, 5),
            )
    para(document, HEADINGS["b2"] if points else HEADINGS["b2_cu"], "DG Mục")
    for field, label in LEVEL_BOXES:
        para(document, f"{{{{ {field} }}}} {label}", "DG Dòng").paragraph_format.left_indent = Cm(1.27)
    para(document, HEADINGS["nhiem_vu"], "DG Mục")
    data_table(
        document,
        ["TT", "Nhiệm vụ", "Kết quả", "Sản phẩm, minh chứng"],
        ["{{ n.stt }}", "{{ n.ten }}", "{{ n.ket_qua }}", "{{ n.minh_chung }}"],
        "n in nhiem_vu",
        [1.0, 7.5, 3.5, 4.5],
        centered=(0,),
    )


def build_self(spec: DocSpec) -> Any:
    document = new_document()
    header(document)
    title(document, spec)
    runs(
        document, [("Họ và tên: ", False), ("{{ ho_ten }}", True), ("\tNgày sinh: ", False), ("{{ ngay_sinh }}", False)]
    )
    document.paragraphs[-1].paragraph_format.tab_stops.add_tab_stop(Cm(10))
    runs(document, [("Chức vụ đảng: ", False), ("{{ chuc_vu_dang }}", False)])
    runs(document, [("Chức vụ chính quyền, đoàn thể: ", False), ("{{ chuc_vu_khac }}", False)])
    runs(document, [("Đơn vị công tác: ", False), ("{{ don_vi_cong_tac }}", False)])
    runs(document, [("Chi bộ: ", False), ("{{ chi_bo }}", False)])
    sections(document, collective=False)
    self_assessment(document, spec)
    para(document, "")
    signature(document, [], "NGƯỜI TỰ KIỂM ĐIỂM", "", "{{ ho_ten }}")
    para(document, HEADINGS["c"], "DG Mục")
    # Who comments is chosen per form (the central form's «chi ủy (chi bộ)»): the cell, its committee, or the
    # committee where a leader was reviewed.
    para(document, "1. Nhận xét, đánh giá của {{ nhan_xet_cua }}:", "DG Dòng").paragraph_format.keep_with_next = True
    loop(document, "nhan_xet", "d", "DG Nội dung giữ")
    for parts in (
        [("Hội nghị đề xuất xếp loại: ", False), ("{{ chi_bo_de_xuat }}", True), (" {{ bieu_quyet }}", False)],
        [("2. Cấp có thẩm quyền xếp loại: ", False), ("{{ muc_xep_loai }}", True), (" {{ quyet_dinh }}", False)],
    ):
        runs(document, parts).paragraph_format.keep_with_next = True
    signature(document, [], "{{ tm_nhan_xet }}", "{{ chuc_danh_nhan_xet }}", "{{ bi_thu }}", note="")
    return document


def build_collective(spec: DocSpec) -> Any:
    document = new_document()
    header(document)
    title(document, spec)
    para(
        document,
        "Thực hiện {{ can_cu }}, {{ ten_tap_the }} báo cáo kết quả kiểm điểm, tự đánh giá, xếp loại chất lượng "
        "năm {{ nam_danh_gia }} như sau:",
    )
    sections(document, collective=True)
    self_assessment(document, spec)
    para(document, "")
    signature(document, [("receivers", "")], "{{ tm }}", "{{ chuc_danh_ky }}", "{{ nguoi_ky }}", note="")
    return document


def build_minutes(spec: DocSpec) -> Any:
    document = new_document()
    header(document, number=True, form_mark=False)
    title(document, spec, year_in_heading=False)
    para(
        document,
        "Hôm nay, vào lúc {{ gio_bat_dau }}, ngày {{ ngay_hop }}, tại {{ dia_diem }}, {{ ten_don_vi }} tổ chức "
        "hội nghị kiểm điểm, đánh giá, đề xuất xếp loại chất lượng năm {{ nam_danh_gia }} theo {{ can_cu }}.",
    )
    runs(document, [("Chủ trì hội nghị: ", False), ("{{ chu_tri }}", True)])
    runs(document, [("Thư ký hội nghị: ", False), ("{{ thu_ky }}", True)])
    runs(
        document,
        [
            ("Số đảng viên được triệu tập: ", False),
            ("{{ so_trieu_tap }}", True),
            ("; có mặt: ", False),
            ("{{ so_co_mat }}", True),
            ("; vắng mặt: ", False),
            ("{{ so_vang }}", True),
            (".", False),
        ],
    )
    runs(
        document,
        [
            ("Số đảng viên được tính khi biểu quyết: ", False),
            ("{{ so_tinh_bieu_quyet }}", True),
            (" (Điều lệ Đảng Điều 9; Quy định 24-QĐ/TW mục 9.3). Không tính vào tổng số:", False),
        ],
    )
    loop(document, "khong_tinh", "k", "DG Dòng", "- {{ k.loai }}: {{ k.so }}")
    para(document, "1. Diễn biến hội nghị", "DG Mục")
    loop(document, "dien_bien", "d")
    para(document, "2. Đề xuất mức xếp loại và kết quả biểu quyết", "DG Mục")
    data_table(
        document,
        [
            "TT",
            "Họ và tên, tổ chức",
            "Tự xếp loại",
            "Mức đề xuất",
            "Tán thành",
            "Không tán thành",
            "Không biểu quyết",
            "Kết quả",
        ],
        [
            "{{ d.stt }}",
            "{{ d.ten }}",
            "{{ d.tu_xep_loai }}",
            "{{ d.de_xuat }}",
            "{{ d.tan_thanh }}",
            "{{ d.khong_tan_thanh }}",
            "{{ d.khong_bieu_quyet }}",
            "{{ d.ket_qua }}",
        ],
        "d in de_xuat",
        [0.9, 4.6, 1.8, 1.8, 1.6, 1.7, 1.8, 2.3],
        centered=(0, 2, 3, 4, 5, 6, 7),
    )
    para(
        document,
        "HTXS: Hoàn thành xuất sắc nhiệm vụ; HTT: Hoàn thành tốt nhiệm vụ; HT: Hoàn thành nhiệm vụ; "
        "KHT: Không hoàn thành nhiệm vụ.",
        "DG Ghi chú",
    ).paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    para(document, "3. Nhận xét, lý do đề xuất", "DG Mục")
    loop(document, "ly_do", "d")
    para(document, "4. Tổng hợp đề xuất", "DG Mục")
    loop(document, "tong_hop", "t", "DG Dòng", "- {{ t.muc }}: {{ t.so }} ({{ t.ty_le }})")
    para(
        document,
        "Hội nghị kết thúc vào lúc {{ gio_ket_thuc }} cùng ngày. Biên bản đã được đọc lại trước hội nghị và được "
        "hội nghị nhất trí thông qua.",
    )
    para(document, "")
    signature(
        document,
        [
            ("title", "THƯ KÝ HỘI NGHỊ"),
            ("note", "(Ký, ghi rõ họ tên)"),
            *[("blank", "")] * 4,  # level with the chair's name on the right
            ("name", "{{ thu_ky }}"),
        ],
        "CHỦ TRÌ HỘI NGHỊ",
        "",
        "{{ chu_tri }}",
    )
    return document


def build_notice(spec: DocSpec) -> Any:
    document = new_document()
    header(document, number=True, form_mark=False)
    title(document, spec, year_in_heading=False, whom=" {{ doi_tuong }}")
    para(document, "Căn cứ {{ can_cu }};")
    para(document, "{%p if can_cu_quyet_dinh %}")
    para(document, "{{ can_cu_quyet_dinh }}")
    para(document, "{%p endif %}")
    para(document, "{{ can_cu_ket_qua }}")
    para(
        document,
        "{{ ten_co_quan }} thông báo kết quả đánh giá, xếp loại chất lượng {{ doi_tuong }} năm "
        "{{ nam_danh_gia }} như sau:",
    )
    data_table(
        document,
        ["TT", "Họ và tên, tổ chức", "Mức xếp loại", "Quyết định"],
        ["{{ k.stt }}", "{{ k.ten }}", "{{ k.muc }}", "{{ k.quyet_dinh }}"],
        "k in ket_qua",
        [1.0, 5.4, 6.2, 3.9],
        centered=(0,),
    )
    para(document, "{%p if tong_hop %}", "DG Mục")  # a notice for one subject has no summary by level
    para(document, "Tổng hợp:", "DG Mục")
    loop(document, "tong_hop", "t", "DG Dòng", "- {{ t.muc }}: {{ t.so }} ({{ t.ty_le }})")
    para(document, "{%p endif %}", "DG Mục")
    para(document, "{{ de_nghi }}")
    para(document, "")
    signature(document, [("receivers", "")], "{{ tm }}", "{{ chuc_danh_ky }}", "{{ nguoi_ky }}", note="")
    return document


BUILDERS = {"self": build_self, "collective": build_collective, "minutes": build_minutes, "notice": build_notice}


def reproducible(document: Any) -> bytes:
    """The .docx bytes with fixed dates (core properties and zip entries): regenerating changes nothing in git."""
    fixed = dt.datetime(2025, 10, 31, tzinfo=dt.UTC)  # HD 43-HD/BTCTW, the forms' guidance
    core = document.core_properties
    core.created = core.modified = fixed
    core.last_printed = fixed
    core.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(item.filename))
    return out.getvalue()


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for spec in DOCS.values():
        path = OUT / spec.docx
        path.write_bytes(reproducible(BUILDERS[spec.kind](spec)))
        print(f"{path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
