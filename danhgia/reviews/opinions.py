"""Opinions from evaluator groups: the group and its form, respondents' sheets, answers, and what may be shown.

Who gives opinions on a subject: the leadership collective, the residence-area party cell (QĐ 213-QĐ/TW,
HD 33-HD/BTCTW; QĐ 366-QĐ/TW Art. 17 lists its comment in the dossier), superiors, subordinates, the Fatherland
Front and other bodies. Each group has its own form (questions as data), weight, deadline and anonymity mode.

Anonymous groups are built so that no answer can be traced to its author, whoever looks (anchors-notes.md:
LimeSurvey's "anonymized responses", Blik's threshold):
- a respondent's sheet (token hash, a completion flag) and the opinions are separate rows with no link, no
  submission time on either, and opinions keyed by random UUIDs so that insertion order says nothing;
- answers are choices only: free text betrays its writer by style and content;
- results show per subject only from the group's threshold of answers up (never below the configured floor,
  3 by default), and only once the group is closed (deadline passed, or every sheet answered or revoked), so
  that nobody can learn one answer by comparing the totals before and after it; once results show, no
  respondent can be added;
- the audit event of an anonymous answer names no actor and no number of subjects;
- a sheet counts toward the threshold only when whoever added it could not have answered it in its author's place
  (`Respondent.counts_toward_threshold`): a respondent answering under their own account, not the adder's; a single-use
  link (whose token the adder saw) only once someone other than the adder has vouched for it before it was
  answered. Otherwise the one who runs the group could add two links, answer them himself and read the one real
  answer off the totals. Each sheet that does not count lowers the subject's answers by one before the threshold
  is checked (it gave at most one answer on each subject);
- the database keeps no trace of which answers came together: at every submission the group's answers are all
  deleted and written again in a random order with new random keys, in the submitting transaction, so that no
  row version (PostgreSQL's `xmin`), physical place (`ctid`, SQLite's `rowid`) or key order tells one
  submission's rows from another's (the finding EvaP fixed the same way). Dead row versions stay on disk until
  VACUUM (autovacuum) reclaims them; docs/operations.md says so.
Below the threshold the only thing shown is "Chưa đủ số ý kiến". Raw anonymous answers leave this module only
as counts: no page, export or API reads the Opinion rows of an anonymous group directly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse

from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.lib.dates import today
from danhgia.orgs.models import Unit, in_subtree
from danhgia.periods.models import Period
from danhgia.reviews import notify
from danhgia.reviews.criteria import GRADES
from danhgia.reviews.models import (
    LEVEL_CHOICES,
    Anonymity,
    EvaluatorGroup,
    EvaluatorKind,
    Opinion,
    Respondent,
    Review,
)

if TYPE_CHECKING:
    from danhgia.accounts.models import User

QUESTION_KINDS = {
    "level": "Đề xuất mức xếp loại",
    "grade": "Mức đánh giá (xuất sắc, tốt, trung bình, kém)",
    "text": "Nhận xét bằng lời",
}
# Points of each choice, for a group's score (0–100) and the weighted composite.
CHOICE_POINTS = {
    "level": {"HTXS": 4, "HTT": 3, "HT": 2, "KHT": 1},
    "grade": {"xuat_sac": 4, "tot": 3, "trung_binh": 2, "kem": 1},
}
CHOICE_LABELS = {"level": dict(LEVEL_CHOICES), "grade": dict(GRADES)}
MAX_QUESTIONS = 20
MAX_TEXT = 4000

_COMMENT = {"code": "nhan_xet", "text": "Nhận xét, góp ý", "kind": "text"}
# Default forms per group kind; an officer may replace them when creating the group.
DEFAULT_QUESTIONS: dict[str, list[dict[str, str]]] = {
    EvaluatorKind.RESIDENCE: [
        {
            "code": "chap_hanh",
            "kind": "grade",
            "text": "Gương mẫu thực hiện chủ trương của Đảng, chính sách, pháp luật của Nhà nước và quy định của "
            "địa phương nơi cư trú",
        },
        {
            "code": "lien_he",
            "kind": "grade",
            "text": "Giữ mối liên hệ với chi ủy, chi bộ và Nhân dân nơi cư trú; tham gia các hoạt động ở nơi cư trú",
        },
        {"code": "nhan_xet", "text": "Nhận xét của chi ủy, chi bộ nơi cư trú", "kind": "text"},
    ],
    EvaluatorKind.FRONT: [
        {"code": "dao_duc", "kind": "grade", "text": "Phẩm chất đạo đức, lối sống, văn hóa ứng xử nơi cư trú"},
        {"code": "nhan_dan", "kind": "grade", "text": "Mối liên hệ với Nhân dân, trách nhiệm với cộng đồng"},
        {"code": "nhan_xet", "text": "Ý kiến của Mặt trận Tổ quốc, đoàn thể", "kind": "text"},
    ],
}
_GENERAL = [
    {"code": "muc", "kind": "level", "text": "Đề xuất mức xếp loại"},
    {"code": "pham_chat", "kind": "grade", "text": "Phẩm chất chính trị, đạo đức, lối sống, ý thức tổ chức kỷ luật"},
    {"code": "nhiem_vu", "kind": "grade", "text": "Kết quả thực hiện chức trách, nhiệm vụ được giao"},
    _COMMENT,
]
for _kind in (EvaluatorKind.COLLECTIVE, EvaluatorKind.SUPERIOR, EvaluatorKind.SUBORDINATE, EvaluatorKind.OTHER):
    DEFAULT_QUESTIONS[_kind] = _GENERAL


def anonymity_floor() -> int:
    return max(2, int(getattr(settings, "DANHGIA_ANONYMITY_MIN", 3)))


def default_questions(kind: str, anonymity: str) -> list[dict[str, str]]:
    questions = DEFAULT_QUESTIONS.get(kind, _GENERAL)
    if anonymity == Anonymity.ANONYMOUS:
        questions = [q for q in questions if q["kind"] != "text"]
    return [dict(q) for q in questions]


def clean_questions(questions: Any, anonymity: str) -> list[dict[str, str]]:
    """The form as data: a list of {code, text, kind}; refused with the question's number when wrong."""
    if not isinstance(questions, list) or not questions:
        raise ValidationError({"questions": "Phiếu phải có ít nhất một câu hỏi."})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError({"questions": f"Phiếu có tối đa {MAX_QUESTIONS} câu hỏi."})
    clean, codes = [], set()
    for n, q in enumerate(questions, start=1):
        if not isinstance(q, dict):
            raise ValidationError({"questions": f"Câu {n}: phải là một mục có mã, nội dung và loại."})
        code, text, kind = (str(q.get(k, "")).strip() for k in ("code", "text", "kind"))
        if not code or not code.replace("_", "").isalnum() or not code.isascii():
            raise ValidationError({"questions": f"Câu {n}: mã chỉ gồm chữ không dấu, số và dấu gạch dưới."})
        if code in codes:
            raise ValidationError({"questions": f"Câu {n}: mã «{code}» bị trùng."})
        if not text:
            raise ValidationError({"questions": f"Câu {n}: chưa có nội dung câu hỏi."})
        if kind not in QUESTION_KINDS:
            raise ValidationError({"questions": f"Câu {n}: loại «{kind}» không hợp lệ (level, grade, text)."})
        if kind == "text" and anonymity == Anonymity.ANONYMOUS:
            raise ValidationError(
                {"questions": f"Câu {n}: nhóm ẩn danh chỉ dùng câu hỏi lựa chọn — lời văn dễ làm lộ người viết."}
            )
        codes.add(code)
        clean.append({"code": code, "text": text[:500], "kind": kind})
    if all(q["kind"] == "text" for q in clean):
        raise ValidationError({"questions": "Phiếu cần ít nhất một câu hỏi lựa chọn để tổng hợp."})
    return clean


