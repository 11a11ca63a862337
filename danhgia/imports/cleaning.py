"""Cell values as the import needs them: clean text, matching keys, dates, choices.

Offices' files mix every way of typing Vietnamese: decomposed accents pasted from Word, non-breaking spaces,
the old and the new tone placement («Hoà» and «Hòa» in the same column), dates typed as text, as Excel dates
or as bare serial numbers. Each function here accepts what a careful person would read the same way, and
refuses the rest with a `CellError` whose message says, in Vietnamese, what was expected; it never guesses
(a US date, a two-digit year, a year alone).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING

from danhgia.lib.dates import FIRST_YEAR, LAST_YEAR
from danhgia.lib.text import clean_name

if TYPE_CHECKING:
    from django.db import models


class CellError(Exception):
    """One cell that cannot be used: `field` is the column (its field name or its header), `value` what was
    read, `message` the Vietnamese explanation shown to the officer next to the row number."""

    def __init__(self, field: str, value: object, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.value = value
        self.message = message


# Characters Word and web pages leave in pasted text that are neither visible nor whitespace to str.split().
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def clean_text(value: object) -> str:
    """The text of a cell: NFC, trimmed, every run of whitespace (NBSP, tabs, line breaks) one space.

    None is "". A number Excel stored as a float but that is whole (a 12-digit ID comes back as 1.23e11) is
    written without ".0". A text that looks like a formula (see `looks_like_formula`) is kept as it is: the
    import never evaluates anything and never drops the leading sign, because «- Đã chuyển sinh hoạt» is data.
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_name(str(value).translate(_INVISIBLE))


_FORMULA_START = re.compile(r"[=+\-@\t\r].", re.DOTALL)
_SIGNED_NUMBER = re.compile(r"[+-][\d\s.,]+")


def looks_like_formula(value: object) -> bool:
    """Whether a text would be run as a formula if written back unescaped into a spreadsheet or a CSV opened in
    Excel (CSV injection): it starts with = + - @, a tab or a CR (OWASP's list) and is not just a signed number
    ("-5", "+84 912 345 678"; "-2+3+cmd|…" is not a number). The import keeps such text as plain data; every
    export writing imported text must neutralise it (a leading apostrophe, or XlsxWriter's write_string), never
    the import."""
    return (
        isinstance(value, str) and _FORMULA_START.match(value) is not None and _SIGNED_NUMBER.fullmatch(value) is None
    )


# Tone marks (huyền, sắc, ngã, hỏi, nặng) as combining characters; the other marks (breve, circumflex, horn)
# make letters of their own and never move.
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
# The vowel pairs whose tone is placed in two ways: o+a, o+e, u+y. The old placement (kiểu cũ, still the usual
# one in administrative texts and the default of Vietnamese keyboards) puts the tone on the first vowel of a
# syllable ending with the pair: hòa, khỏe, thủy, ủy; the new one (kiểu mới) on the second: hoà, khoẻ, thuỷ,
# uỷ. When a letter follows the pair both put it on the second vowel: hoàn, khoẻn, huỳnh, thuyền.
_PAIRS = {("o", "a"), ("o", "e"), ("u", "y")}


def _retone(text: str) -> str:
    """Moves the tone of the o+a, o+e, u+y pairs to one place (the old placement, see `_PAIRS`)."""
    # Each letter as [base, letter marks, tone]; other characters have neither marks nor tone.
    letters: list[list[str]] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and letters:
            if ch in _TONES and not letters[-1][2]:
                letters[-1][2] = ch
            else:
                letters[-1][1] += ch
        else:
            letters.append([ch, "", ""])
    for i in range(len(letters) - 1):
        first, second = letters[i], letters[i + 1]
        if first[1] or second[1] or (first[0], second[0]) not in _PAIRS:
            continue
        # In "qu" the u is part of the consonant: quý, quỳnh have a single vowel and nothing to move.
        if first[0] == "u" and i > 0 and letters[i - 1][0] == "q":
            continue
        tone = first[2] or second[2]
        if not tone or (first[2] and second[2]):
            continue
        ends_syllable = i + 2 == len(letters) or not letters[i + 2][0].isalpha()
        first[2], second[2] = (tone, "") if ends_syllable else ("", tone)
    return unicodedata.normalize("NFC", "".join(base + marks + tone for base, marks, tone in letters))


def match_key(value: object) -> str:
    """A key under which two spellings of one name or code are equal: "Hoà" and "hòa", "Khoẻ" and "khỏe",
    "Thuỷ"/"Thủy", "Uỷ ban"/"Ủy ban", decomposed or precomposed, any case, any spacing.

    The tone of o+a, o+e, u+y is moved to the old placement (hòa, khỏe, thủy: see `_PAIRS`), so keys read as
    the usual administrative spelling. Diacritics otherwise stay: đ is not d, and "Hoà" is not "Hoa" (for a
    search that ignores them, see `danhgia.lib.text.fold`).
    """
    return _retone(clean_text(value).casefold())


def _shown(value: object) -> str:
    text = clean_text(value)
    return text if len(text) <= 40 else text[:39] + "…"


