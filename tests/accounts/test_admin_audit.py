"""The Django admin is audited like the pages (issue 16, item 8): roles granted and revoked, passwords set, users
deleted; and no event ever holds a secret (a password, its hash, a token)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from danhgia.accounts.models import Role, RoleAssignment, User
from danhgia.audit.models import Action, AuditEvent
from danhgia.audit.services import record

NEW_PASSWORD = "Mat-khau-moi-2026!"


class _Form(HTMLParser):
    """The values a browser would send for the page's main form (inputs, selects, text areas)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind in {"submit", "button", "file"}:
                return
            self.data.setdefault(name, []).append(a.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data


def form_of(client, url: str) -> dict[str, list[str]]:
    page = client.get(url)
    assert page.status_code == 200
    parser = _Form()
    parser.feed(page.content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data


@pytest.fixture
def admin(world, client):
    user = User.objects.create_superuser(username="quantri", password="mat-khau-quan-tri")
    client.force_login(user)
    return client


def change_url(user):
    return f"/quan-tri/accounts/user/{user.pk}/change/"


def events_text() -> str:
    return json.dumps(list(AuditEvent.objects.values("old", "new", "target_label")), ensure_ascii=False)


def test_a_role_granted_in_the_admin_is_recorded_with_its_scope(admin, world):
    member = world.users["member_a1"]
    data = form_of(admin, change_url(member))
    row = int(data["roles-TOTAL_FORMS"][0]) - 1  # the empty extra row
    data[f"roles-{row}-role"] = [Role.INSPECTOR]
    data[f"roles-{row}-unit"] = [str(world.commune_a.pk)]
    assert admin.post(change_url(member), data).status_code == 302
    assert RoleAssignment.objects.filter(user=member, role=Role.INSPECTOR).exists()
    event = AuditEvent.objects.get(action=Action.ROLE_GRANTED)
    assert event.target_id == str(member.pk) and event.actor.username == "quantri"
    assert event.new == {"role": Role.INSPECTOR, "unit": world.commune_a.pk}
    assert event.scope_path == world.commune_a.path  # read by those responsible for the commune


def test_a_role_revoked_in_the_admin_is_recorded_with_what_it_was(admin, world):
    secretary = world.users["secretary_a1"]
    data = form_of(admin, change_url(secretary))
    data["roles-0-DELETE"] = ["on"]
    assert admin.post(change_url(secretary), data).status_code == 302
    assert not RoleAssignment.objects.filter(user=secretary).exists()
    event = AuditEvent.objects.get(action=Action.ROLE_REVOKED)
    assert event.target_id == str(secretary.pk)
    assert event.old == {"role": Role.CELL_SECRETARY, "unit": world.cell_a1.pk}
    assert event.scope_path == world.cell_a1.path


def test_a_role_changed_in_the_admin_is_the_old_one_revoked_and_the_new_one_granted(admin, world):
    secretary = world.users["secretary_a1"]
    data = form_of(admin, change_url(secretary))
    data["roles-0-role"] = [Role.COMMITTEE_SECRETARY]
    data["roles-0-unit"] = [str(world.commune_a.pk)]
    assert admin.post(change_url(secretary), data).status_code == 302
    revoked = AuditEvent.objects.get(action=Action.ROLE_REVOKED)
    granted = AuditEvent.objects.get(action=Action.ROLE_GRANTED)
    assert revoked.old == {"role": Role.CELL_SECRETARY, "unit": world.cell_a1.pk}
    assert granted.new == {"role": Role.COMMITTEE_SECRETARY, "unit": world.commune_a.pk}


def test_a_password_set_in_the_admin_is_recorded_without_the_password(admin, world):
    officer = world.users["officer"]
    url = f"/quan-tri/accounts/user/{officer.pk}/password/"
    response = admin.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action=Action.ADMIN_PASSWORD_SET)
    assert event.target_id == str(officer.pk) and event.actor.username == "quantri"
    text = events_text()
    assert NEW_PASSWORD not in text and officer.password not in text


def test_a_password_refused_by_the_rules_records_nothing(admin, world):
    officer = world.users["officer"]
    url = f"/quan-tri/accounts/user/{officer.pk}/password/"
    admin.post(url, {"password1": "123", "password2": "123", "usable_password": "true"})
    assert not AuditEvent.objects.filter(action=Action.ADMIN_PASSWORD_SET).exists()


def test_a_user_added_with_a_password_in_the_admin_is_recorded_without_it(admin, world):
    data = form_of(admin, "/quan-tri/accounts/user/add/")
    data.update(username=["moi.taikhoan"], password1=[NEW_PASSWORD], password2=[NEW_PASSWORD])
    response = admin.post("/quan-tri/accounts/user/add/", data)
    assert response.status_code == 302
    user = User.objects.get(username="moi.taikhoan")
    assert AuditEvent.objects.filter(action=Action.ADMIN_PASSWORD_SET, target_id=str(user.pk)).exists()
    text = events_text()
    assert NEW_PASSWORD not in text and user.password not in text


def test_deleting_a_user_in_the_admin_keeps_no_password_hash_and_revokes_the_roles(admin, world):
    secretary = world.users["secretary_a1"]
    password_hash = User.objects.get(pk=secretary.pk).password
    response = admin.post(f"/quan-tri/accounts/user/{secretary.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=secretary.pk).exists()
    deleted = AuditEvent.objects.get(action=Action.ADMIN_DELETE, target_id=str(secretary.pk))
    assert deleted.old["username"] == "bithu.a1"
    assert "password" not in (deleted.old or {})
    assert password_hash not in events_text()
    revoked = AuditEvent.objects.get(action=Action.ROLE_REVOKED, target_id=str(secretary.pk))
    assert revoked.old == {"role": Role.CELL_SECRETARY, "unit": world.cell_a1.pk}


@pytest.mark.django_db
def test_no_event_holds_a_secret_whoever_writes_it():
    event = record(
        actor=None,
        action=Action.ADMIN_CHANGE,
        old={"password": "argon2$hash", "username": "a", "nested": {"token_hash": "abc", "secret_key": "k"}},
        new={"new_password1": "x", "api_token": "t", "name": "Tên"},
    )
    event.refresh_from_db()
    assert event.old == {"username": "a", "nested": {}}
    assert event.new == {"name": "Tên"}


def test_a_row_changed_in_any_inline_of_the_admin_is_recorded_old_and_new(admin, world):
    # A period's phases are edited as an inline of the period: each row changed is an event of its own.
    url = f"/quan-tri/periods/period/{world.period.pk}/change/"
    data = form_of(admin, url)
    phase = world.period.phases.order_by("position").first()
    row = next(k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == [str(phase.pk)])
    prefix = next(k for k in data if k.endswith("-id") and data[k] == [str(phase.pk)]).rsplit("-", 2)[0]
    data[f"{prefix}-{row}-name"] = ["Tự kiểm điểm (sửa)"]
    assert admin.post(url, data).status_code == 302
    event = AuditEvent.objects.get(action=Action.ADMIN_CHANGE, target_type="periods.phase")
    assert event.target_id == str(phase.pk)
    assert event.old == {"name": phase.name} and event.new == {"name": "Tự kiểm điểm (sửa)"}
