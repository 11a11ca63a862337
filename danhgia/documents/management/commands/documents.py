"""`danhgia documents`: write a unit's documents (Word, PDF) into one zip from the command line, or run the batches
queued from the web pages (`DANHGIA_DOCUMENT_JOBS=queue`).

    danhgia documents --period 1 --unit 42 [--formats docx,pdf] [--only-unit] [--out file.zip] [--workers 2]
    danhgia documents --pending [--loop] [--every 10]
    danhgia documents --purge-days 7
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from danhgia.documents import services
from danhgia.documents.models import DocumentJob, JobState
from danhgia.lib import numbers
from danhgia.orgs.models import Unit
from danhgia.periods.models import Period


def vn(number: float, decimals: int = 0) -> str:
    """1234.5 → "1.234,5": Vietnamese separators (lib/numbers.py), whatever the command's language."""
    return numbers.number(number, decimals, vietnamese=True)


class Bar:
    """A tqdm-style progress line on stderr: [#####.....] 512/1.000 (51 %) 23,4 tệp/s, còn khoảng 21 s.

    On a terminal the line is redrawn in place; in a log (not a terminal) one line is written every tenth."""

    def __init__(self, stream: Any = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.last = 0.0
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.tenth = -1

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        total = max(total, 1)
        if self.tty and done < total and now - self.last < 0.2:
            return
        if not self.tty:
            tenth = done * 10 // total
            if tenth == self.tenth:
                return
            self.tenth = tenth
        self.last = now
        filled = int(self.width * done / total)
        rate = done / max(now - self.started, 1e-6)
        left = (total - done) / rate if rate else 0
        line = (
            f"[{'#' * filled}{'.' * (self.width - filled)}] {vn(done)}/{vn(total)} ({done * 100 // total} %)"
            f" {vn(rate, 1)} tệp/s, còn khoảng {vn(left)} s"
        )
        self.stream.write(f"\r{line}   " if self.tty else f"{line}\n")
        if self.tty and done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Tạo bộ văn bản (Word, PDF) của một đơn vị thành một tệp nén; chạy các bộ văn bản đang chờ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", type=int, help="Mã kỳ đánh giá.")
        parser.add_argument("--unit", type=int, help="Mã đơn vị (chi bộ, đảng bộ …).")
        parser.add_argument("--formats", default="docx,pdf", help="docx, pdf hoặc docx,pdf (mặc định).")
        parser.add_argument("--only-unit", action="store_true", help="Chỉ văn bản của đơn vị, không gồm trực thuộc.")
        parser.add_argument("--out", help="Sao tệp nén kết quả ra đường dẫn này.")
        parser.add_argument("--workers", type=int, default=None, help="Số tiến trình dựng văn bản (mặc định: số lõi).")
        parser.add_argument("--pending", action="store_true", help="Chạy các bộ văn bản đang chờ (tạo từ trang web).")
        parser.add_argument("--loop", action="store_true", help="Với --pending: chạy lặp cho đến khi bị dừng.")
        parser.add_argument("--every", type=int, default=10, help="Với --loop: số giây giữa hai lần kiểm tra.")
        parser.add_argument("--purge-days", type=int, help="Xóa tệp kết quả của các bộ văn bản cũ hơn số ngày này.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["purge_days"] is not None:
            import datetime as dt

            removed = services.jobs_purge(older_than=dt.timedelta(days=options["purge_days"]))
            self.stdout.write(f"Đã xóa {removed} tệp kết quả cũ.")
            return
        if options["pending"]:
            self._pending(options)
            return
        if not options["period"] or not options["unit"]:
            raise CommandError("Cần --period và --unit (hoặc --pending).")
        period = Period.objects.filter(pk=options["period"]).first()
        unit = Unit.objects.filter(pk=options["unit"]).first()
        if period is None or unit is None:
            raise CommandError("Không tìm thấy kỳ đánh giá hoặc đơn vị.")
        try:
            job = services.job_create(
                period=period,
                unit=unit,
                subtree=not options["only_unit"],
                formats=[f.strip() for f in options["formats"].split(",")],
                actor=None,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"Bộ văn bản số {job.pk}: {vn(job.total)} tệp — {unit.name}.")
        job = self._run(job, options["workers"])
        if options["out"] and job.state == JobState.DONE:
            with job.result.open("rb") as source, Path(options["out"]).open("wb") as target:
                shutil.copyfileobj(source, target)
            self.stdout.write(f"Đã ghi {options['out']}.")

    def _run(self, job: DocumentJob, workers: int | None) -> DocumentJob:
        started = time.monotonic()
        job = services.job_run(job.pk, workers=workers, progress=Bar())
        seconds = time.monotonic() - started
        if job.state != JobState.DONE:
            raise CommandError(f"Không tạo được bộ văn bản số {job.pk}: {job.error}")
        size = job.size / 1024 / 1024
        self.stdout.write(f"Xong {vn(job.done)} tệp trong {vn(seconds, 1)} s ({vn(size, 1)} MB): {job.result.name}")
        return job

    def _pending(self, options: dict[str, Any]) -> None:
        while True:
            for job in DocumentJob.objects.filter(state=JobState.QUEUED).order_by("created_at"):
                self.stdout.write(f"Bộ văn bản số {job.pk} — {job.unit}:")
                try:
                    self._run(job, options["workers"])
                except CommandError as exc:
                    self.stderr.write(str(exc))
            if not options["loop"]:
                return
            close_old_connections()
            time.sleep(max(1, options["every"]))
