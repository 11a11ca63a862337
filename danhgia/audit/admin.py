from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelForm, model_to_dict
from django.http import HttpRequest

from danhgia.audit.models import Action, AuditEvent
from danhgia.audit.services import _jsonable, record
from danhgia.lib.forms import SafeJSONField, day_validator


class AuditedModelAdmin(admin.ModelAdmin):
    """Django admin for data managers: every save and delete writes an audit event, like the services."""

    def formfield_for_dbfield(self, db_field: models.Field, request: HttpRequest, **kwargs: Any) -> Any:
        if isinstance(db_field, models.JSONField):
            kwargs.setdefault("form_class", SafeJSONField)  # a 5,000-digit number is invalid JSON, not a 500
        # The admin's dates are bounded as the application's forms are (lib/forms.py): a date of 9999 breaks
        # the date arithmetic of every page that reads it.
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField) and field:
            field.validators.append(day_validator(db_field.verbose_name))
        return field

    def _unit_of(self, obj: models.Model) -> Any:
        unit = getattr(obj, "unit", None)
        if unit is None and obj._meta.label == "orgs.Unit":
            unit = obj
        return unit

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool) -> None:
        old = {f: _jsonable(form.initial.get(f)) for f in form.changed_data} if change else None
        super().save_model(request, obj, form, change)
        new = {k: _jsonable(v) for k, v in model_to_dict(obj, fields=form.changed_data).items()}
        record(actor=request.user, action=Action.ADMIN_CHANGE, target=obj, unit=self._unit_of(obj), old=old, new=new)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        old = {k: _jsonable(v) for k, v in model_to_dict(obj).items()}
        record(actor=request.user, action=Action.ADMIN_DELETE, target=obj, unit=self._unit_of(obj), old=old)  # type: ignore[arg-type]
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        """Rows of an inline (a period's phases, a user's roles) are audited as the rows themselves would be:
        each added, changed (old → new of what changed) or deleted row is one event, by `audit_inline`."""
        deleted = [(f.instance, dict(f.initial)) for f in formset.deleted_forms if f.instance.pk is not None]
        initial = {f.instance.pk: f.initial for f in formset.initial_forms if f.instance.pk is not None}
        # Recorded before the rows go, while they still have their ids; the values are the ones read, not posted.
        for obj, values in deleted:
            self.audit_inline(request, obj, old={k: _jsonable(v) for k, v in values.items()}, new=None)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self.audit_inline(request, obj, old=None, new={k: _jsonable(v) for k, v in model_to_dict(obj).items()})
        for obj, fields in formset.changed_objects:
            old = {f: _jsonable(initial.get(obj.pk, {}).get(f)) for f in fields}
            new = {k: _jsonable(v) for k, v in model_to_dict(obj, fields=fields).items()}
            self.audit_inline(request, obj, old=old, new=new)

    def audit_inline(
        self, request: HttpRequest, obj: models.Model, *, old: dict[str, Any] | None, new: dict[str, Any] | None
    ) -> None:
        """One inline row added (old None), changed, or deleted (new None)."""
        action = Action.ADMIN_DELETE if new is None else Action.ADMIN_CHANGE
        record(actor=request.user, action=action, target=obj, unit=self._unit_of(obj), old=old, new=new)  # type: ignore[arg-type]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    list_display = ["time", "actor_name", "action_label", "target_label"]
    search_fields = ["actor_name", "target_label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
