"""A whole small period (a commune with three cells) from opening to decision, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from danhgia.audit.models import Action, AuditEvent
from danhgia.reviews import complaints, decisions, opinions
from danhgia.reviews.models import Decision, Exclusion, Notification, Review, ReviewKind, ReviewState
from danhgia.reviews.opening import period_open_reviews, readiness
from tests.reviews.helpers import fill, meet, propose, reasons_for


def member_reviews(world, cell):
    return list(
        Review.objects.filter(period=world.period, kind__in=["member", "member_outside"], context=cell)
        .select_related("person")
        .order_by("person__sort_key")
    )


def test_opening_creates_one_review_per_subject_and_lists_the_excluded(commune):
    from danhgia.people.services import member_set_status

    world = commune
    exempt = world.members["Chi bộ Xóm Vố"][4]
    import datetime as dt

    member_set_status(member=exempt.party_member, status="exempt", on=dt.date(2025, 1, 1), note="Tuổi cao", actor=None)
    result = period_open_reviews(period=world.period, actor=world.users["officer"])
    assert result.created[ReviewKind.MEMBER] == 14
    assert result.created[ReviewKind.LEADER] == 1  # the commune secretary, also reviewed in their cell
    assert result.created[ReviewKind.PARTY_ORG] == 4  # three cells and the commune committee
    assert result.excluded == 1
    assert Exclusion.objects.get(period=world.period).reason == "Miễn công tác và sinh hoạt đảng"
    cell_review = Review.objects.get(period=world.period, kind="party_org", unit=world.cells[0])
    assert cell_review.authority == world.commune  # a cell is decided by the grassroots committee above it
    member = Review.objects.get(period=world.period, kind="member", person=world.members["Chi bộ Xóm Đồi"][3])
    assert member.authority == world.commune and member.form_code == "2B"
    assert Review.objects.get(period=world.period, kind="leader").authority == world.province
    # Opening again adds nothing.
    assert period_open_reviews(period=world.period, actor=None).created == {}


def test_opening_refuses_while_a_cell_has_no_secretary(commune):
    from danhgia.people.models import Post
    from danhgia.people.services import post_end

    world = commune
    post = Post.objects.get(unit=world.cells[2], role="head")
    import datetime as dt

    post_end(post=post, ends_on=dt.date(2024, 1, 1), actor=None)
    assert [p.unit for p in readiness(world.period)] == [world.cells[2]]
    with pytest.raises(ValidationError, match="Chi bộ Xóm Vố: Chi bộ chưa có bí thư"):
        period_open_reviews(period=world.period, actor=None)
    assert not Review.objects.exists()


def test_a_whole_period_from_opening_to_decision_and_a_complaint(commune):
    world = commune
    officer, committee = world.users["officer"], world.users["committee"]
    period_open_reviews(period=world.period, actor=officer)
    period = world.period
    cell_a, _cell_b, _cell_c = world.cells

    # Self-reviews: every member, and every cell's collective report (Mẫu 01) written by its secretary.
    scores = {0: (28, 65), 1: (29, 66), 2: (27, 64), 3: (26, 60), 4: (25, 50)}
    for cell in world.cells:
        for i, review in enumerate(member_reviews(world, cell)):
            person_user = world.users.get(f"member:{review.person_id}") or officer
            general, task = scores[i % 5]
            fill(review, person_user, general=general, task=task, level="HTXS" if general + task >= 90 else "HTT")
        cell_review = Review.objects.get(period=period, kind="party_org", unit=cell)
        # Cell A scores 80: HTT. Its secretary is capped by it.
        fill(
            cell_review,
            officer,
            general=25 if cell == cell_a else 28,
            task=55 if cell == cell_a else 64,
            level="HTT" if cell == cell_a else "HTXS",
        )

    # Opinions: cell A's committee is asked anonymously about one member; only two of three answer in time, so
    # the group stays below its threshold and shows nothing but "too few opinions".
    subject = member_reviews(world, cell_a)[3]
    group = opinions.group_create(period=period, unit=cell_a, kind="collective", name="Chi ủy Xóm Đồi",
                                  reviews=[subject], deadline=dt.date.today(), anonymity="anonymous",
                                  actor=officer)  # fmt: skip
    sheets = opinions.respondents_add(group=group, externals=[("A", ""), ("B", ""), ("C", "")], actor=officer)
    for sheet in sheets[:2]:
        opinions.sheet_submit(respondent=sheet.respondent, actor=None,
                              answers={subject.pk: {"muc": "KHT", "pham_chat": "kem", "nhiem_vu": "kem"}})  # fmt: skip
    [summary] = opinions.summaries(subject)
    assert (summary.shown, summary.status) == (False, "Chưa đủ số ý kiến")

    # Each cell's meeting proposes its members and itself.
    for cell in world.cells:
        meeting = meet(period, cell, officer)
        for review in member_reviews(world, cell):
            propose(meeting, review, review.self_level, officer)
        cell_review = Review.objects.get(period=period, kind="party_org", unit=cell)
        propose(meeting, cell_review, cell_review.self_level, officer)

    # The commune committee decides the cells first (bodies before heads)...
    cell_reviews = decisions.group_reviews(period, world.groups["cells"])
    secretary_a = Review.objects.get(period=period, kind="member", person=world.secretaries[cell_a.name])
    with pytest.raises(ValidationError) as exc:
        decisions.decide(reviews=[secretary_a], levels={secretary_a.pk: "HTXS"}, actor=committee)
    assert "tập thể trước người đứng đầu" in str(exc.value)
    decisions.decide_suggested(reviews=cell_reviews, actor=committee, reasons=reasons_for(cell_reviews))
    levels = {
        r.unit_id: r.decision.level
        for r in Review.objects.filter(period=period, kind="party_org", unit__in=world.cells)
    }
    assert levels[cell_a.pk] == "HTT"

    # ... then the members' group: the 20 % quota caps some, and cell A's secretary is capped by the cell.
    rows, output = decisions.preview(decisions.group_reviews(period, world.groups["members"]))
    quota = output.quota[0]
    assert quota.candidates > quota.granted  # somebody is capped by the quota
    by_id = {row.review.pk: row for row in rows}
    head_row = by_id[secretary_a.pk]
    assert head_row.result.level == "HTT" and head_row.result.eligible == "HTXS"
    assert any(r.rule == "R23" for r in head_row.result.reasons)
    capped = [row for row in rows if any(r.rule == "quota" for r in row.result.reasons)]
    assert capped
    # The authority decides the members the engine ranks first; then the group's 20 % is full, and deciding a
    # capped member at HTXS as well is refused.
    first = {row.review.pk: "HTXS" for row in rows if row.result.level == "HTXS"}
    assert len(first) == quota.granted
    decisions.decide(
        reviews=[row.review for row in rows if row.review.pk in first],
        levels=first,
        actor=officer,
        reasons={pk: "Vượt trội" for pk in first},
    )
    with pytest.raises(ValidationError, match="Vượt tỷ lệ 20% của nhóm «"):
        decisions.decide(
            reviews=[capped[0].review],
            levels={capped[0].review.pk: "HTXS"},
            actor=committee,
            reasons={capped[0].review.pk: "x"},
        )
    members = decisions.group_reviews(period, world.groups["members"])
    made = decisions.decide_suggested(reviews=members, actor=committee, reasons=reasons_for(members))
    # Nobody decides their own record: the commune secretary's own review is left for another officer.
    chief_review = Review.objects.get(period=period, kind="member", person=world.users["committee"].person)
    assert chief_review.pk not in {d.review_id for d in made}
    members = decisions.group_reviews(period, world.groups["members"])
    made += decisions.decide_suggested(reviews=members, actor=officer, reasons=reasons_for(members))
    assert len(made) == 15 - quota.granted  # fifteen members, none exempt
    decided = Review.objects.filter(period=period, quota_group=world.groups["members"], decision__level="HTXS").count()
    assert decided == quota.granted
    assert AuditEvent.objects.filter(action=Action.DECISION_MADE).count() == 15 + 3  # members and cells
    subject_user = world.users[f"member:{capped[0].review.person_id}"]
    assert Notification.objects.filter(user=subject_user, text__contains="Kết quả xếp loại").exists()
    # Each decision records the engine's own result: a capped member's shows the quota, not just "proposed".
    capped_decision = Decision.objects.get(review=capped[0].review)
    assert capped_decision.level == "HTT" and "quota" in capped_decision.engine["reasons"]
    assert capped_decision.engine["quota_position"] > quota.granted
    # The cell and the commune committee are told, in one digest per decision; the provincial officer reads
    # results in the reports.
    told = Notification.objects.filter(user=world.users["committee"], text__startswith="Đã quyết định xếp loại")
    assert told.filter(text__contains="bản kiểm điểm của Đảng bộ xã Hòa Bình").exists()
    assert not Notification.objects.filter(user=officer, text__contains="xếp loại").exists()

    # A capped member complains; the committee above assigns, verifies, and decides again (HTT stands, so the
    # new decision lowers nothing: the quota is full). A changed result supersedes the old decision.
    review = Review.objects.get(pk=capped[0].review.pk)
    complaint = complaints.complaint_file(review=review, text="Tôi đạt 95 điểm.", actor=subject_user)
    assert Review.objects.get(pk=review.pk).state == ReviewState.COMPLAINED
    complaints.complaint_assign(complaint=complaint, assignee=officer, actor=officer)
    complaints.complaint_verify(complaint=complaint, verification="Đã xác minh: đề xuất đúng.", actor=officer)
    with pytest.raises(ValidationError, match="Vượt tỷ lệ"):
        complaints.complaint_redecide(complaint=complaint, level="HTXS", resolution="Quyết định lại", actor=officer)
    complaints.complaint_redecide(
        complaint=complaint, level="HT", resolution="Xác minh thấy chậm tiến độ.", actor=officer
    )
    review.refresh_from_db()
    old, new = Decision.objects.filter(review=review).order_by("decided_at", "id")
    assert (old.level, new.level, new.supersedes_id, review.decision_id) == ("HTT", "HT", old.pk, new.pk)
    assert review.state == ReviewState.DECIDED
