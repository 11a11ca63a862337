"""Writing audit events. Services call `record` inside their own transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import re
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import models

from danhgia.audit.models import Action, AuditEvent

if TYPE_CHECKING:
    from danhgia.accounts.models import User
    from danhgia.orgs.models import Unit


_source: ContextVar[str] = ContextVar("audit_source", default="")


@contextlib.contextmanager
def source(name: str) -> Iterator[None]:
    """Every event recorded inside is marked as coming from `name` (an import: «import:12»)."""
    token = _source.set(name)
    try:
        yield
    finally:
        _source.reset(token)


# Never written into an event, whoever builds its values (a service's snapshot, the admin's copy of a row being
# deleted): a key naming a password, a token or a secret, at any depth («password», «new_password1», «token_hash»,
# «secret_key»; not «secretary»). An event says that a secret changed, never to what.
SECRET_KEY = re.compile(r"(^|_)(password|passwd|token|secret|session_key|private_key|api_key)s?\d*($|_)", re.IGNORECASE)


def is_secret(key: object) -> bool:
    return SECRET_KEY.search(str(key)) is not None


def without_secrets(value: Any) -> Any:
    """`value` with every key that `is_secret` removed, in nested dictionaries and lists too."""
    if isinstance(value, dict):
        return {k: without_secrets(v) for k, v in value.items() if not is_secret(k)}
    if isinstance(value, list):
        return [without_secrets(v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The given fields of a row, as JSON values (foreign keys as ids)."""
    return {f: _jsonable(getattr(instance, f if not hasattr(instance, f + "_id") else f + "_id")) for f in fields}


def record(
    *,
    actor: User | None,
    action: Action,
    target: models.Model | None = None,
    unit: Unit | None = None,
    scope_path: str | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    label: str | None = None,
) -> AuditEvent:
    """Write one audit event. `unit` (or `scope_path`) places the event in the tree for scoped reading."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_username() if actor is not None and actor.pk else "hệ thống")[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_label=(label if label is not None else str(target) if target is not None else "")[:250],
        scope_path=scope_path if scope_path is not None else (unit.path if unit is not None else ""),
        old=without_secrets(_jsonable(old)) if old is not None else None,
        new=without_secrets(_jsonable(new)) if new is not None else None,
        source=_source.get(),
    )


def record_many(events: list[AuditEvent]) -> None:
    """Write many audit events in one statement (batch decisions); build them with `event`."""
    AuditEvent.objects.bulk_create(events, batch_size=2000)


def event(
    *,
    actor: User | None,
    action: Action,
    target: models.Model,
    unit: Unit | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditEvent:
    """An unsaved audit event, for `record_many`."""
    return AuditEvent(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=(actor.get_username() if actor is not None and actor.pk else "hệ thống")[:150],
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:250],
        scope_path=unit.path if unit is not None else "",
        old=without_secrets(_jsonable(old)) if old is not None else None,
        new=without_secrets(_jsonable(new)) if new is not None else None,
        source=_source.get(),
    )
