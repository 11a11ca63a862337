"""No page names a person the viewer may not see (issue 16, item 3).

A commune's quota group page gave a plain member and the Fatherland Front the full names of all its members. Here
every persona of a commune in mid-period (reviews proposed and decided, a meeting, an opinion group, a complaint, a
shortcoming, a second commune beside it) walks every page it reaches: by following the links and htmx requests of
the pages from the home page, and by asking for every page of every object of the world directly (units, persons,
reviews, groups, decision pages, reports with every unit, opinion groups and sheets, complaints, documents, imports,
the audit log, search), downloads included (Excel, Word, PDF and JSON read as text). Each response must name no
person outside the persona's allowed set, which is written here from the model of docs/permissions.md («Ai thấy
tên ai»), independently of the code under test:

- the officer and the inspector of the province: everyone (not walked: nothing to find);
- the commune committee and an inspector of the commune: everyone with a stay or a post in the commune, and the
  leaders of the committees above it;
- a cell secretary: the members of their cell, the leaders of their cell and of the committees above it (who sign
  its papers), the respondents of their cell's opinion groups and the accounts they may ask for opinions (those on
  the committee above that are not plain members: its secretary, the Front's representative);
- a plain member: themselves, the subjects of the opinion sheets given to them, and the leaders of their cell and of
  the committees above it (who sign their papers);
- the Fatherland Front: themselves and the leaders (holders of posts) of the units under the commune, which the
  organization pages show; no member of no list.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import subprocess
import zipfile
from collections import Counter
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from danhgia.accounts.access import ancestor_paths
from danhgia.accounts.models import Role, User
from danhgia.orgs.models import Locality, Unit, UnitKind, subtree_q
from danhgia.orgs.services import unit_create
from danhgia.people.models import Membership, Person, Post, QuotaGroup, SubjectKind
from danhgia.people.quota import quota_group_create, quota_group_fill
from danhgia.people.services import member_admit, person_create, post_assign
from danhgia.reviews import complaints, decisions, opinions, services
from danhgia.reviews.models import Complaint, EvaluatorGroup, Respondent, Review
from danhgia.reviews.opening import period_open_reviews
from tests.conftest import make_user
from tests.reports.test_exports import tool
from tests.reviews.conftest import build_commune
from tests.reviews.helpers import everyone_proposed
from tests.shared import shared
from tests.test_big_ids import Page

SKIPPED_PATHS = ("/static/", "/quan-tri/", "/i18n/", "/dang-xuat/", "/y-kien/lien-ket/")
LINKS_PER_VIEW = 4  # pages reached by following links, per view (every object's pages are asked for directly)


def build_everyone() -> Any:
    """The review workflow's commune, everyone proposed and decided, with the personas of every role."""
    world: Any = build_commune()
    officer = world.users["officer"]
    period_open_reviews(period=world.period, actor=officer)
    everyone_proposed(world)
    decisions.decide_suggested(
        reviews=decisions.group_reviews(world.period, world.groups["members"]),
        actor=world.users["committee"],
        reasons={},
    )
    # The Fatherland Front of the commune, led by someone who is not a party member.
    front = unit_create(parent=world.commune, kind=UnitKind.FRONT, name="Ủy ban MTTQ Việt Nam xã Hòa Bình", actor=None)
    chair = person_create(family_name="Phạm", middle_name="Thị", given_name="Mặt Trận", gender="nu", actor=None)
    post_assign(person=chair, unit=front, title="Chủ tịch Ủy ban MTTQ", role="head", starts_on=dt.date(2020, 1, 1),
                actor=None)  # fmt: skip
    world.users["front"] = make_user("mttq.hoabinh", Role.FRONT, world.commune, chair)
    world.users["inspector"] = make_user("kiemtra.tinh", Role.INSPECTOR, world.province)
    world.users["inspector_commune"] = make_user("kiemtra.xa", Role.INSPECTOR, world.commune)
    # A plain member whose role was given on the commune rather than on their cell (Xóm Vố).
    world.users["member_on_commune"] = make_user("dangvien.xa", Role.MEMBER, world.commune,
                                                 world.members[world.cells[2].name][4])  # fmt: skip
    # A second commune beside it: names no one in Hòa Bình may read.
    other = unit_create(parent=world.province, kind=UnitKind.COMMUNE_COMMITTEE, name="Đảng bộ xã Tân Lập",
                        locality=Locality.COMMUNE, is_grassroots=True, actor=None)  # fmt: skip
    other_cell = unit_create(parent=other, kind=UnitKind.CELL, name="Chi bộ Thôn Mới", actor=None)
    for i in range(3):
        person = person_create(family_name="Vũ", middle_name="Thị", given_name=f"Ngoài {i}", gender="nu",
                               birth_date=dt.date(1985, 1, 1), actor=None)  # fmt: skip
        member_admit(person=person, cell=other_cell, admitted_on=dt.date(2010, 1, 1),
                     official_on=dt.date(2011, 1, 1), actor=None)  # fmt: skip
        if i < 2:
            post_assign(person=person, unit=(other_cell, other)[i], title=f"Bí thư {(other_cell, other)[i].name}",
                        role="head", is_leader=bool(i), in_collective=bool(i), starts_on=dt.date(2020, 1, 1),
                        actor=None)  # fmt: skip
    period_open_reviews(period=world.period, actor=officer, scope=other)
    # A plain member of cell Đồi asked for their opinion on two members of cell Mít.
    cell_a, cell_b, _cell_c = world.cells
    member = next(u for key, u in world.users.items() if key.startswith("member:") and u.roles.get().unit == cell_a)
    world.users["member"] = member
    mit = list(Review.objects.filter(period=world.period, kind="member", context=cell_b).order_by("person__sort_key"))
    group = opinions.group_create(period=world.period, unit=cell_b, kind="collective", name="Chi ủy Xóm Mít",
                                  reviews=mit[:2], anonymity="named", actor=officer)  # fmt: skip
    opinions.respondents_add(group=group, users=[member], externals=[("Ông Ngoài Cuộc", "")], actor=officer)
    # A complaint and a shortcoming on a decided review of cell Đồi.
    decided = Review.objects.filter(period=world.period, kind="member", context=cell_a, decision__isnull=False,
                                    person__user__isnull=False).exclude(person=member.person).first()  # fmt: skip
    assert decided is not None
    services.shortcoming_add(review=decided, description="Chậm nộp báo cáo", actor=officer)
    complaint = complaints.complaint_file(review=decided, text="Xin xem lại mức xếp loại.", actor=decided.person.user)
    complaints.complaint_assign(complaint=complaint, assignee=officer, actor=officer)
    # A province-wide group, seen from each commune: the communes' secretaries.
    rule = {"kind": "post_holders", "under": world.province.pk, "unit_kinds": [UnitKind.COMMUNE_COMMITTEE]}
    leaders = quota_group_create(period=world.period, unit=world.province, name="Bí thư đảng ủy xã",
                                 subject_kind=SubjectKind.LEADER, rule=rule, actor=None)  # fmt: skip
    assert quota_group_fill(group=leaders, actor=None).total == 2
    world.other, world.other_cell = other, other_cell
    return world


