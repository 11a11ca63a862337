from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "danhgia.imports"
    label = "imports"
    verbose_name = "Nhập dữ liệu từ tệp"
