from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from danhgia.lib.forms import BoundedDateField

DEFAULT_DAYS = 90


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Tên gợi nhớ"),
        max_length=100,
        help_text=_("Hệ thống nào sẽ dùng mã này, ví dụ: «Kho dữ liệu tỉnh»."),
    )
    expires_on = BoundedDateField(
        label=_("Hết hạn sau ngày"),
        help_text=_("Tối đa một năm kể từ hôm nay."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    can_write = forms.BooleanField(
        label=_("Cho phép ghi dữ liệu"),
        required=False,
        help_text=_(
            "Chỉ chọn khi hệ thống dùng mã cần nhập dữ liệu từ tệp hoặc ghi nhận quyết định qua API. "
            "Mã cho kho dữ liệu, báo cáo thì chỉ đọc: để trống."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=DEFAULT_DAYS)
