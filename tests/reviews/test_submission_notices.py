"""A unit's submissions of a day make one notice per manager, counting them (not one notice per member)."""

from __future__ import annotations

from django.core import mail

from danhgia.reviews.models import Notification, Review
from tests.reviews.helpers import fill


def _submit(world, person):
    review = Review.objects.get(period=world.period, kind="member", person=person)
    fill(review, world.users.get(f"member:{person.pk}") or world.users["officer"])


def test_a_day_of_submissions_is_one_notice_per_manager(opened, django_capture_on_commit_callbacks):
    world = opened
    cell = world.cells[0]
    secretary, committee = world.users["secretary_a"], world.users["committee"]
    for user in (secretary, committee):
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    members = world.members[cell.name][2:]  # not the secretary nor the commune's chief (their own records)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(world, members[0])
    first = Notification.objects.get(user=secretary, key__startswith="submitted:")
    assert first.text.startswith(members[0].full_name) and "đã nộp bản kiểm điểm" in first.text
    first.read_at = first.created_at
    first.save(update_fields=["read_at"])
    with django_capture_on_commit_callbacks(execute=True):
        for person in members[1:]:
            _submit(world, person)
    for user in (secretary, committee):
        notices = Notification.objects.filter(user=user, key__startswith="submitted:")
        assert notices.count() == 1
        notice = notices.get()
        assert notice.read_at is None  # shown again: there is news
        assert notice.text.startswith(f"{len(members)} bản kiểm điểm của {cell.name} đã nộp ngày ")
        assert f"mới nhất: {members[-1].full_name}" in notice.text
        assert notice.url == f"/ky-danh-gia/{world.period.pk}/kiem-diem/don-vi/{cell.pk}/"
    # One e-mail per manager, when the day's notice was first written.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([secretary.email, committee.email])
