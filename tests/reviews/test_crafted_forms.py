"""No crafted value is a server error (issue 16, item 4), as properties: every form of the application, fed crafted
values for each of its fields, validates (True or False) without raising; a few key pages, posted crafted values,
answer 200, 302 or 400, never 500.

The forms are discovered by importing the forms, views and admin modules of every app and walking the subclasses
of Django's forms, so a new form is covered without a line here; a form whose constructor needs more than data
says so in KWARGS.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import math
import pkgutil
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import danhgia
from tests.reviews.test_views import member_review, owner, self_post

# print_blob: a failure prints the @reproduce_failure line that replays it exactly.
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# What the probe and a reviewer of a government system would try, for a field of any type.
CRAFTED = [
    "", " ", "0", "-0", "-1", "1", "0.5", "0,5", "1e309", "-1e309", "1e999999999", "1e-999999999", "NaN", "-NaN",
    "sNaN", "Infinity", "-inf", "9" * 30, "9" * 5000, "2147483648", "9223372036854775808", "-9223372036854775809",
    "٥", "５", "²", "①", "\x00", "1\x00", "\r\n", "\t=1", "\u202e", "\ufeff1", "a" * 20_000, "=HYPERLINK(\"x\")",
    "<script>", "31/12/9999", "01/01/0001", "00/00/0000", "29/02/2023", "9999-12-31", "0001-01-01", "31/12/1899",
    "24:00", "23:59:60", "99:99", "0x10", "1_000", "--1", "+1",
]  # fmt: skip
crafted = st.sampled_from(CRAFTED) | st.text(max_size=40)


def _choice_values(field: forms.ChoiceField) -> list[str]:
    choices: Any = field.choices
    return [str(key) for key, _label in choices]


def _field_values(field: forms.Field) -> st.SearchStrategy[Any]:
    """Crafted values for one field, with a few valid ones so that the forms' later checks run too."""
    if isinstance(field, forms.MultipleChoiceField):
        choices = _choice_values(field)
        return st.lists(st.sampled_from(choices) | crafted if choices else crafted, max_size=4)
    if isinstance(field, forms.ChoiceField):
        choices = _choice_values(field)
        return st.sampled_from(choices) | crafted if choices else crafted
    if isinstance(field, forms.BooleanField):
        return st.sampled_from(["on", "", "false", "0"]) | crafted
    if isinstance(field, forms.DateField):
        return st.dates(dt.date(1, 1, 1)).map(lambda d: f"{d.day:02}/{d.month:02}/{d.year:04}") | crafted
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return (
            st.integers(-(2**70), 2**70).map(str)
            | st.decimals(allow_nan=True, allow_infinity=True).map(str)
            | st.floats().map(repr)
            | crafted
        )
    return crafted


def _files(field: forms.Field) -> st.SearchStrategy[Any]:
    names = st.sampled_from(["a.docx", "a.xlsx", "a.json", "a.pdf", "..\\..\\x.exe", "\x00.txt", "a" * 300])
    content = st.sampled_from([b"", b"PK\x03\x04garbage", b"{}", b"\xff" * 100, b'{"kind": "points"}'])
    return st.builds(SimpleUploadedFile, names, content) | st.none()


