"""The reading layer of the import (issue 10): real files written here, read back as an office would send them."""

import datetime as dt
import io
import unicodedata
import zipfile

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from danhgia.imports.cleaning import (
    CellError,
    clean_text,
    looks_like_formula,
    match_key,
    parse_bool,
    parse_choice,
    parse_date,
)
from danhgia.imports.reading import (
    MB,
    PERSON_ALIASES,
    PERSON_REQUIRED,
    UNIT_ALIASES,
    UNIT_REQUIRED,
    Decoded,
    FileError,
    Sheet,
    SkippedSheet,
    decode_text,
    find_header,
    header_map,
    open_table_file,
)
from danhgia.lib.files import OLE2
from danhgia.orgs.models import Locality, UnitKind

LIMIT = 5 * MB


def naive(year, month, day):
    return dt.datetime(year, month, day)  # noqa: DTZ001 (a date cell as openpyxl reads it: no time zone)


NAMES = ["Nguyễn Văn Hoà", "Trần Thị Thuỷ", "Đặng Quốc Khoẻ", "Lê Ngọc Ánh", "Phạm Thị Ặng"]


# Cleaning ---------------------------------------------------------------------------------------------------------


def test_clean_text_normalises_what_word_and_excel_paste():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Hoà")
    assert clean_text(f" \t{decomposed}\u00a0\u00a0\n ") == "Nguyễn Văn Hoà"
    assert clean_text("Chi\u200b bộ\r\n1") == "Chi bộ 1"
    assert clean_text(None) == ""
    # A 12-digit ID that Excel kept as a float comes back without ".0".
    assert clean_text(1.23456789012e11) == "123456789012"
    assert clean_text(12.5) == "12.5"


def test_text_that_looks_like_a_formula_is_kept_as_text():
    assert clean_text('=HYPERLINK("http://x","y")') == '=HYPERLINK("http://x","y")'
    assert clean_text("- Đã chuyển sinh hoạt") == "- Đã chuyển sinh hoạt"
    assert looks_like_formula("=1+1") and looks_like_formula("@SUM(A1)") and looks_like_formula("+A1")
    assert looks_like_formula("\t=1") and looks_like_formula("- Đã chuyển")
    assert looks_like_formula("-2+3+cmd|' /C calc'!A0")  # a digit after the sign does not make it a number
    assert not looks_like_formula("-5") and not looks_like_formula("+84 912 345 678") and not looks_like_formula(5)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Hoà", "hòa"),
        ("khoẻ", "khỏe"),
        ("thuỷ", "thủy"),
        ("Hoá", "Hóa"),
        ("Uỷ ban nhân dân", "ỦY BAN  NHÂN DÂN"),
        ("Thuỵ Khuê", "Thụy Khuê"),
        (unicodedata.normalize("NFD", "Nguyễn Thị Hoà"), "nguyễn thị hòa"),
        ("hòan", "hoàn"),  # a letter after the pair: the tone is on the second vowel in both placements
    ],
)
def test_match_key_ignores_composition_case_spacing_and_tone_placement(one, other):
    assert match_key(one) == match_key(other)


