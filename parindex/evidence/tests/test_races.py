"""Evidence cannot race a submission, and a document a submission cites keeps its details.

The race tests use two real database connections (one per thread). Thread A submits and
pauses inside its transaction right after the snapshot was built (``build_snapshot`` is
wrapped); thread B attaches, detaches or edits meanwhile. With the assessment row locked by
A, B must wait, then decide on the committed status: refused ("Hồ sơ đã gửi"), never a link
or a detail the snapshot does not record.

PostgreSQL: ``select_for_update`` blocks B; the test sees it waiting in ``pg_stat_activity``.
SQLite: ``BEGIN IMMEDIATE`` makes every write transaction wait for A's. The test database is
in memory with a shared cache, where a locked database answers "table is locked" at once
instead of waiting ``busy_timeout``; each thread's cursor therefore retries such statements
(what the busy handler does with the real database file), and B counts as waiting as soon as
it retries once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from parindex.assessments.context import with_related
from parindex.assessments.models import Assessment, Submission
from parindex.assessments.services import assessment_submit, assessment_withdraw
from parindex.assessments.services import workflow as workflow_services
from parindex.assessments.workflow import Status
from parindex.core.errors import ServiceError
from parindex.core.models import AuditEntry
from parindex.evidence import services
from parindex.evidence.audit_actions import ATTACH
from parindex.evidence.models import EvidenceDocument, EvidenceLink
from parindex.evidence.selectors import document_dict, document_locked_reason
from parindex.evidence.services import (
    evidence_attach,
    evidence_detach,
    evidence_update,
    evidence_upload,
)

from . import files as f
from .world import World, add_document

TIMEOUT = 20.0  # seconds: no wait in these tests may last longer
REQUIRED = ("1.1", "1.2", "2.1")  # the world's criteria that block a submission without evidence

race = pytest.mark.django_db(transaction=True)


# --- Helpers -----------------------------------------------------------------------------------


def fresh(pk: int) -> Assessment:
    """A copy of the assessment as a page would have loaded it (with its relations)."""
    return with_related(Assessment.objects.filter(pk=pk)).get()


def user(world: World, role: str) -> Any:
    """A fresh user object per thread (permission caches live on the user object)."""
    return get_user_model().objects.get(pk=world.users[role].pk)


def submittable(world: World) -> tuple[Assessment, dict[str, EvidenceDocument]]:
    """The commune's assessment with one document on each required criterion."""
    assessment = world.assessment()
    documents: dict[str, EvidenceDocument] = {}
    for code in REQUIRED:
        documents[code] = add_document(world, number=f"{len(documents) + 1}/KH-UBND")
        evidence_attach(
            actor=world.users["focal"],
            assessment=assessment,
            node_code=code,
            document=documents[code],
        )
    return assessment, documents


def snapshot_evidence(submission: Submission) -> dict[str, list[dict[str, Any]]]:
    return json.loads(submission.snapshot)["evidence"]


def linked_sha(assessment: Assessment) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for code, sha in EvidenceLink.objects.filter(assessment=assessment).values_list(
        "node_code", "document__sha256"
    ):
        found.setdefault(code, set()).add(sha)
    return found


def snapshot_sha(submission: Submission) -> dict[str, set[str]]:
    return {
        code: {d["sha256"] for d in documents}
        for code, documents in snapshot_evidence(submission).items()
    }


