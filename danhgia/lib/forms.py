from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


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
