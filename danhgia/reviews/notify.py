"""Notifications in the application and by email (console by default; SMTP when the settings say so).

Notifications are rows written in the caller's transaction: they exist if and only if what they tell of was
committed. Emails leave the building and cannot be rolled back, so they are sent once the transaction has
committed (`transaction.on_commit`), never while it holds its locks (a batch decision holds its quota groups'
rows: an SMTP server taking seconds per message would hold every other decider of those groups as long).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from danhgia.accounts.models import RoleAssignment, User
from danhgia.accounts.permissions import ROLE_PERMISSIONS, Perm
from danhgia.orgs.models import Unit, path_ids
from danhgia.reviews.models import Notification

if TYPE_CHECKING:
    from danhgia.reviews.models import Review


def notify(users: Iterable[User], text: str, url: str = "") -> int:
    """One notification per user (duplicates dropped), and an email to those with an address."""
    unique = {u.pk: u for u in users if u is not None and u.is_active}
    Notification.objects.bulk_create([Notification(user=u, text=text[:300], url=url) for u in unique.values()])
    _mail_after_commit([(u, text, url) for u in unique.values()])
    return len(unique)


def notify_tally(users: Iterable[User], *, key: str, text: str, url: str = "") -> int:
    """Notices that add up (a unit's submissions of the day): one row per user and `key`, rewritten with the latest
    text and shown unread again at each event, instead of one more row each time. E-mailed once per user and key,
    when first written."""
    unique = {u.pk: u for u in users if u is not None and u.is_active}
    if not unique:
        return 0
    existing = {n.user_id: n for n in Notification.objects.filter(user_id__in=list(unique), key=key)}
    fresh = [Notification(user=u, text=text[:300], url=url, key=key) for pk, u in unique.items() if pk not in existing]
    # Two submissions at the same moment may both find no row: the second's insert is dropped, not an error.
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    now = timezone.now()
    for n in existing.values():
        n.text, n.url, n.read_at, n.created_at = text[:300], url, None, now
    Notification.objects.bulk_update(list(existing.values()), ["text", "url", "read_at", "created_at"])
    _mail_after_commit([(u, text, url) for u in unique.values() if u.pk not in existing])
    return len(unique)


def _mail_after_commit(items: Iterable[tuple[User, str, str]]) -> None:
    """One email per (user with an address, text, url), sent in one connection after the commit."""
    send_after_commit(
        [
            (f"[DanhGia] {text[:120]}", f"{text}\n\n{settings.DANHGIA_SITE_URL}{url}", None, [user.email])
            for user, text, url in items
            if user is not None and user.email
        ]
    )


def send_after_commit(messages: Sequence[tuple[str, str, str | None, list[str]]]) -> None:
    """`send_mass_mail` of the messages once the current transaction commits (at once outside one); nothing is
    sent if it rolls back."""
    if messages:
        transaction.on_commit(partial(send_mass_mail, list(messages), fail_silently=True))


def managers_of(unit: Unit, perm: Perm = Perm.REVIEWS_MANAGE, *, levels_up: int = 1) -> list[User]:
    """Users holding `perm` over the unit through a role on the unit itself or up to `levels_up` units above.

    Only the nearest levels are told of day-to-day events (a submission, a complaint, a reminder): a provincial
    officer holds the permission over every cell and would otherwise receive tens of thousands of notices;
    officers higher up follow the work in the reports and dashboards.
    """
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if perm in perms]
    chain = path_ids(unit.path)[-(levels_up + 1) :]
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=RoleAssignment.objects.filter(role__in=roles, unit_id__in=chain).values("user_id"),
        )
    )


def managers_of_many(
    units: Iterable[Unit], perm: Perm = Perm.REVIEWS_MANAGE, *, levels_up: int | None = None
) -> dict[int, list[User]]:
    """`managers_of` for many units at once (batch decisions), by unit id: two queries whatever their number.
    With `levels_up`, only roles held on the unit itself and that many units above it."""
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if perm in perms]
    chains = {unit.pk: path_ids(unit.path) for unit in units}
    if levels_up is not None:
        chains = {pk: chain[-(levels_up + 1) :] for pk, chain in chains.items()}
    holders: dict[int, set[int]] = defaultdict(set)
    ancestors = {pk for chain in chains.values() for pk in chain}
    for unit_id, user_id in RoleAssignment.objects.filter(role__in=roles, unit_id__in=ancestors).values_list(
        "unit_id", "user_id"
    ):
        holders[unit_id].add(user_id)
    users = User.objects.filter(is_active=True).in_bulk({pk for ids in holders.values() for pk in ids})
    result: dict[int, list[User]] = {}
    for unit_id, chain in chains.items():
        held = set().union(*(holders.get(pk, set()) for pk in chain))
        result[unit_id] = [users[pk] for pk in sorted(held) if pk in users]
    return result


def subject_users(review: Review) -> list[User]:
    """The subject's own account; for a body, those who manage it."""
    if review.person_id:
        return list(User.objects.filter(Q(person_id=review.person_id), is_active=True))
    return managers_of(review.context)


def notify_many(items: list[tuple[User, str, str]]) -> int:
    """Many notifications in one statement (batch decisions): (user, text, url)."""
    Notification.objects.bulk_create(
        [Notification(user=u, text=t[:300], url=url) for u, t, url in items if u is not None], batch_size=2000
    )
    _mail_after_commit(items)
    return len(items)
