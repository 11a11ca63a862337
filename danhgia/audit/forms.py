from django import forms
from django.utils.translation import gettext_lazy as _

from danhgia.audit.models import Action
from danhgia.lib.forms import BoundedDateField
from danhgia.people.forms import DATE_INPUT


class AuditFilterForm(forms.Form):
    action = forms.TypedChoiceField(
        label=_("Hành động"), choices=[("", _("Tất cả")), *Action.choices], coerce=int, empty_value=None, required=False
    )
    actor = forms.CharField(label=_("Người thực hiện"), max_length=150, required=False)
    since = BoundedDateField(label=_("Từ ngày"), widget=DATE_INPUT, required=False)
    until = BoundedDateField(label=_("Đến ngày"), widget=DATE_INPUT, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("«Đến ngày» phải sau «Từ ngày»."))
        return data
