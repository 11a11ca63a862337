"""A quota group's page names only the subjects the viewer may see (issue 16, item 3).

The probe found a plain member and the Fatherland Front reading the full names of all 308 members of their commune
on the commune's group page. Everyone who sees the period sees its groups, their sizes and caps; the names are for
those who may see the people: the officers and the commune committee over their scope, the inspector, a cell
secretary for their own cell's members, and a member for themselves.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from danhgia.people.models import SubjectKind
from danhgia.people.quota import quota_group_create, quota_group_fill

COMMUNE_A = {"an": "Nguyễn Văn An", "dang": "Đặng Thị Ánh", "binh": "Bùi Văn Bình", "cuong": "Trần Quốc Cường"}
COMMUNE_B = {"dung": "Lê Thị Dung", "em": "Hà Văn Em"}
EVERYONE = {**COMMUNE_A, **COMMUNE_B}


def members_group(world, unit):
    group = quota_group_create(
        period=world.period,
        unit=unit,
        name=f"Đảng viên {unit.name}",
        subject_kind=SubjectKind.MEMBER,
        rule={"kind": "members_under", "under": unit.pk},
        actor=None,
    )
    quota_group_fill(group=group, actor=None)
    return group


def names_on(client, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    return {key for key, name in EVERYONE.items() if name in body}, body


@pytest.mark.parametrize(
    ("persona", "seen"),
    [
        ("officer", set(COMMUNE_A)),
        ("inspector", set(COMMUNE_A)),
        ("committee_a", set(COMMUNE_A)),
        ("secretary_a1", {"an", "dang", "binh"}),  # their cell's members, not cell A2's
        ("member_a1", {"binh"}),  # themselves only
        ("front_a", set()),  # the organizations, not the members
    ],
)
def test_a_commune_group_names_only_whom_the_viewer_may_see(world, client, persona, seen):
    group = members_group(world, world.commune_a)
    client.force_login(world.users[persona])
    names, body = names_on(client, reverse("periods-group", args=[world.period.pk, group.pk]))
    assert names == seen
    # Everyone reads the group's size and its cap.
    assert "Danh sách (4)" in body
    assert "20%" in body


def test_a_member_reads_their_own_place_and_not_the_others(world, client):
    group = members_group(world, world.commune_a)
    client.force_login(world.users["member_a1"])
    _names, body = names_on(client, reverse("periods-group", args=[world.period.pk, group.pk]))
    assert "Bạn thuộc nhóm này" in body
    assert "Tên các đối tượng khác chỉ hiện với người có thẩm quyền" in body


def test_a_province_group_seen_from_a_commune_names_only_the_commune(world, client):
    group = members_group(world, world.province)
    client.force_login(world.users["committee_a"])
    names, body = names_on(client, reverse("periods-group", args=[world.period.pk, group.pk]))
    assert names == set(COMMUNE_A)
    assert "Danh sách (6)" in body
    client.force_login(world.users["officer"])
    assert names_on(client, reverse("periods-group", args=[world.period.pk, group.pk]))[0] == set(EVERYONE)


def test_a_page_of_the_roster_never_counts_hidden_names(world, client):
    """The pages of the list are pages of what the viewer sees: no empty page of hidden rows."""
    group = members_group(world, world.province)
    client.force_login(world.users["secretary_b1"])
    names, _body = names_on(client, reverse("periods-group", args=[world.period.pk, group.pk]) + "?trang=1")
    assert names == set(COMMUNE_B)
