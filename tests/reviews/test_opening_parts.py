"""A province's period opened one commune at a time, as each becomes ready (QĐ 366 Art. 5; docs/reviews.md)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from danhgia.accounts.models import Role
from danhgia.audit.models import Action, AuditEvent
from danhgia.orgs.models import Locality, UnitKind
from danhgia.orgs.services import unit_create
from danhgia.people.services import member_admit, person_create, post_assign
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews, readiness
from tests.conftest import make_user


@pytest.fixture
def two_communes(commune):
    """The review world plus a second commune whose only cell has no secretary yet."""
    other = unit_create(
        parent=commune.province,
        kind=UnitKind.COMMUNE_COMMITTEE,
        name="Đảng bộ xã Tân Lạc",
        locality=Locality.COMMUNE,
        is_grassroots=True,
        actor=None,
    )
    cell = unit_create(parent=other, kind=UnitKind.CELL, name="Chi bộ Xóm Chiềng", actor=None)
    chief = person_create(family_name="Bùi", middle_name="Văn", given_name="Lạc", gender="nam", actor=None)
    member = person_create(family_name="Đinh", middle_name="Thị", given_name="Chiềng", gender="nu", actor=None)
    for person in (chief, member):
        member_admit(
            person=person, cell=cell, admitted_on=dt.date(2010, 1, 1), official_on=dt.date(2011, 1, 1), actor=None
        )
    post_assign(
        person=chief, unit=other, title="Bí thư Đảng ủy xã", role="head", starts_on=dt.date(2020, 1, 1), actor=None
    )
    commune.other, commune.other_cell, commune.other_member = other, cell, member
    return commune


def _in(unit):
    return Review.objects.filter(context__path__startswith=unit.path)


def test_one_ready_commune_opens_while_another_is_not_ready(two_communes):
    world = two_communes
    assert [p.unit for p in readiness(world.period)] == [world.other_cell]
    with pytest.raises(ValidationError, match="Chi bộ Xóm Chiềng: Chi bộ chưa có bí thư"):
        period_open_reviews(period=world.period, actor=None)
    assert not Review.objects.exists()

    assert readiness(world.period, world.commune) == []
    result = period_open_reviews(period=world.period, actor=world.users["officer"], scope=world.commune)
    assert result.created == {"member": 15, "leader": 1, "party_org": 4, "collective": 1}
    assert not _in(world.other).exists()
    # The commune itself is reviewed, by the province committee above it.
    assert Review.objects.get(kind="party_org", unit=world.commune).authority == world.province
    event = AuditEvent.objects.get(action=Action.PERIOD_OPENED)
    assert event.scope_path == world.commune.path and event.new["scope"] == world.commune.name


def test_the_rest_of_the_province_is_added_later_without_touching_what_was_opened(two_communes):
    world = two_communes
    period_open_reviews(period=world.period, actor=None, scope=world.commune)
    first = {r.pk: (r.state, r.authority_id, r.quota_group_id) for r in _in(world.commune)}
    post_assign(
        person=world.other_member,
        unit=world.other_cell,
        title="Bí thư chi bộ",
        role="head",
        starts_on=dt.date(2020, 1, 1),
        actor=None,
    )
    result = period_open_reviews(period=world.period, actor=None)
    assert result.created == {"member_outside": 2, "party_org": 2}  # the new commune, its cell, its two members
    assert {r.pk: (r.state, r.authority_id, r.quota_group_id) for r in _in(world.commune)} == first


def test_a_part_outside_the_period_is_refused(commune):
    elsewhere = unit_create(parent=None, kind=UnitKind.PROVINCE_COMMITTEE, name="Đảng bộ tỉnh Khác", actor=None)
    with pytest.raises(ValidationError) as caught:
        period_open_reviews(period=commune.period, actor=None, scope=elsewhere)
    assert "don_vi" in caught.value.message_dict
    assert not Review.objects.exists()


def test_a_commune_officer_opens_their_commune_and_nothing_above_it(two_communes, client):
    world = two_communes
    client.force_login(make_user("bantochuc.hoabinh", Role.OFFICER, world.commune))
    url = reverse("reviews-period", args=[world.period.pk])
    body = client.get(url).content.decode()
    assert "Lập danh sách và mở kiểm điểm cho Đảng bộ xã Hòa Bình" in body
    assert "Đảng bộ xã Tân Lạc" not in body  # not theirs to open, and no select for a single choice
    open_url = reverse("reviews-open", args=[world.period.pk])
    for outside in (world.province, world.other):
        assert client.post(open_url, {"don_vi": outside.pk}).status_code == 403
    assert not Review.objects.exists()
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count() == 2
    response = client.post(open_url, {"don_vi": world.commune.pk}, follow=True)
    assert "Đảng bộ xã Hòa Bình: đã lập 21 bản kiểm điểm" in response.content.decode()
    assert not _in(world.other).exists()
    assert "Bổ sung đối tượng mới vào danh sách của Đảng bộ xã Hòa Bình" in response.content.decode()


def test_the_province_officer_chooses_the_part_and_sees_its_readiness(two_communes, client):
    world = two_communes
    client.force_login(world.users["officer"])
    url = reverse("reviews-period", args=[world.period.pk])
    body = client.get(url).content.decode()
    assert 'name="don_vi"' in body and "Đảng bộ xã Tân Lạc" in body
    assert "Chưa lập được cho Đảng bộ tỉnh Mẫu" in body  # the whole province waits for Tân Lạc's cell
    body = client.get(url, {"don_vi": world.commune.pk}).content.decode()
    assert "Lập danh sách và mở kiểm điểm cho Đảng bộ xã Hòa Bình" in body
    body = client.get(url, {"don_vi": world.other.pk}).content.decode()
    assert "Chi bộ chưa có bí thư" in body
