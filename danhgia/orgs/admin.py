from django.contrib import admin

from danhgia.audit.admin import AuditedModelAdmin
from danhgia.orgs.models import Unit


@admin.register(Unit)
class UnitAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "locality", "is_grassroots", "parent"]
    list_filter = ["kind", "locality", "is_grassroots"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]
    # Creating and moving units goes through the services (tree paths); the admin edits the other fields.
    exclude = ["sort_key", "search_text"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return ["path", "parent", "kind"]
