"""Reads of the review workflow, always through the viewer's scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from danhgia.accounts.access import ancestor_paths, visible_person_ids
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.audit.models import Action, AuditEvent
from danhgia.lib import dates
from danhgia.orgs.models import Unit, UnitKind, subtree_q
from danhgia.people.models import Membership, MemberStatus
from danhgia.periods.models import Period
from danhgia.reviews.models import (
    OUT_OF_SCOPE_NAME,
    Complaint,
    CriteriaTable,
    DecisionKind,
    Exclusion,
    Meeting,
    Notification,
    Review,
    ReviewState,
    Shortcoming,
    ShortcomingStatus,
)
from danhgia.reviews.states import DECIDABLE, OUT_OF_PERIOD, OVERDUE_STEPS, REACHED

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User

    AnyUser = User | AnonymousUser


def visible_reviews(period: Period, viewer: AnyUser) -> QuerySet[Review]:
    """Reviews of the period the viewer may see: in their review scope, or decided by a committee in their scope."""
    view = scope_for(viewer, Perm.REVIEWS_VIEW)
    decide = scope_for(viewer, Perm.REVIEWS_DECIDE)
    if view.everything or decide.everything:
        return Review.objects.filter(period=period)
    return Review.objects.filter(period=period).filter(view.q("context__path") | decide.q("authority__path"))


def state_counts(periods: list[Period], viewer: AnyUser) -> dict[int, dict[str, int]]:
    """period id → how many of its reviews in the viewer's view (as visible_reviews) are in each state: what a
    phase's progress is read from (states.phase_progress). One query for all the periods."""
    view = scope_for(viewer, Perm.REVIEWS_VIEW)
    decide = scope_for(viewer, Perm.REVIEWS_DECIDE)
    rows = Review.objects.filter(period__in=periods)
    if not (view.everything or decide.everything):
        rows = rows.filter(view.q("context__path") | decide.q("authority__path"))
    counts: dict[int, dict[str, int]] = {p.pk: {} for p in periods}
    for period_id, state, n in rows.values_list("period_id", "state").annotate(n=Count("id")).order_by():
        counts[period_id][state] = n
    return counts


# Where a period can be opened one part at a time: the committees down to the grassroots level (a cell inside a
# grassroots organization is opened with it, never on its own).
OPENABLE_KINDS = (
    UnitKind.PROVINCE_COMMITTEE,
    UnitKind.DISTRICT_COMMITTEE,
    UnitKind.BLOC_COMMITTEE,
    UnitKind.COMMUNE_COMMITTEE,
)


def openable_units(period: Period, viewer: AnyUser) -> list[Unit]:
    """The parts of the period the viewer may open: committees down to the grassroots level, in their scope."""
    manage = scope_for(viewer, Perm.PERIODS_MANAGE)
    if manage.empty:
        return []
    return list(
        Unit.objects.filter(subtree_q(period.unit.path), manage.q(), dissolved_on__isnull=True)
        .filter(Q(kind__in=OPENABLE_KINDS) | Q(is_grassroots=True) | Q(pk=period.unit_id))
        .only("id", "name", "path", "kind")
        .order_by("path")
    )


def opened_in(period: Period, unit: Unit) -> bool:
    """Whether the period's reviews have been drawn up in this part (any review held inside it)."""
    return Review.objects.filter(period=period).filter(subtree_q(unit.path, "context__path")).exists()


def progress(period: Period, viewer: AnyUser) -> dict[str, int]:
    """How many reviews are in each state, in the viewer's scope."""
    counts = dict(visible_reviews(period, viewer).values("state").annotate(n=Count("id")).values_list("state", "n"))
    return {state: counts.get(state, 0) for state in ReviewState.values}


def context_progress(period: Period, viewer: AnyUser) -> QuerySet[Any, Any]:
    """Per place of review (a cell or a body), how many reviews are in each state, in the viewer's scope."""
    by_state = {f"n_{state}": Count("id", filter=Q(state=state)) for state in ReviewState.values}
    return (
        visible_reviews(period, viewer)
        .values("context_id", "context__name", "context__path")
        .annotate(total=Count("id"), **by_state)
        .order_by("context__path")
    )


