"""Deployment defaults (issue 16, item 7): the secret key, login throttling by address, the Content-Security-Policy,
HTTPS settings and `check --deploy`.

The settings are read from the environment when config/settings.py is imported, so the tests of what an
environment gives run a fresh interpreter with that environment only (no variable of the test run leaks in).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
# The key every install ran on when none was set, published in the repository's history: anyone can sign with it.
PUBLISHED_KEY = "insecure-development-key-change-me-in-production"
PASSWORD = "mat-khau-thu-nghiem"


def _env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """A bare environment: nothing of the test run's, the data directory in tmp_path."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DANHGIA_VAR_DIR": str(tmp_path / "var"),
        "DANHGIA_SQLITE_PATH": str(tmp_path / "danhgia.sqlite3"),
        **variables,
    }


SHOW_SETTINGS = (
    "import json, config.settings as s; print(json.dumps({k: getattr(s, k) for k in ["
    "'SECRET_KEY', 'DEBUG', 'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'EMAIL_BACKEND']}))"
)


def _settings_under(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def _production(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The environment docs/operations.md asks of a production install behind HTTPS."""
    return _env(
        tmp_path,
        DANHGIA_DEBUG="0",
        DANHGIA_SECRET_KEY=secrets.token_urlsafe(50),
        DANHGIA_ALLOWED_HOSTS="danhgia.tinh.gov.vn",
        DANHGIA_CSRF_TRUSTED_ORIGINS="https://danhgia.tinh.gov.vn",
        DANHGIA_HSTS_SUBDOMAINS="1",
        DANHGIA_HSTS_PRELOAD="1",
        **variables,
    )


# ---------------------------------------------------------------------------------------------- the secret key


def test_without_smtp_a_production_install_drops_mail_instead_of_logging_its_links(tmp_path):
    """Found by a review: the console backend printed every invitation, its single-use link included, to the log."""
    shown = json.loads(_settings_under(_production(tmp_path)).stdout)
    assert shown["EMAIL_BACKEND"] == "django.core.mail.backends.dummy.EmailBackend"
    demo = json.loads(_settings_under(_env(tmp_path, DANHGIA_DEMO="1")).stdout)
    assert demo["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    smtp = json.loads(_settings_under(_production(tmp_path, DANHGIA_EMAIL_HOST="mail.tinh.gov.vn")).stdout)
    assert smtp["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_without_a_key_outside_demo_and_debug_the_settings_refuse_to_load(tmp_path):
    result = _settings_under(_env(tmp_path, DANHGIA_DEBUG="0", DANHGIA_DEMO="0"))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DANHGIA_SECRET_KEY" in result.stderr
    assert not (tmp_path / "var" / "secret_key").exists()  # production never makes up a key of its own


def test_the_published_default_key_is_refused_even_when_set_on_purpose(tmp_path):
    result = _settings_under(_env(tmp_path, DANHGIA_SECRET_KEY=PUBLISHED_KEY))
    assert result.returncode != 0
    assert "DANHGIA_SECRET_KEY" in result.stderr


def test_the_command_line_refuses_to_start_without_a_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "danhgia", "check"], cwd=ROOT, env=_env(tmp_path), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DANHGIA_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("mode", ["DANHGIA_DEMO", "DANHGIA_DEBUG"])
def test_demo_and_debug_without_a_key_use_one_made_for_the_install_and_kept(tmp_path, mode):
    first = _settings_under(_env(tmp_path, **{mode: "1"}))
    assert first.returncode == 0, first.stderr
    key = json.loads(first.stdout)["SECRET_KEY"]
    stored = tmp_path / "var" / "secret_key"
    assert key == stored.read_text(encoding="utf-8").strip()
    assert key != PUBLISHED_KEY and len(key) >= 50
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600  # readable by the server's account only
    # Kept: sessions and signed links survive a restart.
    assert json.loads(_settings_under(_env(tmp_path, **{mode: "1"})).stdout)["SECRET_KEY"] == key
    # Another install makes another key.
    other = json.loads(_settings_under(_env(tmp_path / "other", **{mode: "1"})).stdout)["SECRET_KEY"]
    assert other != key


def test_the_key_from_the_environment_or_a_file_wins(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("k" * 20 + secrets.token_urlsafe(40) + "\n", encoding="utf-8")
    shown = json.loads(_settings_under(_env(tmp_path, DANHGIA_SECRET_KEY_FILE=str(key_file))).stdout)
    assert shown["SECRET_KEY"] == key_file.read_text(encoding="utf-8").strip()
    assert not (tmp_path / "var" / "secret_key").exists()


def _messages_cookie(text: str) -> str:
    """The messages cookie Django would set for `text`, signed with the current key."""
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(constants.ERROR, text)
    response = HttpResponse()
    storage.update(response)
    return response.cookies["messages"].value


@pytest.mark.django_db
def test_a_cookie_forged_with_the_published_key_is_refused(client, settings):
    assert settings.SECRET_KEY != PUBLISHED_KEY
    # The probe's forgery: a message of the attacker's own shown on the site's login page, signed with the
    # published key; the same cookie signed with the install's key is shown (the forgery is what is refused).
    with override_settings(SECRET_KEY=PUBLISHED_KEY):
        forged = _messages_cookie("Tài khoản sẽ bị khóa: gọi ngay số 0900 000 000")
    client.cookies["messages"] = forged
    assert "gọi ngay số 0900" not in client.get(reverse("accounts-login")).content.decode()
    client.cookies["messages"] = _messages_cookie("Thông báo thật của hệ thống")
    assert "Thông báo thật của hệ thống" in client.get(reverse("accounts-login")).content.decode()


# ------------------------------------------------------------------------------------------- password spraying


def _fail(client, username, address="10.1.1.1"):
    return client.post(
        reverse("accounts-login"), {"username": username, "password": "Matkhau@2025"}, REMOTE_ADDR=address
    )


def _log_in(client, username, address="10.1.1.1"):
    return client.post(reverse("accounts-login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=address)


def test_one_password_across_forty_accounts_locks_the_address(world, client):
    statuses = [_fail(client, f"taikhoan{i:02}").status_code for i in range(40)]
    # Each account failed once only: before the address limit, nothing was ever locked.
    assert statuses[:19] == [200] * 19
    assert set(statuses[20:]) == {429}
    # The address is locked for every account, even with the right password...
    locked = _log_in(client, "bantochuc")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    # ...and the account itself is not: its owner logs in from another computer.
    assert _log_in(client, "bantochuc", address="10.2.2.2").status_code == 302


def test_an_insider_cannot_reset_the_address_count_by_logging_in(world, client):
    for i in range(19):
        assert _fail(client, f"taikhoan{i:02}").status_code == 200
    # A successful login of the sprayer's own account resets that account's failures, not the address's.
    assert _log_in(client, "kiemtra").status_code == 302
    client.post(reverse("accounts-logout"))
    assert _fail(client, "taikhoan99").status_code == 429


def test_one_account_from_one_address_is_still_locked_after_five_failures(world, client):
    for _ in range(5):
        _fail(client, "bantochuc")
    assert _log_in(client, "bantochuc").status_code == 429
    # Others behind the same address (an office's shared connection) still log in.
    assert _log_in(client, "kiemtra").status_code == 302


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_saw(world, client, settings):
    settings.DANHGIA_PROXIES = 1
    # Every request arrives from the proxy; the sprayer's address is the last one the proxy added.
    for i in range(20):
        client.post(
            reverse("accounts-login"),
            {"username": f"taikhoan{i:02}", "password": "Matkhau@2025"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.50, 10.9.9.9",
        )
    # Whatever the sprayer wrote first in the header: the proxy's own entry counts.
    sprayer = client.post(
        reverse("accounts-login"),
        {"username": "bantochuc", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7, 10.9.9.9",
    )
    assert sprayer.status_code == 429
    colleague = client.post(
        reverse("accounts-login"),
        {"username": "bantochuc", "password": PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.8.8.8",
    )
    assert colleague.status_code == 302


# ------------------------------------------------------------------------------------- Content-Security-Policy


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_every_page_has_a_policy_without_inline_scripts(world, client):
    client.force_login(world.users["officer"])
    for url in [reverse("accounts-login"), reverse("home"), "/quan-tri/"]:
        policy = _policy(client.get(url))
        assert policy["default-src"] == "default-src 'self'"
        assert policy["script-src"] == "script-src 'self'"
        assert policy["object-src"] == "object-src 'none'"
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        assert policy["form-action"] == "form-action 'self'"
        assert policy["base-uri"] == "base-uri 'none'"
        assert "unsafe" not in policy["style-src"]  # <style> elements from the site's files only


TEMPLATES = ROOT / "danhgia" / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def test_templates_have_no_script_the_policy_would_block():
    offenders = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            if INLINE_SCRIPT.search(line) or EVENT_HANDLER.search(line) or JAVASCRIPT_URL.search(line):
                offenders.append(f"{template.relative_to(TEMPLATES)}:{number}: {line.strip()[:120]}")
    assert offenders == [], "inline scripts are refused by the Content-Security-Policy:\n" + "\n".join(offenders)


def test_htmx_inserts_no_style_element_of_its_own(world, client):
    client.force_login(world.users["officer"])
    body = client.get(reverse("home")).content.decode()
    config = re.search(r"<meta name=\"htmx-config\" content='([^']*)'", body)
    assert config is not None
    assert json.loads(config.group(1))["includeIndicatorStyles"] is False
    assert body.index('name="htmx-config"') < body.index("django_htmx/htmx-")


# ---------------------------------------------------------------------------------------------- HTTPS, check


def test_demo_and_debug_never_send_hsts_production_does(tmp_path):
    demo = json.loads(_settings_under(_env(tmp_path, DANHGIA_DEMO="1")).stdout)
    assert demo["SECURE_HSTS_SECONDS"] == 0
    assert demo["SECURE_SSL_REDIRECT"] is False
    production = json.loads(_settings_under(_production(tmp_path)).stdout)
    assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    chosen = json.loads(_settings_under(_production(tmp_path, DANHGIA_HSTS_SECONDS="600")).stdout)
    assert chosen["SECURE_HSTS_SECONDS"] == 600


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "danhgia", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_test_run_itself_has_a_key_of_its_own():
    # tests/settings.py: the suite never runs on a published key either.
    assert os.environ["DANHGIA_SECRET_KEY"] != PUBLISHED_KEY