def _token() -> tuple[str, str]:
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_url(token: str) -> str:
    return f"{settings.DANHGIA_SITE_URL}{reverse('opinions-answer', args=[token])}"


# ------------------------------------------------------------------------------------------------------ writing
@transaction.atomic
def group_create(
    *,
    period: Period,
    unit: Unit,
    kind: str,
    name: str,
    reviews: list[Review],
    deadline: dt.date | None = None,
    weight: Decimal | str | float = 1,
    anonymity: str = Anonymity.NAMED,
    min_respondents: int | None = None,
    questions: list[dict[str, str]] | None = None,
    actor: User | None,
) -> EvaluatorGroup:
    """Ask an evaluator group for opinions on some reviews of the unit (the subjects of one sheet).

    The deadline defaults to the deadline of the period's opinions step and may not fall after its decision step."""
    errors: dict[str, str] = {}
    if kind not in EvaluatorKind.values:
        errors["kind"] = "Hãy chọn nhóm cho ý kiến."
    if anonymity not in Anonymity.values:
        errors["anonymity"] = "Hình thức không hợp lệ."
    if not name.strip():
        errors["name"] = "Hãy đặt tên nhóm (ví dụ: Ban Thường vụ Đảng ủy xã)."
    phases = dict(period.phases.filter(code__in=["opinions", "decision"]).values_list("code", "deadline"))
    if deadline is None:
        # Left empty: the deadline of the period's step "Lấy ý kiến nhận xét, đánh giá".
        deadline = phases.get("opinions")
    if deadline is None:
        errors["deadline"] = "Hãy chọn hạn cho ý kiến."
    elif deadline < today():
        errors["deadline"] = f"Hạn cho ý kiến ({deadline:%d/%m/%Y}) đã qua."
    elif (decided_by := phases.get("decision")) is not None and deadline > decided_by:
        errors["deadline"] = (
            f"Hạn cho ý kiến không được sau hạn quyết định xếp loại của kỳ ({decided_by:%d/%m/%Y}): "
            "ý kiến phải có trước khi cấp ủy quyết định."
        )
    try:
        weight = Decimal(str(weight))
        if not Decimal(0) < weight <= Decimal(10):
            errors["weight"] = "Trọng số phải lớn hơn 0 và không quá 10."
    except InvalidOperation:
        errors["weight"] = "Trọng số phải là số."
        weight = Decimal(1)
    floor = anonymity_floor()
    threshold = floor if min_respondents is None else min_respondents
    if anonymity == Anonymity.ANONYMOUS and threshold < floor:
        errors["min_respondents"] = f"Nhóm ẩn danh cần ít nhất {floor} ý kiến mới hiện kết quả."
    if not reviews:
        errors["reviews"] = "Hãy chọn ít nhất một người, tập thể được lấy ý kiến."
    outside = [r.subject_name for r in reviews if r.period_id != period.pk or not in_subtree(r.context.path, unit.path)]
    if outside:
        errors["reviews"] = "Không thuộc đơn vị hoặc kỳ đánh giá này: " + ", ".join(outside[:5])
    if errors or deadline is None:
        raise ValidationError(errors)
    clean = clean_questions(questions if questions is not None else default_questions(kind, anonymity), anonymity)
    group = EvaluatorGroup.objects.create(
        period=period,
        unit=unit,
        kind=kind,
        name=name.strip()[:200],
        questions=clean,
        weight=weight,
        deadline=deadline,
        anonymity=anonymity,
        min_respondents=max(threshold, 1),
        created_by=actor,
    )
    group.reviews.set(reviews)
    record(
        actor=actor,
        action=Action.OPINION_REQUESTED,
        target=group,
        unit=unit,
        new={"kind": kind, "anonymity": anonymity, "subjects": len(reviews), "deadline": str(deadline)},
    )
    return group


