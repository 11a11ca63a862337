from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from danhgia.accounts.models import RoleAssignment, User
from danhgia.audit.admin import AuditedModelAdmin


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    raw_id_fields = ["unit"]


@admin.register(User)
class DanhGiaUserAdmin(AuditedModelAdmin, UserAdmin):
    inlines = [RoleInline]
    raw_id_fields = ["person"]
    fieldsets = (*UserAdmin.fieldsets, ("DanhGia", {"fields": ("person", "is_demo")}))  # type: ignore[misc]


admin.site.site_header = "DanhGia — Quản trị dữ liệu"
admin.site.site_title = "DanhGia"
admin.site.index_title = "Quản trị dữ liệu"
