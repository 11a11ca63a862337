"""access_* helpers: the only way views fetch guarded rows.

This module holds the generic machinery (the refusal and its audit) and the guards of the rows every app shares:
units, persons, periods, quota groups. Each app guards its own rows in its own access module (reviews/access.py,
documents/access.py) on top of it; accounts imports none of them.

Each returns the row or refuses. A row outside the user's scope answers 404, so that its existence
does not leak; a row the user may see but not change answers 403. Every refusal is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import Scope, scope_for
from danhgia.audit.models import Action
from danhgia.audit.services import record
from danhgia.orgs.models import SEGMENT, Unit
from danhgia.people.models import Membership, Person, Post, QuotaGroup
from danhgia.periods.models import Period

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db import models

    from danhgia.accounts.models import User

    AnyUser = User | AnonymousUser


def refuse(user: AnyUser, target: models.Model | None, *, scope_path: str = "", not_found: bool) -> NoReturn:
    record(
        actor=user if user.is_authenticated else None,
        action=Action.ACCESS_DENIED,
        target=target,
        scope_path=scope_path,
        label=f"{target._meta.verbose_name}: {target}" if target is not None else "",
    )
    if not_found:
        raise Http404("Không tìm thấy hoặc không thuộc phạm vi của bạn.")
    raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")


def access_unit(user: AnyUser, unit_id: int, *, for_write: bool = False) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Không tìm thấy tổ chức.")
    if not scope_for(user, Perm.ORGS_VIEW).contains(unit.path):
        refuse(user, unit, scope_path=unit.path, not_found=True)
    if for_write and not scope_for(user, Perm.ORGS_EDIT).contains(unit.path):
        refuse(user, unit, scope_path=unit.path, not_found=False)
    return unit


def person_in_scope_q(scope_q_membership: Q, scope_q_post: Q) -> Q:
    """Persons with a membership (current or past) or a post in a unit matched by the given filters."""
    return Q(
        Exists(Membership.objects.filter(scope_q_membership, member__person=OuterRef("pk")))
        | Exists(Post.objects.filter(scope_q_post, person=OuterRef("pk")))
    )


def persons_visible_q(user: AnyUser, field: str = "pk") -> Q:
    """Rows whose person (`field`, a person id) the user may name: the persons of their `people:view` scope, as
    `access_person` lets them open, and the user themselves. This is whose names a list shows (docs/permissions.md);
    a list's other rows are counted, not named."""
    own = getattr(user, "person_id", None) if user.is_authenticated else None
    mine = Q(**{field: own}) if own else Q(pk__in=[])
    scope = scope_for(user, Perm.PEOPLE_VIEW)
    if scope.everything:
        return Q()
    if scope.empty:
        return mine
    unit_q = scope.q("unit__path")
    ref = OuterRef(field)
    return mine | Q(
        Exists(Membership.objects.filter(unit_q, member__person=ref)) | Exists(Post.objects.filter(unit_q, person=ref))
    )


def visible_person_ids(user: AnyUser, person_ids: set[int]) -> set[int]:
    """Those of `person_ids` whose names the user may read (persons_visible_q), in one query."""
    if not person_ids:
        return set()
    return set(Person.objects.filter(pk__in=person_ids).filter(persons_visible_q(user)).values_list("pk", flat=True))


def _person_in(scope: Scope, person: Person) -> bool:
    if scope.empty:
        return False
    if scope.everything:
        return True
    unit_q = scope.q("unit__path")
    return Person.objects.filter(pk=person.pk).filter(person_in_scope_q(unit_q, unit_q)).exists()


