"""Opening an uploaded table file and reading its rows, safely and cheaply.

What a file is comes from its content, never its name (offices rename .xls to .xlsx, save web pages as
«.xls», attach PDFs): an Office Open XML workbook (.xlsx, .xlsm) or a text table (CSV, or Excel's «Unicode
text»). Everything else is refused with a `FileError` saying in Vietnamese what the file is and what to do.
The whole upload is held in memory, so `max_bytes` is checked before anything is read.

Safety. Formulas are never evaluated: a workbook is read with openpyxl's cached values (`data_only`), a CSV
as text. A zip bomb is refused from the zip's directory alone, before any member is unpacked: Python's zipfile
never unpacks a member past the size its directory declares, so the declared sizes bound the work. openpyxl
parses the XML with the standard library's expat, which resolves no external entity and limits entity
expansion. Links to other workbooks are not loaded.

Cost. A sheet stops after `empty_run` consecutive empty rows (1,000 by default): a sheet of a million formatted
but empty rows costs a thousand. Data after such a long empty run is not read: an import that needs it must
raise `empty_run`. Merged cells are read from the sheet's XML only when a header is looked for.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import PurePath
from typing import Any, Literal, Protocol

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from danhgia.imports.cleaning import clean_text, match_key
from danhgia.lib.files import ODF_MIMETYPE, OLE2, OOXML_MAIN_PART
from danhgia.lib.numbers import number

MB = 1024 * 1024
EMPTY_RUN = 1000
# A spreadsheet's XML compresses about 5 to 20 times, rarely 100 (long runs of identical formatted cells):
# more than 20 times the upload unpacked in all, or one large member packed more than 200 times, is not a table.
UNPACKED_FACTOR = 20
MAX_RATIO = 200
RATIO_MIN_BYTES = MB  # a small member may pack tightly without costing anything
MAX_MEMBERS = 10_000
HEADER_SCAN_ROWS = 10

Cell = object
Row = tuple[int, list[Cell]]


class FileError(Exception):
    """A file that cannot be imported at all; `message` is for the officer, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


@dataclass(frozen=True)
class SkippedSheet:
    """A sheet that was not read, and why (hidden sheets are often old copies or lookup lists)."""

    name: str
    reason: str


class Sheet:
    """One table: its name and its rows as (row number, cell values), the row number being the one the
    spreadsheet shows (1-based). Empty rows are not yielded, trailing empty cells are cut; a cell is None, str,
    int, float, bool or datetime (CSV cells are always str)."""

    def __init__(self, name: str, rows: Iterator[Row], merged: Callable[[], tuple[str, ...]] = tuple) -> None:
        self.name = name
        self.rows = rows
        self._merged = merged
        self._merged_cache: tuple[str, ...] | None = None

    def __iter__(self) -> Iterator[Row]:
        return self.rows

    def merged_ranges(self) -> tuple[str, ...]:
        """The merged ranges of the sheet ("A1:C1", …), read once from its XML on first call."""
        if self._merged_cache is None:
            self._merged_cache = self._merged()
        return self._merged_cache


@dataclass
class TableFile:
    """An opened upload: `sheets()` yields its visible tables in order; `skipped_sheets` says what was left out."""

    name: str
    format: Literal["xlsx", "csv"]
    _sheets: Callable[[], Iterator[Sheet]]
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)
    encoding: str = ""  # of a CSV: "utf-8", "utf-8-sig", "utf-16", "cp1258" or "cp1252"
    delimiter: str = ""  # of a CSV
    _close: Callable[[], None] = lambda: None

    def sheets(self) -> Iterator[Sheet]:
        return self._sheets()

    def close(self) -> None:
        self._close()

    def __enter__(self) -> TableFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _mb(size: int) -> str:
    return f"{number(size / MB, 1, trim=True, vietnamese=True)} MB"


def _read_all(path_or_file: str | os.PathLike[str] | Readable, *, max_bytes: int) -> bytes:
    too_big = FileError(f"Tệp lớn hơn giới hạn {_mb(max_bytes)}: hãy tách thành nhiều tệp nhỏ hơn.")
    if isinstance(path_or_file, str | os.PathLike):
        if os.path.getsize(path_or_file) > max_bytes:
            raise too_big
        with open(path_or_file, "rb") as stream:
            data = stream.read(max_bytes + 1)
    else:
        seek = getattr(path_or_file, "seek", None)
        if seek is not None:
            seek(0)  # an upload a form has already looked at
        data = path_or_file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big
    if not data.strip():
        raise FileError("Tệp rỗng, không có dữ liệu.")
    return data


