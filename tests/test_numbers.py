"""Numbers and percentages are written in one place (danhgia/lib/numbers.py)."""

from decimal import Decimal

import pytest
from django.utils import translation

from danhgia.lib import numbers


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (69190, {}, "69.190"),
        (5439, {}, "5.439"),
        (999, {}, "999"),
        (0, {}, "0"),
        (-1234, {}, "-1.234"),
        (1234567, {}, "1.234.567"),
        (72.5, {"decimals": 2, "trim": True}, "72,5"),
        (Decimal("85.00"), {"decimals": 2, "trim": True}, "85"),
        ("4.50", {"decimals": 2, "trim": True}, "4,5"),
        (12.25, {"decimals": 1}, "12,3"),  # half up, as people round, not the float's 12.2
        (1234.5, {"decimals": 1}, "1.234,5"),
        (0.1, {"decimals": 1}, "0,1"),
    ],
)
def test_number_in_vietnamese(value, kwargs, expected):
    with translation.override("vi"):
        assert numbers.number(value, **kwargs) == expected


def test_number_follows_the_interface_language_unless_vietnamese_is_asked_for():
    with translation.override("en"):
        assert numbers.number(69190) == "69,190"
        assert numbers.number(72.5, decimals=1) == "72.5"
        assert numbers.percent(0.125) == "12.5%"
        # Official documents, exports and the services' messages are Vietnamese whatever the interface.
        assert numbers.number(69190, vietnamese=True) == "69.190"
        assert numbers.percent(0.125, vietnamese=True) == "12,5%"


def test_percent_and_share():
    with translation.override("vi"):
        assert numbers.percent(0.1234) == "12,3%"
        assert numbers.percent(0.2) == "20,0%"
        assert numbers.percent(0.2, trim=True) == "20%"
        assert numbers.percent(Decimal("0.125"), decimals=2, trim=True) == "12,5%"
        assert numbers.percent_of(1, 8) == "12,5%"
        assert numbers.percent_of(3, 0) == "—"
        assert numbers.signed_points(0.032) == "+3,2"
        assert numbers.signed_points(-0.01) == "−1,0"
        assert numbers.signed_points(0) == "±0,0"


def test_points():
    with translation.override("vi"):
        assert numbers.points(Decimal("26.50")) == "26,5"
        assert numbers.points(30) == "30"
        assert numbers.points("87.5") == "87,5"
        assert numbers.points(0.25) == "0,25"


def test_bad_values_raise_for_the_callers_placeholder():
    with pytest.raises((TypeError, ValueError, ArithmeticError)):
        numbers.number("abc")
    with pytest.raises((TypeError, ValueError, ArithmeticError)):
        numbers.number(None)


def test_the_page_filters_and_the_documents_write_through_the_one_module():
    from danhgia.documents import contexts
    from danhgia.orgs.templatetags.danhgia import percent as percent_filter
    from danhgia.orgs.templatetags.danhgia import vn_number
    from danhgia.reports import charts
    from danhgia.reports.templatetags.reports import pct, signed_pct
    from danhgia.reports.templatetags.reports import points as report_points
    from danhgia.reviews.presentation import _pct
    from danhgia.reviews.templatetags.reviews import points as review_points

    with translation.override("vi"):
        assert (vn_number(69190), percent_filter(1, 8), pct(0.1234), signed_pct(-0.01)) == (
            "69.190",
            "12,5%",
            "12,3%",
            "−1,0",
        )
        assert (report_points("87.50"), review_points("4.50"), _pct(0.3), charts.number(1234)) == (
            "87,5",
            "4,5",
            "30",
            "1.234",
        )
    with translation.override("en"):
        # Pages follow the interface language, as Django's own {{ n }} does...
        assert (vn_number(69190), pct(0.1234), charts.percent(0.5)) == ("69,190", "12.3%", "50.0%")
        # ... the official documents stay Vietnamese.
        assert (contexts.percent(3, 3), contexts.points(26.5)) == ("100,0 %", "26,5")
    assert vn_number("x") == "" and pct(None) == "—" and percent_filter(1, 0) == "—"


def test_a_number_too_large_to_write_out_is_a_value_error_as_documented():
    # Decimal's quantize raises InvalidOperation, an ArithmeticError that callers catching ValueError let through.
    for value in ("1e309", Decimal("1e999999")):
        with pytest.raises(ValueError):
            numbers.number(value)
