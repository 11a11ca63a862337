import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danhgia.audit.models import Action, AuditEvent
from danhgia.orgs.models import UnitKind
from danhgia.orgs.services import unit_create
from danhgia.people.models import Membership
from danhgia.people.services import member_admit, person_create
from danhgia.periods.models import Period


def add_members(cell, count, prefix="Phạm"):
    for i in range(count):
        person = person_create(
            family_name=prefix,
            middle_name="Văn",
            given_name=f"Thử {i}",
            gender="nam",
            birth_date=dt.date(1990, 1, 1),
            actor=None,
        )
        member_admit(
            person=person, cell=cell, admitted_on=dt.date(2015, 1, 1), official_on=dt.date(2016, 1, 1), actor=None
        )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        lambda w: reverse("orgs-unit", args=[w.commune_a.pk]),
        lambda w: reverse("orgs-unit", args=[w.cell_a1.pk]) + "?xem=lich-su",
        lambda w: reverse("orgs-children", args=[w.province.pk]),
        lambda w: reverse("orgs-tree"),
        lambda w: reverse("people-search") + "?q=pham",
        lambda w: reverse("audit-list"),
        lambda w: reverse("home"),
    ],
)
def test_list_pages_do_not_query_per_row(world, client, url):
    client.force_login(world.users["officer"])
    add_members(world.cell_a1, 3)
    unit_create(parent=world.province, kind=UnitKind.COMMUNE_COMMITTEE, name="Đảng bộ xã Cũ", actor=None)
    before = count_queries(client, url(world))
    add_members(world.cell_a2, 12)
    add_members(world.cell_b1, 12)
    for i in range(5):
        unit_create(parent=world.province, kind=UnitKind.COMMUNE_COMMITTEE, name=f"Đảng bộ xã Mới {i}", actor=None)
    assert count_queries(client, url(world)) == before


def test_unit_page_shows_members_posts_bodies_and_collective(world, client):
    client.force_login(world.users["officer"])
    body = client.get(reverse("orgs-unit", args=[world.commune_a.pk])).content.decode()
    assert "Bí thư Đảng ủy xã An Lạc" in body
    assert "Ủy ban nhân dân xã An Lạc" in body  # same-level body it leads
    assert "Ban Thường vụ Đảng ủy xã An Lạc" in body  # its leadership collective
    # Members in the Vietnamese order: An, Ánh, Bình, Cường.
    members = body[body.index('id="h-members"') :]
    order = [members.index(n) for n in ("Nguyễn Văn An", "Đặng Thị Ánh", "Bùi Văn Bình", "Trần Quốc Cường")]
    assert order == sorted(order)


def test_front_sees_organizations_but_not_member_lists(world, client):
    from danhgia.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(user=world.users["front_a"], role=Role.FRONT, unit=world.commune_a)
    client.force_login(world.users["front_a"])
    body = client.get(reverse("orgs-unit", args=[world.commune_a.pk])).content.decode()
    assert "Ủy ban nhân dân xã An Lạc" in body
    assert "Ngày vào Đảng" not in body  # no member table
    assert "Đặng Thị Ánh" not in body


def test_search_ignores_case_and_diacritics(world, client):
    client.force_login(world.users["officer"])
    body = client.get(reverse("people-search"), {"q": "nguyen van a"}).content.decode()
    assert "Nguyễn Văn An" in body
    body = client.get(reverse("people-search"), {"q": "dang"}).content.decode()
    assert "Đặng Thị Ánh" in body
    body = client.get(reverse("people-search"), {"q": "DANG ANH"}).content.decode()
    assert "Đặng Thị Ánh" in body


