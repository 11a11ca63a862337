"""The quota cannot be lifted by whoever decides (security issue, item 1).

A probe found that a commune secretary, who decides the commune's members, could delete the members' quota group in
the middle of deciding and then grant HTXS to every candidate from the "no group" page. Now: the quota groups of an
open period are changed only by the officer who owns the period's rules; a group is never deleted, and a review never
leaves every group, while a review in it is decided or awaiting its decision; every change is audited and shown on
the decision page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from danhgia.audit.models import Action, AuditEvent
from danhgia.people.models import QuotaGroup, QuotaGroupEntry, SubjectKind
from danhgia.people.quota import (
    quota_group_add,
    quota_group_create,
    quota_group_delete,
    quota_group_fill,
    quota_group_remove,
)
from danhgia.people.services import member_admit, person_create
from danhgia.periods.models import PeriodStatus
from danhgia.reviews.models import Review
from tests.reviews.helpers import fill, meet, propose


def members_group(world) -> QuotaGroup:
    return world.groups["members"]


def a_member(world, cell=0, index=2):
    return world.members[world.cells[cell].name][index]


def entry_of(world, person) -> QuotaGroupEntry:
    return QuotaGroupEntry.objects.get(group=members_group(world), person=person)


def test_a_decider_cannot_change_the_groups_of_an_open_period(opened, client):
    world = opened
    group = members_group(world)
    entries = QuotaGroupEntry.objects.filter(group=group).count()
    person = a_member(world)
    client.force_login(world.users["committee"])  # the commune secretary decides the commune's members
    period = world.period.pk
    posts = [
        reverse("periods-group-delete", args=[period, group.pk]),
        reverse("periods-group-fill", args=[period, group.pk]),
        reverse("periods-group-remove", args=[period, group.pk, entry_of(world, person).pk]),
        reverse("periods-group-add", args=[period, group.pk]),
    ]
    for url in posts:
        assert client.post(url, {"subject": person.pk}).status_code == 403, url
    response = client.post(
        reverse("periods-group-create", args=[period]),
        {"name": "Nhóm của tôi", "subject_kind": SubjectKind.MEMBER, "rule_kind": "manual", "under": world.commune.pk},
    )
    assert response.status_code == 403
    assert QuotaGroup.objects.filter(pk=group.pk).exists()
    assert QuotaGroupEntry.objects.filter(group=group).count() == entries
    assert not QuotaGroup.objects.filter(name="Nhóm của tôi").exists()
    # Their group page offers no change either.
    body = client.get(reverse("periods-group", args=[period, group.pk])).content.decode()
    assert reverse("periods-group-delete", args=[period, group.pk]) not in body
    assert reverse("periods-group-fill", args=[period, group.pk]) not in body


def test_the_decider_may_still_prepare_groups_before_the_period_opens(commune, client):
    world = commune
    assert world.period.status == PeriodStatus.DRAFT
    client.force_login(world.users["committee"])
    response = client.post(
        reverse("periods-group-create", args=[world.period.pk]),
        {"name": "Nhóm chuẩn bị", "subject_kind": SubjectKind.MEMBER, "rule_kind": "manual", "under": world.commune.pk},
    )
    assert response.status_code == 302
    assert QuotaGroup.objects.filter(name="Nhóm chuẩn bị").exists()


def test_the_rules_owner_changes_the_groups_of_an_open_period(opened, client):
    world = opened
    client.force_login(world.users["officer"])  # the provincial officer owns the period (its unit is the province)
    group = quota_group_create(
        period=world.period, unit=world.commune, name="Nhóm tạm", subject_kind=SubjectKind.MEMBER, actor=None
    )
    response = client.post(reverse("periods-group-delete", args=[world.period.pk, group.pk]))
    assert response.status_code == 302
    assert not QuotaGroup.objects.filter(pk=group.pk).exists()


def test_no_one_changes_the_groups_of_a_closed_period(opened, client):
    world = opened
    world.period.status = PeriodStatus.CLOSED
    world.period.save(update_fields=["status"])
    client.force_login(world.users["officer"])
    group = members_group(world)
    assert client.post(reverse("periods-group-delete", args=[world.period.pk, group.pk])).status_code == 403
    assert QuotaGroup.objects.filter(pk=group.pk).exists()


def _awaiting(world, person):
    """A member's review proposed by their cell's meeting: it awaits the commune's decision."""
    review = Review.objects.get(period=world.period, kind="member", person=person)
    officer = world.users["officer"]
    fill(review, officer, general=27, task=60, level="HTT")
    propose(meet(world.period, review.context, officer), review, "HTT", officer)
    return Review.objects.get(pk=review.pk)


def test_a_group_being_decided_is_not_deleted_even_by_its_owner(opened, client):
    world = opened
    group = members_group(world)
    _awaiting(world, a_member(world))
    assert not Review.objects.filter(quota_group=group, decision__isnull=False).exists()
    with pytest.raises(ValidationError, match="đang chờ quyết định"):
        quota_group_delete(group=group, actor=world.users["officer"])
    client.force_login(world.users["officer"])
    response = client.post(reverse("periods-group-delete", args=[world.period.pk, group.pk]), follow=True)
    assert "đang chờ quyết định" in response.content.decode()
    assert QuotaGroup.objects.filter(pk=group.pk).exists()
    assert Review.objects.filter(quota_group=group).count() == 15


