"""Recording a decision taken outside the system through the API: the decision page's checks, form and service."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from danhgia.api.models import ApiToken
from danhgia.audit.models import Action, AuditEvent
from danhgia.reviews import decisions
from danhgia.reviews.models import Decision, ReviewState

SIGNED = {"number": "125-QĐ/ĐU", "signed_on": "2026-12-20", "signer": "Bí thư Đảng ủy"}


def url(review):
    return f"/api/v1/reviews/{review.pk}/decision/"


def decidable(world, level="HTT", not_of=None):
    """A member's review the engine would put at `level`, self-assessed the same, decidable now (and not the review
    of `not_of`'s person)."""
    rows, _ = decisions.preview(decisions.group_reviews(world.period, world.groups["members"]))
    return next(
        r
        for r in rows
        if r.result.level == level and r.review.self_level == level and not r.blocked
        and (not_of is None or r.review.person_id != not_of.person_id)
    )  # fmt: skip


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_signed_decision_is_recorded_with_its_scan(proposed, token_of, post, media):
    row = decidable(proposed)
    officer = proposed.users["officer"]
    raw = token_of(officer, write=True)
    data = {"level": "HTT", **SIGNED, "scan": SimpleUploadedFile("qd.pdf", b"%PDF-1.4")}
    response = post(raw, url(row.review), data)
    assert response.status_code == 201, response.content
    assert response["Cache-Control"] == "no-store" and "ETag" not in response
    decision = Decision.objects.get(review=row.review)
    assert response.json() == {
        "review_id": row.review.pk,
        "decision_id": decision.pk,
        "kind": "recorded",
        "level": "HTT",
        "number": "125-QĐ/ĐU",
        "signed_on": "2026-12-20",
        "signer": "Bí thư Đảng ủy",
        "reason": "",
        "has_scan": True,
        "state": "decided",
    }
    assert (decision.kind, decision.decided_by_id) == ("recorded", officer.pk)
    with decision.attachment.open("rb") as scan:
        assert scan.read() == b"%PDF-1.4"
    row.review.refresh_from_db()
    assert row.review.state == ReviewState.DECIDED and row.review.decision_id == decision.pk
    event = AuditEvent.objects.get(action=Action.DECISION_RECORDED, target_id=str(row.review.pk))
    token = ApiToken.objects.get(user=officer)
    assert event.source == f"api:{token.pk}" and event.actor_id == officer.pk
    assert event.new["number"] == "125-QĐ/ĐU" and event.new["level"] == "HTT"
    # Decided: a second decision is refused by the service, naming the level.
    again = post(raw, url(row.review), {"level": "HTT", **SIGNED})
    assert again.status_code == 400 and again.json()["errors"][0]["parameter"] == "level"
    assert "Đã quyết định" in again.json()["detail"]
    assert Decision.objects.filter(review=row.review).count() == 1


def test_a_day_first_date_and_no_scan(proposed, token_of, post, media):
    row = decidable(proposed)
    response = post(token_of(proposed.users["officer"], write=True), url(row.review),
                    {"level": "HTT", **SIGNED, "signed_on": "20/12/2026"})  # fmt: skip
    assert response.status_code == 201 and response.json()["signed_on"] == "2026-12-20"
    assert response.json()["has_scan"] is False


@pytest.mark.parametrize(
    ("data", "parameters"),
    [
        ({"level": "HTT"}, ["number", "signed_on", "signer"]),
        ({"level": "HTT", **SIGNED, "number": ""}, ["number"]),
        ({"level": "HTT", **SIGNED, "signed_on": "31/02/2026"}, ["signed_on"]),
        ({"level": "HTT", **SIGNED, "signed_on": "1800-01-01"}, ["signed_on"]),
        ({"level": "HTT", **SIGNED, "signer": "x" * 121}, ["signer"]),
        ({**SIGNED}, ["level"]),
        ({"level": "XYZ", **SIGNED}, ["level"]),
        ({"level": "HTT", **SIGNED, "levels": "HTT"}, ["levels"]),  # a field this address does not read
    ],
)
def test_missing_or_bad_fields_are_named_and_nothing_is_written(proposed, token_of, post, media, data, parameters):
    row = decidable(proposed)
    response = post(token_of(proposed.users["officer"], write=True), url(row.review), data)
    assert response.status_code == 400, response.content
    body = response.json()
    assert [e["parameter"] for e in body["errors"]] == parameters
    assert body["detail"] == body["errors"][0]["message"]
    assert not Decision.objects.filter(review=row.review).exists()
    assert not AuditEvent.objects.filter(action=Action.DECISION_RECORDED).exists()


