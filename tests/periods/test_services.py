import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from danhgia.periods.models import Period
from danhgia.periods.services import period_create, period_set_status
from danhgia.rules.regimes import Regime, regime_for_year


@pytest.mark.parametrize(
    ("year", "regime"),
    [
        (2018, Regime.R2018),
        (2022, Regime.R2018),
        (2023, Regime.R2023),
        (2024, Regime.R2023),
        (2025, Regime.R2025),
        (2031, Regime.R2025),
    ],
)
def test_regime_defaults_from_the_year(year, regime):
    assert regime_for_year(year) == regime


def test_annual_period_gets_the_hd43_timeline(world):
    period = period_create(unit=world.province, year=2025, actor=None)
    assert period.regime == "R2025"
    phases = {p.code: p for p in period.phases.all()}
    assert phases["decision"].deadline == dt.date(2025, 12, 31)  # HD 43 §4.1: finished before 31/12
    assert phases["synthesis"].deadline == dt.date(2026, 1, 31)  # Mẫu 04 to BTCTW before 01/02
    assert all(p.basis for p in phases.values())


def test_older_years_get_their_own_regime(world):
    assert period_create(unit=world.province, year=2019, actor=None).regime == "R2018"
    assert period_create(unit=world.province, year=2023, actor=None).regime == "R2023"


def test_quarterly_period_dates_and_deadline_before_the_15th(world):
    period = period_create(unit=world.province, year=2026, kind="quarterly", quarter=3, actor=None)
    assert (period.starts_on, period.ends_on) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert max(p.deadline for p in period.phases.all()) == dt.date(2026, 9, 14)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": 2017}, "year"),
        ({"year": 2026, "kind": "quarterly"}, "quarter"),
        ({"year": 2026, "kind": "term"}, "starts_on"),
        ({"year": 2026, "regime": "R1999"}, "regime"),
        ({"year": 2026, "kind": "ad_hoc", "starts_on": dt.date(2026, 5, 1), "ends_on": dt.date(2026, 4, 1)}, "ends_on"),
    ],
)
def test_bad_period_input_names_the_field_and_creates_nothing(world, kwargs, field):
    before = Period.objects.count()
    with pytest.raises(ValidationError) as exc:
        period_create(unit=world.province, actor=None, **kwargs)
    assert field in exc.value.message_dict
    assert Period.objects.count() == before


def test_one_annual_period_per_scope_and_year(world):
    with pytest.raises(ValidationError, match="Đã có kỳ"):
        period_create(unit=world.province, year=world.period.year, actor=None)


def test_status_transitions_are_explicit(world):
    period_set_status(period=world.period, status="open", actor=None)
    period_set_status(period=world.period, status="closed", actor=None)
    with pytest.raises(ValidationError, match="Không thể chuyển"):
        period_set_status(period=world.period, status="open", actor=None)
