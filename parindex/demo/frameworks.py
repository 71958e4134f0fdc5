"""The demo's criteria sets: the illustrative departments' set and the communes' set.

``load_demo_frameworks(organiser)`` imports both through :func:`framework_import` (so the
engine checks them and the audit trail is real). It is idempotent: a set whose
(organiser, code, SHA-256) is already stored is not imported again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parindex.frameworks.checking import UploadFile, check_upload
from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.services import framework_import
from parindex.units.models import Unit

from .data import SYSTEM_ACTOR


def _load(
    organiser: Unit, path: Path, questionnaires: tuple[Path, ...], actor: Any
) -> FrameworkVersion:
    content = path.read_bytes()
    uploads = [UploadFile(q.name, q.read_bytes()) for q in questionnaires]
    result = check_upload(path.name, content, uploads)
    if result.ok and result.framework is not None:
        existing = (
            FrameworkVersion.objects.filter(
                organiser=organiser, code=result.framework.code, sha256=result.sha256
            )
            .order_by("-number")
            .first()
        )
        if existing is not None:
            return existing
    return framework_import(
        actor=actor,
        organiser=organiser,
        filename=path.name,
        content=content,
        questionnaires=uploads,
    )


def load_demo_frameworks(
    organiser: Unit, *, actor: Any = None
) -> tuple[FrameworkVersion, FrameworkVersion]:
    """Import (once) the departments' set and the communes' set for ``organiser``; returns
    ``(departments' version, communes' version)``."""
    who = actor if actor is not None else SYSTEM_ACTOR
    departments = _load(organiser, DEPARTMENTS_SET, (), who)
    communes = _load(organiser, COMMUNES_SET, COMMUNES_QUESTIONNAIRES, who)
    return departments, communes