@dataclass
class Issued:
    """A respondent just added, with the one-time link to hand over (shown once: only its hash is kept)."""

    respondent: Respondent
    link: str


@transaction.atomic
def respondents_add(
    *,
    group: EvaluatorGroup,
    users: list[User] = (),  # type: ignore[assignment]
    externals: list[tuple[str, str]] = (),  # type: ignore[assignment]
    actor: User | None,
) -> list[Issued]:
    """Add respondents: users answer when logged in; others (name, email) through a single-use link."""
    group = EvaluatorGroup.objects.select_for_update().get(pk=group.pk)
    if group.is_anonymous and is_closed(group):
        raise ValidationError(
            {"respondents": "Nhóm ẩn danh đã khép lại và có kết quả: thêm người lúc này sẽ làm lộ ý kiến từng người."}
        )
    if group.deadline < today():
        raise ValidationError({"respondents": "Đã quá hạn cho ý kiến của nhóm."})
    existing = set(group.respondents.filter(user__isnull=False).values_list("user_id", flat=True))
    issued: list[Issued] = []
    adder = actor if actor is not None and actor.pk else None
    if group.is_anonymous and users:
        # One anonymous sheet per person and subject: two anonymous groups on the same subject whose respondents
        # differ by one would give that one's answers away as the difference of their totals.
        elsewhere = dict(
            Respondent.objects.filter(
                user__in=[u.pk for u in users if u.pk not in existing],
                group__anonymity=Anonymity.ANONYMOUS,
                group__reviews__in=group.reviews.all(),
                revoked=False,
            )
            .exclude(group=group)
            .values_list("user_id", "group__name")
        )
        if elsewhere:
            names = ", ".join(
                f"{u.person.full_name if u.person is not None else u.get_username()} (nhóm «{elsewhere[u.pk]}»)"
                for u in users
                if u.pk in elsewhere
            )
            raise ValidationError(
                {"respondents": f"Đã cho ý kiến ẩn danh về cùng người, tập thể trong nhóm khác: {names}. Mỗi người "
                 "chỉ cho ý kiến ẩn danh về một đối tượng trong một nhóm, để tổng của hai nhóm không làm lộ ý kiến "
                 "từng người."}
            )  # fmt: skip
    for user in users:
        if user.pk in existing:
            continue
        _, digest = _token()  # a user answers logged in; the token is never shown
        name = user.person.full_name if user.person is not None else user.get_username()
        sheet = Respondent(group=group, user=user, name=name, email=user.email, token_hash=digest, added_by=adder)
        issued.append(Issued(sheet, ""))
        existing.add(user.pk)
    for n, (name, email) in enumerate(externals, start=1):
        name, email = name.strip(), email.strip()
        if not name:
            raise ValidationError({"externals": f"Dòng {n}: hãy ghi tên người, tổ chức cho ý kiến."})
        if email and ("@" not in email or " " in email):
            raise ValidationError({"externals": f"Dòng {n}: thư điện tử «{email}» không hợp lệ."})
        token, digest = _token()
        sheet = Respondent(group=group, name=name[:200], email=email, token_hash=digest, added_by=adder)
        issued.append(Issued(sheet, answer_url(token)))
    if not issued:
        raise ValidationError({"respondents": "Chưa có người cho ý kiến mới nào."})
    Respondent.objects.bulk_create([i.respondent for i in issued])
    record(
        actor=actor,
        action=Action.OPINION_REQUESTED,
        target=group,
        unit=group.unit,
        new={"respondents": [i.respondent.name for i in issued]},
    )
    _invite(group, issued)
    return issued


