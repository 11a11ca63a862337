"""The audit page reads as words: labelled values, Có/Không, dates day first, the actor's name."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from danhgia.audit.display import describe, label, value_text
from danhgia.audit.models import Action, AuditEvent
from danhgia.audit.services import record
from danhgia.orgs.models import Unit
from danhgia.people.services import person_update
from danhgia.periods.services import period_create


def audit_page(client, **params):
    response = client.get(reverse("audit-list"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_values_are_labelled_and_readable(world, client):
    officer = world.users["officer"]
    officer.first_name, officer.last_name = "Hoa", "Phạm Thị"
    officer.save()
    record(
        actor=officer,
        action=Action.PROPOSAL_RECORDED,
        target=world.cell_a1,
        unit=world.cell_a1,
        new={"level": "HTT", "votes_for": 14, "passed": True, "note": None, "held_on": "2025-12-05"},
    )
    client.force_login(officer)
    body = audit_page(client)
    assert "{&#x27;level&#x27;" not in body and "votes_for" not in body
    assert '<span class="muted">Mức xếp loại:</span> HTT' in body
    assert '<span class="muted">Tán thành:</span> 14' in body
    assert '<span class="muted">Được thông qua:</span> Có' in body
    assert '<span class="muted">Ghi chú:</span> —' in body
    assert '<span class="muted">Ngày họp:</span> 05/12/2025' in body
    # The actor by name, the username in small print.
    assert 'Phạm Thị Hoa<div class="muted small">bantochuc</div>' in body


def test_model_fields_take_their_verbose_name_and_choice_labels(world, client):
    year = world.period.year + 1  # next year's period, prepared ahead
    period = period_create(unit=world.province, year=year, actor=world.users["officer"])
    event = AuditEvent.objects.filter(action=Action.PERIOD_CREATED, target_id=str(period.pk)).get()
    lines = {line.label: line.value for line in describe(event).lines}
    assert lines["Tên kỳ đánh giá"] == period.name
    assert lines["Loại kỳ"] == "Hằng năm"
    assert lines["Trạng thái"] == "Đang chuẩn bị"  # the choice's label, not "draft"
    assert lines["Quy định áp dụng"] == "R2025"  # codes in capitals stay as officers write them
    assert lines["Từ ngày"] == f"01/01/{year}"
    assert lines["Quý"] == "—"


def test_an_update_shows_what_changed(world, client):
    officer = world.users["officer"]
    person_update(person=world.people["binh"], given_name="Bính", actor=officer)
    client.force_login(officer)
    body = audit_page(client, action=Action.PERSON_UPDATED)
    assert '<span class="muted">Tên:</span> <s>Bình</s> → <b>Bính</b>' in body
    # The unchanged rest of the snapshot folds away.
    assert "giá trị không đổi</summary>" in body
    assert '<li class="muted">Họ: Bùi</li>' in body


def test_person_name_is_shown_and_found(world, client):
    secretary = world.users["secretary_a1"]  # a person's account: Nguyễn Văn An
    record(actor=secretary, action=Action.FACTS_RECORDED, target=world.cell_a1, unit=world.cell_a1)
    client.force_login(world.users["officer"])
    body = audit_page(client, actor="nguyen van an")
    assert 'Nguyễn Văn An<div class="muted small">bithu.a1</div>' in body
    assert "1 sự kiện" in body
    assert "1 sự kiện" in audit_page(client, actor="bithu.a1")


def test_events_without_an_account_say_system(world, client):
    client.force_login(world.users["officer"])
    body = audit_page(client)
    assert "<td>Hệ thống</td>" in body


def test_deleted_values_are_labelled(world):
    event = record(actor=None, action=Action.ADMIN_DELETE, target=world.cell_b1, old={"name": "Chi bộ Xóm Chợ"})
    row = describe(AuditEvent.objects.select_related("actor__person").get(pk=event.pk))
    assert row.only_old
    assert [(line.label, line.value) for line in row.lines] == [("Tên", "Chi bộ Xóm Chợ")]


def test_value_texts():
    assert value_text(False) == "Không"
    assert value_text(None) == "—"
    assert value_text([]) == "—"
    assert value_text("2024-02-29T01:30:00+00:00") == "29/02/2024 08:30"  # local time, Asia/Ho_Chi_Minh
    assert value_text({"kind": "members_under", "under": 20}) == "Loại: members_under, under: 20"
    assert value_text({"created": {"member": 3, "unit": 1}, "ids": [1, 2]}) == (
        "Đã tạo: (member: 3, Đơn vị: 1), ids: [1, 2]"
    )
    assert value_text(86.5) == "86,5"
    assert value_text("x" * 300).endswith("…")
    assert label("unknown_key") == "unknown_key"
    assert label("path", Unit) == "Đường dẫn cây"
    assert label("sort_key", Unit) == "sort_key"  # Django's made-up English verbose name is not used
    assert value_text(dt.date(2024, 1, 2).isoformat()) == "02/01/2024"


def test_page_does_not_query_per_row(world, client):
    client.force_login(world.users["officer"])
    audit_page(client)
    with CaptureQueriesContext(connection) as before:
        audit_page(client)
    for i in range(5):
        for persona in ("secretary_a1", "officer", "inspector"):
            record(
                actor=world.users[persona],
                action=Action.UNIT_UPDATED,
                target=world.cell_a1,
                unit=world.cell_a1,
                old={"name": "A", "parent": i},
                new={"name": "B", "parent": i},
            )
    with CaptureQueriesContext(connection) as after:
        audit_page(client)
    assert len(after.captured_queries) == len(before.captured_queries)
