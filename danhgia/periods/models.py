"""Evaluation periods (annual, quarterly, term, ad hoc), their regime and their timeline of phases."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from danhgia.rules.regimes import REGIME_TITLES, Regime


class PeriodKind(models.TextChoices):
    ANNUAL = "annual", "Hằng năm"
    QUARTERLY = "quarterly", "Hằng quý"
    TERM = "term", "Nhiệm kỳ"
    AD_HOC = "ad_hoc", "Khi cần thiết"


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", "Đang chuẩn bị"
    OPEN = "open", "Đang tiến hành"
    CLOSED = "closed", "Đã kết thúc"


REGIME_CHOICES = [(r.value, f"{r.value} — {REGIME_TITLES[r]}") for r in Regime]


class Period(models.Model):
    name = models.CharField("Tên kỳ đánh giá", max_length=200)
    kind = models.CharField("Loại kỳ", max_length=10, choices=PeriodKind.choices, default=PeriodKind.ANNUAL)
    year = models.PositiveSmallIntegerField("Năm")
    quarter = models.PositiveSmallIntegerField("Quý", null=True, blank=True)
    regime = models.CharField("Quy định áp dụng", max_length=5, choices=REGIME_CHOICES)
    starts_on = models.DateField("Từ ngày")
    ends_on = models.DateField("Đến ngày")
    # The unit whose subtree the period covers (a province, or a smaller scope for an ad hoc review).
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="periods", verbose_name="Phạm vi")
    status = models.CharField("Trạng thái", max_length=8, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT)

    class Meta:
        verbose_name = "Kỳ đánh giá"
        verbose_name_plural = "Kỳ đánh giá"
        ordering = ["-year", "-quarter", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="period_ends_after_start"),
            models.CheckConstraint(
                condition=(Q(kind="quarterly") & Q(quarter__gte=1) & Q(quarter__lte=4))
                | (~Q(kind="quarterly") & Q(quarter__isnull=True)),
                name="period_quarter_only_when_quarterly",
            ),
            models.UniqueConstraint(
                fields=["unit", "kind", "year", "quarter"],
                condition=Q(kind__in=["annual", "quarterly"]),
                name="period_one_annual_or_quarter_per_scope",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """One step of the period's timeline, with its deadline and its legal basis."""

    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="phases")
    position = models.PositiveSmallIntegerField("Thứ tự")
    code = models.CharField("Mã", max_length=30)
    name = models.CharField("Bước", max_length=200)
    starts_on = models.DateField("Bắt đầu")
    deadline = models.DateField("Hạn hoàn thành")
    basis = models.CharField("Căn cứ", max_length=200, blank=True, default="")
    done_on = models.DateField("Hoàn thành ngày", null=True, blank=True)

    class Meta:
        verbose_name = "Bước của kỳ đánh giá"
        verbose_name_plural = "Các bước của kỳ đánh giá"
        ordering = ["period", "position"]
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="phase_unique_code"),
            models.CheckConstraint(condition=Q(deadline__gte=models.F("starts_on")), name="phase_deadline_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (hạn {self.deadline:%d/%m/%Y})"
