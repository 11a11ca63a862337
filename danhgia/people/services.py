"""Writes about people: persons, party membership and its history, posts."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from danhgia.audit.models import Action
from danhgia.audit.services import record, snapshot
from danhgia.lib.dates import check_days, today
from danhgia.lib.text import clean_name
from danhgia.orgs.models import CELL_KINDS, Unit
from danhgia.people.models import (
    PRESENT_STATUSES,
    Membership,
    MemberStatus,
    PartyMember,
    Person,
    Post,
    PostRole,
)

if TYPE_CHECKING:
    from danhgia.accounts.models import User

PERSON_FIELDS = [
    "family_name", "middle_name", "given_name", "birth_date", "gender", "ethnicity", "national_id", "civil_servant",
]  # fmt: skip


def _clean_person(person: Person) -> None:
    person.family_name = clean_name(person.family_name)
    person.middle_name = clean_name(person.middle_name)
    person.given_name = clean_name(person.given_name)
    person.national_id = (person.national_id or "").strip() or None
    if person.national_id is not None and not re.fullmatch(r"[0-9]{12}", person.national_id):
        raise ValidationError({"national_id": "Số định danh cá nhân gồm đúng 12 chữ số."})
    check_days(birth_date=("Ngày sinh", person.birth_date))
    if person.birth_date and person.birth_date > today():
        raise ValidationError({"birth_date": "Ngày sinh không thể sau ngày hôm nay."})
    person.refresh_derived()
    person.full_clean()


def _home_unit(person: Person) -> Unit | None:
    membership = Membership.objects.filter(member__person=person).select_related("unit").order_by("-valid_from").first()
    return membership.unit if membership else None


@transaction.atomic
def person_create(
    *,
    family_name: str,
    given_name: str,
    gender: str,
    actor: User | None,
    middle_name: str = "",
    birth_date: dt.date | None = None,
    ethnicity: str = "Kinh",
    national_id: str | None = None,
    civil_servant: str = "",
) -> Person:
    person = Person(
        family_name=family_name,
        middle_name=middle_name,
        given_name=given_name,
        gender=gender,
        birth_date=birth_date,
        ethnicity=ethnicity,
        national_id=national_id,
        civil_servant=civil_servant,
    )
    _clean_person(person)
    person.save()
    record(actor=actor, action=Action.PERSON_CREATED, target=person, new=snapshot(person, PERSON_FIELDS))
    return person


@transaction.atomic
def person_update(*, person: Person, actor: User | None, **fields: object) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    old = snapshot(person, PERSON_FIELDS)
    for name, value in fields.items():
        setattr(person, name, value)
    _clean_person(person)
    person.save()
    new = snapshot(person, PERSON_FIELDS)
    if new != old:
        home = _home_unit(person)
        record(actor=actor, action=Action.PERSON_UPDATED, target=person, unit=home, old=old, new=new)
    return person


def _require_cell(unit: Unit, field: str) -> None:
    if unit.kind not in CELL_KINDS:
        raise ValidationError({field: f"«{unit.name}» không phải là chi bộ: đảng viên sinh hoạt tại chi bộ."})
    if unit.dissolved_on is not None:
        raise ValidationError({field: f"«{unit.name}» đã giải thể, sáp nhập."})


@transaction.atomic
def member_admit(
    *,
    person: Person,
    cell: Unit,
    admitted_on: dt.date,
    actor: User | None,
    official_on: dt.date | None = None,
    card_number: str | None = None,
) -> PartyMember:
    """Record a party member (a new admission, or an existing member entered into the system)."""
    _require_cell(cell, "cell")
    if PartyMember.objects.filter(person=person).exists():
        raise ValidationError({"person": f"{person} đã có hồ sơ đảng viên."})
    check_days(admitted_on=("Ngày vào Đảng", admitted_on), official_on=("Ngày chính thức", official_on))
    if admitted_on > today():
        raise ValidationError({"admitted_on": "Ngày vào Đảng không thể sau ngày hôm nay."})
    if official_on is not None and official_on < admitted_on:
        raise ValidationError({"official_on": "Ngày chính thức không thể trước ngày vào Đảng."})
    member = PartyMember(
        person=person, admitted_on=admitted_on, official_on=official_on, card_number=card_number or None
    )
    member.full_clean()
    member.save()
    Membership.objects.create(member=member, unit=cell, status=MemberStatus.ACTIVE, valid_from=admitted_on)
    record(
        actor=actor,
        action=Action.MEMBER_ADMITTED,
        target=person,
        unit=cell,
        new={"cell": cell.pk, "admitted_on": admitted_on, "official_on": official_on},
    )
    return member


@transaction.atomic
def member_recognise(*, member: PartyMember, official_on: dt.date, actor: User | None) -> PartyMember:
    """Recognise a probationary member as official (công nhận đảng viên chính thức)."""
    if member.official_on is not None:
        raise ValidationError({"official_on": f"{member} đã là đảng viên chính thức từ {member.official_on:%d/%m/%Y}."})
    check_days(official_on=("Ngày chính thức", official_on))
    if official_on < member.admitted_on:
        raise ValidationError({"official_on": "Ngày chính thức không thể trước ngày vào Đảng."})
    member.official_on = official_on
    member.save(update_fields=["official_on"])
    current = current_membership(member)
    record(
        actor=actor,
        action=Action.MEMBER_RECOGNISED,
        target=member.person,
        unit=current.unit if current else None,
        old={"official_on": None},
        new={"official_on": official_on},
    )
    return member


@transaction.atomic
def member_correct(
    *,
    member: PartyMember,
    actor: User | None,
    admitted_on: dt.date | None = None,
    official_on: dt.date | None = None,
    card_number: str | None = None,
) -> PartyMember:
    """Correct the party record's dates or card number as the archive has them (an import, a typing mistake)."""
    old = snapshot(member, ["admitted_on", "official_on", "card_number"])
    if admitted_on is not None:
        member.admitted_on = admitted_on
    if official_on is not None:
        member.official_on = official_on
    if card_number is not None:
        member.card_number = card_number.strip() or None
    if member.admitted_on > today():
        raise ValidationError({"admitted_on": "Ngày vào Đảng không thể sau ngày hôm nay."})
    if member.official_on is not None and member.official_on < member.admitted_on:
        raise ValidationError({"official_on": "Ngày chính thức không thể trước ngày vào Đảng."})
    member.full_clean()
    member.save()
    new = snapshot(member, ["admitted_on", "official_on", "card_number"])
    if new != old:
        home = _home_unit(member.person)
        record(actor=actor, action=Action.MEMBER_CORRECTED, target=member.person, unit=home, old=old, new=new)
    return member