def test_htmx_search_returns_only_the_results_fragment(world, client):
    client.force_login(world.users["officer"])
    body = client.get(reverse("people-search"), {"q": "bui"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Bùi Văn Bình" in body and "<html" not in body
    # Each result names the cell and the unit above it: many cells share a name.
    assert world.cell_a1.parent.name in body


def test_search_results_cost_the_same_queries_for_any_number_of_rows(world, client, django_assert_max_num_queries):
    client.force_login(world.users["officer"])
    client.get(reverse("people-search"), {"q": "a"})  # warm the scope cache and the session
    with django_assert_max_num_queries(12):
        body = client.get(reverse("people-search"), {"q": "a"}).content.decode()
    assert "kết quả cho «a»" in body


def test_unit_page_lists_members_as_of_a_past_day(world, client):
    from danhgia.people.services import member_transfer

    member_transfer(member=world.people["binh"].party_member, to_cell=world.cell_b1, on=dt.date(2024, 6, 1), actor=None)
    client.force_login(world.users["officer"])
    url = reverse("orgs-unit", args=[world.cell_a1.pk])
    assert "Bùi Văn Bình" not in client.get(url).content.decode()
    assert "Bùi Văn Bình" in client.get(url, {"ngay": "31/12/2023"}).content.decode()
    assert "Bùi Văn Bình" in client.get(url, {"xem": "lich-su"}).content.decode()
    bad = client.get(url, {"ngay": "31-13-2023"}).content.decode()
    assert "không đúng dạng ngày/tháng/năm" in bad


def test_transfer_form_moves_the_member_and_bad_input_changes_nothing(world, client):
    client.force_login(world.users["officer"])
    member = world.people["binh"].party_member
    url = reverse("people-transfer", args=[world.people["binh"].pk])
    assert "Chi bộ Xóm Chợ" in client.get(url, {"tim": "xom cho"}).content.decode()
    response = client.post(url, {"tim": "xom cho", "to_cell": world.cell_b1.pk, "on": "32/01/2025", "note": ""})
    assert response.status_code == 200
    assert "Ngày chuyển sinh hoạt" in response.content.decode()
    assert Membership.objects.filter(member=member).count() == 1
    response = client.post(url, {"tim": "xom cho", "to_cell": world.cell_b1.pk, "on": "01/02/2009", "note": ""})
    assert "Ngày hiệu lực phải sau" in response.content.decode()
    assert Membership.objects.filter(member=member).count() == 1
    response = client.post(
        url, {"tim": "xom cho", "to_cell": world.cell_b1.pk, "on": "01/02/2025", "note": "Chuyển nơi ở"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(member=member, valid_to__isnull=True).unit == world.cell_b1


def test_period_form_errors_are_vietnamese_and_next_to_the_field(world, client):
    client.force_login(world.users["officer"])
    url = reverse("periods-create")
    count = Period.objects.count()
    body = client.post(url, {"unit": world.province.pk, "kind": "quarterly", "year": "2026"}).content.decode()
    assert "Kỳ hằng quý cần chọn quý từ 1 đến 4." in body
    body = client.post(url, {"unit": world.province.pk, "kind": "annual", "year": "abc"}).content.decode()
    assert "Nhập một số" in body or "số nguyên" in body
    assert Period.objects.count() == count
    response = client.post(url, {"unit": world.province.pk, "kind": "quarterly", "year": "2026", "quarter": "2"})
    assert response.status_code == 302
    assert Period.objects.count() == count + 1
    assert AuditEvent.objects.filter(action=Action.PERIOD_CREATED, actor=world.users["officer"]).exists()


def test_group_create_form_builds_and_fills_a_group(world, client):
    client.force_login(world.users["committee_a"])
    url = reverse("periods-group-create", args=[world.period.pk])
    assert "Đảng bộ xã An Lạc" in client.get(url, {"tim": "an lac"}).content.decode()
    response = client.post(
        url,
        {
            "tim": "an lac",
            "under": world.commune_a.pk,
            "name": "Đảng viên xã An Lạc",
            "subject_kind": "member",
            "rule_kind": "members_under",
        },
    )
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn An" in body and "Lê Thị Dung" not in body
    # Outside the manager's scope: refused next to the field, nothing created.
    response = client.post(
        url,
        {"tim": "", "under": world.commune_b.pk, "name": "Sai", "subject_kind": "member", "rule_kind": "members_under"},
    )
    assert response.status_code in {403, 404}


def test_login_logout_are_audited_and_failures_say_why(world, client):
    body = client.post(reverse("accounts-login"), {"username": "bantochuc", "password": "sai"}).content.decode()
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in body
    assert AuditEvent.objects.filter(action=Action.LOGIN_FAILED).exists()
    response = client.post(reverse("accounts-login"), {"username": "bantochuc", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor=world.users["officer"]).exists()
    client.post(reverse("accounts-logout"))
    assert client.get(reverse("home")).status_code == 302


def test_login_is_throttled_after_repeated_failures(world, client):
    for _ in range(5):
        client.post(reverse("accounts-login"), {"username": "bantochuc", "password": "sai"})
    response = client.post(reverse("accounts-login"), {"username": "bantochuc", "password": "mat-khau-thu-nghiem"})
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()


def test_numbers_use_the_vietnamese_thousands_separator(world, client):
    from danhgia.orgs.templatetags.danhgia import vn_number

    assert vn_number(69190) == "69.190"


def test_officer_adds_a_cell_assigns_its_secretary_and_ends_the_post(world, client):
    from danhgia.orgs.models import Unit
    from danhgia.people.models import Post

    client.force_login(world.users["officer"])
    response = client.post(reverse("orgs-add", args=[world.commune_b.pk]), {"kind": "chi_bo", "name": "Chi bộ Xóm Mới"})
    cell = Unit.objects.get(name="Chi bộ Xóm Mới")
    assert response["Location"] == reverse("orgs-unit", args=[cell.pk])
    # A cell cannot hold units: refused next to the field, nothing created.
    body = client.post(reverse("orgs-add", args=[cell.pk]), {"kind": "chi_bo", "name": "Chi bộ con"}).content.decode()
    assert "Chi bộ không có tổ chức trực thuộc." in body
    assert not Unit.objects.filter(name="Chi bộ con").exists()
    url = reverse("orgs-post-add", args=[cell.pk])
    assert "Lê Thị Dung" in client.get(url, {"tim": "le thi"}).content.decode()
    response = client.post(
        url,
        {
            "tim": "le thi",
            "choice": world.people["dung"].pk,
            "title": "Bí thư Chi bộ Xóm Mới",
            "role": "head",
            "starts_on": "01/03/2026",
        },
    )
    assert response.status_code == 302
    post = Post.objects.get(unit=cell, role="head")
    response = client.post(reverse("orgs-post-end", args=[cell.pk, post.pk]), {"ends_on": "01/02/2026"})
    assert "Ngày thôi giữ chức vụ phải sau ngày 01/03/2026." in response.content.decode()
    client.post(reverse("orgs-post-end", args=[cell.pk, post.pk]), {"ends_on": "01/06/2026"})
    post.refresh_from_db()
    assert str(post.ends_on) == "2026-06-01"


def test_unit_editing_is_for_officers_only(world, client):
    client.force_login(world.users["committee_a"])
    assert client.get(reverse("orgs-edit", args=[world.cell_a1.pk])).status_code == 403
    assert client.get(reverse("orgs-post-add", args=[world.cell_a1.pk])).status_code == 403
    client.force_login(world.users["officer"])
    response = client.post(reverse("orgs-edit", args=[world.cell_a1.pk]), {"name": "Chi bộ Xóm Đồng Mới"})
    assert response.status_code == 302
    world.cell_a1.refresh_from_db()
    assert world.cell_a1.name == "Chi bộ Xóm Đồng Mới"


def test_a_group_rate_is_typed_the_vietnamese_way(world, client):
    from danhgia.people.models import QuotaGroup

    client.force_login(world.users["officer"])
    url = reverse("periods-group-create", args=[world.period.pk])
    response = client.post(
        url,
        {
            "tim": "an lac",
            "under": world.commune_a.pk,
            "name": "Nhóm 25%",
            "subject_kind": "member",
            "rule_kind": "members_under",
            "rate": "0,25",
            "rate_reason": "Nghị quyết BTV",
            "rate_decided_by": "Ban Thường vụ Đảng ủy xã",
        },
    )
    assert response.status_code == 302
    assert str(QuotaGroup.objects.get(name="Nhóm 25%").rate) == "0.250"


def test_a_password_typed_as_the_username_stays_out_of_the_log(world, client):
    """Never log secrets: what was typed is kept only when it names an account."""
    client.post(reverse("accounts-login"), {"username": "MatKhau-Bi-Mat-2026", "password": "x"})
    client.post(reverse("accounts-login"), {"username": "bantochuc", "password": "sai"})
    failed = AuditEvent.objects.filter(action=Action.LOGIN_FAILED).order_by("id")
    assert failed.count() == 2
    assert not AuditEvent.objects.filter(target_label__contains="MatKhau").exists()
    assert not AuditEvent.objects.filter(old__icontains="MatKhau").exists()
    assert not AuditEvent.objects.filter(new__icontains="MatKhau").exists()
    assert failed.last().target_id == str(world.users["officer"].pk)


def test_a_username_longer_than_any_account_is_refused_by_the_form(world, client):
    """Found by the property test on PostgreSQL: 1,000 characters reached the lock-out's table (255) and failed."""
    response = client.post(reverse("accounts-login"), {"username": "9" * 1000, "password": " "})
    assert response.status_code == 200
