from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from danhgia.documents.models import DOC_CHOICES


class TemplateUploadForm(forms.Form):
    code = forms.ChoiceField(label=_("Văn bản"), choices=DOC_CHOICES)
    file = forms.FileField(label=_("Tệp mẫu Word (.docx)"))


class BatchForm(forms.Form):
    formats = forms.MultipleChoiceField(
        label=_("Định dạng"),
        choices=[("docx", "Word"), ("pdf", "PDF")],
        initial=["docx", "pdf"],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Hãy chọn ít nhất một định dạng (Word hoặc PDF).")},
    )
    subtree = forms.BooleanField(label=_("Gồm các chi bộ, đơn vị trực thuộc"), required=False, initial=True)
