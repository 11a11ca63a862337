"""Each endpoint sees exactly what its token owner's pages see (docs/permissions.md), in JSON."""

import datetime as dt

from danhgia.audit.models import Action, AuditEvent


def ids(response, key="id"):
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["items"]}


def test_units_follow_the_tree_scope(world, token_of, call):
    everything = ids(call(token_of(world.users["officer"]), "/api/v1/units/"))
    assert {world.province.pk, world.cell_b1.pk, world.ubnd_a.pk} <= everything
    cell = ids(call(token_of(world.users["secretary_a1"]), "/api/v1/units/"))
    assert cell == {world.cell_a1.pk}
    # The Front of commune A sees its own committee's unit, not the cells (their members are not its business).
    front = ids(call(token_of(world.users["front_a"]), "/api/v1/units/"))
    assert len(front) == 1 and not front & {world.cell_a1.pk, world.commune_a.pk}
    assert ids(call(token_of(world.users["member_a1"]), "/api/v1/units/")) == set()


def test_a_unit_outside_the_scope_is_not_found_and_the_refusal_audited(world, token_of, call):
    raw = token_of(world.users["secretary_a1"])
    mine = call(raw, f"/api/v1/units/{world.cell_a1.pk}/")
    assert mine.status_code == 200
    assert mine.json()["name"] == "Chi bộ Xóm Đồng" and mine.json()["parent_id"] == world.commune_a.pk
    assert "path" not in mine.json()
    other = call(raw, f"/api/v1/units/{world.cell_b1.pk}/")
    assert other.status_code == 404
    assert other.json()["detail"] == "Không tìm thấy hoặc không thuộc phạm vi của bạn."
    assert AuditEvent.objects.filter(action=Action.ACCESS_DENIED, target_id=str(world.cell_b1.pk)).exists()
    assert call(raw, "/api/v1/units/999999999/").status_code == 404


def test_members_follow_the_people_scope(world, token_of, call):
    p = world.people
    secretary = ids(call(token_of(world.users["secretary_a1"]), "/api/v1/members/"), "person_id")
    assert secretary == {p["an"].pk, p["dang"].pk, p["binh"].pk}
    commune = ids(call(token_of(world.users["committee_a"]), "/api/v1/members/"), "person_id")
    assert commune == {p["an"].pk, p["dang"].pk, p["binh"].pk, p["cuong"].pk}
    # A member sees their own row only, as their file page; the Front sees the units but no member.
    assert ids(call(token_of(world.users["member_a1"]), "/api/v1/members/"), "person_id") == {p["binh"].pk}
    assert ids(call(token_of(world.users["front_a"]), "/api/v1/members/"), "person_id") == set()
    officer = call(token_of(world.users["officer"]), "/api/v1/members/").json()["items"]
    an = next(row for row in officer if row["person_id"] == p["an"].pk)
    assert an["full_name"] == "Nguyễn Văn An" and an["cell_id"] == world.cell_a1.pk
    assert an["admitted_on"] == "2010-01-01" and an["official_on"] == "2011-01-01" and an["status"] == "active"
    assert an["birth_date"] == "1980-05-01" and an["gender"] == "nam"
    assert "national_id" not in an


def test_the_unit_filter_is_a_subtree_within_the_scope(world, token_of, call):
    officer = token_of(world.users["officer"])
    a2 = ids(call(officer, f"/api/v1/members/?unit={world.cell_a2.pk}"), "person_id")
    assert a2 == {world.people["cuong"].pk}
    assert ids(call(officer, f"/api/v1/units/?unit={world.commune_b.pk}")) == {world.commune_b.pk, world.cell_b1.pk}
    secretary = token_of(world.users["secretary_a1"])
    assert call(secretary, f"/api/v1/members/?unit={world.cell_b1.pk}").status_code == 404


