"""The past years' results sheet: a province's first import brings its archive, the years become closed periods
with recorded decisions, and the screening list finds a member rated KHT two years running from the first day;
the same file again changes nothing; a corrected level is a new decision; the year the system runs is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from danhgia.accounts.models import User
from danhgia.audit.models import Action, AuditEvent
from danhgia.orgs.models import Unit
from danhgia.periods.models import Period, PeriodStatus
from danhgia.periods.services import period_create
from danhgia.reports.screening import screening
from danhgia.reviews.models import Decision, DecisionKind, Review, ReviewKind, ReviewState
from tests.imports.test_import import MEMBER_HEADER, MEMBERS, UNIT_HEADER, UNITS, apply, media, plan, sheet

__all__ = ["media"]  # the fixture

RESULT_HEADER = ["Năm", "Đối tượng", "Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Mã đơn vị", "Mức xếp loại",
                 "Mã cấp quyết định", "Số quyết định", "Ngày quyết định"]  # fmt: skip
RESULTS: list[list[object]] = [
    [2024, "", "17000001", "", "", "", "KHT", "X01", "12-QĐ/ĐU", "26/12/2024"],
    [2025, "Đảng viên", "17000001", "", "", "", "Không hoàn thành nhiệm vụ", "X01", "15-QĐ/ĐU", "29/12/2025"],
    ["2024", "", "", "Lê Văn Cường", "05/06/1975", "C02", "Hoàn thành tốt", "", "", ""],
    [2025, "Tổ chức đảng", "", "", "", "C01", "HTT", "X01", "16-QĐ/ĐU", dt.date(2025, 12, 29)],
]


def workbook(path: Path, results=RESULTS) -> Path:
    book = Workbook()
    for title, rows in (("Đơn vị", [UNIT_HEADER, *UNITS]), ("Đảng viên", [MEMBER_HEADER, *MEMBERS])):
        sheet_ = book.create_sheet(title)
        for row in rows:
            sheet_.append(row)
    results_sheet = book.create_sheet("Kết quả các năm")
    for row in [RESULT_HEADER, *results]:
        results_sheet.append(row)
    del book["Sheet"]
    book.save(path)
    return path


def test_a_first_import_brings_the_archive_and_the_screening_list_works_from_the_first_day(db, media):
    run = plan(workbook(media / "tinh.xlsx"))
    assert run.counts["Kết quả các năm"] == {"created": 4, "updated": 0, "unchanged": 0, "refused": 0}
    warnings = sheet(run, "Kết quả các năm")["warnings"]
    assert any("Sẽ tạo kỳ đánh giá năm 2024" in w for w in warnings), warnings
    assert not Period.objects.exists()
    apply(run)
    periods = list(Period.objects.order_by("year"))
    assert [(p.year, p.status, p.regime) for p in periods] == [
        (2024, PeriodStatus.CLOSED, "R2023"),
        (2025, PeriodStatus.CLOSED, "R2025"),
    ]
    an = Review.objects.get(period__year=2025, person__party_member__card_number="17000001")
    assert an.kind == ReviewKind.MEMBER and an.state == ReviewState.DECIDED and an.context.code == "C01"
    assert an.decision.level == "KHT" and an.decision.kind == DecisionKind.RECORDED
    assert an.decision.number == "15-QĐ/ĐU" and an.decision.signed_on == dt.date(2025, 12, 29)
    assert an.decision.authority.code == "X01" and "tinh.xlsx" in an.decision.reason
    cuong = Review.objects.get(person__family_name="Lê")
    assert cuong.context.code == "C02" and cuong.authority.code == "X01"  # the default: the grassroots committee
    cell = Review.objects.get(unit__code="C01")
    assert cell.kind == ReviewKind.PARTY_ORG and cell.decision.level == "HTT"
    recorded = AuditEvent.objects.filter(source=f"import:{run.pk}", action=Action.DECISION_RECORDED)
    assert recorded.count() == 4

    officer = User.objects.create_superuser("tochuc", password="x")
    report = screening(Unit.objects.get(code="T01"), periods[-1], officer, years=2)
    assert [line.name for line in report.kht_twice.lines] == ["Nguyễn Văn An"]


def test_the_same_archive_again_changes_nothing_and_a_corrected_level_is_a_new_decision(db, media):
    apply(plan(workbook(media / "tinh.xlsx")))
    again = plan(workbook(media / "lai.xlsx"))
    assert again.counts["Kết quả các năm"] == {"created": 0, "updated": 0, "unchanged": 4, "refused": 0}
    corrected = [list(row) for row in RESULTS]
    corrected[2][6] = "HTXS"
    run = plan(workbook(media / "sua.xlsx", corrected))
    assert run.counts["Kết quả các năm"] == {"created": 0, "updated": 1, "unchanged": 3, "refused": 0}
    assert sheet(run, "Kết quả các năm")["updated"][0]["fields"] == {"Mức xếp loại": ["HTT", "HTXS"]}
    apply(run)
    review = Review.objects.get(person__family_name="Lê")
    assert review.decision.level == "HTXS" and review.decision.supersedes.level == "HTT"
    assert Decision.objects.filter(review=review).count() == 2  # the old one kept


def test_the_year_the_system_runs_a_future_year_a_bad_level_and_a_duplicate_are_refused(db, media):
    apply(plan(workbook(media / "tinh.xlsx", results=[])))
    period_create(unit=Unit.objects.get(code="T01"), year=2026, actor=None)  # being prepared in the system
    rows = [
        [2026, "", "17000001", "", "", "", "HTT", "", "", ""],
        [2030, "", "17000001", "", "", "", "HTT", "", "", ""],
        [2024, "", "17000001", "", "", "", "Tốt", "", "", ""],
        [2024, "", "17000001", "", "", "", "HT", "", "", ""],
        [2024, "", "17000001", "", "", "", "HTT", "", "", ""],
        [2024, "", "", "", "", "KHONG-CO", "HT", "", "", ""],
        [2024, "", "17000001", "", "", "", "HT", "", "", "01/03/2023"],
    ]
    run = plan(workbook(media / "sai.xlsx", rows))
    refused = {r["row"]: r for r in sheet(run, "Kết quả các năm")["refused"]}
    assert refused[2]["column"] == "Năm" and "Đang chuẩn bị" in refused[2]["reason"]
    assert refused[3]["column"] == "Năm"
    assert refused[4]["column"] == "Mức xếp loại" and refused[4]["value"] == "Tốt"
    assert "Trùng với dòng 5" in refused[6]["reason"]
    assert refused[7]["column"] == "Mã đơn vị"
    assert refused[8]["column"] == "Ngày quyết định"
    assert run.counts["Kết quả các năm"]["created"] == 1
