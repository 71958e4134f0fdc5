"""Editing one node of a draft (name, points, evidence, texts), checked again by the engine
and stored with the set's canonical YAML, SHA-256 and rows."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction

from parindex.core.actions import save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError

from ..audit_actions import FRAMEWORK_NODE_UPDATE
from ..checking import find_raw_node
from ..models import FrameworkVersion
from ..selectors import version_document
from ._common import conflict_message, lock_draft
from .storing import ensure_clean, recheck, version_fields, write_rows

EDITABLE_NODE_FIELDS = ("name", "max", "evidence", "evidence_hint", "guidance", "owner_hint")
_EVIDENCE = ("required", "optional", "none")


def _as_points(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    text = str(value).strip().replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise ServiceError({"max": f"Điểm tối đa không hợp lệ: {value}"}) from None
    if not number.is_finite():
        raise ServiceError({"max": f"Điểm tối đa không hợp lệ: {value}"})
    return number


def framework_update_node(
    *,
    actor: Any,
    version: FrameworkVersion,
    code: str,
    changes: Mapping[str, Any],
    expected_revision: int,
) -> FrameworkVersion:
    """Edit one node of a draft: ``name``, ``max``, ``evidence`` (``""`` inherits),
    ``evidence_hint``, ``guidance``, ``owner_hint`` (``""`` removes the text).

    The edited document is checked again by the engine (children's maxima must still add up,
    for example); its canonical YAML, SHA-256 and rows are stored together."""
    unknown = sorted(set(changes) - set(EDITABLE_NODE_FIELDS))
    if unknown:
        raise ServiceError(f"Không sửa được trường: {', '.join(unknown)}")
    with transaction.atomic():
        locked = lock_draft(actor, version, expected_revision)
        doc = version_document(locked)
        raw = find_raw_node(doc, code)
        if raw is None:
            raise ServiceError(f"Bộ tiêu chí không có tiêu chí mã {code}.")
        before = {key: raw.get(key) for key in EDITABLE_NODE_FIELDS}
        for key, value in changes.items():
            if key == "max":
                raw["max"] = _as_points(value)
            elif key == "evidence":
                text = str(value or "").strip()
                if text and text not in _EVIDENCE:
                    raise ServiceError({"evidence": f"Giá trị không hợp lệ: {text}"})
                if text:
                    raw["evidence"] = text
                else:
                    raw.pop("evidence", None)
            else:
                text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n")
                text = text.strip()
                if text or key == "name":
                    raw[key] = text
                else:
                    raw.pop(key, None)
        after = {key: raw.get(key) for key in EDITABLE_NODE_FIELDS}
        diff = {k: [before[k], after[k]] for k in EDITABLE_NODE_FIELDS if before[k] != after[k]}
        if not diff:
            return locked
        result = recheck(locked, doc)
        ensure_clean(result)
        old_sha = locked.sha256
        save_versioned(locked, version_fields(result), conflict_message=conflict_message(version))
        write_rows(locked, result)
        audit_record(
            actor=actor,
            action=FRAMEWORK_NODE_UPDATE,
            obj=locked,
            changes={"node": [code, code], **diff, "sha256": [old_sha, locked.sha256]},
            scope_unit_id=locked.organiser_id,
        )
    return locked
