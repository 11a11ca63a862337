import datetime as dt
import json
import re

import pytest
from django.db import models, transaction
from django.test import override_settings
from django.urls import reverse

from danhgia.accounts.models import Role, User
from danhgia.demo.generator import Plan, seed
from danhgia.orgs.models import Unit, UnitKind
from danhgia.people.models import Membership, MemberStatus, Person, Post, QuotaGroupEntry
from danhgia.periods.models import Period

SCALE = 0.05


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo province, seeded once for the module inside a transaction rolled back at its end (each test
    runs in a savepoint within it): seeding takes seconds, and these tests only read it."""
    accounts_file = tmp_path_factory.mktemp("demo") / "demo-accounts.json"
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        # The 2022 layout (province → district → commune), which these tests count; the default follows the year.
        summary = seed(scale=SCALE, layout="2022", out=lambda _: None, accounts_file=accounts_file)
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


def test_heads_of_party_units_are_official_members_admitted_years_ago(demo):
    from danhgia.orgs.models import PARTY_KINDS
    from danhgia.people.models import PartyMember, Post

    period = Period.objects.get(status="open")
    three_years_ago = period.starts_on.replace(year=period.starts_on.year - 3)
    heads = Post.objects.filter(role="head", ends_on__isnull=True, unit__kind__in=PARTY_KINDS)
    assert heads.count() >= Unit.objects.filter(kind__in=[UnitKind.CELL, UnitKind.GRASSROOTS_CELL]).count()
    members = PartyMember.objects.filter(person__posts__in=heads)
    assert not members.filter(official_on__isnull=True).exists()  # no probationary secretary
    assert not members.filter(admitted_on__gt=three_years_ago).exists()
    # Nobody holds a post (heads, deputies, committee members, heads of bodies) while probationary.
    assert not Post.objects.filter(ends_on__isnull=True, person__party_member__official_on__isnull=True).exists()
    # A post starts after its holder became an official member.
    assert not Post.objects.filter(starts_on__lt=models.F("person__party_member__official_on")).exists()


PLACE_WORD = re.compile(r"(?<!\w)(?:thành phố|huyện|xã(?! hội)|phường|thị trấn|tỉnh|khu vực) (\w+)")


def lowercase_places(text: str) -> list[str]:
    """The place names written in lowercase after "huyện", "xã" …: "thành phố hòa bình" → ["hòa"]."""
    return [word for word in PLACE_WORD.findall(text) if not word[0].isupper() and not word[0].isdigit()]


def test_place_names_in_unit_names_are_capitalised(demo):
    assert lowercase_places("Chi bộ Công an thành phố hòa bình") == ["hòa"]
    assert not lowercase_places("Bảo hiểm xã hội huyện Cao Phong; Chi bộ Công an thành phố Hòa Bình")
    for name, collective in Unit.objects.values_list("name", "collective_name"):
        assert not lowercase_places(name), name
        assert not lowercase_places(collective), collective


def test_every_demo_account_has_a_name_and_members_show_their_own(demo, accounts):
    for account in accounts:
        user = User.objects.select_related("person").get(username=account["username"])
        assert user.first_name and user.last_name, user.username
        assert account["name"] == user.get_full_name() != user.username
        if user.person is not None:
            assert user.get_full_name() == user.person.full_name
    linked = {a["username"] for a in accounts if a["person"]}
    assert {"bithu.dangbo", "bithu.chibo", "dangvien", "mttq"} <= linked


def test_demo_opinion_groups_are_due_with_the_periods_opinions_step(demo):
    from django.core.exceptions import ValidationError

    from danhgia.reviews import opinions
    from danhgia.reviews.models import EvaluatorGroup, Review

    period = Period.objects.get(status="open")
    phases = dict(period.phases.values_list("code", "deadline"))
    groups = EvaluatorGroup.objects.filter(period=period)
    assert groups.exists()
    assert set(groups.values_list("deadline", flat=True)) == {max(dt.date.today(), phases["opinions"])}
    assert all(g.deadline <= phases["decision"] for g in groups)
    # The service: an empty deadline is the opinions step's; one after the decision step is refused.
    group = groups.first()
    reviews = list(Review.objects.filter(period=period, context=group.unit)[:1])
    if phases["opinions"] >= dt.date.today():
        made = opinions.group_create(
            period=period, unit=group.unit, kind="other", name="Nhóm thử", reviews=reviews, deadline=None, actor=None
        )
        assert made.deadline == phases["opinions"]
    with pytest.raises(ValidationError) as exc:
        opinions.group_create(
            period=period,
            unit=group.unit,
            kind="other",
            name="Nhóm thử",
            reviews=reviews,
            deadline=phases["decision"] + dt.timedelta(days=1),
            actor=None,
        )
    assert set(exc.value.message_dict) == {"deadline"}
    assert "hạn quyết định xếp loại" in exc.value.message_dict["deadline"][0]


def test_past_decisions_are_numbered_by_their_committee_and_signed_by_who_held_the_post(demo):
    """The archive's decisions carry the deciding committee's own symbol (a district committee's «-QĐ/HU», a
    commune's «-QĐ/ĐU») and no placeholder for a signer: their notices name who was secretary that year."""
    from danhgia.documents import contexts
    from danhgia.reviews.models import Decision

    past = Period.objects.filter(status="closed").order_by("-year").first()
    recorded = Decision.objects.filter(review__period=past, kind="recorded").select_related("authority")
    assert not recorded.exclude(signer="").exists()
    district = [d for d in recorded if d.authority.name.startswith("Đảng bộ huyện ")]
    commune = [d for d in recorded if d.authority.kind == UnitKind.COMMUNE_COMMITTEE]
    assert district and all(d.number.endswith("-QĐ/HU") for d in district)
    assert commune and all(d.number.endswith("-QĐ/ĐU") for d in commune)
    # A commune committee with a secretary on the day of the decision: its notice names them.
    signed_on = recorded.first().signed_on
    held = Post.objects.filter(unit__kind=UnitKind.COMMUNE_COMMITTEE, role="head", starts_on__lte=signed_on).filter(
        models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=signed_on)
    )
    post = next(p for p in held.select_related("person", "unit") if p.unit.context_reviews.filter(period=past).exists())
    decided = [d for d in recorded if d.authority_id == post.unit_id]
    place = decided[0].review.context
    reviews = contexts.notice_reviews(past, place)[post.unit_id]
    notice = contexts.notice_document(reviews, place, post.unit)
    assert notice.context["nguoi_ky"] == post.person.full_name


@pytest.mark.parametrize("username", ["dangvien", "mttq"])
def test_demo_member_and_front_read_the_groups_sizes_not_their_rosters(demo, client, username):
    """The probe of issue 16 (item 3): the commune's group page named all its members to these two accounts."""
    period = Period.objects.get(status="open")
    user = User.objects.get(username=username)
    client.force_login(user)
    listing = client.get(reverse("periods-groups", args=[period.pk])).content.decode()
    group_ids = {int(pk) for pk in re.findall(rf"/ky-danh-gia/{period.pk}/nhom/(\d+)/", listing)}
    assert group_ids
    entries = QuotaGroupEntry.objects.filter(group_id__in=group_ids, person__isnull=False).exclude(person=user.person)
    hidden = 0
    for group_id in group_ids:
        body = client.get(reverse("periods-group", args=[period.pk, group_id])).content.decode()
        size = QuotaGroupEntry.objects.filter(group_id=group_id).count()
        assert f"Danh sách ({size:,})".replace(",", ".") in body
        others = [str(e.person) for e in entries.filter(group_id=group_id).select_related("person")]
        assert not [name for name in others if name in body], group_id
        hidden += len(others)
    assert hidden > 100  # the groups they see hold the commune's members