def open_table_file(
    path_or_file: str | os.PathLike[str] | Readable,
    *,
    name: str,
    max_bytes: int,
    empty_run: int = EMPTY_RUN,
) -> TableFile:
    """Opens an upload (a path, or a binary file such as Django's UploadedFile) for reading.

    `name` is the file's name as uploaded: a CSV's one sheet is named after it, and nothing else depends on
    it. Raises FileError for a file that is not a table this module can read (see the module's docstring).
    """
    data = _read_all(path_or_file, max_bytes=max_bytes)
    head = data[:1024]
    if data.startswith(OLE2):
        raise FileError(_ole2_problem(data))
    if b"%PDF-" in head:
        raise FileError(
            "Đây là tệp PDF, không đọc được số liệu trong đó: hãy tải lên bảng tính Excel (.xlsx) hoặc CSV."
        )
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _open_xlsx(data, name=name, max_bytes=max_bytes, empty_run=empty_run)
    return _open_text(data, name=name, empty_run=empty_run)


def _ole2_problem(data: bytes) -> str:
    """Legacy Office files and encrypted Office Open XML files are both OLE2 compound files; the names of their
    streams, stored in UTF-16 in the directory, say which one this is."""

    def has_stream(stream_name: str) -> bool:
        return stream_name.encode("utf-16-le") in data

    if has_stream("EncryptedPackage") or has_stream("EncryptionInfo"):
        return (
            "Tệp được đặt mật khẩu nên không đọc được: hãy mở bằng Excel, bỏ mật khẩu (Tệp › Thông tin › "
            "Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu, xóa mật khẩu) rồi lưu lại và tải lên."
        )
    if has_stream("WordDocument"):
        return "Đây là tệp Word cũ (.doc), không phải bảng tính: hãy chép bảng sang Excel và lưu dạng .xlsx."
    return (
        "Đây là tệp Excel cũ (.xls), hệ thống không đọc định dạng này: hãy mở bằng Excel và lưu lại dạng "
        "«Sổ làm việc Excel (.xlsx)» (Tệp › Lưu thành)."
    )


# xlsx -----------------------------------------------------------------------------------------------------------


def _check_zip(package: zipfile.ZipFile, *, max_bytes: int) -> None:
    infos = package.infolist()
    unpacked = sum(info.file_size for info in infos)
    limit = UNPACKED_FACTOR * max_bytes
    if len(infos) > MAX_MEMBERS or unpacked > limit:
        raise FileError(
            f"Tệp giải nén ra {_mb(unpacked)}, quá giới hạn {_mb(limit)}: đây không phải một bảng tính thông "
            "thường (có thể là tệp nén độc hại) nên hệ thống không mở."
        )
    for info in infos:
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileError(
                f"Tệp có phần «{info.filename}» nén hơn {MAX_RATIO} lần ({_mb(info.compress_size)} giải nén ra "
                f"{_mb(info.file_size)}): đây không phải một bảng tính thông thường (có thể là tệp nén độc hại) "
                "nên hệ thống không mở."
            )


def _zip_kind(package: zipfile.ZipFile) -> str:
    names = set(package.namelist())
    if "mimetype" in names and package.getinfo("mimetype").file_size <= 200:
        mimetype = package.read("mimetype").strip()
        if mimetype == ODF_MIMETYPE["ods"]:
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            return "odf"
    if "[Content_Types].xml" in names:
        if OOXML_MAIN_PART["xlsx"] in names:
            return "xlsx"
        if OOXML_MAIN_PART["docx"] in names:
            return "docx"
        if "xl/workbook.bin" in names:
            return "xlsb"
    return "zip"


