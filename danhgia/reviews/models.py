"""The review of one subject in one period, and everything attached to it.

A Review is created for every subject that must be reviewed when the period is opened (opening.py). It then
moves through the states of states.py: self-review, meeting proposal, appraisal, decision, complaint. A
decision is immutable: a correction is a new Decision that supersedes the old one, which stays readable.
Shortcomings belong to the subject, not to one review, so that they carry into the next period.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy

from danhgia.people.models import SubjectKind

LEVEL_CHOICES = [
    ("HTXS", "Hoàn thành xuất sắc nhiệm vụ"),
    ("HTT", "Hoàn thành tốt nhiệm vụ"),
    ("HT", "Hoàn thành nhiệm vụ"),
    ("KHT", "Không hoàn thành nhiệm vụ"),
]
LEVEL_ORDER = {"KHT": 0, "HT": 1, "HTT": 2, "HTXS": 3}


class ReviewKind(models.TextChoices):
    """Subjects as the engine knows them (case-format.md `kind`)."""

    MEMBER = "member", "Đảng viên"
    LEADER = "leader", "Cán bộ lãnh đạo, quản lý"
    MEMBER_OUTSIDE = "member_outside", "Đảng viên không làm việc trong hệ thống chính trị"
    PARTY_ORG = "party_org", "Tổ chức đảng"
    COLLECTIVE = "collective", "Tập thể lãnh đạo, quản lý"
    UNIT = "unit", "Cơ quan, đơn vị"


PERSON_KINDS = frozenset({ReviewKind.MEMBER, ReviewKind.LEADER, ReviewKind.MEMBER_OUTSIDE})
# Only a member's review is taken out of a period (stuck.review_exclude): the members' tables reconcile with the
# exclusions (one per person and period).
EXCLUDABLE_KINDS = frozenset({ReviewKind.MEMBER, ReviewKind.MEMBER_OUTSIDE})
# Quota groups rank members and leaders; a member outside the political system is grouped as a member.
GROUP_KIND = {
    ReviewKind.MEMBER: SubjectKind.MEMBER,
    ReviewKind.MEMBER_OUTSIDE: SubjectKind.MEMBER,
    ReviewKind.LEADER: SubjectKind.LEADER,
    ReviewKind.PARTY_ORG: SubjectKind.PARTY_ORG,
    ReviewKind.COLLECTIVE: SubjectKind.COLLECTIVE,
    ReviewKind.UNIT: SubjectKind.UNIT,
}


class ReviewState(models.TextChoices):
    DRAFT = "draft", "Đang tự kiểm điểm"
    SUBMITTED = "submitted", "Đã nộp bản kiểm điểm"
    PROPOSED = "proposed", "Đã họp, đề xuất mức"
    APPRAISED = "appraised", "Đã thẩm định"
    DECIDED = "decided", "Đã quyết định"
    COMPLAINED = "complained", "Đang giải quyết khiếu nại"
    # Taken out of the period by the competent authority, with its reason (long illness, work far away …): not an
    # omission, not rated, outside every quota (stuck.py; the reason is the review's Exclusion).
    EXCLUDED = "excluded", "Không xếp loại trong kỳ"


# What a page shows instead of the name of a subject the reader may not see (docs/permissions.md, «Ai thấy tên ai»).
OUT_OF_SCOPE_NAME = gettext_lazy("Đối tượng ngoài phạm vi của bạn")


class Review(models.Model):
    period = models.ForeignKey("periods.Period", on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField("Đối tượng", max_length=16, choices=ReviewKind.choices)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    # Where the review takes place (a member's cell, the body a leader heads, the body itself): access and the
    # meeting are organised from it.
    context = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="context_reviews")
    # The party committee that decides the level (QĐ 366 Art. 13; HD 43 §3), set when the period opens.
    authority = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="authority_reviews")
    # The body this subject heads, if any: its level caps this subject's level (R23).
    heads = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quota_group = models.ForeignKey(
        "people.QuotaGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews"
    )
    form_code = models.CharField("Mẫu", max_length=8)
    state = models.CharField("Trạng thái", max_length=12, choices=ReviewState.choices, default=ReviewState.DRAFT)

    # Self-review (Mẫu 01, 2A, 2B, 2C): the criteria table's items with their points or grades, the written
    # sections, the totals and the level the subject proposes for itself.
    items = models.JSONField("Điểm, mức từng tiêu chí", default=dict, blank=True)
    sections = models.JSONField("Nội dung kiểm điểm", default=dict, blank=True)
    score_general = models.DecimalField(
        "Điểm nhóm tiêu chí chung", max_digits=5, decimal_places=2, null=True, blank=True
    )
    score_task = models.DecimalField(
        "Điểm nhóm kết quả nhiệm vụ", max_digits=5, decimal_places=2, null=True, blank=True
    )
    self_level = models.CharField("Tự đề xuất", max_length=4, choices=LEVEL_CHOICES, blank=True, default="")
    # The province's criteria table the self-review was written on (None: the bundled default). Pinned at the
    # first save, so that loading a new version later does not change the items of a review already begun.
    criteria_table = models.ForeignKey(
        "reviews.CriteriaTable", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField("Lưu lúc", null=True, blank=True)
    submitted_at = models.DateTimeField("Nộp lúc", null=True, blank=True)

    # Facts the rules read that the subject does not write: discipline, conclusions, the civil-servant
    # rating, units led, confidence votes (a subset of the case format's subject, checked on save).
    facts = models.JSONField("Dữ kiện do cấp có thẩm quyền ghi nhận", default=dict, blank=True)

    # The meeting's proposal and the advisory body's appraisal.
    proposed_level = models.CharField("Mức đề xuất", max_length=4, choices=LEVEL_CHOICES, blank=True, default="")
    appraised_level = models.CharField("Mức thẩm định", max_length=4, choices=LEVEL_CHOICES, blank=True, default="")
    appraisal_note = models.TextField("Ý kiến thẩm định", blank=True, default="")

    decision = models.OneToOneField(
        "reviews.Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="current_of"
    )

    class Meta:
        verbose_name = "Bản kiểm điểm"
        verbose_name_plural = "Kiểm điểm, đánh giá"
        indexes = [
            models.Index(fields=["period", "context"], name="review_period_context"),
            models.Index(fields=["period", "authority"], name="review_period_authority"),
            models.Index(fields=["period", "quota_group"], name="review_period_group"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "kind", "person"], condition=Q(person__isnull=False), name="review_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["period", "kind", "unit"], condition=Q(unit__isnull=False), name="review_one_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True) | Q(person__isnull=True, unit__isnull=False),
                name="review_person_xor_unit",
            ),
            models.CheckConstraint(
                condition=Q(score_general__isnull=True) | Q(score_general__gte=0, score_general__lte=30),
                name="review_score_general_range",
            ),
            models.CheckConstraint(
                condition=Q(score_task__isnull=True) | Q(score_task__gte=0, score_task__lte=70),
                name="review_score_task_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} — {self.period}"

    # What a page shows instead of the subject's name to a reader who may not see it (`hide_subject_name`).
    _shown_name: str | None = None

    def hide_subject_name(self) -> None:
        """Show OUT_OF_SCOPE_NAME for this instance wherever a page names its subject (the row, the engine's
        warnings, the batch plan): a decision page ranks the whole quota group, and a decider of part of it does not
        read the names of the rest (docs/permissions.md)."""
        self._shown_name = str(OUT_OF_SCOPE_NAME)

    @property
    def subject_name(self) -> str:
        if self._shown_name is not None:
            return self._shown_name
        if self.person_id:
            return str(self.person)
        if self.kind == ReviewKind.COLLECTIVE and self.unit and self.unit.collective_name:
            # The leadership collective (chi ủy, ban thường vụ) is its own subject beside the organization.
            return self.unit.collective_name
        return str(self.unit)

    @property
    def is_person(self) -> bool:
        return self.kind in PERSON_KINDS

    @property
    def score(self) -> float | None:
        if self.score_general is None or self.score_task is None:
            return None
        return float(self.score_general + self.score_task)

    @property
    def level(self) -> str:
        return self.decision.level if self.decision_id and self.decision else ""

    @property
    def unsubmitted(self) -> bool:
        """Whether what the self-review says is still its author's alone: a draft, a review taken out of the period,
        or one decided without its self-review ever being submitted (stuck.py)."""
        from danhgia.reviews import states

        if self.state == ReviewState.DRAFT or self.state in states.OUT_OF_PERIOD:
            return True
        if self.submitted_at is None and self.state in states.LOCKED:
            return self.decisions.filter(kind=DecisionKind.UNPROPOSED).exists()
        return False

    # What the state means, for the pages (templates compare no state strings); the sets are states.py's, which
    # imports this module.
    @property
    def is_draft(self) -> bool:
        return self.state == ReviewState.DRAFT

    @property
    def is_proposable(self) -> bool:
        """The meeting may record its proposal and vote (again, until appraised or decided)."""
        from danhgia.reviews import states

        return self.state in states.PROPOSABLE

    @property
    def is_locked(self) -> bool:
        """Decided, or decided and under complaint: its level stands."""
        from danhgia.reviews import states

        return self.state in states.LOCKED

    @property
    def under_complaint(self) -> bool:
        return self.state == ReviewState.COMPLAINED


class TaskStatus(models.TextChoices):
    ON_TIME = "on_time", "Hoàn thành đúng hạn"
    EXCEEDED = "exceeded", "Hoàn thành vượt mức"
    LATE = "late", "Hoàn thành chậm"
    NOT_DONE = "not_done", "Không hoàn thành"


class ReviewTask(models.Model):
    """One assigned task and its result: QĐ 366's conditions count tasks (on time, exceeded, not done)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField()
    title = models.CharField("Nhiệm vụ", max_length=300)
    status = models.CharField("Kết quả", max_length=10, choices=TaskStatus.choices, default=TaskStatus.ON_TIME)
    evidence = models.CharField("Sản phẩm, minh chứng", max_length=500, blank=True, default="")

    class Meta:
        verbose_name = "Nhiệm vụ"
        verbose_name_plural = "Nhiệm vụ"
        ordering = ["review", "position"]
        constraints = [models.UniqueConstraint(fields=["review", "position"], name="task_unique_position")]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField("Tệp", upload_to="minh-chung/%Y/%m/")
    name = models.CharField("Tên tệp", max_length=200)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Minh chứng"
        verbose_name_plural = "Minh chứng"

    def __str__(self) -> str:
        return self.name


