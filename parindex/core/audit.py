"""Writing the audit trail: every service that changes points, evidence or status calls this."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from .models import AuditEntry

MERGE_WINDOW = timedelta(minutes=10)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
    scope_unit_id: int | None = None,
    merge_key: str = "",
) -> AuditEntry:
    """Write one audit entry. ``changes`` maps field -> [old, new].

    With a ``merge_key``, an entry by the same actor with the same key written within
    MERGE_WINDOW is extended instead (its first old value kept, the new value replaced).
    """
    payload = {k: _jsonable(v) for k, v in (changes or {}).items()}
    actor_obj = actor if getattr(actor, "pk", None) else None
    if merge_key and actor_obj is not None:
        recent = (
            AuditEntry.objects.filter(
                merge_key=merge_key,
                actor=actor_obj,
                updated_at__gte=timezone.now() - MERGE_WINDOW,
            )
            .order_by("-id")
            .first()
        )
        if recent is not None:
            merged = dict(recent.changes)
            for field, (old, new) in payload.items():
                first_old = merged[field][0] if field in merged else old
                merged[field] = [first_old, new]
            recent.changes = merged
            recent.save(update_fields=["changes", "updated_at"])
            return recent
    return AuditEntry.objects.create(
        actor=actor_obj,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        scope_unit_id=scope_unit_id,
        changes=payload,
        merge_key=merge_key,
    )
