"""How the decision page shows what the engine says: in words an officer reads, never its internal codes.

The engine (danhgia.rules) reports rule ids ("R59-score"), option names ("base", "min_cap"), flags
("needs_decision") and the case's subject ids ("r12"); its texts and sources stay Vietnamese data (with the
source-note markers "[G2]" of the legal texts). This module turns them into short labels (translatable), a
tooltip with the rule's description and legal source, and the filter that lets an officer focus on the rows
that need them in a group of hundreds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from danhgia.lib import numbers
from danhgia.reviews.criteria import GRADES
from danhgia.reviews.states import DECIDABLE, LOCKED
from danhgia.rules.regimes import Regime
from danhgia.rules.rulebook import RuleSpec, load_spec

# "[G2]", "[G2, G3]", "[S6, S25]", "[G26b]": the markers of the notes the rulebooks were written from.
_MARKERS = re.compile(r"\s*\[[A-Z]+\d+[a-z]?(?:\s*,\s*[A-Z]+\d+[a-z]?)*\]")
_CASE_IDS = re.compile(r"«(r\d+)»")


def clean_source(text: str) -> str:
    """A rule's text or legal source without the note markers: "QĐ 366-QĐ/TW Điều 11 khoản 1 [G2]" → "… khoản 1"."""
    return _MARKERS.sub("", text or "").strip()


def _number(value: Any) -> str:
    """A score as people read it: 85.0 → "85", 72.5 → "72,5" (lib/numbers.py)."""
    return numbers.points(value)


def _pct(share: Any) -> str:
    """A rule's share as its percentage, without the "%": 0.3 → "30", 0.125 → "12,5"."""
    return numbers.percent(share, 2, trim=True).removesuffix("%")


# ------------------------------------------------------------------------------------------------ quota method


def quota_method(quota: Any, regime: str) -> list[str]:
    """The choices the regulations leave open (quota.unconfirmed), each with the value used, in words."""
    if quota is None or not getattr(quota, "unconfirmed", None):
        return []
    spec = _spec(regime)
    parts: list[str] = []
    for part in quota.unconfirmed:
        if part == "base":
            base = {
                "htt_final": _("số được xếp loại HTT sau khi áp tỷ lệ (kể cả người chuyển xuống HTT)"),
                "htt_proposed": _("số được xếp loại HTT trước khi áp tỷ lệ"),
                "htt_or_above": _("số được xếp loại HTT và HTXS"),
            }.get(quota.base or "", quota.base or "")
            parts.append(_("Cơ sở tính tỷ lệ: %(base)s") % {"base": base})
        elif part == "rounding":
            rounding = {
                "floor": _("xuống (không bao giờ vượt tỷ lệ)"),
                "half_up": _("thông thường (từ 0,5 làm tròn lên)"),
            }.get(quota.rounding or "", quota.rounding or "")
            parts.append(_("Làm tròn: %(rounding)s") % {"rounding": rounding})
        elif part == "min_cap":
            # Unconfirmed means the rulebook's default is used (an explicit choice confirms it).
            min_cap = spec.quota.min_cap if spec is not None else 0
            if min_cap:
                small = _("ít nhất %(n)s người được HTXS") % {"n": min_cap}
            else:
                small = _("không có mức tối thiểu (nhóm ít người có thể không ai được HTXS)")
            parts.append(_("Nhóm nhỏ: %(rule)s") % {"rule": small})
        elif part == "rate" and quota.rate is not None:
            parts.append(_("Tỷ lệ: %(pct)s%%") % {"pct": _pct(quota.rate)})
    return parts


_WARNING_CODES = re.compile(r"\s*\((?:needs_decision|decided_by|unverified)\)")
_WARNING_WHERE = re.compile(r"^(?:groups\[\d+\]\.)?quota: ")
_WARNING_RATE = re.compile(r"(tỷ lệ|tối đa|khác) (\d+(?:\.\d+)?)(?=\s)")


def plain_warning(text: str) -> str:
    """An engine warning without its field names: "… quyết định (needs_decision): …" → "… quyết định: …"."""
    text = _WARNING_CODES.sub("", text)
    if _WARNING_WHERE.match(text):
        text = _WARNING_WHERE.sub("", text)
        text = _WARNING_RATE.sub(lambda m: f"{m.group(1)} {_pct(m.group(2))}%", text)
        text = text[:1].upper() + text[1:]
    return text