def unit_reviews(period: Period, unit: Unit) -> list[Review]:
    """The reviews held in a unit (its members, and the unit itself): the meeting's agenda."""
    reviews = list(
        Review.objects.filter(period=period, context=unit)
        .select_related("person", "unit", "decision", "proposal")
        .order_by("kind", "person__sort_key", "unit__sort_key")
    )
    for review in reviews:
        review.context = unit  # known: what the rows' rights are read from (access.ReviewRights), without a query each
    return reviews


@dataclass
class Omission:
    who: str
    unit: str
    what: str
    review_id: int | None = None


# phase code → states still counted as late once the phase's deadline has passed (those not yet through it)
LATE = {code: set(ReviewState.values) - REACHED[code] - OUT_OF_PERIOD for code in sorted(OVERDUE_STEPS)}


def omissions(period: Period, viewer: AnyUser, today: dt.date | None = None, limit: int = 500) -> list[Omission]:
    """Members in scope with no review (nor a recorded reason), and reviews late for a phase already due."""
    today = today or dates.today()
    view = scope_for(viewer, Perm.REVIEWS_VIEW)
    found: list[Omission] = []
    if period.reviews.exists():
        missing = (
            Membership.objects.filter(view.q("unit__path"), valid_to__isnull=True, status=MemberStatus.ACTIVE)
            .filter(subtree_q(period.unit.path, "unit__path"))
            .exclude(Exists(Review.objects.filter(period=period, person_id=OuterRef("member__person_id"))))
            .exclude(Exists(Exclusion.objects.filter(period=period, person_id=OuterRef("member__person_id"))))
            .select_related("member__person", "unit")[:limit]
        )
        found += [Omission(str(m.member.person), m.unit.name, "Chưa có bản kiểm điểm trong kỳ") for m in missing]
    due = {ph.code: ph for ph in period.phases.filter(deadline__lt=today, code__in=list(LATE))}
    for code, phase in due.items():
        late = visible_reviews(period, viewer).filter(state__in=LATE[code]).select_related("person", "unit", "context")
        for review in late[:limit]:
            found.append(
                Omission(
                    review.subject_name,
                    review.context.name,
                    f"Quá hạn «{phase.name}» ({phase.deadline:%d/%m/%Y})",
                    review.pk,
                )
            )
    return found


def exclusions(period: Period, viewer: AnyUser) -> QuerySet[Exclusion]:
    return (
        Exclusion.objects.filter(period=period)
        .filter(scope_for(viewer, Perm.REVIEWS_VIEW).q("unit__path"))
        .select_related("person", "unit")
        .order_by("unit__path", "person__sort_key")
    )


def unproposed(period: Period, viewer: AnyUser, limit: int = 500) -> list[Review]:
    """Reviews decided without a passed proposal (stuck.py), in the viewer's scope: not omissions, said apart."""
    return list(
        visible_reviews(period, viewer)
        .filter(decision__kind=DecisionKind.UNPROPOSED)
        .select_related("person", "unit", "context", "decision")
        .order_by("context__path", "person__sort_key")[:limit]
    )


def decision_groups(period: Period, viewer: AnyUser) -> list[dict[str, Any]]:
    """The quota groups with reviews the viewer decides, with how many are ready and how many decided."""
    decide = scope_for(viewer, Perm.REVIEWS_DECIDE)
    rows = (
        Review.objects.filter(period=period)
        .filter(decide.q("authority__path"))
        .exclude(state__in=OUT_OF_PERIOD)  # not rated in the period: nothing left to decide
        .values("quota_group_id", "quota_group__name", "authority__name")
        .annotate(
            total=Count("id"),
            ready=Count("id", filter=Q(state__in=DECIDABLE)),
            decided=Count("id", filter=Q(state=ReviewState.DECIDED)),
        )
        .order_by("authority__name", "quota_group__name")
    )
    return [dict(row) for row in rows]


