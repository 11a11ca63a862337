"""`danhgia remind [--loop] [--every MINUTES] [--days N]`: deadline reminders (reviews/reminders.py)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from danhgia.reviews import reminders


class Command(BaseCommand):
    help = "Nhắc hạn: bản tự kiểm điểm, họp đề xuất, quyết định xếp loại, phiếu cho ý kiến (một lần hoặc lặp)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Chạy lặp lại cho đến khi bị dừng.")
        parser.add_argument("--every", type=int, default=60, help="Số phút giữa hai lần chạy khi lặp (mặc định 60).")
        parser.add_argument("--days", type=int, default=None, help="Nhắc trước hạn bao nhiêu ngày.")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            due = reminders.due(days=options["days"])
            sent = reminders.send(due)
            kinds = ", ".join(f"{k}: {n}" for k, n in sorted(reminders.summary(due).items())) or "không có"
            self.stdout.write(f"Đã gửi {sent} lời nhắc mới ({kinds}).")
            if not options["loop"]:
                return
            close_old_connections()  # a loop lives for days: do not hold a connection the server has dropped
            time.sleep(max(1, options["every"]) * 60)