_ZIP_PROBLEMS = {
    "ods": (
        "Đây là bảng tính OpenDocument (.ods): hãy mở bằng LibreOffice Calc hoặc Excel và lưu lại dạng "
        "«Excel 2007-365 (.xlsx)» rồi tải lên."
    ),
    "odf": "Đây là tài liệu OpenDocument, không phải bảng tính: hãy tải lên bảng tính Excel (.xlsx) hoặc CSV.",
    "xlsb": (
        "Đây là sổ làm việc nhị phân Excel (.xlsb), hệ thống không đọc định dạng này: hãy mở bằng Excel và lưu "
        "lại dạng «Sổ làm việc Excel (.xlsx)»."
    ),
    "docx": "Đây là tệp Word (.docx), không phải bảng tính: hãy chép bảng sang Excel và lưu dạng .xlsx.",
    "zip": (
        "Đây là tệp nén (.zip), không phải bảng tính Excel (.xlsx): hãy giải nén và tải lên từng tệp .xlsx hoặc .csv."
    ),
}
_CORRUPT = "Tệp Excel bị hỏng hoặc chưa tải lên hết nên không mở được: hãy mở bằng Excel, lưu lại rồi tải lên lại."


def _open_xlsx(data: bytes, *, name: str, max_bytes: int, empty_run: int) -> TableFile:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            _check_zip(package, max_bytes=max_bytes)
            kind = _zip_kind(package)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise FileError(_CORRUPT) from exc
    if kind != "xlsx":
        raise FileError(_ZIP_PROBLEMS[kind])

    try:
        # Warnings about styles or extensions openpyxl does not keep say nothing about the data.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises anything from KeyError to TypeError on a broken part
        raise FileError(_CORRUPT) from exc

    visible: list[ReadOnlyWorksheet] = []
    skipped: list[SkippedSheet] = []
    for sheet_name in book.sheetnames:
        worksheet = book[sheet_name]
        if not isinstance(worksheet, ReadOnlyWorksheet):
            skipped.append(SkippedSheet(sheet_name, "trang biểu đồ, không có bảng số liệu"))
        elif worksheet.sheet_state == "hidden":
            skipped.append(SkippedSheet(sheet_name, "trang bị ẩn"))
        elif worksheet.sheet_state == "veryHidden":
            skipped.append(SkippedSheet(sheet_name, "trang bị ẩn sâu (very hidden), chỉ hiện được bằng VBA"))
        else:
            visible.append(worksheet)
    if not visible:
        book.close()
        listed = ", ".join(f'"{s.name}" ({s.reason})' for s in skipped) or "không có trang nào"
        raise FileError(f"Tệp không có trang tính nào hiện để đọc: {listed}. Hãy bỏ ẩn trang có dữ liệu.")

    def sheets() -> Iterator[Sheet]:
        for worksheet in visible:
            # The sheet's part in the zip: openpyxl keeps it, without a public name for it.
            member = getattr(worksheet, "_worksheet_path", None)
            yield Sheet(
                worksheet.title,
                _xlsx_rows(worksheet, empty_run=empty_run),
                partial(_merged_ranges, data, member) if member else tuple,
            )

    return TableFile(name=name, format="xlsx", _sheets=sheets, skipped_sheets=skipped, _close=book.close)


def _is_empty(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trimmed(values: Sequence[Cell]) -> list[Cell]:
    end = len(values)
    while end and _is_empty(values[end - 1]):
        end -= 1
    return list(values[:end])


def _rows(
    source: Iterator[Sequence[Cell]],
    *,
    empty_run: int,
    broken: tuple[type[Exception], ...],
    message: Callable[[int], str],
) -> Iterator[Row]:
    """The non-empty rows of `source` (one item per row, from row 1) with their numbers, until
    `empty_run` consecutive empty rows. An exception of the `broken` kinds while reading row n becomes a
    FileError with `message(n)`."""
    empty = 0
    row_number = 0
    try:
        while True:
            try:
                values = next(source)
            except StopIteration:
                return
            except broken as exc:
                raise FileError(message(row_number + 1)) from exc
            row_number += 1
            cells = _trimmed(values)
            if not cells:
                empty += 1
                if empty >= empty_run:
                    return
                continue
            empty = 0
            yield row_number, cells
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()  # openpyxl's parser holds the sheet's part open until its generator is closed


def _xlsx_rows(worksheet: Any, *, empty_run: int) -> Iterator[Row]:
    # The <dimension> a writer declares is often wrong (a single "A1", or the whole sheet): without it openpyxl
    # reads each row to its last cell and stops at the last row, and the empty run limit does the rest.
    # iter_rows yields one tuple per row number from 1, filling in the rows the XML leaves out.
    worksheet.reset_dimensions()
    return _rows(
        worksheet.iter_rows(values_only=True),
        empty_run=empty_run,
        # A broken sheet XML or packed member (CRC) can fail anywhere in openpyxl, as almost any exception.
        broken=(Exception,),
        message=lambda n: (
            f'Trang "{worksheet.title}" bị hỏng từ khoảng dòng {n}: hãy mở bằng Excel, lưu lại rồi tải lên lại.'
        ),
    )


_MERGE_START = re.compile(rb"<(?:\w+:)?mergeCells\b")
_MERGE_END = re.compile(rb"</(?:\w+:)?mergeCells>")
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)"')
_CHUNK = MB


