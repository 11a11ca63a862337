"""Criteria tables: what a self-review scores, as data a province loads for its year and form.

Under QĐ 366 only the two group totals are national (general criteria 30 points, task results 70); the items
and their points are set by each province (HD 43 §7.12). A table of kind "points" lists, for each group, its
items with their maximum points, which must add up to the group's total. Under QĐ 132 and 124 the review
grades criteria (Xuất sắc / Tốt / Trung bình / Kém): a table of kind "grades" lists them, each in the task
or the general group. The defaults below follow the appendices of QĐ 366 (Appendix 1, 3, 4, 5) and the
analysis forms of HD 21 / HD 25; a province replaces them by loading its own table (criteria_load).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import msgspec
from django.core.exceptions import ValidationError

from danhgia.lib import numbers
from danhgia.reviews.models import ReviewKind

GROUP_TOTALS = {"general": 30, "task": 70}
GRADES = {"xuat_sac": "Xuất sắc", "tot": "Tốt", "trung_binh": "Trung bình", "kem": "Kém"}


class Item(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    text: str
    max: float = 0  # points tables only


class Group(msgspec.Struct, forbid_unknown_fields=True):
    code: Literal["general", "task"]
    title: str
    items: list[Item]


class Table(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["points", "grades"]
    groups: list[Group]


def form_label(code: str) -> str:
    """A form's code as the guidance writes it: the 2025 forms are "Mẫu 02A/02B/02C-HD KĐ.ĐG 2025" (HD 43); the
    codes stored are "2A/2B/2C", to tell them from the 2023 forms 02A/02B (HD 25)."""
    return f"0{code}" if code in ("2A", "2B", "2C") else code


def form_code(regime: str, kind: str) -> str:
    """The self-review form of a subject: Mẫu 2A/2B/2C/01 (HD 43), 02A/02B/01 before 2025."""
    if kind in {ReviewKind.PARTY_ORG, ReviewKind.COLLECTIVE, ReviewKind.UNIT}:
        return "01"
    if regime == "R2025":
        return {ReviewKind.LEADER: "2A", ReviewKind.MEMBER_OUTSIDE: "2C"}.get(kind, "2B")  # type: ignore[call-overload]
    return "02B" if kind == ReviewKind.LEADER else "02A"


def _points(general: list[tuple[str, str, float]], task: list[tuple[str, str, float]]) -> dict[str, Any]:
    return {
        "kind": "points",
        "groups": [
            {
                "code": "general",
                "title": "Nhóm tiêu chí chung",
                "items": [{"code": c, "text": t, "max": m} for c, t, m in general],
            },
            {
                "code": "task",
                "title": "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ",
                "items": [{"code": c, "text": t, "max": m} for c, t, m in task],
            },
        ],
    }


def _grades(general: list[tuple[str, str]], task: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "kind": "grades",
        "groups": [
            {"code": "general", "title": "Tiêu chí chung", "items": [{"code": c, "text": t} for c, t in general]},
            {"code": "task", "title": "Kết quả thực hiện nhiệm vụ", "items": [{"code": c, "text": t} for c, t in task]},
        ],
    }


DEFAULTS: dict[str, dict[str, Any]] = {
    # QĐ 366 Appendix 4: individuals without leadership posts.
    "2B": _points(
        [
            ("C1", "Bản lĩnh chính trị vững vàng; chấp hành nguyên tắc tập trung dân chủ, kỷ luật phát ngôn", 4),
            ("C2", "Học tập, làm theo chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh, nghị quyết của Đảng", 3),
            (
                "C3",
                "Đạo đức, lối sống; không vi phạm những điều đảng viên không được làm; không tham nhũng, tiêu cực",
                5,
            ),
            ("C4", "Ý thức tổ chức kỷ luật; kê khai tài sản, thu nhập; trung thực trong báo cáo", 4),
            ("C5", "Đoàn kết nội bộ; giữ mối liên hệ với cấp ủy và Nhân dân nơi cư trú", 4),
            ("C6", "Năng lực chuyên môn; đáp ứng nhiệm vụ thường xuyên và đột xuất", 4),
            ("C7", "Tinh thần, thái độ làm việc; đổi mới, sáng tạo", 3),
            ("C8", "Tự phê bình và phê bình; khắc phục hạn chế, khuyết điểm", 3),
        ],
        [
            ("T1", "Kết quả thực hiện nhiệm vụ được giao theo số lượng, tiến độ, chất lượng", 50),
            ("T2", "Thực hiện nhiệm vụ đột xuất, nhiệm vụ khác được phân công", 10),
            ("T3", "Sản phẩm cụ thể, sáng kiến, đổi mới trong công việc", 10),
        ],
    ),
    # QĐ 366 Appendix 3: leaders and managers.
    "2A": _points(
        [
            ("C1", "Phẩm chất chính trị, tư tưởng", 5),
            ("C2", "Đạo đức, lối sống, ý thức tổ chức kỷ luật, trách nhiệm nêu gương", 5),
            ("C3", "Năng lực lãnh đạo, quản lý; đổi mới, sáng tạo; dám nghĩ, dám làm", 8),
            ("C4", "Uy tín, mức độ tín nhiệm, khả năng đoàn kết, tập hợp", 6),
            ("C5", "Tự phê bình và phê bình; khắc phục hạn chế, khuyết điểm", 6),
        ],
        [
            ("T1", "Kết quả thực hiện chức trách, nhiệm vụ được giao", 30),
            ("T2", "Kết quả lãnh đạo, chỉ đạo, điều hành, tổ chức thực hiện nhiệm vụ trong phạm vi phụ trách", 25),
            ("T3", "Kết quả xếp loại của tập thể và cán bộ, đảng viên thuộc quyền quản lý trực tiếp", 15),
        ],
    ),
    # QĐ 366 Appendix 5: party members not working in the political system.
    "2C": _points(
        [
            ("C1", "Phẩm chất chính trị, đạo đức, lối sống, ý thức kỷ luật", 10),
            ("C2", "Văn hóa ứng xử nơi cư trú; gần gũi, đoàn kết với Nhân dân", 10),
            ("C3", "Tự phê bình và phê bình; khắc phục hạn chế, khuyết điểm", 10),
        ],
        [
            ("T1", "Thực hiện đầy đủ quyền và nghĩa vụ đảng viên; hoàn thành nhiệm vụ chi bộ phân công", 40),
            ("T2", "Tham gia học tập nghị quyết, sinh hoạt chi bộ", 15),
            ("T3", "Hoàn thành nhiệm vụ đột xuất phù hợp điều kiện, sức khỏe, độ tuổi", 15),
        ],
    ),
    # QĐ 366 Appendix 1: collectives.
    "01": _points(
        [
            ("C1", "Xây dựng, chỉnh đốn Đảng; công tác tổ chức, cán bộ", 5),
            ("C2", "Lãnh đạo chính quyền, Mặt trận Tổ quốc, đoàn thể; đoàn kết nội bộ", 5),
            ("C3", "Kiểm tra, giám sát, kỷ luật đảng; kiểm soát quyền lực; phòng, chống tham nhũng", 5),
            ("C4", "Nguyên tắc tập trung dân chủ, tự phê bình và phê bình, quy chế làm việc", 5),
            ("C5", "Lãnh đạo nhiệm vụ chính trị; tinh gọn bộ máy; cải cách hành chính, chuyển đổi số", 5),
            ("C6", "Tự phê bình; khắc phục hạn chế, khuyết điểm đã chỉ ra", 5),
        ],
        [
            (
                "T1",
                "Cụ thể hóa và thực hiện nghị quyết, chương trình, kế hoạch công tác (sản phẩm, tiến độ, chất lượng)",
                50,
            ),
            ("T2", "Thực hiện nhiệm vụ đột xuất, phát sinh", 10),
            ("T3", "Đổi mới, sáng tạo, chuyển đổi số; kết quả nổi bật", 10),
        ],
    ),
    # HD 21 / HD 25 analysis forms: party members (02A) and leaders (02B).
    "02A": _grades(
        [
            ("C1", "Tư tưởng chính trị"),
            ("C2", "Phẩm chất đạo đức, lối sống"),
            ("C3", "Tác phong, lề lối làm việc"),
            ("C4", "Ý thức tổ chức kỷ luật"),
        ],
        [
            ("T1", "Kết quả thực hiện chức trách, nhiệm vụ được giao"),
            ("T2", "Kết quả thực hiện nhiệm vụ được tổ chức đảng phân công"),
        ],
    ),
    "02B": _grades(
        [
            ("C1", "Tư tưởng chính trị"),
            ("C2", "Phẩm chất đạo đức, lối sống"),
            ("C3", "Tác phong, lề lối làm việc"),
            ("C4", "Ý thức tổ chức kỷ luật"),
            ("C5", "Trách nhiệm nêu gương"),
        ],
        [
            ("T1", "Kết quả thực hiện chức trách, nhiệm vụ được giao"),
            ("T2", "Kết quả lãnh đạo, chỉ đạo, điều hành của địa phương, đơn vị phụ trách"),
        ],
    ),
}
DEFAULTS["01-grades"] = _grades(
    [
        ("C1", "Công tác chính trị, tư tưởng"),
        ("C2", "Công tác tổ chức, cán bộ, đảng viên"),
        ("C3", "Nguyên tắc tập trung dân chủ, tự phê bình và phê bình"),
        ("C4", "Kiểm tra, giám sát, kỷ luật đảng"),
    ],
    [("T1", "Kết quả thực hiện nhiệm vụ chính trị được giao"), ("T2", "Lãnh đạo chính quyền, Mặt trận, đoàn thể")],
)


def default_key(regime: str, code: str) -> str:
    return "01-grades" if code == "01" and regime != "R2025" else code


def parse(data: Any) -> Table:
    """Validate a table (from a province's upload or the database); errors name the item, in Vietnamese."""
    try:
        table = msgspec.convert(data, Table)
    except msgspec.ValidationError as exc:
        raise ValidationError({"items": f"Bảng tiêu chí không đúng định dạng: {exc}."}) from None
    codes = [item.code for group in table.groups for item in group.items]
    duplicated = sorted({c for c in codes if codes.count(c) > 1})
    if duplicated:
        raise ValidationError({"items": f"Mã tiêu chí bị trùng: {', '.join(duplicated)}."})
    if sorted(g.code for g in table.groups) != ["general", "task"]:
        raise ValidationError(
            {"items": "Bảng cần đúng hai nhóm: «general» (tiêu chí chung) và «task» (kết quả nhiệm vụ)."}
        )
    if table.kind == "points":
        for group in table.groups:
            if any(item.max <= 0 for item in group.items):
                raise ValidationError(
                    {"items": f"Mọi tiêu chí của nhóm «{group.title}» phải có điểm tối đa lớn hơn 0."}
                )
            total = sum(item.max for item in group.items)
            if abs(total - GROUP_TOTALS[group.code]) > 1e-9:
                expected = GROUP_TOTALS[group.code]
                message = (
                    f"Tổng điểm tối đa của nhóm «{group.title}» là {numbers.points(total, vietnamese=True)}, "
                    f"phải bằng {expected}."
                )
                raise ValidationError({"items": message})
    return table


def score(table: Table, entered: dict[str, Any]) -> tuple[dict[str, Any], Decimal | None, Decimal | None]:
    """Check the entered points or grades against the table; return (clean items, general total, task total).

    An item left empty is allowed in a draft; the totals are then None. Points are rounded to 0.25.
    """
    clean: dict[str, Any] = {}
    totals: dict[str, Decimal | None] = {}
    errors: dict[str, str] = {}  # every bad item at once, each next to its own field
    for group in table.groups:
        running: Decimal | None = Decimal(0)
        for item in group.items:
            raw = entered.get(item.code)
            if raw in (None, ""):
                running = None
                continue
            if table.kind == "grades":
                if raw not in GRADES:
                    errors[f"item_{item.code}"] = f"Mức đánh giá «{raw}» không hợp lệ."
                clean[item.code] = raw
                continue
            try:
                points = Decimal(str(raw).replace(",", ".")).quantize(Decimal("0.25"))
            except InvalidOperation:
                points = Decimal("NaN")
            if not points.is_finite():  # "NaN" parses, then refuses every comparison
                errors[f"item_{item.code}"] = f"«{raw}» không phải là số điểm."
                continue
            if not 0 <= points <= Decimal(str(item.max)):
                top = numbers.points(item.max, vietnamese=True)
                errors[f"item_{item.code}"] = f"Điểm tiêu chí {item.code} phải từ 0 đến {top} (đã nhập {raw})."
                continue
            clean[item.code] = str(points)
            running = None if running is None else running + points
        totals[group.code] = running if table.kind == "points" else None
    if errors:
        raise ValidationError(errors)
    return clean, totals.get("general"), totals.get("task")
