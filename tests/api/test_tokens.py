"""Personal access tokens: made on the user's page, shown once, stored hashed, expiring, revocable, audited."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError

from danhgia.api.models import ApiToken
from danhgia.api.services import token_create, token_revoke
from danhgia.audit.models import Action, AuditEvent


def test_the_page_shows_a_new_token_once_and_stores_only_its_hash(world, client_for):
    user = world.users["secretary_a1"]
    client = client_for(user)
    expires = dt.date.today() + dt.timedelta(days=30)
    response = client.post("/tai-khoan/ma-api/", {"name": "Văn phòng điện tử", "expires_on": expires.isoformat()})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret.startswith("dg_") and len(secret) > 40
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.digest, token.prefix, token.name} and secret.startswith(token.prefix)
    # Shown once: the list afterwards names the token by its prefix, never the secret.
    again = client.get("/tai-khoan/ma-api/").content.decode()
    assert secret not in again and token.prefix in again
    event = AuditEvent.objects.get(action=Action.API_TOKEN_CREATED)
    assert secret not in str(event.new) and event.actor_id == user.pk


@pytest.mark.parametrize(
    ("days", "field"),
    [(0, "expires_on"), (-3, "expires_on"), (366, "expires_on"), (None, "expires_on")],
)
def test_a_token_expires_within_a_year(world, days, field):
    user = world.users["officer"]
    expires = None if days is None else dt.date.today() + dt.timedelta(days=days)
    with pytest.raises(ValidationError) as exc:
        token_create(user=user, name="Kho", expires_on=expires, actor=user)
    assert field in exc.value.message_dict
    assert not ApiToken.objects.exists()


def test_the_page_refuses_a_token_without_a_name_or_over_a_year(world, client_for):
    client = client_for(world.users["officer"])
    far = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    response = client.post("/tai-khoan/ma-api/", {"name": " ", "expires_on": far})
    assert response.status_code == 200 and response.context["secret"] is None
    assert "name" in response.context["form"].errors
    response = client.post("/tai-khoan/ma-api/", {"name": "Kho", "expires_on": far})
    assert response.context["secret"] is None
    assert "một năm" in " ".join(response.context["form"].errors["expires_on"])
    assert not ApiToken.objects.exists()


def test_expired_revoked_and_unknown_tokens_are_refused_in_json(world, token_of, call):
    user = world.users["secretary_a1"]
    raw = token_of(user)
    assert call(raw, "/api/v1/units/").status_code == 200
    token = ApiToken.objects.get(user=user)
    assert token.last_used_at is not None

    ApiToken.objects.filter(pk=token.pk).update(expires_on=dt.date.today() - dt.timedelta(days=1))
    expired = call(raw, "/api/v1/units/")
    assert expired.status_code == 401 and "hết hạn" in expired.json()["detail"]
    assert expired["WWW-Authenticate"].startswith("Bearer")

    ApiToken.objects.filter(pk=token.pk).update(expires_on=dt.date.today() + dt.timedelta(days=1))
    token_revoke(token=ApiToken.objects.get(pk=token.pk), actor=user)
    assert call(raw, "/api/v1/units/").status_code == 401
    for bad in ["dg_" + "x" * 43, raw + "x", "", "không-phải-mã", "dg_\u0000"]:
        response = call(bad, "/api/v1/units/")
        assert response.status_code == 401, bad
        assert response["Content-Type"].startswith("application/json")
    assert call(None, "/api/v1/members/").status_code == 401


def test_a_session_is_not_accepted(world, client_for):
    client = client_for(world.users["officer"])
    response = client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_inactive_owners_token_stops_working(world, token_of, call):
    user = world.users["officer"]
    raw = token_of(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert call(raw, "/api/v1/units/").status_code == 401


def test_revoking_on_the_page_is_audited_and_only_for_the_owner(world, token_of, client_for, call):
    owner = world.users["secretary_a1"]
    raw = token_of(owner)
    token = ApiToken.objects.get(user=owner)
    other = client_for(world.users["officer"])
    assert other.post(f"/tai-khoan/ma-api/{token.pk}/thu-hoi/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    mine = client_for(owner)
    assert mine.post(f"/tai-khoan/ma-api/{token.pk}/thu-hoi/").status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked
    assert AuditEvent.objects.filter(action=Action.API_TOKEN_REVOKED, target_id=str(token.pk)).count() == 1
    assert call(raw, "/api/v1/units/").status_code == 401


def test_the_menu_links_the_token_page(world, client_for):
    page = client_for(world.users["member_a1"]).get("/").content.decode()
    assert 'href="/tai-khoan/ma-api/"' in page


def test_an_administrator_sees_and_revokes_a_token_in_the_admin_never_its_secret(world, token_of, call, client):
    from danhgia.api.models import ApiToken
    from danhgia.audit.models import Action, AuditEvent

    raw = token_of(world.users["officer"])
    token = ApiToken.objects.get(user=world.users["officer"])
    admin = world.users["officer"]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(admin)
    listing = client.get("/quan-tri/api/apitoken/").content.decode()
    assert token.prefix in listing and token.digest not in listing and raw not in listing
    detail = client.get(f"/quan-tri/api/apitoken/{token.pk}/change/").content.decode()
    assert token.digest not in detail and raw not in detail
    assert client.get("/quan-tri/api/apitoken/add/").status_code == 403
    response = client.post("/quan-tri/api/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked
    assert AuditEvent.objects.filter(action=Action.API_TOKEN_REVOKED, target_id=str(token.pk)).exists()
    client.logout()
    assert call(raw, "/api/v1/units/").status_code == 401


def test_a_token_reads_only_unless_made_to_write_on_the_page(world, client_for):
    user = world.users["officer"]
    client = client_for(user)
    expires = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    page = client.get("/tai-khoan/ma-api/").content.decode()
    assert 'name="can_write"' in page and "checked" not in page.split('name="can_write"')[1].split(">")[0]
    client.post("/tai-khoan/ma-api/", {"name": "Kho dữ liệu tỉnh", "expires_on": expires})
    client.post("/tai-khoan/ma-api/", {"name": "Văn phòng điện tử", "expires_on": expires, "can_write": "on"})
    tokens = {t.name: t.can_write for t in ApiToken.objects.filter(user=user)}
    assert tokens == {"Kho dữ liệu tỉnh": False, "Văn phòng điện tử": True}
    listing = client.get("/tai-khoan/ma-api/").content.decode()
    assert "Chỉ đọc" in listing and "Đọc và ghi" in listing
    created = AuditEvent.objects.filter(action=Action.API_TOKEN_CREATED).order_by("id")
    assert [e.new["can_write"] for e in created] == [False, True]
