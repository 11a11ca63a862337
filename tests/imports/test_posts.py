"""The posts sheet: who holds which post where, for the members the same file creates or the database has; the
same file again changes nothing; an end date ends a post; a second head is refused with the first one's name."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from danhgia.audit.models import Action, AuditEvent
from danhgia.people.models import Post, PostRole
from tests.imports.test_import import MEMBER_HEADER, MEMBERS, UNIT_HEADER, UNITS, apply, media, plan, sheet

__all__ = ["media"]  # the fixture

POST_HEADER = ["Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Mã đơn vị", "Chức vụ", "Vai trò",
               "Thành viên tập thể lãnh đạo, quản lý", "Từ ngày", "Đến ngày"]  # fmt: skip
POSTS: list[list[object]] = [
    ["17000001", "", "", "C01", "Bí thư chi bộ", "Người đứng đầu", "Có", "01/07/2025", ""],
    ["", "Lê Văn Cường", "05/06/1975", "C02", "Bí thư chi bộ", "Người đứng đầu", "Có", dt.date(2020, 8, 1), ""],
    ["", "Trần Thị Bình", "04/03/1990", "X01", "Phó Bí thư Đảng ủy", "Cấp phó", "Có", "01/07/2025", ""],
]


def workbook(path: Path, posts=POSTS, *, with_members: bool = True) -> Path:
    book = Workbook()
    units = book.active
    units.title = "Đơn vị"
    for row in [UNIT_HEADER, *UNITS]:
        units.append(row)
    if with_members:
        members = book.create_sheet("Đảng viên")
        for row in [MEMBER_HEADER, *MEMBERS]:
            members.append(row)
    sheet_ = book.create_sheet("Chức vụ")
    for row in [POST_HEADER, *posts]:
        sheet_.append(row)
    book.save(path)
    return path


def test_posts_of_the_members_the_file_creates_are_written_with_their_audit(db, media):
    run = plan(workbook(media / "tinh.xlsx"))
    assert run.counts["Chức vụ"] == {"created": 3, "updated": 0, "unchanged": 0, "refused": 0}
    assert not Post.objects.exists()  # a dry run
    apply(run)
    head = Post.objects.get(unit__code="C01")
    assert head.person.full_name == "Nguyễn Văn An" and head.role == PostRole.HEAD and head.in_collective
    assert head.starts_on == dt.date(2025, 7, 1) and head.ends_on is None and not head.is_leader
    assert Post.objects.get(unit__code="X01").person.national_id == "001190000001"
    assigned = AuditEvent.objects.filter(source=f"import:{run.pk}", action=Action.POST_ASSIGNED)
    assert assigned.count() == 3


def test_the_same_posts_again_change_nothing_and_an_end_date_ends_a_post(db, media):
    apply(plan(workbook(media / "thang-11.xlsx")))
    again = plan(workbook(media / "thang-11-lai.xlsx"))
    assert again.counts["Chức vụ"] == {"created": 0, "updated": 0, "unchanged": 3, "refused": 0}
    assert any("được nhận theo họ tên và ngày sinh" in w for w in sheet(again, "Chức vụ")["warnings"])

    posts = [list(row) for row in POSTS]
    posts[0][8] = "31/10/2026"  # An leaves the post
    posts[1][5] = "Thành viên, ủy viên"  # a correction of the role
    posts.append(["17000001", "", "", "C02", "Chi ủy viên", "Thành viên, ủy viên", "Có", "01/11/2026", ""])
    run = plan(workbook(media / "thang-12.xlsx", posts))
    assert run.counts["Chức vụ"] == {"created": 1, "updated": 2, "unchanged": 1, "refused": 0}
    updated = {c["row"]: c["fields"] for c in sheet(run, "Chức vụ")["updated"]}
    assert updated[2] == {"Đến ngày": [None, "31/10/2026"]}
    assert updated[3] == {"Vai trò": ["Người đứng đầu", "Thành viên, ủy viên"]}
    apply(run)
    assert Post.objects.get(unit__code="C01").ends_on == dt.date(2026, 10, 31)
    assert Post.objects.get(unit__code="C02", title="Bí thư chi bộ").role == PostRole.MEMBER
    events = AuditEvent.objects.filter(source=f"import:{run.pk}")
    assert {e.action for e in events} >= {Action.POST_ENDED, Action.POST_CORRECTED, Action.POST_ASSIGNED}


def test_a_second_head_an_unknown_unit_or_person_and_a_duplicate_are_refused_and_a_post_left_out_is_reported(db, media):
    apply(plan(workbook(media / "thang-11.xlsx")))
    posts = [
        POSTS[0],
        ["", "Trần Thị Bình", "04/03/1990", "C01", "Bí thư chi bộ", "Người đứng đầu", "Có", "01/11/2026", ""],
        ["17000001", "", "", "KHONG-CO", "Bí thư", "Người đứng đầu", "", "01/11/2026", ""],
        ["99999999", "", "", "C02", "Chi ủy viên", "Thành viên, ủy viên", "", "01/11/2026", ""],
        ["17000001", "", "", "C01", "Bí thư chi bộ", "Người đứng đầu", "Có", "01/07/2025", ""],
        ["17000001", "", "", "C02", "Chi ủy viên", "Phó phòng", "", "01/11/2026", ""],
        ["17000001", "", "", "C02", "Chi ủy viên", "Thành viên, ủy viên", "", "01/11/2026", "01/10/2026"],
    ]
    run = plan(workbook(media / "thang-12.xlsx", posts, with_members=False))
    refused = {r["row"]: r for r in sheet(run, "Chức vụ")["refused"]}
    assert refused[3]["column"] == "Vai trò" and "Nguyễn Văn An" in refused[3]["reason"]
    assert "«Đến ngày»" in refused[3]["reason"]
    assert refused[4]["column"] == "Mã đơn vị" and "KHONG-CO" in refused[4]["reason"]
    assert refused[5]["column"] == "Số thẻ đảng viên" and "99999999" in refused[5]["reason"]
    assert "Trùng với dòng 2" in refused[6]["reason"]
    assert refused[7]["column"] == "Vai trò" and refused[7]["value"] == "Phó phòng"
    assert refused[8]["column"] == "Đến ngày"
    absent = sheet(run, "Chức vụ")["absent"]
    assert sorted(absent) == [
        "Lê Văn Cường — Bí thư chi bộ, Chi bộ Thôn Tây",
        "Trần Thị Bình — Phó Bí thư Đảng ủy, Đảng bộ xã Hoà Sơn",
    ]
    before = Post.objects.count()
    apply(run, skip_refused=True)
    assert Post.objects.count() == before  # nothing accepted but the unchanged row; nothing ended
    assert Post.objects.filter(ends_on__isnull=False).count() == 0