class Exclusion(models.Model):
    """A member not reviewed in the period, and why (exempt, suspended, admitted less than six months ago …).

    Written when the period is opened (opening.py: no review is drawn up), or later by the competent authority for
    a review that cannot be completed (stuck.py: the review stays, in state «excluded», and is linked here)."""

    period = models.ForeignKey("periods.Period", on_delete=models.CASCADE, related_name="exclusions")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="Chi bộ")
    reason = models.CharField("Lý do", max_length=40)
    basis = models.CharField("Căn cứ", max_length=120)
    # Set when the authority excluded an opened review: which, who, when, and the written reason.
    review = models.OneToOneField(
        "reviews.Review", null=True, blank=True, on_delete=models.CASCADE, related_name="exclusion"
    )
    note = models.TextField("Lý do cụ thể", blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("Quyết định lúc", null=True, blank=True)

    class Meta:
        verbose_name = "Không kiểm điểm"
        verbose_name_plural = "Không kiểm điểm, xếp loại"
        constraints = [models.UniqueConstraint(fields=["period", "person"], name="exclusion_one_per_person")]

    def __str__(self) -> str:
        return f"{self.person}: {self.reason}"


class AuthorityRule(models.Model):
    """Who decides, when the default does not fit: subjects of `kind` reviewed in a unit of `context_kind`
    are decided by their nearest ancestor of `decider_kind` (e.g. commune party secretaries by the province)."""

    period = models.ForeignKey("periods.Period", on_delete=models.CASCADE, related_name="authority_rules")
    kind = models.CharField("Đối tượng", max_length=16, choices=ReviewKind.choices)
    context_kind = models.CharField("Nơi kiểm điểm (loại đơn vị)", max_length=32)
    decider_kind = models.CharField("Cấp quyết định (loại đơn vị)", max_length=32)

    class Meta:
        verbose_name = "Cấp có thẩm quyền quyết định"
        verbose_name_plural = "Cấp có thẩm quyền quyết định"
        constraints = [models.UniqueConstraint(fields=["period", "kind", "context_kind"], name="authority_rule_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ở {self.context_kind} → {self.decider_kind}"


class Meeting(models.Model):
    """The review meeting of a cell or a collective (QĐ 366 Art. 7; HD 43 §2)."""

    period = models.ForeignKey("periods.Period", on_delete=models.PROTECT, related_name="meetings")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField("Ngày họp")
    # What the minutes open and close with (HD 43 §2; the Party's minutes: time, place, chair and secretary).
    starts_at = models.TimeField("Bắt đầu lúc", null=True, blank=True)
    ends_at = models.TimeField("Kết thúc lúc", null=True, blank=True)
    place = models.CharField("Địa điểm", max_length=200, blank=True, default="")
    chaired_by = models.CharField("Chủ trì", max_length=120)
    secretary = models.CharField("Thư ký", max_length=120, blank=True, default="")
    summoned = models.PositiveIntegerField("Số được triệu tập")
    present = models.PositiveIntegerField("Số có mặt")
    # Members not counted in the majority's denominator, by category (QĐ 24 §9.3; votes.py).
    excluded = models.JSONField("Không tính vào tổng số", default=dict, blank=True)
    minutes = models.TextField("Biên bản", blank=True, default="")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Hội nghị kiểm điểm"
        verbose_name_plural = "Hội nghị kiểm điểm"
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="meeting_one_per_unit"),
            models.CheckConstraint(condition=Q(present__lte=models.F("summoned")), name="meeting_present_le_summoned"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.held_on:%d/%m/%Y}"


class Proposal(models.Model):
    """The meeting's proposed level for one subject, with the vote."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proposals")
    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="proposal")
    level = models.CharField("Mức đề xuất", max_length=4, choices=LEVEL_CHOICES)
    votes_for = models.PositiveIntegerField("Tán thành")
    votes_against = models.PositiveIntegerField("Không tán thành")
    votes_abstain = models.PositiveIntegerField("Không biểu quyết")
    passed = models.BooleanField("Được thông qua")
    comment = models.TextField("Nhận xét, lý do", blank=True, default="")

    class Meta:
        verbose_name = "Đề xuất xếp loại"
        verbose_name_plural = "Đề xuất xếp loại"

    def __str__(self) -> str:
        return f"{self.review.subject_name}: {self.level}"


class DecisionKind(models.TextChoices):
    SYSTEM = "system", "Quyết định trên hệ thống"
    RECORDED = "recorded", "Ghi nhận quyết định của cấp có thẩm quyền"
    REDECISION = "redecision", "Quyết định lại sau khiếu nại"
    # A review that could not reach a passed proposal (no self-review by the deadline, a failed vote): stuck.py.
    UNPROPOSED = "unproposed", "Quyết định khi không có đề xuất được thông qua"


class Decision(models.Model):
    """A decided level. Never changed: a correction is a new decision that supersedes this one."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="decisions")
    level = models.CharField("Mức xếp loại", max_length=4, choices=LEVEL_CHOICES)
    kind = models.CharField("Hình thức", max_length=12, choices=DecisionKind.choices, default=DecisionKind.SYSTEM)
    authority = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="Cấp quyết định"
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    number = models.CharField("Số quyết định", max_length=60, blank=True, default="")
    signed_on = models.DateField("Ngày ký", null=True, blank=True)
    signer = models.CharField("Người ký", max_length=120, blank=True, default="")
    attachment = models.FileField("Bản quét", upload_to="quyet-dinh/%Y/%m/", blank=True)
    reason = models.TextField("Lý do", blank=True, default="")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    # What the engine said when the decision was taken: eligible level, reasons, quota position.
    engine = models.JSONField("Kết quả của bộ máy xếp loại", default=dict, blank=True)

    class Meta:
        verbose_name = "Quyết định xếp loại"
        verbose_name_plural = "Quyết định xếp loại"
        ordering = ["review", "decided_at"]

    def __str__(self) -> str:
        return f"{self.review.subject_name}: {self.level}"


class ComplaintState(models.TextChoices):
    FILED = "filed", "Đã tiếp nhận"
    ASSIGNED = "assigned", "Đã giao xác minh"
    VERIFIED = "verified", "Đã xác minh"
    UPHELD = "upheld", "Giữ nguyên kết quả"
    REDECIDED = "redecided", "Đã quyết định lại"


class Complaint(models.Model):
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="complaints")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="complaints")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)
    text = models.TextField("Nội dung khiếu nại")
    state = models.CharField("Trạng thái", max_length=10, choices=ComplaintState.choices, default=ComplaintState.FILED)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verification = models.TextField("Kết quả xác minh", blank=True, default="")
    resolution = models.TextField("Kết luận", blank=True, default="")
    new_decision = models.OneToOneField(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "Khiếu nại"
        verbose_name_plural = "Khiếu nại"

    def __str__(self) -> str:
        return f"{self.review.subject_name}: {self.get_state_display()}"


class ShortcomingStatus(models.TextChoices):
    OPEN = "open", "Chưa khắc phục"
    IN_PROGRESS = "in_progress", "Đang khắc phục"
    REMEDIED = "remedied", "Đã khắc phục"


class Shortcoming(models.Model):
    """A shortcoming found in a review, tracked until remedied: it follows the subject into later periods."""

    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="shortcomings"
    )
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="shortcomings")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="shortcomings", verbose_name="Kỳ chỉ ra")
    description = models.TextField("Hạn chế, khuyết điểm")
    remedy = models.TextField("Biện pháp khắc phục", blank=True, default="")
    owner = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Người chịu trách nhiệm",
    )
    deadline = models.DateField("Thời hạn", null=True, blank=True)
    status = models.CharField(
        "Trạng thái", max_length=12, choices=ShortcomingStatus.choices, default=ShortcomingStatus.OPEN
    )
    evidence = models.TextField("Kết quả, minh chứng", blank=True, default="")
    remedied_on = models.DateField("Ngày khắc phục xong", null=True, blank=True)

    class Meta:
        verbose_name = "Hạn chế, khuyết điểm"
        verbose_name_plural = "Hạn chế, khuyết điểm"
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True) | Q(person__isnull=True, unit__isnull=False),
                name="shortcoming_person_xor_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Reminders carry a key (what, about which, which day) so that running the reminder command twice a day
    # does not remind anybody twice.
    key = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        verbose_name = "Thông báo"
        verbose_name_plural = "Thông báo"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""), name="notification_one_per_key")
        ]

    def __str__(self) -> str:
        return self.text


