"""`danhgia check_files`: the rows whose uploaded file is not in storage (evidence, decision scans, Word templates,
batch results, import files), after a restore (docs/operations.md, Backup and restore). Exits 1 when a file is
missing, so that a restore script stops there; prints nothing of a file's content.

    danhgia check_files
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.management.base import CommandError
from django.db import models

from danhgia.lib.commands import VietnameseCommand
from danhgia.lib.numbers import number


def stored_files() -> Iterator[tuple[type[models.Model], int, str, str, bool]]:
    """(model, id, field, stored name, present) for every file a row of the project names."""
    for model in apps.get_models():
        if not model.__module__.startswith("danhgia."):
            continue
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            rows = model._default_manager.exclude(**{field.name: ""}).exclude(**{f"{field.name}__isnull": True})
            for pk, name in rows.order_by("pk").values_list("pk", field.name).iterator():
                yield model, pk, field.name, name, field.storage.exists(name)


class Command(VietnameseCommand):
    help = "Liệt kê các bản ghi có tệp tải lên không còn trong thư mục lưu trữ (kiểm tra sau khi khôi phục sao lưu)."

    def handle(self, *args: Any, **options: Any) -> None:
        checked = lost = 0
        for model, pk, field, name, present in stored_files():
            checked += 1
            if not present:
                lost += 1
                self.stdout.write(f"Thiếu tệp: {model._meta.verbose_name} #{pk} ({field}): {name}")
        summary = f"Đã kiểm tra {number(checked, vietnamese=True)} tệp"
        if lost:
            raise CommandError(
                f"{summary}: thiếu {number(lost, vietnamese=True)} tệp. Hãy khôi phục thư mục tệp tải lên từ bản "
                "sao lưu cùng ngày với cơ sở dữ liệu (docs/operations.md).",
                returncode=1,
            )
        self.stdout.write(f"{summary}: đủ cả.")
