"""The decision page of a group wider than the decider's scope names only whom the decider may see (issue 16, item 3).

A province-wide group ranks the members of every commune together, and each commune committee decides its own:
the page runs the quota over the whole group, but a commune secretary reads the names of their own commune only;
the rows of the other communes are counted and ranked, unnamed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from danhgia.accounts.models import Role
from danhgia.orgs.models import Locality, UnitKind
from danhgia.orgs.services import unit_create
from danhgia.people.models import SubjectKind
from danhgia.people.quota import quota_group_create, quota_group_delete, quota_group_fill
from danhgia.people.services import member_admit, person_create, post_assign
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews
from tests.conftest import make_user
from tests.reviews.conftest import build_commune

OUTSIDERS = ["Vũ Thị Ngoài 0", "Vũ Thị Ngoài 1", "Vũ Thị Ngoài 2"]


@pytest.fixture
def province_group(db):
    world: Any = build_commune()  # `province`, `period` are typed `object` on the dataclass
    quota_group_delete(group=world.groups["members"], actor=None)
    other = unit_create(parent=world.province, kind=UnitKind.COMMUNE_COMMITTEE, name="Đảng bộ xã Tân Lập",
                        locality=Locality.COMMUNE, is_grassroots=True, actor=None)  # fmt: skip
    cell = unit_create(parent=other, kind=UnitKind.CELL, name="Chi bộ Thôn Mới", actor=None)
    for i, name in enumerate(OUTSIDERS):
        person = person_create(family_name="Vũ", middle_name="Thị", given_name=name.split(" ", 2)[2], gender="nu",
                               birth_date=dt.date(1985, 1, 1), actor=None)  # fmt: skip
        member_admit(person=person, cell=cell, admitted_on=dt.date(2010, 1, 1), official_on=dt.date(2011, 1, 1),
                     actor=None)  # fmt: skip
        if i < 2:
            post_assign(person=person, unit=(cell, other)[i], title="Bí thư", role="head", is_leader=bool(i),
                        in_collective=bool(i), starts_on=dt.date(2020, 1, 1), actor=None)  # fmt: skip
    group = quota_group_create(period=world.period, unit=world.province, name="Đảng viên toàn tỉnh",
                               subject_kind=SubjectKind.MEMBER, rule={"kind": "members_under",
                               "under": world.province.pk}, actor=None)  # fmt: skip
    quota_group_fill(group=group, actor=None)
    period_open_reviews(period=world.period, actor=world.users["officer"])
    assert Review.objects.filter(quota_group=group, context=cell).count() == 3
    world.province_group = group
    world.users["committee_other"] = make_user("bithu.tanlap", Role.COMMITTEE_SECRETARY, other)
    return world


def test_a_commune_secretary_reads_their_communes_names_only(province_group, client):
    world = province_group
    url = reverse("reviews-decide", args=[world.period.pk, world.province_group.pk])
    client.force_login(world.users["committee"])
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    own = [p.full_name for persons in world.members.values() for p in persons]
    assert all(name in body for name in own)
    assert not [name for name in OUTSIDERS if name in body]
    # The other commune's rows are there, counted and ranked, without a name or a link to a file the page's
    # reader may not open.
    assert body.count("Đối tượng ngoài phạm vi của bạn") == 3
    hidden = Review.objects.filter(quota_group=world.province_group, person__family_name="Vũ")
    assert not [r.pk for r in hidden if reverse("reviews-detail", args=[r.pk]) in body]


def test_the_officer_and_the_other_commune_read_what_their_scope_holds(province_group, client):
    world = province_group
    url = reverse("reviews-decide", args=[world.period.pk, world.province_group.pk])
    client.force_login(world.users["officer"])
    body = client.get(url).content.decode()
    assert all(name in body for name in OUTSIDERS)
    assert "Đối tượng ngoài phạm vi của bạn" not in body
    client.force_login(world.users["committee_other"])
    body = client.get(url).content.decode()
    assert all(name in body for name in OUTSIDERS)
    assert world.members[world.cells[0].name][3].full_name not in body
