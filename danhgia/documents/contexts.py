"""The data of each document, read from the database in bulk: one context dict per document.

A context is plain data (strings, lists, dicts of strings) under the field names of catalogue.FIELDS, so the same
dict fills the Word template (docxtpl) and the PDF layout (Django template), and crosses to a worker process.
Every text is NFC-normalised (Word and Times New Roman draw decomposed accents badly) and formatted the
Vietnamese way here (26,5 points; dd/mm/yyyy; "ngày 05 tháng 01"), so neither layout formats anything.

Reads are set-based: a batch of reviews costs a fixed number of queries (reviews with their period, place,
person, proposal, decision; tasks; posts; memberships; the units above; the heads), whatever its size.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from danhgia.documents import catalogue
from danhgia.documents.catalogue import BLANK, CHECKED, DOTS, UNCHECKED
from danhgia.lib import numbers
from danhgia.lib.text import fold
from danhgia.orgs.models import CELL_KINDS, PARTY_KINDS, Unit, UnitKind, path_ids
from danhgia.people.models import Membership, Post, PostRole
from danhgia.reviews import services as review_services
from danhgia.reviews.meetings import VOTE_EXCLUSIONS, counted
from danhgia.reviews.models import (
    LEVEL_CHOICES,
    PERSON_KINDS,
    Decision,
    Meeting,
    Proposal,
    Review,
    ReviewKind,
    TaskStatus,
)

LEVELS = dict(LEVEL_CHOICES)
KINDS = dict(ReviewKind.choices)
TASKS = dict(TaskStatus.choices)
GRADE_KEYS = ("xuat_sac", "tot", "trung_binh", "kem")
_PLACE = re.compile(r"^.*?\b(thị xã|thị trấn|thành phố|đặc khu|phường|xã|huyện|quận|tỉnh)\s+", re.IGNORECASE)
_COMMITTEE = [
    (re.compile(r"^Đảng bộ tỉnh\s+", re.IGNORECASE), "Tỉnh ủy "),
    (re.compile(r"^Đảng bộ thành phố\s+", re.IGNORECASE), "Thành ủy "),
    (re.compile(r"^Đảng bộ (huyện|quận)\s+", re.IGNORECASE), None),
    (re.compile(r"^Đảng bộ thị xã\s+", re.IGNORECASE), "Thị ủy "),
    (re.compile(r"^Đảng bộ\s+", re.IGNORECASE), "Đảng ủy "),
]


# ------------------------------------------------------------------------------------------------ formatting
def nfc(text: Any) -> str:
    return unicodedata.normalize("NFC", str(text)).strip()


def upper(text: str) -> str:
    return nfc(text).upper()


def points(value: Any) -> str:
    """26.50 → "26,5"; 30 → "30"; None → "…"."""
    if value is None or value == "":
        return BLANK
    return numbers.points(value, vietnamese=True)


def day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else BLANK


def clock(value: dt.time | None) -> str:
    """7:30 → "7 giờ 30", the way minutes write the hour; unknown → "… giờ …" to fill in by hand."""
    if value is None:
        return f"{BLANK} giờ {BLANK}"
    return f"{value.hour} giờ {value.minute:02d}" if value.minute else f"{value.hour} giờ"


def date_parts(value: dt.date | None) -> dict[str, str]:
    """The place-and-date line's day, month and year; days under 10 and months 1 and 2 take a leading zero
    (Hướng dẫn 36-HD/VPTW, as for state documents under Nghị định 30/2020/NĐ-CP)."""
    if value is None:
        return {"ngay": BLANK, "thang": BLANK, "nam": BLANK}
    return {
        "ngay": f"{value.day:02d}",
        "thang": f"{value.month:02d}" if value.month <= 2 else str(value.month),
        "nam": str(value.year),
    }


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment else None


def paragraphs(text: str | None) -> list[str]:
    """A written section as its paragraphs; an empty one as a dotted line to fill by hand."""
    found = [nfc(line) for line in (text or "").splitlines() if line.strip()]
    return found or [DOTS]


def percent(part: int, whole: int) -> str:
    return numbers.percent_of(part, whole, vietnamese=True, spaced=True)


def slug(text: str, limit: int = 60) -> str:
    """ASCII file-name part: "Nguyễn Văn Ánh" → "Nguyen-Van-Anh" (unzip tools of old Windows mangle UTF-8 names)."""
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).split()
    return "-".join(w.capitalize() for w in words)[:limit] or "van-ban"


def place_name(unit: Unit | None) -> str:
    """The place of the date line: "Đảng bộ xã Hòa Bình" → "Hòa Bình"."""
    if unit is None:
        return BLANK
    match = _PLACE.match(nfc(unit.name))
    return nfc(unit.name)[match.end() :] if match else BLANK


def issuer_name(unit: Unit) -> str:
    """A party organization issues its documents as its committee: "Đảng bộ xã X" → "Đảng ủy xã X",
    "Đảng bộ tỉnh X" → "Tỉnh ủy X", "Đảng bộ huyện X" → "Huyện ủy X"; cells and other bodies as named."""
    name = nfc(unit.name)
    if unit.kind not in PARTY_KINDS or unit.kind in CELL_KINDS:
        return name
    for pattern, replacement in _COMMITTEE:
        match = pattern.match(name)
        if match:
            if replacement is None:
                replacement = f"{match.group(1).capitalize()} ủy "
            return replacement + name[match.end() :]
    return name


def signer_titles(unit: Unit, head: Post | None) -> tuple[str, str]:
    """The "T/M …" line and the signer's title of a document issued by `unit`."""
    if unit.kind in CELL_KINDS:
        return "T/M CHI BỘ", "BÍ THƯ"
    if unit.kind in {UnitKind.PROVINCE_COMMITTEE, UnitKind.DISTRICT_COMMITTEE, UnitKind.BLOC_COMMITTEE}:
        return "T/M BAN THƯỜNG VỤ", "BÍ THƯ"
    if unit.kind in PARTY_KINDS:
        return "T/M ĐẢNG ỦY", "BÍ THƯ"
    return "T/M TẬP THỂ LÃNH ĐẠO", upper(head.title) if head is not None else "THỦ TRƯỞNG"


