"""Who may download which document, the audit of every download, and the links on the review pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from danhgia.audit.models import Action, AuditEvent
from tests.conftest import make_user
from tests.documents.conftest import NAME


def review_url(review, kind="ban-kiem-diem", fmt="pdf"):
    return reverse("documents-review", args=[review.pk, kind, fmt])


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_a_member_downloads_their_own_form_and_notice(docs, client_for, fmt):
    client = client_for(docs.user)
    response = client.get(review_url(docs.review, fmt=fmt))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/pdf" if fmt == "pdf" else "application/vnd.openxml")
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "no-store"
    # The file name is readable Vietnamese (RFC 5987), not an id.
    assert "filename*=utf-8''M%E1%BA%ABu%2002B%20-%20%C4%90%E1%BA%B7ng" in response["Content-Disposition"]
    assert client.get(review_url(docs.review, "thong-bao", fmt)).status_code == 200
    events = AuditEvent.objects.filter(action=Action.DOCUMENT_DOWNLOADED, actor=docs.user)
    assert events.count() == 2
    assert {e.new["document"] for e in events} == {"2B", "thong-bao"} and events.first().new["format"] == fmt
    assert events.first().target_id == str(docs.review.pk) and events.first().scope_path == docs.cell.path


def test_a_member_sees_no_one_elses_documents(docs, client_for):
    client = client_for(docs.user)
    other = docs.world.users["secretary_a"].person.reviews.get(kind="member")
    assert client.get(review_url(other)).status_code == 404
    period, cell = docs.world.period, docs.cell
    assert client.get(reverse("documents-minutes", args=[period.pk, cell.pk, "pdf"])).status_code == 404
    assert (
        client.get(reverse("documents-notice", args=[period.pk, cell.pk, docs.world.commune.pk, "pdf"])).status_code
        == 404
    )
    assert client.post(reverse("documents-batch", args=[period.pk, cell.pk]), {"formats": ["pdf"]}).status_code == 404
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=docs.user).count() == 4


def test_the_secretary_of_another_cell_is_refused(docs, client_for):
    client = client_for(docs.world.users["secretary_b"])
    period, cell = docs.world.period, docs.cell
    assert client.get(review_url(docs.review)).status_code == 404
    assert client.get(review_url(docs.review, "thong-bao")).status_code == 404
    assert client.get(reverse("documents-minutes", args=[period.pk, cell.pk, "docx"])).status_code == 404
    assert client.get(reverse("documents-batch", args=[period.pk, cell.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=Action.DOCUMENT_DOWNLOADED).exists()


def test_the_cell_secretary_and_the_province_officer_download_in_their_scope(docs, client_for):
    period, cell = docs.world.period, docs.cell
    for user in (docs.world.users["secretary_a"], docs.world.users["officer"]):
        client = client_for(user)
        assert client.get(review_url(docs.review)).status_code == 200
        assert client.get(reverse("documents-minutes", args=[period.pk, cell.pk, "pdf"])).status_code == 200
        url = reverse("documents-notice", args=[period.pk, cell.pk, docs.world.commune.pk, "docx"])
        assert client.get(url).status_code == 200
    # A draft is its author's until submitted: the secretary may not print it, the author may.
    assert client_for(docs.world.users["secretary_a"]).get(review_url(docs.draft)).status_code == 403
    from danhgia.accounts.models import User

    author = User.objects.filter(person=docs.draft.person).first() or make_user(
        "dv.nhap", "member", docs.cell, docs.draft.person
    )
    assert client_for(author).get(review_url(docs.draft)).status_code == 200
    # No decision yet: no notice.
    assert client_for(author).get(review_url(docs.draft, "thong-bao")).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(docs, client):
    period, cell = docs.world.period, docs.cell
    for url in (
        review_url(docs.review),
        reverse("documents-minutes", args=[period.pk, cell.pk, "pdf"]),
        reverse("documents-batch", args=[period.pk, cell.pk]),
        reverse("documents-templates", args=[docs.world.province.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts-login")), url


def test_the_review_pages_link_to_their_documents(docs, client_for):
    client = client_for(docs.user)
    page = client.get(reverse("reviews-detail", args=[docs.review.pk])).content.decode()
    assert "Tải Mẫu 02B:" in page and review_url(docs.review, fmt="docx") in page
    assert review_url(docs.review, "thong-bao", "pdf") in page
    secretary = client_for(docs.world.users["secretary_a"])
    page = secretary.get(reverse("reviews-meeting", args=[docs.world.period.pk, docs.cell.pk])).content.decode()
    assert reverse("documents-minutes", args=[docs.world.period.pk, docs.cell.pk, "docx"]) in page
    # Someone else's draft shows no download link to the secretary.
    page = secretary.get(reverse("reviews-detail", args=[docs.draft.pk])).content.decode()
    assert "Tải Mẫu" not in page


def test_a_notice_for_one_member_names_them(docs, client_for):
    response = client_for(docs.user).get(review_url(docs.review, "thong-bao", "docx"))
    from tests.documents.test_render import docx_text

    text = docx_text(response.content)
    assert NAME in text and "Kết quả đánh giá, xếp loại chất lượng đảng viên năm" in text