# ------------------------------------------------------------------------------------------------ reasons


@cache
def _spec(regime: str) -> Any:
    try:
        return load_spec(Regime(regime))
    except ValueError:
        return None


@cache
def _rules(regime: str) -> dict[str, RuleSpec]:
    spec = _spec(regime)
    return {rule.id: rule for rule in spec.rules} if spec is not None else {}


def _finding(name: str) -> str:
    return {
        "degradation": _("Suy thoái, «tự diễn biến», «tự chuyển hoá»"),
        "disunity": _("Mất đoàn kết, sai phạm công tác cán bộ"),
        "corruption_in_subordinate": _("Tham nhũng, tiêu cực trong phạm vi quản lý"),
        "prohibition_violated": _("Vi phạm điều đảng viên không được làm"),
    }.get(name, name)


def _rule_label(rule: RuleSpec, score: Any, missing: bool) -> str:
    """A few words saying what held the subject back, from the rule's check and parameters."""
    p = rule.params
    check = rule.check
    if missing:
        return _("Chưa có điểm") if check.startswith("score") else _("Thiếu dữ kiện")
    if check == "score_at_least":
        if score is None:
            return _("Chưa đủ %(t)s điểm") % {"t": p.get("threshold")}
        return _("Điểm %(score)s < %(t)s") % {"score": _number(score), "t": p.get("threshold")}
    if check == "score_below":
        return _("Dưới %(t)s điểm") % {"t": p.get("threshold")}
    if check == "flag":
        return _("Miễn sinh hoạt đảng") if p.get("name") == "exempt" else _("Đình chỉ sinh hoạt đảng")
    if check == "joined_within_months":
        if rule.effect.endswith("founded_less_than_6_months"):
            return _("Mới thành lập chưa đủ %(n)s tháng") % {"n": p.get("months")}
        return _("Mới kết nạp chưa đủ %(n)s tháng") % {"n": p.get("months")}
    if check == "sick_leave_at_least":
        return _("Nghỉ ốm từ %(n)s tháng") % {"n": p.get("months")}
    if check == "finding":
        return _finding(str(p.get("name", "")))
    if check == "disciplined_in_year":
        return _("Bị kỷ luật trong năm")
    if check == "tasks_all_on_time":
        return _("Chưa 100% đúng hạn")
    if check == "tasks_all_completed":
        return _("Chưa hoàn thành 100% nhiệm vụ")
    if check == "tasks_exceeded_share_at_least":
        return _("Vượt mức < %(pct)s%%") % {"pct": _pct(p.get("share", 0))}
    if check == "tasks_late_share_at_most":
        return _("Chậm > %(pct)s%% hoặc chưa xong") % {"pct": _pct(p.get("share", 0))}
    if check == "tasks_not_completed_over":
        return _("Trên %(pct)s%% nhiệm vụ không hoàn thành") % {"pct": _pct(p.get("share", 0))}
    if check in {"targets_completed_below", "led_units_completion_below"}:
        return _("Hoàn thành dưới %(pct)s%% chỉ tiêu") % {"pct": _pct(p.get("share", 0))}
    if check == "led_units_kht_over":
        return _("Trên %(pct)s%% đơn vị phụ trách KHT") % {"pct": _pct(p.get("share", 0))}
    if check == "confidence_low_over":
        return _("Trên %(pct)s%% phiếu tín nhiệm thấp") % {"pct": _pct(p.get("share", 0))}
    if check == "civil_servant_level_below":
        return _("Xếp loại công chức dưới %(level)s") % {"level": p.get("level")}
    if check == "civil_servant_level_is":
        return _("Xếp loại công chức %(level)s") % {"level": p.get("level")}
    if check == "criteria_all_at_least":
        grade = GRADES.get(str(p.get("grade")), str(p.get("grade")))
        if p.get("group") == "task":
            return _("Tiêu chí nhiệm vụ chưa đạt «%(grade)s»") % {"grade": grade}
        return _("Có tiêu chí dưới «%(grade)s»") % {"grade": grade}
    if check == "any_criterion_graded":
        return _("Có tiêu chí «%(grade)s»") % {"grade": GRADES.get(str(p.get("grade")), str(p.get("grade")))}
    if check == "shortcomings_remedied":
        return _("Chưa khắc phục hết hạn chế")
    if check in {"leadership_disciplined", "no_discipline_in_unit", "no_leadership_discipline"}:
        return _("Tập thể, thành viên bị kỷ luật")
    if check.startswith("subordinates_disciplined"):
        return _("Đơn vị trực thuộc bị kỷ luật")
    if check == "linked_at_least":
        return _("Cơ quan cùng cấp chưa đạt %(level)s") % {"level": p.get("level")}
    return ""


