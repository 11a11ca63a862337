"""The case file (docs/case-format): typed structs, decoding, and validation with exact error paths.

Decoding is msgspec's: the JSON goes straight into compact structs, with types, ranges and unknown
fields checked on the way; a national case (5.5 million subjects) decodes in seconds. The checks that
span the whole case (duplicate ids, unknown groups and subjects, the regime) follow in `validate`.
Any error raises `CaseError` with the path of the offending value; nothing is classified.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, Struct, UnsetType

from danhgia.rules.memory import gc_paused
from danhgia.rules.regimes import Regime, regime_for_year

LevelName = Literal["HTXS", "HTT", "HT", "KHT"]
Kind = Literal["party_org", "collective", "unit", "member", "leader", "member_outside"]
DisciplineForm = Literal["khien_trach", "canh_cao", "cach_chuc", "khai_tru", "other"]
Grade = Literal["xuat_sac", "tot", "trung_binh", "kem"]

Count = Annotated[int, Meta(ge=0)]
Share = Annotated[float, Meta(ge=0, le=1)]
Rate = Annotated[float, Meta(ge=0, le=1)]

BODY_KINDS = frozenset({"party_org", "collective", "unit"})


class CaseError(Exception):
    """Bad input: where (a path such as "subjects[3].score.general"), a code, and a Vietnamese message."""

    def __init__(self, path: str, code: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path, self.code, self.message = path, code, message

    def as_json(self) -> dict[str, dict[str, str]]:
        return {"error": {"path": self.path, "code": self.code, "message": self.message}}


class Strict(Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True, gc=False):
    """Case structs never reference each other in cycles, so the garbage collector need not track them:
    at 5.5 million subjects its passes over tracked objects would cost more than the rules."""


class Quota(Strict):
    rate: Rate | None = None
    base: Literal["htt_final", "htt_proposed", "htt_or_above"] | None = None
    rounding: Literal["floor", "half_up"] | None = None
    decided_by: str | None = None
    reason: str | None = None


class Group(Strict):
    id: Annotated[str, Meta(min_length=1)]
    name: str = ""
    # Absent: the file-level quota; null: no cap; an object: this group's own quota.
    quota: Quota | UnsetType | None = UNSET


class Status(Strict):
    exempt: bool = False
    suspended: bool = False
    joined_on: dt.date | None = None
    sick_leave_months: Annotated[float, Meta(ge=0, le=12)] | None = None
    maternity_leave: bool = False


class Discipline(Strict):
    date: dt.date
    form: DisciplineForm
    self_detected_remedied: bool = False


class Findings(Strict):
    degradation: bool | None = None
    prohibition_violated: bool | None = None
    disunity: bool | None = None
    corruption_in_subordinate: bool | None = None


class Targets(Strict):
    total: Count | None = None
    completed: Count | None = None
    on_time: Count | None = None
    exceeded: Count | None = None
    key_targets_met: bool | None = None
    force_majeure: bool = False


class Criterion(Strict):
    code: str
    group: Literal["task", "general"]
    grade: Grade


class Score(Strict):
    general: Annotated[float, Meta(ge=0, le=30)]
    task: Annotated[float, Meta(ge=0, le=70)]


class Shortcomings(Strict):
    identified: Count = 0
    remedied: Count = 0


class Subordinates(Strict):
    total: Count = 0
    disciplined: Count = 0
    disciplined_self_detected_remedied: Count = 0


class LeadershipDisciplined(Strict):
    collective: bool = False
    members: list[DisciplineForm] = []
    # How many of those members' violations were self-detected with their consequences remedied.
    members_self_detected_remedied: Count = 0


class LedUnits(Strict):
    total: Count | None = None
    kht: Count | None = None
    tasks_completed_share: Share | None = None
    basic_targets_missed: bool | None = None


class Subject(Strict):
    id: Annotated[str, Meta(min_length=1)]
    kind: Kind
    group: str | None = None
    heads: str | None = None
    same_level: list[str] = []
    proposed: LevelName | None = None
    rank: float | None = None
    status: Status | None = None
    discipline: list[Discipline] = []
    findings: Findings | None = None
    targets: Targets | None = None
    criteria: list[Criterion] = []
    score: Score | None = None
    shortcomings: Shortcomings | None = None
    civil_servant_level: LevelName | None = None
    subordinates: Subordinates | None = None
    leadership_disciplined: LeadershipDisciplined | None = None
    led_units: LedUnits | None = None
    confidence_low_share: Share | None = None


class LocalRule(Strict):
    """A rule added by a province (e.g. R38 of Nghệ An), in the rulebook's own vocabulary (rulebook.py)."""

    id: Annotated[str, Meta(min_length=1)]
    applies_to: list[Kind]
    check: str
    effect: str
    description: str
    source: str
    params: dict[str, object] = {}
    confirmed: bool = True
    # Accepted only as false: see rulebook._compile_rule (missing facts never lower a level).
    required: bool = False


