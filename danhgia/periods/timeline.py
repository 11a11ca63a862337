"""Default timelines: the phases of a period and their deadlines, from the regulations' calendars.

An officer adjusts the dates per period; these are only the starting point. Each phase names its
legal basis. Dates are (month, day) offsets within the period's year; the review runs at the end of
the year (HD 43 §4.1: finished before 31/12) and the synthesis goes up in the following January.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from danhgia.rules.regimes import Regime


@dataclass(frozen=True)
class PhaseTemplate:
    code: str
    name: str
    start: tuple[int, int, int]  # (year offset, month, day)
    deadline: tuple[int, int, int]
    basis: str


_BASIS = {
    Regime.R2018: ("QĐ 132-QĐ/TW", "HD 21-HD/BTCTW"),
    Regime.R2023: ("QĐ 124-QĐ/TW", "HD 25-HD/BTCTW"),
    Regime.R2025: ("QĐ 366-QĐ/TW", "HD 43-HD/BTCTW"),
}


def annual_phases(regime: Regime) -> list[PhaseTemplate]:
    rule, guide = _BASIS[regime]
    steps_article = "Điều 12" if regime == Regime.R2025 else "Điều 11"
    deadline_basis = f"{guide} mục 4.1" if regime == Regime.R2025 else f"{guide}"
    return [
        PhaseTemplate("plan", "Hướng dẫn, kế hoạch kiểm điểm", (0, 11, 1), (0, 11, 25), f"{guide} mục 1"),
        PhaseTemplate("self_review", "Tự kiểm điểm, tự đánh giá (Mẫu 01, 02A, 02B, 02C)", (0, 11, 26), (0, 12, 10),
                      f"{rule} {steps_article} khoản 1"),
        PhaseTemplate("opinions", "Lấy ý kiến nhận xét, đánh giá (cấp ủy nơi cư trú, MTTQ, tập thể)", (0, 11, 26),
                      (0, 12, 12), f"{rule} Điều 7; QĐ 213-QĐ/TW"),
        PhaseTemplate("meeting", "Họp kiểm điểm, đề xuất xếp loại", (0, 12, 8), (0, 12, 20), f"{rule} Điều 7"),
        PhaseTemplate("appraisal", "Thẩm định, đề xuất của cơ quan tham mưu", (0, 12, 15), (0, 12, 24),
                      f"{rule} {steps_article} khoản 1"),
        PhaseTemplate("decision", "Quyết định xếp loại chất lượng", (0, 12, 20), (0, 12, 31),
                      f"{rule} Điều 13; {deadline_basis}"),
        PhaseTemplate("notification", "Thông báo kết quả, giải quyết khiếu nại", (1, 1, 1), (1, 1, 15),
                      f"{rule} Điều 15"),
        PhaseTemplate("synthesis", "Tổng hợp, báo cáo kết quả lên cấp trên (Mẫu 04)", (1, 1, 2), (1, 1, 31),
                      f"{guide} mục 4.2"),
    ]  # fmt: skip


def quarterly_phases() -> list[PhaseTemplate]:
    # KL 198-KL/TW: report before the 15th of the last month of the quarter. Offsets are from that month.
    return [
        PhaseTemplate("self_review", "Tự đánh giá quý (Mẫu 05)", (0, 0, 1), (0, 0, 5), "QĐ 366-QĐ/TW Điều 15; HD 43"),
        PhaseTemplate("appraisal", "Thẩm định, đề xuất mức hoàn thành", (0, 0, 6), (0, 0, 10), "KL 198-KL/TW"),
        PhaseTemplate("decision", "Đánh giá, báo cáo cấp có thẩm quyền", (0, 0, 11), (0, 0, 14), "KL 198-KL/TW"),
    ]


def generic_phases(
    starts_on: dt.date, ends_on: dt.date, regime: Regime
) -> list[tuple[str, str, dt.date, dt.date, str]]:
    """For term and ad hoc periods: the four steps of the review spread over the period."""
    rule, _guide = _BASIS[regime]
    span = (ends_on - starts_on).days
    marks = [starts_on + dt.timedelta(days=round(span * f)) for f in (0, 0.4, 0.6, 0.8, 1.0)]
    names = [
        ("self_review", "Tự kiểm điểm, tự đánh giá"),
        ("meeting", "Họp kiểm điểm, đề xuất xếp loại"),
        ("appraisal", "Thẩm định, đề xuất"),
        ("decision", "Quyết định xếp loại chất lượng"),
    ]
    return [(code, name, marks[i], max(marks[i], marks[i + 1]), f"{rule}") for i, (code, name) in enumerate(names)]


def resolve(year: int, offset: tuple[int, int, int], *, month: int | None = None) -> dt.date:
    y, m, d = offset
    return dt.date(year + y, month if m == 0 and month else m, d)
