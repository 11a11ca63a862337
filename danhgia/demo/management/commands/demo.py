"""`danhgia demo`: seed the synthetic demo province and create one account per role."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser

from danhgia.demo.generator import seed, vn
from danhgia.lib.commands import VietnameseCommand
from danhgia.orgs.models import Unit


def _scale(value: str) -> float:
    try:
        scale = float(value.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{value}» không phải là một số (ví dụ 0.1 hoặc 1).") from None
    if not 0.005 <= scale <= 1:
        raise argparse.ArgumentTypeError(f"tỷ lệ phải từ 0.005 đến 1 (đã nhập {value}).")
    return scale


class Command(VietnameseCommand):
    help = "Nạp tỉnh trình diễn (giống Hòa Bình năm 2022) và tạo mỗi vai trò một tài khoản."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=_scale,
            default=0.1,
            help="Tỷ lệ so với Hòa Bình 2022 (mặc định 0.1; 1 = đủ 69.190 đảng viên).",
        )
        parser.add_argument(
            "--history",
            type=int,
            choices=range(0, 5),
            default=2,
            metavar="{0..4}",
            help="Số năm trước kỳ hiện tại có kết quả xếp loại (mặc định 2; 0 = không có).",
        )
        parser.add_argument(
            "--seed", type=int, default=2022, help="Hạt giống ngẫu nhiên (cùng hạt giống cho cùng dữ liệu)."
        )
        parser.add_argument("--layout", choices=["2022", "2025"], default=None,
                            help="2022: tỉnh → huyện → xã; 2025: tỉnh → xã (chính quyền hai cấp). Mặc định theo năm "
                                 "của kỳ đánh giá: từ 2025 là 2025.")  # fmt: skip
        parser.add_argument(
            "--if-empty", action="store_true", help="Bỏ qua (không báo lỗi) nếu cơ sở dữ liệu đã có dữ liệu."
        )
        parser.add_argument(
            "--password", default=None, help="Mật khẩu chung cho các tài khoản trình diễn (mặc định: sinh ngẫu nhiên)."
        )
        parser.add_argument("--accounts-file", default=str(Path(settings.VAR_DIR) / "demo-accounts.json"),
                            help="Nơi ghi danh sách tài khoản trình diễn (JSON).")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Chỉ nạp dữ liệu trình diễn ở chế độ trình diễn (DANHGIA_DEMO=1): "
                "tài khoản trình diễn có mật khẩu công khai.",
                returncode=2,
            )
        accounts_file = Path(options["accounts_file"])
        if Unit.objects.exists():
            if options["if_empty"]:
                self.stdout.write("Cơ sở dữ liệu đã có dữ liệu: giữ nguyên.")
                self._print_accounts(accounts_file)
                return
            raise CommandError(
                "Cơ sở dữ liệu đã có dữ liệu tổ chức: chỉ nạp dữ liệu trình diễn vào cơ sở dữ liệu trống.", returncode=2
            )
        summary = seed(
            scale=options["scale"], seed=options["seed"], layout=options["layout"], out=self.stdout.write,
            password=options["password"], accounts_file=accounts_file, history=options["history"],
        )  # fmt: skip
        c = {k: vn(v) for k, v in summary.counts.items()}
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong sau {vn(summary.seconds, 1)} giây: {c['units']} tổ chức, đơn vị "
                f"({c['grassroots']} tổ chức cơ sở đảng, "
                f"{c['cells_under_committees']} chi bộ trực thuộc), {c['members_present']} đảng viên "
                f"({c['probationary']} dự bị, {c['exempt']} miễn sinh hoạt), {c['quota_groups']} nhóm tương đồng."
            )
        )
        self._print_accounts(accounts_file)

    def _print_accounts(self, accounts_file: Path) -> None:
        import json

        if not accounts_file.exists():
            return
        self.stdout.write(f"\nTài khoản trình diễn (cũng ghi ở {accounts_file}):")
        for a in json.loads(accounts_file.read_text(encoding="utf-8")):
            self.stdout.write(f"  {a['username']:<14} {a['password']:<18} {a['role_label']} — {a['scope']}")