def _all_forms() -> list[type[forms.BaseForm]]:
    # Where forms live: each app's forms, its views (the login form) and its admin (the admin's own forms).
    for module in pkgutil.walk_packages(danhgia.__path__, "danhgia."):
        last = module.name.rsplit(".", 1)[-1]
        if last in {"forms", "views", "admin"} or last.endswith("_views"):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    todo: list[type[forms.BaseForm]] = [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("danhgia.") and sub not in found:
                found.append(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = _all_forms()
KWARGS: dict[str, dict[str, Any]] = {"UploadForm": {"roots": []}}


def _make(cls: type[forms.BaseForm], data: Any = None, files: Any = None, rf: Any = None) -> forms.BaseForm:
    kwargs = dict(KWARGS.get(cls.__name__, {}))
    if issubclass(cls, AuthenticationForm):  # the login form authenticates, and the lock-out needs the request
        kwargs["request"] = rf.post("/")
    return cls(data=data, files=files, **kwargs)


def _own_methods(cls: type) -> list[str]:
    """The form's own methods that take nothing (`rule`, `facts`, `excluded`…), which views call once it is valid."""
    names = []
    for klass in cls.__mro__:
        if klass.__module__.startswith("danhgia."):
            for name, member in vars(klass).items():
                own = inspect.isfunction(member) and not name.startswith("_") and name != "clean"
                if own and len(inspect.signature(member).parameters) == 1:
                    names.append(name)
    return names


def test_every_form_is_found():
    names = {c.__name__ for c in FORMS}
    assert {"UnitForm", "MeetingForm", "FactsForm", "QuotaGroupForm", "PeriodForm", "LoginForm"} <= names, names
    assert len(FORMS) >= 30


def _assert_storable(value: Any) -> None:
    """What a valid form gives can be stored and computed with: an integer a database holds, a date in the years a
    person means (1900–2100), a finite number of sane size."""
    if isinstance(value, list | tuple):
        for v in value:
            _assert_storable(v)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        assert -(2**63) < value < 2**63, value
    elif isinstance(value, dt.date):
        assert 1900 <= value.year <= 2100, value
    elif isinstance(value, Decimal | float):
        assert math.isfinite(value) and -(10**6) < value < 10**6, value


@pytest.mark.parametrize("cls", FORMS, ids=lambda c: c.__name__)
def test_a_form_validates_crafted_values_without_raising(cls, db, rf):
    fields = _make(cls, rf=rf).fields
    values = {name: _field_values(f) for name, f in fields.items() if not isinstance(f, forms.FileField)}
    uploads = {name: _files(f) for name, f in fields.items() if isinstance(f, forms.FileField)}

    @PROPERTY
    @given(data=st.fixed_dictionaries({}, optional=values), files=st.fixed_dictionaries({}, optional=uploads))
    def check(data: dict[str, Any], files: dict[str, Any]) -> None:
        with transaction.atomic():
            form = _make(cls, data, {k: v for k, v in files.items() if v is not None}, rf)
            assert form.is_valid() in (True, False)
            str(form)  # a refused form is shown again with what was typed
            if form.is_valid():
                for value in form.cleaned_data.values():
                    _assert_storable(value)
                for name in _own_methods(cls):
                    getattr(form, name)()
            transaction.set_rollback(True)

    check()


# ---------------------------------------------------------------------------------------------- pages


def _post_never_fails(client, url: str, base: dict[str, Any], fields: list[str]) -> None:
    @PROPERTY
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(fields, crafted)))
    def check(changes: dict[str, Any]) -> None:
        with transaction.atomic():
            response = client.post(url, base | changes)
            # 404: a crafted id that names no row (person 1 exists on SQLite, not on PostgreSQL) is not found.
            assert response.status_code in (200, 302, 400, 404), (response.status_code, changes)
            transaction.set_rollback(True)

    check()
    # And the worst values in every field at once, whatever the examples above happened to draw.
    for worst in ("9" * 30, "99999999999", "1e309", "31/12/9999", "NaN", "-1", "\x00"):
        with transaction.atomic():
            response = client.post(url, base | dict.fromkeys(fields, worst))
            assert response.status_code in (200, 302, 400, 404), (response.status_code, worst)
            transaction.set_rollback(True)


def test_the_self_review_page_never_fails(opened, client):
    review = member_review(opened)
    client.force_login(owner(opened, review))
    base = self_post(review)
    fields = [k for k in base if k.startswith("item_")] + ["self_level", "section_uu_diem", "task_title", "submit"]
    _post_never_fails(client, reverse("reviews-self", args=[review.pk]), base, fields)


def test_the_meeting_page_never_fails(opened, client):
    from tests.reviews.test_views import meeting_post

    reviews = [member_review(opened, index=i) for i in (2, 3)]
    client.force_login(opened.users["secretary_a"])
    base = meeting_post(reviews)
    fields = [k for k in base if not k.startswith("level_")] + ["hop-excluded_tam_thoi", "hop-starts_at"]
    fields += [f"comment_{r.pk}" for r in reviews]
    _post_never_fails(client, reverse("reviews-meeting", args=[opened.period.pk, opened.cells[0].pk]), base, fields)


def test_the_unit_and_post_pages_never_fail(opened, client):
    client.force_login(opened.users["officer"])
    cell = opened.cells[0]
    base = {"name": cell.name, "locality": "", "founded_on": "01/01/2000"}
    _post_never_fails(client, reverse("orgs-edit", args=[cell.pk]), base, ["name", "code", "founded_on"])
    base = {"choice": str(opened.members[cell.name][2].pk), "title": "Phó Bí thư", "role": "deputy",
            "starts_on": "01/01/2021"}  # fmt: skip
    fields = ["choice", "title", "role", "starts_on", "tim"]
    _post_never_fails(client, reverse("orgs-post-add", args=[cell.pk]), base, fields)


def test_the_facts_and_decision_pages_never_fail(opened, client):
    review = member_review(opened)
    client.force_login(opened.users["committee"])
    url = reverse("reviews-decide", args=[opened.period.pk, opened.groups["members"].pk])
    fields = [f"level_{review.pk}", f"reason_{review.pk}", "number", "signed_on", "signer", "confirm", "plan"]
    _post_never_fails(client, url, {}, fields)
    fields = ["sick_leave_months", "confidence_low_share", "discipline_date", "discipline_form", "civil_servant_level"]
    _post_never_fails(client, reverse("reviews-facts", args=[review.pk]), {}, fields)


def test_pages_filtered_by_crafted_query_parameters_never_fail(opened, client):
    client.force_login(opened.users["officer"])
    pages = [
        (reverse("orgs-unit", args=[opened.cells[0].pk]), ["ngay", "loc", "xem", "trang"]),
        (reverse("audit-list"), ["action", "actor", "since", "until", "trang"]),
        (reverse("reports-synthesis"), ["don-vi", "ky"]),
        (reverse("reports-screening"), ["don-vi", "ky", "so-nam"]),
        (reverse("people-search"), ["q"]),
    ]
    for url, params in pages:
        _get_never_fails(client, url, params)


def _get_never_fails(client, url: str, params: list[str]) -> None:
    @PROPERTY
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(params, crafted)))
    def check(query: dict[str, Any]) -> None:
        response = client.get(url, query)
        assert response.status_code in (200, 302, 400, 404), (url, response.status_code, query)

    check()
