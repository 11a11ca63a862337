from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from danhgia.accounts.models import Role
from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import has_perm_anywhere, roles_of


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the user may use, and the roles shown under their name."""
    user = request.user
    if not user.is_authenticated:
        return {"demo_mode": settings.DEMO_MODE}
    can = {perm.name.lower(): has_perm_anywhere(user, perm) for perm in Perm}
    return {
        "demo_mode": settings.DEMO_MODE,
        "can": can,
        "role_labels": sorted(Role(r).label for r in roles_of(user)),
    }
