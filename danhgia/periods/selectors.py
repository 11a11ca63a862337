"""Reads about periods and quota groups, filtered by the viewer's scope."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from danhgia.accounts.access import ancestor_paths, persons_visible_q
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.lib import dates
from danhgia.orgs.models import Unit, path_ids
from danhgia.people.models import QuotaGroup, QuotaGroupEntry
from danhgia.people.quota import parse_rule, rule_description
from danhgia.periods.models import Period, PeriodStatus, Phase
from danhgia.reviews.states import PhaseProgress, phase_progress

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User


def periods_visible_to(viewer: User | AnonymousUser) -> QuerySet[Period]:
    """Periods whose scope overlaps the viewer's (a cell secretary sees the province's period): in their scope, or
    covering a unit of it (Scope.overlaps, as one query)."""
    scope = scope_for(viewer, Perm.PERIODS_VIEW)
    above = {path for root in scope.roots for path in ancestor_paths(root)}
    return Period.objects.filter(scope.q("unit__path") | Q(unit__path__in=above))


def visible_periods(viewer: User | AnonymousUser) -> list[Period]:
    return list(periods_visible_to(viewer).select_related("unit"))


def phases_with_progress(
    period: Period, viewer: User | AnonymousUser, today: dt.date | None = None
) -> list[tuple[Phase, PhaseProgress]]:
    """The period's phases, each with its progress over the reviews in the viewer's view (reviews.states)."""
    from danhgia.reviews.selectors import state_counts

    today = today or dates.today()
    states = state_counts([period], viewer)[period.pk]
    return [(ph, phase_progress(ph, states, today)) for ph in period.phases.all()]


def open_phase_deadlines(viewer: User | AnonymousUser, today: dt.date | None = None) -> list[tuple[Period, Phase]]:
    """The running phases of the open periods the viewer takes part in, by deadline: in their dates, or begun
    before them (meetings held early make the meeting step today's work)."""
    from danhgia.reviews.selectors import state_counts

    today = today or dates.today()
    periods = [p for p in visible_periods(viewer) if p.status == PeriodStatus.OPEN]
    phases = Phase.objects.filter(period__in=periods, deadline__gte=today, done_on__isnull=True)
    by_id = {p.pk: p for p in periods}
    states = state_counts(periods, viewer) if periods else {}
    running = [ph for ph in phases if phase_progress(ph, states[ph.period_id], today).status == "running"]
    return sorted(((by_id[ph.period_id], ph) for ph in running), key=lambda pair: pair[1].deadline)


def groups_of(period: Period, viewer: User | AnonymousUser) -> QuerySet[QuotaGroup]:
    """The period's quota groups in the viewer's view (overlapping scope), with their sizes."""
    scope = scope_for(viewer, Perm.PERIODS_VIEW)
    groups = QuotaGroup.objects.filter(period=period).select_related("unit")
    if not scope.everything:
        # Groups inside the viewer's scope, and those defined above it (province-wide groups seen from a commune).
        above = {i for root in scope.roots for i in path_ids(root)}
        groups = groups.filter(scope.q("unit__path") | Q(unit_id__in=above))
    return groups.annotate(size=Count("entries")).order_by("unit__path", "name")


def entries_of(group: QuotaGroup, viewer: User | AnonymousUser) -> QuerySet[QuotaGroupEntry]:
    """The group's subjects the viewer may name: persons as `persons_visible_q` says (a member sees themselves, a
    cell secretary their cell, the Front nobody), units in their `orgs:view` scope. Everyone who sees the group
    reads its size (`group.entries.count()`); only these rows are listed."""
    visible = persons_visible_q(viewer, "person") & Q(person__isnull=False)
    visible |= scope_for(viewer, Perm.ORGS_VIEW).q("unit__path") & Q(unit__isnull=False)
    return (
        QuotaGroupEntry.objects.filter(group=group)
        .filter(visible)
        .select_related("person", "unit", "unit__parent")
        .order_by("person__sort_key", "unit__sort_key", "id")
    )


def rule_text(group: QuotaGroup) -> str:
    """The group's filling rule as a Vietnamese sentence."""
    rule = parse_rule(group.rule)
    units = {u.pk: u for u in Unit.objects.filter(pk=rule.under)} if rule.under else {}
    return rule_description(rule, units)
