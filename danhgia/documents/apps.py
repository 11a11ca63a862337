from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "danhgia.documents"
    label = "documents"
    verbose_name = "Văn bản: mẫu biểu Word, PDF"
