from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today in Viet Nam (settings.TIME_ZONE), whatever the server's own time zone."""
    return timezone.localdate()
