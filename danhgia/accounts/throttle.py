"""Login throttling on top of django-axes: an account from one address, and one address across accounts.

Locking an account wherever it is tried would let anybody lock out a secretary by typing her name; locking an
account only from one address let one password be tried on every account (password spraying: 40 accounts, nothing
locked). So two counts, each with its own limit (config/settings.py, docs/operations.md):

- an account from one address: `AXES_FAILURE_LIMIT` (5) failures lock that account from that address;
- an address across accounts: `DANHGIA_LOGIN_ADDRESS_FAILURES` (20) failures lock every account from that
  address. Higher, because an office's computers often share one address.

Both for `AXES_COOLOFF_TIME`. Axes compares one count with one limit, so the address's count is scaled to it.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def _failures(attempts: QuerySet[Any]) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler with the address counted on its own limit (AXES_LOCKOUT_PARAMETERS: first the
    account from the address, then the address)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        by_account, by_address = self.get_user_attempts(request, credentials)
        limit = get_failure_limit(request, credentials)
        # At or above the address's limit exactly when the scaled count is at or above the account's limit.
        return max(_failures(by_account), _failures(by_address) * limit // settings.DANHGIA_LOGIN_ADDRESS_FAILURES)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """A successful login clears the failures of that account from that address, never the address's others:
        else a sprayer with an account of his own would log in every 19 failures and start again."""
        by_account = self.filter_user_attempts(request, credentials)[0]
        deleted, _ = by_account.delete()
        return deleted


def client_address(request: HttpRequest) -> str | None:
    """The address the login came from. Behind DANHGIA_PROXIES reverse proxies every request comes from the
    nearest one: the client is the address the outermost proxy added to X-Forwarded-For, counted from the end
    (what comes before it is whatever the client sent, and could be anything)."""
    remote: str | None = request.META.get("REMOTE_ADDR")
    proxies = settings.DANHGIA_PROXIES
    if not proxies:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < proxies:
        return remote  # not through the proxies (a direct request, or a proxy that adds nothing)
    return forwarded[-proxies]