def _patient_sqlite_cursor(waiting: threading.Event) -> None:
    """On SQLite, make this thread's connection wait for locks as ``busy_timeout`` does."""
    if connection.vendor != "sqlite":
        return
    from django.db.backends.sqlite3.base import SQLiteCursorWrapper

    def patiently(call: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                return call()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                waiting.set()
                time.sleep(0.005)

    class PatientCursor(SQLiteCursorWrapper):
        def execute(self, query: str, params: Any = None) -> Any:
            return patiently(lambda: super(PatientCursor, self).execute(query, params))

        def executemany(self, query: str, param_list: Any) -> Any:
            rows = list(param_list)
            return patiently(lambda: super(PatientCursor, self).executemany(query, rows))

    connection.ensure_connection()
    raw = connection.connection
    connection.create_cursor = lambda name=None: raw.cursor(factory=PatientCursor)


class Worker:
    """Runs ``call`` in a thread on its own database connection; keeps its result or error."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.call = call
        self.result: Any = None
        self.error: BaseException | None = None
        self.waiting = threading.Event()  # SQLite: it had to wait for a lock
        self.release: threading.Event | None = None  # lets a paused submission go on
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            _patient_sqlite_cursor(self.waiting)
            self.result = self.call()
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            connection.close()

    def start(self) -> Worker:
        self.thread.start()
        return self

    def join(self) -> None:
        self.thread.join(TIMEOUT)
        assert not self.thread.is_alive(), "a thread is still waiting: deadlock?"

    def blocked(self) -> bool:
        """Waiting for a lock another transaction holds (or finished: False)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if not self.thread.is_alive():
                return False
            if self.waiting.is_set() or _someone_waits_on_postgres():
                return True
            time.sleep(0.01)
        return False


def _someone_waits_on_postgres() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.fixture
def paused_submission(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Worker]]:
    """Start a submission that stops inside its transaction once the snapshot is built (the
    assessment row locked), until ``worker.release`` is set."""
    original = workflow_services.build_snapshot
    built = threading.Event()
    release = threading.Event()

    def build_then_wait(*args: Any, **kwargs: Any) -> Any:
        out = original(*args, **kwargs)
        built.set()
        release.wait(TIMEOUT)
        return out

    monkeypatch.setattr(workflow_services, "build_snapshot", build_then_wait)
    started: list[Worker] = []

    def start(world: World, assessment_pk: int) -> Worker:
        worker = Worker(
            lambda: assessment_submit(actor=user(world, "head"), assessment=fresh(assessment_pk))
        )
        worker.release = release
        started.append(worker.start())
        assert built.wait(TIMEOUT), "the submission did not reach its snapshot"
        return worker

    yield start
    release.set()  # never leave a thread waiting, whatever the test asserted
    for worker in started:
        worker.thread.join(TIMEOUT)


def finish(submitter: Worker, other: Worker) -> Submission:
    """Let the paused submission commit, wait for both; the submission must have worked."""
    assert submitter.release is not None
    submitter.release.set()
    submitter.join()
    other.join()
    assert submitter.error is None, submitter.error
    return submitter.result


# --- Races -------------------------------------------------------------------------------------


@race
def test_attach_cannot_land_after_the_snapshot(world, paused_submission):
    assessment, _ = submittable(world)
    extra = add_document(world, number="9/TB-UBND")
    page = fresh(assessment.pk)  # loaded while still a draft
    attached = AuditEntry.objects.filter(action="evidence.attach").count()
    submitter = paused_submission(world, assessment.pk)
    attacher = Worker(
        lambda: evidence_attach(
            actor=user(world, "focal"), assessment=page, node_code="1.3", document=extra
        )
    ).start()
    waited = attacher.blocked()
    submission = finish(submitter, attacher)

    # The invariant: what is attached to the submitted assessment is what its snapshot says.
    assert linked_sha(assessment) == snapshot_sha(submission)
    # Here: refused on the locked row's status, after the submission committed.
    assert isinstance(attacher.error, ServiceError), attacher.error
    assert "Hồ sơ đã gửi" in " ".join(attacher.error.messages)
    assert not EvidenceLink.objects.filter(document=extra).exists()
    assert AuditEntry.objects.filter(action="evidence.attach").count() == attached
    assert waited, "the attach did not wait for the submission's lock"


