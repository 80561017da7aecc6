"""Recording audit events: the one helper every service calls."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from meldpunt.common.actors import Actor
from meldpunt.common.events import is_declared
from meldpunt.common.models import AuditEvent
from meldpunt.common.request_context import current_request_id

REDACTED = "[redacted]"
SECRET_FIELD_HINTS = ("password", "secret", "token", "api_key")
SECRET_FIELDS = {"activation_code", "recovery_code", "recovery_codes", "code_hash"}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def _redact(field: str, value: Any) -> Any:
    name = field.lower()
    if name in SECRET_FIELDS or any(hint in name for hint in SECRET_FIELD_HINTS):
        return REDACTED
    return _plain(value)


def changes_between(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Old and new values of the fields that differ, secrets redacted."""
    return {
        field: {"old": _redact(field, old.get(field)), "new": _redact(field, new.get(field))}
        for field in new
        if old.get(field) != new.get(field)
    }


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


def audit_record(
    *,
    actor: Actor,
    verb: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row; call it inside the service's transaction."""
    if not is_declared(verb):
        raise ValueError(f"undeclared event code {verb!r}")
    object_id = getattr(obj, "public_id", None) or str(obj.pk)
    return AuditEvent.objects.create(
        actor_kind=actor.kind,
        actor_user=actor.user if actor.user is not None and actor.user.pk else None,
        actor_label=actor.label[:200],
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(object_id),
        object_repr=str(obj)[:200],
        changes=dict(changes or {}),
        request_id=current_request_id(),
    )