def current_membership(member: PartyMember) -> Membership | None:
    return Membership.objects.select_related("unit").filter(member=member, valid_to__isnull=True).first()


def _lock_current(member: PartyMember, field: str) -> Membership:
    """The member's current stay, locked, if the member is still on a cell's roll."""
    current = (
        Membership.objects.select_for_update()
        .select_related("unit")
        .filter(member=member, valid_to__isnull=True)
        .first()
    )
    if current is None:
        raise ValidationError({field: f"{member} không có quá trình sinh hoạt hiện tại."})
    if current.status not in PRESENT_STATUSES:
        raise ValidationError({field: f"{member}: {current.get_status_display().lower()}."})
    return current


def _reopen(current: Membership, *, on: dt.date, unit: Unit, status: str, note: str) -> Membership:
    """Close the current stay on `on` and open the next one from that day."""
    if on <= current.valid_from:
        raise ValidationError(
            {"on": f"Ngày hiệu lực phải sau ngày {current.valid_from:%d/%m/%Y} (bắt đầu quá trình hiện tại)."}
        )
    current.valid_to = on
    current.save(update_fields=["valid_to"])
    return Membership.objects.create(member=current.member, unit=unit, status=status, valid_from=on, note=note[:200])


@transaction.atomic
def member_transfer(
    *, member: PartyMember, to_cell: Unit, on: dt.date, actor: User | None, note: str = ""
) -> Membership:
    """Move a member to another cell. The old stay is closed, not rewritten: past periods still see it."""
    _require_cell(to_cell, "to_cell")
    check_days(on=("Ngày chuyển sinh hoạt", on))
    current = _lock_current(member, "to_cell")
    if current.unit_id == to_cell.pk:
        raise ValidationError({"to_cell": f"{member} đang sinh hoạt tại «{to_cell.name}»."})
    old_cell = current.unit
    opened = _reopen(current, on=on, unit=to_cell, status=current.status, note=note)
    old = {"cell": old_cell.pk, "cell_name": old_cell.name}
    new = {"cell": to_cell.pk, "cell_name": to_cell.name, "on": on}
    # Both cells see the event: the one the member joined and the one they left.
    for unit in (to_cell, old_cell):
        record(actor=actor, action=Action.MEMBER_TRANSFERRED, target=member.person, unit=unit, old=old, new=new)
    return opened


