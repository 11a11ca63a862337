"""Every step is reachable from the pages, and no link leads a user to a page refused to them."""

from __future__ import annotations

from django.urls import reverse

from danhgia.reviews.opening import period_open_reviews
from tests.reviews.test_views import member_review, owner


def test_the_opinions_step_is_reached_from_the_unit_and_the_review_pages(commune, client):
    period_open_reviews(period=commune.period, actor=commune.users["officer"])
    cell = commune.cells[0]
    client.force_login(commune.users["secretary_a"])
    body = client.get(reverse("reviews-unit", args=[commune.period.pk, cell.pk])).content.decode()
    assert reverse("opinions-unit", args=[commune.period.pk, cell.pk]) in body
    review = member_review(commune)
    body = client.get(reverse("reviews-detail", args=[review.pk])).content.decode()
    assert reverse("opinions-review", args=[review.pk]) in body
    # The member answering opinion sheets finds them in the menu.
    client.force_login(owner(commune, review))
    body = client.get(reverse("home")).content.decode()
    assert reverse("opinions-mine") in body
    assert client.get(reverse("opinions-mine")).status_code == 200


def _member(commune):
    person = commune.members[commune.cells[0].name][2]
    return person, commune.users[f"member:{person.pk}"]


def test_a_member_sees_their_cell_named_but_not_linked(commune, client):
    person, member = _member(commune)
    client.force_login(member)
    body = client.get(reverse("people-person", args=[person.pk])).content.decode()
    cell = commune.cells[0]
    assert cell.name in body
    assert reverse("orgs-unit", args=[cell.pk]) not in body
    assert client.get(reverse("orgs-unit", args=[cell.pk])).status_code == 404
    # The secretary of the cell may open it, and gets the link.
    client.force_login(commune.users["secretary_a"])
    body = client.get(reverse("people-person", args=[person.pk])).content.decode()
    assert reverse("orgs-unit", args=[cell.pk]) in body


def test_a_quota_group_shows_a_member_their_own_place_not_the_others(commune, client):
    group = commune.groups["members"]
    person, user = _member(commune)
    client.force_login(user)
    response = client.get(reverse("periods-group", args=[commune.period.pk, group.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    other = commune.members[commune.cells[1].name][3]
    assert person.full_name in body and "Bạn thuộc nhóm này." in body
    assert other.full_name not in body  # the others are counted, not named (tests/periods/test_rosters.py)
    assert reverse("people-person", args=[other.pk]) not in body
    assert reverse("orgs-unit", args=[commune.commune.pk]) not in body
