"""Importing the tree and the members from a real workbook: a dry run that writes nothing, then the import whole;
the same file again changes nothing; next month's file changes only what changed; refused rows say where and why."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from openpyxl import Workbook

from danhgia.audit.models import Action, AuditEvent
from danhgia.imports.models import Import, ImportStatus
from danhgia.imports.services import import_apply, import_plan
from danhgia.orgs.models import Unit
from danhgia.people.models import Membership, MemberStatus, PartyMember, Person
from tests.imports.test_reading import cp1258

UNIT_HEADER = ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị", "Mã đơn vị cấp trên", "Là tổ chức cơ sở đảng"]
UNITS: list[list[object]] = [
    ["T01", "Đảng bộ tỉnh Hòa Nhập", "Đảng bộ tỉnh, thành phố", "", ""],
    ["X01", "Đảng bộ xã Hoà Sơn", "Đảng bộ xã, phường, đặc khu", "T01", "Có"],
    ["C01", "Chi bộ Thôn Đông", "Chi bộ trực thuộc", "X01", ""],
    ["C02", "Chi bộ Thôn Tây", "chi_bo", "X01", ""],
]
MEMBER_HEADER = [
    "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh cá nhân", "Số thẻ đảng viên", "Ngày vào Đảng",
    "Ngày chính thức", "Mã chi bộ", "Trạng thái",
]  # fmt: skip
MEMBERS: list[list[object]] = [
    ["Nguyễn Văn An", "01/02/1980", "Nam", "", "17000001", "19/05/2005", "19/05/2006", "C01", "Chính thức"],
    ["Trần Thị Bình", dt.date(1990, 3, 4), "Nữ", "001190000001", "", dt.date(2015, 2, 3), "", "C01", "Dự bị"],
    ["Lê Văn Cường", "05/06/1975", "nam", "", "", "2000-01-02", "2001-01-02", "C02", ""],
]


def workbook(path: Path, units=UNITS, members=MEMBERS) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Đơn vị"
    sheet.append(UNIT_HEADER)
    for row in units:
        sheet.append(row)
    people = book.create_sheet("Đảng viên")
    people.append(MEMBER_HEADER)
    for row in members:
        people.append(row)
    book.save(path)
    return path


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def plan(path: Path, scope=None, actor=None) -> Import:
    return import_plan(path=path, name=path.name, actor=actor, scope=scope)


def apply(run: Import, **kw) -> Import:
    return import_apply(run=run, actor=None, digest=run.report["digest"], **kw)


def sheet(run: Import, name: str) -> dict:
    return next(s for s in run.report["sheets"] if s["sheet"] == name)


def test_the_dry_run_writes_nothing_and_the_import_writes_it_all_with_its_audit(db, media):
    run = plan(workbook(media / "tinh.xlsx"))
    assert run.status == ImportStatus.PLANNED
    assert run.counts == {
        "Đơn vị": {"created": 4, "updated": 0, "unchanged": 0, "refused": 0},
        "Đảng viên": {"created": 3, "updated": 0, "unchanged": 0, "refused": 0},
    }
    assert not Unit.objects.exists() and not Person.objects.exists()
    created = sheet(run, "Đảng viên")["created"]
    assert created[0]["label"] == "Nguyễn Văn An, sinh 01/02/1980 — Chi bộ Thôn Đông"
    assert created[0]["key"] == "thẻ 17000001"

    apply(run)
    run.refresh_from_db()
    assert run.status == ImportStatus.APPLIED and run.applied_at is not None
    commune = Unit.objects.get(code="X01")
    assert commune.parent.code == "T01" and commune.is_grassroots and commune.name == "Đảng bộ xã Hoà Sơn"
    an = PartyMember.objects.get(card_number="17000001")
    assert an.person.family_name == "Nguyễn" and an.person.middle_name == "Văn" and an.person.given_name == "An"
    assert an.official_on == dt.date(2006, 5, 19) and an.person.birth_date == dt.date(1980, 2, 1)
    binh = Person.objects.get(national_id="001190000001")
    assert binh.party_member.official_on is None and binh.gender == "nu"
    assert Membership.objects.get(member__person=binh, valid_to=None).unit.code == "C01"
    events = AuditEvent.objects.filter(source=f"import:{run.pk}")
    assert events.filter(target_type="orgs.unit").count() == 4
    assert events.filter(target_type="people.person").count() >= 6  # each person created and admitted


def test_the_same_file_again_changes_nothing(db, media):
    path = workbook(media / "tinh.xlsx")
    apply(plan(path))
    before = AuditEvent.objects.count()
    again = plan(path)
    assert again.counts == {
        "Đơn vị": {"created": 0, "updated": 0, "unchanged": 4, "refused": 0},
        "Đảng viên": {"created": 0, "updated": 0, "unchanged": 3, "refused": 0},
    }
    # The member known by name and birth date only is recognised so, with a warning that says which rows.
    assert (
        "1 đảng viên được nhận theo họ tên và ngày sinh (không có số thẻ, số định danh): dòng 4."
        in (sheet(again, "Đảng viên")["warnings"])
    )
    apply(again)
    assert AuditEvent.objects.count() == before + 2  # the dry run and the import, nothing else


def test_next_months_file_changes_only_what_changed_and_a_move_is_a_transfer(db, media):
    apply(plan(workbook(media / "thang-11.xlsx")))
    members = [list(row) for row in MEMBERS]
    members[0][7] = "C02"  # An moves to the other cell
    members[1][0] = "Trần Thị Bính"  # a corrected name
    run = plan(workbook(media / "thang-12.xlsx", members=members))
    assert run.counts["Đảng viên"] == {"created": 0, "updated": 2, "unchanged": 1, "refused": 0}
    updated = {c["label"]: c for c in sheet(run, "Đảng viên")["updated"]}
    an = updated["Nguyễn Văn An, sinh 01/02/1980"]
    assert an["fields"]["Chi bộ"] == ["Chi bộ Thôn Đông", "Chi bộ Thôn Tây"]
    assert "quá trình cũ được giữ" in an["notes"][0]
    assert updated["Trần Thị Bính, sinh 04/03/1990"]["fields"]["Tên"] == ["Bình", "Bính"]
    apply(run)
    stays = list(Membership.objects.filter(member__card_number="17000001").order_by("valid_from"))
    assert [s.unit.code for s in stays] == ["C01", "C02"] and stays[0].valid_to is not None


def test_refused_rows_say_sheet_row_column_value_and_why_and_nothing_is_written_unless_asked(db, media):
    units = [
        *UNITS,
        ["C03", "Chi bộ Mồ Côi", "Chi bộ trực thuộc", "KHONG-CO", ""],
        ["V1", "Chi bộ Vòng A", "Chi bộ trực thuộc", "V2", ""],
        ["V2", "Chi bộ Vòng B", "Chi bộ trực thuộc", "V1", ""],
        ["C01", "Chi bộ trùng mã", "Chi bộ trực thuộc", "X01", ""],
    ]
    members = [
        *MEMBERS,
        ["Phạm Văn Dũng", "31/02/1980", "Nam", "", "", "01/01/2010", "", "C01", ""],
        ["Hà Thị Em", "01/01/1985", "Nữ", "", "17000001", "01/01/2010", "01/01/2011", "C01", ""],
        ["Đỗ Văn Giang", "01/01/1985", "Nam", "", "", "01/01/2012", "01/01/2011", "C01", ""],
    ]
    run = plan(workbook(media / "loi.xlsx", units=units, members=members))
    refused = {(r["sheet"], r["row"]): r for s in run.report["sheets"] for r in s["refused"]}
    assert refused[("Đơn vị", 6)]["column"] == "Mã đơn vị cấp trên" and refused[("Đơn vị", 6)]["value"] == "KHONG-CO"
    assert "Không có đơn vị mã «KHONG-CO»" in refused[("Đơn vị", 6)]["reason"]
    assert "Vòng lặp cấp trên" in refused[("Đơn vị", 7)]["reason"] and ("Đơn vị", 8) in refused
    assert "đã có ở dòng 4" in refused[("Đơn vị", 9)]["reason"]
    assert refused[("Đảng viên", 5)]["column"] == "Ngày sinh" and "31/02/1980" in refused[("Đảng viên", 5)]["value"]
    assert "đã có ở dòng 2" in refused[("Đảng viên", 6)]["reason"]  # two persons with one card number
    assert "trước ngày vào Đảng" in refused[("Đảng viên", 7)]["reason"]
    with pytest.raises(ValidationError, match="dòng bị từ chối"):
        apply(run)
    assert not Unit.objects.exists() and not Person.objects.exists()
    apply(run, skip_refused=True)
    assert Unit.objects.count() == 4 and Person.objects.count() == 3


def test_a_change_after_the_dry_run_asks_for_a_new_one(db, media):
    run = plan(workbook(media / "tinh.xlsx"))
    Unit.objects.create(name="Đảng bộ tỉnh Hòa Nhập", kind="dang_bo_tinh", code="T01", path="00000999")
    with pytest.raises(ValidationError, match="chạy thử lại"):
        apply(run)
    assert Person.objects.count() == 0


def test_a_unit_of_the_scope_missing_from_the_file_is_reported_never_deleted(db, media):
    apply(plan(workbook(media / "tinh.xlsx")))
    run = plan(workbook(media / "thieu.xlsx", units=UNITS[:3], members=MEMBERS[:2]))
    assert sheet(run, "Đơn vị")["absent"] == ["Chi bộ Thôn Tây (mã C02)"]
    assert sheet(run, "Đảng viên")["absent"] == ["Lê Văn Cường (Chi bộ Thôn Tây)"]
    apply(run)
    assert Unit.objects.filter(code="C02").exists() and Person.objects.count() == 3


def test_an_officer_imports_only_inside_their_scope(world, media):
    """The commune A officer's file: a cell under commune B and a member of B's cell are refused."""
    a, b = world.commune_a, world.commune_b
    for unit, code in ((a, "XA"), (b, "XB"), (world.cell_a1, "A1"), (world.cell_b1, "B1")):
        Unit.objects.filter(pk=unit.pk).update(code=code)
    units = [
        ["XA", "Đảng bộ xã An Lạc", "Đảng bộ xã, phường, đặc khu", "", "Có"],
        ["A9", "Chi bộ Xóm Mới", "Chi bộ trực thuộc", "XA", ""],
        ["B9", "Chi bộ lạc sang xã khác", "Chi bộ trực thuộc", "XB", ""],
    ]
    dung = world.people["dung"]  # a member of B1
    members = [["Lê Thị Dung", "01/05/1980", "Nữ", "", "", "01/01/2010", "01/01/2011", "A9", ""]]
    run = plan(workbook(media / "xa.xlsx", units=units, members=members), scope=Unit.objects.get(pk=a.pk))
    reasons = [r["reason"] for s in run.report["sheets"] for r in s["refused"]]
    assert any("Không có đơn vị mã «XB»" in r for r in reasons)
    assert any(f"{dung.full_name} đang sinh hoạt tại «Chi bộ Xóm Chợ», ngoài phạm vi" in r for r in reasons)
    assert run.counts["Đơn vị"]["created"] == 1  # only A9


def test_the_command_runs_the_dry_run_and_with_yes_the_import(db, media):
    path = workbook(media / "tinh.xlsx")
    out = StringIO()
    call_command("import", str(path), stdout=out)
    assert "Bảng «Đơn vị»: thêm 4, sửa 0, không đổi 0, từ chối 0." in out.getvalue()
    assert "chưa ghi gì" in out.getvalue() and not Unit.objects.exists()
    call_command("import", str(path), "--yes", stdout=StringIO())
    assert Unit.objects.count() == 4 and PartyMember.objects.count() == 3
    assert Membership.objects.filter(status=MemberStatus.ACTIVE, valid_to=None).count() == 3


def test_a_csv_from_an_old_office_tool_finds_the_cell_whatever_its_tone_marks(db, media):
    apply(plan(workbook(media / "tinh.xlsx", members=[])))
    Unit.objects.filter(code="C01").update(name="Chi bộ Thôn Hòa")
    text = "Họ và tên;Ngày sinh;Giới tính;Ngày vào Đảng;Ngày chính thức;Chi bộ\n"
    text += "Vũ Thị Hoà;02/09/1988;Nữ;03/02/2012;03/02/2013;Chi bộ Thôn Hoà\n"
    path = media / "dang-vien.csv"
    path.write_bytes(cp1258(text))
    run = plan(path)
    [members] = run.report["sheets"]
    assert members["kind"] == "members" and len(members["created"]) == 1, run.report
    apply(run)
    assert Membership.objects.get(member__person__given_name="Hoà", valid_to=None).unit.code == "C01"


def test_a_new_member_exempt_since_a_date_was_active_until_then(db, media):
    header = [*MEMBER_HEADER, "Ngày của trạng thái"]
    members = [["Đào Văn Hưng", "01/01/1950", "Nam", "", "17000099", "01/01/1975", "01/01/1976", "C01",
                "Miễn sinh hoạt", "01/06/2020"]]  # fmt: skip
    book = Workbook()
    book.active.title = "Đơn vị"
    book.active.append(UNIT_HEADER)
    for row in UNITS:
        book.active.append(row)
    sheet = book.create_sheet("Đảng viên")
    sheet.append(header)
    sheet.append(members[0])
    path = media / "mien.xlsx"
    book.save(path)
    run = plan(path)
    apply(run)
    stays = list(Membership.objects.filter(member__card_number="17000099").order_by("valid_from"))
    assert [(s.status, s.valid_from, s.valid_to) for s in stays] == [
        (MemberStatus.ACTIVE, dt.date(1975, 1, 1), dt.date(2020, 6, 1)),
        (MemberStatus.EXEMPT, dt.date(2020, 6, 1), None),
    ]
    assert AuditEvent.objects.filter(source=f"import:{run.pk}", action=Action.MEMBER_STATUS_CHANGED).count() == 1


def test_a_dissolved_commune_and_its_dissolved_cells_are_created_and_dissolved_children_first(db, media):
    header = [*UNIT_HEADER, "Ngày thành lập", "Ngày giải thể, sáp nhập"]
    units = [
        ["T01", "Đảng bộ tỉnh Hòa Nhập", "Đảng bộ tỉnh, thành phố", "", "", "", ""],
        ["X02", "Đảng bộ xã Cũ", "Đảng bộ xã, phường, đặc khu", "T01", "Có", "01/01/2000", "30/06/2025"],
        ["C05", "Chi bộ Thôn Cũ", "Chi bộ trực thuộc", "X02", "", "01/01/2000", "30/06/2025"],
    ]
    book = Workbook()
    book.active.title = "Đơn vị"
    book.active.append(header)
    for row in units:
        book.active.append(row)
    path = media / "giai-the.xlsx"
    book.save(path)
    run = plan(path)
    assert not [r for s in run.report["sheets"] for r in s["refused"]], run.report
    apply(run)
    assert Unit.objects.get(code="X02").dissolved_on == dt.date(2025, 6, 30)
    assert Unit.objects.get(code="C05").dissolved_on == dt.date(2025, 6, 30)
    assert Unit.objects.get(code="C05").path.startswith(Unit.objects.get(code="X02").path)
    assert plan(path).counts["Đơn vị"]["unchanged"] == 3  # and again, nothing changes
