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
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from danhgia.documents import catalogue
from danhgia.documents.catalogue import BLANK, CHECKED, DOTS, UNCHECKED
from danhgia.documents.letterhead import (  # noqa: F401 — date_parts, place_name, upper: used by other modules
    Units,
    date_parts,
    issuer_name,
    nfc,
    number_line,
    place_name,
    signer_titles,
    upper,
)
from danhgia.lib import dates, numbers
from danhgia.lib.text import fold
from danhgia.orgs.models import CELL_KINDS, PARTY_KINDS, Unit
from danhgia.people.models import Membership, Post
from danhgia.reviews import services as review_services
from danhgia.reviews.criteria import form_label
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
MEMBER_KINDS = frozenset({ReviewKind.MEMBER, ReviewKind.MEMBER_OUTSIDE})
# The number line of a paper ("Số      -TB/HU"), under the name the other code knows it by.
number_suffix = number_line


# ------------------------------------------------------------------------------------------------ formatting
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


# ------------------------------------------------------------------------------------------------ shared reads
def assessor(place: Unit) -> tuple[str, str]:
    """Who comments on a person's form (its part C) and on whose behalf it signs: the collective the person was
    reviewed in. The central forms print the alternatives «chi ủy (chi bộ)»; the form printed here chooses: a cell
    through its elected committee (chi ủy) when it has one — named as the cell's leadership collective, «Chi ủy …»
    — else as a whole; a leader reviewed in a party committee (a commune committee's secretary) by that committee;
    a leader of another body by the body's leadership collective."""
    if place.kind in CELL_KINDS:
        return ("chi ủy", "T/M CHI ỦY") if place.collective_name else ("chi bộ", "T/M CHI BỘ")
    tm, _title = signer_titles(place, None)
    if place.kind in PARTY_KINDS:
        body = issuer_name(place)
        return (f"Ban Thường vụ {body}" if tm == "T/M BAN THƯỜNG VỤ" else body), tm
    return nfc(place.collective_name) or f"tập thể lãnh đạo {nfc(place.name)}", tm


def _assessment_signer(review: Review, place: Unit, units: Units, on: dt.date | None) -> dict[str, str]:
    """Who signs the assessment on a person's form: the head of the place on the form's day, except on their own
    form, which the deputy signs (nobody assesses their own record); with no deputy the name is left blank."""
    body, tm = assessor(place)
    signer = {"nhan_xet_cua": body, "tm_nhan_xet": tm}
    head = units.head(place, on)
    if review.person_id is not None and head is not None and head.person_id == review.person_id:
        deputy = units.deputy(place, on)
        title = "PHÓ BÍ THƯ" if place.kind in PARTY_KINDS else upper(deputy.title) if deputy is not None else "CẤP PHÓ"
        return {**signer, "chuc_danh_nhan_xet": title, "bi_thu": nfc(deputy.person) if deputy is not None else ""}
    _tm, title = signer_titles(place, head)
    return {**signer, "chuc_danh_nhan_xet": title, "bi_thu": nfc(head.person) if head is not None else ""}


