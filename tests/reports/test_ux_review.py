"""The defects a UX review found on the home page and the reports, each with the behaviour that fixes it:

- tasks link to the action itself (the self-review form, the meeting, the opinion sheets), and only those who run
  a step get it; a person with two reviews sees which is which;
- the synthesis says "Có bản kiểm điểm" for reviews opened (drafts included), on the page, the workbook and the PDF;
- the synthesis is signed as the rules of the generated documents say (a cell: T/M CHI BỘ, no seal), in the PDF and
  under every table of the workbook;
- an empty list in a workbook says so; the screening workbook stores real dates;
- a past step with nothing left behind is "Đã qua", not "Quá hạn".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from danhgia.periods.models import Period
from danhgia.reports.dashboard import dashboard
from danhgia.reports.selectors import pending_work
from danhgia.reviews import opinions
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews
from tests.reports.conftest import YEAR
from tests.reports.test_exports import download, find_row, header_row, pdf_text, workbooks
from tests.reviews.conftest import build_commune
from tests.shared import shared

# Days of the default annual timeline (periods/timeline.py) of this year's period.
SELF_REVIEW_DAY = dt.date(YEAR, 12, 1)  # self-review and opinions running; the plan's deadline (25/11) past
MEETING_DAY = dt.date(YEAR, 12, 15)  # meeting and appraisal running; the self-review's deadline (10/12) past


def build_open_period() -> Any:
    commune: Any = build_commune()
    period_open_reviews(period=commune.period, actor=commune.users["officer"])
    Period.objects.filter(pk=commune.period.pk).update(status="open")
    commune.period.refresh_from_db()
    return commune


opened = shared("opened", build_open_period)


def member_review(world: Any, person) -> Review:
    return Review.objects.get(period=world.period, person=person, kind__in=["member", "member_outside"])


def urls(tasks) -> list[str]:
    return [t.url for t in tasks]


# ------------------------------------------------------------------------------------------------------ home
def test_a_member_is_sent_to_their_self_review_form_and_not_asked_to_run_the_opinions(opened):
    world = opened
    person = world.members[world.cells[0].name][2]
    user = world.users[f"member:{person.pk}"]
    tasks = pending_work(user, today=SELF_REVIEW_DAY)
    review = member_review(world, person)
    assert urls(tasks) == [reverse("reviews-self", args=[review.pk])]
    [task] = tasks
    assert "Đảng viên" in task.text and f"Mẫu 0{review.form_code}" in task.text and not task.overdue
    assert task.deadline == dt.date(YEAR, 12, 10)
    # Past the self-review's deadline the same task is late.
    [late] = pending_work(user, today=MEETING_DAY)
    assert late.url == task.url and late.overdue
    # Nothing points at the period page, nor at the opinions of a unit (not theirs to run).
    for t in tasks:
        assert reverse("periods-detail", args=[world.period.pk]) not in t.url
        assert "/y-kien/don-vi/" not in t.url


def test_a_cell_secretary_runs_the_opinions_and_the_meeting_of_their_cell(opened):
    world = opened
    cell = world.cells[0]
    user = world.users["secretary_a"]
    during_self_review = urls(pending_work(user, today=SELF_REVIEW_DAY))
    assert reverse("opinions-unit", args=[world.period.pk, cell.pk]) in during_self_review
    assert reverse("reviews-unit", args=[world.period.pk, cell.pk]) in during_self_review
    during_meeting = urls(pending_work(user, today=MEETING_DAY))
    assert reverse("reviews-meeting", args=[world.period.pk, cell.pk]) in during_meeting
    assert not any(u == reverse("periods-detail", args=[world.period.pk]) for u in during_meeting)


def test_opinion_sheets_waiting_lead_to_the_sheets_page(opened):
    world = opened
    person = world.members[world.cells[0].name][3]
    user = world.users[f"member:{person.pk}"]
    subject = member_review(world, world.members[world.cells[0].name][2])
    deadline = dt.date.today() + dt.timedelta(days=5)
    group = opinions.group_create(
        period=world.period, unit=world.cells[0], kind="collective", name="Chi ủy chi bộ", reviews=[subject],
        deadline=deadline, anonymity="anonymous", actor=world.users["secretary_a"],
    )  # fmt: skip
    opinions.respondents_add(group=group, users=[user], actor=None)
    sheet = [t for t in pending_work(user, today=SELF_REVIEW_DAY) if t.url == reverse("opinions-mine")]
    assert len(sheet) == 1 and "1 phiếu" in sheet[0].text and sheet[0].deadline == deadline


def test_two_reviews_of_one_person_say_which_is_which(opened, client):
    world = opened
    user = world.users["committee"]  # the commune's secretary: reviewed as a member and as a leader
    reviews = list(Review.objects.filter(period=world.period, person=user.person).order_by("kind"))
    assert {r.kind for r in reviews} == {"member", "leader"}
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    for review in reviews:
        assert f"{review.get_kind_display()}, Mẫu 0{review.form_code}" in page
        assert reverse("reviews-self", args=[review.pk]) in page
    texts = [t.text for t in pending_work(user, today=SELF_REVIEW_DAY) if "/tu-kiem-diem/" in t.url]
    assert len(texts) == 2 and len(set(texts)) == 2


# ------------------------------------------------------------------------------------------------- synthesis
def test_the_synthesis_counts_opened_reviews_under_a_label_that_says_so(opened, client, tmp_path):
    world = opened
    officer = world.users["officer"]
    client.force_login(officer)
    page = client.get(reverse("reports-synthesis"), {"don-vi": world.commune.pk}).content.decode()
    assert "Có bản kiểm điểm" in page and "Đã kiểm điểm" not in page
    assert "Số liệu khớp" in page  # still reconciles: every member has a review, none submitted
    wb, cached = workbooks(download(client, officer, "reports-synthesis-xlsx", world.commune))
    ws = wb["Đảng viên"]
    head = header_row(ws)
    headers = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    assert "Có bản kiểm điểm" in headers and "Đã kiểm điểm" not in headers
    total = find_row(ws, "B", "Tổng cộng")
    assert cached["Đảng viên"].cell(total, headers["Có bản kiểm điểm"]).value == 15  # all drafts
    text = " ".join(pdf_text(download(client, officer, "reports-synthesis-pdf", world.commune), tmp_path).split())
    assert "Có bản kiểm điểm" in text and "Đã kiểm điểm" not in text


def sheet_texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_a_cell_signs_its_synthesis_without_a_seal(two_years, client, tmp_path):
    t = two_years
    officer, cell = t.world.users["officer"], t.world.cells[0]
    text = " ".join(pdf_text(download(client, officer, "reports-synthesis-pdf", cell), tmp_path).split())
    assert "T/M CHI BỘ" in text and "BÍ THƯ" in text and str(t.world.secretaries[cell.name]) in text
    assert "T/M CẤP ỦY" not in text and "đóng dấu" not in text
    wb, _ = workbooks(download(client, officer, "reports-synthesis-xlsx", cell))
    for name in wb.sheetnames:
        ws = wb[name]
        texts = sheet_texts(ws)
        assert {"NGƯỜI LẬP BIỂU", "T/M CHI BỘ", "BÍ THƯ", "(Ký, ghi rõ họ tên)"} <= set(texts), name
        assert not any("đóng dấu" in s for s in texts), name
        # Under the table: the place-and-date line again, above the signer.
        signer = find_row(ws, ws.cell(1, 1).column_letter, "NGƯỜI LẬP BIỂU")
        assert signer > header_row(ws) + 2
        dated = [c for row in ws.iter_rows(min_row=signer - 1, max_row=signer - 1) for c in row if c.value]
        assert dated and str(dated[0].value).startswith("Hòa Bình, ngày "), name


def test_a_committee_signs_on_behalf_of_the_committee_with_its_seal(two_years, client, tmp_path):
    t = two_years
    officer = t.world.users["officer"]
    text = " ".join(pdf_text(download(client, officer, "reports-synthesis-pdf", t.world.commune), tmp_path).split())
    assert "T/M ĐẢNG ỦY" in text and "(Ký, ghi rõ họ tên, đóng dấu)" in text and "T/M CHI BỘ" not in text
    wb, _ = workbooks(download(client, officer, "reports-synthesis-xlsx", t.world.commune))
    assert {"T/M ĐẢNG ỦY", "(Ký, ghi rõ họ tên, đóng dấu)"} <= set(sheet_texts(wb["Đảng viên"]))


# ------------------------------------------------------------------------------------------------ workbooks
def test_an_empty_capped_list_says_there_is_none(opened, client):
    world = opened
    wb, _ = workbooks(download(client, world.users["officer"], "reports-quotas-xlsx", world.commune))
    ws = wb["Bị chuyển xuống"]
    assert "Không có trường hợp nào." in sheet_texts(ws)


def test_the_screening_workbook_stores_real_dates(two_years, client):
    t = two_years
    wb, _ = workbooks(download(client, t.world.users["officer"], "reports-screening-xlsx"))
    ws = wb["Hạn chế quá hạn"]
    row = find_row(ws, "B", str(t.people["late"]))
    head = header_row(ws)
    column = next(c for c in range(1, ws.max_column + 1) if ws.cell(head, c).value == "Thời hạn")
    cell = ws.cell(row, column)
    assert isinstance(cell.value, dt.datetime) and cell.value.date() == dt.date(YEAR - 1, 12, 31)
    assert cell.number_format == "dd/mm/yyyy"


# ------------------------------------------------------------------------------------------------ dashboard
def statuses(d) -> dict[str, tuple[str, int]]:
    return {row.phase.code: (row.status, row.late) for row in d.phases}


def test_a_past_step_with_nothing_left_is_not_overdue(opened):
    world = opened
    officer = world.users["officer"]
    early = statuses(dashboard(world.commune, world.period, officer, today=SELF_REVIEW_DAY))
    assert early["plan"] == ("past", 0)  # the guidance's deadline is gone, it has nothing left to do
    assert early["self_review"][0] == "running"
    # After the self-review's deadline every draft is late: that step is overdue, with its count.
    d = dashboard(world.commune, world.period, officer, today=MEETING_DAY)
    later = statuses(d)
    assert later["self_review"] == ("late", d.total_reviews) and d.total_reviews > 15  # every review still a draft
    assert later["plan"] == ("past", 0) and later["opinions"] == ("past", 0)


def test_a_finished_year_shows_its_steps_past_not_overdue(two_years, client):
    t = two_years
    officer = t.world.users["officer"]
    after = dt.date(YEAR + 1, 3, 1)
    d = dashboard(t.world.commune, t.current, officer, today=after)
    assert {status for status, _ in statuses(d).values()} == {"past"}
    client.force_login(officer)
    page = client.get(reverse("reports-dashboard"), {"don-vi": t.world.commune.pk}).content.decode()
    assert "Quá hạn</span>" not in page  # every review decided: no step has anything left behind