def _effect(effect: str) -> str:
    if effect == "needs_decision":
        return _("cấp có thẩm quyền xem xét, quyết định")
    if effect == "not_rated":
        return _("không xếp loại")
    high, _arrow, low = effect.partition("→")
    if not _arrow:
        return effect
    if low == "null":
        return _("%(high)s → không đạt mức nào") % {"high": high}
    return f"{high} → {low}" if high else f"→ {low}"


def _missing_fact(check: str) -> str:
    """What has to be recorded for a condition to be checked, in the officer's words."""
    if check.startswith("score"):
        return _("điểm tự chấm")
    if check in {"criteria_all_at_least", "any_criterion_graded"}:
        return _("mức đánh giá các tiêu chí")
    if check.startswith("tasks_") or check == "targets_completed_below":
        return _("danh sách nhiệm vụ và kết quả (hoàn thành, đúng hạn, vượt mức)")
    if check == "shortcomings_remedied":
        return _("kết quả khắc phục hạn chế, khuyết điểm kỳ trước")
    if check in {"leadership_disciplined", "no_discipline_in_unit", "no_leadership_discipline"}:
        return _("kỷ luật của tập thể, thành viên, đơn vị trực thuộc")
    if check.startswith("subordinates_disciplined"):
        return _("kỷ luật của đơn vị trực thuộc")
    if check.startswith("led_units"):
        return _("kết quả của địa phương, đơn vị phụ trách")
    if check == "confidence_low_over":
        return _("kết quả lấy phiếu tín nhiệm")
    if check == "linked_at_least":
        return _("mức xếp loại của cơ quan, đoàn thể cùng cấp")
    return _("dữ kiện xếp loại")


def unverified_facts(result: Any, regime: str) -> list[str]:
    """What is missing for the level the engine gives to be checked against facts (its `unverified` conditions),
    one line per kind of fact: the row is «chưa kiểm chứng» and the competent authority decides it knowingly."""
    ids = getattr(result, "unverified", None) or ()
    spec = _spec(regime)
    rules = _rules(regime)
    facts: list[str] = []
    for rule_id in ids:
        if spec is not None and rule_id == spec.head.id:
            text = _("mức xếp loại của tập thể, đơn vị mình đứng đầu")
        elif rule_id in rules:
            text = _missing_fact(rules[rule_id].check)
        else:
            text = _("dữ kiện của quy tắc %(rule)s") % {"rule": rule_id}
        if text not in facts:
            facts.append(text)
    return facts


@dataclass
class Chip:
    label: str
    tip: str
    code: str  # the rule's id, to find it in docs/rules.md
    down: bool
    unconfirmed: bool


def reason_chip(reason: Any, result: Any, regime: str, names: dict[str, str] | None = None) -> Chip:
    spec = _spec(regime)
    rule = _rules(regime).get(reason.rule)
    text = clean_source(reason.text)
    if names:
        text = _CASE_IDS.sub(lambda m: f"«{names.get(m.group(1), m.group(1))}»", text)
    code = _code(reason.rule, regime)
    label = ""
    if rule is not None:
        label = _rule_label(rule, getattr(result, "score", None), reason.text.startswith("Chưa có dữ kiện"))
    elif reason.rule == "quota":
        label = _("Vượt tỷ lệ HTXS")
    elif spec is not None and reason.rule == spec.head.id:
        label = _("Theo mức tập thể mình đứng đầu")
    elif reason.rule == "proposed" or (spec is not None and reason.rule == spec.proposed.id):
        label = _("Theo mức đề xuất")
    elif spec is not None and reason.rule == spec.undecided.id:
        label = _("Không đạt mức nào")
    if not label:
        # A province's own rule (local_rules): its description, cut short.
        label = text if len(text) <= 40 else text[:38].rstrip(" ,;") + "…"
    tip = f"{text} — {clean_source(reason.source)}"
    step = _effect(reason.effect)
    if step:
        tip += " · " + _("Tác động: %(step)s") % {"step": step}
    if reason.unconfirmed:
        tip += " · " + _("chưa xác nhận")
    if code:
        tip += " · " + _("Mã quy tắc: %(code)s") % {"code": code}
    return Chip(label, tip, code, reason.effect != "needs_decision", bool(reason.unconfirmed))