def test_the_missing_number_is_the_pages_message(proposed, token_of, post, media):
    row = decidable(proposed)
    body = post(token_of(proposed.users["officer"], write=True), url(row.review), {"level": "HTT"}).json()
    messages = {e["parameter"]: e["message"] for e in body["errors"]}
    assert messages == {
        "number": "Hãy ghi số quyết định, ví dụ 125-QĐ/ĐU.",
        "signed_on": "Hãy ghi ngày ký quyết định.",
        "signer": "Hãy ghi người ký quyết định.",
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("qd.pdf", "Đây là văn bản thường, đổi tên thành .pdf".encode(), "Tệp «qd.pdf» không phải là tệp PDF"),
        ("qd.html", b"<script>alert(1)</script>", "Không nhận tệp «.html»"),
    ],
)
def test_the_scan_is_checked_like_the_pages(proposed, token_of, post, media, name, content, message):
    row = decidable(proposed)
    data = {"level": "HTT", **SIGNED, "scan": SimpleUploadedFile(name, content)}
    response = post(token_of(proposed.users["officer"], write=True), url(row.review), data)
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["parameter"] == "scan" and message in error["message"]
    assert not Decision.objects.filter(review=row.review).exists()
    assert not [f for f in media.rglob("*") if f.is_file()]


def test_the_rules_are_the_pages(proposed, token_of, post, media):
    raw = token_of(proposed.users["officer"], write=True)
    row = decidable(proposed)
    # Above what the rules allow: refused on the level, with the engine's reason.
    above = post(raw, url(row.review), {"level": "HTXS", **SIGNED}).json()
    assert above["errors"][0]["parameter"] == "level" and "không thể xếp HTXS" in above["detail"]
    # Below the self-assessment without a written reason: refused on the reason; with one, recorded.
    lower = post(raw, url(row.review), {"level": "HT", **SIGNED}).json()
    assert lower["errors"][0]["parameter"] == "reason" and "hãy ghi lý do" in lower["detail"]
    assert not Decision.objects.filter(review=row.review).exists()
    done = post(raw, url(row.review), {"level": "HT", **SIGNED, "reason": "Chưa hoàn thành chỉ tiêu"})
    assert done.status_code == 201 and done.json()["reason"] == "Chưa hoàn thành chỉ tiêu"


def test_a_cell_secretary_decides_nothing(proposed, token_of, post, media):
    secretary = proposed.users["secretary_a"]
    raw = token_of(secretary, write=True)
    first, second = proposed.cells[0], proposed.cells[1]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, proposed.groups["members"]))
    in_cell = next(r.review for r in rows if r.review.context_id == first.pk and not r.blocked
                   and r.review.person_id != secretary.person_id)  # fmt: skip
    elsewhere = next(r.review for r in rows if r.review.context_id == second.pk and not r.blocked)
    # Their own cell's review: seen, not theirs to decide (403); another cell's: not found (404); both audited.
    mine = post(raw, url(in_cell), {"level": "HTT", **SIGNED})
    assert mine.status_code == 403 and mine.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."
    other = post(raw, url(elsewhere), {"level": "HTT", **SIGNED})
    assert other.status_code == 404 and other.json()["detail"] == "Không tìm thấy hoặc không thuộc phạm vi của bạn."
    denied = AuditEvent.objects.filter(action=Action.ACCESS_DENIED, actor=secretary)
    assert {e.target_id for e in denied} >= {str(in_cell.pk), str(elsewhere.pk)}
    assert {e.source for e in denied} == {f"api:{ApiToken.objects.get(user=secretary).pk}"}
    assert post(raw, "/api/v1/reviews/999999999/decision/", {"level": "HTT", **SIGNED}).status_code == 404
    assert not Decision.objects.filter(review__in=[in_cell, elsewhere]).exists()


def test_nobody_records_a_decision_on_their_own_review(proposed, token_of, post, media):
    committee = proposed.users["committee"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, proposed.groups["members"]))
    own = next(r.review for r in rows if r.review.person_id == committee.person_id)
    response = post(token_of(committee, write=True), url(own), {"level": "HTT", **SIGNED})
    assert response.status_code == 400 and response.json()["errors"][0]["parameter"] == "level"
    assert "không ai tự quyết định trên hồ sơ của chính mình" in response.json()["detail"]
    assert not Decision.objects.filter(review=own).exists()


def test_a_read_only_token_gets_a_403_and_a_session_a_401(proposed, token_of, post, client, media):
    row = decidable(proposed)
    response = post(token_of(proposed.users["officer"]), url(row.review), {"level": "HTT", **SIGNED})
    assert response.status_code == 403 and "chỉ được đọc" in response.json()["detail"]
    client.force_login(proposed.users["officer"])
    assert client.post(url(row.review), {"level": "HTT", **SIGNED}).status_code == 401
    assert not Decision.objects.filter(review=row.review).exists()


def test_the_commune_committee_records_what_it_decides(proposed, token_of, post, media):
    committee = proposed.users["committee"]
    row = decidable(proposed, not_of=committee)
    response = post(token_of(committee, write=True), url(row.review), {"level": "HTT", **SIGNED})
    assert response.status_code == 201, response.content
    assert Decision.objects.get(review=row.review).decided_by_id == committee.pk


def test_writes_count_against_the_rate_limit(proposed, token_of, post, call, media, settings):
    settings.DANHGIA_API_RATE_PER_MINUTE = 1
    raw = token_of(proposed.users["officer"], write=True)
    row = decidable(proposed)
    assert call(raw, "/api/v1/periods/").status_code == 200
    limited = post(raw, url(row.review), {"level": "HTT", **SIGNED})
    assert limited.status_code == 429 and limited["Retry-After"]
    assert not Decision.objects.filter(review=row.review).exists()
