"""`danhgia permissions`: the role → permission matrix as Markdown (docs/permissions.md is its output)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from danhgia.accounts.models import Role
from danhgia.accounts.permissions import ROLE_PERMISSIONS, Perm

PERM_LABELS = {
    Perm.ORGS_VIEW: "Xem cây tổ chức, đơn vị, chức vụ, cơ quan cùng cấp",
    Perm.ORGS_EDIT: "Sửa tổ chức, đơn vị",
    Perm.PEOPLE_VIEW: "Xem danh sách, hồ sơ đảng viên; tìm kiếm",
    Perm.PEOPLE_EDIT: "Chuyển sinh hoạt, đổi trạng thái, chức vụ",
    Perm.PERIODS_VIEW: "Xem kỳ đánh giá, nhóm tương đồng",
    Perm.PERIODS_MANAGE: "Tạo, mở, kết thúc kỳ đánh giá; sửa thời hạn",
    Perm.QUOTAS_MANAGE: "Lập nhóm đối tượng tương đồng khi chuẩn bị kỳ (kỳ đã mở: chỉ người quản lý kỳ)",
    Perm.AUDIT_VIEW: "Xem nhật ký thay đổi",
    Perm.REVIEWS_VIEW: "Xem hồ sơ kiểm điểm (ý kiến ẩn danh chỉ ở dạng tổng hợp)",
    Perm.REVIEWS_MANAGE: "Tổ chức hội nghị, lấy ý kiến, mở lại bản kiểm điểm, ghi dữ kiện, hạn chế",
    Perm.REVIEWS_APPRAISE: "Thẩm định, đề xuất của cơ quan tham mưu",
    Perm.REVIEWS_DECIDE: "Quyết định xếp loại (cấp có thẩm quyền trong phạm vi)",
    Perm.COMPLAINTS_HANDLE: "Giải quyết khiếu nại",
    Perm.ADMIN: "Quản trị dữ liệu, tài khoản",
}


def matrix_markdown() -> str:
    roles = list(Role)
    lines = [
        "# Vai trò và quyền (Roles and permissions)",
        "",
        "Sinh ra từ `danhgia/accounts/permissions.py` bằng `danhgia permissions > docs/permissions.md`.",
        "Mỗi quyền chỉ có hiệu lực trong phạm vi (cây con) của vai trò; đảng viên luôn xem được hồ sơ của mình.",
        "",
        "| Quyền | " + " | ".join(r.label for r in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for perm in Perm:
        marks = ["✓" if perm in ROLE_PERMISSIONS[r] else "" for r in roles]
        lines.append(f"| {PERM_LABELS[perm]} (`{perm.value}`) | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "In bảng vai trò và quyền dạng Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(matrix_markdown(), ending="")
