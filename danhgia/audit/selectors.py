from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import scope_for
from danhgia.audit.models import AuditEvent

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
    """Events placed in the viewer's audit scope; events with no place (logins) only for the whole system."""
    scope = scope_for(viewer, Perm.AUDIT_VIEW)
    events = AuditEvent.objects.all() if scope.everything else AuditEvent.objects.filter(scope.q("scope_path"))
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor_name__icontains=actor.strip())
    if since:
        events = events.filter(time__date__gte=since)
    if until:
        events = events.filter(time__date__lte=until)
    return events.order_by("-time", "-id")
