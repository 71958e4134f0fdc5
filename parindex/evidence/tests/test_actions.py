"""The evidence services on the action layer: conflicts name both revisions, side effects wait
for the commit, uploading and attaching at once is all or nothing, audit entries name the
document as people do (never by a hash), and assessments learns about evidence only through
its hooks."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse

from parindex.assessments import hooks
from parindex.assessments.models import Assessment
from parindex.assessments.workflow import Status
from parindex.core.audit import REGISTRY, audit_lines
from parindex.core.errors import ConflictError, ServiceError
from parindex.core.models import AuditEntry
from parindex.evidence import audit_actions, receivers, services
from parindex.evidence.checks import BLOCKING_MISSING
from parindex.evidence.models import EvidenceDocument, EvidenceLink
from parindex.evidence.selectors import documents_by_node
from parindex.evidence.services import (
    evidence_attach,
    evidence_delete,
    evidence_detach,
    evidence_update,
    evidence_upload,
    evidence_upload_and_attach,
)

from . import files as f
from .conftest import stored_files
from .world import add_document

pytestmark = pytest.mark.django_db

HEX = re.compile(r"[0-9a-f]{32,}")
DETAILS = {"number_symbol": "13/KH-UBND", "issued_on": None, "issuer": "", "title": "Khác"}


# --- Optimistic locking --------------------------------------------------------------------------


def test_stale_revision_is_a_conflict_naming_both_revisions(world):
    document = add_document(world)
    stale = document.revision - 1
    with pytest.raises(ConflictError) as caught:
        evidence_update(
            actor=world.users["focal"], document=document, expected_revision=stale, **DETAILS
        )
    error = caught.value
    assert (error.expected_revision, error.current_revision) == (stale, document.revision)
    assert error.current.pk == document.pk
    assert f"Tài liệu «{document.label}» vừa được người khác sửa" in " ".join(error.messages)
    document.refresh_from_db()
    assert document.number_symbol == "12/KH-UBND"


def test_two_editors_from_the_same_page_second_is_refused(world):
    document = add_document(world)
    loaded = document.revision
    first = EvidenceDocument.objects.get(pk=document.pk)
    second = EvidenceDocument.objects.get(pk=document.pk)
    evidence_update(actor=world.users["focal"], document=first, expected_revision=loaded, **DETAILS)
    with pytest.raises(ConflictError) as caught:
        evidence_update(
            actor=world.users["head"],
            document=second,
            expected_revision=loaded,
            **{**DETAILS, "title": "Của người thứ hai"},
        )
    assert (caught.value.expected_revision, caught.value.current_revision) == (loaded, loaded + 1)
    first.refresh_from_db()
    assert first.title == "Khác" and first.revision == loaded + 1


def test_permission_is_checked_before_the_revision(world):
    """Someone who may not edit learns nothing about revisions."""
    document = add_document(world)
    with pytest.raises(PermissionDenied):
        evidence_update(
            actor=world.users["other_head"], document=document, expected_revision=0, **DETAILS
        )


def test_update_of_a_deleted_document_says_so(world):
    document = add_document(world)
    EvidenceDocument.objects.filter(pk=document.pk).delete()
    with pytest.raises(ServiceError, match="vừa bị xóa khỏi thư viện"):
        evidence_update(
            actor=world.users["focal"],
            document=document,
            expected_revision=document.revision,
            **DETAILS,
        )


# --- Side effects after commit -------------------------------------------------------------------


def test_deleted_documents_file_stays_when_the_deletion_rolls_back(
    world, media, django_capture_on_commit_callbacks
):
    document = add_document(world)
    with django_capture_on_commit_callbacks(execute=True) as effects:
        with pytest.raises(RuntimeError), transaction.atomic():
            evidence_delete(actor=world.users["head"], document=document)
            raise RuntimeError("the surrounding work failed")
    assert effects == []
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()
    assert len(stored_files(media)) == 1


def test_delete_refused_to_someone_who_may_not_edit(world, media):
    document = add_document(world, actor=world.users["focal"])
    with pytest.raises(PermissionDenied):
        evidence_delete(actor=world.users["officer"], document=document)
    assert EvidenceDocument.objects.filter(pk=document.pk).exists()
    assert not AuditEntry.objects.filter(action="evidence.delete").exists()


# --- Upload and attach: all or nothing -----------------------------------------------------------


def _counts(media) -> tuple[int, int, int, int]:
    return (
        EvidenceDocument.objects.count(),
        EvidenceLink.objects.count(),
        AuditEntry.objects.filter(action__startswith="evidence.").count(),
        len(stored_files(media)),
    )


def test_upload_and_attach_on_a_submitted_assessment_stores_nothing(world, media):
    """The caller's copy says draft (checks pass), the locked row says submitted: no document,
    no link, no audit entry, no file."""
    assessment = world.assessment()
    before = _counts(media)
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.SUBMITTED)
    assert assessment.status == Status.DRAFT
    with pytest.raises(ServiceError, match="Hồ sơ đã gửi"):
        evidence_upload_and_attach(
            actor=world.users["focal"],
            assessment=assessment,
            node_code="1.3",
            upload=f.upload(f.plan_pdf(subject="Gửi muộn"), "muon.pdf"),
        )
    assert _counts(media) == before


def test_upload_and_attach_rolls_back_the_document_when_attaching_fails(world, media, monkeypatch):
    assessment = world.assessment()
    before = _counts(media)

    original = services.audit_record

    def fail_on_attach(**kwargs):
        if kwargs["action"] is audit_actions.ATTACH:
            raise RuntimeError("the link's audit entry could not be written")
        return original(**kwargs)

    monkeypatch.setattr(services, "audit_record", fail_on_attach)
    with pytest.raises(RuntimeError):
        evidence_upload_and_attach(
            actor=world.users["focal"],
            assessment=assessment,
            node_code="1.3",
            upload=f.upload(f.plan_pdf(subject="Lỗi khi gắn"), "loi.pdf"),
        )
    assert _counts(media) == before


def test_upload_and_attach_of_a_duplicate_attaches_the_existing_document(world, media):
    assessment = world.assessment()
    data = f.plan_pdf(subject="Đã có trong thư viện")
    existing = evidence_upload(
        actor=world.users["focal"], unit=world.commune, upload=f.upload(data, "co-roi.pdf")
    ).document
    result = evidence_upload_and_attach(
        actor=world.users["focal"],
        assessment=assessment,
        node_code="1.3",
        upload=f.upload(data, "ban-sao.pdf"),
    )
    assert not result.created and result.document.pk == existing.pk
    assert "trùng hoàn toàn" in " ".join(result.notes)
    assert EvidenceLink.objects.get().document_id == existing.pk
    assert len(stored_files(media)) == 1


# --- Audit entries -------------------------------------------------------------------------------


def test_evidence_actions_are_declared_with_vietnamese_labels():
    for name in (
        "evidence.upload",
        "evidence.update",
        "evidence.delete",
        "evidence.attach",
        "evidence.detach",
    ):
        assert name in REGISTRY and REGISTRY[name].label
    assert audit_actions.ATTACH is REGISTRY["evidence.attach"]


def test_document_subject_by_number_and_title_then_title_then_file_name():
    document = EvidenceDocument(
        number_symbol="12/QĐ-UBND",
        title="Quyết định ban hành kế hoạch CCHC",
        original_name="qd.pdf",
        sha256="a" * 64,
    )
    assert (
        audit_actions.document_subject(document)
        == "Số 12/QĐ-UBND — Quyết định ban hành kế hoạch CCHC"
    )
    document.number_symbol = ""
    assert audit_actions.document_subject(document) == "Quyết định ban hành kế hoạch CCHC"
    document.title = ""
    assert audit_actions.document_subject(document) == "qd.pdf"
    assert audit_actions.link_subject("1.2", document) == "Tiêu chí 1.2: qd.pdf"


def test_every_entry_names_the_document_and_shows_no_hash(world, media):
    assessment = world.assessment()
    document = add_document(world, number="12/QĐ-UBND", title="Quyết định ban hành kế hoạch")
    evidence_attach(
        actor=world.users["focal"], assessment=assessment, node_code="1.2", document=document
    )
    evidence_detach(
        actor=world.users["focal"], assessment=assessment, node_code="1.2", document=document
    )
    evidence_delete(actor=world.users["head"], document=document)
    entries = list(AuditEntry.objects.filter(action__startswith="evidence.").order_by("pk"))
    assert [e.action for e in entries] == [
        "evidence.upload",
        "evidence.update",
        "evidence.attach",
        "evidence.detach",
        "evidence.delete",
    ]
    named = "Số 12/QĐ-UBND — Quyết định ban hành kế hoạch"
    by_action = {e.action: e for e in entries}
    assert by_action["evidence.update"].object_repr == named
    assert by_action["evidence.delete"].object_repr == named
    assert by_action["evidence.attach"].object_repr == f"Tiêu chí 1.2: {named}"
    assert by_action["evidence.detach"].object_repr == f"Tiêu chí 1.2: {named}"
    assert by_action["evidence.attach"].changes["document"] == [None, named]
    assert by_action["evidence.attach"].changes["node_code"] == [None, "1.2"]
    for entry in entries:
        assert not HEX.search(entry.object_repr), entry.object_repr
    for line in audit_lines(entries):
        shown = " ".join(
            [line.label, line.subject, *(f"{c.field} {c.old} {c.new}" for c in line.changes)]
        )
        assert not HEX.search(shown), shown
        assert line.label != "Thay đổi khác" and "Thông tin khác" not in shown, shown
        assert document.file.name not in shown


def test_old_attach_entries_are_shown_without_their_hash(world):
    assessment = world.assessment()
    entry = AuditEntry.objects.create(
        action="evidence.attach",
        object_type="assessments.assessment",
        object_id=str(assessment.pk),
        object_repr="hồ sơ",
        changes={"evidence": [None, f"1.1: 12/KH-UBND — Kế hoạch ({'c' * 64})"]},
    )
    [line] = audit_lines([entry])
    assert line.label == "Gắn tài liệu kiểm chứng vào tiêu chí"
    assert [(c.field, c.new) for c in line.changes] == [
        ("Tài liệu kiểm chứng", "1.1: 12/KH-UBND — Kế hoạch")
    ]


def test_upload_entry_shows_the_file_name_and_size(world, media):
    evidence_upload(
        actor=world.users["focal"],
        unit=world.commune,
        upload=f.upload(f.plan_pdf(subject="Kích thước"), "ke-hoach.pdf"),
    )
    [line] = audit_lines(AuditEntry.objects.filter(action="evidence.upload"))
    shown = {c.field: c.new for c in line.changes}
    assert shown["Tên tệp"] == "ke-hoach.pdf"
    assert shown["Dung lượng"].endswith(("byte", "KB", "MB"))
    assert set(shown) == {"Tên tệp", "Dung lượng"}


# --- Hooks into assessments ----------------------------------------------------------------------


def test_assessments_collects_the_evidence_checks(world):
    assessment = world.assessment()
    found = hooks.collect_checks(assessment)
    missing = {c.node_code for c in found if c.blocking and c.kind == BLOCKING_MISSING}
    assert {"1.1", "1.2", "2.1"} <= missing


def test_assessments_collects_the_evidence_section(world):
    assessment = world.assessment()
    document = add_document(world, issued_on=date(2025, 3, 1))
    evidence_attach(
        actor=world.users["focal"], assessment=assessment, node_code="1.1", document=document
    )
    sections = hooks.collect_sections(assessment)
    assert sections == {"evidence": documents_by_node(assessment=assessment)}
    assert json.loads(json.dumps(sections))["evidence"]["1.1"][0]["issued_on"] == "2025-03-01"


def test_receivers_are_connected_once(world):
    assessment = world.assessment()
    once = len(hooks.collect_checks(assessment))
    receivers.connect()  # as a second ready() would
    assert len(hooks.collect_checks(assessment)) == once
    answers = hooks.snapshot_sections.send(sender=Assessment, assessment=assessment)
    assert [r for r, _ in answers].count(receivers.evidence_section) == 1


# --- Pages ---------------------------------------------------------------------------------------


def test_document_page_shows_no_hash(world, client):
    document = add_document(world)
    client.force_login(world.users["focal"])
    html = client.get(reverse("evidence:detail", args=[document.pk])).content.decode()
    assert document.sha256 not in html and "SHA-256" not in html
    assert document.file.name not in html
