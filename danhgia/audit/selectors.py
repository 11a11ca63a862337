from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.audit.models import AuditEvent
from danhgia.lib.text import search_tokens

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from danhgia.accounts.models import User


def audit_events(
    viewer: User | AnonymousUser,
    *,
    action: int | None = None,
    actor: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events placed in the viewer's audit scope; events with no place (logins) only for the whole system.

    `actor` finds the username recorded, the account's name or its person's name.
    """
    scope = scope_for(viewer, Perm.AUDIT_VIEW)
    events = AuditEvent.objects.all() if scope.everything else AuditEvent.objects.filter(scope.q("scope_path"))
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(_actor_q(actor))
    if since:
        events = events.filter(time__date__gte=since)
    if until:
        events = events.filter(time__date__lte=until)
    return events.select_related("actor__person").order_by("-time", "-id")


def _actor_q(query: str) -> Q:
    """The recorded username, the account's name, or the words of its person's name (without diacritics)."""
    query = query.strip()
    found = (
        Q(actor_name__icontains=query) | Q(actor__first_name__icontains=query) | Q(actor__last_name__icontains=query)
    )
    tokens = search_tokens(query)
    if tokens:
        by_person = Q()
        for token in tokens:
            by_person &= Q(actor__person__search_text__contains=token)
        found |= by_person
    return found