def number_suffix(unit: Unit, kind: str) -> str:
    """ "Số     -TB/ĐU": the number left for the office to write, the body's abbreviation after the slash."""
    body = "CB" if unit.kind in CELL_KINDS else "TU" if unit.kind == UnitKind.PROVINCE_COMMITTEE else "ĐU"
    return f"{' ' * 6}-{kind}/{body}"


# ------------------------------------------------------------------------------------------------ shared reads
def _assessment_signer(review: Review, place: Unit, units: Units) -> dict[str, str]:
    """Who signs the cell's assessment on a member's form: the secretary, except on their own form, which the
    deputy signs (nobody assesses their own record); with no deputy the name is left to write by hand."""
    head = units.heads.get(place.pk)
    if review.person_id is not None and head is not None and head.person_id == review.person_id:
        deputy = units.deputies.get(place.pk)
        return {"chuc_danh_nhan_xet": "PHÓ BÍ THƯ", "bi_thu": nfc(deputy.person) if deputy is not None else ""}
    return {"chuc_danh_nhan_xet": "BÍ THƯ", "bi_thu": units.head_name(place)}


class Units:
    """The units above a set of places (for the header and the place name), and their current heads."""

    def __init__(self, units: Iterable[Unit]) -> None:
        units = list(units)
        ids = {i for unit in units for i in path_ids(unit.path)}
        self.by_id: dict[int, Unit] = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
        self.by_id.update({u.pk: u for u in units})
        self.heads: dict[int, Post] = {}
        self.deputies: dict[int, Post] = {}  # the longest-serving deputy: signs where the head may not
        for post in (
            Post.objects.filter(unit_id__in=ids, role__in=[PostRole.HEAD, PostRole.DEPUTY], ends_on__isnull=True)
            .select_related("person")
            .order_by("-starts_on", "-pk")
        ):
            (self.heads if post.role == PostRole.HEAD else self.deputies)[post.unit_id] = post

    def parent(self, unit: Unit) -> Unit | None:
        return self.by_id.get(unit.parent_id) if unit.parent_id else None

    def place(self, unit: Unit) -> str:
        """The nearest unit at or above `unit` tied to a locality gives the place name."""
        for unit_id in reversed(path_ids(unit.path)):
            candidate = self.by_id.get(unit_id)
            if candidate is not None and candidate.locality:
                return place_name(candidate)
        return place_name(self.by_id.get(path_ids(unit.path)[0]))

    def head_name(self, unit: Unit) -> str:
        head = self.heads.get(unit.pk)
        return nfc(head.person) if head is not None else ""

    def header(self, unit: Unit, *, as_issuer: bool) -> dict[str, str]:
        parent = self.parent(unit)
        return {
            "cap_tren": upper(parent.name) if parent is not None else "",
            "co_quan": upper(issuer_name(unit) if as_issuer else unit.name),
            "dia_danh": self.place(unit),
        }


