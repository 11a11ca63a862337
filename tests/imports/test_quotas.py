"""The quota groups sheet: groups of similar roles laid out in a file are created as the group page creates them,
with every check of the pages: the rate the regulation allows, one group per subject, who may change the groups."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from danhgia.accounts.models import User
from danhgia.audit.models import Action, AuditEvent
from danhgia.orgs.models import Unit
from danhgia.people.models import QuotaGroup, QuotaGroupEntry
from danhgia.periods.services import period_create
from tests.imports.test_import import MEMBER_HEADER, MEMBERS, UNIT_HEADER, UNITS, apply, media, plan, sheet

__all__ = ["media"]  # the fixture

HEADER = ["Năm", "Mã phạm vi", "Tên nhóm", "Đối tượng", "Tỷ lệ HTXS tối đa", "Căn cứ điều chỉnh tỷ lệ",
          "Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Mã đơn vị"]  # fmt: skip
GROUPS: list[list[object]] = [
    [2026, "X01", "Đảng viên hai chi bộ thôn", "Đảng viên", "", "", "17000001", "", "", ""],
    [2026, "X01", "Đảng viên hai chi bộ thôn", "Đảng viên", "", "", "", "Lê Văn Cường", "05/06/1975", ""],
    [2026, "X01", "Chi bộ thôn", "Tổ chức đảng", "15%", "Nghị quyết của Đảng ủy xã", "", "", "", "C01"],
    [2026, "X01", "Chi bộ thôn", "Tổ chức đảng", "", "", "", "", "", "C02"],
]


def province(path: Path) -> None:
    book = Workbook()
    for title, rows in (("Đơn vị", [UNIT_HEADER, *UNITS]), ("Đảng viên", [MEMBER_HEADER, *MEMBERS])):
        sheet_ = book.create_sheet(title)
        for row in rows:
            sheet_.append(row)
    del book["Sheet"]
    book.save(path)
    apply(plan(path))
    period_create(unit=Unit.objects.get(code="T01"), year=2026, actor=None)


def workbook(path: Path, rows=GROUPS) -> Path:
    book = Workbook()
    sheet_ = book.active
    sheet_.title = "Nhóm tương đồng"
    for row in [HEADER, *rows]:
        sheet_.append(row)
    book.save(path)
    return path


def test_groups_and_their_subjects_are_created_through_the_quota_services_and_again_change_nothing(db, media):
    province(media / "tinh.xlsx")
    run = plan(workbook(media / "nhom.xlsx"))
    assert run.counts["Nhóm tương đồng"] == {"created": 6, "updated": 0, "unchanged": 0, "refused": 0}
    assert not QuotaGroup.objects.exists()
    apply(run)
    members = QuotaGroup.objects.get(name="Đảng viên hai chi bộ thôn")
    assert members.unit.code == "X01" and members.rate is None and members.subject_kind == "member"
    assert sorted(e.person.given_name for e in members.entries.all()) == ["An", "Cường"]
    cells = QuotaGroup.objects.get(name="Chi bộ thôn")
    assert cells.rate == Decimal("0.150") and cells.rate_reason == "Nghị quyết của Đảng ủy xã"
    assert sorted(e.unit.code for e in cells.entries.all()) == ["C01", "C02"]
    events = AuditEvent.objects.filter(source=f"import:{run.pk}")
    assert events.filter(action=Action.QUOTA_GROUP_CREATED).count() == 2
    assert events.filter(action=Action.QUOTA_GROUP_ENTRY_ADDED).count() == 4

    again = plan(workbook(media / "nhom-lai.xlsx"))
    assert again.counts["Nhóm tương đồng"]["created"] == 0 and again.counts["Nhóm tương đồng"]["refused"] == 0
    short = plan(workbook(media / "nhom-thieu.xlsx", GROUPS[:1]))
    assert sheet(short, "Nhóm tương đồng")["absent"] == ["Lê Văn Cường (nhóm «Đảng viên hai chi bộ thôn»)"]
    apply(short)
    assert QuotaGroupEntry.objects.count() == 4  # left out is reported, never taken out


def test_a_rate_without_its_basis_a_second_group_and_a_user_without_the_right_are_refused(db, media):
    province(media / "tinh.xlsx")
    apply(plan(workbook(media / "nhom.xlsx")))
    rows = [
        [2026, "X01", "Nhóm mới", "Đảng viên", "25%", "", "17000001", "", "", ""],
        [2026, "X01", "Nhóm khác", "Đảng viên", "", "", "17000001", "", "", ""],
        [2026, "X01", "Chi bộ thôn", "Tổ chức đảng", "20%", "", "", "", "", "C01"],
        [2025, "X01", "Năm trước", "Đảng viên", "", "", "17000001", "", "", ""],
        [2026, "KHONG", "Nhóm", "Đảng viên", "", "", "17000001", "", "", ""],
    ]
    run = plan(workbook(media / "sai.xlsx", rows))
    refused = {r["row"]: r for r in sheet(run, "Nhóm tương đồng")["refused"]}
    assert refused[2]["column"] == "Căn cứ điều chỉnh tỷ lệ"
    assert "đã thuộc nhóm «Đảng viên hai chi bộ thôn»" in refused[3]["reason"]
    assert refused[4]["column"] == "Tỷ lệ HTXS tối đa" and "15%" in refused[4]["reason"]
    assert refused[5]["column"] == "Năm" and "Chưa có kỳ đánh giá năm 2025" in refused[5]["reason"]
    assert refused[6]["column"] == "Mã phạm vi"

    nobody = User.objects.create_user("khach", password="x")
    run = plan(workbook(media / "nhom-2.xlsx", [[2026, "X01", "Nhóm mới", "Đảng viên", "", "", "", "", "", ""]]),
               actor=nobody)  # fmt: skip
    refused = sheet(run, "Nhóm tương đồng")["refused"]
    assert refused and "không lập, sửa được nhóm" in refused[0]["reason"]
