import io
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from danhgia.accounts.models import Role, User
from danhgia.demo.generator import Plan, seed
from danhgia.orgs.models import Unit, UnitKind
from danhgia.people.models import Membership, MemberStatus, Person, QuotaGroupEntry
from danhgia.periods.models import Period

SCALE = 0.05


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.DEMO_MODE = True
    return seed(scale=SCALE, out=lambda _: None, accounts_file=tmp_path / "demo-accounts.json")


def test_demo_province_has_the_shape_of_hoa_binh_2022(demo):
    plan = Plan.at(SCALE)
    counts = demo.counts
    assert counts["members_present"] == plan.members == round(69190 * SCALE)
    assert counts["grassroots"] == plan.grassroots
    assert counts["cells_under_committees"] == plan.cells
    assert counts["affiliated_committees"] == 13  # 10 district-level + 3 blocs, at every scale
    assert counts["probationary"] == plan.probationary
    assert 0.10 <= counts["exempt"] / counts["members_present"] <= 0.15


def test_demo_people_look_vietnamese(demo):
    people = list(Person.objects.all()[:500])
    assert any(p.family_name == "Nguyễn" for p in people)
    assert any(p.ethnicity == "Mường" for p in people)  # Hòa Bình: Mường are the majority
    assert all(p.sort_key and p.search_text.startswith(" ") for p in people)
    # History: moves and exemptions close a stay; some members transferred out or left.
    assert Membership.objects.filter(valid_to__isnull=False).exists()
    assert Membership.objects.filter(
        valid_to__isnull=True, status__in=[MemberStatus.TRANSFERRED, MemberStatus.LEFT]
    ).exists()


def test_every_cell_has_a_secretary_and_bodies_have_heads(demo):
    cells = Unit.objects.filter(kind__in=[UnitKind.CELL, UnitKind.GRASSROOTS_CELL])
    without = cells.exclude(posts__role="head", posts__ends_on__isnull=True)
    assert not without.exists()
    ubnd = Unit.objects.filter(kind=UnitKind.PEOPLES_COMMITTEE).first()
    assert ubnd is not None
    assert ubnd.posts.filter(role="head", ends_on__isnull=True).exists()


def test_demo_opens_a_period_with_filled_quota_groups(demo):
    period = Period.objects.get()
    assert period.status == "open" and period.regime == "R2025"
    assert (
        QuotaGroupEntry.objects.filter(period=period, subject_kind="member").count()
        > demo.counts["members_present"] * 0.8
    )


def test_demo_reviews_are_open_and_one_commune_is_ready_to_decide(demo, client, settings):
    from danhgia.accounts.models import User
    from danhgia.reviews.models import Review

    period = Period.objects.get()
    assert demo.counts["reviews"] == Review.objects.filter(period=period).count() > demo.counts["members_present"]
    assert demo.counts["demo_proposed"] > 5
    # The demo member's own review waits for them; the commune secretary has a group to decide.
    member = User.objects.get(username="dangvien")
    assert member.person_id is not None
    own = Review.objects.get(period=period, kind__in=["member", "member_outside"], person_id=member.person_id)
    assert own.state == "draft"
    settings.DANHGIA_DEMO = True
    client.force_login(User.objects.get(username="bithu.dangbo"))
    page = client.get(f"/ky-danh-gia/{period.pk}/quyet-dinh/")
    assert page.status_code == 200


def test_demo_accounts_one_per_role_written_to_json(demo, tmp_path):
    accounts = json.loads((tmp_path / "demo-accounts.json").read_text(encoding="utf-8"))
    assert {a["role"] for a in accounts} == {r.value for r in Role}
    assert all(User.objects.get(username=a["username"]).check_password(a["password"]) for a in accounts)


def test_demo_accounts_log_in_only_in_demo_mode(demo, client, settings, tmp_path):
    account = json.loads((tmp_path / "demo-accounts.json").read_text(encoding="utf-8"))[1]
    credentials = {"username": account["username"], "password": account["password"]}
    settings.DEMO_MODE = False
    response = client.post(reverse("accounts-login"), credentials)
    assert response.status_code == 200 and "không đúng" in response.content.decode()
    settings.DEMO_MODE = True
    assert client.post(reverse("accounts-login"), credentials).status_code == 302


def test_the_2025_layout_has_no_district_level(db, settings, tmp_path):
    settings.DEMO_MODE = True
    seed(scale=0.02, layout="2025", out=lambda _: None, accounts_file=tmp_path / "a.json")
    assert not Unit.objects.filter(kind=UnitKind.DISTRICT_COMMITTEE).exists()
    province = Unit.objects.get(parent__isnull=True)
    assert Unit.objects.filter(parent=province, kind=UnitKind.COMMUNE_COMMITTEE).exists()


def test_demo_command_refuses_outside_demo_mode_and_twice(db, settings, tmp_path):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="DANHGIA_DEMO=1"):
        call_command("demo", "--scale", "0.01", "--accounts-file", str(tmp_path / "a.json"))
    settings.DEMO_MODE = True
    call_command("demo", "--scale", "0.01", "--accounts-file", str(tmp_path / "a.json"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("demo", "--scale", "0.01", "--accounts-file", str(tmp_path / "a.json"))
    call_command("demo", "--if-empty", "--accounts-file", str(tmp_path / "a.json"), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("args", "message"), [(["--scale", "abc"], "không phải là một số"), (["--scale", "5"], "tỷ lệ phải từ")]
)
def test_bad_command_line_arguments_get_a_vietnamese_message_and_exit_2(args, message, tmp_path):
    env = {"DANHGIA_DEMO": "1", "DANHGIA_SQLITE_PATH": str(tmp_path / "x.sqlite3"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "danhgia", "demo", *args], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "x.sqlite3").exists() or (tmp_path / "x.sqlite3").stat().st_size == 0