# ------------------------------------------------------------------------------------------------ filter


# The values of ?xem= on the decision page ("" shows every row).
FILTERS: tuple[str, ...] = ("", "chua-quyet-dinh", "chuyen-xuong", "ghi-ly-do", "xem-xet", "chua-kiem-chung")


def _filter_labels() -> dict[str, str]:
    return {
        "": _("Tất cả"),
        "chua-quyet-dinh": _("Chưa quyết định"),
        "chuyen-xuong": _("Bị chuyển xuống do tỷ lệ"),
        "ghi-ly-do": _("Cần ghi lý do"),
        "xem-xet": _("Cấp có thẩm quyền xem xét"),
        "chua-kiem-chung": _("Chưa kiểm chứng (thiếu dữ kiện)"),
    }


def _matches(key: str, row: Any, capped: set[int]) -> bool:
    review, result = row.review, row.result
    if review.state in LOCKED:
        return False
    if key == "chua-quyet-dinh":
        return True
    if key == "chuyen-xuong":
        return review.pk in capped
    if key == "ghi-ly-do":
        return bool(result and result.level and review.self_level and result.level != review.self_level)
    if key == "xem-xet":
        return review.state in DECIDABLE and bool(result and result.needs_decision and not result.level)
    if key == "chua-kiem-chung":
        return review.state in DECIDABLE and bool(result and getattr(result, "unverified", None))
    return True


# The engine's warnings that count subjects the page counts itself (its filters): the engine counts every subject of
# the case, forecasts included (reviews not yet proposed), while the page counts what can be decided now.
_COUNTED_BY_THE_PAGE = re.compile(r"\((?:unverified|needs_decision)\)")


def page_warnings(warnings: list[str], rows: list[Any], capped: set[int]) -> list[str]:
    """The engine's warnings, with the counts of unverified and undecidable subjects taken from the rows that can
    be decided now, as the filters count them (the same number on the card and on the filter)."""
    kept = [w for w in warnings if not _COUNTED_BY_THE_PAGE.search(w)]
    unverified = sum(1 for row in rows if _matches("chua-kiem-chung", row, capped))
    undecided = sum(1 for row in rows if _matches("xem-xet", row, capped))
    if unverified:
        kept.append(
            _("%(n)s đối tượng có mức xếp loại chưa được kiểm chứng vì thiếu dữ kiện: xem và chọn mức ở từng dòng.")
            % {"n": unverified}
        )
    if undecided:
        kept.append(
            _("%(n)s đối tượng cần cấp có thẩm quyền xem xét, quyết định: chọn mức và ghi lý do ở từng dòng.")
            % {"n": undecided}
        )
    return kept


@dataclass
class Line:
    number: int  # the row's place in the whole group
    row: Any
    chips: list[Chip]
    reason: str  # the engine's explanation when the computed level departs: a hint beside the box, never its value
    unverified: list[str] = field(default_factory=list)  # facts missing to check the computed level


@dataclass
class DecisionView:
    current: str
    lines: list[Line]
    total: int
    filters: list[dict[str, Any]] = field(default_factory=list)
    page: Any = None  # the Django Page of the rows shown (PAGE_ROWS a page)

    @property
    def filtered(self) -> bool:
        return bool(self.current)

    @property
    def partial(self) -> bool:
        """Only some of the group's rows are on the page: the form then records only those."""
        return self.filtered or (self.page is not None and self.page.paginator.num_pages > 1)


