import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from danhgia.audit.models import Action, AuditEvent
from danhgia.people.models import Membership, MemberStatus, PartyMember, Person, Post
from danhgia.people.selectors import members_of
from danhgia.people.services import (
    member_admit,
    member_recognise,
    member_set_status,
    member_transfer,
    person_create,
    post_assign,
    post_end,
)


def test_person_gets_vietnamese_sort_key_and_folded_search_text(db):
    person = person_create(family_name=" Đặng ", middle_name="Thị", given_name="Ánh", gender="nu", actor=None)
    assert person.full_name == "Đặng Thị Ánh"
    assert person.search_text == " dang thi anh"
    assert person.sort_key.isdigit()


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"national_id": "12345"}, "national_id", "12 chữ số"),
        ({"birth_date": dt.date.today() + dt.timedelta(days=2)}, "birth_date", "sau ngày hôm nay"),
        ({"given_name": "  "}, "given_name", ""),
        ({"gender": "x"}, "gender", ""),
    ],
)
def test_bad_person_input_names_the_field_and_changes_nothing(db, fields, field, fragment):
    data = {"family_name": "Lê", "given_name": "Hoa", "gender": "nu", **fields}
    with pytest.raises(ValidationError) as exc:
        person_create(actor=None, **data)
    assert field in exc.value.message_dict
    assert fragment in " ".join(exc.value.message_dict[field])
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_national_id_is_optional_but_unique(db):
    person_create(family_name="Lê", given_name="Hoa", gender="nu", actor=None)
    person_create(family_name="Lê", given_name="Mai", gender="nu", actor=None)
    person_create(family_name="Lê", given_name="Lan", gender="nu", national_id="017185000001", actor=None)
    with pytest.raises(ValidationError) as exc:
        person_create(family_name="Lê", given_name="Cúc", gender="nu", national_id="017185000001", actor=None)
    assert "national_id" in exc.value.message_dict


def test_admission_opens_a_stay_in_a_cell_only(world):
    person = person_create(family_name="Vũ", given_name="Hải", gender="nam", actor=None)
    with pytest.raises(ValidationError) as exc:
        member_admit(person=person, cell=world.commune_a, admitted_on=dt.date(2025, 3, 1), actor=None)
    assert "không phải là chi bộ" in exc.value.message_dict["cell"][0]
    member = member_admit(person=person, cell=world.cell_a2, admitted_on=dt.date(2025, 3, 1), actor=None)
    assert member.official_on is None  # probationary
    assert Membership.objects.get(member=member).valid_to is None
    member_recognise(member=member, official_on=dt.date(2026, 3, 1), actor=None)
    assert PartyMember.objects.get(pk=member.pk).official_on == dt.date(2026, 3, 1)


def test_transfer_keeps_the_member_in_the_old_cell_for_past_periods(world):
    member = world.people["binh"].party_member
    member_transfer(member=member, to_cell=world.cell_b1, on=dt.date(2024, 6, 1), actor=world.users["officer"])
    now_a1 = [m.member_id for m in members_of(world.cell_a1)]
    end_2023_a1 = [m.member_id for m in members_of(world.cell_a1, on=dt.date(2023, 12, 31))]
    assert member.pk not in now_a1
    assert member.pk in end_2023_a1
    assert member.pk in [m.member_id for m in members_of(world.cell_b1)]
    stays = list(Membership.objects.filter(member=member).order_by("valid_from"))
    assert [(s.unit_id, s.valid_to) for s in stays] == [
        (world.cell_a1.pk, dt.date(2024, 6, 1)),
        (world.cell_b1.pk, None),
    ]
    # Both cells' audit trails see the move.
    paths = set(AuditEvent.objects.filter(action=Action.MEMBER_TRANSFERRED).values_list("scope_path", flat=True))
    assert paths == {world.cell_a1.path, world.cell_b1.path}


def test_transfer_dated_before_the_current_stay_is_refused_and_changes_nothing(world):
    member = world.people["binh"].party_member
    with pytest.raises(ValidationError) as exc:
        member_transfer(member=member, to_cell=world.cell_b1, on=dt.date(2009, 1, 1), actor=None)
    assert "on" in exc.value.message_dict
    assert Membership.objects.filter(member=member).count() == 1


def test_exemption_is_a_new_stay_and_the_member_leaves_the_active_list(world):
    member = world.people["binh"].party_member
    member_set_status(member=member, status=MemberStatus.EXEMPT, on=dt.date(2025, 1, 1), note="Tuổi cao", actor=None)
    assert member.pk not in [m.member_id for m in members_of(world.cell_a1, statuses=("active",))]
    assert member.pk in [m.member_id for m in members_of(world.cell_a1)]  # still present on the roll
    with pytest.raises(ValidationError, match="đã ở trạng thái"):
        member_set_status(member=member, status=MemberStatus.EXEMPT, on=dt.date(2025, 6, 1), actor=None)


def test_a_member_who_left_cannot_be_transferred(world):
    member = world.people["binh"].party_member
    member_set_status(member=member, status=MemberStatus.LEFT, on=dt.date(2025, 1, 1), actor=None)
    with pytest.raises(ValidationError):
        member_transfer(member=member, to_cell=world.cell_b1, on=dt.date(2025, 6, 1), actor=None)


def test_a_unit_has_one_current_head(world):
    with pytest.raises(ValidationError) as exc:
        post_assign(
            person=world.people["dang"],
            unit=world.cell_a1,
            title="Bí thư",
            role="head",
            starts_on=dt.date(2024, 1, 1),
            actor=None,
        )
    assert "đã có người đứng đầu" in exc.value.message_dict["role"][0]
    old = Post.objects.get(unit=world.cell_a1, role="head")
    post_end(post=old, ends_on=dt.date(2024, 1, 1), actor=None)
    post_assign(
        person=world.people["dang"],
        unit=world.cell_a1,
        title="Bí thư",
        role="head",
        starts_on=dt.date(2024, 1, 1),
        actor=None,
    )
    assert Post.objects.filter(unit=world.cell_a1, role="head").count() == 2  # history kept


def test_several_posts_at_once(world):
    titles = set(
        Post.objects.filter(person=world.people["cuong"], ends_on__isnull=True).values_list("title", flat=True)
    )
    assert titles == {"Bí thư Đảng ủy xã An Lạc", "Chủ tịch UBND xã"}


def test_a_failed_service_writes_no_audit_event(world):
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        member_transfer(
            member=world.people["binh"].party_member, to_cell=world.commune_b, on=dt.date(2025, 1, 1), actor=None
        )
    assert AuditEvent.objects.count() == count
