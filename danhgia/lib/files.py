"""What an uploaded file is, read from its content rather than its name.

A text file renamed «.pdf» was kept as evidence (issue 9, item 4): every upload the reviews keep (evidence, a
decision's scan) is checked here against the signature of the kind its name claims. Signatures: PDF «%PDF-»
(anywhere in the first 1 KB, as readers accept), JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A, the old Word and
Excel files (.doc, .xls) the OLE2 compound file D0 CF 11 E0 A1 B1 1A E1; Office Open XML (.docx, .xlsx) is a
zip with «[Content_Types].xml» and its main part; OpenDocument (.odt, .ods) a zip whose «mimetype» names the kind.
Only the zip's directory and its small «mimetype» entry are read: nothing is unpacked.
"""

from __future__ import annotations

import zipfile
from typing import IO

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