def test_reading_members_is_audited_without_personal_data(world, token_of, call):
    raw = token_of(world.users["secretary_a1"])
    call(raw, f"/api/v1/members/?unit={world.cell_a1.pk}")
    event = AuditEvent.objects.get(action=Action.API_READ)
    assert event.new == {"endpoint": "/api/v1/members/", "count": 3, "unit": world.cell_a1.pk}
    assert event.actor_id == world.users["secretary_a1"].pk and event.scope_path == world.cell_a1.path
    assert "Nguyễn" not in str(event.new) + event.target_label
    call(raw, "/api/v1/members/")
    assert AuditEvent.objects.filter(action=Action.API_READ).latest("id").scope_path == world.cell_a1.path


def test_periods_are_those_that_cover_the_scope(world, token_of, call):
    for role in ["officer", "secretary_a1", "member_a1", "front_a"]:
        assert ids(call(token_of(world.users[role]), "/api/v1/periods/")) == {world.period.pk}, role


def test_reviews_follow_the_review_scope(proposed, token_of, call):
    world = proposed
    url = f"/api/v1/periods/{world.period.pk}/reviews/"
    first = world.cells[0]
    secretary = call(token_of(world.users["secretary_a"]), url).json()["items"]
    assert secretary and {row["context_id"] for row in secretary} == {first.pk}
    names = {row["subject_name"] for row in secretary}
    assert {str(p) for p in world.members[first.name]} <= names
    assert not {str(p) for p in world.members[world.cells[1].name]} & names
    row = secretary[0]
    assert set(row) == {
        *("id", "kind", "person_id", "unit_id", "subject_name", "context_id", "authority_id", "state"),
        *("proposed_level", "decided_level", "decision_number", "decision_signed_on"),
    }
    committee = call(token_of(world.users["committee"]), url).json()["items"]
    decided = [r for r in committee if r["kind"] == "party_org" and r["unit_id"] == first.pk]
    assert decided and decided[0]["decided_level"] and decided[0]["state"] == "decided"
    assert {r["id"] for r in secretary} < {r["id"] for r in committee}
    member = next(u for key, u in world.users.items() if key.startswith("member:"))
    assert ids(call(token_of(member), url)) == set()
    assert AuditEvent.objects.filter(action=Action.API_READ, new__endpoint=url).exists()


def test_no_opinion_is_reachable(proposed, token_of, call):
    raw = token_of(proposed.users["officer"])
    period = proposed.period.pk
    for url in ["/api/v1/opinions/", f"/api/v1/periods/{period}/opinions/", "/api/v1/reviews/1/opinions/"]:
        response = call(raw, url)
        assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    reviews = call(raw, f"/api/v1/periods/{period}/reviews/").json()["items"]
    assert reviews and not any("opinion" in key for row in reviews for key in row)


def test_json_is_utf8_and_a_missing_final_slash_is_redirected(world, token_of, call):
    raw = token_of(world.users["secretary_a1"])
    response = call(raw, "/api/v1/units/")
    assert "Chi bộ Xóm Đồng".encode() in response.content
    assert response["Content-Type"].startswith("application/json")
    moved = call(raw, "/api/v1/units?limit=5")
    assert moved.status_code == 301 and moved["Location"] == "/api/v1/units/?limit=5"
    assert call(raw, "/api/v1/nothing").status_code == 404


def test_a_period_outside_the_scope_is_not_found(world, token_of, call):
    from danhgia.orgs.models import Locality, UnitKind
    from danhgia.orgs.services import unit_create
    from danhgia.periods.services import period_create

    other = unit_create(
        parent=None, kind=UnitKind.PROVINCE_COMMITTEE, name="Đảng bộ tỉnh Khác", locality=Locality.PROVINCE, actor=None
    )
    period = period_create(unit=other, year=dt.date.today().year, actor=None)
    raw = token_of(world.users["officer"])
    assert period.pk not in ids(call(raw, "/api/v1/periods/"))
    assert call(raw, f"/api/v1/periods/{period.pk}/reviews/").status_code == 404
