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


# Whose names each page shows: the model tests/test_rosters.py checks by walking every page as every narrow role.
NAMES_INTRO = (
    "Một trang chỉ nêu tên những người mà người xem được mở hồ sơ: người trong phạm vi `people:view` của họ (có quá "
    "trình sinh hoạt hoặc chức vụ ở đơn vị trong phạm vi) và chính họ. Những người khác của một danh sách chỉ được "
    "đếm."
)
NAMES: list[tuple[str, str]] = [
    (
        "Nhóm đối tượng tương đồng (`/ky-danh-gia/…/nhom/…/`)",
        "Mọi người xem được kỳ thấy nhóm, số đối tượng, tỷ lệ HTXS tối đa và mình có thuộc nhóm "
        "không. Danh sách nêu tên người trong phạm vi `people:view` của người xem và chính họ, đơn vị"
        " trong phạm vi `orgs:view`: cán bộ ban tổ chức, kiểm tra — cả phạm vi; bí thư cấp ủy — đảng "
        "bộ mình (nhóm toàn tỉnh: chỉ người của đảng bộ mình); bí thư chi bộ — đảng viên chi bộ mình;"
        " đảng viên — chỉ mình; Mặt trận Tổ quốc — không đảng viên nào.",
    ),
    (
        "Quyết định xếp loại",
        "Tỷ lệ tính trên cả nhóm. Dòng của đối tượng mà người quyết định không được mở hồ sơ (nhóm "
        "toàn tỉnh, người quyết định của một xã) hiện là «Đối tượng ngoài phạm vi của bạn», không "
        "tên, không liên kết; vẫn được đếm và xếp thứ tự.",
    ),
    (
        "Lấy ý kiến",
        "Người quản lý nhóm ý kiến của đơn vị thấy tên đối tượng (của đơn vị mình) và người cho ý "
        "kiến. Danh sách tài khoản có thể mời: tài khoản có vai trò trong đơn vị, và tài khoản trên "
        "cấp ủy cấp trên trực tiếp trừ đảng viên thường (bí thư, đại diện Mặt trận). Người cho ý kiến"
        " thấy tên những người trên phiếu của mình.",
    ),
    (
        "Cây tổ chức, trang đơn vị",
        "Ai có `orgs:view` (cả Mặt trận) thấy người giữ chức vụ của đơn vị trong phạm vi; danh sách "
        "đảng viên chỉ với `people:view`.",
    ),
    (
        "Văn bản (bản kiểm điểm, biên bản, thông báo)",
        "Văn bản ghi tên người ký: người giữ chức vụ của đơn vị và của cấp ủy cấp trên; ai được nhận "
        "văn bản thì thấy tên họ.",
    ),
    (
        "Danh sách kiểm điểm, hội nghị, hạn chế, khiếu nại, báo cáo (tổng hợp, tỷ lệ HTXS, rà soát, "
        "quá trình) và tệp Excel/PDF, tìm kiếm, bộ văn bản, nhập dữ liệu, nhật ký",
        "Chỉ các hàng trong phạm vi của quyền tương ứng (`reviews:view`, `people:view`, "
        "`audit:view`…); đảng viên thấy hồ sơ, khiếu nại, phiếu ý kiến của mình.",
    ),
]


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
    lines += ["", "## Ai thấy tên ai", "", NAMES_INTRO, "", "| Trang | Ai thấy tên ai |", "|---|---|"]
    lines += [f"| {page} | {who} |" for page, who in NAMES]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "In bảng vai trò và quyền dạng Markdown."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(matrix_markdown(), ending="")
