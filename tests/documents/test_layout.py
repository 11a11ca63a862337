"""Page layout as an office sees it: documents whose body is just long enough to push the signature to a new page
(the signature never stands alone there), and references such as «24-QĐ/TW» at the end of a line (never broken
inside). PDFs are read page by page with pdftotext; Word files are first converted by LibreOffice, once for the
whole module (a second per file).

The contexts are written by hand (no database): the layout depends on the lengths of the texts only.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from danhgia.documents import catalogue, engine, services
from danhgia.documents.contexts import Prepared
from tests.documents.conftest import libreoffice_pdf, nfc, tool

CAN_CU = catalogue.BASIS["R2025"]
SYMBOLS = ("366-QĐ/TW", "43-HD/BTCTW", "24-QĐ/TW")
NOTICE_ROWS = range(3, 16)  # the notice's table fills page 1 somewhere in here: one row more pushes the signature
TASK_ROWS = range(12, 28)  # the collective report's task table ends its second page somewhere in here
# In LibreOffice the table fits the page that holds its start: LibreOffice keeps a table's last row with what follows
# only for a table on one page (Word does it for any table); the notices are converted two rows apart.
WORD_NOTICE_ROWS, WORD_TASK_ROWS = NOTICE_ROWS[::2], range(2, 14, 2)


def pages(data: bytes, tmp_path: Path, *, raw: bool = False) -> list[str]:
    """The text of each page; with `raw`, with its line ends (else spaces and line ends collapsed)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, check=True, timeout=60)
    found = [nfc(page) for page in out.stdout.decode("utf-8").split("\f") if page.strip()]
    return found if raw else [" ".join(page.split()) for page in found]


def signature_page(texts: list[str], marker: str) -> str:
    [page] = [t for t in texts if marker in t]
    return page


def notice(rows: int) -> Prepared:
    context = catalogue.sample_context("thong-bao")
    context.update(
        cap_tren="ĐẢNG BỘ TỈNH HÒA BÌNH", co_quan="ĐẢNG ỦY XÃ HÒA BÌNH", dia_danh="Hòa Bình", ngay="20", thang="12",
        nam="2026", nam_danh_gia="2026", can_cu=CAN_CU, so_ky_hieu="      -TB/ĐU", ten_co_quan="Đảng ủy xã Hòa Bình",
        don_vi="Chi bộ Xóm Đồi", doi_tuong="đảng viên", tm="T/M ĐẢNG ỦY", chuc_danh_ky="BÍ THƯ",
        nguoi_ky="Trần Văn Lễ", noi_nhan=["Chi bộ Xóm Đồi", "Các đồng chí có tên trên", "Lưu Văn phòng Đảng ủy"],
        can_cu_ket_qua="Căn cứ kết quả kiểm điểm, đề xuất của Chi bộ Xóm Đồi,",
        de_nghi="Đề nghị Chi bộ Xóm Đồi thông báo kết quả đến từng tập thể, cá nhân. Tập thể, cá nhân có ý kiến "
        "khác về kết quả xếp loại có quyền khiếu nại với cấp ủy cấp trên theo quy định.",
        ket_qua=[
            {"stt": str(i), "ten": f"Nguyễn Văn Thành {i}", "doi_tuong": "Đảng viên",
             "muc": "Hoàn thành tốt nhiệm vụ", "quyet_dinh": "Số 15-QĐ/ĐU, 20/12/2026"}
            for i in range(1, rows + 1)
        ],
        tong_hop=[{"muc": "Hoàn thành tốt nhiệm vụ", "so": str(rows), "ty_le": "100,0 %"}],
    )  # fmt: skip
    return Prepared(code="thong-bao", name=f"notice-{rows}", context=context)


def collective(tasks: int) -> Prepared:
    context = catalogue.sample_context("01")
    context.update(
        cap_tren="ĐẢNG BỘ TỈNH HÒA BÌNH", co_quan="ĐẢNG ỦY XÃ HÒA BÌNH", dia_danh="Hòa Bình", ngay="20", thang="12",
        nam="2026", nam_danh_gia="2026", can_cu=CAN_CU, ten_tap_the="Ban Thường vụ Đảng ủy xã Hòa Bình",
        tm="T/M ĐẢNG ỦY", chuc_danh_ky="BÍ THƯ", nguoi_ky="Trần Văn Lễ", noi_nhan=["Ban Thường vụ Tỉnh ủy", "Lưu"],
        nhiem_vu=[
            {"stt": str(i), "ten": f"Nhiệm vụ số {i} của năm", "ket_qua": "Hoàn thành", "minh_chung": f"Báo cáo {i}"}
            for i in range(1, tasks + 1)
        ],
    )  # fmt: skip
    for key in catalogue.PARAGRAPH_FIELDS & set(context):
        context[key] = ["Nội dung của mục được viết thành một đoạn văn vừa phải."]
    return Prepared(code="01", name=f"collective-{tasks}", context=context)