def subject_of(review: Review) -> str:
    """A review's subject as printed: a leadership collective by its own name ("Ban Thường vụ Đảng ủy xã …")."""
    unit = review.unit
    if review.kind == ReviewKind.COLLECTIVE and unit is not None and unit.collective_name:
        return nfc(unit.collective_name)
    return nfc(review.subject_name)


def _period_fields(period: Any) -> dict[str, str]:
    return {
        "nam_danh_gia": str(period.year),
        "ky_danh_gia": nfc(period.name),
        "can_cu": catalogue.BASIS.get(period.regime, ""),
    }


def _decision_text(decision: Decision | None) -> str:
    if decision is None:
        return ""
    parts = []
    if decision.number:
        parts.append(f"Quyết định số {nfc(decision.number)}")
    when = decision.signed_on or local_day(decision.decided_at)
    if when:
        parts.append(f"ngày {day(when)}")
    if decision.authority_id:
        parts.append(f"của {issuer_name(decision.authority)}")
    return f"({' '.join(parts)})" if parts else ""


def _decision_cell(decision: Decision | None) -> str:
    """The decision in a notice's table: "Số 15-QĐ/ĐU, 20/12/2026", or only its date when it has no number."""
    if decision is None:
        return ""
    when = day(decision.signed_on or local_day(decision.decided_at))
    return f"Số {nfc(decision.number)}, {when}" if decision.number else when


def _level_boxes(level: str) -> dict[str, str]:
    return {
        field: CHECKED if level == code else UNCHECKED
        for field, code in zip(("o_htxs", "o_htt", "o_ht", "o_kht"), ("HTXS", "HTT", "HT", "KHT"), strict=True)
    }


# ------------------------------------------------------------------------------------------------ reviews
@dataclass
class Prepared:
    """One document to render: its code (catalogue.DOCS), a file name without extension, its context."""

    code: str
    name: str
    context: dict[str, Any]
    # What the document is about (a review, a meeting, the place of a notice): its issuer and its audit target.
    target: Any = None
    # A readable name for a single download ("Mẫu 2B - Nguyễn Văn An"); `name` is the ASCII one used in zips.
    title: str = ""
    # The unit that issues it: whose Word template applies.
    issuer: Any = None


def review_queryset() -> Any:
    return Review.objects.select_related(
        "period",
        "period__unit",
        "context",
        "person",
        "unit",
        "criteria_table",
        "proposal",
        "proposal__meeting",
        "decision",
        "decision__authority",
    ).prefetch_related("tasks")


def _criteria_rows(review: Review) -> tuple[list[dict[str, str]], list[dict[str, str]], str]:
    table = review_services.table_for(review)
    entered = review.items or {}
    rows: dict[str, list[dict[str, str]]] = {"general": [], "task": []}
    for group in table.groups:
        for i, item in enumerate(group.items, start=1):
            row = {"stt": str(i), "noi_dung": nfc(item.text), "toi_da": points(item.max), "diem": BLANK}
            row.update(dict.fromkeys(GRADE_KEYS, ""))
            value = entered.get(item.code)
            if table.kind == "points":
                row["diem"] = points(value) if value not in (None, "") else BLANK
            elif value in GRADE_KEYS:
                row[value] = "X"
            rows[group.code].append(row)
    return rows["general"], rows["task"], table.kind


