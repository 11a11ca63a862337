"""A commune with three cells, ready for a period: the world of the review workflow tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from danhgia.accounts.models import Role
from danhgia.orgs.models import Locality, UnitKind
from danhgia.orgs.services import unit_create
from danhgia.people.models import SubjectKind
from danhgia.people.quota import quota_group_create, quota_group_fill
from danhgia.people.services import member_admit, person_create, post_assign
from danhgia.periods.services import period_create
from danhgia.reviews.opening import period_open_reviews
from tests.conftest import make_user
from tests.reviews.helpers import everyone_proposed
from tests.shared import shared

YEAR = dt.date.today().year


@dataclass
class Commune:
    province: object
    commune: object
    cells: list
    members: dict = field(default_factory=dict)  # cell name → [persons]
    secretaries: dict = field(default_factory=dict)  # cell name → person
    users: dict = field(default_factory=dict)
    period: object = None
    groups: dict = field(default_factory=dict)


def build_commune(year: int = YEAR) -> Commune:
    province = unit_create(
        parent=None, kind=UnitKind.PROVINCE_COMMITTEE, name="Đảng bộ tỉnh Mẫu", locality=Locality.PROVINCE, actor=None
    )
    commune = unit_create(
        parent=province,
        kind=UnitKind.COMMUNE_COMMITTEE,
        name="Đảng bộ xã Hòa Bình",
        locality=Locality.COMMUNE,
        is_grassroots=True,
        collective_name="Ban Thường vụ Đảng ủy xã Hòa Bình",
        actor=None,
    )
    cells = [
        unit_create(parent=commune, kind=UnitKind.CELL, name=f"Chi bộ Xóm {n}", actor=None)
        for n in ("Đồi", "Mít", "Vố")
    ]
    world = Commune(province, commune, cells)
    families = ["Nguyễn", "Bùi", "Đinh", "Trần", "Lê"]
    for _c, cell in enumerate(cells):
        persons = []
        for i, family in enumerate(families):
            person = person_create(
                family_name=family,
                middle_name="Văn",
                given_name=f"{cell.name.split()[-1]} {i}",
                gender="nam",
                birth_date=dt.date(1980, 1, 1),
                civil_servant="cong_chuc",
                actor=None,
            )
            member_admit(
                person=person, cell=cell, admitted_on=dt.date(2010, 1, 1), official_on=dt.date(2011, 1, 1), actor=None
            )
            persons.append(person)
        post_assign(
            person=persons[0],
            unit=cell,
            title=f"Bí thư {cell.name}",
            role="head",
            starts_on=dt.date(2020, 1, 1),
            actor=None,
        )
        world.members[cell.name] = persons
        world.secretaries[cell.name] = persons[0]
    chief = world.members[cells[0].name][1]
    post_assign(
        person=chief,
        unit=commune,
        title="Bí thư Đảng ủy xã",
        role="head",
        is_leader=True,
        in_collective=True,
        starts_on=dt.date(2020, 1, 1),
        actor=None,
    )
    governor = person_create(family_name="Hà", middle_name="Văn", given_name="Tỉnh", gender="nam", actor=None)
    post_assign(
        person=governor, unit=province, title="Bí thư Tỉnh ủy", role="head", starts_on=dt.date(2020, 1, 1), actor=None
    )
    world.period = period_create(unit=province, year=year, actor=None)
    world.groups["members"] = quota_group_create(
        period=world.period,
        unit=commune,
        name="Đảng viên xã",
        subject_kind=SubjectKind.MEMBER,
        rule={"kind": "members_under", "under": commune.pk},
        actor=None,
    )
    world.groups["cells"] = quota_group_create(
        period=world.period,
        unit=commune,
        name="Chi bộ xã",
        subject_kind=SubjectKind.PARTY_ORG,
        rule={"kind": "units", "under": commune.pk, "unit_kinds": [UnitKind.CELL]},
        rate=None,
        actor=None,
    )
    for group in world.groups.values():
        quota_group_fill(group=group, actor=None)
    world.users = {
        "officer": make_user("bantochuc.xa", Role.OFFICER, province),
        "committee": make_user("bithu.xa", Role.COMMITTEE_SECRETARY, commune, chief),
        "secretary_a": make_user("bithu.doi", Role.CELL_SECRETARY, cells[0], world.secretaries[cells[0].name]),
        "secretary_b": make_user("bithu.mit", Role.CELL_SECRETARY, cells[1], world.secretaries[cells[1].name]),
    }
    for cell in cells:
        for person in world.members[cell.name][2:4]:
            world.users[f"member:{person.pk}"] = make_user(f"dv{person.pk}", Role.MEMBER, cell, person)
    return world


def build_opened() -> Commune:
    world: Any = build_commune()  # `period` is typed `object` on the dataclass
    period_open_reviews(period=world.period, actor=world.users["officer"])
    return world


def build_proposed() -> Commune:
    world = build_opened()
    everyone_proposed(world)
    return world


commune = shared("commune", build_commune)
opened = shared("opened", build_opened)  # the commune with its period's reviews opened
proposed = shared("proposed", build_proposed)  # every member and cell proposed, the cells decided
