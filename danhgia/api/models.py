"""Personal access tokens of the JSON API (docs/api.md)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A token that acts as its owner, with exactly the owner's scope and permissions.

    Only the SHA-256 digest of the secret is stored: the secret is 256 random bits, so a fast hash is enough (no
    dictionary to try) and a stolen database yields no usable token. The prefix, the first characters of the
    token, is kept in clear so that the owner can tell their tokens apart and an administrator can match a leaked
    token to its row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="Tài khoản"
    )
    name = models.CharField("Tên gợi nhớ", max_length=100)
    prefix = models.CharField("Phần đầu của mã", max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("Tạo lúc", auto_now_add=True)
    expires_on = models.DateField("Hết hạn sau ngày")
    last_used_at = models.DateTimeField("Dùng lần cuối", null=True, blank=True)
    revoked_at = models.DateTimeField("Thu hồi lúc", null=True, blank=True)
    # Chosen when the token is made, never changed: a token for a data warehouse only reads. A writing token starts
    # imports and records decisions, still with exactly its owner's permissions (docs/api.md).
    can_write = models.BooleanField("Được ghi dữ liệu", default=False, editable=False)

    class Meta:
        verbose_name = "Mã truy cập API"
        verbose_name_plural = "Mã truy cập API"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def expired(self, today: dt.date | None = None) -> bool:
        return (today or timezone.localdate()) > self.expires_on

    @property
    def usable(self) -> bool:
        return not self.revoked and not self.expired()
