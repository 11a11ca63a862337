"""Charts drawn on the server as SVG: no script, no network, printable, readable by a screen reader (each chart
has a title and a description; the numbers are also in the table next to it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import TYPE_CHECKING

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from danhgia.lib import numbers
from danhgia.reports.common import LEVELS

if TYPE_CHECKING:
    from danhgia.periods.models import Period
    from danhgia.reports.dashboard import ChildRow, Dashboard, Levels

COLORS = {"HTXS": "#2da44e", "HTT": "#218bff", "HT": "#d4a72c", "KHT": "#cf222e", "": "#d0d7de"}
TEXT_ON = {"HTXS": "#fff", "HTT": "#fff", "HT": "#1f2328", "KHT": "#fff", "": "#1f2328"}
_ids = count(1)


number = numbers.number  # counts and shares as the page shows them (lib/numbers.py)
percent = numbers.percent


@dataclass
class Bar:
    label: str
    levels: dict[str, int]
    undecided: int = 0
    # Where the quota line falls on this bar (HTXS may reach rate × HTT), as a share of the bar; None: no line.
    cap: float | None = None
    href: str = ""
    note: str = ""  # shown after the total (e.g. "chưa xếp loại 12")
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.levels.values()) + self.undecided


def stacked_bars(
    bars: list[Bar],
    *,
    title: str,
    description: str,
    undecided_label: str,
    cap_label: str,
    width: int = 720,
    label_width: int = 210,
    bar_height: int = 22,
) -> SafeString:
    """One horizontal bar per row, 100 % wide, split by level (then the not yet rated, in grey), with the quota
    line where HTXS would reach its cap, and a legend."""
    uid = next(_ids)
    gap, top, total_width = 9, 28, 64
    plot = width - label_width - total_width
    height = top + len(bars) * (bar_height + gap) + 4
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="ct{uid} cd{uid}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Liberation Sans, Arial, sans-serif" font-size="12">',
        f'<title id="ct{uid}">{escape(title)}</title><desc id="cd{uid}">{escape(description)}</desc>',
    ]
    # Legend.
    x = label_width
    for key, text in [*((lv, lv) for lv in LEVELS), ("", undecided_label)]:
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{COLORS[key]}"/>')
        parts.append(f'<text x="{x + 16}" y="14.5">{escape(text)}</text>')
        x += 24 + 7 * len(text)
    if any(b.cap is not None for b in bars):
        parts.append(
            f'<line x1="{x}" y1="2" x2="{x}" y2="18" stroke="#1f2328" stroke-width="2" stroke-dasharray="3 2"/>'
        )
        parts.append(f'<text x="{x + 6}" y="14.5">{escape(cap_label)}</text>')
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        mid = y + bar_height / 2 + 4
        fits = max(8, label_width // 7)  # characters of about 7 px at 12 px
        label = escape(bar.label if len(bar.label) <= fits else bar.label[: fits - 1] + "…")
        text = (
            f'<text x="{label_width - 8}" y="{mid}" text-anchor="end">{label}<title>{escape(bar.label)}</title></text>'
        )
        if bar.href:
            text = f'<a href="{escape(bar.href)}">{text}</a>'
        parts.append(text)
        total = bar.total
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{plot}" height="{bar_height}" fill="#f6f8fa" stroke="#d0d7de"/>'
        )
        x0 = float(label_width)
        for key, n in [*((lv, bar.levels.get(lv, 0)) for lv in LEVELS), ("", bar.undecided)]:
            if not n or not total:
                continue
            w = plot * n / total
            name = key or undecided_label
            parts.append(
                f'<rect x="{x0:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{COLORS[key]}">'
                f"<title>{escape(name)}: {number(n)} ({percent(n / total)})</title></rect>"
            )
            if w >= 38:
                parts.append(
                    f'<text x="{x0 + w / 2:.1f}" y="{mid}" text-anchor="middle" fill="{TEXT_ON[key]}" '
                    f'font-size="11">{percent(n / total)}</text>'
                )
            x0 += w
        if bar.cap is not None and total:
            cx = label_width + plot * min(bar.cap, 1.0)
            parts.append(
                f'<line x1="{cx:.1f}" y1="{y - 3}" x2="{cx:.1f}" y2="{y + bar_height + 3}" stroke="#1f2328" '
                f'stroke-width="2" stroke-dasharray="3 2"/>'
            )
        parts.append(f'<text x="{label_width + plot + 6}" y="{mid}">{number(total)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def _bar(label: str, levels: Levels, rate: float, href: str = "") -> Bar:
    total = levels.reviewed
    return Bar(
        label=label,
        levels=dict(levels.counts),
        undecided=levels.undecided,
        cap=rate * levels.counts["HTT"] / total if total and levels.counts["HTT"] else None,
        href=href,
    )


def period_label(period: Period) -> str:
    """A short name for a period in a chart: "Năm 2026", "Quý 3/2026", else its name."""
    if period.kind == "annual":
        return _("Năm %(year)s") % {"year": period.year}
    if period.kind == "quarterly":
        return _("Quý %(quarter)s/%(year)s") % {"quarter": period.quarter, "year": period.year}
    return period.name


def _chart(bars: list[Bar], title: str, description: str, width: int, label_width: int) -> SafeString:
    return stacked_bars(
        bars,
        title=title,
        description=description,
        undecided_label=_("Chưa xếp loại"),
        cap_label=_("Trần HTXS"),
        width=width,
        label_width=label_width,
    )


def history_chart(d: Dashboard, section: str, title: str) -> SafeString | None:
    """One bar per period (oldest first): how the levels of a kind of subject moved over the years."""
    bars = [_bar(period_label(p), sections[section], d.rate) for p, sections in d.history if sections[section].reviewed]
    if not bars:
        return None
    description = _("Tỷ lệ các mức xếp loại theo từng kỳ; vạch đứt là mức trần HTXS (tỷ lệ tối đa × số HTT).")
    return _chart(bars, title, description, width=540, label_width=80)


def children_chart(d: Dashboard, section: str, title: str, href: Callable[[ChildRow], str]) -> SafeString | None:
    """One bar per unit directly below (with members, or organizations, reviewed in this period)."""
    bars = [
        _bar(c.unit.name + (" " + _("(trực tiếp)") if c.direct else ""), c.sections[section], d.rate, href(c))
        for c in d.children
        if c.sections[section].reviewed
    ]
    if not bars:
        return None
    description = _("Tỷ lệ các mức xếp loại của từng đơn vị trực thuộc trong kỳ; bấm tên đơn vị để xem chi tiết.")
    return _chart(bars, title, description, width=1040, label_width=280)
