"""Exports never become formulas (issue 16, item 5): a unit or a person named "=HYPERLINK(…)", "+1", "-1",
"@SUM(A1)" or with a tab or a carriage return first is written as text in every Excel file the application makes,
read back with openpyxl: the cell holds the text, of type string, never a formula."""

from __future__ import annotations

import io
import itertools

import openpyxl
import pytest
from django.urls import reverse

from danhgia.orgs.models import Unit
from danhgia.people.models import Person
from tests.reports.conftest import MIT

CRAFTED = ['=HYPERLINK("http://x.vn/?"&A1,"Bấm")', "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1+1"]


@pytest.fixture
def crafted(two_years):
    """The commune, a cell and every person renamed, as a crafted import or an old row could have stored them."""
    world = two_years.world
    Unit.objects.filter(pk=world.commune.pk).update(name=CRAFTED[0], collective_name=CRAFTED[6])
    cell = next(c for c in world.cells if c.name == MIT)
    Unit.objects.filter(pk=cell.pk).update(name=CRAFTED[3], code="=1+1")
    for person, name in zip(Person.objects.order_by("pk"), itertools.cycle(CRAFTED), strict=False):
        Person.objects.filter(pk=person.pk).update(family_name=name, middle_name="", given_name="An")
    return two_years


def _cells(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _check(content: bytes) -> None:
    cells = _cells(content)
    ours = [c for c in cells if isinstance(c.value, str) and any(text.strip() in c.value for text in CRAFTED)]
    assert ours, "the crafted names are not in the file"
    for cell in ours:
        assert cell.data_type == "s", (cell.coordinate, cell.value, cell.data_type)
    # The formulas left are the totals and rates the exports compute, never a name.
    for cell in cells:
        if cell.data_type == "f":
            assert not any(mark in str(cell.value) for mark in ("HYPERLINK", "@SUM", "1+1")), cell.value


@pytest.mark.parametrize(
    ("name", "params"),
    [("reports-synthesis-xlsx", {}), ("reports-quotas-xlsx", {}), ("reports-screening-xlsx", {"so-nam": 2})],
)
def test_the_reports_write_crafted_names_as_text(crafted, client, name, params):
    client.force_login(crafted.world.users["officer"])
    response = client.get(reverse(name), {"don-vi": crafted.world.commune.pk, **params})
    assert response.status_code == 200
    _check(response.content)


def test_the_registry_export_writes_crafted_names_as_text(crafted, client):
    client.force_login(crafted.world.users["officer"])
    response = client.get(reverse("imports-export", args=[crafted.world.commune.pk]))
    assert response.status_code == 200
    _check(b"".join(response.streaming_content) if response.streaming else response.content)


def test_every_workbook_is_made_in_one_place_that_keeps_text_as_text():
    """The options that keep text as text live on the one function that opens a workbook; nothing else opens one."""
    from pathlib import Path

    import danhgia

    root = Path(danhgia.__file__).parent
    opening = [p.relative_to(root).as_posix() for p in root.rglob("*.py") if "xlsxwriter.Workbook(" in p.read_text()]
    assert opening == ["lib/xlsx.py"], opening