def _merged_ranges(data: bytes, member: str) -> tuple[str, ...]:
    """The merged ranges of a sheet, from its XML: openpyxl's read-only sheets do not read them.

    <mergeCells> comes after <sheetData>, so the member is unpacked in chunks and scanned for its start
    (no XML parser: text in cells is escaped, a "<" there is never markup), then kept until its end."""
    buffer = b""
    collecting = False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package, package.open(member) as xml:
            while chunk := xml.read(_CHUNK):
                buffer += chunk
                if not collecting:
                    start = _MERGE_START.search(buffer)
                    if start is None:
                        buffer = buffer[-32:]  # a tag cut between two chunks
                        continue
                    buffer, collecting = buffer[start.start() :], True
                if _MERGE_END.search(buffer):
                    break
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise FileError(_CORRUPT) from exc
    if not collecting:
        return ()
    return tuple(ref.decode("ascii").upper() for ref in _MERGE_REF.findall(buffer))


# CSV and text ----------------------------------------------------------------------------------------------------

# Every letter of the Vietnamese alphabet with its diacritics, precomposed (NFC), both cases; and its vowels.
_VIETNAMESE = frozenset(
    letter
    for base in ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "đ"]
    for tone in ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
    if base != "đ" or not tone
    for letter in [unicodedata.normalize("NFC", base + tone), unicodedata.normalize("NFC", base + tone).upper()]
)
_VOWELS = (_VIETNAMESE - {"đ", "Đ"}) | set("aeiouyAEIOUY")
# How Windows-1252 reads the tone bytes of Windows-1258 (grave, hook, acute, dot below; the tilde reads as Þ).
_TONE_BYTES_IN_1252 = frozenset("ÌÒìò")