class Options(Strict):
    """Choices left open by the regulations (every one documented in docs/rules.md)."""

    disable_rules: list[str] = []
    enable_rules: list[str] = []
    min_cap: Count | None = None


class Case(Strict):
    regime: Regime | None = None
    year: Annotated[int, Meta(ge=2018, le=2100)] | None = None
    as_of: dt.date | None = None
    quota: Quota | None = None
    groups: list[Group] = []
    subjects: list[Subject] = []
    options: Options | None = None
    local_rules: list[LocalRule] = []


_DECODER = msgspec.json.Decoder(Case)

# msgspec's messages, translated: (pattern, code, Vietnamese template).
_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}
_MESSAGES: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"Object contains unknown field `(?P<a>[^`]*)`"),
        "unknown_field",
        "Trường «{a}» không có trong định dạng.",
    ),
    (re.compile(r"Object missing required field `(?P<a>[^`]*)`"), "missing_field", "Thiếu trường bắt buộc «{a}»."),
    (re.compile(r"Expected `str` of length >= (?P<b>\d+)"), "empty", "Giá trị không được để trống."),
    (
        re.compile(r"Expected `(?:int|float)` (?P<op>>=|<=|>|<) (?P<b>[-\d.e]+)"),
        "out_of_range",
        "Giá trị nằm ngoài khoảng cho phép: phải {op} {b}.",
    ),
    (re.compile(r"Invalid enum value (?P<a>.*)"), "invalid_value", "Giá trị {a} không thuộc các giá trị cho phép."),
    (
        re.compile(r"Expected `(?P<a>[^`]*)`, got `(?P<b>[^`]*)`"),
        "type_error",
        "Sai kiểu dữ liệu: cần {a}, nhận được {b}.",
    ),
    (re.compile(r"Invalid RFC3339 encoded date"), "invalid_date", "Ngày không hợp lệ: cần dạng YYYY-MM-DD."),
    (re.compile(r"Number out of range"), "out_of_range", "Số quá lớn."),
]
_TYPE_WORDS = {
    "int": "số nguyên",
    "float": "số",
    "str": "chuỗi",
    "bool": "true/false",
    "object": "đối tượng",
    "array": "mảng",
    "null": "null",
    "date": "ngày",
    "int | null": "số nguyên hoặc null",
    "float | null": "số hoặc null",
    "str | null": "chuỗi hoặc null",
}


def _path(raw: str) -> str:
    return raw[2:] if raw.startswith("$.") else "" if raw == "$" else raw.lstrip("$")


def _translate(message: str) -> tuple[str, str]:
    for pattern, code, template in _MESSAGES:
        m = pattern.search(message)
        if m:
            words = {k: _OPS.get(v, _TYPE_WORDS.get(v, v)) if v else "" for k, v in m.groupdict().items()}
            if "b" in words:
                words["b"] = words["b"].removesuffix(".0")
            return code, template.format(**words)
    return "invalid", f"Giá trị không hợp lệ ({message})."


