"""Writes to criteria sets: one function per state change."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from parindex.core.audit import audit_record

from .models import FrameworkStatus, FrameworkVersion


def framework_freeze(
    *, version: FrameworkVersion, actor: Any, reason: str = ""
) -> FrameworkVersion:
    """Freeze a version (a campaign now uses it). Idempotent: freezing a frozen version is a no-op.

    Permission is checked by the caller's own service (opening a campaign); freezing is a
    consequence, not a user action of its own.
    """
    with transaction.atomic():
        locked = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status == FrameworkStatus.FROZEN:
            return locked
        updated = FrameworkVersion.objects.filter(
            pk=locked.pk, status=FrameworkStatus.DRAFT, version=locked.version
        ).update(
            status=FrameworkStatus.FROZEN,
            frozen_at=timezone.now(),
            frozen_by=actor if getattr(actor, "pk", None) else None,
            version=locked.version + 1,
        )
        locked.refresh_from_db()
        if updated:
            audit_record(
                actor=actor,
                action="framework.freeze",
                obj=locked,
                changes={"status": ["draft", "frozen"], "reason": ["", reason]},
                scope_unit_id=locked.organiser_id,
            )
        return locked