def _implausible(text: str) -> int:
    """What no Vietnamese text holds, in an NFC text: a non-ASCII letter or mark that is no Vietnamese letter
    (Ð ð Þ, a combining mark left alone, ḷ), and ì ò Ì Ò right after a vowel ("Huyêìn", "Thiò": no Vietnamese
    syllable has a toned i or o after another vowel, except after the consonants gi and qu: giò, quì)."""
    count = 0
    before = previous = ""
    for ch in text:
        foreign = ch >= "\x80" and ch not in _VIETNAMESE and unicodedata.category(ch)[0] in "LM"
        stray_tone = (
            ch in _TONE_BYTES_IN_1252 and previous in _VOWELS and (before + previous).lower() not in ("gi", "qu")
        )
        count += foreign or stray_tone
        before, previous = previous, ch
    return count


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_text(*, data: bytes) -> Decoded:
    """The text of a CSV, NFC-normalised, and the encoding it was read with.

    UTF-8 with or without BOM, UTF-16 with BOM (Excel's «Unicode text»). Anything else was written in a Windows
    code page: Windows-1258 where Excel runs in Vietnamese, Windows-1252 in most other places. A byte one of
    them leaves undefined rules it out; otherwise both decode, and the choice is made on the result.
    Windows-1258 writes most toned letters as the base letter and a combining tone mark, which NFC composes
    into one Vietnamese letter ("ế" is ê + U+0301); read in Windows-1252, the same bytes give what no
    Vietnamese text holds ("êì", Þ for the tilde, ð for đ: see `_implausible`), while a Western text read in
    Windows-1258 gets letters such as "ḷ" ("Niccolò"). The decoding with fewer implausible characters wins,
    then the one with more Vietnamese letters; a tie (plain ASCII, or "Lê Văn Hưng", whose letters both code
    pages have) reads as Windows-1258: the files come from Vietnamese offices.
    """
    for bom, encoding in [
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ]:
        if data.startswith(bom):
            try:
                return Decoded(unicodedata.normalize("NFC", data.decode(encoding)), encoding)
            except UnicodeDecodeError as exc:
                raise FileError(
                    f"Tệp ghi là {encoding.upper()} nhưng có ký tự hỏng: hãy mở bằng Excel, lưu lại rồi tải lên."
                ) from exc
    try:
        return Decoded(unicodedata.normalize("NFC", data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError:
        pass
    candidates: list[tuple[int, int, int, str, str]] = []
    for rank, encoding in enumerate(["cp1258", "cp1252"]):
        try:
            text = unicodedata.normalize("NFC", data.decode(encoding))
        except UnicodeDecodeError:  # a byte the code page leaves undefined: it is not this one
            continue
        vietnamese = sum(1 for ch in text if ch in _VIETNAMESE)
        candidates.append((-_implausible(text), vietnamese, -rank, text, encoding))
    if not candidates:
        raise FileError(
            "Không đọc được bảng mã của tệp CSV: hãy mở bằng Excel và lưu lại dạng "
            "«CSV UTF-8 (phân cách bằng dấu phẩy)»."
        )
    *_ranking, text, encoding = max(candidates)
    return Decoded(text, encoding)


DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "dấu phẩy (,)", ";": "dấu chấm phẩy (;)", "\t": "dấu tab", "|": "dấu gạch đứng (|)"}
_SNIFF_LINES = 50


def _split(line: str, delimiter: str) -> list[str]:
    return next(csv.reader([line], delimiter=delimiter), [])


def sniff_delimiter(lines: Sequence[str]) -> str:
    """The delimiter of a CSV from its first lines: among , ; tab |, the one that splits the most lines into
    more than one column, then the one giving the most lines the same number of columns, then the most
    columns; "," when none splits anything. Quotes are respected ("Thôn 2, xã A" in quotes is one cell)."""
    best: tuple[int, int, int] | None = None
    chosen = ","
    for delimiter in DELIMITERS:
        widths = [len(_split(line, delimiter)) for line in lines]
        split = sum(1 for width in widths if width > 1)
        if not split:
            continue
        width, same = Counter(w for w in widths if w > 1).most_common(1)[0]
        score = (split, same, width)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


_SEP_HINT = re.compile(r"sep=(.)\s*")


def _open_text(data: bytes, *, name: str, empty_run: int) -> TableFile:
    if b"\x00" in data[:8192] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileError("Tệp không phải bảng tính Excel (.xlsx) hay tệp CSV: hãy tải lên tệp .xlsx hoặc .csv.")
    decoded = decode_text(data=data)
    text = decoded.text
    start = text[:2048].lstrip().lower()
    if start.startswith(("<!doctype html", "<html", "<table")) or (
        start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in text[:4096]
    ):
        raise FileError(
            "Tệp là trang web (HTML) hoặc bảng tính XML 2003 mang tên Excel, không phải bảng tính thật: hãy mở bằng "
            "Excel rồi lưu lại dạng «Sổ làm việc Excel (.xlsx)»."
        )
    lines = text.splitlines()
    # Excel writes, and honours, a first line "sep=;" naming the delimiter; it does not show it as a row.
    hint = _SEP_HINT.fullmatch(lines[0]) if lines else None
    if hint:
        delimiter = hint[1]
        text = text.split("\n", 1)[1] if "\n" in text else ""
    else:
        sample = [line for line in lines[: _SNIFF_LINES * 2] if line.strip()][:_SNIFF_LINES]
        delimiter = sniff_delimiter(sample)
        if len(sample) > 1 and len(_split(sample[0], delimiter)) == 1:
            # The first line, the header, is one column with the delimiter of the data: does it use another?
            other = sniff_delimiter(sample[:1])
            if len(_split(sample[0], other)) > 1:
                raise FileError(
                    f"Dòng đầu của tệp CSV tách cột bằng {_DELIMITER_NAMES.get(other, other)} còn các dòng dữ liệu "
                    f"dùng {_DELIMITER_NAMES.get(delimiter, delimiter)}: dấu phân cách phải là một; hãy sửa dòng đầu "
                    "hoặc lưu lại tệp từ Excel."
                )
    sheet_name = PurePath(name).stem or name

    def sheets() -> Iterator[Sheet]:
        yield Sheet(
            sheet_name,
            _rows(
                csv.reader(io.StringIO(text, newline=""), delimiter=delimiter),
                empty_run=empty_run,
                broken=(csv.Error,),  # a cell over csv's field size limit (128 KB)
                message=lambda n: f"Tệp CSV lỗi ở dòng {n}: hãy mở bằng Excel, lưu lại rồi tải lên.",
            ),
        )

    return TableFile(name=name, format="csv", _sheets=sheets, encoding=decoded.encoding, delimiter=delimiter)


# Headers --------------------------------------------------------------------------------------------------------

Aliases = Mapping[str, Sequence[str]]

# The DanhGia import template's header comes first for each field (messages name a field by it), then what the
# offices' own lists call it (the member lists kept with form 2A-LLĐV and exported by the party's member
# management software). Matching is by `match_key` without punctuation, so case, spacing, tone placement,
# "Ngày, tháng, năm sinh" / "Ngày tháng năm sinh" and a trailing "(*)" or "(dd/mm/yyyy)" do not matter.
PERSON_ALIASES: dict[str, tuple[str, ...]] = {
    "full_name": ("Họ và tên", "Họ tên", "Họ và tên đảng viên", "Họ tên đảng viên", "Họ và tên khai sinh"),
    # Lists that split the name (as Person stores it).
    "family_name": ("Họ",),
    "middle_name": ("Tên đệm", "Chữ đệm"),
    "given_name": ("Tên",),
    "birth_date": ("Ngày sinh", "Ngày, tháng, năm sinh", "Sinh ngày"),
    "gender": ("Giới tính", "Nam/Nữ"),
    "ethnicity": ("Dân tộc",),
    "national_id": (
        "Số định danh cá nhân",
        "Số định danh",
        "CCCD",
        "Số CCCD",
        "Căn cước công dân",
        "Số căn cước công dân",
        "Số căn cước",
    ),
    "card_number": ("Số thẻ đảng viên", "Số thẻ", "Số thẻ ĐV"),
    "admitted_on": ("Ngày vào Đảng", "Ngày kết nạp", "Ngày kết nạp Đảng", "Ngày kết nạp vào Đảng"),
    "official_on": ("Ngày chính thức", "Ngày công nhận chính thức", "Ngày được công nhận chính thức"),
    "cell_name": ("Chi bộ", "Chi bộ sinh hoạt", "Tên chi bộ", "Sinh hoạt tại chi bộ"),
    "cell_code": ("Mã chi bộ",),
    "status": ("Trạng thái", "Trạng thái sinh hoạt", "Tình trạng sinh hoạt Đảng"),
}
# What a member cannot be created without. Two more need one column of a pair, which the importer checks: the
# name (`full_name`, or `family_name` and `given_name`) and the cell (`cell_name` or `cell_code`).
PERSON_REQUIRED = frozenset({"gender", "admitted_on"})

UNIT_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("Mã đơn vị", "Mã tổ chức", "Mã"),
    "name": ("Tên đơn vị", "Tên tổ chức", "Tên tổ chức, cơ quan, đơn vị", "Tên"),
    "kind": ("Loại", "Loại đơn vị", "Loại tổ chức"),
    "parent_code": ("Mã đơn vị cấp trên", "Mã cấp trên", "Mã đơn vị trực thuộc cấp trên"),
    "locality": ("Cấp địa bàn",),
    "is_grassroots": ("Là tổ chức cơ sở", "Là tổ chức cơ sở đảng", "Tổ chức cơ sở đảng"),
    "collective_name": ("Tên tập thể lãnh đạo", "Tên tập thể lãnh đạo, quản lý", "Tập thể lãnh đạo"),
    "founded_on": ("Ngày thành lập",),
    "dissolved_on": ("Ngày giải thể", "Ngày giải thể, sáp nhập"),
}
# Units are linked to their parent by code, so every row needs one (the root has no parent code).
UNIT_REQUIRED = frozenset({"code", "name", "kind"})

