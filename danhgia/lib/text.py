"""Vietnamese text: accent-insensitive search and the Vietnamese sort order.

Both are computed in Python and stored in indexed columns, so that SQLite and PostgreSQL search and
sort identically and no database collation (ICU or not) is needed. Sort keys are strings of ASCII
digits only: every collation orders digit strings the same way, byte by byte.
"""

import re
import unicodedata

# The Vietnamese alphabet, with the foreign letters f j w z at their Latin places. Ă, Â, Đ, Ê, Ô, Ơ, Ư are
# letters of their own (Đ after every D, Ư after every U), not accented variants.
_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
_LETTER_CODE = {letter: f"{10 + i:02d}" for i, letter in enumerate(_ALPHABET)}
# Marks that make a new letter (breve, circumflex, horn).
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Tone marks, in the dictionary order of tones: ngang, huyền, hỏi, ngã, sắc, nặng.
_TONE_RANK = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
_SPACE = "01"
_DIGITS = "03"
_SEPARATOR = "00"


def fold(text: str) -> str:
    """Lower case, no diacritics, đ→d, single spaces: "  Đặng Thị  Ánh " → "dang thi anh"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.lower().split())


def search_text(*parts: str) -> str:
    """The stored search column: folded words with a leading space, so that " word" matches word starts."""
    return " " + fold(" ".join(p for p in parts if p))


def search_tokens(query: str) -> list[str]:
    """The words of a search query, folded; each must match the start of a word of the name.

    Control and format characters are dropped: a NUL in a query is refused by PostgreSQL as a server error, and
    no name holds one (clean_name)."""
    printable = "".join(ch for ch in query if not unicodedata.category(ch).startswith("C") or ch.isspace())
    return [" " + token for token in fold(printable).split()][:8]


def _letters(text: str) -> list[tuple[str, str]]:
    """(letter, tone) pairs of a text; spaces and punctuation become a single (" ", "")."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    result: list[tuple[str, str]] = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            if not result:
                continue
            base, tone = result[-1]
            if ch in _LETTER_MARKS:
                result[-1] = (unicodedata.normalize("NFC", base + ch), tone)
            elif ch in _TONE_RANK:
                result[-1] = (base, _TONE_RANK[ch])
            continue
        if ch.isalnum():
            result.append((ch, "0"))
        elif result and result[-1][0] != " ":
            result.append((" ", ""))
    if result and result[-1][0] == " ":
        result.pop()
    return result


def _primary(pairs: list[tuple[str, str]]) -> str:
    out: list[str] = []
    digits: list[str] = []

    def flush_digits() -> None:
        if digits:
            # Natural order for numbers: "Thôn 2" before "Thôn 10" (length first, then the digits).
            run = "".join(digits).lstrip("0") or "0"
            out.append(f"{_DIGITS}{len(run):02d}{run}")
            digits.clear()

    for letter, _tone in pairs:
        if letter.isdigit():
            digits.append(letter)
            continue
        flush_digits()
        if letter == " ":
            out.append(_SPACE)
        else:
            # Letters outside the alphabet (rare foreign characters) sort after z.
            out.append(_LETTER_CODE.get(letter, "99"))
    flush_digits()
    return "".join(out)


def sort_key(*parts: str) -> str:
    """Digits-only key giving the Vietnamese order of the parts, in the order given.

    Letters compare first (a < ă < â < b … < đ …), tones only break ties (a < à < ả < ã < á < ạ).
    For a person, call sort_key(given_name, family_name, middle_name).
    """
    pairs = [_letters(p) for p in parts]
    primary = _SEPARATOR.join(_primary(p) for p in pairs)
    tones = "".join(tone for p in pairs for letter, tone in p if letter != " " and not letter.isdigit())
    return f"{primary}{_SEPARATOR}{tones}"[:250]


_NAME_SPACES = re.compile(r"\s+")


def clean_name(text: str) -> str:
    """Trim and collapse spaces, NFC-normalise (Word and Excel paste decomposed accents)."""
    return _NAME_SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def too_long(text: str, limit: int) -> str | None:
    """«tối đa 4.000 ký tự; đã nhập 4.512» when `text` has more than `limit` characters, else None.

    A text over its limit is refused with this, never cut: the page said «Đã lưu» over a cut text before."""
    from danhgia.lib.numbers import number

    if len(text) <= limit:
        return None
    return f"tối đa {number(limit, vietnamese=True)} ký tự; đã nhập {number(len(text), vietnamese=True)}"
