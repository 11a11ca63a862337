from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


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
    errors = {field: problem for field, (label, day) in days.items() if (problem := day_problem(day, label))}
    if errors:
        raise ValidationError(errors)


def day_problem(value: dt.date | None, label: object) -> str | None:
    """The Vietnamese refusal of a date outside the years a person can mean, naming the field; None if it is fine."""
    if value is None or EARLIEST_DAY <= value <= LATEST_DAY:
        return None
    return str(
        _("«%(field)s»: năm phải từ %(first)s đến %(last)s (đã nhập %(year)s).")
        % {"field": label, "first": FIRST_YEAR, "last": LAST_YEAR, "year": value.year}
    )
