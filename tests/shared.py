"""Worlds built once and shared by the tests that ask for them.

Building a world through the real services (units, people, posts, a period, its reviews, meetings and decisions)
takes from a tenth of a second to two seconds, and most tests only read it or change a row or two. A shared world
is built inside a transaction that stays open while consecutive tests use it; each test runs in its own savepoint
inside it (pytest-django's `db`), so what a test writes is rolled back before the next test, and each test takes a
deep copy of the world's objects (as Django's `setUpTestData` does), so that what a test changes in memory does
not reach the next one either.

One world is held at a time (two worlds in one database would see each other's rows): a test that asks for
another world, or that uses the database without a shared world, rolls the held one back first. The test run is
ordered so that the tests of one world run one after another (`order`): each world is built once per module that
uses it at most, and once for a whole run of modules that use only it.

A test on `transactional_db` or `live_server` flushes the database: it never gets a shared world, and builds its
own (the held world is rolled back before it starts).

    world = shared("world", build_world)  # in a conftest: the fixture `world`, built by build_world()
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # Argon2 is deliberately slow


class Held:
    """The world built last, inside its open transaction."""

    def __init__(self, blocker: Any, scratch: Path) -> None:
        self.blocker = blocker
        self.scratch = scratch  # a directory for the builds' files (a callable override's argument)
        self.build: Callable[[], Any] | None = None
        self.built: Any = None
        self.outer: Any = None

    def hold(self, build: Callable[[], Any], overrides: dict[str, Any]) -> Any:
        from django.db import connection, transaction
        from django.test import override_settings

        if self.build is build and not connection.closed_in_transaction:
            return self.built
        self.release()
        global BUILDS
        BUILDS += 1
        own = self.scratch / f"{build.__name__}-{BUILDS}"
        own.mkdir()
        build_settings = {k: v(own) if callable(v) else v for k, v in overrides.items()}
        with self.blocker.unblock():
            self.outer = transaction.atomic()
            self.outer.__enter__()
            try:
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS, **build_settings):
                    self.built = build()
            except BaseException:
                self.release()
                raise
        self.build = build
        return self.built

    def release(self) -> None:
        from django.db import transaction

        if self.outer is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.outer.__exit__(None, None, None)
        self.outer = self.build = self.built = None


HELD: Held | None = None  # set by the session fixture `_held_world`, read by the hooks
BUILDS = 0  # worlds built in this process (the line at the end of a run without workers)


def shared(name: str, build: Callable[[], Any], **overrides: Any) -> Any:
    """The fixture `name`: a fresh copy of the world `build()` writes, built once for consecutive tests.

    `overrides` are settings for the build; a callable value is called with a directory of the build's own.
    """

    def fixture(db: None, _held_world: Held) -> Any:
        assert _held_world.build is build, f"the shared world «{name}» was not built before the test's transaction"
        return copy.deepcopy(_held_world.built)

    fixture.shared_build = (build, overrides)  # type: ignore[attr-defined]  # read by `wanted`
    fixture.__doc__ = build.__doc__
    return pytest.fixture(name=name)(fixture)


def wanted(item: pytest.Item) -> tuple[Callable[[], Any], dict[str, Any]] | None:
    """The shared world a test asks for (its fixtures', as the test sees them), or None."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    found = []
    for name in info.names_closure:
        defs = info.name2fixturedefs.get(name)
        spec = getattr(defs[-1].func, "shared_build", None) if defs else None
        if spec is not None:
            found.append((name, spec))
    if len(found) > 1:
        raise pytest.UsageError(f"{item.nodeid}: one shared world per test, not {[n for n, _ in found]}")
    if found and flushes(item):
        raise pytest.UsageError(f"{item.nodeid}: a shared world cannot serve a test that flushes the database")
    return found[0][1] if found else None


def flushes(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    transactional = bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    return transactional or bool(names & {"transactional_db", "live_server", "django_db_reset_sequences"})


def uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"db", "transactional_db", "live_server"}) or item.get_closest_marker("django_db") is not None


def order(items: list[pytest.Item]) -> None:
    """Run the tests of one world one after another, within the order pytest-django gives (the tests in a
    transaction first, then those that flush the database, then those without one).

    Among the tests in a transaction, each module's tests stay together: first those without a shared world,
    then each world's tests in the order the module first asks for them; the modules follow one another by the
    world they start with, so that a run of modules on one world shares one build.
    """
    rank: dict[Any, int] = {}

    def world_rank(item: pytest.Item) -> int:
        spec = wanted(item)
        return -1 if spec is None else rank.setdefault(spec[0], len(rank))

    in_transaction = [item for item in items if uses_database(item) and not flushes(item)]
    chosen = set(map(id, in_transaction))
    modules: dict[str, list[tuple[int, int, pytest.Item]]] = {}
    for index, item in enumerate(in_transaction):
        modules.setdefault(item.nodeid.split("::")[0], []).append((world_rank(item), index, item))
    runs = []
    for tests in modules.values():
        tests.sort(key=lambda t: (t[0], t[1]))
        first_world = next((r for r, _, _ in tests if r >= 0), -1)
        runs.append((first_world, tests[0][1], [item for _, _, item in tests]))
    runs.sort(key=lambda run: (run[0], run[1]))
    items[:] = [item for *_, tests in runs for item in tests] + [item for item in items if id(item) not in chosen]
