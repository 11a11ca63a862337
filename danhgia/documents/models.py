"""A province's Word templates, and the batch jobs that write a whole cell's or commune's documents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from danhgia.documents.catalogue import DOCS

DOC_CHOICES = [(spec.code, spec.title) for spec in DOCS.values()]


class DocumentTemplate(models.Model):
    """A replacement Word template for one document, uploaded for a unit's subtree (usually a province).

    Versions are kept: the newest active version of the nearest unit at or above the document's issuer applies;
    with none, the bundled template does. Withdrawing a version makes the previous one (or the bundled one)
    apply again.
    """

    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="Áp dụng cho")
    code = models.CharField("Văn bản", max_length=12, choices=DOC_CHOICES)
    version = models.PositiveIntegerField("Phiên bản")
    file = models.FileField("Tệp Word", upload_to="mau-van-ban/%Y/")
    name = models.CharField("Tên tệp", max_length=200)
    fields = models.JSONField("Các trường dùng trong mẫu", default=list)
    active = models.BooleanField("Đang dùng", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Mẫu văn bản Word"
        verbose_name_plural = "Mẫu văn bản Word"
        constraints = [
            models.UniqueConstraint(fields=["unit", "code", "version"], name="document_template_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} — phiên bản {self.version}"


class JobState(models.TextChoices):
    QUEUED = "queued", "Đang chờ"
    RUNNING = "running", "Đang tạo"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không thành công"


class DocumentJob(models.Model):
    """Writing every document of a cell or a commune into one zip: its progress and its result file."""

    period = models.ForeignKey("periods.Period", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="Đơn vị")
    # With the units below (a commune and its cells), or the unit's own reviews only (a cell).
    subtree = models.BooleanField("Gồm các đơn vị trực thuộc", default=True)
    formats = models.CharField("Định dạng", max_length=20, default="docx,pdf")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField("Trạng thái", max_length=8, choices=JobState.choices, default=JobState.QUEUED)
    total = models.PositiveIntegerField("Số tệp", default=0)
    done = models.PositiveIntegerField("Đã tạo", default=0)
    # Touched while the job runs: a running job whose heartbeat stops was interrupted (the server restarted).
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.FileField("Tệp kết quả", upload_to="bo-van-ban/%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField("Lỗi", blank=True, default="")

    class Meta:
        verbose_name = "Tạo bộ văn bản"
        verbose_name_plural = "Tạo bộ văn bản"
        indexes = [models.Index(fields=["created_by", "unit", "-created_at"], name="document_job_latest")]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="document_job_done_le_total")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.get_state_display()}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def format_list(self) -> list[str]:
        return [f for f in self.formats.split(",") if f]