def _vote_text(proposal: Any) -> str:
    if proposal is None:
        return ""
    total = counted(proposal.meeting)
    outcome = "đạt" if proposal.passed else "không đạt"
    return (
        f"(tán thành {proposal.votes_for}/{total}, không tán thành {proposal.votes_against}, "
        f"không biểu quyết {proposal.votes_abstain}; {outcome})"
    )


def review_documents(reviews: list[Review]) -> list[Prepared]:
    """The self-review (Mẫu 2A/2B/2C, 02A/02B) or collective report (Mẫu 01) of each review, in bulk.

    `reviews` come from review_queryset() so that their related rows are already loaded.
    """
    if not reviews:
        return []
    units = Units(r.context for r in reviews)
    person_ids = [r.person_id for r in reviews if r.person_id]
    ends = {r.period.ends_on for r in reviews}
    end = max(ends)
    posts: dict[int, list[Post]] = defaultdict(list)
    for post in (
        Post.objects.filter(person_id__in=person_ids, starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=min(ends)))
        .select_related("unit")
        .order_by("starts_on", "pk")
    ):
        posts[post.person_id].append(post)
    cells: dict[int, str] = {}
    for membership in (
        Membership.objects.filter(member__person_id__in=person_ids, valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=min(ends)))
        .select_related("unit", "member")
        .order_by("valid_from")
    ):
        cells[membership.member.person_id] = nfc(membership.unit.name)
    prepared = []
    for review in reviews:
        period, place = review.period, review.context
        code = catalogue.doc_code(period.regime, review.form_code)
        general, task, _kind = _criteria_rows(review)
        proposal = getattr(review, "proposal", None)
        decision = review.decision
        context: dict[str, Any] = {
            "ma_mau": catalogue.form_label(period.regime, review.form_code),
            **units.header(place, as_issuer=not review.is_person),
            **date_parts(local_day(review.submitted_at)),
            **_period_fields(period),
            **{key: paragraphs((review.sections or {}).get(key)) for key in review_services.SECTIONS},
            "tieu_chi_chung": general,
            "tieu_chi_nhiem_vu": task,
            "diem_chung": points(review.score_general),
            "diem_nhiem_vu": points(review.score_task),
            "tong_diem": points(review.score),
            "muc_tu_xep_loai": LEVELS.get(review.self_level, BLANK),
            **_level_boxes(review.self_level),
            "nhiem_vu": [
                {
                    "stt": str(t.position),
                    "ten": nfc(t.title),
                    "ket_qua": TASKS.get(t.status, ""),
                    "minh_chung": nfc(t.evidence),
                }
                for t in review.tasks.all()
            ]
            or [{"stt": "", "ten": BLANK, "ket_qua": "", "minh_chung": ""}],
            "nhan_xet": paragraphs(proposal.comment if proposal is not None else ""),
            "chi_bo_de_xuat": LEVELS.get(proposal.level, BLANK) if proposal is not None else BLANK,
            "bieu_quyet": _vote_text(proposal),
            "muc_xep_loai": LEVELS.get(decision.level, BLANK) if decision is not None else BLANK,
            "quyet_dinh": _decision_text(decision),
            **_assessment_signer(review, place, units),
        }
        if review.is_person:
            person = review.person
            assert person is not None
            held = posts.get(person.pk, [])
            party = [nfc(p.title) for p in held if p.unit.kind in PARTY_KINDS]
            other = [nfc(p.title) for p in held if p.unit.kind not in PARTY_KINDS]
            workplaces = list(dict.fromkeys(nfc(p.unit.name) for p in held if p.unit.kind not in PARTY_KINDS))
            context.update(
                {
                    "ho_ten": nfc(person.full_name),
                    "ngay_sinh": day(person.birth_date),
                    "chuc_vu_dang": "; ".join(party) or "Đảng viên",
                    "chuc_vu_khac": "; ".join(other) or BLANK,
                    "don_vi_cong_tac": "; ".join(workplaces) or BLANK,
                    "chi_bo": cells.get(person.pk, nfc(place.name)),
                }
            )
            subject = person.full_name
        else:
            subject = subject_of(review)
            tm, title = signer_titles(place, units.heads.get(place.pk))
            parent = units.parent(place)
            context.update(
                {
                    "ten_tap_the": nfc(subject),
                    "tm": tm,
                    "chuc_danh_ky": title,
                    "nguoi_ky": units.head_name(place),
                    "noi_nhan": [
                        *([f"{issuer_name(parent)} (để báo cáo)"] if parent is not None else []),
                        f"Lưu {nfc(place.name)}",
                    ],
                }
            )
        prepared.append(
            Prepared(
                code=code,
                name=f"Mau-{code}_{slug(subject)}_{review.pk}",
                context=context,
                target=review,
                title=f"Mẫu {review.form_code} - {nfc(subject)}",
                issuer=place,
            )
        )
    return prepared


