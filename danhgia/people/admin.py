from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from danhgia.audit.admin import AuditedModelAdmin
from danhgia.lib.forms import SafeJSONField
from danhgia.people.models import Membership, PartyMember, Person, Post, QuotaGroup
from danhgia.people.quota import check_rate
from danhgia.reviews import regroup


@admin.register(Person)
class PersonAdmin(AuditedModelAdmin):
    list_display = ["__str__", "birth_date", "gender", "ethnicity", "civil_servant"]
    search_fields = ["search_text", "national_id"]
    exclude = ["sort_key", "search_text"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        obj.refresh_derived()
        super().save_model(request, obj, form, change)


@admin.register(PartyMember)
class PartyMemberAdmin(AuditedModelAdmin):
    list_display = ["person", "admitted_on", "official_on", "card_number"]
    raw_id_fields = ["person"]
    search_fields = ["person__search_text", "card_number"]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["member", "unit", "status", "valid_from", "valid_to"]
    list_filter = ["status"]
    raw_id_fields = ["member", "unit"]


@admin.register(Post)
class PostAdmin(AuditedModelAdmin):
    list_display = ["title", "person", "unit", "role", "starts_on", "ends_on"]
    list_filter = ["role", "is_leader", "in_collective"]
    raw_id_fields = ["person", "unit"]
    search_fields = ["title", "person__search_text"]


class QuotaGroupAdminForm(forms.ModelForm):
    """The admin is one more way to set a group's rate: the same bounds as the group form (quota.check_rate)."""

    class Meta:
        model = QuotaGroup
        fields = ["period", "unit", "name", "subject_kind", "rule", "rate", "rate_reason", "rate_decided_by"]
        field_classes = {"rule": SafeJSONField}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        period = data.get("period")
        if period is not None and not self.has_error("rate"):
            try:
                check_rate(
                    period=period,
                    rate=data.get("rate"),
                    reason=data.get("rate_reason") or "",
                    decided_by=data.get("rate_decided_by") or "",
                )
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    for message in messages:
                        self.add_error(field, message)
        return data


@admin.register(QuotaGroup)
class QuotaGroupAdmin(AuditedModelAdmin):
    form = QuotaGroupAdminForm
    list_display = ["name", "period", "unit", "subject_kind", "rate"]
    raw_id_fields = ["unit"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A group being decided is the frame of its decisions (people/quota.py): its rate, rule, scope and kind
        # are not changed here either; the page shows it read-only.
        if obj is not None and regroup.group_in_decision(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Decisions were taken, or are awaited, under the group's quota (reviews/regroup.py): the group stays.
        if obj is not None and regroup.group_in_decision(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        if regroup.group_in_decision(obj):
            messages.error(request, f"Nhóm «{obj.name}» đã có hoặc đang chờ quyết định xếp loại: không xóa được.")
            return
        # Its reviews become ungrouped, each audited, as when the group is deleted from its page.
        regroup.apply(moves=regroup.group_reviews(obj), target=None, actor=request.user)  # type: ignore[arg-type]
        super().delete_model(request, obj)
