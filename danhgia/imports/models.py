"""An import: one file, planned (the dry run), then applied whole or discarded.

The plan is kept with the import as JSON (what would be created, changed, left unchanged and refused, row by
row), so that the officer reads it before confirming and anyone in scope can read it afterwards. Every row the
import writes is audited with `source = "import:<id>"` (`audit.services.source`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportStatus(models.TextChoices):
    PLANNED = "planned", "Đã chạy thử, chờ xác nhận"
    APPLIED = "applied", "Đã nhập"
    DISCARDED = "discarded", "Đã hủy, không nhập"


class Import(models.Model):
    # Everything the file touches must lie in this unit's subtree; null for the command line (the whole system).
    scope = models.ForeignKey(
        "orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="Phạm vi"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("Chạy thử lúc", auto_now_add=True)
    applied_at = models.DateTimeField("Nhập lúc", null=True, blank=True)
    file_name = models.CharField("Tên tệp", max_length=200)
    sha256 = models.CharField("Mã băm SHA-256 của tệp", max_length=64)
    size = models.PositiveBigIntegerField("Dung lượng (byte)")
    file = models.FileField("Tệp", upload_to="nhap-du-lieu/%Y/%m/", blank=True)
    status = models.CharField("Trạng thái", max_length=12, choices=ImportStatus.choices, default=ImportStatus.PLANNED)
    # The officer said to import the file without its refused rows (never the default).
    skip_refused = models.BooleanField("Nhập, bỏ qua các dòng bị từ chối", default=False)
    counts = models.JSONField("Số dòng theo bảng", default=dict)  # sheet → {created, updated, unchanged, refused}
    report = models.JSONField("Kết quả chạy thử", default=dict)  # imports.plan.Plan.as_json()

    class Meta:
        verbose_name = "Lần nhập dữ liệu"
        verbose_name_plural = "Các lần nhập dữ liệu"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def audit_source(self) -> str:
        return f"import:{self.pk}"
