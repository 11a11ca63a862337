"""Numbers and percentages as people read them, written in one place.

Pages follow the interface language through Django's formats (`danhgia/formats/vi`: "69.190", "12,5";
Django's English: "69,190", "12.5"), as `{{ n }}` does in a template. Official documents, exports and the
services' Vietnamese messages ask for `vietnamese=True`: they are Vietnamese whatever the interface.

Never render an id, a page number or a form value through these (or through `{{ n }}` without
`|unlocalize`): "5.439" is not an id (tests/test_big_ids.py).

Values are rounded half up, as people round by hand: 12,25 → "12,3" (a float's own rounding gives 12,2).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import numberformat
from django.utils.formats import get_format

DASH = "—"
MINUS = "−"  # U+2212: a typographic minus for signed differences


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, str):
        value = value.strip().replace(",", ".")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def number(value: Any, decimals: int = 0, *, trim: bool = False, vietnamese: bool = False) -> str:
    """69190 → "69.190"; 1234.5 with `decimals=1` → "1.234,5"; with `trim`, trailing zeros go: 85.00 → "85".

    Raises TypeError or ValueError (decimal.InvalidOperation) for what is not a number: callers choose their
    placeholder ("—", "", a dotted line)."""
    try:
        quantized = _decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than a Decimal holds ("1e309"): not a number anyone can write out
        raise ValueError(f"too large to write out: {value!r}") from None
    text = format(quantized, "f")
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in {"-0", "-0." + "0" * decimals}:
        text = text[1:]
    if vietnamese:
        decimal_sep, thousand_sep, grouping = ",", ".", 3
    else:
        decimal_sep, thousand_sep = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")
        grouping = get_format("NUMBER_GROUPING")
    return str(numberformat.format(text, decimal_sep, None, grouping, thousand_sep, force_grouping=True))


def points(value: Any, *, vietnamese: bool = False) -> str:
    """Points of a self-review (quarters at most): 26.50 → "26,5"; 30 → "30"; 0.25 → "0,25"."""
    return number(value, 2, trim=True, vietnamese=vietnamese)


def percent(
    share: Any, decimals: int = 1, *, trim: bool = False, vietnamese: bool = False, spaced: bool = False
) -> str:
    """A share as a percentage: 0.1234 → "12,3%"; with `trim`, 0.2 → "20%" (a rule's threshold); `spaced`:
    "12,3 %", as the generated documents write it."""
    text = number(_decimal(share) * 100, decimals, trim=trim, vietnamese=vietnamese)
    return text + (" %" if spaced else "%")


def percent_of(part: Any, whole: Any, decimals: int = 1, *, vietnamese: bool = False, spaced: bool = False) -> str:
    """`part` as a percentage of `whole`; "—" when there is no whole."""
    whole_number = _decimal(whole)
    if not whole_number:
        return DASH
    return percent(_decimal(part) / whole_number, decimals, vietnamese=vietnamese, spaced=spaced)


def signed_points(share: Any, decimals: int = 1, *, vietnamese: bool = False) -> str:
    """A difference of two shares in percentage points: +3,2 / −1,0 / ±0,0."""
    value = _decimal(share) * 100
    text = number(abs(value), decimals, vietnamese=vietnamese)
    rounded_zero = text.strip("0,.") == ""
    sign = "±" if rounded_zero else "+" if value > 0 else MINUS
    return sign + text