def minutes(pad: int) -> Prepared:
    context = catalogue.sample_context("bien-ban")
    context.update(
        cap_tren="ĐẢNG BỘ XÃ HÒA BÌNH", co_quan="CHI BỘ XÓM ĐỒI", dia_danh="Hòa Bình", ngay="15", thang="12",
        nam="2026", nam_danh_gia="2026", can_cu=CAN_CU, so_ky_hieu="      -BB/CB", ten_don_vi="Chi bộ Xóm Đồi",
        ngay_hop="15/12/2026", gio_bat_dau="7 giờ 30", gio_ket_thuc="11 giờ", chu_tri="Nguyễn Văn An",
        thu_ky="Đinh Thị Thu", so_trieu_tap="7", so_co_mat="6", so_vang="1", so_tinh_bieu_quyet="7",
        # The place of the meeting shifts the rest of the first paragraph one letter at a time.
        dia_diem="Nhà văn hóa " + "x" * pad,
    )  # fmt: skip
    return Prepared(code="bien-ban", name=f"minutes-{pad}", context=context)


def last_task(prepared: Prepared) -> str:
    return prepared.context["nhiem_vu"][-1]["ten"]


# ------------------------------------------------------------------------------------------------ PDF
def test_a_notices_signature_is_never_alone_on_its_page_in_pdf(tmp_path):
    counts = set()
    for rows in NOTICE_ROWS:
        texts = pages(services.render(notice(rows), "pdf"), tmp_path)
        counts.add(len(texts))
        page = signature_page(texts, "T/M ĐẢNG ỦY")
        # The closing paragraph (at least its end) is on the signature's page.
        assert "theo quy định." in page, (rows, page)
    assert counts == {1, 2}  # the range does cross the page break


def test_a_reports_signature_keeps_with_the_end_of_its_table_in_pdf(tmp_path):
    counts = set()
    for tasks in TASK_ROWS:
        prepared = collective(tasks)
        texts = pages(services.render(prepared, "pdf"), tmp_path)
        counts.add(len(texts))
        page = signature_page(texts, "T/M ĐẢNG ỦY")
        assert last_task(prepared) in page, (tasks, page)
    assert len(counts) == 2


def test_references_are_never_broken_inside_in_pdf(tmp_path):
    for pad in range(0, 40):
        path = tmp_path / "m.pdf"
        path.write_bytes(services.render(minutes(pad), "pdf"))
        lines = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True).stdout
        for symbol in SYMBOLS:
            assert symbol in lines, (pad, symbol, re.findall(r".*" + symbol[:3] + r".*\n.*", lines))


# ------------------------------------------------------------------------------------------------ Word
@pytest.fixture(scope="module")
def word_pages(tmp_path_factory) -> dict[str, list[str]]:
    """Every Word variant of this module, converted by one LibreOffice run, as the text of its pages."""
    tmp = tmp_path_factory.mktemp("layout")
    variants = [notice(rows) for rows in WORD_NOTICE_ROWS] + [collective(t) for t in WORD_TASK_ROWS]
    variants += [minutes(pad) for pad in range(0, 40, 3)]
    paths = []
    for prepared in variants:
        path = tmp / f"{prepared.name}.docx"
        path.write_bytes(services.render(prepared, "docx"))
        paths.append(path)
    converted = libreoffice_pdf(paths, tmp)
    return {name: pages(pdf.read_bytes(), tmp, raw=True) for name, pdf in converted.items()}


def joined(texts: list[str]) -> list[str]:
    return [" ".join(text.split()) for text in texts]


def test_a_notices_signature_is_never_alone_on_its_page_in_word(word_pages):
    counts = set()
    for rows in WORD_NOTICE_ROWS:
        texts = joined(word_pages[f"notice-{rows}"])
        counts.add(len(texts))
        assert "theo quy định." in signature_page(texts, "T/M ĐẢNG ỦY"), rows
    assert counts == {1, 2}


def test_a_reports_signature_keeps_with_the_end_of_its_table_in_word(word_pages):
    counts = set()
    for tasks in WORD_TASK_ROWS:
        texts = joined(word_pages[f"collective-{tasks}"])
        counts.add(len(texts))
        assert f"Nhiệm vụ số {tasks} của năm" in signature_page(texts, "T/M ĐẢNG ỦY"), tasks
    assert len(counts) == 2


def test_references_are_never_broken_inside_in_word(word_pages):
    for pad in range(0, 40, 3):
        text = "\n".join(word_pages[f"minutes-{pad}"])
        for symbol in SYMBOLS:
            assert symbol in text, (pad, symbol)


def test_word_files_keep_hyphens_of_references_unbreakable():
    """In Word a reference's hyphen is a no-break hyphen (python-docx reads it back as "-")."""
    data = engine.render_docx((engine.BUNDLED / "mau-bien-ban.docx").read_bytes(), minutes(0).context)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<w:noBreakHyphen/>" in xml
    assert not re.search(r"\d-(QĐ|HD)/", xml)


# The children of <w:tblPr> in the order of the schema (ECMA-376 CT_TblPr): Word reports a table property out of
# its place, or twice, as unreadable content.
TBL_PR = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
          "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
          "tblDescription")  # fmt: skip


@pytest.mark.parametrize("code", list(catalogue.DOCS))
def test_bundled_templates_write_table_properties_as_word_expects(code):
    xml = zipfile.ZipFile(engine.BUNDLED / catalogue.DOCS[code].docx).read("word/document.xml").decode("utf-8")
    properties = re.findall(r"<w:tblPr>(.*?)</w:tblPr>", xml)
    assert properties
    for found in properties:
        names = re.findall(r"<w:(\w+)[ />]", found)
        assert len(names) == len(set(names)), names
        assert names == sorted(names, key=TBL_PR.index), names
    assert "Khối chữ ký" in xml  # the signature tables are captioned