@race
def test_attach_first_then_the_snapshot_contains_it(world, monkeypatch):
    """The other order: the attach holds the lock, the submission waits and includes it."""
    assessment, _ = submittable(world)
    extra = add_document(world, number="9/TB-UBND")
    linked = threading.Event()
    release = threading.Event()
    original = services.audit_record

    def audit_then_wait(**kwargs: Any) -> Any:
        out = original(**kwargs)
        if kwargs.get("action") is ATTACH:
            linked.set()
            release.wait(TIMEOUT)
        return out

    monkeypatch.setattr(services, "audit_record", audit_then_wait)
    attacher = Worker(
        lambda: evidence_attach(
            actor=user(world, "focal"),
            assessment=fresh(assessment.pk),
            node_code="1.3",
            document=extra,
        )
    ).start()
    submitter = None
    try:
        assert linked.wait(TIMEOUT)
        submitter = Worker(
            lambda: assessment_submit(actor=user(world, "head"), assessment=fresh(assessment.pk))
        ).start()
        waited = submitter.blocked()
    finally:
        release.set()
    attacher.join()
    assert submitter is not None
    submitter.join()

    assert attacher.error is None and submitter.error is None, (attacher.error, submitter.error)
    submission = submitter.result
    assert linked_sha(assessment) == snapshot_sha(submission)
    assert extra.sha256 in snapshot_sha(submission)["1.3"]
    assert waited, "the submission did not wait for the attach's lock"


@race
def test_detach_cannot_land_after_the_snapshot(world, paused_submission):
    assessment, _ = submittable(world)
    optional = add_document(world, number="9/TB-UBND")
    evidence_attach(
        actor=world.users["focal"], assessment=assessment, node_code="1.3", document=optional
    )
    page = fresh(assessment.pk)
    submitter = paused_submission(world, assessment.pk)
    detacher = Worker(
        lambda: evidence_detach(
            actor=user(world, "focal"), assessment=page, node_code="1.3", document=optional
        )
    ).start()
    waited = detacher.blocked()
    submission = finish(submitter, detacher)

    assert linked_sha(assessment) == snapshot_sha(submission)
    assert optional.sha256 in snapshot_sha(submission)["1.3"]
    assert isinstance(detacher.error, ServiceError), detacher.error
    assert "Hồ sơ đã gửi" in " ".join(detacher.error.messages)
    assert EvidenceLink.objects.filter(document=optional, node_code="1.3").exists()
    assert waited, "the detach did not wait for the submission's lock"


@race
def test_update_cannot_change_details_under_the_snapshot(world, paused_submission):
    assessment, documents = submittable(world)
    document = documents["1.1"]
    before = document_dict(document)
    submitter = paused_submission(world, assessment.pk)
    editor = Worker(
        lambda: evidence_update(
            actor=user(world, "focal"),
            document=EvidenceDocument.objects.get(pk=document.pk),
            expected_revision=document.revision,
            number_symbol="99/KH-UBND",
            issued_on=date(2025, 2, 2),
            issuer="UBND xã Sơn Lĩnh",
            title="Trích yếu đã sửa",
        )
    ).start()
    waited = editor.blocked()
    submission = finish(submitter, editor)

    # The invariant: what the snapshot says about each document is what the library says.
    for code, items in snapshot_evidence(submission).items():
        for item in items:
            current = EvidenceDocument.objects.get(unit=world.commune, sha256=item["sha256"])
            assert item == document_dict(current), code
    # Here: refused once the snapshot cites the document; nothing changed.
    assert isinstance(editor.error, ServiceError), editor.error
    assert "bản gửi số 1" in " ".join(editor.error.messages)
    document.refresh_from_db()
    assert document_dict(document) == before
    assert waited, "the update did not wait for the submission's lock"


# --- A cited document keeps its details ------------------------------------------------------


def _edit(world: World, document: EvidenceDocument, **changes: Any) -> EvidenceDocument:
    document.refresh_from_db()
    values = {
        "number_symbol": document.number_symbol,
        "issued_on": document.issued_on,
        "issuer": document.issuer,
        "title": document.title,
        **changes,
    }
    return evidence_update(
        actor=world.users["focal"], document=document, expected_revision=document.revision, **values
    )