everyone = shared("everyone", build_everyone)


def persons_under(unit: Unit) -> set[int]:
    """Everyone with a stay or a post in the unit's subtree."""
    inside = subtree_q(unit.path, "unit__path")
    return set(Membership.objects.filter(inside).values_list("member__person_id", flat=True)) | set(
        Post.objects.filter(inside).values_list("person_id", flat=True)
    )


def leaders_over(unit: Unit) -> set[int]:
    """The holders of posts of the unit and of the committees above it: they sign its papers (minutes, notices of
    decisions)."""
    return set(Post.objects.filter(unit__path__in=ancestor_paths(unit.path)).values_list("person_id", flat=True))


def allowed(world: Any, persona: str) -> set[int]:
    user = world.users[persona]
    if persona in {"committee", "inspector_commune"}:
        return persons_under(world.commune) | leaders_over(world.commune)
    if persona.startswith("secretary_"):
        cell = user.roles.get().unit
        members = Membership.objects.filter(unit=cell).values_list("member__person_id", flat=True)
        # Whom the cell's opinion groups ask, and whom it may ask: the accounts that are not plain members on the
        # committee above (its secretary, the Front's representative).
        asked = Respondent.objects.filter(group__unit=cell, user__isnull=False)
        respondents = asked.values_list("user__person_id", flat=True)
        candidates = User.objects.filter(roles__unit=cell.parent).exclude(roles__role=Role.MEMBER)
        return {*members, *leaders_over(cell), *respondents, *candidates.values_list("person_id", flat=True)}
    if persona == "member":
        sheets = Review.objects.filter(evaluator_groups__respondents__user=user)
        cell = Membership.objects.get(member__person=user.person, valid_to__isnull=True).unit
        return {user.person_id, *sheets.values_list("person_id", flat=True), *leaders_over(cell)}
    if persona == "front":
        leaders = Post.objects.filter(subtree_q(world.commune.path, "unit__path")).values_list("person_id", flat=True)
        return {user.person_id, *leaders}
    raise AssertionError(persona)


