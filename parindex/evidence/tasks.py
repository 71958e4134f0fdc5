"""Periodic jobs of the evidence app (scheduled in settings.CELERY_BEAT_SCHEDULE)."""

from __future__ import annotations

from celery import shared_task

from .sweep import sweep_orphan_files


@shared_task(name="evidence.sweep_orphan_files")
def sweep_orphan_files_task() -> dict[str, int]:
    """The same sweep as ``manage.py evidence_sweep``, with its default grace period."""
    return sweep_orphan_files().counts()
