"""Criteria tables: a province's table applies to reviews begun after it is loaded; its kind is the regime's."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError

from danhgia.reviews import services
from danhgia.reviews.criteria import DEFAULTS
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews


def test_a_new_table_applies_to_reviews_not_yet_begun_only(commune):
    world = commune
    period_open_reviews(period=world.period, actor=None)
    begun, fresh = Review.objects.filter(period=world.period, kind="member", form_code="2B")[:2]
    services.review_save(review=begun, actor=None, items={"G1": "2"}, sections={})
    table = copy.deepcopy(DEFAULTS["2B"])
    table["groups"][0]["items"][0]["code"] = "TINH1"  # the province renames an item
    loaded = services.criteria_load(province=world.province, year=world.period.year, form_code="2B", items=table,
                                    actor=None)  # fmt: skip
    begun.refresh_from_db()
    assert "TINH1" not in {i.code for g in services.table_for(begun).groups for i in g.items}
    assert "TINH1" in {i.code for g in services.table_for(fresh).groups for i in g.items}
    services.review_save(review=fresh, actor=None, items={"TINH1": "1"}, sections={})
    fresh.refresh_from_db()
    assert fresh.criteria_table == loaded and fresh.items == {"TINH1": "1.00"}
    # A second version later does not move a review already begun on the first.
    services.criteria_load(province=world.province, year=world.period.year, form_code="2B", items=DEFAULTS["2B"],
                           actor=None)  # fmt: skip
    fresh.refresh_from_db()
    assert services.loaded_table(fresh) == loaded


def test_a_table_of_the_wrong_kind_for_the_year_is_refused(commune):
    world = commune
    with pytest.raises(ValidationError, match="phải là loại «points»"):
        services.criteria_load(province=world.province, year=2026, form_code="01", items=DEFAULTS["01-grades"],
                               actor=None)  # fmt: skip
    with pytest.raises(ValidationError, match="phải là loại «grades»"):
        services.criteria_load(province=world.province, year=2022, form_code="01", items=DEFAULTS["01"], actor=None)
    with pytest.raises(ValidationError, match="Không có mẫu"):
        services.criteria_load(province=world.province, year=2022, form_code="01-grades", items=DEFAULTS["01-grades"],
                               actor=None)  # fmt: skip
