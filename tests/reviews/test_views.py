"""The pages of the review workflow: every page served in scope and refused outside it; posts change state,
and bad posts say in Vietnamese what is wrong, next to the field, and change nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from danhgia.reviews import complaints, decisions
from danhgia.reviews.criteria import DEFAULTS
from danhgia.reviews.models import (
    Complaint,
    CriteriaTable,
    Decision,
    Meeting,
    Notification,
    Review,
    ReviewState,
    Shortcoming,
)
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.helpers import NUMBER, everyone_proposed, fill, meet, points, propose, reasons_for

CELL_A = "Chi bộ Xóm Đồi"


def member_review(world, cell=CELL_A, index=2) -> Review:
    person = world.members[cell][index]
    return Review.objects.get(period=world.period, kind="member", person=person)


def owner(world, review):
    return world.users[f"member:{review.person_id}"]


# --------------------------------------------------------------------------------------------- who sees what

URLS = {
    "period": lambda w: reverse("reviews-period", args=[w.period.pk]),
    "omissions": lambda w: reverse("reviews-omissions", args=[w.period.pk]),
    "unit": lambda w: reverse("reviews-unit", args=[w.period.pk, w.cells[0].pk]),
    "meeting": lambda w: reverse("reviews-meeting", args=[w.period.pk, w.cells[0].pk]),
    "detail": lambda w: reverse("reviews-detail", args=[member_review(w).pk]),
    "self": lambda w: reverse("reviews-self", args=[member_review(w).pk]),
    "facts": lambda w: reverse("reviews-facts", args=[member_review(w).pk]),
    "decisions": lambda w: reverse("reviews-decisions", args=[w.period.pk]),
    "decide": lambda w: reverse("reviews-decide", args=[w.period.pk, w.groups["members"].pk]),
    "decide-ungrouped": lambda w: reverse("reviews-decide", args=[w.period.pk, 0]),
    "complaints": lambda w: reverse("reviews-complaints", args=[w.period.pk]),
    "criteria": lambda w: reverse("reviews-criteria", args=[w.period.pk]),
    "criteria-json": lambda w: reverse("reviews-criteria-download", args=[w.period.pk, "2B"]),
    "notifications": lambda w: reverse("notifications"),
}

CASES = [
    ("officer", "period", 200),
    ("secretary_a", "period", 200),
    ("owner", "period", 403),
    ("officer", "omissions", 200),
    ("owner", "omissions", 403),
    ("secretary_a", "unit", 200),
    ("committee", "unit", 200),
    ("secretary_b", "unit", 404),
    ("owner", "unit", 404),
    ("secretary_a", "meeting", 200),
    ("committee", "meeting", 200),
    ("secretary_b", "meeting", 404),
    ("owner", "detail", 200),
    ("secretary_a", "detail", 200),
    ("committee", "detail", 200),
    ("secretary_b", "detail", 404),
    ("other_member", "detail", 404),
    ("owner", "self", 200),
    ("secretary_a", "self", 403),  # sees the file, but only its author writes it
    ("secretary_b", "self", 404),
    ("secretary_a", "facts", 200),
    ("owner", "facts", 403),
    ("secretary_b", "facts", 404),
    ("committee", "decisions", 200),
    ("secretary_a", "decisions", 403),
    ("committee", "decide", 200),
    ("officer", "decide", 200),
    ("secretary_a", "decide", 404),
    ("owner", "decide", 404),
    ("officer", "decide-ungrouped", 200),  # the commune committee and its secretary: decided by the province
    ("committee", "decide-ungrouped", 404),
    ("secretary_a", "decide-ungrouped", 404),
    ("officer", "complaints", 200),
    ("owner", "complaints", 200),  # their own complaints only
    ("secretary_a", "criteria", 200),
    ("officer", "criteria-json", 200),
    ("owner", "notifications", 200),
]


def persona(world, name):
    review = member_review(world)
    if name == "owner":
        return owner(world, review)
    if name == "other_member":
        return world.users[f"member:{member_review(world, 'Chi bộ Xóm Mít').person_id}"]
    return world.users[name]


@pytest.mark.parametrize(("who", "page", "status"), CASES)
def test_each_page_is_served_in_scope_and_refused_outside(opened, client, who, page, status):
    client.force_login(persona(opened, who))
    assert client.get(URLS[page](opened)).status_code == status


@pytest.mark.parametrize("page", sorted(URLS))
def test_anonymous_visitors_go_to_the_login_page(opened, client, page):
    response = client.get(URLS[page](opened))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts-login"))


# --------------------------------------------------------------------------------------------- the period


def test_opening_from_the_period_page(commune, client):
    url = reverse("reviews-period", args=[commune.period.pk])
    client.force_login(commune.users["secretary_a"])
    assert client.post(reverse("reviews-open", args=[commune.period.pk])).status_code == 403
    assert not Review.objects.exists()
    client.force_login(commune.users["officer"])
    body = client.get(url).content.decode()
    assert "Lập danh sách và mở kiểm điểm" in body
    response = client.post(reverse("reviews-open", args=[commune.period.pk]), follow=True)
    created = Review.objects.filter(period=commune.period).count()
    assert created > 15
    assert f"Đảng bộ tỉnh Mẫu: đã lập {created} bản kiểm điểm" in response.content.decode()
    body = client.get(url).content.decode()
    assert "Theo nơi kiểm điểm" in body and CELL_A in body


def test_opening_is_refused_with_the_units_to_fix(commune, client):

    from danhgia.people.models import Post
    from danhgia.people.services import post_end

    post_end(post=Post.objects.get(unit=commune.cells[2], role="head"), ends_on=dt.date(2024, 1, 1), actor=None)
    client.force_login(commune.users["officer"])
    body = client.get(reverse("reviews-period", args=[commune.period.pk])).content.decode()
    assert "Chi bộ chưa có bí thư" in body
    assert "Lập danh sách và mở kiểm điểm" not in body  # the button waits for the problems to be fixed
    response = client.post(reverse("reviews-open", args=[commune.period.pk]), follow=True)
    assert "Chi bộ Xóm Vố: Chi bộ chưa có bí thư" in response.content.decode()
    assert not Review.objects.exists()


def test_the_secretary_sees_progress_of_their_cell_only(opened, client):
    client.force_login(opened.users["secretary_a"])
    body = client.get(reverse("reviews-period", args=[opened.period.pk])).content.decode()
    assert CELL_A in body and "Chi bộ Xóm Mít" not in body
    body = client.get(reverse("reviews-unit", args=[opened.period.pk, opened.cells[0].pk])).content.decode()
    assert str(opened.members[CELL_A][3]) in body
    assert "Đang tự kiểm điểm" in body


def test_omissions_list_late_reviews_and_the_excluded(opened, client):

    from danhgia.people.services import member_set_status

    newcomer = opened.members["Chi bộ Xóm Vố"][4]
    member_set_status(member=newcomer.party_member, status="exempt", on=dt.date(2025, 1, 1), note="x", actor=None)
    opened.period.phases.filter(code="self_review").update(starts_on=dt.date(2000, 1, 1), deadline=dt.date(2000, 1, 2))
    client.force_login(opened.users["officer"])
    body = client.get(reverse("reviews-omissions", args=[opened.period.pk])).content.decode()
    assert "Quá hạn «" in body
    assert "Không kiểm điểm, xếp loại (có lý do)" in body


# --------------------------------------------------------------------------------------------- self-review


def self_post(review, **extra):
    data: dict[str, object] = {f"item_{code}": value for code, value in points(review, 28, 64).items()}
    data |= {
        "section_uu_diem": "Hoàn thành tốt nhiệm vụ được giao.",
        "self_level": "HTXS",
        "task_title": ["Nhiệm vụ 1", "Nhiệm vụ 2", ""],
        "task_status": ["exceeded", "on_time", "on_time"],
        "task_evidence": ["Báo cáo", "", ""],
    }
    return data | extra


def test_the_member_saves_a_draft_and_submits(opened, client):
    review = member_review(opened)
    client.force_login(owner(opened, review))
    url = reverse("reviews-self", args=[review.pk])
    body = client.get(url).content.decode()
    assert "Nhóm tiêu chí chung" in body and 'data-kind="points"' in body
    assert "QĐ 366-QĐ/TW Điều 10" in body  # the legal basis of the step
    response = client.post(url, self_post(review))
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.score, review.self_level, review.tasks.count()) == (92.0, "HTXS", 2)
    response = client.post(url, self_post(review, submit="1"), follow=True)
    assert "Đã nộp bản kiểm điểm" in response.content.decode()
    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    body = client.get(url).content.decode()
    assert "chỉ còn để xem" in body and 'name="item_C1"' not in body
    assert "Mở lại bản kiểm điểm" not in body  # the author cannot reopen their own


def test_a_bad_point_is_shown_next_to_the_item_and_nothing_is_saved(opened, client):
    review = member_review(opened)
    client.force_login(owner(opened, review))
    response = client.post(reverse("reviews-self", args=[review.pk]), self_post(review, item_C1="9"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Điểm tiêu chí C1 phải từ 0 đến 4 (đã nhập 9)." in body
    assert 'value="9"' in body  # what was typed is still there
    review.refresh_from_db()
    assert review.saved_at is None and review.items == {} and review.tasks.count() == 0


def test_a_refused_shortcoming_keeps_what_was_typed_next_to_its_fields(opened, client):
    review = member_review(opened)
    client.force_login(opened.users["secretary_a"])
    url = reverse("reviews-shortcoming-add", args=[review.pk])
    response = client.post(url, {"description": "", "remedy": "Học tập nghị quyết hằng quý", "deadline": "99/99/2026"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Học tập nghị quyết hằng quý" in body and 'value="99/99/2026"' in body
    assert body.count('class="errorlist') >= 2  # the empty description and the impossible date, each at its field
    assert not review.shortcomings.exists()


def test_every_bad_point_is_shown_at_once(opened, client):
    review = member_review(opened)
    client.force_login(owner(opened, review))
    data = self_post(review, item_C1="15", item_T1="-3", item_C2="NaN")
    body = client.post(reverse("reviews-self", args=[review.pk]), data).content.decode()
    assert "Điểm tiêu chí C1 phải từ 0 đến 4 (đã nhập 15)." in body
    assert "(đã nhập -3)." in body and "«NaN» không phải là số điểm." in body
    assert Review.objects.get(pk=review.pk).saved_at is None


def test_a_task_without_a_title_is_refused_on_its_row(opened, client):
    review = member_review(opened)
    client.force_login(owner(opened, review))
    data = self_post(review, task_title=["", "Nhiệm vụ 2"], task_status=["on_time", "on_time"],
                     task_evidence=["Có minh chứng", ""])  # fmt: skip
    body = client.post(reverse("reviews-self", args=[review.pk]), data).content.decode()
    assert "Nhiệm vụ thứ 1: hãy ghi tên nhiệm vụ." in body
    assert Review.objects.get(pk=review.pk).saved_at is None


def test_submitting_an_incomplete_review_says_what_is_missing(opened, client):
    review = member_review(opened)
    client.force_login(owner(opened, review))
    data = self_post(review, submit="1", self_level="")
    body = client.post(reverse("reviews-self", args=[review.pk]), data).content.decode()
    assert "Chưa nộp được: Chưa tự đề xuất mức xếp loại." in body
    assert Review.objects.get(pk=review.pk).state == ReviewState.DRAFT


def test_autosave_answers_with_the_time_and_refreshes_what_is_missing(opened, client):
    review = member_review(opened)
    client.force_login(owner(opened, review))
    url = reverse("reviews-autosave", args=[review.pk])
    body = client.post(url, self_post(review), HTTP_HX_REQUEST="true").content.decode()
    assert "Đã lưu lúc" in body and 'id="missing" hx-swap-oob="true"' in body
    assert Review.objects.get(pk=review.pk).score == 92.0
    body = client.post(url, self_post(review, item_T1="x")).content.decode()
    assert "Chưa lưu được:" in body and "«x» không phải là số điểm." in body
    assert Review.objects.get(pk=review.pk).score == 92.0
    client.force_login(opened.users["secretary_a"])
    assert client.post(url, self_post(review)).status_code == 403


def test_grades_instead_of_points_before_2025(db, client):
    from tests.reviews.conftest import build_commune

    world = build_commune(year=2023)
    period_open_reviews(period=world.period, actor=None)  # type: ignore[arg-type]
    review = member_review(world)
    client.force_login(owner(world, review))
    body = client.get(reverse("reviews-self", args=[review.pk])).content.decode()
    assert 'data-kind="grades"' in body and '<option value="xuat_sac">Xuất sắc</option>' in body
    assert "QĐ 124-QĐ/TW" in body
    response = client.post(reverse("reviews-self", args=[review.pk]), {"item_C1": "tot", "item_C2": "gioi"})
    assert "Mức đánh giá «gioi» không hợp lệ." in response.content.decode()


def test_the_secretary_reopens_with_a_reason(opened, client):
    review = member_review(opened)
    fill(review, owner(opened, review))
    client.force_login(opened.users["secretary_a"])
    url = reverse("reviews-reopen", args=[review.pk])
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Hãy ghi lý do mở lại bản kiểm điểm." in response.content.decode()
    assert Review.objects.get(pk=review.pk).state == ReviewState.SUBMITTED
    client.post(url, {"reason": "Bổ sung minh chứng nhiệm vụ 2."})
    assert Review.objects.get(pk=review.pk).state == ReviewState.DRAFT
    assert Notification.objects.filter(user=owner(opened, review), text__contains="mở lại").exists()
    client.force_login(owner(opened, review))
    assert client.post(url, {"reason": "Tôi muốn sửa"}).status_code == 403


def test_evidence_upload_and_download(opened, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    review = member_review(opened)
    client.force_login(owner(opened, review))
    add = reverse("reviews-evidence-add", args=[review.pk])
    response = client.post(add, {"file": SimpleUploadedFile("chay.exe", b"MZ")}, follow=True)
    assert "Không nhận tệp «.exe»" in response.content.decode()
    client.post(add, {"file": SimpleUploadedFile("bao-cao.pdf", b"%PDF-1.4")})
    evidence = review.evidence.get()
    body = client.get(reverse("reviews-self", args=[review.pk])).content.decode()
    assert "bao-cao.pdf" in body
    download = client.get(reverse("reviews-evidence", args=[review.pk, evidence.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    client.post(reverse("reviews-evidence-remove", args=[review.pk, evidence.pk]))
    assert not review.evidence.exists()


# --------------------------------------------------------------------------------------------- facts, appraisal


def test_facts_are_recorded_and_bad_ones_refused(opened, client):
    review = member_review(opened)
    client.force_login(opened.users["secretary_a"])
    url = reverse("reviews-facts", args=[review.pk])
    body = client.post(url, {"sick_leave_months": "13"}).content.decode()
    assert "Hãy đảm bảo giá trị này nhỏ hơn hoặc bằng 12." in body or "12" in body
    assert Review.objects.get(pk=review.pk).facts == {}
    client.post(url, {"sick_leave_months": "4", "disunity": "on"})
    assert Review.objects.get(pk=review.pk).facts == {"findings": {"disunity": True}, "sick_leave_months": 4.0}
    body = client.get(reverse("reviews-detail", args=[review.pk])).content.decode()
    assert "mất đoàn kết nội bộ" in body


def test_appraisal_needs_a_reason_when_it_departs_from_the_self_assessment(opened, client):
    review = member_review(opened)
    fill(review, owner(opened, review), level="HTXS")
    propose(meet(opened.period, opened.cells[0], opened.users["officer"]), review, "HTXS", opened.users["officer"])
    client.force_login(opened.users["officer"])
    response = client.post(reverse("reviews-appraise", args=[review.pk]), {"level": "HT", "note": ""}, follow=True)
    assert "Mức HT khác mức tự đánh giá (HTXS): hãy ghi rõ lý do." in response.content.decode()
    assert Review.objects.get(pk=review.pk).state == ReviewState.PROPOSED
    client.post(reverse("reviews-appraise", args=[review.pk]), {"level": "HTT", "note": "Chưa đủ minh chứng vượt mức."})
    assert Review.objects.get(pk=review.pk).appraised_level == "HTT"


def test_shortcomings_are_recorded_and_their_remedy_followed(opened, client):
    review = member_review(opened)
    client.force_login(opened.users["secretary_a"])
    response = client.post(reverse("reviews-shortcoming-add", args=[review.pk]), {"description": ""}, follow=True)
    assert "Hãy ghi nội dung hạn chế, khuyết điểm." in response.content.decode()
    client.post(reverse("reviews-shortcoming-add", args=[review.pk]), {"description": "Chậm nộp báo cáo."})
    item = Shortcoming.objects.get()
    client.force_login(owner(opened, review))
    url = reverse("reviews-shortcoming", args=[item.pk])
    body = client.post(url, {"status": "remedied", "evidence": ""}).content.decode()
    assert "Đã khắc phục: hãy ghi kết quả, minh chứng." in body
    assert Shortcoming.objects.get().status == "open"
    client.post(url, {"status": "remedied", "evidence": "Đã nộp đủ từ tháng 6."})
    assert Shortcoming.objects.get().status == "remedied"


# --------------------------------------------------------------------------------------------- the meeting


def meeting_post(reviews, **extra):
    data = {"hop-held_on": "", "hop-chaired_by": "Bí thư chi bộ", "hop-summoned": "5", "hop-present": "5"}

    data["hop-held_on"] = dt.date.today().strftime("%d/%m/%Y")
    for r in reviews:
        data |= {f"level_{r.pk}": "HTT", f"for_{r.pk}": "5", f"against_{r.pk}": "0", f"abstain_{r.pk}": "0"}
    return data | extra


def test_the_meeting_grid_records_the_meeting_and_every_proposal(opened, client):
    cell = opened.cells[0]
    reviews = [member_review(opened, index=i) for i in (2, 3)]
    for r in reviews:
        fill(r, owner(opened, r), level="HTT")
    fill(member_review(opened, index=0), opened.users["secretary_a"], level="HTT")  # the secretary's own
    client.force_login(opened.users["secretary_a"])
    url = reverse("reviews-meeting", args=[opened.period.pk, cell.pk])
    body = client.get(url).content.decode()
    assert "Chưa nộp bản kiểm điểm" in body  # the drafts are flagged in the grid
    assert "Hồ sơ của chính bạn" in body  # the secretary's own row is left to the deputy
    details = {"hop-starts_at": "7h30", "hop-ends_at": "11:00", "hop-place": "Nhà văn hóa", "hop-secretary": "Lê Thu"}
    response = client.post(url, meeting_post(reviews) | details)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.present == 5 and meeting.secretary == "Lê Thu" and meeting.place == "Nhà văn hóa"
    assert (meeting.starts_at, meeting.ends_at) == (dt.time(7, 30), dt.time(11, 0))
    assert [Review.objects.get(pk=r.pk).state for r in reviews] == [ReviewState.PROPOSED] * 2


def test_a_bad_row_in_the_grid_changes_nothing(opened, client):
    cell = opened.cells[0]
    reviews = [member_review(opened, index=i) for i in (2, 3)]
    for r in reviews:
        fill(r, owner(opened, r), level="HTT")
    client.force_login(opened.users["secretary_a"])
    url = reverse("reviews-meeting", args=[opened.period.pk, cell.pk])
    data = meeting_post(reviews) | {f"against_{reviews[1].pk}": "3"}
    body = client.post(url, data).content.decode()
    assert "Tổng số phiếu (8) lớn hơn số có mặt (5)." in body
    assert "Chưa ghi gì cả" in body
    assert not Meeting.objects.exists()
    assert [Review.objects.get(pk=r.pk).state for r in reviews] == [ReviewState.SUBMITTED] * 2
    body = client.post(url, meeting_post(reviews) | {"hop-present": "9"}).content.decode()
    assert "Số có mặt phải từ 0 đến số được triệu tập (5)." in body
    assert not Meeting.objects.exists()
    body = client.post(url, meeting_post(reviews) | {"hop-starts_at": "9:00", "hop-ends_at": "8:00"}).content.decode()
    assert "Giờ kết thúc phải sau giờ bắt đầu (09:00)." in body
    body = client.post(url, meeting_post(reviews) | {"hop-starts_at": "25:00"}).content.decode()
    assert "Bắt đầu lúc" in body and "Nhập một thời gian hợp lệ" in body
    assert not Meeting.objects.exists()


# --------------------------------------------------------------------------------------------- deciding


def test_the_decision_page_shows_the_engine_and_the_quota(proposed, client):
    client.force_login(proposed.users["committee"])
    body = client.get(
        reverse("reviews-decide", args=[proposed.period.pk, proposed.groups["members"].pk])
    ).content.decode()
    assert "Được xếp HTXS:" in body and "sẽ chuyển xuống HTT" in body
    assert "QĐ 366-QĐ/TW Điều 11 khoản 1.5" in body
    assert "Vượt tỷ lệ 20% của nhóm «Đảng viên xã»" in body  # a reason chip's text
    assert ">Theo mức tập thể mình đứng đầu<" in body  # cell A was rated HTT: its secretary cannot be above it
    assert "Mã quy tắc: R23" in body  # the rule, to look it up in docs/rules.md
    body = client.get(reverse("reviews-decisions", args=[proposed.period.pk])).content.decode()
    assert "Đảng viên xã" in body


def test_deciding_confirms_first_then_writes(proposed, client):
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    first = [row.review for row in rows if row.result.level == "HTXS" and not row.blocked][:1]
    client.force_login(proposed.users["officer"])
    url = reverse("reviews-decide", args=[proposed.period.pk, group.pk])
    data = {f"level_{r.pk}": "HTXS" for r in first}
    body = client.post(url, data).content.decode()
    assert "Sẽ ghi quyết định cho 1 đối tượng" in body
    assert not Decision.objects.filter(review__in=first).exists()
    response = client.post(url, data | {"confirm": "1"} | NUMBER, follow=True)
    assert "Đã quyết định xếp loại 1 đối tượng." in response.content.decode()
    assert Review.objects.get(pk=first[0].pk).level == "HTXS"


def test_exceeding_the_quota_is_refused_on_the_row_and_nothing_is_decided(proposed, client):
    group = proposed.groups["members"]
    rows, output = decisions.preview(decisions.group_reviews(proposed.period, group))
    wanted = {row.review.pk: "HTXS" for row in rows if row.result.eligible == "HTXS" and not row.blocked}
    assert len(wanted) > (output.quota[0].cap or 0)
    client.force_login(proposed.users["officer"])
    url = reverse("reviews-decide", args=[proposed.period.pk, group.pk])
    data = {f"level_{pk}": lv for pk, lv in wanted.items()} | {f"reason_{pk}": "Vượt trội" for pk in wanted}
    body = client.post(url, data | {"confirm": "1"} | NUMBER).content.decode()
    assert "Chưa ghi quyết định nào." in body
    assert "không thể xếp HTXS — Vượt tỷ lệ 20% của nhóm «Đảng viên xã»" in body
    assert 'class="capped row-error' in body
    assert not Decision.objects.filter(review__quota_group=group).exists()


def test_a_departing_level_needs_a_reason(proposed, client):
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    row = next(row for row in rows if row.review.self_level == "HTT" and not row.blocked)
    client.force_login(proposed.users["officer"])
    url = reverse("reviews-decide", args=[proposed.period.pk, group.pk])
    body = client.post(url, {f"level_{row.review.pk}": "HT", "confirm": "1"} | NUMBER).content.decode()
    assert "mức HT khác mức tự đánh giá (HTT) — hãy ghi lý do." in body
    assert not Decision.objects.exists() or not Decision.objects.filter(review=row.review).exists()


def test_a_level_that_is_none_of_the_four_is_refused_not_a_server_error(proposed, client):
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    row = next(row for row in rows if not row.blocked)
    client.force_login(proposed.users["officer"])
    url = reverse("reviews-decide", args=[proposed.period.pk, group.pk])
    data = {f"level_{row.review.pk}": "XYZ", "recorded": "1", "number": "1-QĐ/ĐU", "signed_on": "20/12/2026"}
    response = client.post(url, data | {"signer": "Bí thư"})
    assert response.status_code == 200 and "mức xếp loại không hợp lệ." in response.content.decode()
    assert not Decision.objects.filter(review=row.review).exists()


def test_recording_a_signed_decision(proposed, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    group = proposed.groups["members"]
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, group))
    row = next(row for row in rows if row.result.level == "HTT" and row.review.self_level == "HTT" and not row.blocked)
    client.force_login(proposed.users["officer"])
    url = reverse("reviews-decide", args=[proposed.period.pk, group.pk])
    body = client.post(url, {f"level_{row.review.pk}": "HTT", "recorded": "1", "number": ""}).content.decode()
    assert "Chưa ghi quyết định nào." in body and "This field is required" not in body
    assert not Decision.objects.filter(review=row.review).exists()
    data = {
        f"level_{row.review.pk}": "HTT",
        "recorded": "1",
        "number": "125-QĐ/ĐU",
        "signed_on": "20/12/2026",
        "signer": "Bí thư Đảng ủy",
        "attachment": SimpleUploadedFile("qd.pdf", b"%PDF-1.4"),
    }
    client.post(url, data)
    decision = Decision.objects.get(review=row.review)
    assert (decision.kind, decision.number, decision.signer) == ("recorded", "125-QĐ/ĐU", "Bí thư Đảng ủy")
    # The scan is readable from the subject's file, within scope only.
    file_url = reverse("reviews-decision-file", args=[row.review.pk, decision.pk])
    assert (
        reverse("reviews-detail", args=[row.review.pk])
        and file_url in client.get(reverse("reviews-detail", args=[row.review.pk])).content.decode()
    )
    assert b"".join(client.get(file_url).streaming_content) == b"%PDF-1.4"
    client.force_login(proposed.users["secretary_b"])
    if row.review.context_id != proposed.cells[1].pk:
        assert client.get(file_url).status_code == 404


# --------------------------------------------------------------------------------------------- complaints


def decided_member(world):
    everyone_proposed(world)
    members = decisions.group_reviews(world.period, world.groups["members"])
    decisions.decide_suggested(reviews=members, actor=world.users["officer"], reasons=reasons_for(members))
    return Review.objects.get(pk=member_review(world).pk)


def test_the_member_complains_and_the_committee_above_decides_again(opened, client):
    review = decided_member(opened)
    client.force_login(owner(opened, review))
    response = client.post(reverse("reviews-complain", args=[review.pk]), {"text": ""}, follow=True)
    assert "Hãy ghi nội dung khiếu nại." in response.content.decode()
    assert not Complaint.objects.exists()
    client.post(reverse("reviews-complain", args=[review.pk]), {"text": "Tôi đạt 92 điểm."})
    complaint = Complaint.objects.get()
    url = reverse("reviews-complaint", args=[complaint.pk])
    assert client.post(url, {"action": "assign"}).status_code == 403  # the member does not handle it
    client.force_login(opened.users["officer"])
    body = client.get(url).content.decode()
    assert "Tôi đạt 92 điểm." in body and "Nhận xác minh (giao cho tôi)" in body
    client.post(url, {"action": "assign"})
    body = client.post(url, {"action": "verify", "verification": ""}).content.decode()
    assert "Hãy ghi kết quả xác minh." in body
    assert Complaint.objects.get().state == "assigned"
    client.post(url, {"action": "verify", "verification": "Đã xác minh."})
    old = review.decision.level
    new = "HT" if old != "HT" else "HTT"
    body = client.post(url, {"action": "redecide", "level": new, "resolution": ""}).content.decode()
    assert "Hãy ghi kết luận, lý do quyết định lại." in body
    client.post(url, {"action": "redecide", "level": new, "resolution": "Xác minh thấy chậm tiến độ."})
    review.refresh_from_db()
    assert review.level == new and review.state == ReviewState.DECIDED
    body = client.get(url).content.decode()
    assert "đã được thay thế" in body and "đang có hiệu lực" in body  # the old decision stays visible
    body = client.get(reverse("reviews-complaints", args=[opened.period.pk])).content.decode()
    assert review.subject_name in body


def test_upholding_a_complaint(opened, client):
    review = decided_member(opened)
    officer = opened.users["officer"]
    complaint = complaints.complaint_file(review=review, text="Xin xem lại.", actor=owner(opened, review))
    complaints.complaint_assign(complaint=complaint, assignee=officer, actor=officer)
    complaints.complaint_verify(complaint=complaint, verification="Đúng quy định.", actor=officer)
    client.force_login(officer)
    url = reverse("reviews-complaint", args=[complaint.pk])
    client.post(url, {"action": "uphold", "resolution": "Giữ nguyên."})
    assert Complaint.objects.get().state == "upheld"
    assert Review.objects.get(pk=review.pk).state == ReviewState.DECIDED


# --------------------------------------------------------------------------------------------- criteria, notifications


def test_a_province_loads_its_criteria_table(opened, client):
    url = reverse("reviews-criteria", args=[opened.period.pk])
    client.force_login(opened.users["secretary_a"])
    table = json.dumps(DEFAULTS["2B"]).encode()
    upload = {"form_code": "2B", "file": SimpleUploadedFile("t.json", table)}
    assert client.post(url, upload).status_code == 403
    client.force_login(opened.users["officer"])
    body = client.post(url, {"form_code": "2B", "file": SimpleUploadedFile("t.json", b"{")}).content.decode()
    assert "Tệp không phải JSON hợp lệ (UTF-8)." in body
    broken = json.loads(table)
    broken["groups"][0]["items"][0]["max"] = 40
    body = client.post(url, {"form_code": "2B", "file": SimpleUploadedFile("t.json", json.dumps(broken).encode())})
    assert "phải bằng 30" in body.content.decode()
    assert not CriteriaTable.objects.exists()
    client.post(url, {"form_code": "2B", "file": SimpleUploadedFile("t.json", table)})
    assert CriteriaTable.objects.get().version == 1
    body = client.get(url).content.decode()
    assert "bảng của tỉnh, phiên bản 1" in body
    data = client.get(reverse("reviews-criteria-download", args=[opened.period.pk, "2B"])).json()
    assert data["kind"] == "points"


def test_notifications_unread_first_and_the_count_in_the_header(opened, client):
    review = member_review(opened)
    user = owner(opened, review)
    old = Notification.objects.create(user=user, text="Thông báo cũ đã đọc")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    Notification.objects.create(user=user, text="Thông báo mới", url=reverse("reviews-detail", args=[review.pk]))
    client.force_login(user)
    body = client.get(reverse("notifications")).content.decode()
    assert body.index("Thông báo mới") < body.index("Thông báo cũ đã đọc")
    assert "chưa đọc: </span>1</b>" in body
    client.post(reverse("notifications"))
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert "chưa đọc:" not in client.get(reverse("home")).content.decode()


# --------------------------------------------------------------------------------------------- navigation


def test_the_home_page_links_the_members_own_review(opened, client):
    review = member_review(opened)
    client.force_login(owner(opened, review))
    body = client.get(reverse("home")).content.decode()
    assert "Bản kiểm điểm của tôi" in body
    assert reverse("reviews-self", args=[review.pk]) in body


def test_the_period_page_links_the_review_pages(opened, client):
    client.force_login(opened.users["committee"])
    body = client.get(reverse("periods-detail", args=[opened.period.pk])).content.decode()
    for name in ("reviews-period", "reviews-decisions", "reviews-complaints", "reviews-criteria"):
        assert reverse(name, args=[opened.period.pk]) in body
