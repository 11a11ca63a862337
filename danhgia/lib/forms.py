from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from danhgia.lib.dates import day_problem

# A count of people (summoned to a meeting, present, votes): the largest party organization meets with fewer.
MAX_COUNT = 100_000
# An id typed nowhere but sent back by a radio button: beyond a 64-bit integer no database can look it up.
MAX_ID = 2**63 - 1


def day_validator(label: object) -> Callable[[dt.date | None], None]:
    """A validator for the dates of other forms (the admin's): the same years, the same refusal."""

    def validate(value: dt.date | None) -> None:
        problem = day_problem(value, label)
        if problem:
            raise ValidationError(problem, code="out_of_range")

    return validate


class BoundedDateField(forms.DateField):
    """A date between 1900 and 2100 (day first, as everywhere); outside, a refusal that names the field."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        day_validator(self.label or "")(value)


class CountField(forms.IntegerField):
    """A count of people or things: a whole number from `min_value` (0) to `max_value` (MAX_COUNT); a refusal
    names the field and the range."""

    def __init__(self, *, min_value: int = 0, max_value: int = MAX_COUNT, **kwargs: Any) -> None:
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def _refusal(self) -> ValidationError:
        from danhgia.lib.numbers import number

        message = _("«%(field)s» phải là số nguyên từ %(min)s đến %(max)s.") % {
            "field": self.label,
            "min": number(self.min_value),
            "max": number(self.max_value),
        }
        return ValidationError(message, code="out_of_range")

    def to_python(self, value: Any) -> int | None:
        # "٥", "５", "²": int() reads some of them, but nobody types them for a count; refused, as parse_id does.
        if isinstance(value, str) and not value.isascii():
            raise self._refusal()
        try:
            return super().to_python(value)
        except ValidationError:
            raise self._refusal() from None

    def run_validators(self, value: Any) -> None:
        try:
            super().run_validators(value)
        except ValidationError:
            raise self._refusal() from None


class IdField(forms.IntegerField):
    """The id of a row chosen in a list: a positive whole number a database can look up."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class SafeJSONField(forms.JSONField):
    """Django's JSON form field, with a text Python refuses to read as JSON (an integer of more than 4,300 digits
    raises a plain ValueError, which Django's field lets through) refused like any invalid JSON."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value}) from None

    def bound_data(self, data: Any, initial: Any) -> Any:
        try:
            return super().bound_data(data, initial)
        except ValueError:
            return forms.fields.InvalidJSONInput(data)


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, next to the field it names.

    Errors naming a field the form does not have are shown at the top of the form.
    """
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e.messages[0] if e.messages else str(e))
    else:
        for message in error.messages:
            form.add_error(None, message)


def parse_id(value: str | None) -> int | None:
    """An id from a query string or a form, or None. ASCII digits only: "²" and "①" pass `str.isdigit` but
    `int()` refuses them, and a crafted parameter must not become a server error."""
    return int(value) if value and len(value) < 10 and value.isascii() and value.isdigit() else None