def _invite(group: EvaluatorGroup, issued: list[Issued]) -> None:
    text = f"Đề nghị cho ý kiến: {group.name} ({group.period.name}), hạn {group.deadline:%d/%m/%Y}."
    users = [i.respondent for i in issued if i.respondent.user_id]
    for respondent in users:
        notify.notify([respondent.user], text, reverse("opinions-sheet", args=[respondent.pk]))  # type: ignore[list-item]
    mails = [
        (
            f"[DanhGia] {text[:120]}",
            f"{text}\n\nLiên kết (chỉ dùng được một lần):\n{i.link}",
            None,
            [i.respondent.email],
        )
        for i in issued
        if i.link and i.respondent.email
    ]
    notify.send_after_commit(mails)


@transaction.atomic
def respondent_reissue(*, respondent: Respondent, actor: User | None) -> str:
    """A new single-use link for an external respondent who lost theirs; the old one stops working."""
    respondent = Respondent.objects.select_for_update().select_related("group").get(pk=respondent.pk)
    if respondent.answered or respondent.revoked or respondent.user_id:
        raise ValidationError({"respondent": "Chỉ cấp lại liên kết cho người chưa trả lời, không có tài khoản."})
    token, respondent.token_hash = _token()
    # The new link was seen by whoever reissued it, as the first was by its adder: the sheet is theirs now, and a
    # vouch given for the old link no longer holds (counts_toward_threshold).
    respondent.added_by = actor if actor is not None and actor.pk else None
    respondent.vouched_by = None
    respondent.save(update_fields=["token_hash", "added_by", "vouched_by"])
    record(actor=actor, action=Action.OPINION_LINK_ISSUED, target=respondent.group, new={"respondent": respondent.name})
    return answer_url(token)


