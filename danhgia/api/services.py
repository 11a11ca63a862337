"""Writes of the API app: personal access tokens, created and revoked by their owner, each audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from danhgia.api.models import ApiToken
from danhgia.audit.models import Action
from danhgia.audit.services import record

if TYPE_CHECKING:
    from danhgia.accounts.models import User

TOKEN_START = "dg_"  # noqa: S105 (not a secret: marks a DanhGia token, so that secret scanners and people recognise one)
PREFIX_LENGTH = 11  # "dg_" and 8 characters of the secret: enough to tell a user's tokens apart
MAX_DAYS = 365  # a token lives at most a year (issue 10): a forgotten token stops working by itself
MAX_ACTIVE = 20  # usable tokens per account: one per system that reads, not one per call


def digest_of(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, expires_on: dt.date | None, actor: User, can_write: bool = False
) -> tuple[ApiToken, str]:
    """A new token of `user`, and its secret: the only time the secret exists outside the caller's hands.
    `can_write`: the token may also call the write endpoints (read-only by default)."""
    name = (name or "").strip()
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Cần đặt tên gợi nhớ cho mã (ví dụ: tên hệ thống sẽ dùng mã)."
    elif len(name) > 100:
        errors["name"] = "Tên gợi nhớ dài quá 100 ký tự."
    if expires_on is None:
        errors["expires_on"] = "Cần chọn ngày hết hạn."
    elif expires_on <= today:
        errors["expires_on"] = "Ngày hết hạn phải sau hôm nay."
    elif expires_on > today + dt.timedelta(days=MAX_DAYS):
        errors["expires_on"] = "Mã truy cập có hiệu lực tối đa một năm."
    usable = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_on__gte=today).count()
    if usable >= MAX_ACTIVE:
        errors["name"] = f"Mỗi tài khoản có tối đa {MAX_ACTIVE} mã đang dùng; hãy thu hồi mã không còn dùng."
    if not user.is_active:
        errors["name"] = "Tài khoản đã bị khóa."
    if errors:
        raise ValidationError(errors)
    assert expires_on is not None
    raw = TOKEN_START + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[:PREFIX_LENGTH],
        digest=digest_of(raw),
        expires_on=expires_on,
        can_write=can_write,
    )
    record(
        actor=actor,
        action=Action.API_TOKEN_CREATED,
        target=token,
        new={
            "name": name,
            "prefix": token.prefix,
            "expires_on": expires_on,
            "can_write": can_write,
            "user": user.get_username(),
        },
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is not None:
        raise ValidationError({"token": "Mã này đã được thu hồi."})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action=Action.API_TOKEN_REVOKED,
        target=token,
        old={"revoked": False},
        new={"revoked": True, "prefix": token.prefix},
    )
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The usable token whose secret is `raw`, or None (unknown, expired, revoked, or its account cannot log in)."""
    if not raw.startswith(TOKEN_START) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest_of(raw)).first()
    if token is None or not token.usable or not token.user.is_active:
        return None
    # Demo accounts have published passwords: they log in only in demo mode, and so do their tokens.
    if token.user.is_demo and not settings.DEMO_MODE:
        return None
    now = timezone.now()
    # One write a minute at most, not one per call: the page says roughly when a token was last used.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
