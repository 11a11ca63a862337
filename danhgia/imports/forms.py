from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danhgia.orgs.models import Unit


class UploadForm(forms.Form):
    scope = forms.ModelChoiceField(
        queryset=Unit.objects.none(),
        label=_("Nhập vào"),
        empty_label=None,
        help_text=_("Mọi đơn vị, đảng viên trong tệp phải thuộc đơn vị này."),
    )
    file = forms.FileField(label=_("Tệp Excel (.xlsx) hoặc CSV"))

    def __init__(self, *args: Any, roots: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = Unit.objects.filter(pk__in=[u.pk for u in roots]).order_by("path")  # type: ignore[attr-defined]


class ConfirmForm(forms.Form):
    digest = forms.CharField(widget=forms.HiddenInput)
    skip_refused = forms.BooleanField(required=False, label=_("Nhập các dòng hợp lệ, bỏ qua các dòng bị từ chối"))