def test_match_key_keeps_what_makes_names_differ():
    assert match_key("Đặng") != match_key("Dặng")
    assert match_key("Hoà") != match_key("Hoa")
    assert match_key("Hòa") != match_key("Hóa")
    assert match_key("Quý") == "quý"  # qu + y: one vowel, nothing moves
    assert match_key("huỳnh") == "huỳnh" and match_key("thuyền") == "thuyền"
    assert match_key("Thuỷ") == "thủy"  # the old placement is the key's convention


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (naive(2020, 3, 5), dt.date(2020, 3, 5)),
        (dt.date(2020, 3, 5), dt.date(2020, 3, 5)),
        (43831, dt.date(2020, 1, 1)),
        (43831.75, dt.date(2020, 1, 1)),
        (59, dt.date(1900, 2, 28)),
        (61, dt.date(1900, 3, 1)),
        ("05/03/2020", dt.date(2020, 3, 5)),
        ("5/3/2020", dt.date(2020, 3, 5)),
        ("05-03-2020", dt.date(2020, 3, 5)),
        ("05.03.2020", dt.date(2020, 3, 5)),
        (" 2020-03-05 ", dt.date(2020, 3, 5)),
        ("2020-03-05 00:00:00", dt.date(2020, 3, 5)),
        (None, None),
        ("", None),
        ("\u00a0 ", None),
    ],
)
def test_parse_date_accepts_what_offices_type(value, expected):
    assert parse_date(value, field="Ngày sinh") == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("31/02/2020", '"31/02/2020" không phải là ngày (dd/mm/yyyy)'),
        ("12/31/2020", '"12/31/2020" không phải là ngày'),  # US order: never swapped
        ("05/03-2020", "không phải là ngày"),
        ("05/03/85", "bốn chữ số"),
        ("tháng 3/2020", "không phải là ngày"),
        (60, "29/02/1900"),
        (1985, "chỉ có năm"),
        (0, "không phải là ngày"),
        (-3, "không phải là ngày"),
        (True, "không phải là ngày"),
        ("01/01/0202", "ngoài khoảng 1900–2100"),
    ],
)
def test_parse_date_refuses_with_the_expected_format(value, fragment):
    with pytest.raises(CellError) as caught:
        parse_date(value, field="Ngày vào Đảng")
    assert fragment in caught.value.message
    assert caught.value.field == "Ngày vào Đảng" and caught.value.value == value


def test_parse_choice_by_value_or_label():
    assert parse_choice("Chi bộ trực thuộc", UnitKind, field="Loại") == UnitKind.CELL
    assert parse_choice("chi_bo", UnitKind, field="Loại") == UnitKind.CELL
    assert parse_choice("  CHI BỘ  TRỰC THUỘC ", UnitKind, field="Loại") == UnitKind.CELL
    assert parse_choice("Uỷ ban nhân dân", UnitKind, field="Loại") == UnitKind.PEOPLES_COMMITTEE
    assert parse_choice("Không theo địa bàn", Locality, field="Cấp địa bàn") == ""
    assert parse_choice(None, UnitKind, field="Loại") is None
    with pytest.raises(CellError) as caught:
        parse_choice("Chi bo", UnitKind, field="Loại")
    assert '"Chi bo" không có trong danh sách' in caught.value.message
    assert '"Đảng bộ tỉnh, thành phố"' in caught.value.message and "…" in caught.value.message


def test_parse_bool():
    assert parse_bool(True, field="x") is True
    assert parse_bool("Có", field="x") is True and parse_bool("x", field="x") is True
    assert parse_bool("không", field="x") is False and parse_bool(0, field="x") is False
    assert parse_bool(" ", field="x") is None
    with pytest.raises(CellError, match="Có"):
        parse_bool("có lẽ", field="x")


# Workbooks ----------------------------------------------------------------------------------------------------------


def xlsx_bytes(build) -> bytes:
    """An .xlsx written by openpyxl; `build(workbook)` fills it."""
    workbook = openpyxl.Workbook()
    build(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsxwriter_bytes(build) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out)
    build(workbook)
    workbook.close()
    return out.getvalue()


def read_all(data, *, name="ds.xlsx", max_bytes=LIMIT, **options):
    with open_table_file(io.BytesIO(data), name=name, max_bytes=max_bytes, **options) as book:
        return {sheet.name: list(sheet.rows) for sheet in book.sheets()}


def refusal(data, *, name="ds.xlsx", max_bytes=LIMIT) -> str:
    with pytest.raises(FileError) as caught:
        read_all(data, name=name, max_bytes=max_bytes)
    return caught.value.message


def members_sheet(workbook):
    sheet = workbook.active
    sheet.title = "Đảng viên"
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", None])
    sheet.append([1, NAMES[0], dt.date(1980, 5, 1), "01234567"])
    sheet.append([])
    sheet.append([2, NAMES[1], dt.date(1991, 12, 31), None, None])


