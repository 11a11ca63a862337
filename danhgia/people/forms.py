from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danhgia.lib.forms import BoundedDateField, IdField
from danhgia.people.models import MemberStatus

DATE_INPUT = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": _("ngày/tháng/năm"), "inputmode": "numeric"})


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Họ tên hoặc số định danh"),
        max_length=80,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "placeholder": _("ví dụ: nguyen van a")}
        ),
    )


class TransferForm(forms.Form):
    to_cell = IdField(label=_("Chuyển đến chi bộ"), widget=forms.RadioSelect)
    on = BoundedDateField(label=_("Ngày chuyển sinh hoạt"), widget=DATE_INPUT, initial=dt.date.today)
    note = forms.CharField(label=_("Ghi chú"), max_length=200, required=False)

    def __init__(self, *args: Any, cells: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_cell"].widget.choices = cells or []
        self.fields["to_cell"].error_messages["required"] = _("Hãy chọn chi bộ chuyển đến.")


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái mới"), choices=MemberStatus.choices)
    on = BoundedDateField(label=_("Từ ngày"), widget=DATE_INPUT, initial=dt.date.today)
    note = forms.CharField(label=_("Lý do, căn cứ"), max_length=200, required=True)