def decode(data: bytes | str) -> Case:
    """Decode and validate a case file; raise CaseError on the first problem."""
    try:
        with gc_paused():
            case = _DECODER.decode(data)
    except msgspec.ValidationError as exc:
        text = str(exc)
        message, _, where = text.rpartition(" - at `")
        code, vietnamese = _translate(message or text)
        path = _path(where.rstrip("`")) if message else ""
        field = re.search(r"field `([^`]*)`", message or text)
        if code in {"unknown_field", "missing_field"} and field:
            # Point at the field itself: "subjects[0].colour", not "subjects[0]".
            path = f"{path}.{field.group(1)}" if path else field.group(1)
        raise CaseError(path, code, vietnamese) from None
    except UnicodeDecodeError:
        raise CaseError("", "malformed_json", "Tệp chứa dữ liệu không phải văn bản UTF-8 hợp lệ.") from None
    except msgspec.DecodeError as exc:
        byte = re.search(r"\(byte (\d+)\)", str(exc))
        at = f" (lỗi cú pháp ở byte {byte.group(1)})" if byte else ""
        raise CaseError("", "malformed_json", f"Tệp không phải JSON hợp lệ{at}.") from None
    validate(case)
    return case


def resolve_regime(case: Case) -> Regime:
    if case.regime is not None:
        return case.regime
    if case.year is None:
        raise CaseError("regime", "missing_field", "Cần «regime» (R2018, R2023, R2025) hoặc «year».")
    return regime_for_year(case.year)


def as_of(case: Case) -> dt.date:
    if case.as_of is not None:
        return case.as_of
    if case.year is not None:
        return dt.date(case.year, 12, 31)
    raise CaseError("as_of", "missing_field", "Cần «year» hoặc «as_of» để biết năm đánh giá.")


def _not_above(value: int | None, limit: int | None, path: str, what: str, of: str) -> None:
    if value is not None and limit is not None and value > limit:
        raise CaseError(path, "out_of_range", f"{what} ({value}) lớn hơn {of} ({limit}).")


def _counts_agree(subject: Subject) -> bool:
    """The quick test of `_check_counts` (no message built): true when no count contradicts another."""
    t = subject.targets
    if t is not None:
        total, completed, on_time, exceeded = t.total, t.completed, t.on_time, t.exceeded
        if total is not None and (
            (completed is not None and completed > total) or (on_time is not None and on_time > total)
        ):
            return False
        if completed is not None and (
            (on_time is not None and on_time > completed) or (exceeded is not None and exceeded > completed)
        ):
            return False
    sub = subject.subordinates
    if sub is not None and not (sub.disciplined_self_detected_remedied <= sub.disciplined <= sub.total):
        return False
    ld = subject.leadership_disciplined
    if ld is not None and ld.members_self_detected_remedied > len(ld.members):
        return False
    lu = subject.led_units
    return lu is None or lu.kht is None or lu.total is None or lu.kht <= lu.total


