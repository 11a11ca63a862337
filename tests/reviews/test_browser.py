"""Browser tests of the review pages: the self-review (live score, autosave, submit) and the decision page."""

from __future__ import annotations

import re

import pytest

from danhgia.reviews.models import Decision, Review, ReviewState
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.conftest import build_commune
from tests.reviews.helpers import everyone_proposed, points
from tests.reviews.test_views import CELL_A
from tests.test_browser import ARGS, CHROMIUM, login

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def world(live_server, transactional_db):
    world = build_commune()
    period_open_reviews(period=world.period, actor=world.users["officer"])  # type: ignore[arg-type]
    return world


@pytest.fixture
def page(browser, live_server, world):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = live_server.url
    yield page
    context.close()


def test_a_member_fills_the_self_review_sees_the_score_and_submits(page, world):
    person = world.members[CELL_A][2]
    review = Review.objects.get(period=world.period, kind="member", person=person)
    login(page, world.users[f"member:{person.pk}"].username)
    page.get_by_role("link", name=re.compile("Viết bản tự kiểm điểm")).first.click()
    page.get_by_role("heading", name=re.compile("Bản tự kiểm điểm")).wait_for()

    page.get_by_label("I. Ưu điểm, kết quả đạt được").fill("Hoàn thành tốt các nhiệm vụ được giao.")
    for code, value in points(review, 28, 64).items():
        page.locator(f"#item_{code}").fill(value)
    aside = page.locator("aside")
    assert aside.locator('[data-total="all"]').inner_text() == "92"  # live, before any save
    assert aside.locator("[data-points-level]").inner_text() == "HTXS"
    assert "chưa kê khai nhiệm vụ nào" in aside.inner_text()
    # A point out of its item's range is marked at once and left out of the totals.
    first = next(iter(points(review, 28, 64)))
    kept = page.locator(f"#item_{first}").input_value()
    page.locator(f"#item_{first}").fill("-3")
    assert page.locator(f"#item_{first}").get_attribute("aria-invalid") == "true"
    without = round(92 - float(kept), 2)
    assert aside.locator('[data-total="all"]').inner_text() == f"{without:g}".replace(".", ",")
    page.locator(f"#item_{first}").fill(kept)
    assert aside.locator('[data-total="all"]').inner_text() == "92"

    # Tasks from the keyboard: Enter moves to the next row (a new one after the last).
    page.get_by_label("Nhiệm vụ 1", exact=True).fill("Phụ trách tổ dân phố 3")
    page.get_by_label("Nhiệm vụ 2", exact=True).fill("Tuyên truyền nghị quyết")
    page.keyboard.press("Enter")
    page.keyboard.type("Vận động quỹ khuyến học")
    assert page.locator("[data-tasks] tbody tr").count() == 3
    assert "cần ít nhất 30% số nhiệm vụ hoàn thành vượt mức" in aside.inner_text()
    page.get_by_label("Kết quả nhiệm vụ 1").select_option("exceeded")
    assert "các điều kiện về nhiệm vụ đã đáp ứng" in aside.inner_text()

    # The draft saves itself.
    page.locator("#autosave").get_by_text(re.compile(r"Đã lưu lúc \d\d:\d\d")).wait_for()
    review.refresh_from_db()
    assert review.score == 92.0 and review.tasks.count() == 3

    page.get_by_role("radio", name=re.compile("HTXS — ")).check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nộp bản kiểm điểm").click()
    page.get_by_text("Đã nộp bản kiểm điểm. Bản đã nộp không sửa được nữa.").wait_for()
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED and review.self_level == "HTXS"


