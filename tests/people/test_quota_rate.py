"""A quota group's HTXS rate is bounded by the regulation of the period's regime (QĐ 366 Art. 11 §1.5: 20 %, up to
25 % decided by the competent authority for an outstanding unit; QĐ 132 / QĐ 124: 20 %), unless the installation's
setting raises the maximum; a rate of 0 or below is never a rate."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from danhgia.accounts.models import User
from danhgia.people.models import QuotaGroup, SubjectKind
from danhgia.people.quota import quota_group_create, rate_limits
from danhgia.periods.services import period_create


def create(period, unit, rate, *, reason="", decided_by="", name="Nhóm thử"):
    return quota_group_create(
        period=period,
        unit=unit,
        name=name,
        subject_kind=SubjectKind.MEMBER,
        rate=rate,
        rate_reason=reason,
        rate_decided_by=decided_by,
        actor=None,
    )


def errors(exc) -> str:
    return " ".join(m for messages in exc.value.message_dict.values() for m in messages)


@pytest.fixture
def old_period(world):
    return period_create(unit=world.province, year=2023, actor=None)


def test_the_limits_follow_the_regime(world, old_period):
    assert world.period.regime == "R2025"
    assert rate_limits(world.period).default == Decimal("0.20")
    assert rate_limits(world.period).maximum == Decimal("0.25")
    assert rate_limits(old_period).maximum == Decimal("0.20")


def test_a_rate_of_ninety_percent_is_refused_naming_the_field_and_the_limit(world):
    with pytest.raises(ValidationError) as exc:
        create(world.period, world.commune_a, Decimal("0.9"), reason="Thành tích xuất sắc", decided_by="BTV")
    assert "rate" in exc.value.message_dict
    assert "25%" in errors(exc) and "QĐ 366" in errors(exc)
    assert not QuotaGroup.objects.filter(name="Nhóm thử").exists()


@pytest.mark.parametrize("rate", [Decimal("0"), Decimal("-0.1")])
def test_a_rate_of_zero_or_below_is_refused(world, rate):
    with pytest.raises(ValidationError) as exc:
        create(world.period, world.commune_a, rate, reason="Lý do", decided_by="BTV")
    assert "rate" in exc.value.message_dict
    assert "lớn hơn 0" in errors(exc)


def test_twenty_five_percent_needs_the_deciding_authority_and_a_reason(world):
    with pytest.raises(ValidationError) as exc:
        create(world.period, world.commune_a, Decimal("0.25"), reason="Đơn vị có thành tích xuất sắc, nổi trội")
    assert "rate_decided_by" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        create(world.period, world.commune_a, Decimal("0.25"), decided_by="Ban Thường vụ Tỉnh ủy")
    assert "rate_reason" in exc.value.message_dict
    group = create(
        world.period,
        world.commune_a,
        Decimal("0.25"),
        reason="Đơn vị có thành tích xuất sắc, nổi trội",
        decided_by="Ban Thường vụ Tỉnh ủy, Quyết định số 12-QĐ/TU",
    )
    assert group.rate == Decimal("0.25") and group.rate_decided_by.startswith("Ban Thường vụ")


def test_the_older_regimes_allow_no_more_than_twenty_percent(world, old_period):
    with pytest.raises(ValidationError) as exc:
        create(old_period, world.commune_a, Decimal("0.25"), reason="Xuất sắc", decided_by="BTV Tỉnh ủy")
    assert "rate" in exc.value.message_dict
    assert "20%" in errors(exc) and "R2023" in errors(exc)
    # A stricter rate is the authority's choice (with its reason), under every regime.
    assert create(old_period, world.commune_a, Decimal("0.15"), reason="Nghị quyết BTV").rate == Decimal("0.15")


def test_the_setting_raises_the_maximum(world, old_period, settings):
    settings.DANHGIA_QUOTA_MAX_RATE = Decimal("0.30")
    assert rate_limits(old_period).maximum == Decimal("0.30")
    group = create(old_period, world.commune_a, Decimal("0.30"), reason="Tính thử", decided_by="Ban Tổ chức")
    assert group.rate == Decimal("0.30")
    with pytest.raises(ValidationError) as exc:
        create(world.period, world.commune_a, Decimal("0.31"), reason="Tính thử", decided_by="Ban Tổ chức")
    assert "30%" in errors(exc)
    # The setting only raises: a lower value leaves the regulation's maximum.
    settings.DANHGIA_QUOTA_MAX_RATE = Decimal("0.10")
    assert rate_limits(world.period).maximum == Decimal("0.25")


def test_the_form_shows_the_limit_next_to_the_rate_and_keeps_what_was_typed(world, client):
    client.force_login(world.users["officer"])
    url = reverse("periods-group-create", args=[world.period.pk])
    data = {
        "tim": "an lac",
        "under": world.commune_a.pk,
        "name": "Nhóm 90%",
        "subject_kind": "member",
        "rule_kind": "members_under",
        "rate": "0,9",
        "rate_reason": "Thành tích",
        "rate_decided_by": "BTV",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "rate" in response.context["form"].errors
    assert "25%" in " ".join(response.context["form"].errors["rate"])
    assert 'value="Nhóm 90%"' in response.content.decode()
    assert not QuotaGroup.objects.filter(name="Nhóm 90%").exists()


def test_the_admin_refuses_a_rate_above_the_limit(world):
    admin = site._registry[QuotaGroup]
    group = create(world.period, world.commune_a, None)
    request = RequestFactory().post("/")
    request.user = User.objects.create_superuser(username="quantri", password="mat-khau-thu-nghiem")
    form_class = admin.get_form(request, group, change=True)
    data = {
        "period": world.period.pk,
        "unit": world.commune_a.pk,
        "name": group.name,
        "subject_kind": group.subject_kind,
        "rule": '{"kind": "manual"}',
        "rate": "0.9",
        "rate_reason": "Thành tích",
        "rate_decided_by": "BTV",
    }
    form = form_class(data, instance=group)
    assert not form.is_valid()
    assert "25%" in " ".join(str(e) for e in form.errors["rate"])
    data["rate"] = "0.25"
    form = form_class(data, instance=group)
    assert form.is_valid(), form.errors