def test_xlsx_rows_have_the_spreadsheets_numbers_and_typed_values(tmp_path):
    data = xlsx_bytes(members_sheet)
    assert read_all(data) == {
        "Đảng viên": [
            (1, ["STT", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên"]),
            (2, [1, NAMES[0], naive(1980, 5, 1), "01234567"]),
            (4, [2, NAMES[1], naive(1991, 12, 31)]),
        ]
    }
    # The content decides, not the name: an .xlsx renamed .xls, from a path or a Django upload, reads the same.
    path = tmp_path / "ds.xls"
    path.write_bytes(data)
    with open_table_file(path, name="ds.xls", max_bytes=LIMIT) as book:
        assert book.format == "xlsx"
        assert [len(list(sheet.rows)) for sheet in book.sheets()] == [3]
    upload = SimpleUploadedFile("ds.xlsx", data)
    upload.read(10)  # a form looked at it first
    with open_table_file(upload, name="ds.xlsx", max_bytes=LIMIT) as book:
        assert next(book.sheets()).name == "Đảng viên"


def test_formulas_are_read_as_their_cached_values_never_evaluated():
    def build(workbook):
        sheet = workbook.add_worksheet("Tổng hợp")
        sheet.write_row(0, 0, ["Tên", "Số đảng viên"])
        sheet.write_string(1, 0, '=HYPERLINK("http://evil","x")')  # text, not a formula
        sheet.write_formula(1, 1, "=2+2", None, 4)  # Excel's cached result
        sheet.write_formula(2, 1, "=2+3")  # no cached result: Excel would compute it, we never do

    rows = read_all(xlsxwriter_bytes(build))["Tổng hợp"]
    assert rows[1] == (2, ['=HYPERLINK("http://evil","x")', 4])
    assert rows[2] == (3, [None, 0])  # XlsxWriter writes 0 as the value of an uncomputed formula


def test_hidden_sheets_are_skipped_and_reported():
    def build(workbook):
        members_sheet(workbook)
        workbook.create_sheet("Danh mục").sheet_state = "hidden"
        workbook.create_sheet("Macro").sheet_state = "veryHidden"

    with open_table_file(io.BytesIO(xlsx_bytes(build)), name="ds.xlsx", max_bytes=LIMIT) as book:
        assert [sheet.name for sheet in book.sheets()] == ["Đảng viên"]
        assert [(s.name, s.reason) for s in book.skipped_sheets] == [
            ("Danh mục", "trang bị ẩn"),
            ("Macro", "trang bị ẩn sâu (very hidden), chỉ hiện được bằng VBA"),
        ]


def test_a_chart_sheet_is_skipped_and_reported():
    def build(workbook):
        workbook.add_worksheet("Số liệu").write_column(0, 0, ["Số đảng viên", 12, 15])
        chart = workbook.add_chart({"type": "column"})
        chart.add_series({"values": "='Số liệu'!$A$2:$A$3"})
        workbook.add_chartsheet("Biểu đồ").set_chart(chart)

    with open_table_file(io.BytesIO(xlsxwriter_bytes(build)), name="bc.xlsx", max_bytes=LIMIT) as book:
        assert [sheet.name for sheet in book.sheets()] == ["Số liệu"]
        assert book.skipped_sheets == [SkippedSheet("Biểu đồ", "trang biểu đồ, không có bảng số liệu")]


def test_a_workbook_with_every_sheet_hidden_is_refused():
    def build(workbook):
        workbook.active.title = "Cũ"
        workbook.create_sheet("Ẩn").sheet_state = "hidden"

    # Excel and openpyxl keep one sheet visible; other programs do not.
    members = _members(xlsx_bytes(build))
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(b'state="visible"', b'state="hidden"')
    assert '"Cũ" (trang bị ẩn), "Ẩn" (trang bị ẩn)' in refusal(zip_bytes(members))


def long_empty_run(workbook):
    sheet = workbook.add_worksheet("Dài")
    grey = workbook.add_format({"bg_color": "#DDDDDD", "border": 1})
    sheet.write_row(0, 0, ["Họ và tên", "Ngày sinh"])
    for row in range(1, 5001):  # rows 2 to 5001: formatted, bordered, empty
        sheet.write_blank(row, 0, None, grey)
        sheet.write_blank(row, 1, None, grey)
    sheet.write_string(5002, 0, "Sau khoảng trống")  # row 5003


def test_a_sheet_stops_after_a_long_run_of_empty_rows():
    data = xlsxwriter_bytes(long_empty_run)
    # Data after more than `empty_run` empty rows is not read: the limit is what keeps a sheet of a million
    # formatted empty rows cheap.
    assert read_all(data) == {"Dài": [(1, ["Họ và tên", "Ngày sinh"])]}
    # Rows 2 to 5002 are 5,001 empty rows.
    assert read_all(data, empty_run=5001) == {"Dài": [(1, ["Họ và tên", "Ngày sinh"])]}
    assert read_all(data, empty_run=5002)["Dài"][-1] == (5003, ["Sau khoảng trống"])


def test_a_wrong_dimension_loses_nothing():
    # Some writers declare <dimension ref="A1"/> whatever the sheet holds; openpyxl would stop at it.
    data = xlsx_bytes(members_sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as source, io.BytesIO() as out:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == "xl/worksheets/sheet1.xml":
                    content = content.replace(b'<dimension ref="A1:E4"/>', b'<dimension ref="A1"/>')
                    assert b'<dimension ref="A1"/>' in content
                target.writestr(info, content)
        rewritten = out.getvalue()
    assert read_all(rewritten)["Đảng viên"][-1] == (4, [2, NAMES[1], naive(1991, 12, 31)])


def test_a_merged_header_is_refused_naming_the_sheet_and_the_cells():
    def build(workbook):
        sheet = workbook.active
        sheet.title = "2A"
        sheet.append(["Họ và tên", "Ngày sinh", "Ngày", None])
        sheet.append([None, None, "vào Đảng", "chính thức"])
        sheet.merge_cells("C1:D1")
        sheet.merge_cells("A1:A2")

    with open_table_file(io.BytesIO(xlsx_bytes(build)), name="2a.xlsx", max_bytes=LIMIT) as book:
        sheet = next(book.sheets())
        assert sheet.merged_ranges() == ("C1:D1", "A1:A2")
        with pytest.raises(FileError) as caught:
            find_header(sheet, aliases=PERSON_ALIASES)
    message = caught.value.message
    assert 'Trang "2A"' in message and "C1:D1" in message and "A1:A2" in message and "bỏ gộp ô" in message


def test_a_merged_title_above_the_header_is_fine():
    def build(workbook):
        sheet = workbook.add_worksheet("Chi bộ 1")
        bold = workbook.add_format({"bold": True, "align": "center"})
        sheet.merge_range("A1:E1", "DANH SÁCH ĐẢNG VIÊN CHI BỘ 1", bold)
        sheet.write_row(2, 0, ["STT", "Họ và tên", "Giới tính", "Ngày vào Đảng", "Ghi chú"])
        sheet.write_row(3, 0, [1, NAMES[0], "Nam", "03/02/2010"])
        sheet.write_row(4, 0, [2, NAMES[1], "Nữ", "19/05/2015"])

    with open_table_file(io.BytesIO(xlsxwriter_bytes(build)), name="cb1.xlsx", max_bytes=LIMIT) as book:
        sheet = next(book.sheets())
        header, rows = find_header(sheet, aliases=PERSON_ALIASES, required=PERSON_REQUIRED)
        assert sheet.merged_ranges() == ("A1:E1",)
        assert header.row_number == 3
        assert header.columns == {1: "full_name", 2: "gender", 3: "admitted_on"}
        assert header.unknown == ["STT", "Ghi chú"] and header.missing == []
        records = [(number, header.record(cells)) for number, cells in rows]
    assert records[1] == (5, {"full_name": NAMES[1], "gender": "Nữ", "admitted_on": "19/05/2015"})


def test_no_header_in_the_first_rows_is_refused():
    sheet = Sheet("Trống", iter([(1, ["Báo cáo"]), (2, ["Ngày 05 tháng 3"])]))
    with pytest.raises(FileError, match='Trang "Trống": không thấy dòng tiêu đề'):
        find_header(sheet, aliases=UNIT_ALIASES)


# Refused files ---------------------------------------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as package:
        for name, content in members.items():
            package.writestr(name, content)
    return out.getvalue()


OOXML = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


def test_a_zip_bomb_is_refused_from_its_directory():
    # One member that packs 1,000 times: refused however large the upload limit.
    data = zip_bytes({**OOXML, "xl/worksheets/sheet1.xml": b"\0" * (5 * MB)})
    assert len(data) < 20_000
    assert "nén hơn 200 lần" in refusal(data, max_bytes=100 * MB)
    # Many small members that unpack, together, to more than 20 times the limit.
    data = zip_bytes({**OOXML, **{f"xl/media/image{i}.bin": b"\0" * (900 * 1024) for i in range(30)}})
    assert len(data) < MB
    message = refusal(data, max_bytes=MB)
    assert "giải nén ra 26,4 MB, quá giới hạn 20 MB" in message


def test_legacy_and_encrypted_office_files_are_told_apart():
    # Both are OLE2 compound files; the stream names in the directory (UTF-16) say which.
    def ole2(*streams: str) -> bytes:
        return OLE2 + b"\0" * 504 + b"".join(s.encode("utf-16-le") + b"\0" * 40 for s in streams)

    assert "tệp Excel cũ (.xls)" in refusal(ole2("Root Entry", "Workbook", "SummaryInformation"))
    assert "tệp được đặt mật khẩu" in refusal(ole2("Root Entry", "EncryptionInfo", "EncryptedPackage")).lower()
    assert "Word cũ (.doc)" in refusal(ole2("Root Entry", "WordDocument"))


def test_other_files_are_refused_saying_what_they_are():
    assert "tệp PDF" in refusal(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", name="ds.xlsx")
    ods = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})
    message = refusal(ods, name="ds.xlsx")
    assert "OpenDocument (.ods)" in message and ".xlsx" in message
    assert "tệp nén (.zip)" in refusal(zip_bytes({"ds.xlsx": b"PK"}), name="ds.zip")
    assert "(.xlsb)" in refusal(zip_bytes({"[Content_Types].xml": b"", "xl/workbook.bin": b""}))
    assert "tệp Word (.docx)" in refusal(zip_bytes({"[Content_Types].xml": b"", "word/document.xml": b""}))
    assert "trang web (HTML)" in refusal(b"<html><body><table><tr><td>1</td></tr></table>", name="bc.xls")
    assert "không phải bảng tính" in refusal(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", name="anh.csv")
    assert "Tệp rỗng" in refusal(b"  \r\n", name="ds.csv")


def test_a_file_above_the_limit_is_refused_naming_the_limit(tmp_path):
    data = b"Ho ten;Ngay sinh\n" * 100_000
    assert "giới hạn 1 MB" in refusal(data, name="ds.csv", max_bytes=MB)
    assert "giới hạn 1,5 MB" in refusal(data, name="ds.csv", max_bytes=MB + MB // 2)
    path = tmp_path / "ds.csv"
    path.write_bytes(data)
    with pytest.raises(FileError, match="giới hạn 1 MB"):
        open_table_file(path, name="ds.csv", max_bytes=MB)


def test_a_corrupt_workbook_is_refused():
    data = xlsx_bytes(members_sheet)
    assert "bị hỏng" in refusal(data[: len(data) // 2])
    assert "bị hỏng" in refusal(zip_bytes({"[Content_Types].xml": b"<Types", "xl/workbook.xml": b"not xml"}))
    # A sheet whose XML breaks half way: the rows before are read, then the sheet is refused.
    broken = zip_bytes(
        {
            name: content.replace(b"</sheetData>", b"<row r='9'><c r='A9'><v>1</sheetData>")
            for name, content in _members(data).items()
        }
    )
    assert 'Trang "Đảng viên" bị hỏng' in refusal(broken)


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


# CSV ---------------------------------------------------------------------------------------------------------------


def cp1258(text: str) -> bytes:
    """Text as Excel on Vietnamese Windows saves a CSV: Windows-1258 has the letters ă â đ ê ô ơ ư but the tones
    only as combining marks, so a toned letter is its base letter plus the mark (Python's codec encodes only
    characters it has, so the text is split that way first)."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            marks = unicodedata.normalize("NFD", ch)
            tones = "".join(m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(m for m in marks if m not in tones))
            out += (base + tones).encode("cp1258")
    return out


def csv_rows(data: bytes, name: str = "chi-bo-1.csv"):
    with open_table_file(io.BytesIO(data), name=name, max_bytes=LIMIT) as book:
        sheets = list(book.sheets())
        assert len(sheets) == 1
        return book.encoding, book.delimiter, sheets[0].name, list(sheets[0].rows)


VIETNAMESE_CSV = "Họ và tên;Giới tính;Chi bộ\r\n" + "".join(f"{n};Nữ;Chi bộ Khu phố Đông Hoà\r\n" for n in NAMES)


def test_a_windows_1258_csv_reads_as_nfc_vietnamese():
    data = cp1258(VIETNAMESE_CSV)
    assert "ễ".encode() not in data and b"e\xde" not in data and "ê".encode("cp1258") + b"\xde" in data
    encoding, delimiter, name, rows = csv_rows(data)
    assert (encoding, delimiter, name) == ("cp1258", ";", "chi-bo-1")
    assert rows[0] == (1, ["Họ và tên", "Giới tính", "Chi bộ"])
    assert [cells[0] for _, cells in rows[1:]] == NAMES
    assert all(unicodedata.is_normalized("NFC", cells[2]) for _, cells in rows)


def every_vietnamese_word():
    """The words with diacritics of the demo's names and of the units' and statuses' labels: real Vietnamese."""
    from danhgia.demo.names import DATA
    from danhgia.people.models import ETHNIC_GROUPS, MemberStatus

    texts = [*ETHNIC_GROUPS, *(label for choices in (UnitKind, MemberStatus) for _, label in choices.choices)]
    for key, value in DATA.items():
        if key != "about":
            texts += list(value) if isinstance(value, dict) else [str(v) for v in value]
    return sorted({word for text in texts for word in text.split() if not word.isascii()})


def test_each_vietnamese_word_alone_reads_as_windows_1258():
    # One word is the hardest case: "Huyền" is Huy, ê, a combining grave, n, which Windows-1252 reads "HuyêÌn".
    words = every_vietnamese_word()
    assert len(words) > 150 and "Huyền" in words and "Nguyễn" in words
    for word in [*words, "Trần Thị Huyền", "Hoàng Thị Tuyết", "Người", "Giò", "Quỳnh"]:
        assert decode_text(data=cp1258(word)) == Decoded(word, "cp1258"), word


def test_a_windows_1252_csv_is_not_taken_for_vietnamese():
    # In Windows-1258, ò is a combining dot below and Š does not exist: the heuristic picks Windows-1252.
    assert decode_text(data="Niccolò Machiavelli,Côté\n".encode("cp1252")).encoding == "cp1252"
    assert decode_text(data="Šárka,Novák\n".encode("cp1252")).text == "Šárka,Novák\n"
    # And a Vietnamese text gives more Vietnamese letters in Windows-1258 than the mojibake of Windows-1252.
    assert decode_text(data=cp1258("Đặng Thị Thuỷ, Ưng Hoàng Phúc")).text == "Đặng Thị Thuỷ, Ưng Hoàng Phúc"


def test_utf8_with_or_without_bom_and_excels_unicode_text():
    text = "Họ và tên,Ngày sinh\n" + "".join(f'"{n}",01/02/1990\n' for n in NAMES)
    for data, encoding in [
        (text.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8-sig"),
        (unicodedata.normalize("NFD", text).encode("utf-8"), "utf-8"),  # macOS writes decomposed accents
    ]:
        found, delimiter, _, rows = csv_rows(data)
        assert (found, delimiter) == (encoding, ",")
        assert rows[0] == (1, ["Họ và tên", "Ngày sinh"])  # no BOM left in the first header
        assert rows[5] == (6, [NAMES[4], "01/02/1990"])
    unicode_text = text.replace(",", "\t").encode("utf-16")  # Excel's «Unicode text (.txt)»: UTF-16, tabs
    assert csv_rows(unicode_text, "ds.txt")[:2] == ("utf-16", "\t")


def test_delimiters_are_sniffed_and_quotes_respected():
    comma = 'Họ và tên,Địa chỉ\n"Nguyễn Văn A","Thôn 2, xã Hoà Bình"\n"Lê B","Số 5; ngõ 7"\n'
    assert csv_rows(comma.encode())[3] == [
        (1, ["Họ và tên", "Địa chỉ"]),
        (2, ["Nguyễn Văn A", "Thôn 2, xã Hoà Bình"]),
        (3, ["Lê B", "Số 5; ngõ 7"]),
    ]
    pipe = "Mã đơn vị|Tên đơn vị|Loại\nCB01|Chi bộ 1|chi_bo\n"
    assert csv_rows(pipe.encode())[1] == "|"
    # A cell over two lines is one row, as Excel numbers it; trailing empty cells (Excel's ";;;") are cut.
    multiline = 'DANH SÁCH;;;\nHọ và tên;Ghi chú;;\nLê C;"dòng 1\ndòng 2";;\n;;;\nTrần D;;;\n'
    assert csv_rows(multiline.encode())[3] == [
        (1, ["DANH SÁCH"]),
        (2, ["Họ và tên", "Ghi chú"]),
        (3, ["Lê C", "dòng 1\ndòng 2"]),
        (5, ["Trần D"]),
    ]
    # Excel's own hint line names the delimiter and is not a row.
    assert csv_rows(b"sep=|\nA|B\n1|2\n")[1:] == ("|", "chi-bo-1", [(1, ["A", "B"]), (2, ["1", "2"])])


def test_a_header_with_another_delimiter_than_the_data_is_refused():
    data = "Họ và tên;Giới tính;Ngày vào Đảng\nLê A,Nam,01/02/2003\nLê B,Nữ,04/05/2006\n".encode()
    with pytest.raises(FileError) as caught:
        csv_rows(data)
    message = caught.value.message
    assert "dấu phân cách" in message and "dấu chấm phẩy (;)" in message and "dấu phẩy (,)" in message


def test_a_csv_stops_after_a_long_run_of_empty_rows():
    data = ("Họ và tên\n" + ";;\n" * 1500 + "Lê Z\n").encode()
    assert csv_rows(data)[3] == [(1, ["Họ và tên"])]
    with open_table_file(io.BytesIO(data), name="ds.csv", max_bytes=LIMIT, empty_run=2000) as book:
        assert list(next(book.sheets()).rows)[-1] == (1502, ["Lê Z"])


# Headers -----------------------------------------------------------------------------------------------------------


def test_header_map_matches_the_offices_headers():
    headers = [
        "STT",
        "Họ và tên (*)",
        "Ngày, tháng, năm sinh",
        "GIỚI TÍNH",
        "Số CCCD",
        "Ngày vào đảng",
        "Ngày công nhận chính thức",
        "Chi bộ sinh hoạt",
        None,
        "Ghi chú",
    ]
    columns, unknown, missing = header_map(headers, aliases=PERSON_ALIASES, required=PERSON_REQUIRED)
    assert columns == {
        1: "full_name",
        2: "birth_date",
        3: "gender",
        4: "national_id",
        5: "admitted_on",
        6: "official_on",
        7: "cell_name",
    }
    assert unknown == ["STT", "Ghi chú"] and missing == []
    columns, _, missing = header_map(
        ["Họ tên", "Ngày sinh (dd/mm/yyyy)", "Mã chi bộ"], aliases=PERSON_ALIASES, required=PERSON_REQUIRED
    )
    assert columns == {0: "full_name", 1: "birth_date", 2: "cell_code"}
    assert missing == ["gender", "admitted_on"]


def test_header_map_for_units_and_tone_placement():
    headers = ["Mã đơn vị", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Cấp địa bàn", "Là tổ chức cơ sở"]
    headers += ["Tên tập thể lãnh đạo", "Ngày thành lập", "Ngày giải thể"]
    columns, unknown, missing = header_map(headers, aliases=UNIT_ALIASES, required=UNIT_REQUIRED)
    assert list(columns.values()) == list(UNIT_ALIASES) and unknown == [] and missing == []
    assert header_map(["Mã đơn vị", "Loại", "Tên"], aliases=UNIT_ALIASES, required=UNIT_REQUIRED)[2] == []


def test_two_columns_for_one_field_are_refused():
    with pytest.raises(FileError) as caught:
        header_map(["Họ và tên", "Ngày sinh", "Họ tên"], aliases=PERSON_ALIASES)
    assert caught.value.message.startswith('Cột A ("Họ và tên") và cột C ("Họ tên") cùng là "Họ và tên"')


@pytest.mark.parametrize("aliases", [PERSON_ALIASES, UNIT_ALIASES])
def test_no_header_names_two_fields(aliases):
    owners: dict[str, set[str]] = {}
    for field, headers in aliases.items():
        for header in headers:
            columns, _, _ = header_map([header], aliases=aliases)
            owners.setdefault(match_key(header), set()).add(field)
            assert columns == {0: field}, header
    assert all(len(fields) == 1 for fields in owners.values())