def test_the_committee_sees_the_engine_decides_and_is_stopped_at_the_quota(page, world):
    everyone_proposed(world)
    login(page, world.users["officer"].username)
    group = world.groups["members"]
    page.goto(f"{page.base}/ky-danh-gia/{world.period.pk}/quyet-dinh/nhom/{group.pk}/")
    page.get_by_text(re.compile(r"Được xếp HTXS: \d+ / tối đa \d+")).wait_for()
    # A capped member: the engine lowered them to HTT, the chip says why and where it comes from.
    capped = page.locator("tr.capped").filter(has=page.locator("select")).first
    chip = capped.locator(".chip", has_text="Vượt tỷ lệ HTXS")
    chip.focus()
    assert "Vượt tỷ lệ 20% của nhóm «Đảng viên xã» — QĐ 366-QĐ/TW Điều 11 khoản 1.5" in chip.inner_text()
    assert "Vượt tỷ lệ 20% của nhóm «Đảng viên xã»" in (chip.get_attribute("title") or "")
    assert "Mã quy tắc: R57" in (chip.get_attribute("title") or "")  # to look the rule up in docs/rules.md
    name = capped.locator("td.who a").inner_text()
    capped.locator("select").select_option("HTXS")
    capped.get_by_label(f"Lý do quyết định cho {name}").fill("Thành tích nổi bật")
    page.get_by_role("button", name="Xem trước và quyết định các mức đã chọn").click()
    page.get_by_role("heading", name=re.compile("Sẽ ghi quyết định cho")).wait_for()
    page.locator("#id_qd-number").fill("125-QĐ/ĐU")
    page.locator("#id_qd-signed_on").fill("20/12/2026")
    page.get_by_role("button", name="Xác nhận và ghi quyết định").click()
    page.get_by_text("Chưa ghi quyết định nào.").wait_for()
    assert page.locator("tr.row-error-msg").get_by_text(re.compile("không thể xếp HTXS — Vượt tỷ lệ 20%")).count() == 1
    assert not Decision.objects.filter(review__quota_group=group).exists()

    # Everyone at the level the engine computed: first the plan, which leaves out whoever departs from their
    # self-assessment without a reason of the authority's own.
    page.goto(f"{page.base}/ky-danh-gia/{world.period.pk}/quyet-dinh/nhom/{group.pk}/")
    page.get_by_role("button", name="Xem trước quyết định tất cả theo mức hệ thống tính").click()
    page.get_by_role("heading", name=re.compile(r"Sẽ quyết định \d+ đối tượng theo mức hệ thống tính")).wait_for()
    assert page.get_by_text(re.compile("chưa có lý do — không đưa vào đợt này")).count() == 1
    assert not Decision.objects.filter(review__quota_group=group).exists()
    # The officer writes those reasons (the filter shows just those rows) and looks at the plan again.
    page.goto(f"{page.base}/ky-danh-gia/{world.period.pk}/quyet-dinh/nhom/{group.pk}/?xem=ghi-ly-do")
    boxes = page.locator("td.decide textarea")
    assert boxes.count() > 0
    for i in range(boxes.count()):
        assert boxes.nth(i).input_value() == ""  # never prefilled with the engine's text
        boxes.nth(i).fill("Nhóm đã đủ tỷ lệ; chi ủy đề nghị theo kết quả tính.")
    page.get_by_role("button", name="Xem trước quyết định tất cả theo mức hệ thống tính").click()
    page.get_by_role("heading", name="Sẽ quyết định 15 đối tượng theo mức hệ thống tính").wait_for()
    page.locator("#id_qd-number").fill("125-QĐ/ĐU")
    page.locator("#id_qd-signed_on").fill("20/12/2026")
    page.get_by_role("button", name="Xác nhận và ghi 15 quyết định").click()
    page.get_by_text("Đã ghi Quyết định số 125-QĐ/ĐU ngày 20/12/2026 theo mức hệ thống tính.").wait_for()
    assert Review.objects.filter(quota_group=group, state=ReviewState.DECIDED).count() == 15
    assert page.locator("td.decide select").count() == 0  # every row is locked now


def test_a_text_over_its_limit_is_marked_not_saved_and_kept(page, world):
    person = world.members[CELL_A][2]
    review = Review.objects.get(period=world.period, kind="member", person=person)
    login(page, world.users[f"member:{person.pk}"].username)
    page.goto(page.base + f"/danh-gia/{review.pk}/tu-kiem-diem/")
    box = page.get_by_label("I. Ưu điểm, kết quả đạt được")
    box.fill("Hoàn thành tốt các nhiệm vụ được giao.")
    page.locator("#autosave").get_by_text(re.compile("Đã lưu lúc")).wait_for()
    text = "x" * 20_005
    box.fill(text)  # pasted: a browser would cut it to a maxlength without a word
    note = page.locator(".char-limit")
    assert note.inner_text() == "Quá dài: tối đa 20.000 ký tự; đã nhập 20.005. Phần quá dài sẽ không được lưu."
    assert box.get_attribute("aria-invalid") == "true"
    page.locator("#autosave").get_by_text(re.compile("Chưa lưu được:")).wait_for()
    assert "tối đa 20.000 ký tự; đã nhập 20.005" in page.locator("#autosave").inner_text()
    assert box.input_value() == text  # nothing typed is lost
    assert Review.objects.get(pk=review.pk).sections["uu_diem"] == "Hoàn thành tốt các nhiệm vụ được giao."
    box.fill("x" * 20_000)
    assert note.count() == 0 and box.get_attribute("aria-invalid") is None
    page.locator("#autosave").get_by_text(re.compile("Đã lưu lúc")).wait_for()
    assert len(Review.objects.get(pk=review.pk).sections["uu_diem"]) == 20_000


def test_a_long_unbroken_string_does_not_widen_the_complaint_pages(page, world):
    from danhgia.reviews import complaints, decisions

    officer = world.users["officer"]
    everyone_proposed(world)
    group = decisions.group_reviews(world.period, world.groups["members"])
    written = {r.pk: "Ban Thường vụ xem xét theo tỷ lệ của nhóm" for r in group}  # the officer's own reasons
    decisions.decide_suggested(reviews=group, actor=officer, reasons=written)
    person = world.members[CELL_A][2]
    review = Review.objects.get(period=world.period, kind="member", person=person)
    long = "https://vi.wikipedia.org/wiki/" + "Xemxétlại" * 600  # pasted without a space: 5.000+ characters
    complaint = complaints.complaint_file(review=review, text=long, actor=world.users[f"member:{person.pk}"])
    complaints.complaint_assign(complaint=complaint, assignee=officer, actor=officer)
    complaints.complaint_verify(complaint=complaint, verification=long, actor=officer)
    login(page, officer.username)
    for url in (
        f"/khieu-nai/{complaint.pk}/",
        f"/ky-danh-gia/{world.period.pk}/khieu-nai/",
        f"/danh-gia/{review.pk}/",
    ):
        page.goto(page.base + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1366, f"{url} is {width} px wide"
