from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danhgia.lib.dates import today
from danhgia.lib.forms import BoundedDateField, IdField
from danhgia.orgs.models import UnitKind
from danhgia.people.forms import DATE_INPUT
from danhgia.people.models import PostRole, SubjectKind
from danhgia.people.quota import RULE_KINDS
from danhgia.periods.models import REGIME_CHOICES, PeriodKind
from danhgia.periods.services import year_problems


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại kỳ"), choices=PeriodKind.choices, initial=PeriodKind.ANNUAL)
    year = forms.IntegerField(
        label=_("Năm"), min_value=2018, max_value=2100, initial=lambda: today().year,
        error_messages={
            "min_value": _("Năm phải từ 2018 trở đi (Quy định 132-QĐ/TW là quy định sớm nhất được hỗ trợ)."),
            "max_value": _("Năm không được quá %(limit_value)s."),
        },
    )  # fmt: skip
    quarter = forms.TypedChoiceField(
        label=_("Quý (kỳ hằng quý)"),
        choices=[("", "—"), (1, _("Quý 1")), (2, _("Quý 2")), (3, _("Quý 3")), (4, _("Quý 4"))],
        coerce=int, empty_value=None, required=False,
    )  # fmt: skip
    regime = forms.ChoiceField(
        label=_("Quy định áp dụng"), choices=[("", _("Theo năm (mặc định)")), *REGIME_CHOICES], required=False,
        help_text=_("Để trống: 2018–2022 theo QĐ 132, 2023–2024 theo QĐ 124, từ 2025 theo QĐ 366."),
    )  # fmt: skip
    name = forms.CharField(label=_("Tên kỳ (để trống để đặt tự động)"), max_length=200, required=False)
    starts_on = BoundedDateField(label=_("Từ ngày (kỳ nhiệm kỳ, đột xuất)"), widget=DATE_INPUT, required=False)
    ends_on = BoundedDateField(label=_("Đến ngày"), widget=DATE_INPUT, required=False)

    def clean(self) -> dict[str, Any]:
        # Checked with the fields, so that every mistake is shown in one pass.
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("Ngày kết thúc phải sau ngày bắt đầu."))
        if data.get("year") is not None:
            # The service's own check (a regime outside its years, a year far from today), shown in this pass.
            for field, problem in year_problems(data["year"], data.get("regime") or None).items():
                self.add_error(field, problem)
        return data


class PhaseForm(forms.Form):
    starts_on = BoundedDateField(label=_("Bắt đầu"), widget=DATE_INPUT)
    deadline = BoundedDateField(label=_("Hạn hoàn thành"), widget=DATE_INPUT)


class QuotaGroupForm(forms.Form):
    name = forms.CharField(label=_("Tên nhóm"), max_length=200)
    subject_kind = forms.ChoiceField(label=_("Đối tượng"), choices=SubjectKind.choices)
    rule_kind = forms.ChoiceField(label=_("Cách lập danh sách"), choices=list(RULE_KINDS.items()))
    under = IdField(label=_("Phạm vi (tổ chức)"), widget=forms.RadioSelect)
    unit_kinds = forms.MultipleChoiceField(
        label=_("Loại đơn vị"), choices=UnitKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    roles = forms.MultipleChoiceField(
        label=_("Vai trò chức vụ"), choices=PostRole.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    title_contains = forms.CharField(label=_("Chức vụ có chứa (tùy chọn)"), max_length=60, required=False)
    grassroots_only = forms.BooleanField(label=_("Chỉ tổ chức cơ sở đảng"), required=False)
    rate = forms.DecimalField(
        label=_("Tỷ lệ HTXS tối đa (để trống: theo quy định, 20%)"), min_value=0.01, max_value=1, decimal_places=3,
        required=False, localize=True,
        help_text=_("Ví dụ 0,25 cho trường hợp đơn vị có thành tích xuất sắc (QĐ 366 Điều 11)."),
    )  # fmt: skip
    rate_reason = forms.CharField(label=_("Căn cứ, lý do điều chỉnh tỷ lệ"), max_length=300, required=False)
    rate_decided_by = forms.CharField(
        label=_("Cấp có thẩm quyền quyết định tỷ lệ (số, ngày văn bản)"), max_length=200, required=False,
        help_text=_("Bắt buộc khi tỷ lệ trên 20%."),
    )  # fmt: skip

    def __init__(self, *args: Any, units: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["under"].widget.choices = units or []
        self.fields["under"].error_messages["required"] = _("Hãy tìm và chọn tổ chức làm phạm vi của nhóm.")

    def rule(self) -> dict[str, Any]:
        data = self.cleaned_data
        rule: dict[str, Any] = {"kind": data["rule_kind"]}
        if data["rule_kind"] != "manual":
            rule["under"] = data["under"]
            if data["unit_kinds"]:
                rule["unit_kinds"] = data["unit_kinds"]
            if data["roles"]:
                rule["roles"] = data["roles"]
            if data["title_contains"]:
                rule["title_contains"] = data["title_contains"]
            if data["grassroots_only"]:
                rule["grassroots_only"] = True
        return rule


class AddEntryForm(forms.Form):
    subject = IdField(label=_("Đối tượng"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].widget.choices = choices or []
        self.fields["subject"].error_messages["required"] = _("Hãy tìm và chọn đối tượng.")
