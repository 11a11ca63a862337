"""The typed shapes of the API's answers: the OpenAPI schema is generated from them."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class Error(Schema):
    detail: str = Field(description="Lý do, bằng tiếng Việt")


class ParameterError(Schema):
    parameter: str = Field(description="Tên tham số hoặc trường bị từ chối; rỗng khi bị từ chối cả yêu cầu")
    message: str


class BadRequest(Schema):
    detail: str
    errors: list[ParameterError]


class UnitOut(Schema):
    id: int
    code: str = Field(description="Mã đơn vị (rỗng khi chưa có)")
    name: str
    kind: str = Field(description="Loại tổ chức, đơn vị (orgs.UnitKind)")
    locality: str
    is_grassroots: bool
    parent_id: int | None
    collective_name: str
    founded_on: dt.date | None
    dissolved_on: dt.date | None


class UnitPage(Schema):
    items: list[UnitOut]
    next: str | None = Field(description="Địa chỉ trang sau; null ở trang cuối")


class MemberOut(Schema):
    person_id: int
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    birth_date: dt.date | None
    gender: str = Field(description="nam, nu")
    card_number: str | None
    admitted_on: dt.date
    official_on: dt.date | None = Field(description="null khi còn là đảng viên dự bị")
    status: str = Field(description="active, exempt, suspended, transferred, left")
    cell_id: int = Field(description="Chi bộ đang sinh hoạt")
    in_cell_since: dt.date


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None


class PeriodOut(Schema):
    id: int
    name: str
    kind: str
    year: int
    quarter: int | None
    regime: str
    starts_on: dt.date
    ends_on: dt.date
    unit_id: int
    status: str


class PeriodPage(Schema):
    items: list[PeriodOut]
    next: str | None


class ReviewOut(Schema):
    id: int
    kind: str
    person_id: int | None = Field(description="Cá nhân được kiểm điểm; null cho tổ chức và cho người ngoài phạm vi")
    unit_id: int | None = Field(description="Tổ chức, tập thể được kiểm điểm")
    subject_name: str
    context_id: int = Field(description="Nơi kiểm điểm (chi bộ, cơ quan)")
    authority_id: int = Field(description="Cấp có thẩm quyền quyết định")
    state: str
    proposed_level: str
    decided_level: str = Field(description="Mức xếp loại đã quyết định; rỗng khi chưa có")
    decision_number: str
    decision_signed_on: dt.date | None


class ReviewPage(Schema):
    items: list[ReviewOut]
    next: str | None


class ImportCounts(Schema):
    created: int = Field(description="Dòng sẽ thêm mới (đã thêm, khi đã nhập)")
    updated: int = Field(description="Dòng sẽ sửa")
    unchanged: int = Field(description="Dòng giữ nguyên")
    refused: int = Field(description="Dòng bị từ chối")


class ImportRefusal(Schema):
    sheet: str = Field(description="Tên trang trong tệp")
    row: int = Field(description="Số dòng trong trang, như bảng tính đánh số")
    column: str = Field(description="Tiêu đề cột, như trong tệp")
    value: str
    reason: str = Field(description="Lý do, bằng tiếng Việt")


class ImportSheet(Schema):
    sheet: str
    kind: str = Field(description="units, members, …")
    counts: ImportCounts
    refused: list[ImportRefusal]
    warnings: list[str] = Field(description="Ghi chú: cột bỏ qua, dòng nhận theo họ tên và ngày sinh, …")
    absent: list[str] = Field(
        description="Có trong hệ thống và trong phạm vi nhưng không có trong tệp: không bao giờ bị xóa"
    )


class ImportOut(Schema):
    id: int
    status: str = Field(description="planned (đã chạy thử, chờ xác nhận), applied (đã nhập), discarded (đã hủy)")
    scope_id: int | None = Field(description="Đơn vị nhập vào: mọi dòng của tệp phải thuộc đơn vị này")
    file_name: str
    sha256: str
    size: int = Field(description="Dung lượng tệp, byte")
    created_at: dt.datetime
    applied_at: dt.datetime | None
    skip_refused: bool = Field(description="Đã nhập, bỏ qua các dòng bị từ chối")
    digest: str = Field(description="Dấu của kết quả chạy thử: gửi lại khi xác nhận nhập")
    counts: ImportCounts = Field(description="Tổng của các trang")
    sheets: list[ImportSheet]
    page: str = Field(description="Địa chỉ trang của lần nhập này trong DanhGia")


class DecisionOut(Schema):
    review_id: int
    decision_id: int
    kind: str = Field(description="recorded: quyết định của cấp có thẩm quyền, ghi nhận vào hệ thống")
    level: str = Field(description="HTXS, HTT, HT, KHT")
    number: str
    signed_on: dt.date
    signer: str
    reason: str
    has_scan: bool = Field(description="Có bản quét quyết định kèm theo")
    state: str = Field(description="Trạng thái bản kiểm điểm sau khi ghi: decided")
