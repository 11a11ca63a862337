"""The three regulations in force since 2018 and which one governs a given year."""

from enum import StrEnum


class Regime(StrEnum):
    R2018 = "R2018"  # QĐ 132-QĐ/TW 08/3/2018 + HD 16 (2018) / HD 21-HD/BTCTW 18/10/2019
    R2023 = "R2023"  # QĐ 124-QĐ/TW 04/10/2023 + HD 25-HD/BTCTW 10/11/2023
    R2025 = "R2025"  # QĐ 366-QĐ/TW 30/8/2025 + HD 43-HD/BTCTW 31/10/2025


REGIME_TITLES = {
    Regime.R2018: "Quy định 132-QĐ/TW ngày 08/3/2018 (Hướng dẫn 16, 21-HD/BTCTW)",
    Regime.R2023: "Quy định 124-QĐ/TW ngày 04/10/2023 (Hướng dẫn 25-HD/BTCTW)",
    Regime.R2025: "Quy định 366-QĐ/TW ngày 30/8/2025 (Hướng dẫn 43-HD/BTCTW)",
}

# The regulation's short name, as officers cite it.
REGIME_SHORT = {Regime.R2018: "QĐ 132-QĐ/TW", Regime.R2023: "QĐ 124-QĐ/TW", Regime.R2025: "QĐ 366-QĐ/TW"}

FIRST_YEAR = 2018
# The evaluation years each regulation governs (rules-research.md §0): each replaced the one before it for the
# year it was issued in (QĐ 124 of 04/10/2023 for 2023, QĐ 366 of 30/8/2025 for 2025). None: still in force.
YEARS: dict[Regime, tuple[int, int | None]] = {
    Regime.R2018: (FIRST_YEAR, 2022),
    Regime.R2023: (2023, 2024),
    Regime.R2025: (2025, None),
}


def covers(regime: Regime, year: int) -> bool:
    """Whether `regime` governs the evaluation year `year`."""
    first, last = YEARS[regime]
    return first <= year and (last is None or year <= last)


def years_text(regime: Regime) -> str:
    """«các năm 2018–2022», «từ năm 2025»."""
    first, last = YEARS[regime]
    return f"từ năm {first}" if last is None else f"cho các năm {first}–{last}"


def regime_for_year(year: int) -> Regime:
    """The default regime of an evaluation year (case-format.md): 2018–2022, 2023–2024, 2025 on."""
    if year < FIRST_YEAR:
        raise ValueError(f"Năm {year} trước năm 2018: chưa có quy định đánh giá, xếp loại được hỗ trợ.")
    return next(regime for regime in Regime if covers(regime, year))