def text_of(response: Any) -> str:
    """What a person reads in the response: a page, or a download's text."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if kind.startswith(("text/", "application/json")):
        return html.unescape(content.decode())
    if content[:4] == b"%PDF":
        result = subprocess.run([tool("pdftotext"), "-", "-"], input=content, capture_output=True, check=True)
        return result.stdout.decode()
    if content[:2] == b"PK":
        texts = []
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for name in archive.namelist():
                if name.endswith(".xml"):
                    texts.append(re.sub(r"<[^>]+>", "", archive.read(name).decode()))
                elif name.endswith((".docx", ".xlsx", ".pdf")):  # a batch: its documents
                    inner = type("R", (), {"streaming": False, "content": archive.read(name), "get": {}.get})
                    texts.append(text_of(inner))
        return html.unescape("\n".join(texts))
    raise AssertionError(f"unread content {kind!r}")


def object_urls(world: Any) -> list[str]:
    """Every page of every object of the world, whoever may open it."""
    period = world.period
    units = list(Unit.objects.all())
    persons = list(Person.objects.all())
    reviews = list(Review.objects.filter(period=period))
    groups = list(QuotaGroup.objects.filter(period=period))
    urls = [
        "/",
        reverse("people-search") + "?q=van",
        reverse("people-search") + "?q=thi",
        reverse("orgs-tree"),
        reverse("orgs-missing-heads"),
        reverse("audit-list"),
        reverse("imports-list"),
        reverse("reports-synthesis-pdf") + f"?don-vi={world.commune.pk}&ky={period.pk}",
        reverse("notifications"),
        reverse("opinions-mine"),
        reverse("periods-list"),
        reverse("periods-detail", args=[period.pk]),
        reverse("periods-groups", args=[period.pk]),
        reverse("reviews-period", args=[period.pk]),
        reverse("reviews-omissions", args=[period.pk]),
        reverse("reviews-decisions", args=[period.pk]),
        reverse("reviews-decide", args=[period.pk, 0]),
        reverse("reviews-complaints", args=[period.pk]),
    ]
    for group in groups:
        urls += [
            reverse("periods-group", args=[period.pk, group.pk]),
            reverse("periods-group", args=[period.pk, group.pk]) + "?tim=van",
            reverse("reviews-decide", args=[period.pk, group.pk]),
        ]
    for unit in units:
        urls += [
            reverse("orgs-unit", args=[unit.pk]),
            reverse("orgs-children", args=[unit.pk]),
            reverse("orgs-post-add", args=[unit.pk]) + "?tim=van",
            reverse("reviews-unit", args=[period.pk, unit.pk]),
            reverse("reviews-meeting", args=[period.pk, unit.pk]),
            reverse("opinions-unit", args=[period.pk, unit.pk]),
            reverse("documents-minutes", args=[period.pk, unit.pk, "docx"]),
            reverse("documents-batch", args=[period.pk, unit.pk]),
            reverse("documents-templates", args=[unit.pk]),
            reverse("imports-export", args=[unit.pk]),
        ]
        for report in ("reports-dashboard", "reports-synthesis", "reports-quotas", "reports-screening"):
            urls.append(reverse(report) + f"?don-vi={unit.pk}&ky={period.pk}")
        for download in ("reports-synthesis-xlsx", "reports-quotas-xlsx", "reports-screening-xlsx"):
            urls.append(reverse(download) + f"?don-vi={unit.pk}&ky={period.pk}")
    for person in persons:
        urls += [reverse("people-person", args=[person.pk]), reverse("reports-profile", args=[person.pk])]
    papers: set[tuple[str, int | None]] = set()
    for review in reviews:
        urls += [reverse("reviews-detail", args=[review.pk]), reverse("opinions-review", args=[review.pk])]
        # A review's papers name its subject and whoever signs for its place: one review of each kind and place.
        if (review.kind, review.context_id) not in papers:
            papers.add((review.kind, review.context_id))
            urls += [
                reverse("documents-review", args=[review.pk, "ban-kiem-diem", "docx"]),
                reverse("documents-review", args=[review.pk, "thong-bao", "docx"]),
            ]
    for opinion_group in EvaluatorGroup.objects.all():
        urls.append(reverse("opinions-group", args=[opinion_group.pk]))
    for respondent in Respondent.objects.all():
        urls.append(reverse("opinions-sheet", args=[respondent.pk]))
    for complaint in Complaint.objects.all():
        urls.append(reverse("reviews-complaint", args=[complaint.pk]))
    return urls


def walk(client: Any, seeds: list[str]) -> dict[str, str]:
    """The text of every page served (status 200) from the seeds, all asked for, and the pages their links and htmx
    requests reach (at most LINKS_PER_VIEW per view)."""
    served: dict[str, str] = {}
    per_view: Counter = Counter()
    queue = [(url, True) for url in seeds]
    seen: set[str] = set()
    while queue:
        url, seeded = queue.pop(0)
        url = urldefrag(url).url
        parts = urlsplit(url)
        if not url or parts.scheme or parts.netloc or url in seen or url.startswith(SKIPPED_PATHS):
            continue
        seen.add(url)
        try:
            view = resolve(parts.path).url_name or parts.path
        except Resolver404:
            continue
        if not seeded:
            if per_view[view] >= LINKS_PER_VIEW:
                continue
            per_view[view] += 1
        response = client.get(url)
        if response.status_code != 200:
            continue
        served[url] = text_of(response)
        if response.get("Content-Type", "").startswith("text/html"):
            page = Page()
            page.feed(response.content.decode())
            queue.extend((urljoin(url, link), False) for link in page.links)
    return served


# The officer and the inspector of the province may name everyone in it: the walk is for those who may not.
@pytest.mark.parametrize("persona", ["committee", "inspector_commune", "secretary_a", "secretary_b", "member", "front"])
def test_no_page_names_a_person_outside_the_viewers_set(everyone, client, persona):
    world = everyone
    names = {p.pk: p.full_name for p in Person.objects.all()}
    may_see = allowed(world, persona) - {None}
    client.force_login(world.users[persona])
    served = walk(client, object_urls(world))
    assert len(served) > 10
    leaks = {
        url: sorted(name for pk, name in names.items() if pk not in may_see and name in text)
        for url, text in served.items()
    }
    leaks = {url: found for url, found in leaks.items() if found}
    assert not leaks, "\n".join(f"{url}: {', '.join(found[:6])}" for url, found in sorted(leaks.items()))
    # The walk reached names the persona may see besides their own (it would pass on pages that name no one).
    others = {names[pk] for pk in may_see - {world.users[persona].person_id}}
    assert any(name in text for text in served.values() for name in others)
