"""The letterhead of every official paper DanhGia writes: the documents (forms, minutes, notices) and the reports
(synthesis, quota and screening tables, in Excel and PDF). One module, so that a document and a report issued by
the same body name it, number it, date it and sign it the same way.

The Party's document format (Hướng dẫn 36-HD/VPTW of 03/4/2018 on Quy định 66-QĐ/TW; the State's Nghị định
30/2020/NĐ-CP, Phụ lục I, writes dates the same way):

- top left, the body above in regular capitals (its organization: "ĐẢNG BỘ TỈNH HÒA BÌNH"), the issuer in bold
  capitals — a party organization issues as its committee ("HUYỆN ỦY TÂN LẠC", "ĐẢNG ỦY XÃ HÒA BÌNH"), a cell as
  itself — an asterisk, and the number-and-symbol line "Số      -TB/HU": the number left for the office to write,
  then the kind of paper (TB: thông báo, BB: biên bản) and the issuer's symbol;
- top right, "ĐẢNG CỘNG SẢN VIỆT NAM", and under it the place-and-date line "Hòa Bình, ngày 05 tháng 3 năm 2027":
  a leading zero for days under 10 and for the months 1 and 2 only;
- at the end, the signature: "T/M <collective>", the signer's title, room to sign and seal, the signer's name —
  who held the post on the paper's date, not who holds it today.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from danhgia.orgs.models import CELL_KINDS, PARTY_KINDS, Unit, UnitKind, path_ids
from danhgia.people.models import Post, PostRole

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
BLANK = "…"  # an unknown value in a sentence ("ngày … tháng … năm …")
NBSP = "\u00a0"
KEEP_AT_MOST = 24  # letters kept unbreakable: longer would overflow the 7 cm of the header's column

_PLACE = re.compile(r"^.*?\b(thị xã|thị trấn|thành phố|đặc khu|phường|xã|huyện|quận|tỉnh)\s+", re.IGNORECASE)
# The place with its kind ("thị trấn Quy Chiềng") at the end of a name, to keep on one line.
_PLACE_TAIL = re.compile(r"\b(thị xã|thị trấn|thành phố|đặc khu|phường|xã|huyện|quận|tỉnh)(\s+\S+)+$", re.IGNORECASE)
_COMMITTEE = [
    (re.compile(r"^Đảng bộ tỉnh\s+", re.IGNORECASE), "Tỉnh ủy "),
    (re.compile(r"^Đảng bộ thành phố\s+", re.IGNORECASE), "Thành ủy "),
    (re.compile(r"^Đảng bộ (huyện|quận)\s+", re.IGNORECASE), None),
    (re.compile(r"^Đảng bộ thị xã\s+", re.IGNORECASE), "Thị ủy "),
    (re.compile(r"^Đảng bộ\s+", re.IGNORECASE), "Đảng ủy "),
]
# The issuer's symbol after the slash of the number (HD 36-HD/VPTW, Phụ lục: chữ viết tắt tên cơ quan ban hành),
# by the committee's name as issuer_name writes it; the first prefix that matches wins.
_SYMBOLS = (
    ("Tỉnh ủy ", "TU"),
    ("Thành ủy ", "TU"),
    ("Thị ủy ", "TU"),
    ("Huyện ủy ", "HU"),
    ("Quận ủy ", "QU"),
    ("Đảng ủy Khối ", "ĐUK"),
    ("Đảng ủy ", "ĐU"),
)


# ------------------------------------------------------------------------------------------------ text
def nfc(text: Any) -> str:
    return unicodedata.normalize("NFC", str(text)).strip()


def upper(text: str) -> str:
    return nfc(text).upper()


def keep_place(text: str) -> str:
    """No-break spaces inside the place at the end of a name, so that a narrow header wraps before the place and
    never inside it: "ĐẢNG ỦY THỊ TRẤN QUY CHIỀNG" wraps as "ĐẢNG ỦY / THỊ TRẤN QUY CHIỀNG", not "… QUY / CHIỀNG"."""
    match = _PLACE_TAIL.search(text)
    if match is None:
        return text
    tail = match.group(0)
    if len(tail) > KEEP_AT_MOST:  # "xã Hòa Bình huyện Lạc Sơn": only the name proper, or nothing
        tail = tail[len(match.group(1)) :].strip()
        if len(tail) > KEEP_AT_MOST:
            return text
    return text[: len(text) - len(tail)] + re.sub(r"\s+", NBSP, tail)


# ------------------------------------------------------------------------------------------------ the date line
def date_parts(value: dt.date | None) -> dict[str, str]:
    """The date line's day, month and year ("05", "3", "2027"); "…" each when the date is not known yet."""
    if value is None:
        return {"ngay": BLANK, "thang": BLANK, "nam": BLANK}
    return {
        "ngay": f"{value.day:02d}",
        "thang": f"{value.month:02d}" if value.month <= 2 else str(value.month),
        "nam": str(value.year),
    }