_PUNCTUATION = re.compile(r"[^\w\s]|_")
_HINT = re.compile(r"\s*\([^()]*\)\s*$")


def _header_keys(text: object) -> list[str]:
    """The keys a header is tried under: itself, then without a trailing hint in parentheses."""
    key = match_key(text)
    keys = [" ".join(_PUNCTUATION.sub(" ", key).split())]
    bare = _HINT.sub("", key)
    if bare != key:
        keys.append(" ".join(_PUNCTUATION.sub(" ", bare).split()))
    return [k for k in keys if k]


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)


def header_map(
    header_cells: Sequence[Cell], *, aliases: Aliases, required: Collection[str] = ()
) -> tuple[dict[int, str], list[str], list[str]]:
    """Which column holds which field: (column index (0-based) → field, the headers that match no field, the
    required fields no column has). Two columns for one field are refused (which one would win is a guess)."""
    lookup: dict[str, str] = {}
    for field_name, headers in aliases.items():
        for header in headers:
            for key in _header_keys(header)[:1]:
                lookup.setdefault(key, field_name)
    columns: dict[int, str] = {}
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        keys = _header_keys(cell)
        if not keys:
            continue
        matched = next((lookup[k] for k in keys if k in lookup), None)
        if matched is None:
            unknown.append(clean_text(cell))
            continue
        if matched in seen:
            first = seen[matched]
            raise FileError(
                f'Cột {_column_letter(first)} ("{clean_text(header_cells[first])}") và cột {_column_letter(index)} '
                f'("{clean_text(cell)}") cùng là "{aliases[matched][0]}": hãy xóa hoặc đổi tên một cột.'
            )
        seen[matched] = index
        columns[index] = matched
    missing = [f for f in aliases if f in required and f not in seen]
    missing += sorted(f for f in required if f not in aliases and f not in seen)
    return columns, unknown, missing


