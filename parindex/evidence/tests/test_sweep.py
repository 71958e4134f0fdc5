"""No file without its row: what a crash during an upload leaves is swept away, and nothing
else is: files with rows, young files (an upload under way) and files outside evidence/."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from parindex.evidence.models import EvidenceDocument
from parindex.evidence.services import evidence_upload
from parindex.evidence.sweep import evidence_storage, stored_names, sweep_orphan_files

from . import files as f
from .conftest import stored_files

pytestmark = pytest.mark.django_db

LATER = timedelta(hours=2)


def upload_pdf(world, name: str = "kh.pdf", subject: str = "") -> EvidenceDocument:
    result = evidence_upload(
        actor=world.users["head"],
        unit=world.commune,
        upload=f.upload(f.plan_pdf(subject=subject), name),
    )
    return result.document


def crashed_upload(world, monkeypatch) -> None:
    """An upload killed after its file was stored and before its row was committed: the
    process dies, so nothing of it cleans up."""

    def killed(*args, **kwargs):
        raise SystemExit("killed")

    monkeypatch.setattr("parindex.evidence.services.audit_record", killed)
    monkeypatch.setattr("parindex.evidence.services._delete_stored", lambda *a, **k: None)
    with pytest.raises(SystemExit):
        evidence_upload(
            actor=world.users["head"],
            unit=world.commune,
            upload=f.upload(f.plan_pdf(subject="Bị ngắt giữa chừng"), "dang-tai.pdf"),
        )
    monkeypatch.undo()


def age(media: Path, name: str, delta: timedelta) -> None:
    moment = time.time() - delta.total_seconds()
    os.utime(media / name, (moment, moment))


def test_crash_between_file_and_row_leaves_an_orphan_the_sweep_removes(world, media, monkeypatch):
    kept = upload_pdf(world)
    crashed_upload(world, monkeypatch)
    assert EvidenceDocument.objects.count() == 1
    assert len(stored_files(media)) == 2  # the disagreement a crash leaves

    report = sweep_orphan_files(now=timezone.now() + LATER)

    assert len(report.removed) == 1 and report.with_row == 1 and report.young == []
    assert [p.relative_to(media).as_posix() for p in stored_files(media)] == [kept.file.name]
    assert kept.file.storage.exists(kept.file.name)


def test_young_orphan_kept_within_the_grace_period(world, media, monkeypatch):
    crashed_upload(world, monkeypatch)
    (orphan,) = list(stored_names(evidence_storage()))

    report = sweep_orphan_files()  # just written: maybe an upload still under way
    assert report.removed == [] and report.young == [orphan]
    assert len(stored_files(media)) == 1

    report = sweep_orphan_files(older_than=timedelta(minutes=30), now=timezone.now() + LATER)
    assert report.removed == [orphan] and stored_files(media) == []


def test_file_stored_without_any_row(world, media):
    storage = evidence_storage()
    half = storage.save("evidence/9/ab/half-written.pdf", ContentFile(b"%PDF-1.4 cut sh"))
    age(media, half, LATER)
    report = sweep_orphan_files()
    assert report.removed == [half] and not storage.exists(half)


def test_files_outside_evidence_are_not_touched(world, media):
    storage = evidence_storage()
    other = storage.save("imports/units.xlsx", ContentFile(b"PK"))
    age(media, other, LATER)
    assert sweep_orphan_files().removed == [] and storage.exists(other)


def test_dry_run_removes_nothing(world, media, monkeypatch):
    crashed_upload(world, monkeypatch)
    report = sweep_orphan_files(dry_run=True, now=timezone.now() + LATER)
    assert len(report.removed) == 1 and len(stored_files(media)) == 1


def test_row_whose_file_is_gone_is_reported_not_touched(world, media):
    document = upload_pdf(world)
    (media / document.file.name).unlink()
    report = sweep_orphan_files(now=timezone.now() + LATER)
    assert report.missing == [document.file.name]
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()


def test_empty_storage(world):
    report = sweep_orphan_files()
    assert report.counts() == {"removed": 0, "young": 0, "failed": 0, "with_row": 0, "missing": 0}


def test_storage_failure_leaves_neither_file_nor_row(world, media, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def broken(self, name, content):
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "_save", broken)
    with pytest.raises(OSError):
        upload_pdf(world)
    assert EvidenceDocument.objects.count() == 0 and stored_files(media) == []


def test_command_dry_run_then_sweep(world, media, monkeypatch):
    kept = upload_pdf(world)
    crashed_upload(world, monkeypatch)
    (orphan,) = [n for n in stored_names(evidence_storage()) if n != kept.file.name]
    age(media, orphan, LATER)

    out = io.StringIO()
    call_command("evidence_sweep", "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"Sẽ xóa: {orphan}" in text
    assert "sẽ xóa 1 tệp không có tài liệu" in text and "1 tệp có tài liệu" in text
    assert "chưa xóa gì" in text
    assert len(stored_files(media)) == 2

    out = io.StringIO()
    call_command("evidence_sweep", "--older-than-minutes", "60", stdout=out)
    assert f"Đã xóa: {orphan}" in out.getvalue()
    assert "đã xóa 1 tệp không có tài liệu" in out.getvalue()
    assert [p.relative_to(media).as_posix() for p in stored_files(media)] == [kept.file.name]


def test_command_grace_period_option(world, media, monkeypatch):
    crashed_upload(world, monkeypatch)
    (orphan,) = list(stored_names(evidence_storage()))
    age(media, orphan, timedelta(minutes=20))
    out = io.StringIO()
    call_command("evidence_sweep", stdout=out)  # default: one hour
    assert "giữ lại 1 tệp" in out.getvalue() and len(stored_files(media)) == 1
    call_command("evidence_sweep", "--older-than-minutes", "10", stdout=io.StringIO())
    assert stored_files(media) == []


def test_periodic_job_is_scheduled_and_runs_the_sweep(world, media, settings, monkeypatch):
    from config.celery import app
    from parindex.evidence.tasks import sweep_orphan_files_task

    entry = settings.CELERY_BEAT_SCHEDULE["evidence-sweep-orphan-files"]
    assert entry["task"] == sweep_orphan_files_task.name
    assert entry["task"] in app.tasks

    storage = evidence_storage()
    orphan = storage.save("evidence/1/00/orphan.pdf", ContentFile(b"%PDF-1.4"))
    age(media, orphan, LATER)
    counts = sweep_orphan_files_task.delay().get()
    assert counts["removed"] == 1 and not storage.exists(orphan)
