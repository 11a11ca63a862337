"""Ids above 1,000 never reach a form, a link or an htmx attribute with a thousands separator.

The Vietnamese formats group digits ("5.439") for the numbers people read; an id rendered through
localization into `value=` or `href=` comes back as "5.439", which no view parses, so a form silently loses
what was ticked (issue 9, item 3). Every table's id sequence is set far above 1,000 before anything is
created; every page reachable by following links from the home page, as each persona, is then checked.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import Resolver404, resolve, reverse

from danhgia.reviews import complaints, decisions, opinions, services
from danhgia.reviews.models import EvaluatorGroup, Review
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.conftest import build_commune
from tests.reviews.helpers import fill, meet, propose

# A grouped number: "5.439", "12.345.678" (the Vietnamese thousands separator), or "5,439" (the English one).
GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![\d])")
# Attributes that people read, where a grouped number is right.
READ_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "content", "aria-valuetext"}
SKIPPED_PATHS = ("/static/", "/quan-tri/", "/i18n/", "/dang-xuat/", "/y-kien/lien-ket/")
DOWNLOADS = (".docx", ".pdf", ".xlsx", ".json", ".zip", ".csv")
PAGES_PER_VIEW = 3


def raise_id_sequences(start: int = 10_000, step: int = 1_000) -> None:
    """Make every table's next id `start + i * step` (distinct per table, all above 1,000)."""
    with connection.cursor() as cursor:
        for i, model in enumerate(apps.get_models()):
            pk = model._meta.pk
            if pk is None or pk.get_internal_type() not in {"AutoField", "BigAutoField", "SmallAutoField"}:
                continue
            table, value = model._meta.db_table, start + i * step
            if connection.vendor == "sqlite":
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value])
            elif connection.vendor == "postgresql":
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, pk.column, value])


class Page(HTMLParser):
    """The links of a page, the attributes that carry ids, and its forms' fields."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.bad: list[str] = []
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in READ_ATTRIBUTES or name == "class" or (name == "value" and tag in {"textarea"}):
                continue
            if name == "value" and tag == "input" and values.get("type", "text") in {"text", "search"}:
                continue  # what a person typed or will read, e.g. a single-use link
            if GROUPED.search(value):
                self.bad.append(f"<{tag} {name}={value!r}>")
        if tag == "input" and values.get("type") == "number":
            for name in ("value", "min", "max", "step"):
                if values.get(name) and not re.fullmatch(r"-?\d+(\.\d+)?", values[name]):
                    self.bad.append(f"<input type=number {name}={values[name]!r}>")
        for name in ("href", "hx-get"):
            if values.get(name) and tag != "link":
                self.links.append(values[name])
        if tag == "form":
            self.forms.append({"attrs": values, "fields": []})
        elif tag in {"input", "select", "textarea", "button"} and self.forms and values.get("name"):
            self.forms[-1]["fields"].append((tag, values))
        elif tag == "option" and self.forms and self.forms[-1]["fields"]:
            tag_, select = self.forms[-1]["fields"][-1]
            # A browser sends the selected option, else the first one.
            if tag_ == "select" and ("selected" in values or "value" not in select) and not select.get("_picked"):
                select["value"] = values.get("value", "")
                select["_picked"] = "selected" in values


def crawl(client, start: str = "/") -> tuple[dict[str, list[str]], Counter]:
    """Every page reachable from `start` (at most PAGES_PER_VIEW per view), and the bad attributes of each."""
    seen: set[str] = set()
    per_view: Counter = Counter()
    bad: dict[str, list[str]] = {}
    queue = [start]
    while queue:
        url = urldefrag(queue.pop(0)).url
        parts = urlsplit(url)
        if not url or parts.scheme or parts.netloc or url in seen or url.startswith(SKIPPED_PATHS):
            continue
        if parts.path.endswith(DOWNLOADS):
            continue
        seen.add(url)
        try:
            view = resolve(parts.path).url_name or parts.path
        except Resolver404:
            continue
        if per_view[view] >= PAGES_PER_VIEW:
            continue
        per_view[view] += 1
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        page = Page()
        page.feed(response.content.decode())
        if page.bad:
            bad[url] = page.bad
        queue.extend(urljoin(url, link) for link in page.links)
    return bad, per_view


@pytest.fixture
def big(db):
    """The review workflow's commune, every id above 10,000, with reviews in every state."""
    raise_id_sequences()
    world = build_commune()
    officer, committee = world.users["officer"], world.users["committee"]
    period: Any = world.period
    period_open_reviews(period=period, actor=officer)
    cell_a, cell_b, _cell_c = world.cells
    members = {
        cell.pk: list(Review.objects.filter(period=period, kind="member", context=cell).order_by("person__sort_key"))
        for cell in world.cells
    }
    # Cell A: submitted, proposed and decided; cell B: submitted; cell C: drafts with evidence.
    for cell in (cell_a, cell_b):
        for review in members[cell.pk]:
            fill(review, world.users.get(f"member:{review.person_id}") or officer, general=26, task=60, level="HTT")
    cell_review = Review.objects.get(period=period, kind="party_org", unit=cell_a)
    fill(cell_review, officer, general=26, task=60, level="HTT")
    meeting = meet(period, cell_a, officer)
    for review in [*members[cell_a.pk], cell_review]:
        propose(meeting, review, "HTT", officer)
    decisions.decide_suggested(reviews=decisions.group_reviews(period, world.groups["cells"]), actor=committee)
    decisions.decide_suggested(reviews=decisions.group_reviews(period, world.groups["members"]), actor=officer)
    for review in members[world.cells[2].pk]:
        services.evidence_add(
            review=review,
            upload=SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
            actor=officer,
        )
    decided = Review.objects.filter(period=period, decision__isnull=False, kind="member").first()
    assert decided is not None
    services.shortcoming_add(review=decided, description="Chậm báo cáo", actor=officer)
    complaint = complaints.complaint_file(
        review=decided, text="Xin xem lại.", actor=world.users.get(f"member:{decided.person_id}") or officer
    )
    complaints.complaint_assign(complaint=complaint, assignee=officer, actor=officer)
    group = opinions.group_create(
        period=period,
        unit=cell_b,
        kind="collective",
        name="Chi ủy Xóm Mít",
        reviews=members[cell_b.pk][:2],
        deadline=None,
        anonymity="named",
        actor=officer,
    )
    opinions.respondents_add(group=group, externals=[("Ông A", "")], users=[world.users["secretary_b"]], actor=officer)
    assert min(r.pk for r in Review.objects.all()) > 1_000
    return world


