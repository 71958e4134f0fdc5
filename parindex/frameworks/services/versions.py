"""Whole versions of a criteria set: a new draft copied from a version, deleting a draft,
and freezing a version a campaign uses."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from parindex.core.actions import actor_or_none, lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.text import nfc
from parindex.units.models import Unit

from ..audit_actions import FRAMEWORK_CLONE, FRAMEWORK_DELETE, FRAMEWORK_FREEZE
from ..models import FrameworkStatus, FrameworkVersion
from ..permissions import ensure_can_manage_framework
from ..selectors import version_document
from ._common import conflict_message, lock_draft
from .storing import create_version, ensure_clean, recheck


def _renamed_for_year(name: str, old_year: int | None, new_year: int) -> str:
    if old_year is None or old_year == new_year:
        return name
    return re.sub(rf"(?<!\d){old_year}(?!\d)", str(new_year), name)


def framework_clone(
    *,
    actor: Any,
    version: FrameworkVersion,
    new_code: str | None = None,
    year: int | None = None,
) -> FrameworkVersion:
    """A new draft copied from ``version`` (``derived_from`` set), e.g. next year's set.

    ``new_code`` changes the set's code (else the copy is the next version number of the same
    code); ``year`` changes its year, and the year in its name ("năm 2025" → "năm 2026")."""
    with transaction.atomic():
        # The organiser's row first (serialises numbering), then the source as stored now.
        organiser: Unit = lock(Unit, version.organiser_id)
        source: FrameworkVersion = lock(
            FrameworkVersion, version.pk, actor=actor, check=ensure_can_manage_framework
        )
        doc = version_document(source)
        if new_code is not None and nfc(new_code) and nfc(new_code) != source.code:
            doc["code"] = nfc(new_code)
        if year is not None:
            old_year = doc.get("year")
            doc["year"] = Decimal(int(year))
            if isinstance(doc.get("name"), str):
                previous = int(old_year) if isinstance(old_year, Decimal) else source.year
                doc["name"] = _renamed_for_year(doc["name"], previous, int(year))
        result = recheck(source, doc)
        ensure_clean(result)
        clone = create_version(
            actor=actor,
            organiser=organiser,
            result=result,
            filename=source.source_filename,
            derived_from=source,
        )
        audit_record(
            actor=actor,
            action=FRAMEWORK_CLONE,
            obj=clone,
            changes={
                "derived_from": [None, f"{source.code} bản {source.number}"],
                "code": [source.code, clone.code],
                "number": [None, clone.number],
                "sha256": [source.sha256, clone.sha256],
            },
            scope_unit_id=clone.organiser_id,
        )
    return clone


def framework_delete_draft(*, actor: Any, version: FrameworkVersion) -> None:
    """Delete a draft (refused on a frozen version or one a campaign already uses)."""
    with transaction.atomic():
        locked = lock_draft(actor, version)
        audit_record(
            actor=actor,
            action=FRAMEWORK_DELETE,
            obj=locked,
            changes={"code": [locked.code, None], "number": [locked.number, None]},
            scope_unit_id=locked.organiser_id,
        )
        try:
            with transaction.atomic():
                locked.delete()
        except ProtectedError:
            raise ServiceError(
                "Dự thảo đang được gắn với đơn vị trong một đợt đánh giá; hãy gỡ khỏi đợt "
                "trước khi xóa."
            ) from None


def framework_freeze(
    *, version: FrameworkVersion, actor: Any, reason: str = ""
) -> FrameworkVersion:
    """Freeze a version (a campaign now uses it). Idempotent: freezing a frozen version is a no-op.

    Permission is checked by the caller's own service (opening a campaign); freezing is a
    consequence, not a user action of its own. Comments on the draft close.
    """
    with transaction.atomic():
        locked: FrameworkVersion = lock(FrameworkVersion, version.pk)
        if locked.status == FrameworkStatus.FROZEN:
            return locked
        save_versioned(
            locked,
            {
                "status": FrameworkStatus.FROZEN,
                "frozen_at": timezone.now(),
                "frozen_by": actor_or_none(actor),
                "comments_open": False,
            },
            conflict_message=conflict_message(locked),
        )
        audit_record(
            actor=actor,
            action=FRAMEWORK_FREEZE,
            obj=locked,
            changes={"status": ["draft", "frozen"], "reason": ["", reason]},
            scope_unit_id=locked.organiser_id,
        )
        return locked