def date_line(place: str, value: dt.date | None) -> str:
    """ "Hòa Bình, ngày 05 tháng 3 năm 2027": the one place-and-date line of documents and reports."""
    parts = date_parts(value)
    return f"{place}, ngày {parts['ngay']} tháng {parts['thang']} năm {parts['nam']}"


# ------------------------------------------------------------------------------------------------ the issuer
def place_name(unit: Unit | None) -> str:
    """The place of the date line: "Đảng bộ xã Hòa Bình" → "Hòa Bình"."""
    if unit is None:
        return BLANK
    match = _PLACE.match(nfc(unit.name))
    return nfc(unit.name)[match.end() :] if match else BLANK


def issuer_name(unit: Unit) -> str:
    """A party organization issues its papers as its committee: "Đảng bộ xã X" → "Đảng ủy xã X",
    "Đảng bộ tỉnh X" → "Tỉnh ủy X", "Đảng bộ huyện X" → "Huyện ủy X"; cells and other bodies as named."""
    name = nfc(unit.name)
    if unit.kind not in PARTY_KINDS or unit.kind in CELL_KINDS:
        return name
    for pattern, replacement in _COMMITTEE:
        match = pattern.match(name)
        if match:
            if replacement is None:
                replacement = f"{match.group(1).capitalize()} ủy "
            return replacement + name[match.end() :]
    return name


def symbol(unit: Unit) -> str:
    """The issuer's symbol in a number: "HU" for a district committee (huyện ủy), "ĐU" for a commune's, "CB" for a
    cell, "TU" for the province's. A body outside the Party has none here (the State's rules give it its own)."""
    if unit.kind in CELL_KINDS:
        return "CB"
    if unit.kind == UnitKind.PROVINCE_COMMITTEE:
        return "TU"
    name = issuer_name(unit)
    for prefix, found in _SYMBOLS:
        if name.lower().startswith(prefix.lower()):
            return found
    return "ĐU"


def number_line(unit: Unit, kind: str) -> str:
    """ "      -TB/HU": the number left blank for the office to write, the kind of paper, the issuer's symbol."""
    return f"{' ' * 6}-{kind}/{symbol(unit)}"


def signer_titles(unit: Unit, head: Post | None) -> tuple[str, str]:
    """The "T/M …" line and the signer's title of a paper issued by `unit` and signed by `head`."""
    if unit.kind in CELL_KINDS:
        return "T/M CHI BỘ", "BÍ THƯ"
    if unit.kind in {UnitKind.PROVINCE_COMMITTEE, UnitKind.DISTRICT_COMMITTEE, UnitKind.BLOC_COMMITTEE}:
        return "T/M BAN THƯỜNG VỤ", "BÍ THƯ"
    if unit.kind in PARTY_KINDS:
        return "T/M ĐẢNG ỦY", "BÍ THƯ"
    return "T/M TẬP THỂ LÃNH ĐẠO", upper(head.title) if head is not None else "THỦ TRƯỞNG"


def sealed(unit: Unit) -> bool:
    """A cell has no seal; a committee or a body signs and seals."""
    return unit.kind not in CELL_KINDS


