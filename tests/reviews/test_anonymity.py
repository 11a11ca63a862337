"""Anonymity holds against the one who runs the group (security issue, item 2).

A probe found that a cell secretary could add two outside respondents to an anonymous group, keep their single-use
links, answer them himself and so read the one real respondent's answers; and that on PostgreSQL the `xmin` system
column (on SQLite the row order) linked every anonymous answer to its author's sheet. The model now: a sheet counts
toward a group's threshold only when whoever added it could not have answered it (a respondent answering under their
own account, not the adder's; a single-use link only once vouched for by someone other than the adder), and an
anonymous group's answers are rewritten together, in a random order, at every submission.
"""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from danhgia.reviews import opinions
from danhgia.reviews.models import Opinion, Respondent
from tests.reviews.test_opinions import anonymous_group, cell_reviews

ANSWER = {"muc": "HTT", "pham_chat": "tot", "nhiem_vu": "tot"}


def answer(issued, subject, level="HTT", grade="tot", nhiem_vu="tot"):
    opinions.sheet_submit(
        respondent=Respondent.objects.get(pk=issued.respondent.pk),
        answers={subject.pk: {"muc": level, "pham_chat": grade, "nhiem_vu": nhiem_vu}},
        actor=issued.respondent.user,
    )


def members_of(world, reviews, subject):
    """The members of the commune with an account (two in each cell), the subject apart."""
    return [
        user
        for key, user in sorted(world.users.items())
        if key.startswith("member:") and user.person_id != subject.person_id
    ]


def test_links_kept_by_the_one_who_added_them_do_not_count_toward_the_threshold(opened):
    world = opened
    reviews = cell_reviews(world, world.cells[0])
    subject = reviews[3]
    secretary = world.users["secretary_a"]
    group = anonymous_group(world, [subject])
    real = members_of(world, reviews, subject)[0]
    [honest] = opinions.respondents_add(group=group, users=[real], actor=secretary)
    fakes = opinions.respondents_add(group=group, externals=[("Người A", ""), ("Người B", "")], actor=secretary)
    answer(honest, subject, "KHT", "kem")
    for fake in fakes:  # the secretary answers the links he kept
        answer(fake, subject, "HTXS", "xuat_sac")
    assert opinions.is_closed(group)
    [summary] = opinions.summaries(subject)
    assert not summary.shown and summary.status == "Chưa đủ số ý kiến" and summary.questions == []


def test_the_adders_own_sheet_does_not_count_either(opened):
    world = opened
    reviews = cell_reviews(world, world.cells[0])
    subject = reviews[3]
    secretary = world.users["secretary_a"]
    group = anonymous_group(world, [subject])
    sheets = opinions.respondents_add(
        group=group, users=[secretary, *members_of(world, reviews, subject)[:2]], actor=secretary
    )
    for sheet in sheets:
        answer(sheet, subject)
    [summary] = opinions.summaries(subject)
    assert not summary.shown  # two real answers and the secretary's own: two that count, below three


def test_links_vouched_for_by_someone_else_count(opened):
    world = opened
    reviews = cell_reviews(world, world.cells[0])
    subject = reviews[3]
    secretary, committee = world.users["secretary_a"], world.users["committee"]
    group = anonymous_group(world, [subject])
    links = opinions.respondents_add(
        group=group, externals=[("Người A", ""), ("Người B", ""), ("Người C", "")], actor=secretary
    )
    with pytest.raises(ValidationError, match="người khác"):
        opinions.respondent_vouch(respondent=links[0].respondent, actor=secretary)
    for link in links:
        opinions.respondent_vouch(respondent=link.respondent, actor=committee)
        answer(link, subject)
    [summary] = opinions.summaries(subject)
    assert summary.shown and summary.answers == 3
    # A sheet already answered is not vouched for afterwards: whoever held the link may have answered it.
    group2 = anonymous_group(world, [subject])
    [late] = opinions.respondents_add(group=group2, externals=[("Người D", "")], actor=secretary)
    answer(late, subject)
    with pytest.raises(ValidationError, match="đã trả lời"):
        opinions.respondent_vouch(respondent=late.respondent, actor=committee)


def test_the_group_page_says_which_sheets_count_and_offers_the_vouching(opened, client):
    world = opened
    reviews = cell_reviews(world, world.cells[0])
    subject = reviews[3]
    group = anonymous_group(world, [subject])
    opinions.respondents_add(group=group, externals=[("Người A", "")], actor=world.users["secretary_a"])
    client.force_login(world.users["secretary_a"])
    body = client.get(f"/y-kien/nhom/{group.pk}/").content.decode()
    assert "Chưa được xác nhận" in body and 'value="vouch"' not in body  # not by the one who added it
    client.force_login(world.users["committee"])
    body = client.get(f"/y-kien/nhom/{group.pk}/").content.decode()
    assert 'value="vouch"' in body
    respondent = Respondent.objects.get(group=group)
    response = client.post(f"/y-kien/nhom/{group.pk}/", {"action": "vouch", "respondent": respondent.pk})
    assert response.status_code == 302
    assert Respondent.objects.get(pk=respondent.pk).vouched_by_id == world.users["committee"].pk