def ungrouped_review_ids(period: Period, viewer: AnyUser) -> list[int]:
    """Reviews the viewer decides that belong to no quota group (decided without a quota)."""
    decide = scope_for(viewer, Perm.REVIEWS_DECIDE)
    if decide.empty:
        return []
    rows = Review.objects.filter(period=period, quota_group__isnull=True).filter(decide.q("authority__path"))
    return list(rows.exclude(state__in=OUT_OF_PERIOD).values_list("pk", flat=True))


def my_reviews(user: AnyUser) -> QuerySet[Review]:
    person_id = getattr(user, "person_id", None)
    if not person_id:
        return Review.objects.none()
    return Review.objects.filter(person_id=person_id, period__status="open").select_related(
        "period", "context", "decision"
    )


def shortcomings_of(review: Review) -> QuerySet[Shortcoming]:
    """The subject's shortcomings: earlier periods' open ones first, then this period's."""
    subject = Q(person_id=review.person_id) if review.person_id else Q(unit_id=review.unit_id)
    return Shortcoming.objects.filter(subject).select_related("review__period", "owner").order_by("deadline", "pk")


def open_shortcomings_before(review: Review) -> list[Shortcoming]:
    return [
        s
        for s in shortcomings_of(review)
        if s.review.period.ends_on < review.period.starts_on and s.status != ShortcomingStatus.REMEDIED
    ]


def complaints_for(period: Period, viewer: AnyUser) -> QuerySet[Complaint]:
    """Complaints the viewer handles (the committee above the deciding one is in their scope) or filed."""
    handle = scope_for(viewer, Perm.COMPLAINTS_HANDLE)
    filed = Q(filed_by=viewer) if getattr(viewer, "pk", None) else Q(pk__in=[])
    return (
        Complaint.objects.filter(review__period=period)
        .filter(handle.q("review__authority__parent__path") | filed)
        .select_related("review", "review__person", "review__unit", "decision")
        .order_by("-filed_at")
    )


def meeting_of(period: Period, unit: Unit) -> Meeting | None:
    return Meeting.objects.filter(period=period, unit=unit).first()


def exclusion_of(review: Review) -> Exclusion | None:
    """Why a review was taken out of the period, by whom (stuck.review_exclude)."""
    return Exclusion.objects.filter(review=review).select_related("decided_by").first()


def criteria_tables(period: Period) -> QuerySet[CriteriaTable]:
    """The province's loaded tables for the period's year, newest version first."""
    return CriteriaTable.objects.filter(province=period.unit, year=period.year).order_by("form_code", "-version")


def notifications_of(user: AnyUser) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user_id=user.pk)


def opinion_subjects(period: Period, unit: Unit, limit: int = 2000) -> list[Review]:
    """Reviews an evaluator group of the unit may be asked about: held in the unit or in the units just below."""
    return list(
        Review.objects.filter(period=period)
        .filter(Q(context=unit) | Q(context__parent=unit))
        .select_related("person", "unit", "context")
        .order_by("context__sort_key", "kind", "person__sort_key", "unit__sort_key")[:limit]
    )


def opinion_candidates(unit: Unit, limit: int = 1000) -> list[User]:
    """Accounts that may be asked for opinions by a unit: those with a role in its subtree (its own members and
    officers, whom its managers see) or a role other than a plain member's on the unit above (its secretary, the
    Front's representative). A plain member of elsewhere is not offered: their name is not the unit's to read."""
    from danhgia.accounts.models import Role, RoleAssignment, User

    above = Q(unit_id=unit.parent_id) & ~Q(role=Role.MEMBER) if unit.parent_id else Q(pk__in=[])
    roles = RoleAssignment.objects.filter(subtree_q(unit.path, "unit__path") | above)
    return list(
        User.objects.filter(is_active=True, pk__in=roles.values("user_id"))
        .select_related("person")
        .order_by("person__sort_key", "username")[:limit]
    )


