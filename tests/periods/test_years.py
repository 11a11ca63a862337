"""A period's year and regime: a regime outside its years, or a year far from today, is refused with a word
(issue 9, item 4: a period for 2099, or for 2019 under QĐ 366, was created silently)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from danhgia.lib.dates import today
from danhgia.periods.models import Period
from danhgia.periods.services import period_create
from danhgia.rules.regimes import Regime, covers


@pytest.mark.parametrize(
    ("regime", "year", "expected"),
    [
        (Regime.R2018, 2018, True),
        (Regime.R2018, 2022, True),
        (Regime.R2018, 2023, False),
        (Regime.R2023, 2022, False),
        (Regime.R2023, 2023, True),
        (Regime.R2023, 2024, True),
        (Regime.R2023, 2025, False),
        (Regime.R2025, 2024, False),
        (Regime.R2025, 2025, True),
        (Regime.R2025, 2040, True),
    ],
)
def test_each_regime_covers_its_years(regime, year, expected):
    assert covers(regime, year) is expected


@pytest.mark.parametrize(
    ("year", "regime", "message"),
    [
        (2019, "R2025", "QĐ 366-QĐ/TW áp dụng từ năm 2025: không dùng cho kỳ năm 2019 (năm 2019 theo QĐ 132-QĐ/TW)."),
        (2026, "R2018", "QĐ 132-QĐ/TW áp dụng cho các năm 2018–2022: không dùng cho kỳ năm 2026 (năm 2026 theo"),
        (2024, "R2025", "QĐ 366-QĐ/TW áp dụng từ năm 2025: không dùng cho kỳ năm 2024 (năm 2024 theo QĐ 124-QĐ/TW)."),
    ],
)
def test_a_regime_outside_its_years_is_refused(world, year, regime, message):
    before = Period.objects.count()
    with pytest.raises(ValidationError) as exc:
        period_create(unit=world.province, year=year, regime=regime, actor=None)
    assert exc.value.message_dict["regime"][0].startswith(message)
    assert Period.objects.count() == before


def test_a_year_far_from_today_is_refused_and_the_window_is_configurable(world, settings):
    this_year = today().year
    with pytest.raises(ValidationError) as exc:
        period_create(unit=world.province, year=2099, actor=None)
    [message] = exc.value.message_dict["year"]
    assert message == (
        f"Năm 2099 quá xa năm nay: chỉ tạo được kỳ đánh giá từ năm {max(2018, this_year - 10)} đến năm {this_year + 1}."
    )
    assert period_create(unit=world.province, year=this_year + 1, actor=None).year == this_year + 1
    with pytest.raises(ValidationError, match="quá xa năm nay"):
        period_create(unit=world.province, year=this_year + 2, actor=None)
    settings.DANHGIA_PERIOD_YEARS_AHEAD = 3
    assert period_create(unit=world.province, year=this_year + 3, actor=None).year == this_year + 3
    settings.DANHGIA_PERIOD_YEARS_BACK = 1
    with pytest.raises(ValidationError, match=f"từ năm {this_year - 1} đến năm {this_year + 3}"):
        period_create(unit=world.province, year=this_year - 3, actor=None)


def test_the_period_form_shows_the_year_and_regime_mistakes_with_the_others_in_one_pass(world, client):
    client.force_login(world.users["officer"])
    before = Period.objects.count()
    data = {"kind": "ad_hoc", "year": "2019", "regime": "R2025", "starts_on": "31/12/2019", "ends_on": "01/01/2019"}
    body = client.post(reverse("periods-create"), data).content.decode()
    assert "QĐ 366-QĐ/TW áp dụng từ năm 2025: không dùng cho kỳ năm 2019" in body
    assert "Ngày kết thúc phải sau ngày bắt đầu." in body
    body = client.post(reverse("periods-create"), {"kind": "annual", "year": "2099"}).content.decode()
    assert "Năm 2099 quá xa năm nay" in body
    assert Period.objects.count() == before