def test_a_group_being_decided_is_locked_even_for_its_owner(opened):
    """Neither out of every group (decided without a cap) nor a list grown or shrunk under the deciders' eyes: the
    owner of the period's rules is often a decider too (the provincial officer decides the province's groups)."""
    world = opened
    person = a_member(world)
    review = _awaiting(world, person)
    officer = world.users["officer"]
    other = a_member(world, cell=1)
    for change in (
        lambda: quota_group_remove(entry=entry_of(world, person), actor=officer),
        lambda: quota_group_remove(entry=entry_of(world, other), actor=officer),
        lambda: quota_group_fill(group=members_group(world), actor=officer),
    ):
        with pytest.raises(ValidationError, match="đã khóa"):
            change()
    assert Review.objects.get(pk=review.pk).quota_group_id == members_group(world).pk
    # A newcomer added to it: refused too (its cap would grow).
    newcomer = person_create(family_name="Mới", middle_name="Văn", given_name="Đến", gender="nam", actor=None)
    member_admit(
        person=newcomer, cell=world.cells[0], admitted_on=dt.date(2010, 1, 1), official_on=dt.date(2011, 1, 1),
        actor=None,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="đã khóa"):
        quota_group_add(group=members_group(world), person=newcomer, actor=officer)
    assert not QuotaGroupEntry.objects.filter(person=newcomer).exists()


def test_a_period_with_proposals_does_not_go_back_to_preparation(opened):
    """Back in preparation the units' deciders would lay out the groups again."""
    from danhgia.periods.services import period_set_status

    world = opened
    _awaiting(world, a_member(world))
    with pytest.raises(ValidationError, match="Đang chuẩn bị"):
        period_set_status(period=world.period, status=PeriodStatus.DRAFT, actor=world.users["officer"])
    world.period.refresh_from_db()
    assert world.period.status == PeriodStatus.OPEN


def test_the_decision_pages_show_who_left_a_group_and_what_changed(opened, client):
    world = opened
    group = members_group(world)
    person = a_member(world)
    quota_group_remove(entry=entry_of(world, person), actor=world.users["officer"])
    review = Review.objects.get(period=world.period, kind="member", person=person)
    assert AuditEvent.objects.filter(action=Action.REVIEW_REGROUPED, target_id=str(review.pk)).count() == 1
    client.force_login(world.users["committee"])
    body = client.get(reverse("reviews-decide", args=[world.period.pk, group.pk])).content.decode()
    assert 'id="group-changes"' in body
    changes = body.split('id="group-changes"')[1].split("</section>")[0]
    assert person.full_name in changes and "Loại khỏi nhóm" in changes and world.users["officer"].username in changes
    # The ungrouped page says where each of its subjects came from.
    body = client.get(reverse("reviews-decide", args=[world.period.pk, 0])).content.decode()
    assert 'id="group-changes"' in body
    changes = body.split('id="group-changes"')[1].split("</section>")[0]
    assert person.full_name in changes and f"«{group.name}»" in changes


def test_the_changes_name_only_whom_the_reader_may_see(opened, client):
    """A province-wide group seen by a commune's decider: a subject of another commune added by hand is counted in
    the changes, not named (docs/permissions.md, «Ai thấy tên ai»)."""
    from danhgia.orgs.models import Locality, UnitKind
    from danhgia.orgs.services import unit_create

    world = opened
    officer = world.users["officer"]
    other = unit_create(
        parent=world.province, kind=UnitKind.COMMUNE_COMMITTEE, name="Đảng bộ xã Khác", locality=Locality.COMMUNE,
        is_grassroots=True, actor=None,
    )  # fmt: skip
    cell = unit_create(parent=other, kind=UnitKind.CELL, name="Chi bộ Khác", actor=None)
    stranger = person_create(family_name="Lạ", middle_name="Văn", given_name="Khách", gender="nam", actor=None)
    member_admit(
        person=stranger, cell=cell, admitted_on=dt.date(2010, 1, 1), official_on=dt.date(2011, 1, 1), actor=None
    )
    wide = quota_group_create(
        period=world.period,
        unit=world.province,
        name="Đảng viên toàn tỉnh",
        subject_kind=SubjectKind.MEMBER,
        actor=None,
    )
    person = a_member(world)
    quota_group_remove(entry=entry_of(world, person), actor=officer)
    quota_group_add(group=wide, person=person, actor=officer)
    quota_group_add(group=wide, person=stranger, actor=officer)
    client.force_login(world.users["committee"])
    body = client.get(reverse("reviews-decide", args=[world.period.pk, wide.pk])).content.decode()
    changes = body.split('id="group-changes"')[1].split("</section>")[0]
    assert person.full_name in changes and "Đối tượng ngoài phạm vi của bạn" in changes
    assert stranger.full_name not in body


def test_the_admin_does_not_change_a_group_being_decided(opened, client):
    world = opened
    group = members_group(world)
    admin = world.users["officer"]
    admin.is_superuser = admin.is_staff = True
    admin.save(update_fields=["is_superuser", "is_staff"])
    client.force_login(admin)
    url = reverse("admin:people_quotagroup_change", args=[group.pk])
    assert 'name="rate"' in client.get(url).content.decode()  # before any proposal: editable
    _awaiting(world, a_member(world))
    body = client.get(url).content.decode()
    assert 'name="rate"' not in body  # read-only now
    response = client.post(url, {"name": group.name, "rate": "1", "period": world.period.pk})
    assert response.status_code == 403
    group.refresh_from_db()
    assert group.rate is None