@pytest.mark.parametrize("persona", ["officer", "committee", "secretary_a", "secretary_b", "member"])
def test_no_page_renders_an_id_with_a_thousands_separator(big, client, persona):
    user = (
        big.users[persona]
        if persona != "member"
        else next(u for key, u in big.users.items() if key.startswith("member:"))
    )
    client.force_login(user)
    bad, visited = crawl(client)
    assert sum(visited.values()) > (40 if persona == "officer" else 5)
    assert not bad, "\n".join(f"{url}: {', '.join(attrs[:5])}" for url, attrs in bad.items())


def test_the_forms_of_the_workflow_render_ids_above_1000(big, client):
    """The pages named in the issue, each with its form, whether or not the crawl reached them."""
    client.force_login(big.users["officer"])
    period, cell_a, cell_b = big.period, big.cells[0], big.cells[1]
    draft = Review.objects.filter(period=period, kind="member", state="draft", person__user__isnull=False).first()
    assert draft is not None
    urls = [
        reverse("opinions-unit", args=[period.pk, cell_b.pk]),
        reverse("opinions-group", args=[EvaluatorGroup.objects.get().pk]),
        reverse("reviews-meeting", args=[period.pk, cell_b.pk]),
        reverse("reviews-meeting", args=[period.pk, cell_a.pk]),
        reverse("reviews-decide", args=[period.pk, big.groups["members"].pk]),
        reverse("reviews-decide", args=[period.pk, big.groups["cells"].pk]),
        reverse("periods-group", args=[period.pk, big.groups["members"].pk]),
        reverse("periods-groups", args=[period.pk]),
        reverse("periods-group-create", args=[period.pk]) + "?tim=hoa",
        reverse("periods-detail", args=[period.pk]),
        reverse("reviews-period", args=[period.pk]),
        reverse("orgs-unit", args=[cell_a.pk]),
        reverse("orgs-post-add", args=[cell_a.pk]) + "?tim=nguyen",
        reverse("orgs-move", args=[cell_a.pk]) + "?tim=hoa",
        reverse("people-transfer", args=[draft.person_id]) + "?tim=xom",
        reverse("reports-dashboard") + f"?don-vi={big.commune.pk}&ky={period.pk}",
        reverse("reports-synthesis") + f"?don-vi={big.commune.pk}&ky={period.pk}",
        reverse("reports-quotas") + f"?don-vi={big.commune.pk}&ky={period.pk}",
        reverse("reports-screening") + f"?don-vi={big.commune.pk}&ky={period.pk}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = Page()
        page.feed(response.content.decode())
        assert not page.bad, f"{url}: {page.bad[:5]}"
        assert page.forms or "bao-cao" in url, url
    # A draft is its author's: the self-review form, with its evidence list, as the member sees it.
    client.force_login(draft.person.user)
    response = client.get(reverse("reviews-self", args=[draft.pk]))
    page = Page()
    page.feed(response.content.decode())
    assert response.status_code == 200 and page.forms
    assert not page.bad, page.bad[:5]


def form_data(html: str, *, index: int = -1) -> dict[str, list[str]]:
    """What a browser would send from the page's form `index` as it stands (checked boxes, selected options)."""
    page = Page()
    page.feed(html)
    data: dict[str, list[str]] = {}
    for tag, attrs in page.forms[index]["fields"]:
        kind = attrs.get("type", "text")
        if tag == "button" or kind in {"submit", "button"}:
            continue
        if kind in {"checkbox", "radio"} and "checked" not in attrs:
            continue
        data.setdefault(attrs["name"], []).append(attrs.get("value", "on" if kind == "checkbox" else ""))
    return data


def test_an_opinion_group_is_created_from_the_page_with_ids_above_1000(big, client):
    client.force_login(big.users["officer"])
    period, cell = big.period, big.cells[0]
    url = reverse("opinions-unit", args=[period.pk, cell.pk])
    html = client.get(url).content.decode()
    data = form_data(html)
    boxes = re.findall(r'<input type="checkbox" name="review" value="([^"]+)"', html)
    assert len(boxes) >= 5 and all(int(v) > 1_000 for v in boxes)  # plain digits
    data.update({"review": boxes[:3], "kind": ["collective"], "name": ["Chi ủy Xóm Đồi"], "deadline": [""]})
    response = client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    group = EvaluatorGroup.objects.get(name="Chi ủy Xóm Đồi")
    assert sorted(str(pk) for pk in group.reviews.values_list("pk", flat=True)) == sorted(boxes[:3])


def test_a_refused_opinion_group_keeps_the_ticks(big, client):
    client.force_login(big.users["officer"])
    period, cell = big.period, big.cells[0]
    url = reverse("opinions-unit", args=[period.pk, cell.pk])
    boxes = re.findall(r'name="review" value="([^"]+)"', client.get(url).content.decode())
    response = client.post(url, {"review": boxes[:2], "kind": "collective", "name": "", "weight": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    ticked = re.findall(r'name="review" value="([^"]+)" checked', html)
    assert ticked == boxes[:2]


def test_meeting_grid_saves_with_ids_above_1000(big, client):
    client.force_login(big.users["officer"])
    period, cell = big.period, big.cells[1]
    url = reverse("reviews-meeting", args=[period.pk, cell.pk])
    html = client.get(url).content.decode()
    names = set(re.findall(r'name="level_(\d+)"', html))
    assert names and all(int(pk) > 1_000 for pk in names)
    assert not re.findall(r'name="(?:level|for|against|abstain|comment)_\d{1,3}\.\d{3}', html)


def test_a_batch_of_documents_shows_its_progress_with_ids_above_1000(big, client):
    from danhgia.documents import services as documents
    from danhgia.documents.models import DocumentJob, JobState

    officer = big.users["officer"]
    job = documents.job_create(period=big.period, unit=big.cells[0], subtree=False, formats=["docx"], actor=officer)
    # The worker's progress, as it writes it (a large commune: more than a thousand files).
    DocumentJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, total=1_500, done=1_200)
    client.force_login(officer)
    html = client.get(reverse("documents-job", args=[job.pk])).content.decode()
    page = Page()
    page.feed(html)
    assert f'id="tien-do-{job.pk}" value="1200" max="1500"' in html
    assert not page.bad, page.bad