# Rows a page: the engine always runs over the whole group, but a modest computer should not have to draw a
# thousand rows of levels, chips and reasons at once (a 1,000-member group was 34,000 px tall).
PAGE_ROWS = 50


def decision_view(
    rows: list[Any],
    capped: set[int],
    errors: dict[str, Any] | None,
    wanted: str,
    regime: str,
    page_number: Any = None,
) -> DecisionView:
    """The rows of the decision page under the filter chosen in the address (?xem=…), a page of them (?trang=),
    with their reason chips.

    Rows the last submission refused are always shown, whatever the filter: their messages must be seen.
    """
    current = wanted if wanted in FILTERS else ""
    names = {f"r{row.review.pk}": row.review.subject_name for row in rows}
    failed = {int(m.group(1)) for k in (errors or {}) if (m := re.fullmatch(r"(?:level|reason)_(\d+)", k))}
    labels = _filter_labels()
    filters = [
        {
            "key": key,
            "label": labels[key],
            "count": len(rows) if not key else sum(1 for row in rows if _matches(key, row, capped)),
            "current": key == current,
        }
        for key in FILTERS
    ]
    shown = [
        (number, row)
        for number, row in enumerate(rows, start=1)
        if not current or _matches(current, row, capped) or row.review.pk in failed
    ]
    page = Paginator(shown, PAGE_ROWS).get_page(page_number)
    lines = []
    for number, row in page.object_list:
        local = _names_for(row, names)
        result, review = row.result, row.review
        departs = bool(result and result.level and review.self_level and result.level != review.self_level)
        reason = engine_reason(result, local) if departs else ""
        # A forecast (a review not yet proposed) is not decided now: its missing facts are not the authority's concern.
        unverified = unverified_facts(result, regime) if review.state in DECIDABLE else []
        lines.append(Line(number, row, _chips(row, regime, local), reason, unverified))
    return DecisionView(current, lines, len(rows), filters, page)


def _names_for(row: Any, names: dict[str, str]) -> dict[str, str]:
    """The names of the case ids a row's reasons mention (R23 names the body a head heads: «r12»)."""
    result, review = row.result, row.review
    if result is None or not review.heads_id or not any(_CASE_IDS.search(r.text) for r in result.reasons):
        return names
    local = dict(names)
    for reason in result.reasons:
        for case_id in _CASE_IDS.findall(reason.text):
            if case_id not in local:
                # The body is usually in another group: name it from the review itself.
                local[case_id] = review.context.name if review.context_id == review.heads_id else review.heads.name
    return local


def _chips(row: Any, regime: str, names: dict[str, str]) -> list[Chip]:
    result = row.result
    if result is None or not result.reasons:
        return []
    chips: dict[str, Chip] = {}
    for reason in result.reasons:
        chip = reason_chip(reason, result, regime, names)
        same = chips.get(chip.label)
        if same is None:
            chips[chip.label] = chip
        else:
            # The same condition failed at two levels (on time: for HTXS, then for HTT): one chip, both rules.
            same.tip += "\n" + chip.tip
            same.down = same.down or chip.down
            same.unconfirmed = same.unconfirmed or chip.unconfirmed
    return list(chips.values())


def _code(rule: str, regime: str) -> str:
    """The id to look a rule up in docs/rules.md: the quota's and the proposal's have none of their own."""
    spec = _spec(regime)
    if rule == "quota":
        return spec.quota.rule if spec is not None else ""
    if rule == "proposed" or (spec is not None and rule == spec.proposed.id):
        return ""
    return rule


def engine_reason(result: Any, names: dict[str, str] | None = None) -> str:
    """Why the computed level departs from the self-assessment: the last rule that moved it, with its source. A
    hint shown beside the reason box and in refusals, never the authority's reason (decisions.machine_written);
    Vietnamese, without the engine's rule id, case ids or source-note markers."""
    reasons = getattr(result, "reasons", None)
    if not reasons:
        return ""
    last = reasons[-1]
    text = clean_source(last.text)
    if names:
        text = _CASE_IDS.sub(lambda m: f"«{names.get(m.group(1), m.group(1))}»", text)
    return f"Theo kết quả tính: {text} ({clean_source(last.source)})"
