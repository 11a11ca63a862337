from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "danhgia.api"
    label = "api"
    verbose_name = "Giao diện lập trình (API)"