@dataclass(frozen=True)
class Header:
    """The header row of a sheet: its number, its columns (index → field), what it has that is not a field,
    and the required fields it lacks."""

    row_number: int
    columns: dict[int, str]
    unknown: list[str]
    missing: list[str]

    def record(self, cells: Sequence[Cell]) -> dict[str, Cell]:
        """A data row as field → raw value (None for a field whose column is empty or cut off)."""
        return {f: (cells[i] if i < len(cells) else None) for i, f in self.columns.items()}


def find_header(
    sheet: Sheet, *, aliases: Aliases, required: Collection[str] = (), scan_rows: int = HEADER_SCAN_ROWS
) -> tuple[Header, Iterator[Row]]:
    """The header of a sheet and its rows after it.

    Office lists often start with a title («DANH SÁCH ĐẢNG VIÊN CHI BỘ …», merged across the table) and a date
    line: the header is the one of the first `scan_rows` rows matching the most fields (the first one on a
    tie). A header with merged cells (a two-row header: «Ngày» over «vào Đảng» and «chính thức») is refused:
    which field each column is would be a guess.
    """
    seen: list[Row] = []
    best: tuple[int, int, tuple[dict[int, str], list[str], list[str]]] | None = None
    for row in itertools.islice(sheet.rows, scan_rows):
        seen.append(row)
        mapped = header_map(row[1], aliases=aliases, required=required)
        if mapped[0] and (best is None or len(mapped[0]) > len(best[2][0])):
            best = (len(seen), row[0], mapped)
    if best is None:
        expected = ", ".join(f'"{headers[0]}"' for headers in list(aliases.values())[:3])
        raise FileError(
            f'Trang "{sheet.name}": không thấy dòng tiêu đề trong {scan_rows} dòng đầu; dòng tiêu đề cần có các '
            f"cột như {expected}."
        )
    position, row_number, (columns, unknown, missing) = best
    merged = [ref for ref in sheet.merged_ranges() if _spans_row(ref, row_number)]
    if merged:
        raise FileError(
            f'Trang "{sheet.name}": dòng tiêu đề (dòng {row_number}) có ô gộp ({", ".join(merged)}): hãy bỏ gộp ô '
            "(Trang đầu › Gộp và Căn giữa) để mỗi cột có tiêu đề riêng trên một dòng."
        )
    rest = itertools.chain(seen[position:], sheet.rows)
    return Header(row_number, columns, unknown, missing), rest


def _spans_row(ref: str, row_number: int) -> bool:
    _min_col, min_row, _max_col, max_row = range_boundaries(ref)
    return min_row is not None and max_row is not None and min_row <= row_number <= max_row
