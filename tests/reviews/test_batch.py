"""The batch decision with care (issue 9, items 7 and 8): the plan first, then a confirmation bound to it with the
decision's number and date; no machine-written reason; one notice per recipient; e-mails after the commit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danhgia.audit.models import Action, AuditEvent
from danhgia.documents import contexts, services
from danhgia.reviews import decisions
from danhgia.reviews.models import Decision, Notification, Review, ReviewState
from tests.documents.conftest import pdf_text
from tests.documents.test_render import docx_text
from tests.reviews.helpers import NUMBER, reasons_for, stylesheet


def _url(world):
    return reverse("reviews-decide", args=[world.period.pk, world.groups["members"].pk])


def _plan(world, actor, reasons=None):
    rows, output = decisions.preview(decisions.group_reviews(world.period, world.groups["members"]))
    mine = {row.review.pk for row in rows}
    return rows, decisions.batch_plan(rows, output, mine=mine, actor=actor, reasons=reasons)


def _token(body: str) -> str:
    match = re.search(r'name="plan" value="([0-9a-f]+)"', body)
    assert match, "the plan's token is in the confirmation form"
    return match.group(1)


# ------------------------------------------------------------------------------------------------ the plan


def test_the_batch_shows_its_plan_first_and_writes_nothing(proposed, client):
    officer = proposed.users["officer"]
    _rows, plan = _plan(proposed, officer)
    assert plan.levels and plan.needs_reason and plan.capped  # the group has all three
    client.force_login(officer)
    body = client.post(_url(proposed), {"suggested": "1"}).content.decode()
    assert not Decision.objects.filter(review__quota_group=proposed.groups["members"]).exists()
    assert f"Sẽ quyết định {len(plan.levels)} đối tượng theo mức hệ thống tính" in body
    # Per place of review: how many at each level, how many need a reason, how many cannot be decided.
    table = body.split('class="table-wrap plan-table"')[1].split("</table>")[0]
    for place in plan.places():
        assert place["unit"].name in table
    assert f'<th class="num">{len(plan.needs_reason)}</th>' in table.split("<tfoot>")[1]
    # Who is capped by the quota, who departs from their self-assessment (left out), who cannot be decided.
    assert f"Bị giới hạn bởi tỷ lệ HTXS của nhóm ({len(plan.capped)})" in body
    assert f"Khác mức tự đánh giá, chưa có lý do — không đưa vào đợt này ({len(plan.needs_reason)})" in body
    someone = plan.needs_reason[0]
    assert f"{someone.subject_name}: tự đánh giá {someone.self_level}, hệ thống tính {plan.wanted[someone.pk]}" in body
    for why, left in plan.left.items():
        assert f"{why} ({len(left)}):" in body
    # The confirmation asks for the decision's number and date, and carries the plan's token.
    assert 'name="qd-number"' in body and 'name="qd-signed_on"' in body and _token(body) == plan.token
    assert "Xác nhận và ghi" in body


def test_the_plans_total_row_sticks_to_the_very_bottom_of_its_scroll_box(proposed, client):
    """The «Cộng» row stays in view at the bottom of the box, opaque, with no strip of the row scrolled beneath
    showing under it: a collapsed border stays where the row was, so the cells keep their own borders."""
    client.force_login(proposed.users["officer"])
    body = client.post(_url(proposed), {"suggested": "1"}).content.decode()
    assert '<div class="table-wrap plan-table"><table>' in body
    assert "<tfoot><tr><th>Cộng</th>" in body
    assert ".plan-table" not in body  # no rule of the page's own overrides the stylesheet's
    css = stylesheet()
    assert css[".plan-table"]["max-height"] == "22rem"  # a scroll box ...
    assert css[".plan-table"]["padding"] == "0" and "padding" not in css[".table-wrap"]  # ... with no gap inside
    assert css[".table-wrap"]["overflow"] == "auto"
    assert css[".plan-table table"] == {"border-collapse": "separate", "border-spacing": "0"}
    for cell in (".plan-table tfoot th", ".plan-table tfoot td"):
        footer = css[cell]
        assert (footer["position"], footer["bottom"], footer["top"]) == ("sticky", "0", "auto"), cell
        assert footer["background"].startswith("#") and footer["border-bottom"] == "0", cell
        assert footer["z-index"] == "1", cell  # over the rows' contents
    assert css["th"]["position"] == "sticky" and css["th"]["background"].startswith("#")  # the head stays too


def test_the_confirmed_batch_writes_the_plan_with_its_number_and_date_and_no_machine_reason(proposed, client):
    officer = proposed.users["officer"]
    _rows, plan = _plan(proposed, officer)
    client.force_login(officer)
    token = _token(client.post(_url(proposed), {"suggested": "1"}).content.decode())
    response = client.post(_url(proposed), {"suggested": "1", "confirm": "1", "plan": token} | NUMBER, follow=True)
    assert "Đã ghi Quyết định số 125-QĐ/ĐU ngày 20/12/2026 theo mức hệ thống tính." in response.content.decode()
    made = Decision.objects.filter(review__quota_group=proposed.groups["members"])
    assert {d.review_id: d.level for d in made} == plan.levels
    assert {(d.kind, d.number, d.signed_on) for d in made} == {("system", "125-QĐ/ĐU", dt.date(2026, 12, 20))}
    assert not [d for d in made if d.reason]  # nothing departing was written, so no reason at all
    # Those whose computed level departs from their self-assessment wait for a reason of the authority's own.
    assert not Review.objects.filter(pk__in=[r.pk for r in plan.needs_reason], state=ReviewState.DECIDED).exists()
    # Every decision has its audit event, and the batch one more: its number, date and counts.
    made_events = AuditEvent.objects.filter(action=Action.DECISION_MADE, target_id__in=[str(pk) for pk in plan.levels])
    assert made_events.count() == len(plan.levels)
    batch = AuditEvent.objects.get(action=Action.DECISION_BATCH, target_id=str(proposed.groups["members"].pk))
    assert batch.target_type == "people.quotagroup" and batch.actor == officer
    assert batch.new["number"] == "125-QĐ/ĐU" and batch.new["signed_on"] == "2026-12-20"
    assert batch.new["decided"] == len(plan.levels) and batch.new["needs_reason"] == len(plan.needs_reason)
    assert sum(batch.new["levels"].values()) == len(plan.levels)
    # The review page shows the decision's number and date.
    decided = next(iter(plan.levels))
    body = client.get(reverse("reviews-detail", args=[decided])).content.decode()
    assert "125-QĐ/ĐU, 20/12/2026" in body


def test_the_officers_written_reason_brings_a_departing_row_into_the_batch(proposed, client):
    officer = proposed.users["officer"]
    _rows, plan = _plan(proposed, officer)
    first, *rest = plan.needs_reason
    client.force_login(officer)
    data = {"suggested": "1", f"reason_{first.pk}": "Nhóm đã đủ 20% HTXS; đồng chí xếp sau về điểm."}
    body = client.post(_url(proposed), data).content.decode()
    assert "Khác mức tự đánh giá, có lý do của cấp có thẩm quyền (1)" in body
    assert f"Khác mức tự đánh giá, chưa có lý do — không đưa vào đợt này ({len(rest)})" in body
    # The reasons typed stay on the page, locked while the plan is confirmed, and travel with the confirmation.
    assert re.search(rf'<textarea name="reason_{first.pk}"[^>]*readonly[^>]*>Nhóm đã đủ 20% HTXS', body)
    client.post(_url(proposed), data | {"confirm": "1", "plan": _token(body)} | NUMBER)
    decision = Decision.objects.get(review=first)
    assert decision.reason == "Nhóm đã đủ 20% HTXS; đồng chí xếp sau về điểm."
    assert decision.level == plan.wanted[first.pk]
    assert not Decision.objects.filter(review__in=rest).exists()


def test_a_machine_written_reason_is_not_the_authoritys(proposed):
    officer = proposed.users["officer"]
    rows, plan = _plan(proposed, officer)
    row = next(r for r in rows if r.review.pk == plan.needs_reason[0].pk)
    machine = "Theo kết quả tính: Vượt tỷ lệ 20% của nhóm «Đảng viên xã» (QĐ 366-QĐ/TW Điều 11 khoản 1.5)"
    # Pasted into the batch, it leaves the row out as if nothing were written...
    _rows, again = _plan(proposed, officer, reasons={row.review.pk: machine})
    assert row.review in again.needs_reason and row.review.pk not in again.levels
    # ... and a decision one by one refuses it, at the row's reason.
    with pytest.raises(ValidationError) as exc:
        levels, reasons = {row.review.pk: row.result.level}, {row.review.pk: machine}
        decisions.decide(reviews=[row.review], levels=levels, reasons=reasons, actor=officer)
    assert "không chép lời giải thích của hệ thống" in exc.value.message_dict[f"reason_{row.review.pk}"][0]
    assert not Decision.objects.filter(review=row.review).exists()


def test_the_confirmation_needs_the_number_and_date_and_keeps_what_was_typed(proposed, client):
    client.force_login(proposed.users["officer"])
    token = _token(client.post(_url(proposed), {"suggested": "1"}).content.decode())
    data = {"suggested": "1", "confirm": "1", "plan": token, "qd-number": "", "qd-signed_on": "31/02/2026"}
    body = client.post(_url(proposed), data).content.decode()
    assert "Hãy ghi số quyết định, ví dụ 125-QĐ/ĐU." in body
    assert "Ngày ký không hợp lệ: ghi ngày/tháng/năm, ví dụ 20/12/2026." in body
    assert 'value="31/02/2026"' in body and _token(body) == token  # the plan is still shown, what was typed kept
    assert not Decision.objects.filter(review__quota_group=proposed.groups["members"]).exists()


def test_a_plan_changed_since_it_was_shown_is_refused(proposed, client):
    officer = proposed.users["officer"]
    rows, plan = _plan(proposed, officer)
    client.force_login(officer)
    token = _token(client.post(_url(proposed), {"suggested": "1"}).content.decode())
    # Meanwhile another officer decides one of the group (at the level the plan shows for them).
    pk, level = next(iter(plan.levels.items()))
    decisions.decide(reviews=[r.review for r in rows if r.review.pk == pk], levels={pk: level}, actor=officer)
    body = client.post(_url(proposed), {"suggested": "1", "confirm": "1", "plan": token} | NUMBER).content.decode()
    assert "Dữ liệu đã thay đổi, hãy xem lại." in body
    assert Decision.objects.filter(review__quota_group=proposed.groups["members"]).count() == 1
    assert not AuditEvent.objects.filter(action=Action.DECISION_BATCH, target_id=str(proposed.groups["members"].pk))
    # The plan is shown again as it now stands, with what was typed, ready to be confirmed.
    assert _token(body) != token and 'value="125-QĐ/ĐU"' in body
    assert f"Sẽ quyết định {len(plan.levels) - 1} đối tượng" in body


def test_deciding_one_by_one_asks_for_the_number_and_date_too(proposed, client):
    rows, _ = decisions.preview(decisions.group_reviews(proposed.period, proposed.groups["members"]))
    row = next(r for r in rows if r.result.level == r.review.self_level and not r.blocked)
    client.force_login(proposed.users["officer"])
    data = {f"level_{row.review.pk}": row.result.level}
    body = client.post(_url(proposed), data).content.decode()
    assert "Sẽ ghi quyết định cho 1 đối tượng" in body and 'name="qd-number"' in body
    body = client.post(_url(proposed), data | {"confirm": "1"}).content.decode()
    assert "Hãy ghi số quyết định, ví dụ 125-QĐ/ĐU." in body and "Hãy ghi ngày ký quyết định." in body
    assert "Sẽ ghi quyết định cho 1 đối tượng" in body  # still the confirmation step
    assert not Decision.objects.filter(review=row.review).exists()
    client.post(_url(proposed), data | {"confirm": "1"} | NUMBER)
    decision = Decision.objects.get(review=row.review)
    assert (decision.kind, decision.number, decision.signed_on) == ("system", "125-QĐ/ĐU", dt.date(2026, 12, 20))


def test_the_notice_and_the_form_print_the_decisions_number_and_date(proposed, tmp_path):
    cell = proposed.cells[1]
    members = decisions.group_reviews(proposed.period, proposed.groups["members"])
    decisions.decide_suggested(
        reviews=members, actor=proposed.users["officer"], reasons=reasons_for(members),
        number="125-QĐ/ĐU", signed_on=dt.date(2026, 12, 20),
    )  # fmt: skip
    [(authority, reviews)] = contexts.notice_reviews(proposed.period, cell).items()
    reviews = [r for r in reviews if r.quota_group_id == proposed.groups["members"].pk]
    prepared = contexts.notice_document(reviews, cell, reviews[0].decision.authority)
    assert (prepared.context["so_quyet_dinh"], prepared.context["ngay_quyet_dinh"]) == ("125-QĐ/ĐU", "20/12/2026")
    # (pdftotext joins a line broken after a hyphen: the number may read "125QĐ/ĐU".)
    basis = r"Căn cứ Quyết định số 125-?QĐ/ĐU ngày 20/12/2026 của Đảng ủy xã Hòa Bình về đánh giá, xếp loại"
    assert re.search(basis, pdf_text(services.render(prepared, "pdf"), tmp_path))
    assert re.search(basis, docx_text(services.render(prepared, "docx")))
    [form] = contexts.review_documents([contexts.review_queryset().get(pk=reviews[0].pk)])
    assert "Quyết định số 125-QĐ/ĐU ngày 20/12/2026" in form.context["quyet_dinh"]
    assert re.search(r"Quyết định số 125-?QĐ/ĐU ngày 20/12/2026", pdf_text(services.render(form, "pdf"), tmp_path))
    # Results of several decisions in one notice: each row says its own; the basis line is left out.
    Decision.objects.filter(review=reviews[0]).update(number="126-QĐ/ĐU")
    mixed = contexts.notice_reviews(proposed.period, cell)[authority]
    assert contexts.notice_document(mixed, cell, reviews[0].decision.authority).context["so_quyet_dinh"] == ""


# ------------------------------------------------------------------------------------------------ notifications


def _batch(world, **extra):
    members = decisions.group_reviews(world.period, world.groups["members"])
    return decisions.decide_suggested(
        reviews=members, actor=world.users["officer"], reasons=reasons_for(members),
        number="125-QĐ/ĐU", signed_on=dt.date(2026, 12, 20), **extra,
    )  # fmt: skip


def test_a_batch_tells_each_recipient_once(proposed):
    Notification.objects.all().delete()
    made = _batch(proposed)
    assert len(made) > 5
    per_user = Notification.objects.values_list("user_id", flat=True)
    assert len(per_user) == len(set(per_user))  # at most one notice per recipient
    # The commune's secretary: one digest for the whole batch, with the count, the place and the decision.
    [digest] = Notification.objects.filter(user=proposed.users["committee"])
    assert digest.text.startswith(f"Đã quyết định xếp loại {len(made)} bản kiểm điểm của Đảng bộ xã Hòa Bình")
    assert "theo Quyết định số 125-QĐ/ĐU ngày 20/12/2026" in digest.text
    assert digest.url == reverse("reviews-period", args=[proposed.period.pk])
    # A cell's secretary: one digest of their cell, linking to the cell's page; their own result in it.
    secretary = proposed.users["secretary_a"]
    [notice] = Notification.objects.filter(user=secretary)
    cell_a = proposed.cells[0]
    assert f"bản kiểm điểm của {cell_a.name}" in notice.text
    assert notice.url == reverse("reviews-unit", args=[proposed.period.pk, cell_a.pk])
    own = Decision.objects.filter(review__person=secretary.person, review__period=proposed.period).first()
    if own is not None and own.pk in {d.pk for d in made}:
        assert f"Kết quả của đồng chí: {own.get_level_display()}." in notice.text
    # A member: their own result, linking to their review.
    member = next(d for d in made if f"dv{d.review.person_id}" in {u.username for u in proposed.users.values()})
    [mine] = Notification.objects.filter(user__person_id=member.review.person_id)
    assert mine.text.startswith(f"Kết quả xếp loại {member.review.subject_name}")
    assert mine.url == reverse("reviews-detail", args=[member.review_id])


def test_a_batch_writes_its_notices_in_one_statement(proposed):
    with CaptureQueriesContext(connection) as queries:
        made = _batch(proposed)
    assert len(made) > 5
    inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "reviews_notification"')]
    users = [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(inserts) == 1 and len(users) <= 3, (inserts, users)  # no query per review or per recipient


def test_emails_leave_after_the_commit_and_never_on_a_rollback(
    proposed, mailoutbox, django_capture_on_commit_callbacks
):
    for i, user in enumerate(proposed.users.values()):
        user.email = f"nguoi{i}@example.vn"
        user.save(update_fields=["email"])
    mailoutbox.clear()
    Notification.objects.all().delete()
    # Rolled back (the batch inside a transaction that fails after it): no notice, no e-mail.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _batch(proposed)
        raise RuntimeError("the surrounding transaction fails")
    assert not callbacks and not mailoutbox and not Notification.objects.exists()
    assert not Decision.objects.filter(review__quota_group=proposed.groups["members"]).exists()
    # Committed: nothing is sent while the batch runs (its quota group locked), then one e-mail per recipient.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = _batch(proposed)
        assert made and not mailoutbox
    assert len(callbacks) == 1
    told = Notification.objects.filter(user__email__endswith="@example.vn")
    assert len(mailoutbox) == told.count() > 1
    assert {m.to[0] for m in mailoutbox} == set(told.values_list("user__email", flat=True))
