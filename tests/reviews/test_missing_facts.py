"""Missing facts in the live workflow: a review without the facts a level rests on is neither lowered nor decided
by machine. The decision page marks it «chưa kiểm chứng» with what is missing; the batch leaves it to the officer.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from danhgia.reviews import decisions, services
from danhgia.reviews.models import Review
from danhgia.reviews.opening import period_open_reviews
from tests.reviews.conftest import build_commune
from tests.reviews.helpers import meet, propose


@pytest.fixture
def opened(db):
    """A commune in 2023 (QĐ 124): a self-review is graded by criteria and may be submitted without a task list."""
    world: Any = build_commune(year=2023)
    period_open_reviews(period=world.period, actor=world.users["officer"])
    return world


def _graded(world, review, grade, level, meeting):
    officer = world.users["officer"]
    table = services.table_for(review)
    grades = {item.code: grade for group in table.groups for item in group.items}
    actor = world.users.get(f"member:{review.person_id}") or officer
    services.review_save(review=review, actor=actor, items=grades, sections={"uu_diem": "Hoàn thành tốt."},
                         self_level=level, tasks=[])  # fmt: skip
    services.review_submit(review=Review.objects.get(pk=review.pk), actor=actor)
    propose(meeting, Review.objects.get(pk=review.pk), level, officer)
    return Review.objects.get(pk=review.pk)


def _cell_proposed_without_tasks(world):
    """Cell Đồi's members grade every criterion «Xuất sắc» but list no task: HTXS's task conditions (all on time,
    half exceeded) cannot be checked. The other cells' members are proposed HTT (graded «Tốt»), which makes room
    under the 20 % for some HTXS."""
    officer = world.users["officer"]
    reviews = []
    for cell in world.cells:
        meeting = meet(world.period, cell, officer)
        for person in world.members[cell.name]:
            review = Review.objects.get(period=world.period, kind="member", person=person)
            if cell == world.cells[0]:
                reviews.append(_graded(world, review, "xuat_sac", "HTXS", meeting))
            else:
                _graded(world, review, "tot", "HTT", meeting)
    return reviews


def _results(world, reviews):
    rows, output = decisions.preview(decisions.group_reviews(world.period, world.groups["members"]))
    by_id = {row.review.pk: row.result for row in rows}
    return {r.pk: by_id[r.pk] for r in reviews}, output


def test_a_review_without_its_task_list_keeps_its_proposal_and_is_marked_unverified(opened):
    reviews = _cell_proposed_without_tasks(opened)
    results, output = _results(opened, reviews)
    for result in results.values():
        assert result.eligible == "HTXS"  # not null, not KHT: nothing recorded is not a failure
    kept = [r for r in results.values() if r.level == "HTXS"]
    capped = [r for r in results.values() if r.level == "HTT"]
    assert kept and capped and len(kept) + len(capped) == len(reviews)  # the quota caps the rest
    for result in kept:
        assert {"R35-on-time", "R35-exceeded"} <= set(result.unverified)
    for result in capped:
        assert not result.unverified  # HTT rests on the criteria, which are graded
    assert any("chưa được kiểm chứng" in w for w in output.warnings)


def test_the_batch_leaves_unverified_rows_to_the_officer(opened):
    reviews = _cell_proposed_without_tasks(opened)
    results, _ = _results(opened, reviews)
    group = decisions.group_reviews(opened.period, opened.groups["members"])
    # The officer's own reasons for the rows that depart from the self-assessment (capped from HTXS to HTT).
    written = {r.pk: "Ban Thường vụ xem xét theo tỷ lệ của nhóm" for r in reviews}
    made = decisions.decide_suggested(reviews=group, actor=opened.users["officer"], reasons=written)
    decided = {d.review_id for d in made} & set(results)
    blocked = {r.pk for r in reviews if r.heads_id}  # the cell's secretary waits for the cell's decision
    assert decided == {pk for pk, result in results.items() if not result.unverified} - blocked
    assert decided and all(results[pk].level == "HTT" for pk in decided)
    plan = decisions.batch_plan(*decisions.preview(group), mine={r.pk for r in group}, actor=opened.users["officer"])
    left = {r.pk for why, rs in plan.left.items() if "chưa kiểm chứng" in why for r in rs}
    assert left == {pk for pk, result in results.items() if result.unverified} - blocked
    assert next(iter(plan.left)).startswith("Mức chưa kiểm chứng"), list(plan.left)  # first, not lost in the list


def test_the_decision_page_says_not_verified_and_what_is_missing(opened, client):
    reviews = _cell_proposed_without_tasks(opened)
    results, _ = _results(opened, reviews)
    n = sum(1 for r in results.values() if r.unverified)
    client.force_login(opened.users["committee"])
    url = reverse("reviews-decide", args=[opened.period.pk, opened.groups["members"].pk])
    body = client.get(url).content.decode()
    assert body.count(">chưa kiểm chứng<") == n
    assert "Thiếu: danh sách nhiệm vụ và kết quả (hoàn thành, đúng hạn, vượt mức)" in body
    assert "(unverified)" not in body  # the engine's field name stays out of the warning
    filtered = client.get(url + "?xem=chua-kiem-chung").content.decode()
    assert f'<b aria-current="true">Chưa kiểm chứng (thiếu dữ kiện) ({n})</b>' in filtered
    assert filtered.count(">chưa kiểm chứng<") == n
    # The card counts what the filter counts, and an unverified row's level is the officer's choice: none is
    # chosen for it in advance (the «chosen levels» button would decide it silently otherwise).
    assert f"{n} đối tượng có mức xếp loại chưa được kiểm chứng vì thiếu dữ kiện" in body
    shown = [(pk, result) for pk, result in results.items() if f'name="level_{pk}"' in body]  # not the blocked
    assert any(result.unverified for _, result in shown) and any(not result.unverified for _, result in shown)
    for pk, result in shown:
        select = body.split(f'name="level_{pk}"')[1].split("</select>")[0]
        assert (" selected" in select) == (not result.unverified), (pk, result)


# --- What the system holds counts as a fact ------------------------------------------------------------------


def test_a_body_s_discipline_condition_is_checked_against_its_members_records(db):
    """«No member of the leadership disciplined» (QĐ 366 Art. 11 §1) is read from the discipline recorded on the
    members' reviews: without any, the cell's HTXS is verified; with one, the cell cannot be HTXS."""
    from tests.reviews.helpers import fill

    world: Any = build_commune()  # this year: QĐ 366
    officer = world.users["officer"]
    period_open_reviews(period=world.period, actor=officer)
    cell = world.cells[1]
    body = Review.objects.get(period=world.period, kind="party_org", unit=cell)
    fill(body, officer, general=29, task=66, level="HTXS", tasks=[
        {"title": f"Nhiệm vụ {i}", "status": "exceeded" if i < 3 else "on_time"} for i in range(6)
    ])  # fmt: skip
    meeting = meet(world.period, cell, officer)
    propose(meeting, Review.objects.get(pk=body.pk), "HTXS", officer)

    def result():
        rows, _ = decisions.preview(decisions.group_reviews(world.period, world.groups["cells"]))
        return next(row.result for row in rows if row.review.pk == body.pk)

    clean = result()
    assert clean.eligible == "HTXS" and not clean.unverified  # (the cells' own 20 % may then cap it)
    secretary = Review.objects.get(period=world.period, kind="member", person=world.secretaries[cell.name])
    services.facts_record(review=secretary, facts={"discipline": [{"date": f"{world.period.year}-03-02",
                                                                   "form": "khien_trach"}]}, actor=officer)  # fmt: skip
    disciplined = result()
    assert disciplined.eligible == "HTT"
    assert "R60-discipline" in [r.rule for r in disciplined.reasons]


def test_a_review_not_yet_proposed_takes_no_quota_place(db):
    """Its level is a forecast: counted, it would take (or, downgraded to HTT, enlarge) the places of the members
    being decided."""
    from tests.reviews.helpers import fill

    world: Any = build_commune()
    officer = world.users["officer"]
    period_open_reviews(period=world.period, actor=officer)
    meeting = meet(world.period, world.cells[0], officer)
    submitted_only = []
    for i, person in enumerate(world.members[world.cells[0].name]):
        review = Review.objects.get(period=world.period, kind="member", person=person)
        fill(review, world.users.get(f"member:{person.pk}") or officer, general=29, task=68)
        if i < 2:
            propose(meeting, Review.objects.get(pk=review.pk), "HTXS", officer)
        else:
            submitted_only.append(review.pk)
    rows, output = decisions.preview(decisions.group_reviews(world.period, world.groups["members"]))
    quota = next(q for q in output.quota if q.group == f"g{world.groups['members'].pk}")
    assert quota.candidates == 2  # the two proposed, not the three only submitted
    forecasts = [row.result for row in rows if row.review.pk in submitted_only]
    assert all(r.level == "HTXS" and r.quota_position is None for r in forecasts)


def test_a_decided_body_caps_its_head_at_the_level_decided_not_at_one_its_facts_would_give(proposed):
    """The cells are decided; one cell's recorded facts would now give it KHT (e.g. corrected afterwards): its head,
    in the members' group, is held to the cell's decided level, neither lowered to KHT nor left unverified."""
    world = proposed
    cell = world.cells[0]
    body = Review.objects.get(period=world.period, kind="party_org", unit=cell)
    assert body.state == "decided"
    decided = body.decision.level
    Review.objects.filter(pk=body.pk).update(score_general=5, score_task=10)
    head = Review.objects.get(period=world.period, kind="member", person=world.secretaries[cell.name])
    results, _ = _results(world, [head])
    result = results[head.pk]
    levels = ["HTXS", "HTT", "HT", "KHT"]
    assert result.level is not None and levels.index(result.level) >= levels.index(decided), result  # not above
    assert result.level != "KHT" and not result.unverified, result