def _check_counts(subject: Subject, i: int) -> None:
    """Counts that contradict each other (more on time than completed, …) are bad input. Called when
    `_counts_agree` found one (the usual case builds none of the messages below)."""
    t = subject.targets
    if t is not None:
        base = f"subjects[{i}].targets"
        _not_above(t.completed, t.total, f"{base}.completed", "Số nhiệm vụ hoàn thành", "tổng số nhiệm vụ")
        _not_above(t.on_time, t.total, f"{base}.on_time", "Số nhiệm vụ đúng hạn", "tổng số nhiệm vụ")
        _not_above(t.on_time, t.completed, f"{base}.on_time", "Số nhiệm vụ đúng hạn", "số nhiệm vụ hoàn thành")
        _not_above(t.exceeded, t.completed, f"{base}.exceeded", "Số nhiệm vụ vượt mức", "số nhiệm vụ hoàn thành")
    sub = subject.subordinates
    if sub is not None:
        base = f"subjects[{i}].subordinates"
        _not_above(
            sub.disciplined, sub.total, f"{base}.disciplined", "Số đơn vị bị kỷ luật", "tổng số đơn vị trực thuộc"
        )
        _not_above(sub.disciplined_self_detected_remedied, sub.disciplined,
                   f"{base}.disciplined_self_detected_remedied", "Số đơn vị tự phát hiện, khắc phục",
                   "số đơn vị bị kỷ luật")  # fmt: skip
    ld = subject.leadership_disciplined
    if ld is not None:
        _not_above(ld.members_self_detected_remedied, len(ld.members),
                   f"subjects[{i}].leadership_disciplined.members_self_detected_remedied",
                   "Số vi phạm tự phát hiện, khắc phục", "số thành viên bị kỷ luật")  # fmt: skip
    lu = subject.led_units
    if lu is not None:
        _not_above(lu.kht, lu.total, f"subjects[{i}].led_units.kht", "Số đơn vị KHT", "tổng số đơn vị lãnh đạo")


def validate(case: Case) -> None:
    """The checks that span the whole case: references, duplicates, regime and year."""
    resolve_regime(case)
    as_of(case)
    group_ids: set[str] = set()
    for i, group in enumerate(case.groups):
        if group.id in group_ids:
            raise CaseError(f"groups[{i}].id", "duplicate_id", f"Mã nhóm «{group.id}» bị trùng.")
        group_ids.add(group.id)
    subjects = case.subjects
    kinds = {subject.id: subject.kind for subject in subjects}
    named = {subject.group for subject in subjects}
    named.discard(None)
    if len(kinds) < len(subjects) or not named <= group_ids:
        # Something is wrong: find the first subject at fault, for its exact path.
        seen: set[str] = set()
        for i, subject in enumerate(subjects):
            if subject.id in seen:
                raise CaseError(f"subjects[{i}].id", "duplicate_id", f"Mã đối tượng «{subject.id}» bị trùng.")
            seen.add(subject.id)
            if subject.group is not None and subject.group not in group_ids:
                raise CaseError(
                    f"subjects[{i}].group", "unknown_group", f"Nhóm «{subject.group}» không có trong «groups»."
                )
    for i, subject in enumerate(subjects):
        if subject.heads is not None:
            target = kinds.get(subject.heads)
            if target is None:
                raise CaseError(f"subjects[{i}].heads", "unknown_subject", f"Không có đối tượng «{subject.heads}».")
            if subject.heads == subject.id:
                raise CaseError(f"subjects[{i}].heads", "head_cycle", "Một đối tượng không thể đứng đầu chính nó.")
            if target not in BODY_KINDS:
                raise CaseError(
                    f"subjects[{i}].heads",
                    "invalid_reference",
                    f"«{subject.heads}» không phải tổ chức, tập thể hay cơ quan, đơn vị nên không có người đứng đầu.",
                )
        if subject.same_level:
            for j, other in enumerate(subject.same_level):
                if other not in kinds:
                    raise CaseError(
                        f"subjects[{i}].same_level[{j}]", "unknown_subject", f"Không có đối tượng «{other}»."
                    )
        if (
            subject.targets is not None
            or subject.subordinates is not None
            or subject.leadership_disciplined is not None
            or subject.led_units is not None
        ) and not _counts_agree(subject):
            _check_counts(subject, i)
        if subject.shortcomings is not None and subject.shortcomings.remedied > subject.shortcomings.identified:
            raise CaseError(
                f"subjects[{i}].shortcomings.remedied",
                "out_of_range",
                "Số hạn chế đã khắc phục lớn hơn số hạn chế đã chỉ ra.",
            )
