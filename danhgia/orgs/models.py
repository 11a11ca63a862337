"""The organization tree: party organizations and the bodies they lead, in one tree of any depth.

Each unit stores its materialized path: the ids of its ancestors and itself, each written as eight
digits ("00000001" "00000017" "00000342"). A subtree is then one indexed range on `path`
(see `subtree_q`), so "every member under this unit" or "counts per child" is a single query, on
SQLite and PostgreSQL alike, without recursion in Python. Digit-only strings compare the same under
every collation, which keeps the range correct whatever the database's locale.

Government bodies, the Fatherland Front and the socio-political organizations hang under the party
organization that leads them at the same level (UBND xã under Đảng bộ xã); that placement *is* the
link "party organization → same-level bodies it leads" (`Unit.same_level_bodies`), and it also puts
them in the scope of whoever is responsible for that party organization.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

SEGMENT = 8  # digits per path segment: up to 99,999,999 units


def path_segment(unit_id: int) -> str:
    return f"{unit_id:0{SEGMENT}d}"


def path_ids(path: str) -> list[int]:
    return [int(path[i : i + SEGMENT]) for i in range(0, len(path), SEGMENT)]


def path_upper_bound(path: str) -> str:
    """The smallest path after every path of this subtree: the next sibling's path."""
    return path[:-SEGMENT] + path_segment(int(path[-SEGMENT:]) + 1)


def in_subtree(path: str, root: str) -> bool:
    """Whether the unit at `path` lies in the subtree rooted at `root` (itself included)."""
    return root <= path < path_upper_bound(root)


def subtree_q(path: str, field: str = "path") -> Q:
    """Units in the subtree rooted at `path` (itself included), as an indexable range."""
    return Q(**{f"{field}__gte": path, f"{field}__lt": path_upper_bound(path)})


class Branch(models.TextChoices):
    PARTY = "dang", "Tổ chức đảng"
    GOVERNMENT = "chinh_quyen", "Chính quyền, cơ quan, đơn vị"
    FRONT = "mttq", "Mặt trận Tổ quốc"
    MASS = "doan_the", "Đoàn thể chính trị - xã hội"


class Locality(models.TextChoices):
    """Administrative level of a locality-based unit; empty for agencies, enterprises, cells."""

    PROVINCE = "tinh", "Cấp tỉnh"
    DISTRICT = "huyen", "Cấp huyện"
    COMMUNE = "xa", "Cấp xã"
    NONE = "", "Không theo địa bàn"


class UnitKind(models.TextChoices):
    # Party organizations, from the top. Both layouts use the same kinds: the 2025 two-tier layout
    # (province → commune) simply has no DISTRICT_COMMITTEE.
    PROVINCE_COMMITTEE = "dang_bo_tinh", "Đảng bộ tỉnh, thành phố"
    DISTRICT_COMMITTEE = "dang_bo_huyen", "Đảng bộ huyện, thị xã, thành phố thuộc tỉnh"
    BLOC_COMMITTEE = "dang_bo_truc_thuoc", "Đảng bộ trực thuộc tỉnh ủy (khối, lực lượng vũ trang)"
    COMMUNE_COMMITTEE = "dang_bo_xa", "Đảng bộ xã, phường, đặc khu"
    GRASSROOTS_COMMITTEE = "dang_bo_co_so", "Đảng bộ cơ sở"
    GRASSROOTS_CELL = "chi_bo_co_so", "Chi bộ cơ sở"
    PARTIAL_COMMITTEE = "dang_bo_bo_phan", "Đảng ủy bộ phận"
    CELL = "chi_bo", "Chi bộ trực thuộc"
    # Same-level bodies led by a party organization.
    PEOPLES_COUNCIL = "hdnd", "Hội đồng nhân dân"
    PEOPLES_COMMITTEE = "ubnd", "Ủy ban nhân dân"
    AGENCY = "co_quan", "Cơ quan chuyên môn, cơ quan nhà nước"
    PUBLIC_SERVICE = "don_vi_su_nghiep", "Đơn vị sự nghiệp công lập"
    ENTERPRISE = "doanh_nghiep", "Doanh nghiệp"
    ARMED_FORCES = "luc_luong_vu_trang", "Đơn vị quân đội, công an"
    FRONT = "mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam"
    MASS_ORG = "doan_the", "Tổ chức chính trị - xã hội"


PARTY_KINDS = frozenset(
    {
        UnitKind.PROVINCE_COMMITTEE,
        UnitKind.DISTRICT_COMMITTEE,
        UnitKind.BLOC_COMMITTEE,
        UnitKind.COMMUNE_COMMITTEE,
        UnitKind.GRASSROOTS_COMMITTEE,
        UnitKind.GRASSROOTS_CELL,
        UnitKind.PARTIAL_COMMITTEE,
        UnitKind.CELL,
    }
)
# Party members belong to a cell: a cell under a committee, or a grassroots cell (chi bộ cơ sở).
CELL_KINDS = frozenset({UnitKind.CELL, UnitKind.GRASSROOTS_CELL})
# Grassroots party organizations (tổ chức cơ sở đảng) by nature. A commune committee is grassroots in the
# three-tier layout and an upper-level committee in the 2025 pilot: that is set per unit (is_grassroots).
GRASSROOTS_KINDS = frozenset({UnitKind.GRASSROOTS_COMMITTEE, UnitKind.GRASSROOTS_CELL})


def branch_of(kind: str) -> Branch:
    if kind in PARTY_KINDS:
        return Branch.PARTY
    if kind == UnitKind.FRONT:
        return Branch.FRONT
    if kind == UnitKind.MASS_ORG:
        return Branch.MASS
    return Branch.GOVERNMENT


class Unit(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="Trực thuộc"
    )
    path = models.CharField("Đường dẫn cây", max_length=255, unique=True, editable=False)
    kind = models.CharField("Loại", max_length=32, choices=UnitKind.choices)
    locality = models.CharField("Cấp địa bàn", max_length=8, choices=Locality.choices, blank=True, default="")
    is_grassroots = models.BooleanField("Là tổ chức cơ sở đảng", default=False)
    name = models.CharField("Tên", max_length=200)
    code = models.CharField("Mã", max_length=40, blank=True, default="")
    # The leadership collective of this unit (Ban Thường vụ, Tập thể lãnh đạo UBND, Ban Giám đốc ...);
    # empty when the unit has none. Its members are the current posts marked in_collective.
    collective_name = models.CharField("Tên tập thể lãnh đạo, quản lý", max_length=200, blank=True, default="")
    founded_on = models.DateField("Ngày thành lập", null=True, blank=True)
    dissolved_on = models.DateField("Ngày giải thể, sáp nhập", null=True, blank=True)
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    search_text = models.CharField(max_length=255, editable=False)

    class Meta:
        verbose_name = "Tổ chức, cơ quan, đơn vị"
        verbose_name_plural = "Tổ chức, cơ quan, đơn vị"
        indexes = [models.Index(fields=["parent", "sort_key"], name="unit_children_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="unit_dissolved_after_founded",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def branch(self) -> Branch:
        return branch_of(self.kind)

    @property
    def is_party(self) -> bool:
        return self.kind in PARTY_KINDS

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    @property
    def depth(self) -> int:
        return len(self.path) // SEGMENT - 1

    @property
    def ancestor_ids(self) -> list[int]:
        return path_ids(self.path)[:-1]

    def subtree(self) -> Q:
        return subtree_q(self.path)
