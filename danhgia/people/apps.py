from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "danhgia.people"
    label = "people"
    verbose_name = "Cán bộ, đảng viên"