@transaction.atomic
def respondent_vouch(*, respondent: Respondent, actor: User) -> None:
    """Someone other than the adder confirms an outside respondent of an anonymous group (that the link reached that
    person or body), before it is answered: from then on the sheet counts toward the group's threshold."""
    respondent = Respondent.objects.select_for_update().select_related("group").get(pk=respondent.pk)
    if not respondent.group.is_anonymous or respondent.user_id is not None:
        raise ValidationError({"respondent": "Chỉ xác nhận người cho ý kiến qua liên kết của nhóm ẩn danh."})
    if respondent.answered or respondent.revoked:
        raise ValidationError(
            {"respondent": f"{respondent.name} đã trả lời hoặc phiếu đã hủy: không xác nhận được nữa, vì người giữ "
             "liên kết có thể đã trả lời thay."}
        )  # fmt: skip
    if actor is None or not actor.pk or actor.pk == respondent.added_by_id:
        raise ValidationError(
            {"respondent": "Người thêm phiếu không tự xác nhận được: cần một người khác trong cấp ủy xác nhận."}
        )
    respondent.vouched_by = actor
    respondent.save(update_fields=["vouched_by"])
    record(
        actor=actor,
        action=Action.OPINION_RESPONDENT_VOUCHED,
        target=respondent.group,
        unit=respondent.group.unit,
        new={"respondent": respondent.name},
    )


@transaction.atomic
def respondent_revoke(*, respondent: Respondent, actor: User | None) -> None:
    respondent = Respondent.objects.select_for_update().select_related("group").get(pk=respondent.pk)
    if respondent.answered:
        raise ValidationError({"respondent": "Người này đã cho ý kiến; không hủy được phiếu đã nộp."})
    respondent.revoked = True
    respondent.save(update_fields=["revoked"])
    record(
        actor=actor, action=Action.OPINION_SHEET_REVOKED, target=respondent.group, new={"respondent": respondent.name}
    )


def respondent_for_token(token: str) -> Respondent | None:
    return (
        Respondent.objects.select_related("group", "group__period", "group__unit")
        .filter(token_hash=token_hash(token))
        .first()
    )


def sheet_reviews(respondent: Respondent) -> list[Review]:
    """The subjects on a respondent's sheet; nobody gives an opinion on themselves."""
    reviews = respondent.group.reviews.select_related("person", "unit").order_by("person__sort_key", "unit__sort_key")
    own = getattr(respondent.user, "person_id", None) if respondent.user_id else None
    return [r for r in reviews if own is None or r.person_id != own]


def sheet_state(respondent: Respondent) -> str:
    """Why a sheet cannot be answered now ("" when it can)."""
    if respondent.revoked:
        return "Phiếu lấy ý kiến này đã bị hủy."
    if respondent.answered:
        return "Phiếu này đã được gửi; mỗi phiếu chỉ gửi được một lần."
    if respondent.group.deadline < today():
        return f"Đã hết hạn cho ý kiến ({respondent.group.deadline:%d/%m/%Y})."
    return ""


@transaction.atomic
def sheet_submit(*, respondent: Respondent, answers: dict[int, dict[str, str]], actor: User | None) -> int:
    """Record a respondent's sheet: answers per review id (subjects left out get no opinion). Returns how many."""
    respondent = Respondent.objects.select_for_update().select_related("group", "group__unit").get(pk=respondent.pk)
    if reason := sheet_state(respondent):
        raise ValidationError({"sheet": reason})
    group = respondent.group
    subjects = {r.pk: r for r in sheet_reviews(respondent)}
    opinions: list[Opinion] = []
    for review_id, given in answers.items():
        review = subjects.get(review_id)
        if review is None:
            raise ValidationError({"sheet": "Phiếu có người không thuộc danh sách được lấy ý kiến."})
        clean = _clean_answers(group, review, given)
        if clean is None:
            continue
        opinions.append(Opinion(group=group, review=review, answers=clean))
    if not opinions:
        raise ValidationError({"sheet": "Hãy cho ý kiến về ít nhất một người, tập thể."})
    if group.is_anonymous:
        _rewrite_together(group, opinions)
    else:
        for opinion in opinions:
            opinion.respondent, opinion.respondent_name, opinion.submitted_on = respondent, respondent.name, today()
        Opinion.objects.bulk_create(opinions)
    respondent.answered = True
    respondent.save(update_fields=["answered"])
    record(
        # An anonymous answer is audited without its author or its number of subjects: the audit log must not
        # undo the anonymity (with the web server's access log, a count would tell which sheet answered how many).
        actor=None if group.is_anonymous else actor,
        action=Action.OPINION_GIVEN,
        target=group,
        unit=group.unit,
        new=None if group.is_anonymous else {"respondent": respondent.name, "subjects": len(opinions)},
    )
    return len(opinions)


