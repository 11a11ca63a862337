from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class ScopedModelBackend(ModelBackend):
    """Username and password, except that demo accounts (published passwords) work only in demo mode."""

    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and not settings.DEMO_MODE:
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id: int) -> Any:
        user = super().get_user(user_id)
        # A demo session does not survive leaving demo mode.
        if user is not None and user.is_demo and not settings.DEMO_MODE:
            return None
        return user
