"""The report pages: served in scope (one access check), refused outside it (and the refusal audited), a bounded
number of queries whatever the unit, every export and bulk read audited."""

from __future__ import annotations

from django.urls import reverse

from danhgia.audit.models import Action, AuditEvent
from danhgia.reviews.models import Review
from tests.reports.conftest import YEAR

PAGES = ["reports-dashboard", "reports-synthesis", "reports-quotas", "reports-screening"]
EXPORTS = {
    "reports-synthesis-xlsx": Action.REPORT_SYNTHESIS_EXPORTED,
    "reports-synthesis-pdf": Action.REPORT_SYNTHESIS_EXPORTED,
    "reports-quotas-xlsx": Action.REPORT_QUOTA_EXPORTED,
    "reports-screening-xlsx": Action.REPORT_SCREENING_EXPORTED,
}
# Queries per page, whatever the unit (session, user, roles, unit, periods, the aggregates, notifications).
MAX_QUERIES = {
    "reports-dashboard": 20,
    "reports-synthesis": 24,
    "reports-quotas": 16,
    "reports-screening": 28,
    "reports-synthesis-xlsx": 24,
    "reports-synthesis-pdf": 24,
    "reports-quotas-xlsx": 16,
    "reports-screening-xlsx": 27,
}


def url(name, unit=None, period=None, **extra):
    params = {**({"don-vi": unit.pk} if unit else {}), **({"ky": period.pk} if period else {}), **extra}
    return reverse(name) + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def test_the_officer_sees_every_report_of_the_province_and_of_a_cell(two_years, client):
    t = two_years
    client.force_login(t.world.users["officer"])
    for name in PAGES:
        body = client.get(url(name)).content.decode()
        assert "Đảng bộ tỉnh Mẫu" in body and f"năm {YEAR}" in body, name
        response = client.get(url(name, t.world.cells[0], t.previous))
        assert response.status_code == 200, name
        assert "Chi bộ Xóm Đồi" in response.content.decode(), name


def test_a_cell_secretary_sees_their_cell_and_is_refused_another(two_years, client):
    t = two_years
    client.force_login(t.world.users["secretary_b"])
    for name in [*PAGES, *EXPORTS]:
        assert client.get(url(name)).status_code == 200, name  # the top of their scope: their cell
        assert client.get(url(name, t.world.cells[1])).status_code == 200, name
        before = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).count()
        assert client.get(url(name, t.world.cells[0])).status_code == 404, name
        assert client.get(url(name, t.world.commune)).status_code == 404, name
        refusals = AuditEvent.objects.filter(action=Action.ACCESS_DENIED).order_by("id")[before:]
        assert [e.target_label for e in refusals] == [
            "Tổ chức, cơ quan, đơn vị: Chi bộ Xóm Đồi", "Tổ chức, cơ quan, đơn vị: Đảng bộ xã Hòa Bình"
        ]  # fmt: skip


def test_a_cell_secretary_report_defaults_to_their_cell(two_years, client):
    t = two_years
    client.force_login(t.world.users["secretary_b"])
    body = client.get(url("reports-synthesis")).content.decode()
    assert "Biểu tổng hợp kết quả xếp loại — Chi bộ Xóm Mít" in body
    assert "Chi bộ Xóm Đồi" not in body


def test_members_and_the_front_are_refused(two_years, client):
    from danhgia.accounts.models import Role
    from tests.conftest import make_user

    t = two_years
    member = next(u for key, u in t.world.users.items() if key.startswith("member:"))
    front = make_user("mttq.xa", Role.FRONT, t.world.commune)
    for user in (member, front):
        client.force_login(user)
        for name in [*PAGES, *EXPORTS]:
            assert client.get(url(name)).status_code == 403, (user, name)


def test_anonymous_visitors_go_to_the_login_page(two_years, client):
    for name in [*PAGES, *EXPORTS, "reports-profile"]:
        target = reverse(name, args=[two_years.people["kht"].pk]) if name == "reports-profile" else url(name)
        response = client.get(target)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts-login")), name


def test_a_period_that_does_not_cover_the_unit_is_not_found(two_years, client):
    from danhgia.orgs.services import unit_create
    from danhgia.periods.services import period_create

    t = two_years
    other = unit_create(parent=None, kind="dang_bo_tinh", name="Đảng bộ tỉnh Khác", locality="tinh", actor=None)
    elsewhere = period_create(unit=other, year=YEAR, actor=None)
    client.force_login(t.world.users["officer"])
    assert client.get(url("reports-dashboard", t.world.commune, elsewhere)).status_code == 404


