from django.apps import AppConfig


class PeriodsConfig(AppConfig):
    name = "danhgia.periods"
    label = "periods"
    verbose_name = "Kỳ đánh giá"