def _updates() -> int:
    return AuditEntry.objects.filter(action="evidence.update").count()


@pytest.mark.django_db
def test_cited_document_details_cannot_change(world):
    assessment, documents = submittable(world)
    document = documents["1.2"]
    assessment_submit(actor=world.users["head"], assessment=assessment)
    before, revision, audits = document_dict(document), document.revision, _updates()

    for change in (
        {"number_symbol": "2/KH-UBND-sua"},
        {"issued_on": date(2025, 4, 4)},
        {"issuer": "UBND huyện"},
        {"title": "Trích yếu khác"},
    ):
        with pytest.raises(ServiceError) as caught:
            _edit(world, document, **change)
        message = " ".join(caught.value.messages)
        assert f"Tài liệu «{document.label}» đã có trong hồ sơ đã gửi (bản gửi số 1)" in message
        assert "không sửa số, ký hiệu, ngày ban hành" in message

    document.refresh_from_db()
    assert (document_dict(document), document.revision) == (before, revision)
    assert _updates() == audits
    assert document_locked_reason(document)


@pytest.mark.django_db
def test_cited_document_stays_locked_after_withdrawal(world):
    assessment, documents = submittable(world)
    document = documents["1.1"]
    assessment_submit(actor=world.users["head"], assessment=assessment)
    assessment_withdraw(actor=world.users["head"], assessment=assessment)
    assert assessment.status == Status.WITHDRAWN
    # The unit may attach and detach again, but the old snapshot still names the document.
    evidence_detach(
        actor=world.users["focal"], assessment=assessment, node_code="1.1", document=document
    )
    audits = _updates()
    with pytest.raises(ServiceError, match=r"bản gửi số 1\)"):
        _edit(world, document, title="Trích yếu khác")
    document.refresh_from_db()
    assert document.title == "Kế hoạch cải cách hành chính năm 2025"
    assert _updates() == audits


@pytest.mark.django_db
def test_confirming_a_cited_document_unchanged_is_allowed(world):
    """Confirming what was read, without changing it, is not a change of details."""
    assessment, _ = submittable(world)
    upload = evidence_upload(
        actor=world.users["focal"],
        unit=world.commune,
        upload=f.upload(f.plan_pdf(subject="Tài liệu chưa xác nhận"), "chua-xac-nhan.pdf"),
    )
    document = upload.document
    assert not document.is_confirmed
    evidence_attach(
        actor=world.users["focal"], assessment=assessment, node_code="1.3", document=document
    )
    submission = assessment_submit(actor=world.users["head"], assessment=assessment)
    assert document.sha256 in snapshot_sha(submission)["1.3"]
    before = document_dict(document)

    confirmed = _edit(world, document)
    assert confirmed.is_confirmed and document_dict(confirmed) == before
    entry = AuditEntry.objects.filter(action="evidence.update", object_id=str(document.pk)).get()
    assert entry.changes == {"is_confirmed": [False, True]}
    with pytest.raises(ServiceError, match="đã có trong hồ sơ đã gửi"):
        _edit(world, confirmed, title="Trích yếu khác")


@pytest.mark.django_db
def test_uncited_document_on_an_editable_assessment_can_change(world):
    """Withdrawn to fix: the documents the snapshot cites are locked, a new one is not."""
    assessment, documents = submittable(world)
    assessment_submit(actor=world.users["head"], assessment=assessment)
    assessment_withdraw(actor=world.users["head"], assessment=assessment)
    document = add_document(world, number="9/TB-UBND")
    evidence_attach(
        actor=world.users["focal"], assessment=assessment, node_code="1.3", document=document
    )
    assert document_locked_reason(document) is None
    assert document_locked_reason(documents["1.1"])
    changed = _edit(world, document, number_symbol="99/KH-UBND", title="Đã sửa")
    assert (changed.number_symbol, changed.title) == ("99/KH-UBND", "Đã sửa")
    entry = (
        AuditEntry.objects.filter(action="evidence.update", object_id=str(document.pk))
        .order_by("pk")
        .last()
    )
    assert entry is not None and entry.changes["title"][1] == "Đã sửa"


