"""Security review: reviews and opinions views."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danhgia.audit.models import AuditEvent
from danhgia.reviews import decisions, opinions
from danhgia.reviews.models import Decision, EvaluatorGroup, Review
from tests.reviews.helpers import fill
from tests.reviews.test_opinions import DEADLINE
from tests.reviews.test_views import member_review, owner


def test_a_drafts_evidence_is_its_authors_alone(opened, client, settings, tmp_path):
    # The review page hides a draft's content (evidence included) from everyone but its author, and the
    # documents view refuses a draft's form to the secretary; the evidence file itself must follow the same rule.
    settings.MEDIA_ROOT = tmp_path
    review = member_review(opened)
    client.force_login(owner(opened, review))
    client.post(reverse("reviews-evidence-add", args=[review.pk]),
                {"file": SimpleUploadedFile("benh-an.pdf", b"%PDF-1.4 private")})  # fmt: skip
    evidence = review.evidence.get()
    assert Review.objects.get(pk=review.pk).state == "draft"
    url = reverse("reviews-evidence", args=[review.pk, evidence.pk])
    client.force_login(opened.users["secretary_a"])
    assert "benh-an.pdf" not in client.get(reverse("reviews-detail", args=[review.pk])).content.decode()
    response = client.get(url)
    status = response.status_code
    response.close()
    assert status == 403


def test_an_evidence_download_is_audited(opened, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    review = member_review(opened)
    client.force_login(owner(opened, review))
    client.post(reverse("reviews-evidence-add", args=[review.pk]), {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4")})
    evidence = review.evidence.get()
    fill(review, owner(opened, review), level="HTT")  # submitted: its evidence is the reviewers' to read
    client.force_login(opened.users["officer"])
    before = AuditEvent.objects.count()
    response = client.get(reverse("reviews-evidence", args=[review.pk, evidence.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.count() > before, "an evidence file (personal data) was handed out without audit"
    response.close()


def test_a_decision_scan_download_is_audited(proposed, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    row = next(r for r in rows if r.result.level == "HTT" and r.review.self_level == "HTT" and not r.blocked)
    [decision] = decisions.decide(
        reviews=decisions.group_reviews(proposed.period, group), levels={row.review.pk: "HTT"},
        actor=proposed.users["officer"], kind="recorded", number="1-QĐ/ĐU", signer="Bí thư",
        attachment=SimpleUploadedFile("qd.pdf", b"%PDF-1.4"),
    )  # fmt: skip
    client.force_login(proposed.users["officer"])
    before = AuditEvent.objects.count()
    response = client.get(reverse("reviews-decision-file", args=[row.review.pk, decision.pk]))
    assert response.status_code == 200
    assert AuditEvent.objects.count() > before, "a decision scan (personal data) was handed out without audit"
    response.close()


def test_a_recorded_decisions_scan_is_validated_like_evidence(proposed, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    row = next(r for r in rows if r.result.level == "HTT" and r.review.self_level == "HTT" and not r.blocked)
    client.force_login(proposed.users["officer"])
    url = reverse("reviews-decide", args=[proposed.period.pk, group.pk])
    data = {
        f"level_{row.review.pk}": "HTT", "recorded": "1", "number": "1-QĐ/ĐU", "signed_on": "20/12/2026",
        "signer": "Bí thư", "attachment": SimpleUploadedFile("qd.html", b"<script>alert(1)</script>"),
    }  # fmt: skip
    response = client.post(url, data)
    assert not Decision.objects.filter(review=row.review).exists(), "a .html 'scan' was accepted"
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["\u00b2", "\u2460"])  # "²", "①": str.isdigit() is true, int() raises
def test_a_non_ascii_digit_in_the_subjects_is_a_vietnamese_error_not_a_crash(opened, client, value):
    world = opened
    client.force_login(world.users["secretary_a"])
    unit_url = reverse("opinions-unit", args=[world.period.pk, world.cells[0].pk])
    response = client.post(unit_url, {"kind": "collective", "name": "Chi ủy", "deadline": DEADLINE.isoformat(),
                                      "weight": "1", "anonymity": "named", "min_respondents": "3",
                                      "review": [value]})  # fmt: skip
    assert response.status_code == 200 and "Hãy chọn ít nhất một" in response.content.decode()
    assert not EvaluatorGroup.objects.exists()


@pytest.mark.parametrize("value", ["\u00b2", "\u2460"])
@pytest.mark.parametrize("field", ["respondent", "user"])
def test_a_non_ascii_digit_on_the_group_page_is_a_vietnamese_error_not_a_crash(opened, client, value, field):
    world = opened
    group = opinions.group_create(
        period=world.period, unit=world.cells[0], kind="collective", name="Chi ủy", reviews=[member_review(world)],
        deadline=DEADLINE, actor=world.users["secretary_a"],
    )  # fmt: skip
    client.force_login(world.users["secretary_a"])
    data = {"action": "revoke", "respondent": value} if field == "respondent" else {"action": "add", "user": [value]}
    response = client.post(reverse("opinions-group", args=[group.pk]), data)
    assert response.status_code == 200
    assert not group.respondents.exists()
