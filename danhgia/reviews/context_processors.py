from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from danhgia.reviews.models import Notification


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The unread count shown in the top bar (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()}
