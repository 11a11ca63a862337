"""Browser tests: Playwright driving Debian's chromium against the live server."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import build_world

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    build_world()
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base = live_server.url
    yield page
    context.close()


def login(page, username="bantochuc", password="mat-khau-thu-nghiem"):
    page.goto(f"{page.base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{page.base}/")


def test_log_in_open_the_tree_and_find_a_member_without_accents(page):
    login(page)
    page.get_by_role("link", name="Cây tổ chức", exact=True).click()
    # The province is open; commune A is opened lazily from the keyboard.
    toggle = page.get_by_role("button", name="Mở, đóng Đảng bộ xã An Lạc")
    toggle.focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Chi bộ Xóm Đồng").wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Enter")  # and closed again
    assert not page.get_by_role("link", name="Chi bộ Xóm Đồng").is_visible()

    page.get_by_role("link", name="Tìm đảng viên", exact=True).click()
    page.get_by_label("Họ tên hoặc số định danh").fill("nguyen van a")
    page.get_by_role("link", name="Nguyễn Văn An").wait_for()  # live results via htmx, no page load
    page.get_by_role("link", name="Nguyễn Văn An").click()
    page.get_by_role("heading", name="Nguyễn Văn An").wait_for()
    assert "Bí thư Chi bộ Xóm Đồng" in page.content()


def test_a_cell_secretary_sees_only_their_cell(page):
    login(page, "bithu.b1")
    page.get_by_role("link", name="Cây tổ chức", exact=True).click()
    assert page.get_by_role("link", name="Chi bộ Xóm Chợ").is_visible()
    assert page.get_by_text("Đảng bộ xã An Lạc").count() == 0
    page.get_by_role("link", name="Tìm đảng viên", exact=True).click()
    page.get_by_label("Họ tên hoặc số định danh").fill("nguyen")
    page.get_by_text("Không tìm thấy đảng viên nào trong phạm vi của bạn.").wait_for()


def test_wrong_password_is_explained_in_vietnamese(page):
    page.goto(f"{page.base}/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("bantochuc")
    page.get_by_label("Mật khẩu").fill("sai")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng").wait_for()
    assert page.get_by_label("Tên đăng nhập").input_value() == "bantochuc"  # nothing typed is lost


def test_the_pages_run_under_the_content_security_policy(page):
    # Chromium reports every script, style or form the policy refuses on the console: none may be refused, and
    # the behaviours that were inline handlers (a confirmation, going back) still work.
    refused = []

    def note(message):
        if "Content Security Policy" in message.text:
            refused.append(message.text)

    page.on("console", note)
    login(page)
    page.get_by_role("link", name="Cây tổ chức", exact=True).click()
    page.get_by_role("button", name="Mở, đóng Đảng bộ xã An Lạc").click()
    page.get_by_role("link", name="Chi bộ Xóm Đồng").wait_for()
    page.get_by_role("link", name="Tìm đảng viên", exact=True).click()
    page.get_by_label("Họ tên hoặc số định danh").fill("nguyen van a")
    page.get_by_role("link", name="Nguyễn Văn An").wait_for()
    page.goto(f"{page.base}/quan-tri/")
    page.goto(f"{page.base}/khong-co-trang-nay/")
    page.get_by_role("link", name="Quay lại trang trước").click()
    page.wait_for_url(f"{page.base}/quan-tri/**")
    assert refused == []
