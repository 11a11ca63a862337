"""The period form: every mistake shown at once, in Vietnamese, next to its field; nothing created."""

from django.urls import reverse

from danhgia.periods.models import Period


def test_every_mistake_of_the_period_form_is_shown_in_one_pass(world, client):
    client.force_login(world.users["officer"])
    before = Period.objects.count()
    data = {"kind": "ad_hoc", "year": "2010", "starts_on": "31/12/2026", "ends_on": "01/01/2026"}
    response = client.post(reverse("periods-create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Năm phải từ 2018 trở đi" in body
    assert "Ngày kết thúc phải sau ngày bắt đầu." in body
    assert " ." not in body.split("Năm phải từ 2018")[1][:120]  # no stray space before the full stop
    assert Period.objects.count() == before
