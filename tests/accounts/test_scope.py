from danhgia.accounts.permissions import Perm
from danhgia.accounts.scope import Scope, _minimal_roots, scope_for


def test_minimal_roots_drop_nested_subtrees():
    assert _minimal_roots({"00000001", "0000000100000002", "00000003"}) == ("00000001", "00000003")


def test_contains_and_overlaps():
    scope = Scope(roots=("0000000100000002",))
    assert scope.contains("000000010000000200000009")
    assert not scope.contains("00000001")
    assert scope.overlaps("00000001")  # the province above the commune
    assert not scope.overlaps("0000000100000003")


def test_scope_follows_role_permissions(world):
    member = world.users["member_a1"]
    assert scope_for(member, Perm.PEOPLE_VIEW).empty
    assert not scope_for(member, Perm.PERIODS_VIEW).empty
    front = world.users["front_a"]
    assert scope_for(front, Perm.PEOPLE_VIEW).empty
    assert scope_for(world.users["officer"], Perm.PEOPLE_EDIT).contains(world.cell_b1.path)
    assert not scope_for(world.users["inspector"], Perm.PEOPLE_EDIT).contains(world.cell_b1.path)