@transaction.atomic
def member_set_status(
    *, member: PartyMember, status: str, on: dt.date, actor: User | None, note: str = ""
) -> Membership:
    """Exempt, suspend, reinstate, or record that a member transferred out or left the Party."""
    if status not in MemberStatus.values:
        raise ValidationError({"status": "Trạng thái không hợp lệ."})
    check_days(on=("Từ ngày", on))
    current = _lock_current(member, "status")
    if current.status == status:
        raise ValidationError({"status": f"{member} đã ở trạng thái «{current.get_status_display()}»."})
    old_status = current.status
    opened = _reopen(current, on=on, unit=current.unit, status=status, note=note)
    record(
        actor=actor,
        action=Action.MEMBER_STATUS_CHANGED,
        target=member.person,
        unit=current.unit,
        old={"status": old_status},
        new={"status": status, "on": on, "note": note},
    )
    return opened


POST_FIELDS = ["person", "unit", "title", "role", "is_leader", "in_collective", "starts_on", "ends_on"]


@transaction.atomic
def post_assign(
    *,
    person: Person,
    unit: Unit,
    title: str,
    role: str,
    starts_on: dt.date,
    actor: User | None,
    is_leader: bool = False,
    in_collective: bool = False,
) -> Post:
    check_days(starts_on=("Từ ngày", starts_on))
    if role == PostRole.HEAD:
        head = Post.objects.select_for_update().filter(unit=unit, role=PostRole.HEAD, ends_on__isnull=True).first()
        if head is not None:
            raise ValidationError(
                {
                    "role": f"«{unit.name}» đã có người đứng đầu ({head.person}, {head.title}): "
                    "hãy cho thôi chức vụ trước."
                }
            )
    post = Post(
        person=person,
        unit=unit,
        title=clean_name(title),
        role=role,
        is_leader=is_leader,
        in_collective=in_collective,
        starts_on=starts_on,
    )
    post.full_clean(validate_constraints=False)
    post.save()
    record(actor=actor, action=Action.POST_ASSIGNED, target=person, unit=unit, new=snapshot(post, POST_FIELDS))
    return post


@transaction.atomic
def post_end(*, post: Post, ends_on: dt.date, actor: User | None) -> Post:
    if post.ends_on is not None:
        raise ValidationError({"ends_on": "Chức vụ này đã kết thúc."})
    check_days(ends_on=("Ngày thôi giữ chức vụ", ends_on))
    if ends_on <= post.starts_on:
        raise ValidationError({"ends_on": f"Ngày thôi giữ chức vụ phải sau ngày {post.starts_on:%d/%m/%Y}."})
    post.ends_on = ends_on
    post.save(update_fields=["ends_on"])
    record(
        actor=actor, action=Action.POST_ENDED, target=post.person, unit=post.unit,
        old={"post": post.pk, "ends_on": None}, new={"post": post.pk, "title": post.title, "ends_on": ends_on},
    )  # fmt: skip
    return post


@transaction.atomic
def post_correct(
    *,
    post: Post,
    actor: User | None,
    role: str | None = None,
    is_leader: bool | None = None,
    in_collective: bool | None = None,
) -> Post:
    """Correct what a post is (its role, whether it is a leader's, whether it sits in the collective) as the
    records have it (an import, a typing mistake); who, where and when stay: another post is another row."""
    old = snapshot(post, ["role", "is_leader", "in_collective"])
    if role is not None and role != post.role:
        if role == PostRole.HEAD and post.ends_on is None:
            head = (
                Post.objects.select_for_update()
                .filter(unit=post.unit_id, role=PostRole.HEAD, ends_on__isnull=True)
                .exclude(pk=post.pk)
                .first()
            )
            if head is not None:
                raise ValidationError(
                    {"role": f"«{post.unit.name}» đã có người đứng đầu ({head.person}, {head.title})."}
                )
        post.role = role
    if is_leader is not None:
        post.is_leader = is_leader
    if in_collective is not None:
        post.in_collective = in_collective
    post.full_clean(validate_constraints=False)
    new = snapshot(post, ["role", "is_leader", "in_collective"])
    if new != old:
        post.save(update_fields=["role", "is_leader", "in_collective"])
        record(
            actor=actor, action=Action.POST_CORRECTED, target=post.person, unit=post.unit,
            old={"post": post.pk, **old}, new={"post": post.pk, **new},
        )  # fmt: skip
    return post
