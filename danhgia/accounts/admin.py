from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse

from danhgia.accounts.models import RoleAssignment, User
from danhgia.audit.admin import AuditedModelAdmin
from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.orgs.models import Unit


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    raw_id_fields = ["unit"]


def _role_values(role: str, unit_id: Any) -> dict[str, Any]:
    return {"role": role, "unit": unit_id}


@admin.register(User)
class DanhGiaUserAdmin(AuditedModelAdmin, UserAdmin):
    """Accounts. Roles granted and revoked here are ROLE_GRANTED / ROLE_REVOKED events, on the user, in the role's
    scope (read by those responsible for the unit); a password set here is an event that never holds it."""

    inlines = [RoleInline]
    raw_id_fields = ["person"]
    fieldsets = (*UserAdmin.fieldsets, ("DanhGia", {"fields": ("person", "is_demo")}))  # type: ignore[misc]

    def _role_event(self, request: HttpRequest, action: Action, user: models.Model, values: dict[str, Any]) -> None:
        unit = Unit.objects.filter(pk=values["unit"]).first()
        old, new = (values, None) if action == Action.ROLE_REVOKED else (None, values)
        record(actor=request.user, action=action, target=user, unit=unit, old=old, new=new)  # type: ignore[arg-type]

    def audit_inline(
        self, request: HttpRequest, obj: models.Model, *, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> None:
        if not isinstance(obj, RoleAssignment):
            super().audit_inline(request, obj, old=old, new=new)
            return
        if new is None:  # deleted: the role as it was read
            self._role_event(request, Action.ROLE_REVOKED, obj.user, _role_values(old["role"], old["unit"]))  # type: ignore[index]
            return
        if old is not None:  # changed in place (another role, another unit): the old one revoked, the new granted
            before = _role_values(old.get("role", obj.role), old.get("unit", obj.unit_id))
            self._role_event(request, Action.ROLE_REVOKED, obj.user, before)
        self._role_event(request, Action.ROLE_GRANTED, obj.user, _role_values(obj.role, obj.unit_id))

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            # The add form sets the first password.
            record(actor=request.user, action=Action.ADMIN_PASSWORD_SET, target=obj)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        # The account's roles go with it (CASCADE): each is revoked, as if removed one by one.
        for role in RoleAssignment.objects.filter(user=obj).order_by("pk"):
            self._role_event(request, Action.ROLE_REVOKED, obj, _role_values(role.role, role.unit_id))
        super().delete_model(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        """Django's page, audited: an event when the stored password changed (set, or password login disabled).
        Told by comparing the stored hashes in memory; neither the password nor a hash reaches the event."""
        with transaction.atomic():
            before = User.objects.filter(pk=id).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=id).first()
            if request.method == "POST" and user is not None and user.password != before:
                action = Action.ADMIN_PASSWORD_SET if user.has_usable_password() else Action.ADMIN_PASSWORD_DISABLED
                record(actor=request.user, action=action, target=user)  # type: ignore[arg-type]
        return response


admin.site.site_header = "DanhGia — Quản trị dữ liệu"
admin.site.site_title = "DanhGia"
admin.site.index_title = "Quản trị dữ liệu"
