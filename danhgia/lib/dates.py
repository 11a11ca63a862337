from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone


def today() -> dt.date:
    """Today in Viet Nam (settings.TIME_ZONE), whatever the server's own time zone."""
    return timezone.localdate()


# Every date a person types is within these years: births of living members, the party's founding (1930), any
# period. A wider year is a typo or a crafted value (31/12/9999 broke the date arithmetic of a whole group's
# decision page); the forms (lib/forms.BoundedDateField) and the imports (imports/cleaning.py) refuse them too.
FIRST_YEAR, LAST_YEAR = 1900, 2100
EARLIEST_DAY, LATEST_DAY = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR, 12, 31)


def check_days(**days: tuple[str, dt.date | None]) -> None:
    """Refuse, in Vietnamese and next to each field, the dates outside FIRST_YEAR..LAST_YEAR.

    check_days(founded_on=("Ngày thành lập", unit.founded_on)); a service calls it before writing anything.
    """
    errors = {
        field: f"«{label}»: năm phải từ {FIRST_YEAR} đến {LAST_YEAR} (đã nhập {day.year})."
        for field, (label, day) in days.items()
        if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY
    }
    if errors:
        raise ValidationError(errors)