def _rewrite_together(group: EvaluatorGroup, new: list[Opinion]) -> None:
    """An anonymous group's answers, the new ones with the others, deleted and written again in a random order with
    new random keys: afterwards every row has the same row version and nothing orders one submission apart."""
    kept = [Opinion(group=group, review_id=review_id, answers=answers) for review_id, answers in
            Opinion.objects.filter(group=group).values_list("review_id", "answers")]  # fmt: skip
    rows = kept + [Opinion(group=group, review=o.review, answers=o.answers) for o in new]
    secrets.SystemRandom().shuffle(rows)
    Opinion.objects.filter(group=group).delete()
    Opinion.objects.bulk_create(rows, batch_size=2000)


def _clean_answers(group: EvaluatorGroup, review: Review, given: dict[str, str]) -> dict[str, str] | None:
    """One subject's answers checked against the form; None when the respondent gave none for this subject."""
    values = {code: str(value).strip() for code, value in given.items() if str(value).strip()}
    if not values:
        return None
    clean: dict[str, str] = {}
    for q in group.questions:
        value = values.pop(q["code"], "")
        if q["kind"] == "text":
            if value:
                clean[q["code"]] = value[:MAX_TEXT]
            continue
        if not value:
            raise ValidationError({f"q_{review.pk}_{q['code']}": f"{review.subject_name}: chưa trả lời «{q['text']}»."})
        if value not in CHOICE_POINTS[q["kind"]]:
            raise ValidationError({f"q_{review.pk}_{q['code']}": f"{review.subject_name}: lựa chọn không hợp lệ."})
        clean[q["code"]] = value
    if values:
        raise ValidationError({"sheet": "Phiếu có câu trả lời không có trong mẫu."})
    return clean


# ------------------------------------------------------------------------------------------------------ reading
def is_closed(group: EvaluatorGroup) -> bool:
    """Closed: past its deadline, or every sheet answered or revoked (then no answer can change the totals)."""
    if group.deadline < today():
        return True
    open_sheets = group.respondents.filter(answered=False, revoked=False)
    return group.respondents.exists() and not open_sheets.exists()


@dataclass
class QuestionSummary:
    code: str
    text: str
    kind: str
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (value, label, n), best first
    mean: float | None = None  # 1–4


@dataclass
class GroupSummary:
    """What may be shown of one group's opinions on one subject."""

    group: EvaluatorGroup
    answers: int | None  # None when even the count must stay hidden
    shown: bool
    status: str  # why nothing is shown ("" when shown)
    questions: list[QuestionSummary] = field(default_factory=list)
    score: float | None = None  # 0–100


def summaries(review: Review) -> list[GroupSummary]:
    """The opinions on a review, group by group, as anyone may see them (the subject included)."""
    groups = list(
        EvaluatorGroup.objects.filter(reviews=review)
        .select_related("period")
        .annotate(
            sheets=Count("respondents", filter=Q(respondents__revoked=False), distinct=True),
            open_sheets=Count(
                "respondents", filter=Q(respondents__revoked=False, respondents__answered=False), distinct=True
            ),
        )
        .order_by("created_at")
    )
    uncounted = uncounted_sheets(groups)
    answers_by_group: dict[int, list[dict[str, str]]] = defaultdict(list)
    for group_id, answers in Opinion.objects.filter(review=review).values_list("group_id", "answers"):
        answers_by_group[group_id].append(answers)
    return [_summarise(g, answers_by_group.get(g.pk, []), uncounted.get(g.pk, 0)) for g in groups]