class CriteriaTable(models.Model):
    """A province's criteria table for one form and year (HD 43 §7.12: the item points are set by each province).

    `items` is the table as data (criteria.py validates it); without one, the bundled default applies.
    Versions are kept: a newer table for the same province, form and year replaces the older one for new
    self-reviews.
    """

    province = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name="Tỉnh")
    year = models.PositiveSmallIntegerField("Năm")
    form_code = models.CharField("Mẫu", max_length=8)
    version = models.PositiveIntegerField(default=1)
    items = models.JSONField("Bảng tiêu chí")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Bảng tiêu chí"
        verbose_name_plural = "Bảng tiêu chí"
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "form_code", "version"], name="criteria_unique_version")
        ]

    def __str__(self) -> str:
        return f"Mẫu {self.form_code} {self.year} (phiên bản {self.version})"


# ------------------------------------------------------------------------------------------------------- opinions
class EvaluatorKind(models.TextChoices):
    """Who gives opinions on a subject (QĐ 366 Art. 17 dossier; QĐ 213 residence; HD 43 §3)."""

    COLLECTIVE = "collective", "Tập thể lãnh đạo, quản lý"
    RESIDENCE = "residence", "Chi ủy, chi bộ nơi cư trú (QĐ 213)"
    SUPERIOR = "superior", "Cấp trên trực tiếp"
    SUBORDINATE = "subordinate", "Cấp dưới trực tiếp"
    FRONT = "front", "Mặt trận Tổ quốc, đoàn thể"
    OTHER = "other", "Cơ quan, tổ chức, cá nhân khác"


