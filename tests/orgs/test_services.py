import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from danhgia.audit.models import Action, AuditEvent
from danhgia.orgs.models import Unit, UnitKind, path_ids, subtree_q
from danhgia.orgs.services import unit_create, unit_dissolve, unit_move, unit_update


def test_create_builds_the_path_from_the_ancestors(world):
    cell = world.cell_a1
    assert path_ids(cell.path) == [world.province.pk, world.commune_a.pk, cell.pk]
    assert cell.depth == 2


def test_subtree_is_one_range_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(Unit.objects.filter(subtree_q(world.commune_a.path)).values_list("name", flat=True))
    assert {"Đảng bộ xã An Lạc", "Chi bộ Xóm Đồng", "Chi bộ Xóm Bãi", "Ủy ban nhân dân xã An Lạc"} <= names
    assert "Chi bộ Xóm Chợ" not in names


def test_subtree_range_does_not_leak_into_siblings_with_longer_ids(db):
    root = unit_create(parent=None, kind=UnitKind.PROVINCE_COMMITTEE, name="Tỉnh", actor=None)
    first = unit_create(parent=root, kind=UnitKind.GRASSROOTS_COMMITTEE, name="A", actor=None)
    second = unit_create(parent=root, kind=UnitKind.GRASSROOTS_COMMITTEE, name="B", actor=None)
    cell = unit_create(parent=second, kind=UnitKind.CELL, name="B1", actor=None)
    assert list(Unit.objects.filter(subtree_q(first.path))) == [first]
    assert set(Unit.objects.filter(subtree_q(second.path))) == {second, cell}


def test_create_is_audited_with_its_values(world):
    event = AuditEvent.objects.get(action=Action.UNIT_CREATED, target_id=str(world.cell_a1.pk))
    assert event.new["name"] == "Chi bộ Xóm Đồng"
    assert event.scope_path == world.cell_a1.path


@pytest.mark.parametrize(
    ("kind", "parent_attr", "field", "fragment"),
    [
        (UnitKind.CELL, "cell_a1", "parent", "Chi bộ không có tổ chức trực thuộc"),
        (UnitKind.CELL, "ubnd_a", "parent", "Tổ chức đảng chỉ trực thuộc một tổ chức đảng"),
        (UnitKind.CELL, "province", "parent", "Chi bộ trực thuộc phải thuộc"),
        (UnitKind.PEOPLES_COMMITTEE, None, "parent", "phải trực thuộc"),
    ],
)
def test_create_refuses_impossible_placements_in_vietnamese(world, kind, parent_attr, field, fragment):
    before = Unit.objects.count()
    parent = getattr(world, parent_attr) if parent_attr else None
    with pytest.raises(ValidationError) as exc:
        unit_create(parent=parent, kind=kind, name="Đơn vị mới", actor=None)
    assert fragment in " ".join(exc.value.message_dict[field])
    assert Unit.objects.count() == before


def test_move_rewrites_every_path_of_the_subtree(world):
    unit_move(unit=world.commune_a, new_parent=world.commune_b, actor=world.users["officer"])
    world.cell_a1.refresh_from_db()
    assert path_ids(world.cell_a1.path) == [world.province.pk, world.commune_b.pk, world.commune_a.pk, world.cell_a1.pk]
    assert AuditEvent.objects.filter(action=Action.UNIT_MOVED).count() == 1


def test_move_into_own_subtree_is_refused(world):
    with pytest.raises(ValidationError, match="chính nó"):
        unit_move(unit=world.commune_a, new_parent=world.cell_a1, actor=None)


def test_update_audits_old_and_new(world):
    unit_update(unit=world.cell_a2, name="Chi bộ Xóm Bãi Cháy", actor=world.users["officer"])
    event = AuditEvent.objects.filter(action=Action.UNIT_UPDATED).latest("id")
    assert event.old["name"] == "Chi bộ Xóm Bãi" and event.new["name"] == "Chi bộ Xóm Bãi Cháy"
    assert event.actor == world.users["officer"]


def test_dissolving_a_cell_with_members_is_refused(world):
    with pytest.raises(ValidationError, match="còn đảng viên"):
        unit_dissolve(unit=world.cell_a1, on=dt.date.today(), actor=None)


def test_same_level_bodies_are_the_non_party_children(world):
    bodies = [u.name for u in Unit.objects.filter(parent=world.commune_a).exclude(kind__in=["chi_bo"])]
    assert "Ủy ban nhân dân xã An Lạc" in bodies


def test_a_grassroots_cell_leads_the_agency_at_its_level_but_has_no_party_organization_under_it(world):
    """A school's chi bộ cơ sở leads the school: the school hangs under it, as the demo province has them."""
    cell = unit_create(parent=world.commune_a, kind=UnitKind.GRASSROOTS_CELL, name="Chi bộ Trường Tiểu học", actor=None)
    school = unit_create(parent=cell, kind=UnitKind.PUBLIC_SERVICE, name="Trường Tiểu học An Lạc", actor=None)
    assert school.parent == cell
    with pytest.raises(ValidationError, match="Chi bộ không có tổ chức trực thuộc"):
        unit_create(parent=cell, kind=UnitKind.PARTIAL_COMMITTEE, name="Đảng ủy bộ phận", actor=None)