def test_queries_do_not_grow_with_the_unit(two_years, client, django_assert_max_num_queries):
    t = two_years
    client.force_login(t.world.users["officer"])
    for name, most in MAX_QUERIES.items():
        for unit in (t.world.province, t.world.commune, t.world.cells[0]):
            with django_assert_max_num_queries(most):
                assert client.get(url(name, unit)).status_code == 200, name


def test_every_export_is_audited(two_years, client):
    t = two_years
    client.force_login(t.world.users["officer"])
    for name, action in EXPORTS.items():
        response = client.get(url(name, t.world.commune, t.current))
        assert response.status_code == 200, name
        assert response["Content-Disposition"].startswith('attachment; filename="')
        assert f"-dang-bo-xa-hoa-binh-{YEAR}." in response["Content-Disposition"]
        event = AuditEvent.objects.filter(action=action).latest("id")
        assert event.actor == t.world.users["officer"] and event.scope_path == t.world.commune.path
        assert event.new["period"] == t.current.pk and event.new["bytes"] == len(response.content)


def test_screening_and_profiles_are_audited_bulk_reads(two_years, client):
    t = two_years
    client.force_login(t.world.users["officer"])
    client.get(url("reports-screening", **{"so-nam": 2}))
    event = AuditEvent.objects.filter(action=Action.REPORT_SCREENING_VIEWED).latest("id")
    assert event.new == {"period": t.current.pk, "years": 2}
    client.get(reverse("reports-profile", args=[t.people["kht"].pk]))
    event = AuditEvent.objects.filter(action=Action.REPORT_PROFILE_VIEWED).latest("id")
    assert event.target_id == str(t.people["kht"].pk)


def test_dashboard_shows_the_progress_levels_and_charts_without_network(two_years, client):
    t = two_years
    client.force_login(t.world.users["officer"])
    body = client.get(url("reports-dashboard", t.world.commune)).content.decode()
    assert body.count('<svg class="chart" role="img"') == 3  # members and organizations by year, cells
    assert "Năm " + str(YEAR - 1) in body and "Trần HTXS" in body
    assert "Chi bộ Xóm Vố" in body and "Tiến độ của kỳ" in body
    assert "http://" not in body.split("<main", 1)[1].replace("http://www.w3.org/2000/svg", "")


def test_synthesis_page_reconciles_and_links_down(two_years, client):
    t = two_years
    client.force_login(t.world.users["officer"])
    body = client.get(url("reports-synthesis", t.world.commune)).content.decode()
    assert "Số liệu khớp" in body
    assert url("reports-synthesis", t.world.cells[0], t.current).replace("&", "&amp;") in body


def test_quota_page_lists_the_capped_with_their_margin(two_years, client):
    t = two_years
    client.force_login(t.world.users["officer"])
    body = client.get(url("reports-quotas")).content.decode()
    assert str(t.people["capped"]) in body
    assert "điểm thấp nhất được giữ HTXS: 95" in body


def test_screening_page_lists_kht_two_years_running(two_years, client):
    t = two_years
    client.force_login(t.world.users["officer"])
    body = client.get(url("reports-screening", **{"so-nam": 2})).content.decode()
    assert "Đảng viên xếp loại KHT hai năm liền: 1" in body
    assert str(t.people["kht"]) in body
    assert f'<th class="num">{YEAR}</th>' in body  # years written without a thousands separator


def test_the_person_page_links_the_profile_which_stays_in_scope(two_years, client):
    t = two_years
    chief = t.people["chief"]
    client.force_login(t.world.users["secretary_a"])
    body = client.get(reverse("people-person", args=[chief.pk])).content.decode()
    assert reverse("reports-profile", args=[chief.pk]) in body
    body = client.get(reverse("reports-profile", args=[chief.pk])).content.decode()
    assert "2 bản kiểm điểm ngoài phạm vi của bạn không hiện." in body
    client.force_login(t.world.users["secretary_b"])
    assert client.get(reverse("reports-profile", args=[chief.pk])).status_code == 404


def test_a_member_sees_their_own_profile(two_years, client):
    t = two_years
    key = next(k for k in t.world.users if k.startswith("member:"))
    member = t.world.users[key]
    client.force_login(member)
    body = client.get(reverse("reports-profile", args=[member.person_id])).content.decode()
    assert Review.objects.filter(person_id=member.person_id).count() == 2
    assert "Quá trình xếp loại chất lượng" in body and "ngoài phạm vi" not in body


def test_the_dashboard_in_english(two_years, client):
    from django.conf import settings

    t = two_years
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(t.world.users["officer"])
    body = client.get(url("reports-dashboard", t.world.commune)).content.decode()
    assert "Overview of the ratings — Đảng bộ xã Hòa Bình" in body
    assert "Progress of the period" in body and "HTXS cap" in body and f"Year {YEAR - 1}" in body
    assert "Tổng quan" not in body
