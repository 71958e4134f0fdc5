"""The action layer every state change goes through.

A service (``<entity>_<verb>`` in an app's ``services``) is one transaction:

1. ``row = lock(Model, pk, actor=actor, check=ensure_can_…, expected_revision=…)`` — load the row
   FOR UPDATE, check the actor's permission on the row as stored (the app's permissions module,
   which asks the one grant scope), and compare the revision the user's page was built from;
2. check the transition (``parindex.core.transitions``) and the input;
3. ``save_versioned(row, {...})`` — ``UPDATE … WHERE pk = ? AND revision = ?`` (SQLite ignores
   FOR UPDATE, so the revision guard is the lock there); zero rows is a :class:`ConflictError`
   carrying both revisions;
4. ``audit_record(action=SOME_ACTION, …)`` with a declared ``AuditAction``;
5. side effects that must not happen unless the change is committed (deleting a stored file,
   notifications, background jobs) through :func:`after_commit`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from .errors import CONFLICT_MESSAGE, ConflictError, ServiceError

M = TypeVar("M", bound=models.Model)

log = logging.getLogger(__name__)

MISSING_MESSAGE = "Dữ liệu này không còn tồn tại; vui lòng tải lại trang."


def _ensure_atomic(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} must run inside the service's transaction.atomic()")


def _allowed(result: Any) -> None:
    """A permission check either raises, returns None (allowed) or returns a yes/no answer."""
    if result is None or result is True:
        return
    if result is False:
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    if not bool(result):
        raise PermissionDenied(str(getattr(result, "reason", "")) or "Bạn không có quyền.")


def lock(
    source: type[M] | QuerySet[M],
    pk: Any,
    *,
    actor: Any = None,
    check: Callable[[Any, M], Any] | None = None,
    expected_revision: int | None = None,
    conflict_message: str = CONFLICT_MESSAGE,
    missing_message: str = MISSING_MESSAGE,
) -> M:
    """Fetch, authorise and lock one row, in one call, inside the caller's transaction.

    ``check(actor, row)`` is the app's permission check on the row as stored now (it raises
    ``PermissionDenied`` / ``ServiceError`` or returns a falsy answer with a ``reason``). With
    ``expected_revision`` the row must still carry the revision the user loaded, else
    :class:`ConflictError` with both revisions and the stored row.
    """
    _ensure_atomic("lock()")
    queryset = source if isinstance(source, QuerySet) else source._default_manager.all()
    row = queryset.select_for_update().filter(pk=pk).first()
    if row is None:
        raise ServiceError(missing_message, code="missing")
    if check is not None:
        _allowed(check(actor, row))
    if expected_revision is not None:
        ensure_revision(row, expected_revision, conflict_message=conflict_message)
    return row


def ensure_revision(
    row: models.Model, expected_revision: int, *, conflict_message: str = CONFLICT_MESSAGE
) -> None:
    """The row (as just read) must carry ``expected_revision``."""
    current = getattr(row, "revision")  # noqa: B009 - every lock-counted model names it so
    if current != expected_revision:
        raise ConflictError(
            conflict_message,
            expected_revision=expected_revision,
            current_revision=current,
            current=row,
        )


def save_versioned(
    row: M,
    fields: Mapping[str, Any] | None = None,
    *,
    expected_revision: int | None = None,
    conflict_message: str = CONFLICT_MESSAGE,
) -> M:
    """``UPDATE … SET fields, revision = revision + 1 WHERE pk = ? AND revision = ?``.

    The guard is ``expected_revision`` when given, else the revision of ``row`` as loaded (by
    :func:`lock`). A zero row count is a :class:`ConflictError` naming both revisions. The row in
    memory gets the new values and revision. ``updated_at`` is stamped when the model has it.
    """
    _ensure_atomic("save_versioned()")
    model = type(row)
    guard = getattr(row, "revision") if expected_revision is None else expected_revision  # noqa: B009
    values = dict(fields or {})
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values.setdefault("updated_at", timezone.now())
    updated = model._default_manager.filter(pk=row.pk, revision=guard).update(
        revision=F("revision") + 1, **values
    )
    if not updated:
        stored = model._default_manager.filter(pk=row.pk).first()
        raise ConflictError(
            conflict_message,
            expected_revision=guard,
            current_revision=getattr(stored, "revision", None),
            current=stored,
        )
    for name, value in values.items():
        setattr(row, name, value)
    setattr(row, "revision", guard + 1)  # noqa: B010 - every lock-counted model names it so
    return row


def actor_or_none(actor: Any) -> Any:
    """The user to record as having acted (``…_by`` columns), or None for the system."""
    return actor if getattr(actor, "pk", None) else None


def copy_back(target: models.Model, source: models.Model) -> None:
    """Give the caller's instance the values a service just stored on ``source`` (the locked
    row), so a page holding it shows the change without reloading."""
    if target is source:
        return
    for each in type(source)._meta.concrete_fields:
        setattr(target, each.attname, getattr(source, each.attname))


def changes_of(row: models.Model, fields: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changes (what the audit records)."""
    out: dict[str, list[Any]] = {}
    for name, new in fields.items():
        old = getattr(row, name)
        if old != new:
            out[name] = [old, new]
    return out


def after_commit(effect: Callable[[], Any]) -> None:
    """Run ``effect`` once the current transaction commits (never if it rolls back).

    A failing effect is logged and does not undo or hide the committed change.
    """

    def run() -> None:
        try:
            effect()
        except Exception:  # pragma: no cover - logged, the change itself stands
            log.exception("after-commit effect failed: %r", effect)

    transaction.on_commit(run)
