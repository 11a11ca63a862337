from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "danhgia.reports"
    label = "reports"
    verbose_name = "Báo cáo"