@pytest.mark.django_db
def test_document_on_a_submitted_assessment_is_refused(world):
    """Submitted (even without a snapshot naming it, e.g. set by hand): no change."""
    assessment = world.assessment()
    document = add_document(world)
    evidence_attach(
        actor=world.users["focal"], assessment=assessment, node_code="1.1", document=document
    )
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.SUBMITTED)
    audits = _updates()
    with pytest.raises(ServiceError, match="“Đã gửi”: không sửa số, ký hiệu"):
        _edit(world, document, title="Đã sửa")
    document.refresh_from_db()
    assert document.title == "Kế hoạch cải cách hành chính năm 2025"
    assert _updates() == audits


@pytest.mark.django_db
def test_attach_refused_on_a_stale_copy_of_a_submitted_assessment(world):
    """The status is read from the locked row, not from the caller's copy."""
    assessment, documents = submittable(world)
    extra = add_document(world, number="9/TB-UBND")
    stale, stale_too = fresh(assessment.pk), fresh(assessment.pk)
    assessment_submit(actor=world.users["head"], assessment=assessment)
    assert stale.status == stale_too.status == Status.DRAFT
    with pytest.raises(ServiceError, match="Hồ sơ đã gửi"):
        evidence_attach(
            actor=world.users["focal"], assessment=stale, node_code="1.3", document=extra
        )
    assert stale.status == Status.SUBMITTED  # the caller's copy learns the current status
    with pytest.raises(ServiceError, match="Hồ sơ đã gửi"):
        evidence_detach(
            actor=world.users["focal"],
            assessment=stale_too,
            node_code="1.1",
            document=documents["1.1"],
        )
    assert not EvidenceLink.objects.filter(document=extra).exists()
    assert EvidenceLink.objects.filter(document=documents["1.1"], node_code="1.1").exists()


# --- Pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_document_page_shows_why_instead_of_the_form(world, client):
    assessment, documents = submittable(world)
    document = documents["1.1"]
    assessment_submit(actor=world.users["head"], assessment=assessment)
    client.force_login(world.users["focal"])
    url = reverse("evidence:detail", args=[document.pk])

    html = client.get(url).content.decode()
    assert 'id="locked-reason"' in html and "bản gửi số 1" in html
    assert 'id="metadata-form"' not in html

    before = document_dict(document)
    response = client.post(
        url, {"number_symbol": "99/KH-UBND", "title": "Sửa", "revision": document.revision}
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document_dict(document) == before
    assert "bản gửi số 1" in client.get(url).content.decode()  # the message shown


@pytest.mark.django_db
def test_document_page_keeps_the_form_while_editable(world, client):
    assessment = world.assessment()
    document = add_document(world)
    evidence_attach(
        actor=world.users["focal"], assessment=assessment, node_code="1.1", document=document
    )
    client.force_login(world.users["focal"])
    html = client.get(reverse("evidence:detail", args=[document.pk])).content.decode()
    assert 'id="metadata-form"' in html and 'id="locked-reason"' not in html


@pytest.mark.django_db
def test_confirm_page_shows_why_for_a_cited_duplicate(world, client):
    assessment, documents = submittable(world)
    document = documents["1.1"]
    assessment_submit(actor=world.users["head"], assessment=assessment)
    client.force_login(world.users["focal"])
    url = reverse("evidence:confirm", kwargs={"unit_code": world.commune.code})
    html = client.get(url, {"ids": str(document.pk)}).content.decode()
    assert "data-locked" in html and "bản gửi số 1" in html
    assert f'name="d{document.pk}-title"' not in html
    response = client.post(url, {"ids": str(document.pk)})
    assert response.status_code == 302
