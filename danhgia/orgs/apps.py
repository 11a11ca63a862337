from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "danhgia.orgs"
    label = "orgs"
    verbose_name = "Tổ chức"
