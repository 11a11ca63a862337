from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danhgia.lib.forms import BoundedDateField, IdField
from danhgia.orgs.models import Locality, UnitKind
from danhgia.people.forms import DATE_INPUT
from danhgia.people.models import PostRole


class UnitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại"), choices=UnitKind.choices)
    name = forms.CharField(label=_("Tên"), max_length=200)
    code = forms.CharField(label=_("Mã (tùy chọn)"), max_length=40, required=False)
    locality = forms.ChoiceField(label=_("Cấp địa bàn"), choices=Locality.choices, required=False)
    is_grassroots = forms.BooleanField(label=_("Là tổ chức cơ sở đảng"), required=False)
    collective_name = forms.CharField(
        label=_("Tên tập thể lãnh đạo, quản lý (nếu có)"), max_length=200, required=False,
        help_text=_("Ví dụ: Ban Thường vụ Đảng ủy xã…, Tập thể lãnh đạo UBND xã…, Ban Giám hiệu…"),
    )  # fmt: skip
    founded_on = BoundedDateField(label=_("Ngày thành lập"), widget=DATE_INPUT, required=False)


class UnitEditForm(UnitForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]  # the kind decides the place in the tree; change it by creating a new unit


class DissolveForm(forms.Form):
    dissolved_on = BoundedDateField(label=_("Ngày giải thể, sáp nhập"), widget=DATE_INPUT)


class PickForm(forms.Form):
    """A choice among search results (radio buttons), e.g. the new parent of a unit or a person."""

    choice = IdField(widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, choices: list[tuple[int, str]] | None = None, label: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["choice"].widget.choices = choices or []
        self.fields["choice"].label = label
        self.fields["choice"].error_messages["required"] = _("Hãy tìm và chọn một mục trong danh sách.")


class PostForm(PickForm):
    title = forms.CharField(label=_("Chức vụ"), max_length=120)
    role = forms.ChoiceField(label=_("Vai trò"), choices=PostRole.choices)
    is_leader = forms.BooleanField(label=_("Cán bộ lãnh đạo, quản lý"), required=False)
    in_collective = forms.BooleanField(label=_("Thành viên tập thể lãnh đạo, quản lý"), required=False)
    starts_on = BoundedDateField(label=_("Từ ngày"), widget=DATE_INPUT)


class PostEndForm(forms.Form):
    ends_on = BoundedDateField(label=_("Ngày thôi giữ chức vụ"), widget=DATE_INPUT)
