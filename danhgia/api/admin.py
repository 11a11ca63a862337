"""The API's tokens in the admin: seen and revoked by an administrator (a leaked token matched by its prefix), never
made or changed there. A token is made by its owner on their own page, where its secret is shown once; the admin
never shows the secret's digest either."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from danhgia.api.models import ApiToken
from danhgia.api.services import token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "can_write", "created_at", "expires_on", "last_used_at", "revoked_at"]
    list_filter = ["can_write", "revoked_at", "expires_on"]
    search_fields = ["prefix", "name", "user__username"]
    fields = ["user", "name", "prefix", "can_write", "created_at", "expires_on", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "can_write", "created_at", "expires_on", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only: the one change is the revocation, an action below (audited by the service)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked, not deleted: the audit log refers to it

    @admin.action(description="Thu hồi các mã đã chọn")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
            except ValidationError:
                continue
            done += 1
        messages.success(request, f"Đã thu hồi {done} mã.")
