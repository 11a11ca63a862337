from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from danhgia.lib.forms import BoundedDateField, CountField
from danhgia.people.forms import DATE_INPUT
from danhgia.reviews.meetings import VOTE_EXCLUSIONS
from danhgia.reviews.models import LEVEL_CHOICES, Anonymity, EvaluatorKind, ShortcomingStatus

LEVEL_OPTIONS = [("", "—"), *LEVEL_CHOICES]
TIME_INPUT = forms.TimeInput(format="%H:%M", attrs={"placeholder": _("giờ:phút"), "inputmode": "numeric"})


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Tệp minh chứng"))


class AppraisalForm(forms.Form):
    level = forms.ChoiceField(label=_("Mức thẩm định, đề xuất"), choices=LEVEL_OPTIONS)
    note = forms.CharField(label=_("Ý kiến thẩm định"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MeetingForm(forms.Form):
    held_on = BoundedDateField(label=_("Ngày họp"), widget=DATE_INPUT)
    starts_at = forms.TimeField(label=_("Bắt đầu lúc"), widget=TIME_INPUT, required=False)
    ends_at = forms.TimeField(label=_("Kết thúc lúc"), widget=TIME_INPUT, required=False)
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)
    chaired_by = forms.CharField(label=_("Chủ trì"), max_length=120)
    secretary = forms.CharField(label=_("Thư ký"), max_length=120, required=False)
    summoned = CountField(label=_("Số đảng viên được triệu tập"), min_value=1)
    present = CountField(label=_("Số có mặt"))
    minutes = forms.CharField(label=_("Biên bản (tóm tắt)"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in VOTE_EXCLUSIONS.items():
            self.fields[f"excluded_{key}"] = CountField(label=label, required=False, initial=0)

    def excluded(self) -> dict[str, int]:
        return {k: self.cleaned_data.get(f"excluded_{k}") or 0 for k in VOTE_EXCLUSIONS}


class FactsForm(forms.Form):
    """What the authority records: the facts of the case format that the subject does not write."""

    discipline_date = BoundedDateField(label=_("Ngày quyết định kỷ luật (nếu có)"), widget=DATE_INPUT, required=False)
    discipline_form = forms.ChoiceField(
        label=_("Hình thức kỷ luật"),
        required=False,
        choices=[
            ("", "—"),
            ("khien_trach", _("Khiển trách")),
            ("canh_cao", _("Cảnh cáo")),
            ("cach_chuc", _("Cách chức")),
            ("khai_tru", _("Khai trừ")),
            ("other", _("Hình thức khác")),
        ],
    )
    discipline_self_detected = forms.BooleanField(label=_("Tự phát hiện, khắc phục xong hậu quả"), required=False)
    degradation = forms.BooleanField(label=_("Bị kết luận suy thoái, «tự diễn biến», «tự chuyển hóa»"), required=False)
    prohibition_violated = forms.BooleanField(label=_("Vi phạm những điều đảng viên không được làm"), required=False)
    disunity = forms.BooleanField(label=_("Bị kết luận mất đoàn kết nội bộ"), required=False)
    corruption_in_subordinate = forms.BooleanField(
        label=_("Đơn vị, cá nhân thuộc quyền quản lý có tham nhũng, tiêu cực bị xử lý"), required=False
    )
    civil_servant_level = forms.ChoiceField(
        label=_("Xếp loại cán bộ, công chức, viên chức"), choices=LEVEL_OPTIONS, required=False
    )
    sick_leave_months = forms.DecimalField(
        label=_("Số tháng nghỉ ốm trong năm"), min_value=0, max_value=12, required=False, localize=True
    )
    confidence_low_share = forms.DecimalField(
        label=_("Tỷ lệ phiếu tín nhiệm thấp (0–1)"), min_value=0, max_value=1, required=False, localize=True
    )

    def facts(self) -> dict[str, Any]:
        d = self.cleaned_data
        facts: dict[str, Any] = {}
        if d.get("discipline_date") and d.get("discipline_form"):
            facts["discipline"] = [
                {
                    "date": d["discipline_date"].isoformat(),
                    "form": d["discipline_form"],
                    "self_detected_remedied": bool(d.get("discipline_self_detected")),
                }
            ]
        findings = {
            k: True
            for k in ("degradation", "prohibition_violated", "disunity", "corruption_in_subordinate")
            if d.get(k)
        }
        if findings:
            facts["findings"] = findings
        if d.get("civil_servant_level"):
            facts["civil_servant_level"] = d["civil_servant_level"]
        if d.get("sick_leave_months") is not None:
            facts["sick_leave_months"] = float(d["sick_leave_months"])
        if d.get("confidence_low_share") is not None:
            facts["confidence_low_share"] = float(d["confidence_low_share"])
        return facts


class ShortcomingForm(forms.Form):
    description = forms.CharField(
        label=_("Hạn chế, khuyết điểm"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Hãy ghi nội dung hạn chế, khuyết điểm.")},
    )
    remedy = forms.CharField(label=_("Biện pháp khắc phục"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = BoundedDateField(label=_("Thời hạn khắc phục"), widget=DATE_INPUT, required=False)


class ShortcomingUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=ShortcomingStatus.choices)
    evidence = forms.CharField(label=_("Kết quả, minh chứng"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ComplaintForm(forms.Form):
    text = forms.CharField(label=_("Nội dung khiếu nại"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class DecisionNumberForm(forms.Form):
    """The number and signing date of a decision made in the system, stored as a recorded one's are."""

    number = forms.CharField(
        label=_("Số quyết định"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "125-QĐ/ĐU"}),
        error_messages={"required": _("Hãy ghi số quyết định, ví dụ 125-QĐ/ĐU.")},
    )
    signed_on = BoundedDateField(
        label=_("Ngày ký"),
        widget=DATE_INPUT,
        error_messages={
            "required": _("Hãy ghi ngày ký quyết định."),
            "invalid": _("Ngày ký không hợp lệ: ghi ngày/tháng/năm, ví dụ 20/12/2026."),
        },
    )
    signer = forms.CharField(label=_("Người ký"), max_length=120, required=False)


class RecordedDecisionForm(DecisionNumberForm):
    signer = forms.CharField(
        label=_("Người ký"), max_length=120, error_messages={"required": _("Hãy ghi người ký quyết định.")}
    )
    attachment = forms.FileField(label=_("Bản quét quyết định"), required=False)


class CriteriaUploadForm(forms.Form):
    form_code = forms.ChoiceField(label=_("Mẫu"), choices=[(c, c) for c in ("2A", "2B", "2C", "01", "02A", "02B")])
    file = forms.FileField(label=_("Tệp bảng tiêu chí (JSON)"))


class EvaluatorGroupForm(forms.Form):
    """Ask a group for opinions: who, on whom (chosen in the page's list), its form, weight, deadline, anonymity."""

    kind = forms.ChoiceField(label=_("Nhóm cho ý kiến"), choices=EvaluatorKind.choices)
    name = forms.CharField(label=_("Tên nhóm"), max_length=200)
    deadline = BoundedDateField(
        label=_("Hạn cho ý kiến"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Để trống: hạn của bước lấy ý kiến trong kỳ."),
    )
    weight = forms.DecimalField(label=_("Trọng số"), min_value=0.01, max_value=10, decimal_places=2, initial=1)
    anonymity = forms.ChoiceField(label=_("Hình thức"), choices=Anonymity.choices, initial=Anonymity.NAMED)
    min_respondents = forms.IntegerField(
        label=_("Số ý kiến tối thiểu để xem kết quả (nhóm ẩn danh)"), min_value=1, max_value=500, initial=3
    )


class RespondentsForm(forms.Form):
    externals = forms.CharField(
        label=_("Người, tổ chức không có tài khoản (mỗi dòng: tên; thư điện tử nếu có)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )

    def external_rows(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data.get("externals", "").splitlines():
            if line.strip():
                name, _sep, email = line.partition(";")
                rows.append((name.strip(), email.strip()))
        return rows


# ---------------------------------------------------------------------- stuck reviews (stuck.py): the authority's way
# The services name what is missing, in Vietnamese, next to the field: the fields themselves require nothing.
class UnproposedDecisionForm(forms.Form):
    level = forms.ChoiceField(label=_("Mức xếp loại"), choices=LEVEL_OPTIONS, required=False)
    reason = forms.CharField(
        label=_("Lý do quyết định"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class ExclusionForm(forms.Form):
    ground = forms.ChoiceField(label=_("Lý do không xếp loại"), choices=[], required=False)
    note = forms.CharField(
        label=_("Ghi rõ lý do, căn cứ"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from danhgia.reviews.stuck import EXCLUSION_GROUNDS

        super().__init__(*args, **kwargs)
        ground = self.fields["ground"]
        assert isinstance(ground, forms.ChoiceField)
        ground.choices = [("", "—"), *EXCLUSION_GROUNDS.items()]


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
