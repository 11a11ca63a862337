from django.contrib import admin

from danhgia.audit.admin import AuditedModelAdmin
from danhgia.periods.models import Period, Phase


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Period)
class PeriodAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "year", "quarter", "regime", "status"]
    inlines = [PhaseInline]
    raw_id_fields = ["unit"]
