"""Error pages: Vietnamese (or English when chosen), inside the layout with the user's menu, with a way back."""

from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_unknown_address_gets_the_vietnamese_404_with_the_menu(world, client):
    assert not settings.DEBUG
    client.force_login(world.users["officer"])
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Không tìm thấy trang</h1>" in body
    assert '<nav class="menu"' in body
    assert f'<a href="{reverse("orgs-tree")}"' in body  # the officer's own menu entries
    assert ">Trang chủ</a>" in body
    assert 'href="/">Về trang chủ</a>' in body
    assert "Quay lại trang trước" in body
    assert "/khong-co-trang-nay/" in body
    assert "Not Found" not in body


def test_unit_outside_the_scope_answers_the_vietnamese_404(world, client):
    client.force_login(world.users["member_a1"])
    response = client.get(reverse("orgs-unit", args=[world.cell_a1.pk]))
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Không tìm thấy trang</h1>" in body
    assert "ngoài phạm vi được giao cho bạn" in body
    assert '<nav class="menu"' in body
    assert "Chi bộ Xóm Đồng" not in body  # existence does not leak


def test_page_refused_to_the_role_answers_the_vietnamese_403(world, client):
    client.force_login(world.users["member_a1"])
    response = client.get(reverse("orgs-tree"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>Không có quyền truy cập</h1>" in body
    assert '<nav class="menu"' in body
    assert "Về trang chủ" in body
    assert "Forbidden" not in body


def test_error_pages_in_english(world, client):
    english(client).force_login(world.users["member_a1"])
    body = client.get("/khong-co-trang-nay/").content.decode()
    assert '<html lang="en">' in body
    assert "<h1>Page not found</h1>" in body
    assert "Back to the home page" in body
    assert "Không tìm thấy trang" not in body
    body = client.get(reverse("orgs-tree")).content.decode()
    assert "<h1>Access denied</h1>" in body
    assert "Không có quyền truy cập" not in body


def test_csrf_failure_says_the_form_expired(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["officer"])
    form_page = "http://testserver" + reverse("periods-create")
    response = client.post(reverse("periods-create"), {"year": 2030}, headers={"referer": form_page})
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>Biểu mẫu đã hết hạn</h1>" in body
    assert "chưa được lưu" in body
    assert f'href="{form_page}">Tải lại trang biểu mẫu</a>' in body
    assert '<nav class="menu"' in body
    assert "CSRF verification failed" not in body


def test_csrf_failure_links_to_the_form_address_when_the_referer_is_elsewhere(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts-login"), {"username": "x"}, headers={"referer": "https://example.com/"})
    assert response.status_code == 403
    body = response.content.decode()
    assert f'href="{reverse("accounts-login")}">Tải lại trang biểu mẫu</a>' in body
    assert "example.com" not in body


def test_500_and_400_pages_stand_alone():
    # Rendered without the request (no user yet, maybe no database): no menu, no context processors.
    from django.views import defaults

    from danhgia.lib.error_views import bad_request

    request = RequestFactory().get("/")  # no request.user: the context processors would fail
    with translation.override("vi"):
        body = defaults.server_error(request).content.decode()
        assert "<h1>Hệ thống gặp lỗi</h1>" in body
        assert 'href="/">Về trang chủ</a>' in body
        assert "app.css" in body
        response = bad_request(request, Exception())
        assert response.status_code == 400
        assert "<h1>Yêu cầu không hợp lệ</h1>" in response.content.decode()


def test_disallowed_host_gets_the_400_page(db, client):
    response = client.get("/", headers={"host": "ke-la.example"})
    assert response.status_code == 400
    assert "<h1>Yêu cầu không hợp lệ</h1>" in response.content.decode()
