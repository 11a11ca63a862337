"""Writes about evaluation periods and their timeline."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from danhgia.audit.models import Action
from danhgia.audit.services import record, snapshot
from danhgia.lib.dates import today
from danhgia.lib.text import clean_name
from danhgia.orgs.models import Unit
from danhgia.periods import timeline
from danhgia.periods.models import Period, PeriodKind, PeriodStatus, Phase
from danhgia.rules.regimes import FIRST_YEAR, REGIME_SHORT, Regime, covers, regime_for_year, years_text

if TYPE_CHECKING:
    from danhgia.accounts.models import User

PERIOD_FIELDS = ["name", "kind", "year", "quarter", "regime", "starts_on", "ends_on", "unit", "status"]
# Allowed status changes. Reopening a closed period is not possible: a correction is a new decision.
TRANSITIONS = {
    PeriodStatus.DRAFT: {PeriodStatus.OPEN},
    PeriodStatus.OPEN: {PeriodStatus.CLOSED, PeriodStatus.DRAFT},
    PeriodStatus.CLOSED: set(),
}


def default_name(kind: str, year: int, quarter: int | None) -> str:
    if kind == PeriodKind.QUARTERLY:
        return f"Đánh giá quý {quarter}/{year}"
    return f"Kiểm điểm, đánh giá, xếp loại chất lượng năm {year}"


def _default_dates(kind: str, year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    if kind == PeriodKind.QUARTERLY and quarter:
        last_month = quarter * 3
        return dt.date(year, last_month - 2, 1), dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def year_window() -> tuple[int, int]:
    """The years a period may be created for: settings.DANHGIA_PERIOD_YEARS_BACK years before this one (10 by
    default, never before 2018) to DANHGIA_PERIOD_YEARS_AHEAD after it (1: next year's period is prepared in
    December). Outside it a year is a typing mistake (2099 for 2029, 2206 for 2026), not a period."""
    this_year = today().year
    first = max(FIRST_YEAR, this_year - settings.DANHGIA_PERIOD_YEARS_BACK)
    return first, this_year + settings.DANHGIA_PERIOD_YEARS_AHEAD


def year_problems(year: int, regime: str | None) -> dict[str, str]:
    """What is wrong with a period's year and chosen regime, by field (empty: nothing). The period form shows
    these with its own mistakes, in one pass; period_create refuses them."""
    problems: dict[str, str] = {}
    first, last = year_window()
    if year < FIRST_YEAR:
        problems["year"] = f"Năm {year} trước năm {FIRST_YEAR}: chưa có quy định đánh giá, xếp loại được hỗ trợ."
    elif not first <= year <= last:
        problems["year"] = f"Năm {year} quá xa năm nay: chỉ tạo được kỳ đánh giá từ năm {first} đến năm {last}."
    if regime:
        try:
            chosen = Regime(regime)
        except ValueError:
            problems["regime"] = f"Quy định «{regime}» không được hỗ trợ."
        else:
            if year >= FIRST_YEAR and not covers(chosen, year):
                problems["regime"] = (
                    f"{REGIME_SHORT[chosen]} áp dụng {years_text(chosen)}: không dùng cho kỳ năm {year} "
                    f"(năm {year} theo {REGIME_SHORT[regime_for_year(year)]}). Để trống «Quy định áp dụng» để "
                    "chọn theo năm."
                )
    return problems


@transaction.atomic
def period_create(
    *,
    unit: Unit,
    year: int,
    actor: User | None,
    kind: str = PeriodKind.ANNUAL,
    quarter: int | None = None,
    regime: str | None = None,
    name: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Period:
    """Create a period with its default timeline. The regime defaults from the year (case-format.md)."""
    if kind not in PeriodKind.values:
        raise ValidationError({"kind": "Loại kỳ đánh giá không hợp lệ."})
    problems = year_problems(year, regime)
    if problems:
        raise ValidationError(problems)
    resolved = Regime(regime) if regime else regime_for_year(year)
    if kind == PeriodKind.QUARTERLY and quarter not in {1, 2, 3, 4}:
        raise ValidationError({"quarter": "Kỳ hằng quý cần chọn quý từ 1 đến 4."})
    if kind != PeriodKind.QUARTERLY:
        quarter = None
    if kind in {PeriodKind.TERM, PeriodKind.AD_HOC} and (starts_on is None or ends_on is None):
        raise ValidationError({"starts_on": "Kỳ nhiệm kỳ hoặc đột xuất cần ghi rõ từ ngày, đến ngày."})
    default_start, default_end = _default_dates(kind, year, quarter)
    starts_on = starts_on or default_start
    ends_on = ends_on or default_end
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "Ngày kết thúc phải sau ngày bắt đầu."})
    if not unit.is_party:
        raise ValidationError({"unit": "Phạm vi kỳ đánh giá phải là một tổ chức đảng."})
    if (
        kind in {PeriodKind.ANNUAL, PeriodKind.QUARTERLY}
        and Period.objects.filter(unit=unit, kind=kind, year=year, quarter=quarter).exists()
    ):
        raise ValidationError({"year": f"Đã có kỳ đánh giá {PeriodKind(kind).label.lower()} này cho {unit.name}."})
    period = Period(
        name=clean_name(name) or default_name(kind, year, quarter),
        kind=kind,
        year=year,
        quarter=quarter,
        regime=resolved.value,
        starts_on=starts_on,
        ends_on=ends_on,
        unit=unit,
    )
    period.full_clean()
    period.save()
    Phase.objects.bulk_create(_default_phases(period))
    record(actor=actor, action=Action.PERIOD_CREATED, target=period, unit=unit, new=snapshot(period, PERIOD_FIELDS))
    return period


def _default_phases(period: Period) -> list[Phase]:
    regime = Regime(period.regime)
    if period.kind == PeriodKind.ANNUAL:
        return [
            Phase(
                period=period,
                position=i,
                code=t.code,
                name=t.name,
                starts_on=timeline.resolve(period.year, t.start),
                deadline=timeline.resolve(period.year, t.deadline),
                basis=t.basis,
            )
            for i, t in enumerate(timeline.annual_phases(regime), start=1)
        ]
    if period.kind == PeriodKind.QUARTERLY:
        month = (period.quarter or 1) * 3
        return [
            Phase(
                period=period,
                position=i,
                code=t.code,
                name=t.name,
                starts_on=timeline.resolve(period.year, t.start, month=month),
                deadline=timeline.resolve(period.year, t.deadline, month=month),
                basis=t.basis,
            )
            for i, t in enumerate(timeline.quarterly_phases(), start=1)
        ]
    return [
        Phase(period=period, position=i, code=code, name=name, starts_on=start, deadline=end, basis=basis)
        for i, (code, name, start, end, basis) in enumerate(
            timeline.generic_phases(period.starts_on, period.ends_on, regime), start=1
        )
    ]


@transaction.atomic
def period_set_status(*, period: Period, status: str, actor: User | None) -> Period:
    period = Period.objects.select_for_update().get(pk=period.pk)
    current = PeriodStatus(period.status)
    if status not in TRANSITIONS[current]:
        raise ValidationError(
            {"status": f"Không thể chuyển kỳ đánh giá từ «{current.label}» sang «{PeriodStatus(status).label}»."}
        )
    if current == PeriodStatus.OPEN and status == PeriodStatus.DRAFT:
        # Back in preparation the quota groups are the units' own to lay out again (accounts.access.
        # quota_change_scope): not once a meeting has proposed levels, which are ranked and capped inside them.
        from danhgia.reviews.models import Review
        from danhgia.reviews.states import DECIDABLE, LOCKED

        if Review.objects.filter(period=period, state__in=DECIDABLE | LOCKED).exists():
            raise ValidationError(
                {"status": "Kỳ đánh giá đã có bản kiểm điểm được hội nghị đề xuất hoặc đã quyết định: không chuyển "
                 "về «Đang chuẩn bị» được, vì các nhóm đối tượng tương đồng đã là khung của các quyết định."}
            )  # fmt: skip
    period.status = status
    period.save(update_fields=["status"])
    record(
        actor=actor, action=Action.PERIOD_STATUS_CHANGED, target=period, unit=period.unit,
        old={"status": current.value}, new={"status": status},
    )  # fmt: skip
    return period


@transaction.atomic
def phase_update(*, phase: Phase, starts_on: dt.date, deadline: dt.date, actor: User | None) -> Phase:
    if deadline < starts_on:
        raise ValidationError({"deadline": "Hạn hoàn thành phải sau ngày bắt đầu."})
    old = snapshot(phase, ["starts_on", "deadline"])
    phase.starts_on, phase.deadline = starts_on, deadline
    phase.save(update_fields=["starts_on", "deadline"])
    record(
        actor=actor, action=Action.PHASE_UPDATED, target=phase.period, unit=phase.period.unit,
        old={"phase": phase.code, **old}, new={"phase": phase.code, **snapshot(phase, ["starts_on", "deadline"])},
    )  # fmt: skip
    return phase
