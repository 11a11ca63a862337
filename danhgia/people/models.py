"""People: persons, party membership with its history, posts, and quota groups.

History is kept rather than overwritten: a member's stay in a party cell with a given status is a
`Membership` row with a validity interval. Moving to another cell, being exempted or suspended closes
the current row and opens a new one, so a member who moved still appears in the old cell for past
periods (`valid_from <= day < valid_to`).
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from danhgia.lib import text


class Gender(models.TextChoices):
    MALE = "nam", "Nam"
    FEMALE = "nu", "Nữ"


class CivilServant(models.TextChoices):
    """Status under the laws on cadres, civil servants and public employees (ND 90/2020, ND 335/2025)."""

    NONE = "", "Không"
    CADRE = "can_bo", "Cán bộ"
    CIVIL_SERVANT = "cong_chuc", "Công chức"
    PUBLIC_EMPLOYEE = "vien_chuc", "Viên chức"
    WORKER = "lao_dong", "Người lao động"


# The 54 ethnic groups of Viet Nam (Danh mục các dân tộc Việt Nam, Quyết định 121-TCTK/PPCĐ).
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na",
    "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ", "Stiêng",
    "Khơ mú", "Bru - Vân Kiều", "Cơ Tu", "Giáy", "Tà Ôi", "Mạ", "Giẻ - Triêng", "Co", "Chơ Ro", "Xinh Mun",
    "Hà Nhì", "Chu Ru", "Lào", "Kháng", "La Chí", "Phù Lá", "La Hủ", "La Ha", "Pà Thẻn", "Chứt", "Lự",
    "Lô Lô", "Mảng", "Cờ Lao", "Bố Y", "Cống", "Ngái", "Si La", "Pu Péo", "Rơ Măm", "Brâu", "Ơ Đu",
]  # fmt: skip
ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS] + [("Khác", "Khác")]


class Person(models.Model):
    family_name = models.CharField("Họ", max_length=40)
    middle_name = models.CharField("Tên đệm", max_length=60, blank=True, default="")
    given_name = models.CharField("Tên", max_length=40)
    birth_date = models.DateField("Ngày sinh", null=True, blank=True)
    gender = models.CharField("Giới tính", max_length=3, choices=Gender.choices)
    ethnicity = models.CharField("Dân tộc", max_length=30, choices=ETHNICITY_CHOICES, default="Kinh")
    # Optional: Decree 13/2023 asks for only the data the process needs, and the review does not need it.
    national_id = models.CharField("Số định danh cá nhân", max_length=12, null=True, blank=True, unique=True)
    civil_servant = models.CharField(
        "Cán bộ, công chức, viên chức", max_length=12, choices=CivilServant.choices, blank=True, default=""
    )
    # Derived columns for the Vietnamese sort (given name, family name, middle name) and the
    # accent-insensitive search; written by the services from the name parts.
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    search_text = models.CharField(max_length=160, editable=False)

    class Meta:
        verbose_name = "Cá nhân"
        verbose_name_plural = "Cá nhân"
        constraints = [
            models.CheckConstraint(condition=~Q(given_name=""), name="person_given_name_required"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    def refresh_derived(self) -> None:
        self.sort_key = text.sort_key(self.given_name, self.family_name, self.middle_name)
        self.search_text = text.search_text(self.full_name)


class PartyMember(models.Model):
    """A person's party membership: admission and the official date (null while probationary)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="party_member")
    admitted_on = models.DateField("Ngày vào Đảng")
    official_on = models.DateField("Ngày chính thức", null=True, blank=True)
    card_number = models.CharField("Số thẻ đảng viên", max_length=20, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = "Đảng viên"
        verbose_name_plural = "Đảng viên"
        constraints = [
            models.CheckConstraint(
                condition=Q(official_on__isnull=True) | Q(official_on__gte=models.F("admitted_on")),
                name="member_official_after_admission",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)

    def is_official(self, on: dt.date) -> bool:
        return self.official_on is not None and self.official_on <= on


class MemberStatus(models.TextChoices):
    ACTIVE = "active", "Đang sinh hoạt"
    EXEMPT = "exempt", "Miễn công tác và sinh hoạt đảng"
    SUSPENDED = "suspended", "Đình chỉ sinh hoạt đảng"
    TRANSFERRED = "transferred", "Đã chuyển sinh hoạt đi"
    LEFT = "left", "Ra khỏi Đảng, từ trần"


# Members "present" in a cell (đảng viên hiện có) for the statistical forms: everyone still on its roll.
PRESENT_STATUSES = (MemberStatus.ACTIVE, MemberStatus.EXEMPT, MemberStatus.SUSPENDED)


class Membership(models.Model):
    """A member's stay in one cell with one status, over [valid_from, valid_to)."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="memberships", verbose_name="Chi bộ")
    status = models.CharField("Trạng thái", max_length=12, choices=MemberStatus.choices, default=MemberStatus.ACTIVE)
    valid_from = models.DateField("Từ ngày")
    valid_to = models.DateField("Đến ngày", null=True, blank=True)
    note = models.CharField("Ghi chú", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "Sinh hoạt đảng"
        verbose_name_plural = "Quá trình sinh hoạt đảng"
        indexes = [
            models.Index(fields=["unit", "valid_to"], name="membership_unit_current"),
            models.Index(fields=["member", "valid_from"], name="membership_member_history"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(valid_to__isnull=True), name="membership_one_current_per_member"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="membership_interval_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.unit} ({self.get_status_display()})"


class PostRole(models.TextChoices):
    HEAD = "head", "Người đứng đầu"
    DEPUTY = "deputy", "Cấp phó"
    MEMBER = "member", "Thành viên, ủy viên"


class Post(models.Model):
    """A post held in a unit over [starts_on, ends_on); a person may hold several at once."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="posts")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="posts", verbose_name="Đơn vị")
    title = models.CharField("Chức vụ", max_length=120)
    role = models.CharField("Vai trò", max_length=8, choices=PostRole.choices)
    # A leader or manager (cán bộ lãnh đạo, quản lý) is reviewed in two places and rated on form 2A.
    is_leader = models.BooleanField("Cán bộ lãnh đạo, quản lý", default=False)
    in_collective = models.BooleanField("Thành viên tập thể lãnh đạo, quản lý", default=False)
    starts_on = models.DateField("Từ ngày")
    ends_on = models.DateField("Đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "Chức vụ"
        verbose_name_plural = "Chức vụ"
        indexes = [
            models.Index(fields=["unit", "ends_on"], name="post_unit_current"),
            models.Index(fields=["person", "ends_on"], name="post_person_current"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="post_interval_not_empty",
            ),
            # One current head per unit: a second head would make "the head may not exceed the unit" ambiguous.
            models.UniqueConstraint(
                fields=["unit"], condition=Q(ends_on__isnull=True, role="head"), name="post_one_current_head"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} — {self.person}"


class SubjectKind(models.TextChoices):
    """What a quota group ranks; the names follow the engine's case format (`kind`)."""

    MEMBER = "member", "Đảng viên"
    LEADER = "leader", "Cán bộ lãnh đạo, quản lý"
    PARTY_ORG = "party_org", "Tổ chức đảng"
    COLLECTIVE = "collective", "Tập thể lãnh đạo, quản lý"
    UNIT = "unit", "Cơ quan, đơn vị"


PERSON_SUBJECTS = frozenset({SubjectKind.MEMBER, SubjectKind.LEADER})


class QuotaGroup(models.Model):
    """A group of subjects with similar roles (nhóm đối tượng có vai trò, chức trách, nhiệm vụ tương đồng).

    The 20% cap on HTXS applies inside each group (QĐ 124 Art. 12; QĐ 366 Art. 11 §1.5). A group is
    defined by the competent level for one period inside its scope (`unit`), filled by its rule and by
    hand. `rate` is null for the regime's default; the 25% exception of QĐ 366 is a recorded override.
    """

    period = models.ForeignKey("periods.Period", on_delete=models.CASCADE, related_name="quota_groups")
    unit = models.ForeignKey("orgs.Unit", on_delete=models.PROTECT, related_name="quota_groups", verbose_name="Phạm vi")
    name = models.CharField("Tên nhóm", max_length=200)
    subject_kind = models.CharField("Đối tượng", max_length=12, choices=SubjectKind.choices)
    rule = models.JSONField("Quy tắc lập nhóm", default=dict, blank=True)
    rate = models.DecimalField("Tỷ lệ HTXS tối đa", max_digits=4, decimal_places=3, null=True, blank=True)
    rate_reason = models.CharField("Căn cứ điều chỉnh tỷ lệ", max_length=300, blank=True, default="")
    # Who decided a rate above the regime's (QĐ 366 Art. 11 §1.5: the competent authority, up to 25 %).
    rate_decided_by = models.CharField("Cấp quyết định tỷ lệ", max_length=200, blank=True, default="")

    class Meta:
        verbose_name = "Nhóm đối tượng tương đồng"
        verbose_name_plural = "Nhóm đối tượng tương đồng"
        constraints = [
            models.UniqueConstraint(fields=["period", "unit", "name"], name="quota_group_unique_name"),
            models.CheckConstraint(
                condition=Q(rate__isnull=True) | Q(rate__gt=0, rate__lte=1), name="quota_group_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EntrySource(models.TextChoices):
    RULE = "rule", "Theo quy tắc"
    MANUAL = "manual", "Bổ sung thủ công"


class QuotaGroupEntry(models.Model):
    """A subject in a quota group. A subject is in at most one group of its kind per period."""

    group = models.ForeignKey(QuotaGroup, on_delete=models.CASCADE, related_name="entries")
    # Repeated from the group so that the database can enforce "one group per subject and period".
    period = models.ForeignKey("periods.Period", on_delete=models.CASCADE, related_name="+")
    subject_kind = models.CharField(max_length=12, choices=SubjectKind.choices)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgs.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=8, choices=EntrySource.choices, default=EntrySource.RULE)

    class Meta:
        verbose_name = "Thành phần nhóm"
        verbose_name_plural = "Thành phần nhóm"
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, unit__isnull=True) | Q(person__isnull=True, unit__isnull=False),
                name="quota_entry_person_xor_unit",
            ),
            models.UniqueConstraint(
                fields=["period", "subject_kind", "person"],
                condition=Q(person__isnull=False),
                name="quota_entry_one_group_per_person",
            ),
            models.UniqueConstraint(
                fields=["period", "subject_kind", "unit"],
                condition=Q(unit__isnull=False),
                name="quota_entry_one_group_per_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.person or self.unit}"
