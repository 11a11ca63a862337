from django import forms

from danhgia.audit.models import Action
from danhgia.people.forms import DATE_INPUT


class AuditFilterForm(forms.Form):
    action = forms.TypedChoiceField(
        label="Hành động", choices=[("", "Tất cả"), *Action.choices], coerce=int, empty_value=None, required=False
    )
    actor = forms.CharField(label="Người thực hiện", max_length=150, required=False)
    since = forms.DateField(label="Từ ngày", widget=DATE_INPUT, required=False)
    until = forms.DateField(label="Đến ngày", widget=DATE_INPUT, required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "«Đến ngày» phải sau «Từ ngày».")
        return data
