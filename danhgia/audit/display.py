"""The audit page's reading of an event: who did it (by name) and what changed, in words an officer reads.

Events store their old and new values as JSON with the code's own keys (`{"level": "HTT", "passed": true}`).
Here each key gets a label (the verbose name of the target model's field when there is one, else a small
dictionary of the keys the services write, else the key itself) and each value a short text: Có/Không, dates
day first, choice codes as their labels, nested values on one line. Nothing here queries the database.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from danhgia.audit.models import AuditEvent

# Keys the services write that are not fields of the event's target model (counts, votes, references...).
KEY_LABELS: dict[str, _StrPromise] = {
    "active": gettext_lazy("Đang dùng"),
    "added": gettext_lazy("Số được thêm"),
    "admitted_on": gettext_lazy("Ngày vào Đảng"),
    "already": gettext_lazy("Đã có từ trước"),
    "anonymity": gettext_lazy("Hình thức"),
    "appraised_level": gettext_lazy("Mức thẩm định"),
    "assigned_to": gettext_lazy("Người xác minh"),
    "authority": gettext_lazy("Cấp có thẩm quyền"),
    "bytes": gettext_lazy("Dung lượng (byte)"),
    "cell": gettext_lazy("Chi bộ"),
    "chaired_by": gettext_lazy("Chủ trì"),
    "code": gettext_lazy("Mã"),
    "complaint": gettext_lazy("Khiếu nại"),
    "conflicts": gettext_lazy("Số trùng nhóm khác"),
    "counted": gettext_lazy("Số phiếu tính"),
    "created": gettext_lazy("Đã tạo"),
    "deadline": gettext_lazy("Thời hạn"),
    "decided": gettext_lazy("Số được quyết định"),
    "decision": gettext_lazy("Quyết định"),
    "description": gettext_lazy("Mô tả"),
    "document": gettext_lazy("Văn bản"),
    "drafts": gettext_lazy("Số bản chưa nộp"),
    "ends_on": gettext_lazy("Đến ngày"),
    "evidence": gettext_lazy("Minh chứng"),
    "excluded": gettext_lazy("Không tính, loại trừ"),
    "file": gettext_lazy("Tệp"),
    "files": gettext_lazy("Số tệp"),
    "form": gettext_lazy("Mẫu"),
    "format": gettext_lazy("Định dạng"),
    "formats": gettext_lazy("Định dạng"),
    "group": gettext_lazy("Nhóm tương đồng"),
    "held_on": gettext_lazy("Ngày họp"),
    "kind": gettext_lazy("Loại"),
    "left": gettext_lazy("Chưa quyết định được"),
    "level": gettext_lazy("Mức xếp loại"),
    "levels": gettext_lazy("Theo mức"),
    "name": gettext_lazy("Tên"),
    "needs_reason": gettext_lazy("Cần ghi lý do, chưa quyết định"),
    "note": gettext_lazy("Ghi chú"),
    "number": gettext_lazy("Số"),
    "official_on": gettext_lazy("Ngày chính thức"),
    "on": gettext_lazy("Từ ngày"),
    "parent": gettext_lazy("Trực thuộc"),
    "passed": gettext_lazy("Được thông qua"),
    "path": gettext_lazy("Đường dẫn cây"),
    "period": gettext_lazy("Kỳ đánh giá"),
    "person": gettext_lazy("Cá nhân"),
    "phase": gettext_lazy("Bước"),
    "plan": gettext_lazy("Mã đối chiếu kế hoạch"),
    "post": gettext_lazy("Chức vụ"),
    "present": gettext_lazy("Số có mặt"),
    "proposal": gettext_lazy("Mức đề xuất"),
    "reason": gettext_lazy("Lý do"),
    "refused": gettext_lazy("Số không chuyển được"),
    "removed": gettext_lazy("Số bị loại"),
    "respondent": gettext_lazy("Người, tổ chức cho ý kiến"),
    "respondents": gettext_lazy("Người, tổ chức cho ý kiến"),
    "resolution": gettext_lazy("Kết luận"),
    "reviews": gettext_lazy("Số bản kiểm điểm"),
    "role": gettext_lazy("Vai trò"),
    "scope": gettext_lazy("Phạm vi"),
    "score": gettext_lazy("Điểm"),
    "secretary": gettext_lazy("Thư ký"),
    "self_level": gettext_lazy("Tự đề xuất"),
    "sent": gettext_lazy("Số lời nhắc đã gửi"),
    "signed_on": gettext_lazy("Ngày ký"),
    "size": gettext_lazy("Dung lượng"),
    "starts_on": gettext_lazy("Từ ngày"),
    "state": gettext_lazy("Trạng thái"),
    "status": gettext_lazy("Trạng thái"),
    "subjects": gettext_lazy("Số đối tượng"),
    "summoned": gettext_lazy("Số được triệu tập"),
    "tasks": gettext_lazy("Số nhiệm vụ"),
    "task_rows": gettext_lazy("Nhiệm vụ và kết quả"),
    "text": gettext_lazy("Nội dung"),
    "title": gettext_lazy("Chức danh"),
    "told": gettext_lazy("Số người được báo"),
    "total": gettext_lazy("Tổng số"),
    "unit": gettext_lazy("Đơn vị"),
    "verification": gettext_lazy("Kết quả xác minh"),
    "version": gettext_lazy("Phiên bản"),
    "without_account": gettext_lazy("Số chưa có tài khoản"),
    "votes_abstain": gettext_lazy("Không biểu quyết"),
    "votes_against": gettext_lazy("Không tán thành"),
    "votes_for": gettext_lazy("Tán thành"),
    "year": gettext_lazy("Năm"),
    "years": gettext_lazy("Số năm"),
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# Unchanged values beyond this many fold under a summary, so that a full snapshot does not hide the change.
UNCHANGED_SHOWN = 3
TEXT_CHARS = 120


@dataclass
class Line:
    label: str
    value: str = ""
    old: str = ""
    changed: bool = False


@dataclass
class EventRow:
    event: AuditEvent
    actor_name: str
    actor_username: str
    lines: list[Line] = field(default_factory=list)
    unchanged: list[Line] = field(default_factory=list)
    only_old: bool = False

    @property
    def unchanged_inline(self) -> bool:
        return len(self.unchanged) <= UNCHANGED_SHOWN


@lru_cache(maxsize=128)
def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type) if "." in target_type else None
    except LookupError:
        return None


def _field(model: type[models.Model] | None, key: str) -> models.Field | None:
    if model is None:
        return None
    try:
        found = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return found if isinstance(found, models.Field) else None


def _own_verbose_name(f: models.Field | None) -> str:
    """The field's verbose name, unless Django made it up from the attribute name (English words)."""
    if f is None or not f.verbose_name or str(f.verbose_name) == f.name.replace("_", " "):
        return ""
    name = str(f.verbose_name)
    return name[:1].upper() + name[1:]


