"""Append-only audit events, written by the services in the same transaction as the change."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Action(models.IntegerChoices):
    """Event types, in numbered blocks per area (Zulip's RealmAuditLog habit): never renumber."""

    # 100–199 organizations
    UNIT_CREATED = 101, "Tạo tổ chức, đơn vị"
    UNIT_UPDATED = 102, "Sửa tổ chức, đơn vị"
    UNIT_MOVED = 103, "Chuyển tổ chức, đơn vị sang nơi trực thuộc khác"
    UNIT_DISSOLVED = 104, "Giải thể, sáp nhập tổ chức, đơn vị"
    # 200–299 people
    PERSON_CREATED = 201, "Tạo hồ sơ cá nhân"
    PERSON_UPDATED = 202, "Sửa hồ sơ cá nhân"
    MEMBER_ADMITTED = 203, "Ghi nhận kết nạp đảng viên"
    MEMBER_RECOGNISED = 204, "Công nhận đảng viên chính thức"
    MEMBER_TRANSFERRED = 205, "Chuyển sinh hoạt đảng"
    MEMBER_STATUS_CHANGED = 206, "Thay đổi trạng thái sinh hoạt đảng"
    MEMBER_CORRECTED = 207, "Sửa ngày vào Đảng, ngày chính thức, số thẻ đảng viên"
    POST_ASSIGNED = 210, "Bổ nhiệm, phân công chức vụ"
    POST_ENDED = 211, "Thôi giữ chức vụ"
    POST_CORRECTED = 212, "Sửa vai trò của chức vụ"
    # 300–399 periods and quota groups
    PERIOD_CREATED = 301, "Tạo kỳ đánh giá"
    PERIOD_STATUS_CHANGED = 302, "Thay đổi trạng thái kỳ đánh giá"
    PHASE_UPDATED = 303, "Sửa bước, thời hạn của kỳ đánh giá"
    QUOTA_GROUP_CREATED = 310, "Tạo nhóm đối tượng tương đồng"
    QUOTA_GROUP_FILLED = 311, "Lập danh sách nhóm theo quy tắc"
    QUOTA_GROUP_ENTRY_ADDED = 312, "Bổ sung vào nhóm"
    QUOTA_GROUP_ENTRY_REMOVED = 313, "Loại khỏi nhóm"
    QUOTA_GROUP_UPDATED = 314, "Sửa nhóm đối tượng tương đồng"
    QUOTA_GROUP_DELETED = 315, "Xóa nhóm đối tượng tương đồng"
    REVIEW_REGROUPED = 316, "Chuyển bản kiểm điểm theo nhóm tương đồng"
    # 400–499 reviews
    PERIOD_OPENED = 401, "Mở kỳ đánh giá, lập danh sách kiểm điểm"
    REVIEW_SAVED = 410, "Lưu bản tự kiểm điểm"
    REVIEW_SUBMITTED = 411, "Nộp bản tự kiểm điểm"
    REVIEW_REOPENED = 412, "Mở lại bản tự kiểm điểm"
    EVIDENCE_ADDED = 413, "Đính kèm minh chứng"
    EVIDENCE_REMOVED = 414, "Gỡ minh chứng"
    FACTS_RECORDED = 415, "Ghi nhận dữ kiện xếp loại"
    OPINION_REQUESTED = 420, "Lấy ý kiến"
    OPINION_GIVEN = 421, "Cho ý kiến"
    OPINION_LINK_ISSUED = 422, "Cấp lại liên kết cho ý kiến"
    OPINION_SHEET_REVOKED = 423, "Hủy phiếu lấy ý kiến"
    OPINION_RESPONDENT_VOUCHED = 424, "Xác nhận người cho ý kiến qua liên kết"
    MEETING_RECORDED = 430, "Ghi hội nghị kiểm điểm"
    PROPOSAL_RECORDED = 431, "Ghi đề xuất xếp loại"
    REVIEW_APPRAISED = 432, "Thẩm định"
    DECISION_MADE = 440, "Quyết định xếp loại"
    DECISION_RECORDED = 441, "Ghi nhận quyết định của cấp có thẩm quyền"
    DECISION_BATCH = 442, "Quyết định xếp loại hàng loạt theo mức hệ thống tính"
    COMPLAINT_FILED = 450, "Khiếu nại kết quả xếp loại"
    COMPLAINT_ASSIGNED = 451, "Giao xác minh khiếu nại"
    COMPLAINT_VERIFIED = 452, "Xác minh khiếu nại"
    COMPLAINT_UPHELD = 453, "Giữ nguyên kết quả xếp loại"
    COMPLAINT_REDECIDED = 454, "Quyết định lại sau khiếu nại"
    SHORTCOMING_RECORDED = 460, "Ghi hạn chế, khuyết điểm"
    SHORTCOMING_UPDATED = 461, "Cập nhật khắc phục hạn chế"
    CRITERIA_LOADED = 470, "Nạp bảng tiêu chí"
    AUTHORITY_SET = 480, "Đặt cấp có thẩm quyền quyết định"
    REMINDER_SENT = 490, "Nhắc nộp bản tự kiểm điểm"
    REVIEW_EXCLUDED = 491, "Cho không xếp loại trong kỳ"
    REVIEW_REINSTATED = 492, "Đưa trở lại kỳ kiểm điểm"
    REVIEW_REFERRED = 493, "Đề nghị cấp có thẩm quyền quyết định"
    # 500–599 reports: every export, and every screen that lists members' results in bulk (Decree 13/2023)
    REPORT_SYNTHESIS_EXPORTED = 501, "Xuất biểu tổng hợp kết quả xếp loại"
    REPORT_QUOTA_EXPORTED = 502, "Xuất báo cáo tỷ lệ hoàn thành xuất sắc nhiệm vụ"
    REPORT_SCREENING_EXPORTED = 503, "Xuất danh sách rà soát đảng viên, tổ chức"
    REPORT_SCREENING_VIEWED = 504, "Xem danh sách rà soát đảng viên, tổ chức"
    REPORT_PROFILE_VIEWED = 505, "Xem quá trình xếp loại nhiều năm của cá nhân"
    # 600–699 documents: every Word or PDF downloaded, every batch, every template change (Decree 13/2023)
    DOCUMENT_DOWNLOADED = 601, "Tải văn bản (Word, PDF)"
    DOCUMENT_BATCH_REQUESTED = 602, "Tạo bộ văn bản hàng loạt"
    DOCUMENT_BATCH_DOWNLOADED = 603, "Tải bộ văn bản hàng loạt"
    ATTACHMENT_DOWNLOADED = 604, "Tải tệp đính kèm (minh chứng, bản quét quyết định)"
    DOCUMENT_TEMPLATE_UPLOADED = 610, "Nạp mẫu văn bản Word"
    DOCUMENT_TEMPLATE_WITHDRAWN = 611, "Ngừng dùng mẫu văn bản Word"
    # 700–799 imports
    IMPORT_PLANNED = 701, "Chạy thử nhập dữ liệu từ tệp"
    IMPORT_APPLIED = 702, "Nhập dữ liệu từ tệp"
    IMPORT_DISCARDED = 703, "Hủy lần nhập dữ liệu"
    REGISTRY_EXPORTED = 704, "Xuất danh sách đơn vị, đảng viên ra tệp mẫu nhập dữ liệu"
    # 900–999 accounts, access, administration
    LOGIN = 901, "Đăng nhập"
    LOGIN_FAILED = 902, "Đăng nhập không thành công"
    LOGOUT = 903, "Đăng xuất"
    ACCESS_DENIED = 910, "Bị từ chối truy cập"
    ROLE_GRANTED = 920, "Cấp vai trò"
    ROLE_REVOKED = 921, "Thu hồi vai trò"
    API_TOKEN_CREATED = 940, "Tạo mã truy cập API"
    API_TOKEN_REVOKED = 941, "Thu hồi mã truy cập API"
    # What an API call read of personal data: the endpoint and how many rows, never the rows themselves.
    API_READ = 945, "Đọc dữ liệu qua API"
    ADMIN_CHANGE = 950, "Thay đổi qua trang quản trị"
    ADMIN_DELETE = 951, "Xóa qua trang quản trị"
    ADMIN_PASSWORD_SET = 960, "Đặt mật khẩu qua trang quản trị"
    ADMIN_PASSWORD_DISABLED = 961, "Bỏ đăng nhập bằng mật khẩu qua trang quản trị"
    DEMO_SEEDED = 990, "Nạp dữ liệu trình diễn"
    BULK_READ = 995, "Xuất, đọc dữ liệu hàng loạt"


class AuditEvent(models.Model):
    time = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Người thực hiện",
    )
    # Kept as written, so that the record survives the account's removal.
    actor_name = models.CharField("Tên người thực hiện", max_length=150, blank=True, default="")
    # No `choices=`: the labels live in `Action` alone, so a new action is one line there and no migration
    # (a choices list would be re-serialised into a migration by every new action).
    action = models.PositiveSmallIntegerField("Hành động")
    target_type = models.CharField("Loại đối tượng", max_length=40, blank=True, default="")
    target_id = models.CharField("Mã đối tượng", max_length=40, blank=True, default="")
    target_label = models.CharField("Đối tượng", max_length=250, blank=True, default="")
    # The tree path of the unit the event belongs to: who may read the event is decided by it.
    scope_path = models.CharField(max_length=255, blank=True, default="", db_index=True)
    old = models.JSONField("Giá trị cũ", null=True, blank=True)
    new = models.JSONField("Giá trị mới", null=True, blank=True)
    # Where a change came from when not from a page: an import («import:12»), so that every row an import
    # created or changed can be listed from the import. Empty for a page or a service called directly.
    source = models.CharField("Nguồn", max_length=40, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = "Sự kiện nhật ký"
        verbose_name_plural = "Nhật ký thay đổi"
        ordering = ["-time", "-id"]

    def __str__(self) -> str:
        return f"{self.time:%d/%m/%Y %H:%M} {self.actor_name}: {self.action_label} {self.target_label}"

    @property
    def action_label(self) -> str:
        """The action's label (Action), or its number for an action this version does not know."""
        try:
            return str(Action(self.action).label)
        except ValueError:
            return str(self.action)
