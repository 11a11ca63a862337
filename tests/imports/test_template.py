"""The template workbook and the registry exported in it: Excel opens them as the importer reads them, text stays
text, and exporting then importing the demo province changes nothing."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from danhgia.demo.generator import seed
from danhgia.imports import template
from danhgia.imports.services import import_plan
from danhgia.orgs.models import Unit
from danhgia.people.models import Person, Post, QuotaGroupEntry
from danhgia.people.services import person_update
from danhgia.reviews.models import Decision
from tests.shared import shared


def test_the_blank_template_has_its_sheets_headers_lists_and_guide(tmp_path):
    path = tmp_path / "mau.xlsx"
    with path.open("wb") as f:
        template.blank(f)
    book = load_workbook(path)
    data = ["Đơn vị", "Đảng viên", "Chức vụ", "Kết quả các năm", "Nhóm tương đồng"]
    assert book.sheetnames == [*data, "Hướng dẫn", "Danh mục"]
    assert [c.value for c in book["Đơn vị"][1]][:4] == ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên"]
    assert [c.value for c in book["Đảng viên"][1]][:4] == ["Mã hồ sơ DanhGia", "Họ", "Tên đệm", "Tên"]
    assert book["Danh mục"].sheet_state == "hidden"
    lists = [v.formula1 for v in book["Đảng viên"].data_validations.dataValidation]
    assert len(lists) == 3 and all("Danh mục" in f for f in lists)  # sex, status, civil servant
    assert [c.value for c in book["Chức vụ"][1]][5:8] == ["Mã đơn vị", "Chức vụ", "Vai trò"]
    guide = [[c.value for c in row] for row in book["Hướng dẫn"].iter_rows()]
    assert guide[next(i for i, r in enumerate(guide) if r[0] == "Họ")][:2] == ["Họ", "Nguyễn"]


def test_an_empty_template_imports_nothing_and_says_so(db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / "mau.xlsx"
    with path.open("wb") as f:
        template.blank(f)
    run = import_plan(path=path, name=path.name, actor=None, scope=None)
    assert all(sum(c.values()) == 0 for c in run.counts.values()) and len(run.counts) == 5
    notes = [w for s in run.report["sheets"] for w in s["warnings"]]
    assert not [n for n in notes if "Hướng dẫn" in n or "Danh mục" in n], notes


def test_a_name_that_looks_like_a_formula_is_exported_as_text(world, tmp_path):
    person_update(person=world.people["an"], actor=None, family_name="=HYPERLINK(1)")
    buffer = io.BytesIO()
    template.export(buffer, scope=None)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["Đảng viên"]
    cells = [row[1] for row in sheet.iter_rows(min_row=2) if row[1].value and str(row[1].value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)  # a string, not a formula


def small_demo_province() -> None:
    seed(scale=0.02, out=lambda _: None, history=1)


demo = shared("demo", small_demo_province)


def test_exporting_and_importing_the_demo_province_changes_nothing(demo, db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    province = Unit.objects.get(parent=None)
    path = tmp_path / "tinh.xlsx"
    with path.open("wb") as f:
        template.export(f, scope=province)
    run = import_plan(path=path, name=path.name, actor=None, scope=province)
    units, members, posts, results, groups = run.report["sheets"]
    assert (len(units["created"]), len(units["updated"]), len(units["refused"])) == (0, 0, 0), units["refused"][:3]
    assert (len(members["created"]), len(members["updated"]), len(members["refused"])) == (0, 0, 0), (
        members["refused"][:3] or members["updated"][:3]
    )
    assert units["unchanged"] == Unit.objects.count() and not units["absent"]
    assert members["unchanged"] > 1000 and not members["absent"]
    assert Person.objects.filter(party_member__isnull=False).count() >= members["unchanged"]
    assert (len(posts["created"]), len(posts["updated"]), len(posts["refused"])) == (0, 0, 0), (
        posts["refused"][:3] or posts["updated"][:3]
    )
    assert posts["unchanged"] == Post.objects.count() > 100 and not posts["absent"]
    assert (len(results["created"]), len(results["updated"]), len(results["refused"])) == (0, 0, 0), (
        results["refused"][:3] or results["updated"][:3]
    )
    assert results["unchanged"] == Decision.objects.filter(review__period__status="closed").count() > 1000
    assert (len(groups["created"]), len(groups["refused"]), len(groups["absent"])) == (0, 0, 0), (
        groups["refused"][:3] or groups["created"][:3]
    )
    assert groups["unchanged"] >= QuotaGroupEntry.objects.count() > 100