def test_results_never_change_between_two_looks(opened):
    world = opened
    reviews = cell_reviews(world, world.cells[0])
    subject = reviews[3]
    group = anonymous_group(world, [subject])
    users = members_of(world, reviews, subject)
    sheets = opinions.respondents_add(group=group, users=users, actor=None)
    for sheet in sheets[:3]:
        answer(sheet, subject)
    for sheet in sheets[3:]:
        opinions.respondent_revoke(respondent=sheet.respondent, actor=None)
    [first] = opinions.summaries(subject)
    assert first.shown
    with pytest.raises(ValidationError):
        opinions.respondents_add(group=group, externals=[("Người mới", "")], actor=None)
    for sheet in sheets:
        with pytest.raises(ValidationError):
            answer(sheet, subject, "KHT")
    [second] = opinions.summaries(subject)
    assert (second.answers, second.score, [q.counts for q in second.questions]) == (
        first.answers,
        first.score,
        [q.counts for q in first.questions],
    )


def _rows(group) -> list[tuple[str, str, dict]]:
    """(system row version, physical place, answers) of the group's opinions, as the database holds them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT xmin::text, ctid::text, answers FROM reviews_opinion WHERE group_id = %s ORDER BY ctid",
                [group.pk],
            )
        else:
            cursor.execute(
                "SELECT '', rowid, answers FROM reviews_opinion WHERE group_id = %s ORDER BY rowid", [group.pk]
            )
        rows = cursor.fetchall()
    return [(xmin, place, json.loads(a) if isinstance(a, str) else a) for xmin, place, a in rows]


def _sheet_versions(group) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, xmin::text FROM reviews_respondent WHERE group_id = %s", [group.pk])
        return dict(cursor.fetchall())


def test_no_column_system_column_or_order_links_an_answer_to_its_sheet(opened):
    """With full database access: twelve respondents answer one after another, each with an answer of their own."""
    world = opened
    reviews = cell_reviews(world, world.cells[0])
    subject = reviews[3]
    group = anonymous_group(world, [subject])
    links = opinions.respondents_add(group=group, externals=[(f"Người {n}", "") for n in range(12)], actor=None)
    grades = ["xuat_sac", "tot", "trung_binh", "kem"]
    given = []
    for n, link in enumerate(links):
        opinions.respondent_vouch(respondent=link.respondent, actor=world.users["committee"])
        mine = {"muc": "HTT", "pham_chat": grades[n % 4], "nhiem_vu": grades[n // 4]}
        answer(link, subject, mine["muc"], mine["pham_chat"], mine["nhiem_vu"])
        given.append(mine)
    rows = _rows(group)
    assert sorted(json.dumps(a, sort_keys=True) for _x, _p, a in rows) == sorted(
        json.dumps(a, sort_keys=True) for a in given
    )
    # Stored in an order that is not the order of submission (12! orders: by chance one time in 479 million).
    assert [a for _x, _p, a in rows] != given
    # Nothing on the rows names a sheet, a respondent or a time.
    for opinion in Opinion.objects.filter(group=group):
        assert opinion.respondent_id is None and opinion.respondent_name == "" and opinion.submitted_on is None
    if connection.vendor == "postgresql":
        # Rewritten together: one row version for all, shared with no sheet but the last one written.
        assert len({xmin for xmin, _p, _a in rows}) == 1
        [version] = {xmin for xmin, _p, _a in rows}
        sheets = _sheet_versions(group)
        assert [pk for pk, xmin in sheets.items() if xmin == version] in ([], [links[-1].respondent.pk])


def test_a_reissued_link_is_the_reissuers_and_needs_a_new_vouch(opened):
    """The probe's way round the vouch: a colleague vouches for two links, the secretary reissues them and answers."""
    world = opened
    reviews = cell_reviews(world, world.cells[0])
    subject = reviews[3]
    secretary, committee = world.users["secretary_a"], world.users["committee"]
    group = anonymous_group(world, [subject])
    [honest] = opinions.respondents_add(group=group, users=[members_of(world, reviews, subject)[0]], actor=secretary)
    links = opinions.respondents_add(group=group, externals=[("Người A", ""), ("Người B", "")], actor=committee)
    for link in links:
        opinions.respondent_vouch(respondent=link.respondent, actor=secretary)
        opinions.respondent_reissue(respondent=link.respondent, actor=committee)
        sheet = Respondent.objects.get(pk=link.respondent.pk)
        assert sheet.vouched_by_id is None and sheet.added_by_id == committee.pk
        assert not sheet.counts_toward_threshold
    answer(honest, subject, "KHT", "kem")
    for link in links:
        answer(link, subject, "HTXS", "xuat_sac")
    [summary] = opinions.summaries(subject)
    assert not summary.shown and summary.status == "Chưa đủ số ý kiến"


def test_two_anonymous_groups_on_one_subject_share_no_respondent(opened):
    """A difference attack across groups: A asks three members, B the same three and a fourth; B − A would be the
    fourth's answers. One anonymous sheet per person and subject."""
    world = opened
    reviews = cell_reviews(world, world.cells[0])
    subject = reviews[3]
    users = members_of(world, reviews, subject)[:4]
    first = anonymous_group(world, [subject])
    opinions.respondents_add(group=first, users=users[:3], actor=None)
    second = anonymous_group(world, [subject])
    with pytest.raises(ValidationError, match="nhóm khác"):
        opinions.respondents_add(group=second, users=users, actor=None)
    assert not second.respondents.exists()
    opinions.respondents_add(group=second, users=users[3:], actor=None)  # someone who answers nowhere else: fine
    # A named group on the same subject is not concerned (its answers carry their authors anyway).
    named = opinions.group_create(
        period=world.period, unit=world.cells[0], kind="collective", name="Chi ủy (ghi tên)", reviews=[subject],
        deadline=first.deadline, actor=None,
    )  # fmt: skip
    opinions.respondents_add(group=named, users=users, actor=None)
