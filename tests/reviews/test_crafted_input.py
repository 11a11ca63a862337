"""No crafted value is a server error (issue 16, item 4): the three crashes the probe found, each reproduced."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from danhgia.orgs.models import Unit
from danhgia.reviews.models import Meeting, Review
from tests.reviews.test_views import meeting_post, member_review, owner, self_post


def test_a_unit_founded_on_the_last_day_of_9999_does_not_break_the_decision_page(opened, client):
    # Stored before the form bounded the date (or written by hand): the page of the whole group still renders.
    Unit.objects.filter(pk=opened.cells[0].pk).update(founded_on=dt.date(9999, 12, 31))
    client.force_login(opened.users["committee"])
    url = reverse("reviews-decide", args=[opened.period.pk, opened.groups["cells"].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Mới thành lập chưa đủ 6 tháng" in response.content.decode()  # founded "later" than the period: too new


def test_a_founding_date_far_in_the_future_is_refused_by_the_form(proposed, client):
    client.force_login(proposed.users["officer"])
    cell = proposed.cells[0]
    data = {"name": cell.name, "code": "", "locality": "", "collective_name": "", "founded_on": "31/12/9999"}
    response = client.post(reverse("orgs-edit", args=[cell.pk]), data)
    assert response.status_code == 200
    assert "Ngày thành lập" in response.content.decode()
    assert Unit.objects.get(pk=cell.pk).founded_on is None


@pytest.mark.parametrize("value", ["1e309", "1e999999999", "-1e309", "Infinity", "NaN", "1" * 400])
def test_a_huge_self_review_point_is_refused_on_its_item(opened, client, value):
    review = member_review(opened)
    client.force_login(owner(opened, review))
    url = reverse("reviews-self", args=[review.pk])
    response = client.post(url, self_post(review, item_C1=value))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"«{value}» không phải là số điểm." in body
    assert f'value="{value}"' in body  # what was typed stays in its box
    assert Review.objects.get(pk=review.pk).saved_at is None


@pytest.mark.parametrize("field", ["hop-summoned", "hop-present", "hop-excluded_tam_thoi"])
@pytest.mark.parametrize("value", ["9" * 30, "99999999999", "-1", "1e309", "٥"])
def test_a_huge_meeting_count_is_refused_by_the_form(opened, client, field, value):
    cell = opened.cells[0]
    reviews = [member_review(opened, index=i) for i in (2, 3)]
    client.force_login(opened.users["secretary_a"])
    url = reverse("reviews-meeting", args=[opened.period.pk, cell.pk])
    response = client.post(url, meeting_post(reviews) | {field: value})
    assert response.status_code == 200
    assert not Meeting.objects.exists()


def test_the_services_refuse_far_dates_and_counts_whoever_calls_them(opened):
    from django.core.exceptions import ValidationError

    from danhgia.orgs.services import unit_update
    from danhgia.people.services import post_end
    from danhgia.reviews.meetings import meeting_record

    officer, cell = opened.users["officer"], opened.cells[0]
    with pytest.raises(ValidationError) as refused:
        unit_update(unit=cell, founded_on=dt.date(9999, 12, 31), actor=officer)
    assert refused.value.message_dict == {"founded_on": ["«Ngày thành lập»: năm phải từ 1900 đến 2100 (đã nhập 9999)."]}
    post = cell.posts.get()
    with pytest.raises(ValidationError, match="Ngày thôi giữ chức vụ"):
        post_end(post=post, ends_on=dt.date(1, 1, 1), actor=officer)
    with pytest.raises(ValidationError) as refused:
        meeting_record(period=opened.period, unit=cell, held_on=dt.date.today(), chaired_by="Bí thư",
                       summoned=10**12, present=1, actor=opened.users["secretary_a"])  # fmt: skip
    assert refused.value.message_dict == {"summoned": ["Số đảng viên được triệu tập phải từ 1 đến 100.000."]}
    assert Unit.objects.get(pk=cell.pk).founded_on is None and not Meeting.objects.exists()


def test_the_admin_bounds_its_dates_too(opened, rf):
    from django.contrib import admin
    from django.core.exceptions import ValidationError

    form = admin.site._registry[Unit].get_form(rf.get("/"), opened.cells[0])
    with pytest.raises(ValidationError, match="năm phải từ 1900 đến 2100"):
        form.base_fields["founded_on"].clean("9999-12-31")


def test_add_months_stops_at_the_end_of_the_calendar():
    from danhgia.rules.checks import add_months

    assert add_months(dt.date(9999, 12, 31), 6) == dt.date.max
    assert add_months(dt.date(9999, 6, 30), 6) == dt.date(9999, 12, 30)
    assert add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 7, 31), 5) == dt.date(2024, 12, 31)


def test_a_control_character_in_a_posted_text_is_refused_and_changes_nothing(opened, client):
    # PostgreSQL refuses a NUL in a text column: the self-review's sections and tasks and the meeting grid's
    # comments, read from the post directly, were server errors there.
    review = member_review(opened)
    client.force_login(owner(opened, review))
    url = reverse("reviews-self", args=[review.pk])
    for extra in ({"section_uu_diem": "Tốt\x00"}, {"task_title": ["Nhiệm vụ\x01", "", ""]}, {"x\x00": "1"}):
        response = client.post(url, self_post(review, **extra))
        assert response.status_code == 400, extra
        assert "Yêu cầu không hợp lệ" in response.content.decode()
    assert client.get(url, {"q": "\x00"}).status_code == 400
    assert Review.objects.get(pk=review.pk).saved_at is None
    # What a pasted text holds (tabs, line breaks, a form feed) is kept.
    response = client.post(url, self_post(review, section_uu_diem="Một\tHai\r\nBa\x0cBốn"))
    assert response.status_code == 302


def test_a_nul_in_a_meeting_comment_is_refused(opened, client):
    from tests.reviews.helpers import fill

    reviews = [member_review(opened, index=i) for i in (2, 3)]
    for r in reviews:
        fill(r, owner(opened, r), level="HTT")
    client.force_login(opened.users["secretary_a"])
    data = meeting_post(reviews) | {f"comment_{reviews[0].pk}": "Đồng ý\x00"}
    response = client.post(reverse("reviews-meeting", args=[opened.period.pk, opened.cells[0].pk]), data)
    assert response.status_code == 400
    assert not Meeting.objects.exists()


@pytest.mark.django_db
def test_a_number_python_will_not_read_is_invalid_json_not_a_server_error():
    """Found by the property test: a 5,000-digit integer in a JSON field raised ValueError out of Django's field."""
    from danhgia.people.admin import QuotaGroupAdminForm

    form = QuotaGroupAdminForm(data={"rule": "9" * 5000})
    assert not form.is_valid() and "rule" in form.errors
    assert form.as_p()  # renders again, with what was typed
