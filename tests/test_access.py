"""Every view checks scope: personas inside are served, those outside are refused (and audited)."""

import pytest
from django.urls import reverse

from danhgia.audit.models import Action, AuditEvent
from danhgia.people.models import QuotaGroupEntry, SubjectKind
from danhgia.people.quota import quota_group_create, quota_group_fill

# (persona, url builder, expected status). None persona = anonymous.
CASES = [
    # The organization tree and unit pages.
    ("officer", lambda w: reverse("orgs-unit", args=[w.cell_a1.pk]), 200),
    ("secretary_a1", lambda w: reverse("orgs-unit", args=[w.cell_a1.pk]), 200),
    ("secretary_b1", lambda w: reverse("orgs-unit", args=[w.cell_a1.pk]), 404),
    ("secretary_a1", lambda w: reverse("orgs-unit", args=[w.commune_a.pk]), 404),
    ("committee_a", lambda w: reverse("orgs-unit", args=[w.cell_a2.pk]), 200),
    ("committee_a", lambda w: reverse("orgs-unit", args=[w.cell_b1.pk]), 404),
    ("member_a1", lambda w: reverse("orgs-unit", args=[w.cell_a1.pk]), 404),
    ("front_a", lambda w: reverse("orgs-unit", args=[w.cell_a1.pk]), 404),
    ("inspector", lambda w: reverse("orgs-unit", args=[w.cell_b1.pk]), 200),
    ("secretary_b1", lambda w: reverse("orgs-children", args=[w.commune_a.pk]), 404),
    ("officer", lambda w: reverse("orgs-children", args=[w.commune_a.pk]), 200),
    ("member_a1", lambda w: reverse("orgs-tree"), 403),
    ("secretary_a1", lambda w: reverse("orgs-missing-heads"), 200),
    # Person files.
    ("officer", lambda w: reverse("people-person", args=[w.people["binh"].pk]), 200),
    ("secretary_a1", lambda w: reverse("people-person", args=[w.people["binh"].pk]), 200),
    ("secretary_b1", lambda w: reverse("people-person", args=[w.people["binh"].pk]), 404),
    ("member_a1", lambda w: reverse("people-person", args=[w.people["binh"].pk]), 200),  # their own file
    ("member_a1", lambda w: reverse("people-person", args=[w.people["dang"].pk]), 404),
    ("front_a", lambda w: reverse("people-person", args=[w.people["cuong"].pk]), 404),
    ("secretary_a1", lambda w: reverse("people-transfer", args=[w.people["binh"].pk]), 403),
    ("inspector", lambda w: reverse("people-status", args=[w.people["binh"].pk]), 403),
    ("officer", lambda w: reverse("people-transfer", args=[w.people["binh"].pk]), 200),
    ("secretary_b1", lambda w: reverse("people-transfer", args=[w.people["binh"].pk]), 404),
    # Search and lists.
    ("member_a1", lambda w: reverse("people-search"), 403),
    ("front_a", lambda w: reverse("people-search"), 403),
    ("secretary_b1", lambda w: reverse("people-search") + "?q=binh", 200),
    # Periods and groups.
    ("secretary_a1", lambda w: reverse("periods-detail", args=[w.period.pk]), 200),
    ("member_a1", lambda w: reverse("periods-detail", args=[w.period.pk]), 200),
    ("secretary_a1", lambda w: reverse("periods-create"), 403),
    ("officer", lambda w: reverse("periods-create"), 200),
    ("secretary_a1", lambda w: reverse("periods-phase", args=[w.period.pk, w.period.phases.first().pk]), 403),
    ("committee_a", lambda w: reverse("periods-group-create", args=[w.period.pk]), 200),
    ("secretary_a1", lambda w: reverse("periods-group-create", args=[w.period.pk]), 403),
    # Audit.
    ("officer", lambda w: reverse("audit-list"), 200),
    ("inspector", lambda w: reverse("audit-list"), 200),
    ("secretary_a1", lambda w: reverse("audit-list"), 403),
    # Anonymous visitors go to the login page.
    (None, lambda w: reverse("orgs-tree"), 302),
    (None, lambda w: reverse("home"), 302),
]


@pytest.mark.parametrize(("persona", "url", "status"), CASES)
def test_scope_is_checked_on_every_view(world, client, persona, url, status):
    if persona:
        client.force_login(world.users[persona])
    response = client.get(url(world))
    assert response.status_code == status


def test_refusals_are_audited(world, client):
    client.force_login(world.users["secretary_b1"])
    client.get(reverse("orgs-unit", args=[world.cell_a1.pk]))
    event = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).latest("id")
    assert event.actor == world.users["secretary_b1"]
    assert event.target_id == str(world.cell_a1.pk)


def test_search_finds_nothing_outside_the_scope(world, client):
    client.force_login(world.users["secretary_b1"])
    body = client.get(reverse("people-search"), {"q": "binh"}).content.decode()
    assert "Bùi Văn Bình" not in body
    assert "Không tìm thấy đảng viên nào trong phạm vi của bạn." in body


def test_quota_group_of_another_commune_is_not_visible(world, client):
    group = quota_group_create(
        period=world.period,
        unit=world.commune_a,
        name="Đảng viên xã An Lạc",
        subject_kind=SubjectKind.MEMBER,
        rule={"kind": "members_under", "under": world.commune_a.pk},
        actor=None,
    )
    quota_group_fill(group=group, actor=None)
    client.force_login(world.users["secretary_b1"])
    assert client.get(reverse("periods-group", args=[world.period.pk, group.pk])).status_code == 404
    assert "An Lạc" not in client.get(reverse("periods-groups", args=[world.period.pk])).content.decode()
    client.force_login(world.users["secretary_a1"])
    assert client.get(reverse("periods-group", args=[world.period.pk, group.pk])).status_code == 200
    # Seeing is not managing: the cell secretary cannot remove anyone.
    entry = QuotaGroupEntry.objects.filter(group=group).first()
    assert entry is not None
    response = client.post(reverse("periods-group-remove", args=[world.period.pk, group.pk, entry.pk]))
    assert response.status_code == 403
    assert QuotaGroupEntry.objects.filter(pk=entry.pk).exists()


def test_audit_page_shows_only_events_in_scope(world, client):
    client.force_login(world.users["officer"])
    body = client.get(reverse("audit-list")).content.decode()
    assert "Chi bộ Xóm Chợ" in body
    from danhgia.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=world.users["secretary_a1"], role=Role.INSPECTOR, unit=world.cell_a1)
    client.force_login(world.users["secretary_a1"])
    body = client.get(reverse("audit-list")).content.decode()
    assert "Chi bộ Xóm Đồng" in body
    assert "Chi bộ Xóm Chợ" not in body