# ------------------------------------------------------------------------------------------------ minutes
def meeting_queryset() -> Any:
    return Meeting.objects.select_related("period", "unit")


def minutes_documents(meetings: list[Meeting]) -> list[Prepared]:
    """The minutes of each meeting, from the meeting and its proposals with their votes."""
    if not meetings:
        return []
    units = Units(m.unit for m in meetings)
    proposals: dict[int, list[Any]] = defaultdict(list)
    for proposal in (
        Proposal.objects.filter(meeting__in=meetings)
        .select_related("review", "review__person", "review__unit")
        .order_by("review__kind", "review__person__sort_key", "review__unit__sort_key", "pk")
    ):
        proposals[proposal.meeting_id].append(proposal)
    prepared = []
    for meeting in meetings:
        rows = proposals.get(meeting.pk, [])
        levels = Counter(p.level for p in rows if p.passed)
        failed = sum(1 for p in rows if not p.passed)
        summary = [
            {"muc": LEVELS[code], "so": str(levels[code]), "ty_le": percent(levels[code], len(rows))}
            for code, _label in LEVEL_CHOICES
        ]
        if failed:
            summary.append({"muc": "Chưa được thông qua", "so": str(failed), "ty_le": percent(failed, len(rows))})
        context = {
            **units.header(meeting.unit, as_issuer=True),
            **date_parts(meeting.held_on),
            **_period_fields(meeting.period),
            "ma_mau": "",
            "so_ky_hieu": number_suffix(meeting.unit, "BB"),
            "ten_don_vi": nfc(meeting.unit.name),
            "ngay_hop": day(meeting.held_on),
            "chu_tri": nfc(meeting.chaired_by),
            # Short enough to also fit the signature column when the name is left to be written by hand.
            "thu_ky": nfc(meeting.secretary) or BLANK * 12,
            "dia_diem": nfc(meeting.place) or DOTS,
            "gio_bat_dau": clock(meeting.starts_at),
            "gio_ket_thuc": clock(meeting.ends_at),
            "so_trieu_tap": str(meeting.summoned),
            "so_co_mat": str(meeting.present),
            "so_vang": str(meeting.summoned - meeting.present),
            "so_tinh_bieu_quyet": str(counted(meeting)),
            "khong_tinh": [
                {"loai": VOTE_EXCLUSIONS.get(key, key), "so": str(value)}
                for key, value in (meeting.excluded or {}).items()
                if int(value)
            ],
            "dien_bien": paragraphs(meeting.minutes),
            "de_xuat": [
                {
                    "stt": str(i),
                    "ten": subject_of(p.review),
                    "doi_tuong": KINDS.get(p.review.kind, ""),
                    "diem": points(p.review.score),
                    "tu_xep_loai": p.review.self_level or BLANK,
                    "de_xuat": p.level,
                    "tan_thanh": str(p.votes_for),
                    "khong_tan_thanh": str(p.votes_against),
                    "khong_bieu_quyet": str(p.votes_abstain),
                    "ket_qua": "Đạt" if p.passed else "Không đạt",
                    "nhan_xet": nfc(p.comment),
                }
                for i, p in enumerate(rows, start=1)
            ],
            "ly_do": [f"{subject_of(p.review)}: {nfc(p.comment)}" for p in rows if p.comment.strip()] or [DOTS],
            "tong_hop": summary,
        }
        prepared.append(
            Prepared(
                code="bien-ban",
                name=f"Bien-ban-hoi-nghi_{slug(meeting.unit.name)}",
                context=context,
                target=meeting,
                title=f"Biên bản hội nghị - {nfc(meeting.unit.name)}",
                issuer=meeting.unit,
            )
        )
    return prepared


