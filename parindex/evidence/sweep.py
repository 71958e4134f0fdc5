"""Storage and database agree: removing stored evidence files that no document row names.

An upload writes the file under its final generated name, then commits the row (see
``services.evidence_upload``); a failure in between removes the file again, but a process
killed in between (or while writing the file, which leaves it half written) cannot. The
row is never written before its file, so the only disagreement a crash can leave is a file
without a row, and this sweep removes those once they are older than a grace period, so an
upload still under way is never touched. ``evidence_delete`` removes a file after its row's
deletion is committed; a crash there leaves the same kind of orphan.

Only Django's storage API is used (``listdir``, ``get_modified_time``, ``delete``), so it works
the same on the local folder and on S3-compatible storage. Run by ``manage.py evidence_sweep``
and every hour by Celery beat (``evidence.sweep_orphan_files``).
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from .models import EvidenceDocument

log = logging.getLogger(__name__)

PREFIX = "evidence"  # every name models.storage_name generates starts with it
GRACE = timedelta(hours=1)


@dataclass
class SweepReport:
    dry_run: bool
    grace: timedelta
    removed: list[str] = field(default_factory=list)  # (or, in a dry run, would be)
    young: list[str] = field(default_factory=list)  # orphans within the grace period: kept
    failed: list[str] = field(default_factory=list)
    with_row: int = 0
    missing: list[str] = field(default_factory=list)  # rows whose file is not stored

    def counts(self) -> dict[str, int]:
        return {
            "removed": len(self.removed),
            "young": len(self.young),
            "failed": len(self.failed),
            "with_row": self.with_row,
            "missing": len(self.missing),
        }


def evidence_storage() -> Any:
    return EvidenceDocument._meta.get_field("file").storage


def stored_names(storage: Any, folder: str = PREFIX) -> Iterator[str]:
    """Every file under ``folder``, walking ``storage.listdir`` down the tree."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # the local folder is made at the first upload
        return
    for name in files:
        yield posixpath.join(folder, name)
    for sub in folders:
        yield from stored_names(storage, posixpath.join(folder, sub))


def _modified(storage: Any, name: str) -> datetime | None:
    try:
        moment = storage.get_modified_time(name)
    except (FileNotFoundError, OSError):  # removed meanwhile (S3 errors are OSError too)
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def sweep_orphan_files(
    *,
    older_than: timedelta = GRACE,
    dry_run: bool = False,
    now: datetime | None = None,
    storage: Any = None,
) -> SweepReport:
    """Remove (or, with ``dry_run``, only list) the files under ``evidence/`` that no
    EvidenceDocument names and that were last written more than ``older_than`` ago."""
    storage = storage if storage is not None else evidence_storage()
    cutoff = (now or timezone.now()) - older_than
    report = SweepReport(dry_run=dry_run, grace=older_than)
    known = set(EvidenceDocument.objects.values_list("file", flat=True))
    seen: set[str] = set()
    for name in stored_names(storage):
        seen.add(name)
        if name in known:
            report.with_row += 1
            continue
        modified = _modified(storage, name)
        if modified is None:
            continue
        if modified > cutoff:
            report.young.append(name)
            continue
        # Checked again one by one: a row committed since the list was read keeps its file.
        if EvidenceDocument.objects.filter(file=name).exists():
            report.with_row += 1
            continue
        if dry_run:
            report.removed.append(name)
            continue
        try:
            storage.delete(name)
        except Exception:  # one unremovable file must not stop the sweep
            log.exception("Could not remove orphan evidence file %s", name)
            report.failed.append(name)
            continue
        log.warning("Removed orphan evidence file %s (written %s)", name, modified.isoformat())
        report.removed.append(name)
    report.missing = sorted(known - seen)
    if report.missing:
        log.error("Evidence rows whose file is not stored: %s", ", ".join(report.missing[:20]))
    return report


__all__ = ["GRACE", "PREFIX", "SweepReport", "stored_names", "sweep_orphan_files"]
