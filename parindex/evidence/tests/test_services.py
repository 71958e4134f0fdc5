"""Writes: metadata edits with optimistic locking, attaching and detaching, deleting."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from parindex.assessments.models import Assessment
from parindex.assessments.workflow import Status
from parindex.core.errors import ConflictError, ServiceError
from parindex.core.models import AuditEntry
from parindex.evidence.models import EvidenceDocument, EvidenceLink
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
from .world import add_document, assign

pytestmark = pytest.mark.django_db


def test_update_normalises_and_confirms(world):
    result = evidence_upload(
        actor=world.users["officer"], unit=world.commune, upload=f.upload(f.scan_pdf(), "scan.pdf")
    )
    document = evidence_update(
        actor=world.users["officer"],
        document=result.document,
        expected_revision=1,
        number_symbol="số 12 / kh-ubnd",
        issued_on=date(2025, 1, 15),
        issuer="UBND xã Sơn Lĩnh",
        title="Kế hoạch CCHC năm 2025",
    )
    assert document.number_symbol == "12/KH-UBND" and document.is_confirmed
    assert document.revision == 2
    assert "12/kh-ubnd" in document.search_folded and "ke hoach cchc" in document.search_folded
    entry = AuditEntry.objects.get(action="evidence.update")
    assert entry.changes["number_symbol"] == ["", "12/KH-UBND"]
    assert entry.changes["issued_on"] == ["", "15/01/2025"]


def test_update_with_a_stale_revision_is_refused(world):
    document = add_document(world)
    with pytest.raises(ConflictError):
        evidence_update(
            actor=world.users["focal"],
            document=document,
            expected_revision=document.revision - 1,
            number_symbol="13/KH-UBND",
            issued_on=None,
            issuer="",
            title="",
        )
    document.refresh_from_db()
    assert document.number_symbol == "12/KH-UBND"


def test_officer_edits_only_what_they_uploaded(world):
    mine = add_document(world, actor=world.users["officer"])
    theirs = add_document(world, actor=world.users["focal"])
    kwargs = {"number_symbol": "1/TB-UBND", "issued_on": None, "issuer": "", "title": ""}
    evidence_update(
        actor=world.users["officer"], document=mine, expected_revision=mine.revision, **kwargs
    )
    with pytest.raises(PermissionDenied):
        evidence_update(
            actor=world.users["officer"],
            document=theirs,
            expected_revision=theirs.revision,
            **kwargs,
        )
    for role in ("organiser", "council", "other_head"):
        with pytest.raises(PermissionDenied):
            evidence_update(actor=world.users[role], document=mine, expected_revision=2, **kwargs)


def test_attach_one_document_to_several_criteria(world):
    assessment = world.assessment()
    document = add_document(world)
    for code in ("1.1", "1.2"):
        evidence_attach(
            actor=world.users["focal"], assessment=assessment, node_code=code, document=document
        )
    again = evidence_attach(
        actor=world.users["focal"], assessment=assessment, node_code="1.1", document=document
    )
    assert sorted(EvidenceLink.objects.values_list("node_code", flat=True)) == ["1.1", "1.2"]
    assert again.node_code == "1.1"
    assert AuditEntry.objects.filter(action="evidence.attach").count() == 2


def test_attach_only_on_leaves_of_the_set(world):
    assessment = world.assessment()
    document = add_document(world)
    with pytest.raises(ServiceError, match="tiêu chí thành phần"):
        evidence_attach(
            actor=world.users["head"], assessment=assessment, node_code="1", document=document
        )
    with pytest.raises(ServiceError, match=r"không có tiêu chí 9\.9"):
        evidence_attach(
            actor=world.users["head"], assessment=assessment, node_code="9.9", document=document
        )


def test_document_of_another_unit_cannot_be_attached(world):
    assessment = world.assessment()
    foreign = add_document(world, unit=world.commune2)
    with pytest.raises(ServiceError, match="không thuộc thư viện"):
        evidence_attach(
            actor=world.users["head"], assessment=assessment, node_code="1.1", document=foreign
        )


def test_officer_attaches_only_where_assigned(world):
    assessment = world.assessment()
    assign(world, assessment, "1")
    document = add_document(world)
    evidence_attach(
        actor=world.users["officer"], assessment=assessment, node_code="1.2", document=document
    )
    with pytest.raises(PermissionDenied):
        evidence_attach(
            actor=world.users["officer"], assessment=assessment, node_code="2.1", document=document
        )


def test_outsiders_cannot_attach(world):
    assessment = world.assessment()
    document = add_document(world)
    for role in ("organiser", "council", "other_head", "other_organiser"):
        with pytest.raises(PermissionDenied):
            evidence_attach(
                actor=world.users[role], assessment=assessment, node_code="1.1", document=document
            )


def test_no_attaching_after_submission(world):
    assessment = world.assessment()
    document = add_document(world)
    Assessment.objects.filter(pk=assessment.pk).update(status=Status.SUBMITTED)
    assessment.refresh_from_db()
    with pytest.raises(ServiceError, match="Hồ sơ đã gửi"):
        evidence_attach(
            actor=world.users["head"], assessment=assessment, node_code="1.1", document=document
        )


def test_no_attaching_after_the_deadline(world):
    from parindex.campaigns.models import Phase

    assessment = world.assessment()
    document = add_document(world)
    Phase.objects.filter(campaign=world.campaign, kind="self_assessment").update(
        deadline=date(2025, 1, 2), starts_on=date(2025, 1, 1)
    )
    with pytest.raises(ServiceError, match="quá hạn"):
        evidence_attach(
            actor=world.users["head"], assessment=assessment, node_code="1.1", document=document
        )


def test_detach(world):
    assessment = world.assessment()
    document = add_document(world)
    evidence_attach(
        actor=world.users["head"], assessment=assessment, node_code="1.1", document=document
    )
    evidence_detach(
        actor=world.users["head"], assessment=assessment, node_code="1.1", document=document
    )
    assert not EvidenceLink.objects.exists()
    assert AuditEntry.objects.filter(action="evidence.detach").count() == 1


def test_upload_and_attach(world, media):
    assessment = world.assessment()
    result = evidence_upload_and_attach(
        actor=world.users["focal"],
        assessment=assessment,
        node_code="1.3",
        upload=f.upload(f.plan_pdf(), "tuyen-truyen.pdf"),
    )
    assert result.created
    assert EvidenceLink.objects.get().document == result.document
    assert len(stored_files(media)) == 1


def test_upload_and_attach_refused_before_storing_when_not_allowed(world, media):
    assessment = world.assessment()
    with pytest.raises(PermissionDenied):
        evidence_upload_and_attach(
            actor=world.users["officer"],  # nothing assigned
            assessment=assessment,
            node_code="1.1",
            upload=f.upload(f.plan_pdf(), "kh.pdf"),
        )
    assert stored_files(media) == [] and not EvidenceDocument.objects.exists()


def test_delete_unused_document_removes_the_file(world, media, django_capture_on_commit_callbacks):
    document = add_document(world)
    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(actor=world.users["head"], document=document)
    assert not EvidenceDocument.objects.exists() and stored_files(media) == []


def test_delete_refused_while_attached(world):
    assessment = world.assessment()
    document = add_document(world)
    evidence_attach(
        actor=world.users["head"], assessment=assessment, node_code="1.2", document=document
    )
    with pytest.raises(ServiceError, match=r"đang được gắn ở tiêu chí 1\.2"):
        evidence_delete(actor=world.users["head"], document=document)


def test_delete_refused_once_in_a_submission(world):
    from parindex.assessments.models import Submission

    assessment = world.assessment()
    document = add_document(world)
    Submission.objects.create(
        assessment=assessment, number=1, snapshot=f'{{"evidence": "{document.sha256}"}}', sha256="x"
    )
    with pytest.raises(ServiceError, match="bản gửi số 1"):
        evidence_delete(actor=world.users["head"], document=document)
