import datetime as dt
import json

import pytest
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from danhgia.accounts.models import Role, User
from danhgia.demo.generator import Plan, seed
from danhgia.orgs.models import Unit, UnitKind
from danhgia.people.models import Membership, MemberStatus, Person, QuotaGroupEntry
from danhgia.periods.models import Period

SCALE = 0.05


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo province, seeded once for the module inside a transaction rolled back at its end (each test
    runs in a savepoint within it): seeding takes seconds, and these tests only read it."""
    accounts_file = tmp_path_factory.mktemp("demo") / "demo-accounts.json"
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        summary = seed(scale=SCALE, out=lambda _: None, accounts_file=accounts_file)
        yield summary, accounts_file
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db, settings):
    settings.DEMO_MODE = True
    return seeded[0]


@pytest.fixture
def accounts(seeded):
    return json.loads(seeded[1].read_text(encoding="utf-8"))


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
    period = Period.objects.get(status="open")
    assert period.status == "open" and period.regime == "R2025"
    assert (
        QuotaGroupEntry.objects.filter(period=period, subject_kind="member").count()
        > demo.counts["members_present"] * 0.8
    )


def test_demo_reviews_are_open_and_one_commune_is_ready_to_decide(demo, client, settings):
    from danhgia.accounts.models import User
    from danhgia.reviews.models import Review

    period = Period.objects.get(status="open")
    assert demo.counts["reviews"] == Review.objects.filter(period=period).count() > demo.counts["members_present"]
    assert demo.counts["demo_proposed"] > 5
    # The demo member's own review waits for them; the commune secretary has a group to decide.
    member = User.objects.get(username="dangvien")
    assert member.person_id is not None
    own = Review.objects.get(period=period, kind__in=["member", "member_outside"], person_id=member.person_id)
    assert own.state == "draft"
    client.force_login(User.objects.get(username="bithu.dangbo"))
    page = client.get(f"/ky-danh-gia/{period.pk}/quyet-dinh/")
    assert page.status_code == 200


def test_demo_has_two_closed_years_of_decided_results(demo):
    from danhgia.reports import screening
    from danhgia.reviews.models import Decision, Review, Shortcoming

    past = list(Period.objects.filter(status="closed").order_by("year"))
    this_year = Period.objects.get(status="open").year
    assert [p.year for p in past] == [this_year - 2, this_year - 1]
    for period in past:
        reviews = Review.objects.filter(period=period)
        assert reviews.count() > demo.counts["members_present"] * 0.7
        assert not reviews.exclude(state="decided").exists()
        assert not reviews.filter(decision__isnull=True).exists()
        assert Decision.objects.filter(review__period=period, kind="recorded").count() == reviews.count()
        # The archive kept the rules: at most 20 % HTXS in each cell, no head above the cell they head.
        for cell_id in reviews.filter(kind="member").values_list("context_id", flat=True).distinct()[:50]:
            levels = list(reviews.filter(kind="member", context_id=cell_id).values_list("decision__level", flat=True))
            assert levels.count("HTXS") <= len(levels) * 0.2
        rank = {"HTXS": 0, "HTT": 1, "HT": 2, "KHT": 3}
        cells = dict(reviews.filter(kind="party_org").values_list("unit_id", "decision__level"))
        for level, cell_id in reviews.filter(kind="member", heads__isnull=False).values_list(
            "decision__level", "heads_id"
        ):
            assert rank[level] >= rank[cells[cell_id]]
    assert Shortcoming.objects.filter(status="open", deadline__lt=dt.date.today()).exists()
    province = Unit.objects.get(parent__isnull=True)
    report = screening.screening(province, past[-1], User.objects.get(username="bantochuc"))
    assert report.kht_twice.count > 0


def test_demo_accounts_one_per_role_written_to_json(demo, accounts):
    assert {a["role"] for a in accounts} == {r.value for r in Role}
    assert all(User.objects.get(username=a["username"]).check_password(a["password"]) for a in accounts)


def test_demo_accounts_log_in_only_in_demo_mode(demo, accounts, client, settings):
    account = accounts[1]
    credentials = {"username": account["username"], "password": account["password"]}
    settings.DEMO_MODE = False
    response = client.post(reverse("accounts-login"), credentials)
    assert response.status_code == 200 and "không đúng" in response.content.decode()
    settings.DEMO_MODE = True
    assert client.post(reverse("accounts-login"), credentials).status_code == 302
