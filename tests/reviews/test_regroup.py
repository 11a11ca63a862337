"""Quota groups after the period is open: a change of a group's members flows to the open, undecided reviews (with
an audit event per review moved), and is refused, changing nothing, where decisions were taken under the old
group's quota. The decision page counts the group's current members and never answers 404 for a group that exists."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from danhgia.audit.models import Action, AuditEvent
from danhgia.orgs.models import UnitKind
from danhgia.people.models import QuotaGroup, QuotaGroupEntry, SubjectKind
from danhgia.people.quota import (
    quota_group_add,
    quota_group_create,
    quota_group_delete,
    quota_group_fill,
    quota_group_remove,
)
from danhgia.reviews import decisions
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.helpers import fill, meet, propose


def small_group(world, name="Đảng viên Xóm Đồi"):
    return quota_group_create(
        period=world.period, unit=world.commune, name=name, subject_kind=SubjectKind.MEMBER, actor=None
    )


def move(world, person, target):
    """What an officer does on the group pages: remove from the old group, add to the new one."""
    entry = QuotaGroupEntry.objects.get(period=world.period, subject_kind=SubjectKind.MEMBER, person=person)
    quota_group_remove(entry=entry, actor=world.users["officer"])
    quota_group_add(group=target, person=person, actor=world.users["officer"])


def review_of(world, person, kind="member"):
    return Review.objects.get(period=world.period, kind=kind, person=person)


def decide_page(client, world, group, who="committee"):
    client.force_login(world.users[who])
    return client.get(reverse("reviews-decide", args=[world.period.pk, group.pk]))


def decide_one(world, person, level="HTT"):
    review = review_of(world, person)
    fill(review, world.users["officer"], general=27, task=60, level=level)
    cell = review.context
    meeting = meet(world.period, cell, world.users["officer"])
    propose(meeting, review, level, world.users["officer"])
    committee = world.users["committee"]
    return decisions.decide(reviews=[review_of(world, person)], levels={review.pk: level}, actor=committee)


def test_a_move_before_opening_is_where_the_review_starts(commune, client):
    world = commune
    person = world.members[world.cells[0].name][2]
    target = small_group(world)
    move(world, person, target)
    period_open_reviews(period=world.period, actor=world.users["officer"])
    assert review_of(world, person).quota_group_id == target.pk
    response = decide_page(client, world, target)
    assert response.status_code == 200
    assert [row.review.person_id for row in response.context["rows"]] == [person.pk]


def test_a_move_after_opening_flows_to_the_undecided_review_with_its_audit(commune, client):
    world = commune
    period_open_reviews(period=world.period, actor=world.users["officer"])
    members = world.groups["members"]
    before = Review.objects.filter(period=world.period, quota_group=members).count()
    person = world.members[world.cells[0].name][2]
    target = small_group(world)
    move(world, person, target)
    review = review_of(world, person)
    assert review.quota_group_id == target.pk
    events = AuditEvent.objects.filter(action=Action.REVIEW_REGROUPED, target_id=str(review.pk)).order_by("id")
    assert [(e.old["group"], e.new["group"]) for e in events] == [(members.name, None), (None, target.name)]
    # The decision pages count the current members: the old group one fewer, the new group's page is there.
    old_page = decide_page(client, world, members)
    assert len(old_page.context["rows"]) == before - 1
    assert person.pk not in {row.review.person_id for row in old_page.context["rows"]}
    new_page = decide_page(client, world, target)
    assert new_page.status_code == 200
    assert [row.review.pk for row in new_page.context["rows"]] == [review.pk]
    # And the decision index lists the new group.
    client.force_login(world.users["committee"])
    index = client.get(reverse("reviews-decisions", args=[world.period.pk]))
    assert target.name in index.content.decode()


def test_a_move_out_of_a_group_with_decisions_is_refused_with_the_reason(commune, client):
    world = commune
    period_open_reviews(period=world.period, actor=world.users["officer"])
    members = world.groups["members"]
    decide_one(world, world.members[world.cells[1].name][2])
    person = world.members[world.cells[0].name][2]
    entry = QuotaGroupEntry.objects.get(group=members, person=person)
    with pytest.raises(ValidationError) as exc:
        quota_group_remove(entry=entry, actor=world.users["officer"])
    text = " ".join(exc.value.messages)
    assert members.name in text and "đã khóa" in text
    assert QuotaGroupEntry.objects.filter(pk=entry.pk).exists()
    assert review_of(world, person).quota_group_id == members.pk
    # Through the page: the same reason, and nothing changed.
    client.force_login(world.users["officer"])
    response = client.post(reverse("periods-group-remove", args=[world.period.pk, members.pk, entry.pk]), follow=True)
    assert "đã khóa" in response.content.decode()
    assert QuotaGroupEntry.objects.filter(pk=entry.pk).exists()
    assert not AuditEvent.objects.filter(action=Action.REVIEW_REGROUPED).exists()


def test_a_decided_review_is_not_moved_into_another_group(commune):
    world = commune
    period_open_reviews(period=world.period, actor=world.users["officer"])
    person = world.members[world.cells[0].name][2]
    quota_group_remove(
        entry=QuotaGroupEntry.objects.get(group=world.groups["members"], person=person), actor=world.users["officer"]
    )
    assert review_of(world, person).quota_group_id is None
    decide_one(world, person)  # decided in no group: no quota applied
    group = small_group(world)
    with pytest.raises(ValidationError, match="đã có quyết định"):
        quota_group_add(group=group, person=person, actor=world.users["officer"])
    assert not QuotaGroupEntry.objects.filter(group=group).exists()
    assert review_of(world, person).quota_group_id is None


def test_filling_a_group_after_opening_moves_the_reviews_it_selects(commune, client):
    world = commune
    period_open_reviews(period=world.period, actor=world.users["officer"])
    chief = world.members[world.cells[0].name][1]
    group = quota_group_create(
        period=world.period,
        unit=world.commune,
        name="Bí thư cấp ủy",
        subject_kind=SubjectKind.LEADER,
        rule={"kind": "post_holders", "under": world.commune.pk, "unit_kinds": [UnitKind.COMMUNE_COMMITTEE]},
        actor=None,
    )
    result = quota_group_fill(group=group, actor=world.users["officer"])
    assert result.added == 1 and result.refused == []
    review = review_of(world, chief, kind="leader")
    assert review.quota_group_id == group.pk
    assert AuditEvent.objects.filter(action=Action.REVIEW_REGROUPED, target_id=str(review.pk)).count() == 1
    assert decide_page(client, world, group, who="officer").status_code == 200


def test_deleting_a_group_ungroups_its_reviews_or_is_refused_after_a_decision(commune):
    world = commune
    period_open_reviews(period=world.period, actor=world.users["officer"])
    target = small_group(world)
    person = world.members[world.cells[0].name][2]
    move(world, person, target)
    quota_group_delete(group=target, actor=world.users["officer"])
    assert review_of(world, person).quota_group_id is None
    moved = AuditEvent.objects.filter(action=Action.REVIEW_REGROUPED, target_id=str(review_of(world, person).pk))
    assert moved.count() == 3  # out of the commune's group, into the small one, out of it when it was deleted
    members = world.groups["members"]
    decide_one(world, world.members[world.cells[1].name][2])
    with pytest.raises(ValidationError, match="đã có quyết định"):
        quota_group_delete(group=members, actor=world.users["officer"])
    assert QuotaGroup.objects.filter(pk=members.pk).exists()


def test_the_decision_page_of_an_empty_group_says_so_instead_of_404(commune, client):
    world = commune
    period_open_reviews(period=world.period, actor=world.users["officer"])
    empty = small_group(world, name="Nhóm chưa có ai")
    response = decide_page(client, world, empty)
    assert response.status_code == 200
    assert "chưa có bản kiểm điểm nào" in response.content.decode()
    # Outside the scope it is still not found (existence does not leak).
    client.force_login(world.users["secretary_a"])
    assert client.get(reverse("reviews-decide", args=[world.period.pk, empty.pk])).status_code == 404


def test_a_group_with_decisions_is_not_refilled_and_says_why(commune, client):
    world = commune
    period_open_reviews(period=world.period, actor=world.users["officer"])
    members = world.groups["members"]
    decided = world.members[world.cells[1].name][2]
    decide_one(world, decided)
    # Exempt from party activities after being decided: the rule no longer selects them, but the group's list is
    # locked while it is being decided (its cap is counted on it), and the page says why.
    from danhgia.people.services import member_set_status

    member_set_status(member=decided.party_member, status="exempt", on=world.period.starts_on, actor=None)
    entries = QuotaGroupEntry.objects.filter(group=members).count()
    with pytest.raises(ValidationError, match="đã khóa"):
        quota_group_fill(group=members, actor=world.users["officer"])
    assert QuotaGroupEntry.objects.filter(group=members).count() == entries
    client.force_login(world.users["officer"])
    response = client.post(reverse("periods-group-fill", args=[world.period.pk, members.pk]), follow=True)
    assert "đã khóa" in response.content.decode()


def test_the_admin_does_not_delete_a_group_with_decisions(commune):
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    world = commune
    period_open_reviews(period=world.period, actor=world.users["officer"])
    members = world.groups["members"]
    admin = site._registry[QuotaGroup]
    request = RequestFactory().post("/")
    request.user = world.users["officer"]
    request.user.is_superuser = True
    assert admin.has_delete_permission(request, members)
    decide_one(world, world.members[world.cells[1].name][2])
    assert not admin.has_delete_permission(request, members)