# Excel's 1900 date system: serial 1 is 01/01/1900, and Excel counts a 29/02/1900 that never was (serial 60,
# kept from Lotus 1-2-3), so from serial 61 on the day is serial − 2 days after 31/12/1899 + 1.
_EXCEL_EPOCH = dt.date(1899, 12, 31)
_FAKE_LEAP_DAY = 60
_MAX_SERIAL = 2958465  # 31/12/9999
_YEARS = range(FIRST_YEAR, LAST_YEAR + 1)  # the years a person can mean (lib/dates.py): a wider year is a typo
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_TWO_DIGIT_YEAR = re.compile(r"\d{1,2}([/.-])\d{1,2}\1\d{2}")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_EXPECTED = "dd/mm/yyyy"


def _checked_year(day: dt.date, *, field: str, value: object) -> dt.date:
    if day.year not in _YEARS:
        raise CellError(field, value, f'"{_shown(value)}": năm {day.year} nằm ngoài khoảng 1900–2100')
    return day


def _from_serial(serial: int | float, *, field: str) -> dt.date:
    whole = int(serial)
    if whole == _FAKE_LEAP_DAY:
        raise CellError(
            field,
            serial,
            f"số {whole} là ngày 29/02/1900, một ngày không có thật (lỗi lịch của Excel): hãy nhập ngày ({_EXPECTED})",
        )
    if whole in _YEARS:
        # A number such as 1985 is a year typed alone: as a serial it would be a day of 1905, silently wrong.
        raise CellError(field, serial, f'"{whole}" chỉ có năm, cần ngày đầy đủ ({_EXPECTED})')
    if not 1 <= whole <= _MAX_SERIAL:
        raise CellError(field, serial, f'"{_shown(serial)}" không phải là ngày ({_EXPECTED})')
    day = _EXCEL_EPOCH + dt.timedelta(days=whole if whole < _FAKE_LEAP_DAY else whole - 1)
    return _checked_year(day, field=field, value=serial)


def parse_date(value: object, *, field: str) -> dt.date | None:
    """A date from what a cell holds, day first always; None for an empty cell.

    Accepted: a date or datetime (openpyxl gives these for date-formatted cells; the time is dropped), an Excel
    serial number (1900 date system; 60, Excel's 29/02/1900, is refused, and so is a number that is a year
    alone), text dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, or ISO yyyy-mm-dd. Day and month are never
    swapped to make a date valid: "12/31/2020" is refused, not read as 31 December. Years outside 1900–2100 are
    refused as typos.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _checked_year(value.date(), field=field, value=value)
    if isinstance(value, dt.date):
        return _checked_year(value, field=field, value=value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value != value or value < 0:  # NaN or negative
            raise CellError(field, value, f'"{_shown(value)}" không phải là ngày ({_EXPECTED})')
        return _from_serial(value, field=field)
    text = clean_text(value) if isinstance(value, str) else ""
    if isinstance(value, str) and not text:
        return None
    day_first = _DAY_FIRST.fullmatch(text)
    iso = _ISO.fullmatch(text)
    try:
        if day_first:
            day, month, year = int(day_first[1]), int(day_first[3]), int(day_first[4])
        elif iso:
            year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
        else:
            raise ValueError(text)
        parsed = dt.date(year, month, day)
    except ValueError:
        if _TWO_DIGIT_YEAR.fullmatch(text):
            raise CellError(field, value, f'"{_shown(value)}": năm cần đủ bốn chữ số ({_EXPECTED})') from None
        raise CellError(field, value, f'"{_shown(value)}" không phải là ngày ({_EXPECTED})') from None
    return _checked_year(parsed, field=field, value=value)


def parse_choice(value: object, choices: type[models.Choices], *, field: str) -> str | None:
    """The value of a Django choice from its value ("chi_bo") or its label ("Chi bộ trực thuộc"), compared by
    `match_key` (so "chi bộ  trực thuộc" and "Chi Bộ Trực Thuộc" work). An empty cell is None, for the caller
    to default or refuse; a choice whose value is empty is given by its label ("Không theo địa bàn" → "")."""
    key = match_key(value)
    if not key:
        return None
    for choice_value, label in choices.choices:
        if key in (match_key(choice_value), match_key(label)):
            return str(choice_value)
    labels = [f'"{label}"' for choice_value, label in choices.choices if choice_value != ""]
    listed = ", ".join(labels[:5]) + (", …" if len(labels) > 5 else "")
    raise CellError(field, value, f'"{_shown(value)}" không có trong danh sách; dùng một trong: {listed}')


def parse_year(value: object, *, field: str, example: int) -> int:
    """A year from a cell: 2024, «2024», Excel's 2024.0; four digits or CellError."""
    text = clean_text(value).removesuffix(".0")
    if not text.isdigit() or len(text) != 4:
        raise CellError(field, value, f"Năm ghi bốn chữ số, ví dụ {example}")
    return int(text)


_TRUE = frozenset({"có", "c", "x", "đúng", "phải", "1", "true", "yes"})
_FALSE = frozenset({"không", "k", "sai", "0", "false", "no"})


def parse_bool(value: object, *, field: str) -> bool | None:
    """Yes or no from a cell: Excel's TRUE/FALSE, 1/0, «Có»/«Không», «x» (a ticked column); None when empty."""
    if isinstance(value, bool):
        return value
    key = match_key(value)
    if not key:
        return None
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(field, value, f'"{_shown(value)}" không phải là "Có" hay "Không"')
