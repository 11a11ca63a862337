import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from danhgia.orgs.models import UnitKind
from danhgia.people.models import QuotaGroupEntry, SubjectKind
from danhgia.people.quota import (
    parse_rule,
    quota_group_add,
    quota_group_create,
    quota_group_fill,
    quota_group_remove,
)
from danhgia.people.services import member_set_status


def names(group):
    return sorted(str(e.person or e.unit) for e in QuotaGroupEntry.objects.filter(group=group))


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ({"kind": "bogus"}, "không được hỗ trợ"),
        ({"kind": "members_under"}, "under"),
        ({"kind": "units", "under": 1}, "unit_kinds"),
        ({"kind": "units", "under": 1, "unit_kinds": ["xyz"]}, "Loại đơn vị không hợp lệ"),
        ({"kind": "post_holders", "under": 1, "unit_kinds": ["chi_bo"], "roles": ["boss"]}, "Vai trò không hợp lệ"),
        ({"kind": "manual", "colour": "red"}, "colour"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(rule, fragment):
    with pytest.raises(ValidationError) as exc:
        parse_rule(rule)
    assert fragment in " ".join(exc.value.message_dict["rule"])


def test_members_under_a_grassroots_organization(world):
    group = quota_group_create(
        period=world.period,
        unit=world.commune_a,
        name="Đảng viên xã An Lạc",
        subject_kind=SubjectKind.MEMBER,
        rule={"kind": "members_under", "under": world.commune_a.pk},
        actor=world.users["officer"],
    )
    result = quota_group_fill(group=group, actor=world.users["officer"])
    assert result.added == 4
    assert names(group) == ["Bùi Văn Bình", "Nguyễn Văn An", "Trần Quốc Cường", "Đặng Thị Ánh"]


def test_exempt_members_are_not_candidates(world):
    member_set_status(member=world.people["binh"].party_member, status="exempt", on=dt.date(2025, 1, 1), actor=None)
    group = quota_group_create(
        period=world.period,
        unit=world.commune_a,
        name="Đảng viên",
        subject_kind=SubjectKind.MEMBER,
        rule={"kind": "members_under", "under": world.commune_a.pk},
        actor=None,
    )
    quota_group_fill(group=group, actor=None)
    assert "Bùi Văn Bình" not in names(group)


def test_post_holders_all_commune_party_secretaries(world):
    group = quota_group_create(
        period=world.period,
        unit=world.province,
        name="Bí thư đảng ủy xã",
        subject_kind=SubjectKind.LEADER,
        rule={
            "kind": "post_holders",
            "under": world.province.pk,
            "unit_kinds": [UnitKind.COMMUNE_COMMITTEE],
            "roles": ["head"],
        },
        actor=None,
    )
    quota_group_fill(group=group, actor=None)
    assert names(group) == ["Trần Quốc Cường"]


def test_units_rule_and_a_subject_in_one_group_per_kind(world):
    rule = {"kind": "units", "under": world.commune_a.pk, "unit_kinds": [UnitKind.CELL]}
    first = quota_group_create(
        period=world.period,
        unit=world.commune_a,
        name="Chi bộ xã An Lạc",
        subject_kind=SubjectKind.PARTY_ORG,
        rule=rule,
        actor=None,
    )
    quota_group_fill(group=first, actor=None)
    assert names(first) == ["Chi bộ Xóm Bãi", "Chi bộ Xóm Đồng"]
    second = quota_group_create(
        period=world.period,
        unit=world.province,
        name="Mọi chi bộ",
        subject_kind=SubjectKind.PARTY_ORG,
        rule={"kind": "units", "under": world.province.pk, "unit_kinds": [UnitKind.CELL]},
        actor=None,
    )
    result = quota_group_fill(group=second, actor=None)
    assert names(second) == ["Chi bộ Xóm Chợ"]
    assert len(result.conflicts) == 2


def test_refill_keeps_manual_entries_and_drops_stale_rule_entries(world):
    group = quota_group_create(
        period=world.period,
        unit=world.commune_a,
        name="Đảng viên",
        subject_kind=SubjectKind.MEMBER,
        rule={"kind": "members_under", "under": world.commune_a.pk},
        actor=None,
    )
    quota_group_fill(group=group, actor=None)
    quota_group_add(group=group, person=world.people["dung"], actor=None)
    member_set_status(
        member=world.people["dang"].party_member,
        status="suspended",
        on=dt.date.today() - dt.timedelta(days=1),
        actor=None,
    )
    result = quota_group_fill(group=group, actor=None)
    assert result.removed == 1
    assert "Lê Thị Dung" in names(group) and "Đặng Thị Ánh" not in names(group)


def test_manual_add_refuses_a_subject_already_grouped(world):
    group = quota_group_create(
        period=world.period,
        unit=world.commune_a,
        name="Đảng viên",
        subject_kind=SubjectKind.MEMBER,
        rule={"kind": "members_under", "under": world.commune_a.pk},
        actor=None,
    )
    quota_group_fill(group=group, actor=None)
    other = quota_group_create(
        period=world.period, unit=world.province, name="Khác", subject_kind=SubjectKind.MEMBER, actor=None
    )
    with pytest.raises(ValidationError, match="đã thuộc nhóm"):
        quota_group_add(group=other, person=world.people["an"], actor=None)
    entry = QuotaGroupEntry.objects.get(group=group, person=world.people["an"])
    quota_group_remove(entry=entry, actor=None)
    quota_group_add(group=other, person=world.people["an"], actor=None)


def test_rate_other_than_twenty_percent_needs_a_reason(world):
    with pytest.raises(ValidationError) as exc:
        quota_group_create(
            period=world.period,
            unit=world.commune_a,
            name="Nhóm 25%",
            subject_kind=SubjectKind.MEMBER,
            rate=Decimal("0.25"),
            actor=None,
        )
    assert "rate_reason" in exc.value.message_dict
    group = quota_group_create(
        period=world.period,
        unit=world.commune_a,
        name="Nhóm 25%",
        subject_kind=SubjectKind.MEMBER,
        rate=Decimal("0.25"),
        rate_reason="Nghị quyết BTV ngày 10/12",
        rate_decided_by="Ban Thường vụ Đảng ủy xã",
        actor=None,
    )
    assert group.rate == Decimal("0.25")


def test_group_scope_must_be_inside_the_period_and_rule_inside_the_group(world):
    with pytest.raises(ValidationError) as exc:
        quota_group_create(
            period=world.period,
            unit=world.commune_a,
            name="Sai",
            subject_kind=SubjectKind.MEMBER,
            rule={"kind": "members_under", "under": world.commune_b.pk},
            actor=None,
        )
    assert "rule" in exc.value.message_dict
