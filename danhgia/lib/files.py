"""What an uploaded file is, read from its content rather than its name.

A text file renamed «.pdf» was kept as evidence (issue 9, item 4): every upload the reviews keep (evidence, a
decision's scan) is checked here against the signature of the kind its name claims. Signatures: PDF «%PDF-»
(anywhere in the first 1 KB, as readers accept), JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A, the old Word and
Excel files (.doc, .xls) the OLE2 compound file D0 CF 11 E0 A1 B1 1A E1; Office Open XML (.docx, .xlsx) is a
zip with «[Content_Types].xml» and its main part; OpenDocument (.odt, .ods) a zip whose «mimetype» names the kind.
Only the zip's directory and its small «mimetype» entry are read: nothing is unpacked.

And what a stored file that is gone becomes (issue 16, item 9): a message for the user, never a server error.
"""

from __future__ import annotations

import logging
import zipfile
from typing import IO, Any

logger = logging.getLogger(__name__)

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PREFIXES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "doc": (OLE2,),
    "xls": (OLE2,),
}
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}
LABELS = {
    "pdf": "PDF",
    "jpg": "ảnh JPEG",
    "jpeg": "ảnh JPEG",
    "png": "ảnh PNG",
    "doc": "Word (.doc)",
    "docx": "Word (.docx)",
    "xls": "Excel (.xls)",
    "xlsx": "Excel (.xlsx)",
    "odt": "văn bản OpenDocument (.odt)",
    "ods": "bảng tính OpenDocument (.ods)",
}


def _zip_matches(stream: IO[bytes], extension: str) -> bool:
    try:
        with zipfile.ZipFile(stream) as package:
            names = set(package.namelist())
            if extension in OOXML_MAIN_PART:
                return "[Content_Types].xml" in names and OOXML_MAIN_PART[extension] in names
            if "mimetype" not in names or package.getinfo("mimetype").file_size > 200:
                return False
            return package.read("mimetype").strip() == ODF_MIMETYPE[extension]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def matches(stream: IO[bytes], extension: str) -> bool:
    """Whether the content of `stream` is a file of the kind `extension` names (see the module's list). The
    stream is read from its start and left at its start. An extension without a known signature is refused."""
    stream.seek(0)
    head = stream.read(1024)
    stream.seek(0)
    try:
        if extension == "pdf":
            return b"%PDF-" in head
        if extension in PREFIXES:
            return head.startswith(PREFIXES[extension])
        if extension in OOXML_MAIN_PART or extension in ODF_MIMETYPE:
            return head.startswith(b"PK\x03\x04") and _zip_matches(stream, extension)
        return False
    finally:
        stream.seek(0)


def label(extension: str) -> str:
    return LABELS.get(extension, f"«.{extension}»")


# ------------------------------------------------------------------------------------------------ stored files
class Unavailable(Exception):
    """A stored file that cannot be handed out, with the reason for the user in Vietnamese (its only argument, so
    that it crosses a worker process intact). Views show it on a page with the menu (error_views.shows_unavailable)
    with `status`, never as a server error."""

    status = 409


class FileMissing(Unavailable):
    """The row is there, its file is not: a database restored without its uploads folder (docs/operations.md,
    Backup), or a file deleted by hand. 410 Gone: the page that lists it still opens; this link cannot."""

    status = 410


def missing(what: str, hint: str = "") -> FileMissing:
    """The error for `what` («Tệp minh chứng «x.pdf»»), with what the user can do (`hint`) or whom to tell."""
    then = hint or "Hãy báo cán bộ quản trị hệ thống khôi phục tệp từ bản sao lưu."
    return FileMissing(
        f"{what} không còn trên máy chủ: hồ sơ vẫn còn nhưng tệp đã mất khỏi thư mục lưu trữ (có thể do khôi phục "
        f"cơ sở dữ liệu mà thiếu thư mục tệp tải lên). {then}"
    )


def _log_missing(file: Any) -> None:
    # The row's model and id, never the file's name (it may carry a person's name: Decree 13/2023).
    instance = getattr(file, "instance", None)
    label = f"{instance._meta.label} {instance.pk}" if instance is not None else "?"
    logger.warning("stored file missing: %s (%s)", label, getattr(getattr(file, "field", None), "name", "file"))


def is_stored(file: Any) -> bool:
    """Whether the FieldFile `file` names a file its storage has."""
    return bool(file) and bool(file.name) and file.storage.exists(file.name)


def stored_path(file: Any, what: str, hint: str = "") -> str:
    """The path of the FieldFile `file` on disk, or FileMissing naming `what`."""
    if not is_stored(file):
        _log_missing(file)
        raise missing(what, hint)
    return str(file.path)


def open_stored(file: Any, what: str, hint: str = "") -> IO[bytes]:
    """The FieldFile `file` opened for reading, or FileMissing naming `what`."""
    if not file or not file.name:
        _log_missing(file)
        raise missing(what, hint)
    try:
        return file.open("rb")
    except FileNotFoundError:
        _log_missing(file)
        raise missing(what, hint) from None