def uncounted_sheets(groups: Sequence[EvaluatorGroup]) -> dict[int, int]:
    """Per anonymous group, its answered sheets that do not count toward the threshold
    (Respondent.counts_toward_threshold)."""
    uncounted: dict[int, int] = defaultdict(int)
    sheets = Respondent.objects.filter(group__in=[g for g in groups if g.is_anonymous], answered=True)
    for sheet in sheets.only("group_id", "user_id", "added_by_id", "vouched_by_id"):
        if not sheet.counts_toward_threshold:
            uncounted[sheet.group_id] += 1
    return uncounted


def _summarise(group: Any, answers: list[dict[str, str]], uncounted: int = 0) -> GroupSummary:
    closed = group.deadline < today() or (group.sheets > 0 and group.open_sheets == 0)
    if group.is_anonymous:
        # Each sheet that does not count gave at most one answer on this subject.
        if len(answers) - uncounted < max(group.min_respondents, anonymity_floor()):
            return GroupSummary(group, None, False, "Chưa đủ số ý kiến")
        if not closed:
            return GroupSummary(group, None, False, "Đang lấy ý kiến — nhóm ẩn danh chỉ có kết quả khi khép lại")
    elif not answers:
        return GroupSummary(group, 0, False, "Chưa có ý kiến")
    questions, points = [], []
    for q in group.questions:
        if q["kind"] == "text":
            continue  # words are read on the named group's own page, never summed
        scale = CHOICE_POINTS[q["kind"]]
        counted = Counter(a.get(q["code"]) for a in answers if a.get(q["code"]) in scale)
        values = [scale[v] for v in counted.elements() if v is not None]
        points.extend(values)
        labels = CHOICE_LABELS[q["kind"]]
        questions.append(
            QuestionSummary(
                q["code"],
                q["text"],
                q["kind"],
                [(v, labels[v], counted.get(v, 0)) for v in scale],
                sum(values) / len(values) if values else None,
            )
        )
    score = (sum(points) / len(points) - 1) / 3 * 100 if points else None
    return GroupSummary(group, len(answers), True, "", questions, score)


def composite(groups: list[GroupSummary]) -> float | None:
    """The weighted mean of the shown groups' scores (0–100); hidden groups count for nothing."""
    shown = [(float(s.group.weight), s.score) for s in groups if s.shown and s.score is not None]
    total = sum(w for w, _ in shown)
    return sum(w * score for w, score in shown) / total if total else None


@dataclass
class NamedOpinion:
    group: EvaluatorGroup
    respondent_name: str
    submitted_on: dt.date | None
    lines: list[tuple[str, str]]  # (question, answer as written or as its label)


def named_opinions(review: Review) -> list[NamedOpinion]:
    """The named groups' answers with their authors, for those who manage the review (never anonymous ones)."""
    rows = (
        Opinion.objects.filter(review=review, group__anonymity=Anonymity.NAMED)
        .select_related("group")
        .order_by("group__created_at", "respondent_name")
    )
    result = []
    for o in rows:
        lines = [
            (q["text"], CHOICE_LABELS.get(q["kind"], {}).get(o.answers[q["code"]], o.answers[q["code"]]))
            for q in o.group.questions
            if q["code"] in o.answers
        ]
        result.append(NamedOpinion(o.group, o.respondent_name, o.submitted_on, lines))
    return result


def groups_of(period: Period, unit: Unit) -> list[EvaluatorGroup]:
    """The groups a unit asked in a period, with their progress (sheets answered / issued)."""
    return list(
        EvaluatorGroup.objects.filter(period=period, unit=unit)
        .annotate(
            sheets=Count("respondents", filter=Q(respondents__revoked=False), distinct=True),
            answered=Count(
                "respondents", filter=Q(respondents__revoked=False, respondents__answered=True), distinct=True
            ),
            subjects=Count("reviews", distinct=True),
        )
        .order_by("-created_at")
    )


def pending_sheets(user: User) -> list[Respondent]:
    """Sheets waiting for this user's answer (home page, notifications)."""
    return list(
        Respondent.objects.filter(user=user, answered=False, revoked=False, group__deadline__gte=today())
        .select_related("group", "group__period")
        .order_by("group__deadline")
    )