# ------------------------------------------------------------------------------------------------ notices
def notice_document(reviews: list[Review], place: Unit, authority: Unit, *, personal: bool = False) -> Prepared:
    """The notice of results issued by `authority` for the decided `reviews` held at `place` (QĐ 366 Art. 15);
    `personal`: one subject's own notice, named after them."""
    units = Units([place, authority])
    decisions = [r.decision for r in reviews if r.decision is not None]
    days = [d.signed_on or local_day(d.decided_at) for d in decisions]
    issued = max((d for d in days if d is not None), default=None)
    levels = Counter(d.level for d in decisions)
    persons = sum(1 for r in reviews if r.kind in PERSON_KINDS)
    whom = "đảng viên" if persons == len(reviews) else "tập thể" if persons == 0 else "tập thể, cá nhân"
    tm, title = signer_titles(authority, units.heads.get(authority.pk))
    signed = [d.signer for d in decisions if d.signer]
    period = reviews[0].period if reviews else None
    # The decision the notice reports, when every result in it was decided by the same one (a batch).
    numbered = {(d.number, d.signed_on) for d in decisions}
    number, signed_on = next(iter(numbered)) if len(numbered) == 1 else ("", None)
    context = {
        **units.header(authority, as_issuer=True),
        **date_parts(issued),
        **(_period_fields(period) if period is not None else {}),
        "ma_mau": "",
        "so_ky_hieu": number_suffix(authority, "TB"),
        "ten_co_quan": issuer_name(authority),
        "don_vi": nfc(place.name),
        "doi_tuong": whom,
        "decision_number": nfc(number),
        "decision_date": day(signed_on) if number and signed_on else "",
        "ket_qua": [
            {
                "stt": str(i),
                "ten": subject_of(r),
                "doi_tuong": KINDS.get(r.kind, ""),
                "muc": LEVELS.get(r.decision.level, "") if r.decision else "",
                "quyet_dinh": _decision_cell(r.decision),
            }
            for i, r in enumerate(reviews, start=1)
        ],
        "tong_hop": [
            {"muc": label, "so": str(levels[code]), "ty_le": percent(levels[code], len(decisions))}
            for code, label in LEVEL_CHOICES
        ],
        "tm": tm,
        "chuc_danh_ky": title,
        "nguoi_ky": nfc(signed[-1]) if signed else units.head_name(authority),
        "noi_nhan": [
            nfc(place.name),
            *(["Các đồng chí có tên trên"] if persons else []),
            f"Lưu Văn phòng {issuer_name(authority)}",
        ],
    }
    subject = subject_of(reviews[0]) if personal and reviews else place.name
    return Prepared(
        code="thong-bao",
        name=f"Thong-bao-ket-qua_{slug(subject)}_{authority.pk}",
        context=context,
        target=place,
        title=f"Thông báo kết quả - {nfc(subject)}",
        issuer=authority,
    )


def notice_reviews(period: Any, place: Unit, authority_id: int | None = None) -> dict[int, list[Review]]:
    """Decided reviews held at `place`, by deciding committee (a notice is issued by one committee)."""
    by_authority: dict[int, list[Review]] = defaultdict(list)
    rows = (
        review_queryset()
        .filter(period=period, context=place, decision__isnull=False)
        .order_by("kind", "person__sort_key", "unit__sort_key", "pk")
    )
    if authority_id is not None:
        rows = rows.filter(decision__authority_id=authority_id)
    for review in rows:
        assert review.decision is not None
        by_authority[review.decision.authority_id].append(review)
    return by_authority
