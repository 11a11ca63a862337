"""The demo province: a synthetic province shaped like Hòa Bình in 2022.

Hòa Bình at the end of 2022 (vn-names.json "hoa_binh_2022_totals"): 69,190 party members (2,035
probationary), 510 grassroots party organizations (279 grassroots committees, 231 grassroots cells),
3,184 cells under grassroots committees, 13 party committees directly under the provincial committee
(10 district-level, 3 blocs), 151 communes. `scale` shrinks every count but the 13 affiliated committees.

Everything is synthetic: names are drawn from frequency tables, places are invented. Rows are built in
memory with their ids and tree paths, then written with one bulk insert per table: seeding the full
province is a matter of seconds, not of 70,000 service calls. The period, the quota groups and the
accounts then go through the ordinary services.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.core.management.color import no_style
from django.db import connection, models, transaction

from danhgia.accounts.models import Role, RoleAssignment, User
from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.demo.history import seed_history
from danhgia.demo.names import DATA, Name, place_names, random_name
from danhgia.demo.reviews import demo_reviews
from danhgia.lib import numbers
from danhgia.lib.dates import today
from danhgia.lib.db import analyze
from danhgia.lib.text import search_text, sort_key
from danhgia.orgs.models import Locality, Unit, UnitKind, path_segment
from danhgia.people.models import (
    PRESENT_STATUSES,
    CivilServant,
    Membership,
    MemberStatus,
    PartyMember,
    Person,
    Post,
    PostRole,
    QuotaGroup,
    QuotaGroupEntry,
    SubjectKind,
)
from danhgia.people.quota import quota_group_create, quota_group_fill
from danhgia.periods.models import Period, PeriodStatus
from danhgia.periods.services import period_create, period_set_status

TOTALS = DATA["hoa_binh_2022_totals"]
SENIORITY = 3  # years a member has been in the Party, at least, before holding a post
PROVINCE = "Hòa Bình"
PROVINCE_CODE = "017"  # the province code of Hòa Bình in national ID numbers

# Communes per district (approximately Hòa Bình's before 2025), and the kind of area for names.
DISTRICTS: list[tuple[str, int, str]] = [
    ("Thành phố Hòa Bình", 15, "city"),
    ("Huyện Cao Phong", 10, "lowland"),
    ("Huyện Đà Bắc", 17, "highland"),
    ("Huyện Kim Bôi", 17, "highland"),
    ("Huyện Lạc Sơn", 24, "highland"),
    ("Huyện Lạc Thủy", 10, "lowland"),
    ("Huyện Lương Sơn", 11, "lowland"),
    ("Huyện Mai Châu", 15, "highland"),
    ("Huyện Tân Lạc", 16, "highland"),
    ("Huyện Yên Thủy", 11, "lowland"),
]
assert [d for d, _, _ in DISTRICTS] == DATA["hoa_binh_2022_district_level"]

# Titles by kind of body: (head, deputy, collective prefix).
PROFILES = {
    "school": ("Hiệu trưởng", "Phó Hiệu trưởng", "Ban Giám hiệu"),
    "health": ("Giám đốc", "Phó Giám đốc", "Ban Giám đốc"),
    "dept": ("Giám đốc", "Phó Giám đốc", "Ban Giám đốc"),
    "company": ("Giám đốc", "Phó Giám đốc", "Ban Giám đốc"),
    "court": ("Chánh án", "Phó Chánh án", "Lãnh đạo"),
    "procuracy": ("Viện trưởng", "Phó Viện trưởng", "Lãnh đạo"),
    "police": ("Trưởng Công an", "Phó Trưởng Công an", "Ban Chỉ huy"),
    "military": ("Chỉ huy trưởng", "Phó Chỉ huy trưởng", "Ban Chỉ huy"),
    "agency": ("Thủ trưởng", "Phó Thủ trưởng", "Lãnh đạo"),
}
BODY_KIND = {
    "school": UnitKind.PUBLIC_SERVICE,
    "health": UnitKind.PUBLIC_SERVICE,
    "dept": UnitKind.AGENCY,
    "company": UnitKind.ENTERPRISE,
    "court": UnitKind.AGENCY,
    "procuracy": UnitKind.AGENCY,
    "police": UnitKind.ARMED_FORCES,
    "military": UnitKind.ARMED_FORCES,
    "agency": UnitKind.AGENCY,
}
CELL_NAMES = {
    "school": [
        "Tổ Toán - Tin",
        "Tổ Ngữ văn",
        "Tổ Khoa học tự nhiên",
        "Tổ Khoa học xã hội",
        "Tổ Ngoại ngữ",
        "Tổ Văn phòng",
    ],
    "health": ["Khoa Nội", "Khoa Ngoại", "Khoa Sản", "Khoa Nhi", "Khoa Khám bệnh", "Khoa Dược", "Phòng Hành chính"],
    "dept": ["Văn phòng", "Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ", "Thanh tra", "Phòng Nghiệp vụ"],
    "company": ["Phòng Tổng hợp", "Phân xưởng 1", "Phân xưởng 2", "Phòng Kỹ thuật", "Đội Vận hành"],
    "court": ["Văn phòng", "Tòa Hình sự", "Tòa Dân sự"],
    "procuracy": ["Văn phòng", "Phòng Thực hành quyền công tố", "Phòng Kiểm sát"],
    "police": [
        "Đội Tham mưu",
        "Đội Cảnh sát giao thông",
        "Đội Điều tra tổng hợp",
        "Đội An ninh",
        "Đội Cảnh sát hình sự",
    ],
    "military": ["Cơ quan", "Đại đội 1", "Đại đội 2", "Trung đội Dân quân cơ động"],
    "agency": ["Văn phòng", "Phòng Nghiệp vụ 1", "Phòng Nghiệp vụ 2", "Bộ phận Một cửa"],
}
COMMUNE_FIXED_CELLS = [
    ("Cơ quan", "office"),
    ("Công an", "police"),
    ("Quân sự", "military"),
    ("Trường Mầm non", "school"),
    ("Trường Tiểu học", "school"),
    ("Trường THCS", "school"),
    ("Trạm Y tế", "health"),
]
MASS_ORGS = [
    ("Hội Nông dân", "Chủ tịch Hội Nông dân"),
    ("Hội Liên hiệp Phụ nữ", "Chủ tịch Hội Liên hiệp Phụ nữ"),
    ("Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Bí thư Đoàn Thanh niên"),
    ("Hội Cựu chiến binh", "Chủ tịch Hội Cựu chiến binh"),
]


def _district_words(district: str) -> str:
    """ "Huyện Cao Phong" → "huyện Cao Phong"; "Thành phố Hòa Bình" → "thành phố Hòa Bình"."""
    return district[0].lower() + district[1:]


def _district_short(district: str) -> str:
    """ "Huyện Cao Phong" → "Cao Phong"; "Thành phố Hòa Bình" → "Hòa Bình"."""
    return district.removeprefix("Thành phố ").removeprefix("Huyện ")


POLICE_DEPARTMENTS = [
    "Phòng An ninh chính trị nội bộ",
    "Phòng Cảnh sát hình sự",
    "Phòng Cảnh sát giao thông",
    "Phòng Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ",
    "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
    "Trại Tạm giam",
]


def _province_pool() -> list[tuple[str, str, bool]]:
    """Grassroots organizations of the provincial bloc: (name of the body, profile, large)."""
    depts = [
        "Sở Nội vụ",
        "Sở Tài chính",
        "Sở Xây dựng",
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "Sở Nông nghiệp và Môi trường",
        "Sở Công Thương",
        "Sở Khoa học và Công nghệ",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Sở Tư pháp",
        "Thanh tra tỉnh",
        "Văn phòng UBND tỉnh",
        "Văn phòng Tỉnh ủy",
        "Kho bạc Nhà nước tỉnh",
        "Bảo hiểm xã hội tỉnh",
    ]
    others = [
        ("Bệnh viện Đa khoa tỉnh", "health", True),
        ("Bệnh viện Y học cổ truyền tỉnh", "health", False),
        ("Trường Chính trị tỉnh", "school", False),
        ("Trường Cao đẳng Kinh tế - Kỹ thuật", "school", True),
        ("Báo Hòa Bình", "agency", False),
        ("Đài Phát thanh - Truyền hình tỉnh", "agency", False),
        ("Tòa án nhân dân tỉnh", "court", False),
        ("Viện Kiểm sát nhân dân tỉnh", "procuracy", False),
        ("Công ty Điện lực Hòa Bình", "company", True),
        ("Công ty Thủy điện Hòa Bình", "company", True),
        ("Viễn thông Hòa Bình", "company", False),
        ("Bưu điện tỉnh", "company", False),
        ("Công ty Cổ phần Nước sạch Hòa Bình", "company", False),
        ("Công ty Lâm nghiệp Sông Đà", "company", False),
    ]
    return [(d, "dept", d.startswith("Sở")) for d in depts] + others


def _district_pool(level: str, short: str, places: list[str], *, two_tier: bool) -> list[tuple[str, str, bool]]:
    """Grassroots organizations of a district: its agencies, schools and branches. In the 2025 layout there is no
    district (no "huyện" in any name, no district People's Committee or party agencies): the former district's
    branches serve an area ("khu vực")."""
    where = f"khu vực {short}" if two_tier else f"{level} {short}"
    pool = [
        (f"Trung tâm Y tế {where}", "health", True),
        (f"Trường THPT {short}", "school", True),
        (f"Kho bạc Nhà nước {where}", "dept", False),
        (f"Bảo hiểm xã hội {where}", "dept", False),
        (f"Tòa án nhân dân {where}", "court", False),
        (f"Viện Kiểm sát nhân dân {where}", "procuracy", False),
        (f"{'Phòng' if two_tier else 'Chi cục'} Thi hành án dân sự {where}", "agency", False),
        (f"Hạt Kiểm lâm {where}", "agency", False),
        (f"Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {where}", "school", False),
        (f"Ngân hàng Chính sách xã hội {where}", "dept", False),
    ]
    if not two_tier:
        pool[:0] = [(f"Cơ quan UBND {where}", "agency", True), (f"Các cơ quan Đảng {where}", "agency", True)]
    pool += [(f"Trường THPT {p}", "school", True) for p in places[:2]]
    pool += [(f"Trường THCS {p}", "school", False) for p in places[2:]]
    return pool


@dataclass
class Plan:
    communes: int
    grassroots: int
    grassroots_committees: int
    cells: int
    members: int
    probationary: int

    @classmethod
    def at(cls, scale: float) -> Plan:
        grassroots = max(12, round(TOTALS["grassroots_party_organizations"] * scale))
        communes = max(len(DISTRICTS), round(TOTALS["communes"] * scale))
        committees = max(communes + 4, round(TOTALS["grassroots_party_committees"] * scale))
        return cls(
            communes=communes,
            grassroots=max(grassroots, committees + 4),
            grassroots_committees=committees,
            cells=max(
                communes * 6 + (committees - communes) * 2,
                round(TOTALS["party_cells_under_grassroots_committees"] * scale),
            ),
            members=round(TOTALS["party_members"] * scale),
            probationary=round(TOTALS["probationary"] * scale),
        )


@dataclass
class CellInfo:
    unit: Unit
    area: str
    profile: str  # village, office, school, health, police, military, dept, ...
    district: int  # index in DISTRICTS, or -1 for provincial blocs
    members: list[int] = field(default_factory=list)  # indexes into Seeder.people


@dataclass
class PersonDraft:
    person: Person
    age: int
    birth: dt.date
    member_idx: int | None = None
    active: bool = True  # present on the roll and not exempt or suspended
    posts: int = 0
    admitted: dt.date | None = None
    official: dt.date | None = None  # None while probationary


@dataclass
class Summary:
    counts: dict[str, int]
    accounts: list[dict[str, Any]]
    seconds: float


T = TypeVar("T", bound=models.Model)


def vn(number: float, decimals: int = 0) -> str:
    """69190 → "69.190" (lib/numbers.py): the command speaks Vietnamese."""
    return numbers.number(number, decimals, vietnamese=True)


def largest_remainder(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split `total` into integers proportional to `weights`, each at least `minimum`, summing exactly."""
    base = minimum * len(weights)
    rest = max(0, total - base)
    s = sum(weights) or 1.0
    raw = [rest * w / s for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    return [p + minimum for p in parts]


class Seeder:
    def __init__(self, *, scale: float, seed: int, layout: str, year: int, out: Callable[[str], None]) -> None:
        self.scale, self.layout, self.year, self.out, self.seed = scale, layout, year, out, seed
        self.rng = random.Random(seed)
        self.today = today()
        self.plan = Plan.at(scale)
        self.units: list[Unit] = []
        self.cells: list[CellInfo] = []
        self.people: list[PersonDraft] = []
        self.members: list[PartyMember] = []
        self.memberships: list[Membership] = []
        self.posts: list[Post] = []
        self._ids: dict[str, int] = {}
        self._national_ids: set[str] = set()
        self.province: Unit
        self.communes: list[tuple[Unit, dict[str, Unit], CellInfo | None]] = []
        self.grassroots: list[Unit] = []
        self.district_units: list[Unit] = []
        self.districts_by_unit: dict[int, int] = {}
        self.bodies_of: dict[int, dict[str, Unit]] = {}
        self.org_profile: dict[int, str] = {}
        self.heads: dict[int, PersonDraft] = {}
        # Secretaries, heads and leaders are official members admitted at least SENIORITY years before the
        # period (which starts on 1 January of `year`).
        self.senior_by = dt.date(year - SENIORITY, 1, 1)

    # ---------------------------------------------------------------- helpers
    def _next_id(self, model: type[models.Model]) -> int:
        key = model._meta.label
        if key not in self._ids:
            self._ids[key] = (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        value = self._ids[key]
        self._ids[key] = value + 1
        return value

    def unit(
        self,
        parent: Unit | None,
        kind: str,
        name: str,
        *,
        locality: str = Locality.NONE,
        grassroots: bool = False,
        collective: str = "",
    ) -> Unit:
        pk = self._next_id(Unit)
        unit = Unit(
            id=pk,
            parent_id=parent.pk if parent else None,
            path=(parent.path if parent else "") + path_segment(pk),
            kind=kind,
            locality=locality,
            is_grassroots=grassroots,
            name=name,
            collective_name=collective,
            founded_on=dt.date(self.rng.choice([1947, 1960, 1976, 1991, 2004, 2008]), 1, 1),
            sort_key=sort_key(name),
            search_text=search_text(name),
        )
        self.units.append(unit)
        return unit

    def bodies(self, party: Unit, where: str, locality: str, *, hdnd: bool = True) -> dict[str, Unit]:
        """The same-level bodies a locality's party organization leads."""
        made: dict[str, Unit] = {}
        if hdnd:
            made["hdnd"] = self.unit(party, UnitKind.PEOPLES_COUNCIL, f"Hội đồng nhân dân {where}", locality=locality)
        made["ubnd"] = self.unit(
            party,
            UnitKind.PEOPLES_COMMITTEE,
            f"Ủy ban nhân dân {where}",
            locality=locality,
            collective=f"Tập thể lãnh đạo UBND {where}",
        )
        made["mttq"] = self.unit(party, UnitKind.FRONT, f"Ủy ban MTTQ Việt Nam {where}", locality=locality)
        for i, (org, _title) in enumerate(MASS_ORGS):
            made[f"mass{i}"] = self.unit(party, UnitKind.MASS_ORG, f"{org} {where}", locality=locality)
        self.bodies_of[party.pk] = made
        return made

    def cell(
        self, parent: Unit, name: str, *, area: str, profile: str, district: int, kind: str = UnitKind.CELL
    ) -> CellInfo:
        unit = self.unit(parent, kind, name, grassroots=kind == UnitKind.GRASSROOTS_CELL)
        info = CellInfo(unit=unit, area=area, profile=profile, district=district)
        self.cells.append(info)
        return info

    # ---------------------------------------------------------------- the tree
    def build_tree(self) -> None:
        rng, plan = self.rng, self.plan
        self.province = self.unit(
            None,
            UnitKind.PROVINCE_COMMITTEE,
            f"Đảng bộ tỉnh {PROVINCE}",
            locality=Locality.PROVINCE,
            collective=f"Ban Thường vụ Tỉnh ủy {PROVINCE}",
        )
        self.bodies(self.province, f"tỉnh {PROVINCE}", Locality.PROVINCE)
        two_tier = self.layout == "2025"
        blocs = {
            "khoi": self.unit(
                self.province,
                UnitKind.BLOC_COMMITTEE,
                "Đảng bộ Khối các cơ quan và doanh nghiệp tỉnh",
                collective="Ban Thường vụ Đảng ủy Khối các cơ quan và doanh nghiệp tỉnh",
            ),
            "qs": self.unit(
                self.province,
                UnitKind.BLOC_COMMITTEE,
                "Đảng bộ Quân sự tỉnh",
                collective="Ban Thường vụ Đảng ủy Quân sự tỉnh",
            ),
            "ca": self.unit(
                self.province,
                UnitKind.BLOC_COMMITTEE,
                "Đảng bộ Công an tỉnh",
                collective="Ban Thường vụ Đảng ủy Công an tỉnh",
            ),
        }
        commune_counts = largest_remainder(plan.communes, [w for _, w, _ in DISTRICTS], minimum=1)
        taken: set[str] = set()
        district_parents: list[Unit] = []
        district_places: list[list[str]] = []
        for d, (dname, _w, area) in enumerate(DISTRICTS):
            level, short = dname.split(" ", 1) if dname.startswith("Huyện") else ("Thành phố", dname.split(" ", 2)[2])
            level = level.lower()
            if two_tier:
                # 2025: no district level; communes sit directly under the province.
                parent = self.province
            else:
                title = "Thành ủy" if level == "thành phố" else "Huyện ủy"
                parent = self.unit(
                    self.province,
                    UnitKind.DISTRICT_COMMITTEE,
                    f"Đảng bộ {level} {short}",
                    locality=Locality.DISTRICT,
                    collective=f"Ban Thường vụ {title} {short}",
                )
                self.bodies(parent, f"{level} {short}", Locality.DISTRICT)
                self.district_units.append(parent)
            district_parents.append(parent)
            places = place_names(rng, commune_counts[d] + 6, taken=taken)
            district_places.append(places)
            for c in range(commune_counts[d]):
                # Towns (thị trấn) are district-level communes: the 2025 layout has only xã, phường, đặc khu.
                prefix = "phường" if area == "city" else ("thị trấn" if c == 0 and not two_tier else "xã")
                where = f"{prefix} {places[c]}"
                committee = self.unit(
                    parent,
                    UnitKind.COMMUNE_COMMITTEE,
                    f"Đảng bộ {where}",
                    locality=Locality.COMMUNE,
                    grassroots=True,
                    collective=f"Ban Thường vụ Đảng ủy {where}",
                )
                self.districts_by_unit[committee.pk] = d
                made = self.bodies(committee, where, Locality.COMMUNE)
                self.communes.append((committee, made, None))
                self.grassroots.append(committee)

        # Other grassroots organizations: agencies, schools, enterprises, armed forces.
        other_committees = plan.grassroots_committees - plan.communes
        grassroots_cells = plan.grassroots - plan.grassroots_committees
        slots: list[tuple[Unit, int, str, str, bool]] = []  # (parent, district, body name, profile, large)
        pools: list[tuple[Unit, int, list[tuple[str, str, bool]], float]] = []
        for d, (dname, _w, _area) in enumerate(DISTRICTS):
            level, short = dname.split(" ", 1) if dname.startswith("Huyện") else ("Thành phố", dname.split(" ", 2)[2])
            pools.append(
                (
                    district_parents[d] if not two_tier else blocs["khoi"],
                    d,
                    _district_pool(level.lower(), short, district_places[d][commune_counts[d] :], two_tier=two_tier),
                    6.0,
                )
            )
        pools.append((blocs["khoi"], -1, _province_pool(), 14.0))
        # Place names keep their capitals: "Công an thành phố Hòa Bình", never "thành phố hòa bình".
        if two_tier:
            # 2025: district military commands became area defence commands; district police were dissolved.
            military = [f"Ban Chỉ huy Phòng thủ khu vực {_district_short(d)}" for d, _, _ in DISTRICTS]
            police = [f"{dept} Công an tỉnh" for dept in POLICE_DEPARTMENTS]
        else:
            military = [f"Ban Chỉ huy Quân sự {_district_words(d)}" for d, _, _ in DISTRICTS]
            police = [f"Công an {_district_words(d)}" for d, _, _ in DISTRICTS]
        pools.append(
            (
                blocs["qs"],
                -1,
                [("Cơ quan Bộ Chỉ huy Quân sự tỉnh", "military", True)] + [(n, "military", False) for n in military],
                4.0,
            )
        )
        pools.append(
            (blocs["ca"], -1, [("Cơ quan Công an tỉnh", "police", True)] + [(n, "police", False) for n in police], 4.0)
        )
        weights = [w for *_, w in pools]
        per_pool = largest_remainder(other_committees + grassroots_cells, weights)
        for (parent, d, pool, _weight), n in zip(pools, per_pool, strict=True):
            for i in range(n):
                name, profile, large = (
                    pool[i]
                    if i < len(pool)
                    else (f"{pool[i % len(pool)][0]} (cơ sở {i // len(pool) + 1})", pool[i % len(pool)][1], False)
                )
                slots.append((parent, d, name, profile, large))
        # The larger bodies become grassroots committees (with cells), the others grassroots cells.
        order = sorted(range(len(slots)), key=lambda i: (not slots[i][4], rng.random()))
        as_committee = set(order[:other_committees])
        agency_committees: list[tuple[Unit, str, int, str]] = []
        for i, (parent, d, name, profile, _large) in enumerate(slots):
            area = DISTRICTS[d][2] if d >= 0 else "city"
            coll = PROFILES[profile][2]
            if i in as_committee:
                org = self.unit(
                    parent,
                    UnitKind.GRASSROOTS_COMMITTEE,
                    f"Đảng bộ {name}",
                    grassroots=True,
                    collective=f"Ban Thường vụ Đảng ủy {name}" if _large else f"Đảng ủy {name}",
                )
                agency_committees.append((org, profile, d, area))
            else:
                info = self.cell(
                    parent, f"Chi bộ {name}", area=area, profile=profile, district=d, kind=UnitKind.GRASSROOTS_CELL
                )
                org = info.unit
            body = self.unit(org, BODY_KIND[profile], name, collective=f"{coll} {name}")
            self.bodies_of[org.pk] = {"body": body}
            self.org_profile[org.pk] = profile
            self.grassroots.append(org)
            self.districts_by_unit[org.pk] = d

        # Cells under grassroots committees: communes have many village cells, agencies a few.
        hosts = [(c, "commune") for c, _, _ in self.communes] + [(a[0], "agency") for a in agency_committees]
        cell_counts = largest_remainder(plan.cells, [14.0 if k == "commune" else 4.5 for _, k in hosts], minimum=2)
        agency_info = {a[0].pk: a for a in agency_committees}
        for (host, kind), n in zip(hosts, cell_counts, strict=True):
            d = self.districts_by_unit[host.pk]
            if kind == "commune":
                area = DISTRICTS[d][2]
                fixed = COMMUNE_FIXED_CELLS[: max(1, min(len(COMMUNE_FIXED_CELLS), n - 2))]
                where = host.name.removeprefix("Đảng bộ ")
                for label, profile in fixed:
                    suffix = f" {where}"
                    self.cell(host, f"Chi bộ {label}{suffix}", area=area, profile=profile, district=d)
                village = "Tổ dân phố" if area == "city" else "Xóm"
                villages = place_names(rng, n - len(fixed))
                for i, v in enumerate(villages, start=1):
                    label = f"{village} {i}" if area == "city" else f"{village} {v}"
                    self.cell(host, f"Chi bộ {label}", area=area, profile="village", district=d)
            else:
                _org, profile, d, area = agency_info[host.pk]
                names = CELL_NAMES[profile]
                for i in range(n):
                    label = names[i] if i < len(names) else f"{names[i % len(names)]} {i // len(names) + 1}"
                    self.cell(host, f"Chi bộ {label}", area=area, profile=profile, district=d)

    # ---------------------------------------------------------------- people
    def _birth(self, age: int) -> dt.date:
        return self.today - dt.timedelta(days=age * 365 + self.rng.randint(0, 364))

    def _national_id(self, name: Name, birth: dt.date) -> str | None:
        if self.rng.random() < 0.2:
            return None
        century = 0 if birth.year < 2000 else 2
        digit = century + (1 if name.gender == "nu" else 0)
        while True:
            nid = f"{PROVINCE_CODE}{digit}{birth.year % 100:02d}{self.rng.randint(0, 999_999):06d}"
            if nid not in self._national_ids:
                self._national_ids.add(nid)
                return nid

    def _person(self, name: Name, age: int, civil_servant: str) -> PersonDraft:
        birth = self._birth(age)
        person = Person(
            id=self._next_id(Person),
            family_name=name.family,
            middle_name=name.middle,
            given_name=name.given,
            gender=name.gender,
            ethnicity=name.ethnicity,
            birth_date=birth,
            national_id=self._national_id(name, birth),
            civil_servant=civil_servant,
        )
        person.sort_key, person.search_text = _derived(name.family, name.middle, name.given)
        draft = PersonDraft(person=person, age=age, birth=birth)
        self.people.append(draft)
        return draft

    def _age(self, profile: str) -> int:
        rng = self.rng
        if profile in {"police", "military"}:
            return rng.randint(23, 52)
        if profile == "village":
            # Rural cells keep many retired members: about 4 in 10 are past working age.
            return rng.randint(60, 92) if rng.random() < 0.42 else rng.randint(24, 59)
        return rng.randint(24, 60)

    def _civil_servant(self, profile: str, age: int) -> str:
        if age >= 62:
            return CivilServant.NONE
        return {
            "office": CivilServant.CADRE if self.rng.random() < 0.5 else CivilServant.CIVIL_SERVANT,
            "school": CivilServant.PUBLIC_EMPLOYEE,
            "health": CivilServant.PUBLIC_EMPLOYEE,
            "dept": CivilServant.CIVIL_SERVANT,
            "agency": CivilServant.CIVIL_SERVANT,
            "court": CivilServant.CIVIL_SERVANT,
            "procuracy": CivilServant.CIVIL_SERVANT,
            "company": CivilServant.WORKER,
            "village": CivilServant.PUBLIC_EMPLOYEE if self.rng.random() < 0.1 else CivilServant.NONE,
        }.get(profile, CivilServant.NONE)

    def build_people(self) -> None:
        rng, plan = self.rng, self.plan
        weights = []
        for info in self.cells:
            weights.append(
                {"village": rng.uniform(10, 30), "office": 26.0, "police": 9.0, "military": 7.0}.get(info.profile)
                or (rng.uniform(10, 32) if info.unit.kind == UnitKind.GRASSROOTS_CELL else rng.uniform(6, 14))
            )
        sizes = largest_remainder(plan.members, weights, minimum=3)
        probationary_left = plan.probationary
        young_slots = sum(sizes) - len(sizes)  # the first member of each cell is a settled, senior one
        cells_by_district: dict[int, list[CellInfo]] = {}
        for info in self.cells:
            cells_by_district.setdefault(info.district, []).append(info)
        for info, size in zip(self.cells, sizes, strict=True):
            for k in range(size):
                name = random_name(rng, area=info.area)
                if k == 0:
                    # Every cell has at least one member fit to be its secretary: of working age, official,
                    # admitted years before the period, present and active.
                    age = rng.randint(35, 52 if info.profile in {"police", "military"} else 56)
                    draft = self._person(name, age, self._civil_servant(info.profile, age))
                    admitted = min(
                        draft.birth + dt.timedelta(days=rng.randint(19, min(age - 1, 32)) * 365),
                        self.senior_by - dt.timedelta(days=rng.randint(200, 2500)),
                    )
                    official: dt.date | None = admitted + dt.timedelta(days=365 + rng.randint(0, 45))
                    self._add_member(draft, info, admitted, official, cells_by_district, settled=True)
                    continue
                age = self._age(info.profile)
                draft = self._person(name, age, self._civil_servant(info.profile, age))
                # Probationary members are admitted within the last year, spread over the province.
                probationary = age < 45 and rng.random() < probationary_left / max(1, young_slots) * 1.6
                young_slots -= 1
                if probationary and probationary_left > 0:
                    probationary_left -= 1
                    admitted = self.today - dt.timedelta(days=rng.randint(20, 350))
                    official = None
                else:
                    admission_age = rng.randint(19, max(20, min(age - 1, 42)))
                    admitted = draft.birth + dt.timedelta(days=admission_age * 365 + rng.randint(0, 300))
                    # Admitted at least 14 months ago, so that the official date (a year later) is in the past.
                    admitted = min(admitted, self.today - dt.timedelta(days=425))
                    official = admitted + dt.timedelta(days=365 + rng.randint(0, 45))
                self._add_member(draft, info, admitted, official, cells_by_district)
        # Members who transferred out of the province or left the Party: history only.
        for _ in range(round(plan.members * 0.008)):
            info = rng.choice(self.cells)
            name = random_name(rng, area=info.area)
            age = self._age(info.profile)
            draft = self._person(name, age, CivilServant.NONE)
            admitted = draft.birth + dt.timedelta(days=rng.randint(20, 40) * 365)
            admitted = min(admitted, self.today - dt.timedelta(days=1000))
            member = self._member(draft, admitted, admitted + dt.timedelta(days=370))
            out = self.today - dt.timedelta(days=rng.randint(30, 900))
            status = MemberStatus.TRANSFERRED if rng.random() < 0.6 else MemberStatus.LEFT
            note = "Chuyển sinh hoạt đảng ra ngoài tỉnh" if status == MemberStatus.TRANSFERRED else "Từ trần"
            self._stay(member, info, admitted, out, MemberStatus.ACTIVE)
            self._stay(member, info, out, None, status, note)
            draft.active = False

    def _member(self, draft: PersonDraft, admitted: dt.date, official: dt.date | None) -> PartyMember:
        member = PartyMember(
            id=self._next_id(PartyMember),
            person_id=draft.person.pk,
            admitted_on=admitted,
            official_on=official if official and official <= self.today else None,
            card_number=f"17{len(self.members) + 1:07d}" if official and official <= self.today else None,
        )
        self.members.append(member)
        draft.member_idx = len(self.members) - 1
        draft.admitted, draft.official = member.admitted_on, member.official_on
        return member

    def _stay(
        self, member: PartyMember, info: CellInfo, start: dt.date, end: dt.date | None, status: str, note: str = ""
    ) -> None:
        self.memberships.append(
            Membership(
                id=self._next_id(Membership),
                member_id=member.pk,
                unit_id=info.unit.pk,
                status=status,
                valid_from=start,
                valid_to=end,
                note=note,
            )
        )

    def _add_member(
        self,
        draft: PersonDraft,
        info: CellInfo,
        admitted: dt.date,
        official: dt.date | None,
        cells_by_district: dict[int, list[CellInfo]],
        *,
        settled: bool = False,
    ) -> None:
        """A member's stays in cells. A `settled` member has always been in this cell and is active."""
        rng = self.rng
        member = self._member(draft, admitted, official)
        # Change points of the member's history: (day, cell, status).
        status: str = MemberStatus.ACTIVE
        changes: list[tuple[dt.date, CellInfo, str, str]] = [(admitted, info, status, "")]
        if not settled:
            if rng.random() < 0.04 and (self.today - admitted).days > 500:
                # Moved here from another cell of the same district 1–3 years ago.
                others = [c for c in cells_by_district.get(info.district, []) if c is not info] or [info]
                moved = self.today - dt.timedelta(days=rng.randint(120, min(1100, (self.today - admitted).days - 200)))
                changes = [(admitted, rng.choice(others), status, ""), (moved, info, status, "Chuyển sinh hoạt đến")]
            # Exemption (miễn công tác và sinh hoạt đảng) mostly for the elderly and the long-ill.
            p_exempt = 0.78 if draft.age >= 75 else 0.5 if draft.age >= 70 else 0.1 if draft.age >= 65 else 0.006
            if rng.random() < p_exempt:
                since = max(
                    changes[-1][0] + dt.timedelta(days=30), self.today - dt.timedelta(days=rng.randint(60, 2500))
                )
                if since < self.today:
                    changes.append((since, info, MemberStatus.EXEMPT, "Tuổi cao, sức yếu"))
            elif rng.random() < 0.001:
                since = max(
                    changes[-1][0] + dt.timedelta(days=30), self.today - dt.timedelta(days=rng.randint(20, 200))
                )
                if since < self.today:
                    changes.append((since, info, MemberStatus.SUSPENDED, "Đình chỉ sinh hoạt đảng"))
        for i, (day, cell, status, note) in enumerate(changes):
            end = changes[i + 1][0] if i + 1 < len(changes) else None
            self._stay(member, cell, day, end, status, note)
        draft.active = changes[-1][2] == MemberStatus.ACTIVE
        info.members.append(len(self.people) - 1)

    # ---------------------------------------------------------------- posts
    def _senior(self, draft: PersonDraft) -> bool:
        """An official member admitted at least SENIORITY years before the period."""
        return draft.official is not None and draft.admitted is not None and draft.admitted <= self.senior_by

    def _pick(self, pool: list[int], *, min_age: int = 28, max_age: int = 60) -> PersonDraft:
        """An active, working-age official member of the pool admitted years before the period (every cell has
        one: see build_people), preferring those with fewer posts. Probationary members hold no post."""
        people = [self.people[i] for i in pool]
        active = [c for c in people if c.active]
        senior = [c for c in active if self._senior(c)]
        candidates = (
            [c for c in senior if min_age <= c.age <= max_age]
            or senior
            or [c for c in active if c.official is not None]
            or active
            or people
        )
        fewest = min(c.posts for c in candidates)
        chosen = self.rng.choice([c for c in candidates if c.posts == fewest])
        chosen.posts += 1
        return chosen

    def post(
        self,
        draft: PersonDraft,
        unit: Unit,
        title: str,
        role: str,
        *,
        leader: bool,
        collective: bool = False,
        pool: list[int] | None = None,
    ) -> Post:
        start = self.today - dt.timedelta(days=self.rng.randint(40, 1800))
        if draft.official is not None:
            # Not before the holder became an official member (and a while after).
            start = max(start, min(draft.official + dt.timedelta(days=365), self.today - dt.timedelta(days=40)))
        if role == PostRole.HEAD:
            self.heads[unit.pk] = draft
            earlier = start - dt.timedelta(days=1800)
            fit = [
                i
                for i in (pool or [])
                if (b := self.people[i]).official is not None
                and b.admitted is not None
                and b.admitted <= earlier - dt.timedelta(days=SENIORITY * 365)
            ]
            if fit and self.rng.random() < 0.15:
                # A predecessor whose post ended when this one began: posts keep their history too.
                before = self.people[self.rng.choice(fit)]
                self.posts.append(
                    Post(
                        id=self._next_id(Post),
                        person_id=before.person.pk,
                        unit_id=unit.pk,
                        title=title,
                        role=role,
                        is_leader=leader,
                        in_collective=collective,
                        starts_on=earlier,
                        ends_on=start,
                    )
                )
        post = Post(
            id=self._next_id(Post),
            person_id=draft.person.pk,
            unit_id=unit.pk,
            title=title,
            role=role,
            is_leader=leader,
            in_collective=collective,
            starts_on=start,
        )
        self.posts.append(post)
        return post

    def committee_posts(self, unit: Unit, pool: list[int], *, secretary: str, bodies: dict[str, Unit] | None) -> None:
        """Secretary, deputies and standing-committee members; heads of the same-level bodies."""
        if not pool:
            return
        p = self._pick
        first = p(pool, min_age=40)
        self.post(first, unit, f"Bí thư {secretary}", PostRole.HEAD, leader=True, collective=True, pool=pool)
        standing = p(pool, min_age=35)
        self.post(standing, unit, f"Phó Bí thư Thường trực {secretary}", PostRole.DEPUTY, leader=True, collective=True)
        second = p(pool, min_age=35)
        self.post(second, unit, f"Phó Bí thư {secretary}", PostRole.DEPUTY, leader=True, collective=True)
        members = [p(pool, min_age=30) for _ in range(2)]
        for m in members:
            self.post(m, unit, f"Ủy viên Ban Thường vụ {secretary}", PostRole.MEMBER, leader=True, collective=True)
        if not bodies:
            return
        if "hdnd" in bodies:
            # The party secretary usually chairs the People's Council (several posts at once).
            self.post(first, bodies["hdnd"], "Chủ tịch Hội đồng nhân dân", PostRole.HEAD, leader=True)
            self.post(p(pool), bodies["hdnd"], "Phó Chủ tịch Hội đồng nhân dân", PostRole.DEPUTY, leader=True)
        ubnd = bodies["ubnd"]
        self.post(second, ubnd, "Chủ tịch Ủy ban nhân dân", PostRole.HEAD, leader=True, collective=True)
        for _ in range(2):
            self.post(p(pool), ubnd, "Phó Chủ tịch Ủy ban nhân dân", PostRole.DEPUTY, leader=True, collective=True)
        self.post(members[0], bodies["mttq"], "Chủ tịch Ủy ban MTTQ Việt Nam", PostRole.HEAD, leader=True)
        self.post(p(pool), bodies["mttq"], "Phó Chủ tịch Ủy ban MTTQ Việt Nam", PostRole.DEPUTY, leader=True)
        for i, (_org, title) in enumerate(MASS_ORGS):
            min_age, max_age = (22, 35) if "Đoàn" in title else (30, 60)
            self.post(p(pool, min_age=min_age, max_age=max_age), bodies[f"mass{i}"], title, PostRole.HEAD, leader=True)

    def build_posts(self) -> None:
        rng = self.rng
        by_parent: dict[int | None, list[CellInfo]] = {}
        for info in self.cells:
            by_parent.setdefault(info.unit.parent_id, []).append(info)
            # Every cell: a secretary; a deputy from 10 members; a cell committee (chi ủy) from 9.
            members = info.members
            if not members:
                continue
            name = info.unit.name
            if len(members) >= 9:
                info.unit.collective_name = f"Chi ủy {name}"
            coll = bool(info.unit.collective_name)
            cell_secretary = self._pick(members, min_age=30, max_age=70)
            self.post(
                cell_secretary, info.unit, f"Bí thư {name}", PostRole.HEAD, leader=False, collective=coll, pool=members
            )
            if len(members) >= 10:
                self.post(
                    self._pick(members), info.unit, f"Phó Bí thư {name}", PostRole.DEPUTY, leader=False, collective=coll
                )
            if coll:
                self.post(
                    self._pick(members),
                    info.unit,
                    f"Chi ủy viên {name}",
                    PostRole.MEMBER,
                    leader=False,
                    collective=True,
                )

        def subtree_pool(unit: Unit, profiles: Iterable[str] | None = None) -> list[int]:
            wanted = set(profiles) if profiles else None
            return [
                i
                for info in self.cells
                if info.unit.path.startswith(unit.path) and (wanted is None or info.profile in wanted)
                for i in info.members
            ]

        for committee, bodies, _ in self.communes:
            office = [i for info in by_parent.get(committee.pk, []) if info.profile == "office" for i in info.members]
            pool = office or subtree_pool(committee)
            where = committee.name.removeprefix("Đảng bộ ")
            self.committee_posts(committee, pool, secretary=f"Đảng ủy {where}", bodies=bodies)
        for org in self.grassroots:
            if org.kind == UnitKind.COMMUNE_COMMITTEE:
                continue
            body = self.bodies_of[org.pk]["body"]
            pool = subtree_pool(org)
            if not pool:
                continue
            head_title, deputy_title, _coll = PROFILES[self.org_profile[org.pk]]
            if org.kind == UnitKind.GRASSROOTS_COMMITTEE:
                secretary = org.name.replace("Đảng bộ", "Đảng ủy", 1)
                first = self._pick(pool, min_age=38)
                self.post(first, org, f"Bí thư {secretary}", PostRole.HEAD, leader=True, collective=True)
                self.post(
                    self._pick(pool), org, f"Phó Bí thư {secretary}", PostRole.DEPUTY, leader=True, collective=True
                )
                self.post(self._pick(pool), org, f"Ủy viên {secretary}", PostRole.MEMBER, leader=False, collective=True)
            else:
                first = self.heads.get(org.pk) or self._pick(pool, min_age=38)
            # In most agencies the head of the body is also the party secretary.
            chief = first if rng.random() < 0.6 else self._pick(pool, min_age=38)
            self.post(chief, body, head_title, PostRole.HEAD, leader=True, collective=True, pool=pool)
            for _ in range(1 if len(pool) < 20 else 2):
                self.post(self._pick(pool), body, deputy_title, PostRole.DEPUTY, leader=True, collective=True)
        # District, bloc and province committees draw on the agencies under them.
        for d, unit in enumerate(self.district_units):
            pool = [
                i
                for info in self.cells
                if info.district == d
                and info.profile not in {"village"}
                and not info.unit.path.startswith(tuple(c.path for c, _, _ in self.communes))
                for i in info.members
            ]
            pool = pool or subtree_pool(unit)
            level_short = unit.name.removeprefix("Đảng bộ ")
            title, short = (
                ("Thành ủy", level_short.removeprefix("thành phố "))
                if level_short.startswith("thành phố")
                else ("Huyện ủy", level_short.removeprefix("huyện "))
            )
            self.committee_posts(unit, pool, secretary=f"{title} {short}", bodies=self.bodies_of[unit.pk])
        for unit in self.units:
            if unit.kind == UnitKind.BLOC_COMMITTEE:
                self.committee_posts(
                    unit, subtree_pool(unit), secretary=unit.name.replace("Đảng bộ", "Đảng ủy", 1), bodies=None
                )
        khoi = next(u for u in self.units if u.kind == UnitKind.BLOC_COMMITTEE)
        self.committee_posts(
            self.province, subtree_pool(khoi), secretary=f"Tỉnh ủy {PROVINCE}", bodies=self.bodies_of[self.province.pk]
        )

    # ---------------------------------------------------------------- writing
    def write(self) -> None:
        def bulk(model: type[T], rows: list[T]) -> None:
            started = time.perf_counter()
            model._default_manager.bulk_create(rows, batch_size=4000)
            seconds = vn(time.perf_counter() - started, 1)
            self.out(f"  {model._meta.verbose_name_plural}: {vn(len(rows))} dòng ({seconds} giây)")

        # Parents before children: the tree order of the paths.
        self.units.sort(key=lambda u: u.path)
        bulk(Unit, self.units)
        bulk(Person, [p.person for p in self.people])
        bulk(PartyMember, self.members)
        bulk(Membership, self.memberships)
        bulk(Post, self.posts)
        # Rows were inserted with their ids: move the sequences past them (PostgreSQL).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Unit, Person, PartyMember, Membership, Post]):
                cursor.execute(sql)


@lru_cache(maxsize=200_000)
def _derived(family: str, middle: str, given: str) -> tuple[str, str]:
    full = " ".join(p for p in (family, middle, given) if p)
    return sort_key(given, family, middle), search_text(full)


DEMO_ACCOUNTS = [
    ("quantri", Role.ADMIN, "province"),
    ("bantochuc", Role.OFFICER, "province"),
    ("bithu.dangbo", Role.COMMITTEE_SECRETARY, "commune"),
    ("bithu.chibo", Role.CELL_SECRETARY, "cell"),
    ("dangvien", Role.MEMBER, "cell"),
    ("mttq", Role.FRONT, "commune"),
    ("kiemtra", Role.INSPECTOR, "province"),
]


def demo_places(seeder: Seeder) -> tuple[Unit, Unit]:
    """The demo commune (a highland commune in Huyện Tân Lạc) and its village cell led by a secretary."""
    in_tan_lac = [c for c, _, _ in seeder.communes if seeder.districts_by_unit[c.pk] == 8]
    commune = next((c for c in in_tan_lac if "Đảng bộ xã" in c.name), in_tan_lac[0])
    cells = Unit.objects.filter(parent=commune, kind=UnitKind.CELL).order_by("sort_key")
    cell = cells.filter(name__contains="Xóm").first() or cells.first()
    assert cell is not None
    return commune, cell


def _accounts(seeder: Seeder, password: str | None) -> list[dict[str, Any]]:
    commune, cell = demo_places(seeder)
    head = {
        p.unit_id: p.person_id
        for p in Post.objects.filter(unit__in=[commune, cell], role=PostRole.HEAD, ends_on__isnull=True)
    }
    mttq = Post.objects.filter(
        unit__parent=commune, unit__kind=UnitKind.FRONT, role=PostRole.HEAD, ends_on__isnull=True
    ).first()
    member = (
        Membership.objects.filter(unit=cell, valid_to__isnull=True, status=MemberStatus.ACTIVE)
        .exclude(member__person_id=head.get(cell.pk, 0))
        .order_by("member__person__sort_key")
        .first()
    )
    people = {
        Role.COMMITTEE_SECRETARY: head.get(commune.pk),
        Role.CELL_SECRETARY: head.get(cell.pk),
        Role.MEMBER: member.member.person_id if member else None,
        Role.FRONT: mttq.person_id if mttq else None,
    }
    scopes = {"province": seeder.province, "commune": commune, "cell": cell}
    names_rng = random.Random(seeder.seed)
    result = []
    for username, role, scope in DEMO_ACCOUNTS:
        secret = password or f"{username.split('.')[0]}-{secrets.randbelow(900_000) + 100_000}"
        person_id = people.get(role)
        user = User(
            username=username,
            is_demo=True,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            person_id=person_id,
        )
        if person_id:
            # The account of a member shows that member's name (top bar, audit page).
            person = Person.objects.get(pk=person_id)
            family, middle, given = person.family_name, person.middle_name, person.given_name
        else:
            # The provincial officers' accounts (quản trị, ban tổ chức, kiểm tra) get a name of their own.
            name = random_name(names_rng, area="city")
            family, middle, given = name.family, name.middle, name.given
        user.first_name, user.last_name = given, f"{family} {middle}".strip()
        user.set_password(secret)
        user.save()
        unit = scopes[scope]
        RoleAssignment.objects.create(user=user, role=role, unit=unit)
        result.append(
            {
                "username": username,
                "password": secret,
                "role": role.value,
                "role_label": role.label,
                "scope": unit.name,
                "scope_unit_id": unit.pk,
                "person": str(Person.objects.get(pk=person_id)) if person_id else "",
                "name": user.get_full_name(),
            }
        )
    return result


def _quota_groups(seeder: Seeder, period: Period) -> int:
    """A realistic set of groups: members per grassroots organization, commune leaders, cells per commune."""
    groups: list[QuotaGroup] = []
    province = seeder.province
    # The commune level's kinds of place: towns (thị trấn) before 2025, special zones (đặc khu) after.
    communes = "xã, phường, đặc khu" if seeder.layout == "2025" else "xã, phường, thị trấn"

    def group(unit: Unit, name: str, kind: str, rule: dict[str, Any]) -> None:
        groups.append(quota_group_create(period=period, unit=unit, name=name, subject_kind=kind, rule=rule, actor=None))

    for org in seeder.grassroots:
        group(org, f"Đảng viên {org.name}", SubjectKind.MEMBER, {"kind": "members_under", "under": org.pk})
    group(
        province,
        f"Bí thư đảng ủy {communes}",
        SubjectKind.LEADER,
        {"kind": "post_holders", "under": province.pk, "unit_kinds": [UnitKind.COMMUNE_COMMITTEE], "roles": ["head"]},
    )
    group(
        province,
        f"Chủ tịch UBND {communes}",
        SubjectKind.LEADER,
        {
            "kind": "post_holders",
            "under": province.pk,
            "unit_kinds": [UnitKind.PEOPLES_COMMITTEE],
            "roles": ["head"],
            "title_contains": "Chủ tịch",
        },
    )
    group(
        province,
        f"Đảng bộ {communes}",
        SubjectKind.PARTY_ORG,
        {"kind": "units", "under": province.pk, "unit_kinds": [UnitKind.COMMUNE_COMMITTEE]},
    )
    group(
        province,
        "Tập thể lãnh đạo UBND cấp xã",
        SubjectKind.COLLECTIVE,
        {"kind": "collectives", "under": province.pk, "unit_kinds": [UnitKind.PEOPLES_COMMITTEE]},
    )
    for committee, _, _ in seeder.communes:
        group(
            committee,
            f"Chi bộ trực thuộc {committee.name}",
            SubjectKind.PARTY_ORG,
            {"kind": "units", "under": committee.pk, "unit_kinds": [UnitKind.CELL]},
        )
    for unit in seeder.district_units:
        group(
            unit,
            f"Tổ chức cơ sở đảng khối cơ quan {unit.name.removeprefix('Đảng bộ ')}",
            SubjectKind.PARTY_ORG,
            {
                "kind": "units",
                "under": unit.pk,
                "unit_kinds": [UnitKind.GRASSROOTS_COMMITTEE, UnitKind.GRASSROOTS_CELL],
            },
        )

    for g in groups:
        quota_group_fill(group=g, actor=None)
    return len(groups)


def default_layout(year: int) -> str:
    """The demo's layout for a period of `year`: from 1 July 2025 local government has two tiers (no district level;
    rules-2025.md, QĐ 294-QĐ/TW), so a 2025 or later period is reviewed in the 2025 layout (province → commune) and
    has no district documents; earlier years keep province → district → commune."""
    return "2025" if year >= 2025 else "2022"


def seed(
    *,
    scale: float = 0.1,
    seed: int = 2022,
    layout: str | None = None,
    out: Callable[[str], None] = print,
    password: str | None = None,
    accounts_file: Path | None = None,
    history: int = 2,
) -> Summary:
    """Seed the demo province into an empty database; return the counts and the demo accounts."""
    if Unit.objects.exists():
        raise RuntimeError("Cơ sở dữ liệu đã có dữ liệu tổ chức: chỉ nạp dữ liệu trình diễn vào cơ sở dữ liệu trống.")
    started = time.perf_counter()
    year = today().year
    layout = layout or default_layout(year)
    seeder = Seeder(scale=scale, seed=seed, layout=layout, year=year, out=out)
    out(f"Đang tạo tỉnh trình diễn (tỷ lệ {scale:g}, bố cục {layout}) …")
    seeder.build_tree()
    seeder.build_people()
    seeder.build_posts()
    with transaction.atomic():
        seeder.write()
        out("  Kỳ đánh giá, nhóm đối tượng tương đồng …")
        period = period_create(unit=seeder.province, year=year, actor=None)
        period_set_status(period=period, status=PeriodStatus.OPEN, actor=None)
        n_groups = _quota_groups(seeder, period)
        accounts = _accounts(seeder, password)
        out("  Bản kiểm điểm của kỳ; một xã đi trước đến bước đề xuất …")
        review_counts = demo_reviews(period, *demo_places(seeder), seed=seed)
        if history:
            out(f"  Kết quả {history} năm trước (như nhập từ hồ sơ lưu trữ) …")
            review_counts |= seed_history(period, seed=seed, years=history)
        counts = {
            "units": len(seeder.units),
            "grassroots": sum(1 for u in seeder.units if u.is_grassroots),
            "cells_under_committees": sum(1 for u in seeder.units if u.kind == UnitKind.CELL),
            "affiliated_committees": Unit.objects.filter(
                parent=seeder.province, kind__in=[UnitKind.DISTRICT_COMMITTEE, UnitKind.BLOC_COMMITTEE]
            ).count(),
            "members_present": Membership.objects.filter(valid_to__isnull=True, status__in=PRESENT_STATUSES).count(),
            "probationary": Membership.objects.filter(
                valid_to__isnull=True, status__in=PRESENT_STATUSES, member__official_on__isnull=True
            ).count(),
            "exempt": Membership.objects.filter(valid_to__isnull=True, status=MemberStatus.EXEMPT).count(),
            "persons": len(seeder.people),
            "posts": len(seeder.posts),
            "quota_groups": n_groups,
            "quota_entries": QuotaGroupEntry.objects.count(),
            **review_counts,
        }
        record(
            actor=None,
            action=Action.DEMO_SEEDED,
            target=seeder.province,
            unit=seeder.province,
            new={"scale": scale, "seed": seed, "layout": layout, **counts},
        )
    analyze()
    if accounts_file is not None:
        accounts_file.parent.mkdir(parents=True, exist_ok=True)
        accounts_file.write_text(json.dumps(accounts, ensure_ascii=False, indent=2), encoding="utf-8")
    return Summary(counts=counts, accounts=accounts, seconds=time.perf_counter() - started)