def label(key: str, model: type[models.Model] | None = None) -> str:
    return _own_verbose_name(_field(model, key)) or str(KEY_LABELS.get(key, key))


def _date(text: str) -> str:
    try:
        if _DATE.match(text):
            return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%d/%m/%Y %H:%M")


def value_text(value: Any, f: models.Field | None = None, *, nested: bool = False) -> str:
    """One value as a short text. `f`: the model field it was stored from, for its choice labels."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, float):
        return formats.number_format(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if f is not None and f.choices and not value.isupper():
            # Stored codes become their labels; codes written in capitals (HTT, R2025) are what officers say.
            return str(dict(f.flatchoices).get(value, value))
        if _DATE.match(value) or _DATETIME.match(value):
            return _date(value)
        return Truncator(value).chars(TEXT_CHARS)
    if isinstance(value, dict):
        inner = ", ".join(f"{label(str(k))}: {value_text(v, nested=True)}" for k, v in value.items())
        return f"({inner})" if nested else inner
    if isinstance(value, list | tuple):
        inner = ", ".join(value_text(v, nested=True) for v in value)
        return f"[{inner}]" if nested else inner
    return Truncator(str(value)).chars(TEXT_CHARS)


def _items(values: Any, model: type[models.Model] | None) -> dict[str, tuple[str, str]]:
    """key → (label, text) of an event's old or new values."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        return {"": (_("Giá trị"), value_text(values))}
    return {str(k): (label(str(k), model), value_text(v, _field(model, str(k)))) for k, v in values.items()}


def actor_names(event: AuditEvent) -> tuple[str, str]:
    """(name shown, username in small print). The account's person, else its name, else the recorded username."""
    actor = event.actor
    if actor is None:
        if event.actor_name in ("", "hệ thống"):
            return _("Hệ thống"), ""
        return event.actor_name, ""
    person = actor.person
    name = person.full_name if person is not None else actor.get_full_name()
    return (name, event.actor_name) if name else (event.actor_name, "")


def describe(event: AuditEvent) -> EventRow:
    """One row of the audit page. The event must come with `actor__person` selected."""
    name, username = actor_names(event)
    row = EventRow(event=event, actor_name=name, actor_username=username)
    model = _model(event.target_type)
    old, new = _items(event.old, model), _items(event.new, model)
    if old and not new:
        row.only_old = True
        row.lines = [Line(label=lbl, value=text) for lbl, text in old.values()]
        return row
    for key, (lbl, text) in new.items():
        if key in old and old[key][1] != text:
            row.lines.append(Line(label=lbl, value=text, old=old[key][1], changed=True))
        elif key in old:
            row.unchanged.append(Line(label=lbl, value=text))
        else:
            row.lines.append(Line(label=lbl, value=text))
    # Keys only in the old values: removed.
    row.lines += [
        Line(label=lbl, value="—", old=text, changed=True) for key, (lbl, text) in old.items() if key not in new
    ]
    return row
