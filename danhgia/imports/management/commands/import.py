"""`danhgia import FILE`: the dry run of an import on the command line, and with --yes the import itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser

from danhgia.imports.models import Import
from danhgia.imports.services import import_apply, import_plan
from danhgia.lib.commands import VietnameseCommand
from danhgia.lib.numbers import number
from danhgia.orgs.models import Unit

SHOWN = 50  # refused rows printed; the whole list is in the import's report


class Command(VietnameseCommand):
    help = "Nhập đơn vị, đảng viên từ tệp Excel (.xlsx) hoặc CSV: chạy thử, rồi với --yes thì nhập."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Tệp .xlsx hoặc .csv")
        parser.add_argument("--scope", help="Mã (hoặc số hiệu) đơn vị phạm vi nhập; mặc định: toàn hệ thống")
        parser.add_argument("--yes", action="store_true", help="Nhập sau khi chạy thử (mặc định chỉ chạy thử)")
        parser.add_argument("--skip-refused", action="store_true", help="Nhập, bỏ qua các dòng bị từ chối")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không có tệp «{path}».")
        scope = _scope(options["scope"]) if options["scope"] else None
        try:
            run = import_plan(path=path, name=path.name, actor=None, scope=scope)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self._report(run)
        if not options["yes"]:
            self.stdout.write("Chạy thử xong, chưa ghi gì. Thêm --yes để nhập.")
            return
        try:
            import_apply(run=run, actor=None, digest=run.report["digest"], skip_refused=options["skip_refused"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Đã nhập (lần nhập số {run.pk})."))

    def _report(self, run: Import) -> None:
        for sheet in run.report["sheets"]:
            c = run.counts[sheet["sheet"]]
            self.stdout.write(
                f"Bảng «{sheet['sheet']}»: thêm {number(c['created'])}, sửa {number(c['updated'])}, "
                f"không đổi {number(c['unchanged'])}, từ chối {number(c['refused'])}."
            )
            for warning in sheet["warnings"][:SHOWN]:
                self.stdout.write(f"  Lưu ý: {warning}")
            for r in sheet["refused"][:SHOWN]:
                self.stdout.write(f"  Dòng {r['row']}, cột «{r['column']}», giá trị «{r['value']}»: {r['reason']}")
            if len(sheet["refused"]) > SHOWN:
                self.stdout.write(f"  … và {number(len(sheet['refused']) - SHOWN)} dòng khác (xem trên trang nhập).")
            if sheet["absent"]:
                self.stdout.write(
                    f"  Có trong hệ thống, không có trong tệp (không xóa): {number(len(sheet['absent']))}."
                )


def _scope(value: str) -> Unit:
    found = list(Unit.objects.filter(code=value)[:2])
    if not found and value.isdigit():
        found = list(Unit.objects.filter(pk=int(value)))
    if len(found) != 1:
        raise CommandError(f"Không xác định được đơn vị phạm vi «{value}» (mã hoặc số hiệu).")
    return found[0]
