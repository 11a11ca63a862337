"""A world shared by consecutive tests (tests/shared.py) is built once, and no test sees another's changes.

The tests below run in this order (a module's tests on one world keep their order).
"""

from __future__ import annotations

from danhgia.accounts.models import User
from danhgia.orgs.models import Unit

SEEN: dict[str, int] = {}


def test_a_test_on_the_database_without_a_shared_world_sees_none_of_it(db):
    # Runs first in the module, after other modules' tests on shared worlds: the held world was rolled back.
    assert not Unit.objects.exists() and not User.objects.exists()


def test_a_test_changes_the_world_in_memory_and_in_the_database(world):
    SEEN["province"] = world.province.pk
    world.province.name = "Tên đổi trong bộ nhớ"
    world.people["an"].given_name = "Đổi"
    Unit.objects.filter(pk=world.cell_a1.pk).update(name="Tên đổi trong cơ sở dữ liệu")
    User.objects.create_user(username="them.mot", password="mat-khau-thu-nghiem")


def test_the_next_test_gets_the_same_world_without_those_changes(world):
    assert world.province.pk == SEEN["province"], "the world was built again"
    assert world.province.name == "Đảng bộ tỉnh Thử Nghiệm"
    assert world.people["an"].given_name == "An"
    assert world.users["secretary_a1"].person is world.people["an"]  # one copy keeps the world's own links
    assert Unit.objects.get(pk=world.cell_a1.pk).name == "Chi bộ Xóm Đồng"
    assert not User.objects.filter(username="them.mot").exists()