# ------------------------------------------------------------------------------------------------ who held the post
def _holds(post: Post, on: dt.date | None) -> bool:
    if on is None:
        return post.ends_on is None
    return post.starts_on <= on and (post.ends_on is None or post.ends_on > on)


class Units:
    """The units above a set of places (for the header and the place name), and the heads and deputies of those
    units over time: the signer of a paper is who held the post on the paper's date."""

    def __init__(self, units: Iterable[Unit]) -> None:
        units = list(units)
        ids = {i for unit in units for i in path_ids(unit.path)}
        self.by_id: dict[int, Unit] = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
        self.by_id.update({u.pk: u for u in units})
        self._posts: dict[tuple[int, str], list[Post]] = defaultdict(list)  # newest first
        for post in (
            Post.objects.filter(unit_id__in=ids, role__in=[PostRole.HEAD, PostRole.DEPUTY])
            .select_related("person")
            .order_by("-starts_on", "-pk")
        ):
            self._posts[(post.unit_id, post.role)].append(post)

    def parent(self, unit: Unit) -> Unit | None:
        return self.by_id.get(unit.parent_id) if unit.parent_id else None

    def head(self, unit: Unit, on: dt.date | None = None) -> Post | None:
        """Who headed `unit` on `on` (today's head when `on` is None)."""
        return next((p for p in self._posts.get((unit.pk, PostRole.HEAD), []) if _holds(p, on)), None)

    def deputy(self, unit: Unit, on: dt.date | None = None) -> Post | None:
        """The longest-serving deputy of `unit` on `on`: signs where the head may not."""
        serving = [p for p in self._posts.get((unit.pk, PostRole.DEPUTY), []) if _holds(p, on)]
        return serving[-1] if serving else None

    def head_name(self, unit: Unit, on: dt.date | None = None) -> str:
        head = self.head(unit, on)
        return nfc(head.person) if head is not None else ""

    def place(self, unit: Unit) -> str:
        """The nearest unit at or above `unit` tied to a locality gives the place name."""
        for unit_id in reversed(path_ids(unit.path)):
            candidate = self.by_id.get(unit_id)
            if candidate is not None and candidate.locality:
                return place_name(candidate)
        return place_name(self.by_id.get(path_ids(unit.path)[0]))

    def lines(self, unit: Unit, *, as_issuer: bool = True) -> list[str]:
        """The left header's lines in capitals: the organization above (if any), then the issuer."""
        parent = self.parent(unit)
        own = upper(issuer_name(unit) if as_issuer else unit.name)
        return [upper(parent.name), own] if parent is not None else [own]

    def header(self, unit: Unit, *, as_issuer: bool) -> dict[str, str]:
        """The header's fields of a document (catalogue.FIELDS), places kept on one line."""
        parent = self.parent(unit)
        return {
            "cap_tren": keep_place(upper(parent.name)) if parent is not None else "",
            "co_quan": keep_place(upper(issuer_name(unit) if as_issuer else unit.name)),
            "dia_danh": self.place(unit),
        }


# ------------------------------------------------------------------------------------------------ for the reports
@dataclass
class Letterhead:
    """The header of a paper issued by a unit: the left lines, and the place-and-date line."""

    left: list[str]
    date: str

    @classmethod
    def of(cls, unit: Unit, day: dt.date, units: Units | None = None) -> Letterhead:
        units = units or Units([unit])
        return cls(units.lines(unit), date_line(units.place(unit), day))


@dataclass
class Signature:
    """Who signs a paper issued by `unit` on a day: on whose behalf, the title, with a seal or not, the name (empty
    when the post was vacant: written by hand)."""

    on_behalf: str
    title: str
    sealed: bool
    name: str

    @classmethod
    def of(cls, unit: Unit, day: dt.date, units: Units | None = None) -> Signature:
        units = units or Units([unit])
        head = units.head(unit, day)
        on_behalf, title = signer_titles(unit, head)
        return cls(on_behalf, title, sealed(unit), nfc(head.person) if head is not None else "")

    @property
    def hint(self) -> str:
        return "(Ký, ghi rõ họ tên, đóng dấu)" if self.sealed else "(Ký, ghi rõ họ tên)"