def access_person(user: AnyUser, person_id: int, *, for_write: bool = False) -> Person:
    """A person file: in scope through any membership or post in scope; a member always sees their own."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("Không tìm thấy cá nhân.")
    own = user.is_authenticated and getattr(user, "person_id", None) == person.pk
    visible = own or _person_in(scope_for(user, Perm.PEOPLE_VIEW), person)
    if visible and (not for_write or _person_in(scope_for(user, Perm.PEOPLE_EDIT), person)):
        return person
    home = Membership.objects.filter(member__person=person).select_related("unit").order_by("-valid_from").first()
    refuse(user, person, scope_path=home.unit.path if home else "", not_found=not visible)


def access_period(user: AnyUser, period_id: int, *, for_write: bool = False) -> Period:
    """A period is visible wherever its scope and the user's overlap (a cell sees its province's period)."""
    period = Period.objects.select_related("unit").filter(pk=period_id).first()
    if period is None:
        raise Http404("Không tìm thấy kỳ đánh giá.")
    if not scope_for(user, Perm.PERIODS_VIEW).overlaps(period.unit.path):
        refuse(user, period, scope_path=period.unit.path, not_found=True)
    if for_write and not scope_for(user, Perm.PERIODS_MANAGE).contains(period.unit.path):
        refuse(user, period, scope_path=period.unit.path, not_found=False)
    return period


def quota_change_scope(user: AnyUser, period: Period) -> Scope:
    """Where `user` may create and change the quota groups of `period`.

    While the period is being prepared, whoever manages quotas in a unit lays out its groups (a commune committee
    for its commune). Once it is open, the groups are the frame of the decisions and only the officer who owns the
    period's rules (periods:manage over the period's whole unit) changes them: a decider who could reshape or delete
    the group they decide in could lift its 20 % cap (QĐ 366 Art. 11 §1.5). A closed period is not changed."""
    from danhgia.periods.models import PeriodStatus

    if period.status == PeriodStatus.DRAFT:
        return scope_for(user, Perm.QUOTAS_MANAGE)
    if period.status == PeriodStatus.OPEN:
        owner = scope_for(user, Perm.PERIODS_MANAGE)
        return owner if owner.contains(period.unit.path) else Scope()
    return Scope()


def access_quota_group(user: AnyUser, group_id: int, *, for_write: bool = False) -> QuotaGroup:
    group = QuotaGroup.objects.select_related("unit", "period", "period__unit").filter(pk=group_id).first()
    if group is None:
        raise Http404("Không tìm thấy nhóm.")
    if not scope_for(user, Perm.PERIODS_VIEW).overlaps(group.unit.path):
        refuse(user, group, scope_path=group.unit.path, not_found=True)
    if for_write and not quota_change_scope(user, group.period).contains(group.unit.path):
        refuse(user, group, scope_path=group.unit.path, not_found=False)
    return group


def require_perm(user: AnyUser, perm: Perm) -> None:
    """For pages that list within the user's scope: the user must hold `perm` somewhere."""
    if scope_for(user, perm).empty:
        refuse(user, None, not_found=False)


def ancestor_paths(path: str) -> list[str]:
    """The paths of a unit and of every unit above it."""
    return [path[:end] for end in range(SEGMENT, len(path) + 1, SEGMENT)]


def access_report(user: AnyUser, *, unit_id: int | None, period_id: int | None) -> tuple[Unit, Period | None]:
    """What a report is about: a unit in the viewer's review scope (by default the top of that scope) and a period
    that covers it (by default the latest one; None when the unit has none yet).

    Reports show review results, so they follow `reviews:view`: a cell secretary sees their cell's report, an
    officer any unit of the province; a member or the Front sees none.
    """
    scope = scope_for(user, Perm.REVIEWS_VIEW)
    if scope.empty:
        refuse(user, None, not_found=False)
    if unit_id is None:
        top = (
            Unit.objects.filter(parent__isnull=True) if scope.everything else Unit.objects.filter(path__in=scope.roots)
        )
        unit = top.order_by("path").first()
        if unit is None:
            raise Http404("Chưa có tổ chức nào.")
    else:
        found = Unit.objects.filter(pk=unit_id).first()
        if found is None:
            raise Http404("Không tìm thấy tổ chức.")
        if not scope.contains(found.path):
            refuse(user, found, scope_path=found.path, not_found=True)
        unit = found
    covering = Period.objects.select_related("unit").filter(unit__path__in=ancestor_paths(unit.path))
    if period_id is None:
        return unit, covering.order_by("-year", "-ends_on", "-pk").first()
    period = covering.filter(pk=period_id).first()
    if period is None:
        raise Http404("Kỳ đánh giá này không áp dụng cho tổ chức đã chọn.")
    return unit, period