@dataclass(frozen=True)
class GroupChange:
    """A change of a quota group, or of a subject's group, as the decision page shows it."""

    time: dt.datetime
    actor: str
    action: str
    text: str


GROUP_ACTIONS = (
    Action.QUOTA_GROUP_CREATED,
    Action.QUOTA_GROUP_FILLED,
    Action.QUOTA_GROUP_ENTRY_ADDED,
    Action.QUOTA_GROUP_ENTRY_REMOVED,
    Action.QUOTA_GROUP_UPDATED,
    Action.ADMIN_CHANGE,
)
CHANGES_SHOWN = 50


def _change_text(event: AuditEvent) -> str:
    old, new = event.old or {}, event.new or {}
    if event.action == Action.QUOTA_GROUP_ENTRY_ADDED:
        return str(new.get("label", ""))
    if event.action == Action.QUOTA_GROUP_ENTRY_REMOVED:
        return str(old.get("label", ""))
    if event.action == Action.QUOTA_GROUP_FILLED:
        return f"thêm {new.get('added', 0)}, bỏ {new.get('removed', 0)}, tổng {new.get('total', 0)}"
    if event.action == Action.QUOTA_GROUP_DELETED:
        return f"«{event.target_label}» ({old.get('entries', 0)} đối tượng)"
    if event.action in (Action.QUOTA_GROUP_UPDATED, Action.ADMIN_CHANGE):
        return "; ".join(f"{name}: {old.get(name)} → {value}" for name, value in new.items())
    return str(new.get("name", event.target_label))


def group_changes(
    period: Period, group: Any | None, reviews: list[Review], viewer: AnyUser
) -> tuple[list[GroupChange], int]:
    """What changed the frame of a decision page, newest first (at most CHANGES_SHOWN, and how many in all).

    A group's page lists the group's own audit events: created, filled by its rule, subjects added or taken out by
    hand, changed. The page of the subjects in no group lists how each of them left its group, and the groups of
    the period deleted: a review never falls out of every group unseen (a cap lifted by emptying a group)."""
    if group is not None:
        events = AuditEvent.objects.filter(
            target_type=group._meta.label_lower, target_id=str(group.pk), action__in=GROUP_ACTIONS
        )
    else:
        names = {str(r.pk): r.subject_name for r in reviews}
        left = Q(action=Action.REVIEW_REGROUPED, target_type=Review._meta.label_lower, target_id__in=list(names))
        left &= Q(new__group=None)  # out of every group
        # The groups deleted above these subjects (in the units they are reviewed in, or above them).
        places = {path for r in reviews for path in ancestor_paths(r.context.path)}
        deleted = Q(action=Action.QUOTA_GROUP_DELETED, old__period=period.pk, scope_path__in=places)
        events = AuditEvent.objects.filter(left | deleted)
    total = events.count()
    shown = list(events.order_by("-time", "-id")[:CHANGES_SHOWN])
    # A subject added or taken out by hand is named only to whom may see their name (docs/permissions.md).
    entries = {
        person
        for e in shown
        if e.action in (Action.QUOTA_GROUP_ENTRY_ADDED, Action.QUOTA_GROUP_ENTRY_REMOVED)
        and isinstance(person := (e.new or e.old or {}).get("person"), int)
    }
    visible = visible_person_ids(viewer, entries)
    changes = []
    for event in shown:
        if event.action == Action.REVIEW_REGROUPED:
            text = f"{names.get(event.target_id, event.target_label)} ra khỏi nhóm «{(event.old or {}).get('group')}»"
        elif (person := (event.new or event.old or {}).get("person")) in entries and person not in visible:
            text = str(OUT_OF_SCOPE_NAME)
        else:
            text = _change_text(event)
        changes.append(GroupChange(event.time, event.actor_name, event.action_label, text))
    return changes, total