def paper_day(period: Any, decision: Decision | None = None) -> dt.date:
    """The day a paper of `period` speaks for, whose post holders sign it: its decision's, else the end of the
    period (today, while the period runs)."""
    if decision is not None:
        decided = decision.signed_on or local_day(decision.decided_at)
        if decided is not None:
            return decided
    return min(period.ends_on, dates.today())


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
        on = paper_day(period, decision)
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
            **_assessment_signer(review, place, units, on),
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
            tm, title = signer_titles(place, units.head(place, on))
            parent = units.parent(place)
            context.update(
                {
                    "ten_tap_the": nfc(subject),
                    "tm": tm,
                    "chuc_danh_ky": title,
                    "nguoi_ky": units.head_name(place, on),
                    "noi_nhan": [
                        *([f"{issuer_name(parent)} (để báo cáo)"] if parent is not None else []),
                        f"Lưu {nfc(place.name)}",
                    ],
                }
            )
        # Named as the screens name the form ("Mẫu 02C", HD 43), not by its code ("2C").
        label = form_label(review.form_code)
        prepared.append(
            Prepared(
                code=code,
                name=f"Mau-{label}_{slug(subject)}_{review.pk}",
                context=context,
                target=review,
                title=f"Mẫu {label} - {nfc(subject)}",
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
            "so_ky_hieu": number_line(meeting.unit, "BB"),
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
def _whom(reviews: list[Review]) -> str:
    """Who a notice is about, as its title says: "đảng viên", "cán bộ lãnh đạo, quản lý", "tập thể", or a mix."""
    kinds = {r.kind for r in reviews}
    persons = kinds & set(PERSON_KINDS)
    if not persons:
        return "tập thể"
    if kinds - persons:
        return "tập thể, cá nhân"
    if persons <= MEMBER_KINDS:
        return "đảng viên"
    if persons == {ReviewKind.LEADER}:
        return "cán bộ lãnh đạo, quản lý"
    return "đảng viên, cán bộ lãnh đạo, quản lý"


def _closing(reviews: list[Review], place: Unit) -> str:
    """The request to pass the results on, and the right to complain: to everyone, or to the one subject."""
    don_vi = nfc(place.name)
    if len(reviews) != 1:
        return (
            f"Đề nghị {don_vi} thông báo kết quả đến từng tập thể, cá nhân. Tập thể, cá nhân có ý kiến khác về kết "
            "quả xếp loại có quyền khiếu nại với cấp ủy cấp trên theo quy định."
        )
    [review] = reviews
    if review.is_person:
        return (
            f"Đề nghị {don_vi} thông báo kết quả đến đồng chí {subject_of(review)}. Nếu có ý kiến khác về kết quả "
            "xếp loại, đồng chí có quyền khiếu nại với cấp ủy cấp trên theo quy định."
        )
    return (
        f"Đề nghị {don_vi} thông báo công khai kết quả này. Nếu có ý kiến khác về kết quả xếp loại, "
        f"{subject_of(review)} có quyền khiếu nại với cấp ủy cấp trên theo quy định."
    )


def notice_document(
    reviews: list[Review],
    place: Unit,
    authority: Unit,
    *,
    personal: bool = False,
    decision_number: str = "",
    decision_date: dt.date | None = None,
) -> Prepared:
    """The notice of results issued by `authority` for the decided `reviews` held at `place` (QĐ 366 Art. 15);
    `personal`: one subject's own notice, named after them. `decision_number` and `decision_date`: the decision
    the notice announces, when it has its own number (cited among the bases and in `so_quyet_dinh`,
    `ngay_quyet_dinh`)."""
    units = Units([place, authority])
    decisions = [r.decision for r in reviews if r.decision is not None]
    days = [d.signed_on or local_day(d.decided_at) for d in decisions]
    issued = max((d for d in days if d is not None), default=None)
    levels = Counter(d.level for d in decisions)
    persons = sum(1 for r in reviews if r.kind in PERSON_KINDS)
    whom = _whom(reviews)
    period = reviews[0].period if reviews else None
    on = issued or (paper_day(period) if period is not None else None)
    tm, title = signer_titles(authority, units.head(authority, on))
    signed = [d.signer for d in decisions if d.signer]
    year = str(period.year) if period is not None else BLANK
    # The bases the notice cites: the appraisal only when the advisory body did appraise (HD 43 §3).
    appraised = any(r.appraised_level for r in reviews)
    cited = f"Căn cứ kết quả kiểm điểm, đề xuất của {nfc(place.name)}{' và kết quả thẩm định' if appraised else ''},"
    if not decision_number:
        # The decision the notice reports, when every result in it was decided by the same numbered one (a batch).
        numbered = {(d.number, d.signed_on) for d in decisions}
        if len(numbered) == 1:
            decision_number, decision_date = next(iter(numbered))
    number = nfc(decision_number)
    context = {
        **units.header(authority, as_issuer=True),
        **date_parts(issued),
        **(_period_fields(period) if period is not None else {}),
        "ma_mau": "",
        "so_ky_hieu": number_line(authority, "TB"),
        "ten_co_quan": issuer_name(authority),
        "don_vi": nfc(place.name),
        "doi_tuong": whom,
        "so_quyet_dinh": number,
        "ngay_quyet_dinh": day(decision_date) if number else "",
        "can_cu_quyet_dinh": (
            f"Căn cứ Quyết định số {number} ngày {day(decision_date)} của {issuer_name(authority)} về đánh giá, "
            f"xếp loại chất lượng {whom} năm {year};"
            if number
            else ""
        ),
        "can_cu_ket_qua": cited,
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
        # A summary by level says nothing of one subject ("Hoàn thành tốt nhiệm vụ: 1 (100,0 %)").
        "tong_hop": [
            {"muc": label, "so": str(levels[code]), "ty_le": percent(levels[code], len(decisions))}
            for code, label in LEVEL_CHOICES
        ]
        if len(reviews) > 1
        else [],
        "de_nghi": _closing(reviews, place),
        "tm": tm,
        "chuc_danh_ky": title,
        "nguoi_ky": nfc(signed[-1]) if signed else units.head_name(authority, on),
        "noi_nhan": [
            nfc(place.name),
            *(["Các đồng chí có tên trên" if persons > 1 else "Đồng chí có tên trên"] if persons else []),
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