class Anonymity(models.TextChoices):
    NAMED = "named", "Ghi tên người cho ý kiến"
    ANONYMOUS = "anonymous", "Ẩn danh (chỉ xem tổng hợp)"


class EvaluatorGroup(models.Model):
    """One evaluator group asked for opinions on a set of reviews: its form, weight, deadline and anonymity.

    Anonymous groups follow LimeSurvey's "anonymized responses": the respondents' sheets (with their tokens and
    a completion flag) and the opinions are separate tables with no link between them and no submission time
    on either, and results show only from `min_respondents` answers per subject up (opinions.py).
    """

    period = models.ForeignKey("periods.Period", on_delete=models.PROTECT, related_name="evaluator_groups")
    # The unit that asked (a cell, a committee): its managers run the group.
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="evaluator_groups")
    kind = models.CharField("Nhóm cho ý kiến", max_length=12, choices=EvaluatorKind.choices)
    name = models.CharField("Tên nhóm", max_length=200)
    questions = models.JSONField("Nội dung phiếu", default=list)
    weight = models.DecimalField("Trọng số", max_digits=4, decimal_places=2, default=1)
    deadline = models.DateField("Hạn cho ý kiến")
    anonymity = models.CharField("Hình thức", max_length=10, choices=Anonymity.choices, default=Anonymity.NAMED)
    min_respondents = models.PositiveSmallIntegerField("Số ý kiến tối thiểu để xem kết quả", default=3)
    reviews = models.ManyToManyField("reviews.Review", related_name="evaluator_groups")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Nhóm lấy ý kiến"
        verbose_name_plural = "Nhóm lấy ý kiến"
        indexes = [models.Index(fields=["period", "unit"], name="evaluator_group_period_unit")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_anonymous(self) -> bool:
        return self.anonymity == Anonymity.ANONYMOUS


class Respondent(models.Model):
    """One respondent's sheet in a group: every subject of the group on one form, submitted once.

    A respondent with an account answers while logged in; one without (the residence cell, the Front) answers
    through a single-use link whose token is stored only as its SHA-256 hash.
    """

    group = models.ForeignKey(EvaluatorGroup, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="opinion_sheets"
    )
    name = models.CharField("Người, tổ chức cho ý kiến", max_length=200)
    email = models.EmailField("Thư điện tử", blank=True, default="")
    token_hash = models.CharField(max_length=64, unique=True)
    answered = models.BooleanField("Đã cho ý kiến", default=False)
    revoked = models.BooleanField("Đã hủy", default=False)
    # Who added the sheet, and who else vouched for it: in an anonymous group a sheet counts toward the threshold
    # only when its adder could not have answered it (Respondent.counts_toward_threshold).
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    vouched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "Người cho ý kiến"
        verbose_name_plural = "Người cho ý kiến"
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=Q(user__isnull=False), name="respondent_one_sheet_per_user"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def counts_toward_threshold(self) -> bool:
        """Whether this sheet, answered, counts toward an anonymous group's threshold: its adder could not have
        answered it. A respondent with an account answers logged in as themselves (unless they are the adder); a
        single-use link was seen by its adder, and counts only once someone else vouched for it (added by the
        system, `added_by` is empty: any manager may vouch)."""
        if self.user_id is not None:
            return self.user_id != self.added_by_id
        return self.vouched_by_id is not None and self.vouched_by_id != self.added_by_id


class Opinion(models.Model):
    """One answer about one subject. In an anonymous group it carries nothing that leads back to its author:
    no respondent, no date, and a random key so that its order of insertion cannot be matched either."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    group = models.ForeignKey(EvaluatorGroup, on_delete=models.CASCADE, related_name="opinions")
    review = models.ForeignKey("reviews.Review", on_delete=models.CASCADE, related_name="opinions")
    answers = models.JSONField(default=dict)
    # Named groups only.
    respondent = models.ForeignKey(Respondent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    respondent_name = models.CharField(max_length=200, blank=True, default="")
    submitted_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "Ý kiến"
        verbose_name_plural = "Ý kiến"
        indexes = [models.Index(fields=["review", "group"], name="opinion_review_group")]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.review_id}"
