"""Opinions from evaluator groups: anonymity that holds whoever looks, single-use links, scope."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from danhgia.audit.models import Action, AuditEvent
from danhgia.reviews import opinions
from danhgia.reviews.models import EvaluatorGroup, Opinion, Respondent, Review

# Ten days ahead, but never after the decision step of the period (31/12 of this year).
DEADLINE = min(dt.date.today() + dt.timedelta(days=10), dt.date(dt.date.today().year, 12, 31))


def cell_reviews(world, cell):
    return list(
        Review.objects.filter(period=world.period, kind="member", context=cell)
        .select_related("person", "context")
        .order_by("person__sort_key")
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def anonymous_group(world, reviews, **kw):
    return opinions.group_create(
        period=world.period, unit=world.cells[0], kind="collective", name="Chi ủy chi bộ", reviews=reviews,
        deadline=DEADLINE, anonymity="anonymous", actor=world.users["secretary_a"], **kw,
    )  # fmt: skip


def submit_link(client: Client, link: str, review: Review, level: str, grade: str = "tot"):
    path = link.removeprefix("http://127.0.0.1:8000")
    data = {f"q_{review.pk}_muc": level, f"q_{review.pk}_pham_chat": grade, f"q_{review.pk}_nhiem_vu": grade}
    return client.post(path, data)


def test_an_anonymous_group_below_its_threshold_shows_nothing_but_too_few(opened):
    world = opened
    subject = cell_reviews(world, world.cells[0])[3]
    group = anonymous_group(world, [subject])
    issued = opinions.respondents_add(group=group, externals=[("Người A", ""), ("Người B", "")], actor=None)
    public = Client()
    for i in issued:
        assert submit_link(public, i.link, subject, "KHT", "kem").status_code == 200
    # Both sheets answered: the group is closed, but two answers are below the threshold of three.
    assert opinions.is_closed(group)
    [summary] = opinions.summaries(subject)
    assert (summary.shown, summary.answers, summary.status, summary.questions) == (False, None, "Chưa đủ số ý kiến", [])
    # Nothing of the answers reaches the subject's page, nor the officer's.
    subject_user = world.users[f"member:{subject.person_id}"]
    for client in (logged_in(subject_user), logged_in(world.users["officer"])):
        page = client.get(f"/danh-gia/{subject.pk}/y-kien/").content.decode()
        assert "Chưa đủ số ý kiến" in page
        assert "Không hoàn thành" not in page and "Kém" not in page
    # Stored without any link to its author: no respondent, no date, a random key; audited without an actor.
    rows = list(Opinion.objects.filter(group=group))
    assert len(rows) == 2 and all(
        o.respondent_id is None and o.submitted_on is None and o.respondent_name == "" for o in rows
    )
    given = AuditEvent.objects.filter(action=Action.OPINION_GIVEN)
    assert given.count() == 2 and not given.filter(actor__isnull=False).exists()


def test_an_anonymous_group_shows_counts_only_when_closed_and_from_its_threshold(opened):
    world = opened
    reviews = cell_reviews(world, world.cells[0])
    subject = reviews[3]
    group = anonymous_group(world, [subject])
    members = [world.users[f"member:{r.person_id}"] for r in reviews if f"member:{r.person_id}" in world.users]
    issued = opinions.respondents_add(
        group=group, users=[world.users["secretary_a"], *members], externals=[("Mặt trận xóm", "")], actor=None
    )
    sheets = {i.respondent.user_id: i for i in issued}
    # The subject's own sheet leaves them out: nobody gives an opinion on themselves.
    own = Respondent.objects.get(group=group, user=world.users[f"member:{subject.person_id}"])
    assert opinions.sheet_reviews(own) == []
    others = [i for i in issued if i.respondent.user_id != own.user_id]
    # The Front's link counts once someone vouched for it (test_anonymity.py).
    outside = next(i for i in others if not i.respondent.user_id)
    opinions.respondent_vouch(respondent=outside.respondent, actor=world.users["committee"])
    for i, level in zip(others[:3], ["HTXS", "HTT", "HTT"], strict=True):
        opinions.sheet_submit(
            respondent=i.respondent,
            answers={subject.pk: {"muc": level, "pham_chat": "tot", "nhiem_vu": "xuat_sac"}},
            actor=i.respondent.user,
        )
    # Three answers, but the group is still open: a fourth answer could be read off the difference.
    [summary] = opinions.summaries(subject)
    assert not summary.shown and "khép lại" in summary.status
    opinions.respondent_revoke(respondent=own, actor=None)
    for i in others[3:]:
        opinions.respondent_revoke(respondent=i.respondent, actor=None)
    [summary] = opinions.summaries(subject)
    assert summary.shown and summary.answers == 3
    asked = next(q for q in summary.questions if q.code == "muc")
    assert [(v, n) for v, _label, n in asked.counts] == [("HTXS", 1), ("HTT", 2), ("HT", 0), ("KHT", 0)]
    assert summary.score == pytest.approx(((4 + 3 + 3 + 3 * 3 + 3 * 4) / 9 - 1) / 3 * 100)
    # Closed with results: adding a respondent now would expose their answer.
    with pytest.raises(ValidationError, match="khép lại"):
        opinions.respondents_add(group=group, externals=[("Người mới", "")], actor=None)
    assert sheets  # every respondent got a sheet


def test_anonymous_groups_refuse_a_low_threshold_and_written_answers(opened):
    world = opened
    subject = cell_reviews(world, world.cells[0])[3]
    with pytest.raises(ValidationError) as exc:
        anonymous_group(world, [subject], min_respondents=2)
    assert "min_respondents" in exc.value.message_dict
    with pytest.raises(ValidationError, match="lời văn dễ làm lộ người viết"):
        anonymous_group(world, [subject], questions=[{"code": "y", "text": "Nhận xét", "kind": "text"}])
    with pytest.raises(ValidationError) as exc:
        opinions.group_create(period=world.period, unit=world.cells[0], kind="x", name="", reviews=[],
                              deadline=dt.date(2000, 1, 1), weight="abc", actor=None)  # fmt: skip
    assert set(exc.value.message_dict) == {"kind", "name", "deadline", "weight", "reviews"}
    # A subject from another cell is not the cell's to ask about.
    other = cell_reviews(world, world.cells[1])[0]
    with pytest.raises(ValidationError, match="Không thuộc đơn vị"):
        anonymous_group(world, [other])


def test_a_single_use_link_works_once_without_an_account(opened):
    world = opened
    subject = cell_reviews(world, world.cells[0])[2]
    group = opinions.group_create(
        period=world.period, unit=world.cells[0], kind="residence", name="Chi ủy nơi cư trú", reviews=[subject],
        deadline=DEADLINE, actor=world.users["secretary_a"],
    )  # fmt: skip
    [issued] = opinions.respondents_add(
        group=group, externals=[("Chi bộ khu dân cư số 3", "kdc3@example.vn")], actor=None
    )
    public = Client()
    path = issued.link.removeprefix("http://127.0.0.1:8000")
    assert public.get(path).status_code == 200
    incomplete = public.post(path, {f"q_{subject.pk}_chap_hanh": "tot"})
    assert incomplete.status_code == 200 and "chưa trả lời" in incomplete.content.decode()
    assert not Opinion.objects.exists()
    answers = {f"q_{subject.pk}_chap_hanh": "tot", f"q_{subject.pk}_lien_he": "xuat_sac",
               f"q_{subject.pk}_nhan_xet": "Gương mẫu ở khu dân cư."}  # fmt: skip
    assert public.post(path, answers).status_code == 200
    again = public.post(path, answers)
    assert again.status_code == 410 and "chỉ gửi được một lần" in again.content.decode()
    assert Opinion.objects.count() == 1
    assert Client().get("/y-kien/lien-ket/khong-co-that/").status_code == 404
    # Named: the cell's officer reads who said what; the subject reads the summary only.
    officer_page = logged_in(world.users["secretary_a"]).get(f"/danh-gia/{subject.pk}/y-kien/").content.decode()
    assert "Chi bộ khu dân cư số 3" in officer_page and "Gương mẫu ở khu dân cư." in officer_page
    subject_user = world.users.get(f"member:{subject.person_id}")
    subject_page = logged_in(subject_user).get(f"/danh-gia/{subject.pk}/y-kien/").content.decode()
    assert "Chi bộ khu dân cư số 3" not in subject_page and "Gương mẫu ở khu dân cư." not in subject_page
    assert "1 ý kiến" in subject_page


def test_a_lost_link_is_reissued_and_the_old_one_stops_working(opened, mailoutbox, django_capture_on_commit_callbacks):
    world = opened
    subject = cell_reviews(world, world.cells[0])[2]
    group = opinions.group_create(period=world.period, unit=world.cells[0], kind="front", name="Ban công tác Mặt trận",
                                  reviews=[subject], deadline=DEADLINE, actor=None)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        externals = [("Ban công tác Mặt trận", "mt@example.vn")]
        [issued] = opinions.respondents_add(group=group, externals=externals, actor=None)
        assert not mailoutbox  # the link is mailed once the respondent is committed
    assert issued.link in mailoutbox[0].body
    new_link = opinions.respondent_reissue(respondent=issued.respondent, actor=None)
    public = Client()
    assert public.get(issued.link.removeprefix("http://127.0.0.1:8000")).status_code == 404
    assert public.get(new_link.removeprefix("http://127.0.0.1:8000")).status_code == 200


def test_past_the_deadline_a_sheet_is_closed(opened, monkeypatch):
    world = opened
    subject = cell_reviews(world, world.cells[0])[2]
    group = anonymous_group(world, [subject])
    [issued] = opinions.respondents_add(group=group, externals=[("Người A", "")], actor=None)
    monkeypatch.setattr(opinions, "today", lambda: DEADLINE + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="hết hạn"):
        opinions.sheet_submit(respondent=issued.respondent, answers={subject.pk: {"muc": "HT"}}, actor=None)
    assert opinions.is_closed(group)


def test_opinion_pages_check_scope(opened):
    world = opened
    cell_a = world.cells[0]
    subject = cell_reviews(world, cell_a)[2]
    secretary_a, secretary_b = logged_in(world.users["secretary_a"]), logged_in(world.users["secretary_b"])
    unit_url = f"/ky-danh-gia/{world.period.pk}/y-kien/don-vi/{cell_a.pk}/"
    assert secretary_a.get(unit_url).status_code == 200
    assert secretary_b.get(unit_url).status_code == 404
    assert Client().get(unit_url).status_code == 302  # to the login page
    # The cell's secretary asks the cell committee for opinions through the page.
    response = secretary_a.post(unit_url, {"kind": "collective", "name": "Chi ủy", "deadline": DEADLINE.isoformat(),
                                           "weight": "1", "anonymity": "named", "min_respondents": "3",
                                           "review": [str(subject.pk)]})  # fmt: skip
    assert response.status_code == 302
    group_url = response["Location"]
    group_id = int(re.search(r"/nhom/(\d+)/", group_url).group(1))
    assert secretary_b.get(group_url).status_code == 404
    assert secretary_b.post(group_url, {"action": "add", "externals": "X"}).status_code == 404
    member = world.users[f"member:{subject.person_id}"]
    assert logged_in(member).post(group_url, {"action": "add", "externals": "X"}).status_code in (403, 404)
    added = secretary_a.post(
        group_url, {"action": "add", "user": [str(world.users["committee"].pk)], "externals": "Tổ dân phố 2; "}
    )
    assert added.status_code == 200 and "/y-kien/lien-ket/" in added.content.decode()
    sheet = Respondent.objects.get(group_id=group_id, user=world.users["committee"])
    assert logged_in(world.users["committee"]).get(f"/y-kien/phieu/{sheet.pk}/").status_code == 200
    assert secretary_a.get(f"/y-kien/phieu/{sheet.pk}/").status_code == 404  # somebody else's sheet
    assert logged_in(world.users["committee"]).get("/y-kien/cua-toi/").content.decode().count("Chi ủy") >= 1
    # A member outside the cell cannot read the opinions on the subject.
    outsider = world.users[f"member:{cell_reviews(world, world.cells[1])[2].person_id}"]
    assert logged_in(outsider).get(f"/danh-gia/{subject.pk}/y-kien/").status_code == 404
    bad = secretary_a.post(unit_url, {"kind": "collective", "name": "Chi ủy 2", "deadline": DEADLINE.isoformat(),
                                      "weight": "1", "anonymity": "named", "min_respondents": "3"})  # fmt: skip
    assert bad.status_code == 200 and "Hãy chọn ít nhất một" in bad.content.decode()
    assert not EvaluatorGroup.objects.filter(name="Chi ủy 2").exists()


def test_no_admin_page_reads_opinions_or_sheets():
    # Django admin would show anonymous answers row by row: opinions and sheets are deliberately not registered.
    from django.contrib import admin

    from danhgia.reviews.models import EvaluatorGroup

    assert not any(admin.site.is_registered(m) for m in (Opinion, Respondent, EvaluatorGroup))
