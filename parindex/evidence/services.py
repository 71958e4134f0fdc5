"""Every write to evidence goes through these functions (keyword-only, typed, audited).

Upload: the file is checked completely (name, size, content, structure) before anything is
stored; an exact duplicate (same SHA-256 in the unit's library) is reported with the
existing document and nothing new is stored; the file is stored first, then the row is
committed (a failure while writing the row removes the file again; a crash in between leaves
a file without a row, which ``sweep.sweep_orphan_files`` removes after a grace period).

Racing a submission: submitting locks the assessment row (``select_for_update``) and, while
holding it, builds the snapshot from the attached documents and their details. So every
write here that could change what a snapshot records decides on locked rows, inside one
transaction, re-reading the status instead of trusting the caller's copy:

* attaching and detaching lock the document, then the assessment, then check the status,
  the phase rules and the person's role on the locked copy, then create or delete the link;
* changing a document's details locks the document, then every assessment linking it, and
  refuses once a submission's snapshot cites the document (withdrawn or returned since
  included: the old snapshot stays the proof) or an assessment linking it is not editable;
* deleting a document locks it (a link to it cannot appear meanwhile: attaching locks it).

Lock order, the same everywhere: the document row first, then the assessment row(s), in
increasing id. Submitting and saving entries lock only the assessment row and no document,
and nothing locks an assessment and then a document, so no cycle (deadlock) can form.
Attaching must lock the document explicitly before the assessment: on PostgreSQL inserting
the link takes a key-share lock on the document row (the foreign key check), which waits for
an ``evidence_update`` holding it; taken after the assessment, that would be the other order.
On SQLite (``BEGIN IMMEDIATE``) a write transaction excludes every other one anyway.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from parindex.assessments.models import Assessment
from parindex.assessments.permissions import ensure_can_edit_entry
from parindex.assessments.workflow import EDITABLE, Status
from parindex.core.audit import audit_record
from parindex.core.errors import ConflictError, ServiceError
from parindex.core.text import fold, nfc
from parindex.units.models import Unit

from . import permissions
from .extract import Metadata, extract_text, guess_metadata, normalise_number_symbol
from .models import EvidenceDocument, EvidenceLink
from .nodes import assessment_nodes, code_key
from .selectors import citations_text, citing_submissions, document_locked_reason
from .validation import EXTENSION, check_upload

log = logging.getLogger(__name__)


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _date_text(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass
class UploadResult:
    document: EvidenceDocument
    created: bool
    notes: list[str] = field(default_factory=list)


def _duplicate_note(name: str, existing: EvidenceDocument) -> str:
    when = timezone.localtime(existing.uploaded_at).strftime("%d/%m/%Y")
    return (
        f"Tệp «{name}» trùng hoàn toàn với tài liệu đã có trong thư viện «{existing.label}» "
        f"(tải lên ngày {when}): dùng lại tài liệu đó, không lưu thêm bản mới."
    )


def _duplicate(name: str, notes: tuple[str, ...], existing: EvidenceDocument) -> UploadResult:
    return UploadResult(existing, False, [*notes, _duplicate_note(name, existing)])


def _delete_stored(name: str | None, storage: Any) -> None:
    if not name:
        return
    try:
        storage.delete(name)
    except Exception:  # the row is what matters; a stray file is only logged
        log.exception("Could not remove stored evidence file %s", name)


def evidence_upload(
    *,
    actor: Any,
    unit: Unit,
    upload: IO[bytes],
    name: str | None = None,
    check_permission: bool = True,
) -> UploadResult:
    """Check and store one file in ``unit``'s library, reading its text and guessing its
    number, date, issuer and title. ``name`` is the file name as sent (default: the
    upload's own). Raises UploadRefused (a ServiceError) with a Vietnamese reason."""
    if check_permission:
        permissions.ensure_can_upload_to(actor, unit)
    raw_name = name if name is not None else str(getattr(upload, "name", "") or "")
    checked = check_upload(upload, raw_name)
    existing = EvidenceDocument.objects.filter(unit=unit, sha256=checked.sha256).first()
    if existing is not None:
        return UploadResult(
            existing, False, [*checked.notes, _duplicate_note(checked.name, existing)]
        )

    upload.seek(0)
    data = upload.read()
    text = extract_text(data, checked.kind)
    guess = guess_metadata(text) if text else Metadata()
    document = EvidenceDocument(
        unit=unit,
        original_name=checked.name,
        kind=checked.kind,
        mime=checked.mime,
        size=checked.size,
        sha256=checked.sha256,
        number_symbol=guess.number_symbol,
        issued_on=guess.issued_on,
        issuer=guess.issuer,
        title=guess.title,
        extracted_text=text,
        suggested={} if guess.is_empty else guess.as_json(),
        uploaded_by=_actor(actor),
    )
    storage = document.file.storage
    stored: str | None = None
    try:
        # The file first, under its final name, then the row: a crash in between leaves a
        # file without a row (removed by evidence.sweep), never a row without its file. The
        # file is written outside the transaction so no database lock waits on storage.
        upload.seek(0)
        document.file.save(f"file.{EXTENSION[checked.kind]}", File(upload), save=False)
        stored = document.file.name
        with transaction.atomic():
            document.save()
            audit_record(
                actor=actor,
                action="evidence.upload",
                obj=document,
                changes={
                    "file": [None, checked.name],
                    "sha256": [None, checked.sha256],
                    "size": [None, checked.size],
                },
                scope_unit_id=unit.pk,
            )
    except IntegrityError:
        _delete_stored(stored, storage)
        existing = EvidenceDocument.objects.filter(unit=unit, sha256=checked.sha256).first()
        if existing is None:
            raise
        return UploadResult(
            existing, False, [*checked.notes, _duplicate_note(checked.name, existing)]
        )
    except BaseException:
        _delete_stored(stored, storage)
        raise
    return UploadResult(document, True, list(checked.notes))


def evidence_update(
    *,
    actor: Any,
    document: EvidenceDocument,
    expected_version: int,
    number_symbol: str,
    issued_on: date | None,
    issuer: str,
    title: str,
) -> EvidenceDocument:
    """Confirm or correct a document's number and symbol, date, issuer and title: changed
    only while no submission cites the document and every assessment it is attached to is
    editable (confirming unchanged details is always possible)."""
    permissions.ensure_can_edit_document(actor, document)
    values: dict[str, Any] = {
        "number_symbol": normalise_number_symbol(number_symbol)[:100],
        "issued_on": issued_on,
        "issuer": nfc(issuer)[:255],
        "title": nfc(title)[:500],
    }
    with transaction.atomic():
        current = EvidenceDocument.objects.select_for_update().get(pk=document.pk)
        if current.version != expected_version:
            raise ConflictError(
                "Tài liệu này vừa được người khác sửa. Hãy tải lại trang để xem thông tin mới "
                "rồi sửa tiếp."
            )
        changes = {
            k: [
                _date_text(getattr(current, k)) if k == "issued_on" else getattr(current, k),
                _date_text(v) if k == "issued_on" else v,
            ]
            for k, v in values.items()
            if getattr(current, k) != v
        }
        if changes:
            # Confirming the details as they are changes no snapshot; changing them would.
            reason = document_locked_reason(current, assessments=_lock_linking(current))
            if reason:
                raise ServiceError(reason)
        folded = fold(
            " ".join(
                [values["number_symbol"], values["title"], values["issuer"], current.original_name]
            )
        )
        updated = EvidenceDocument.objects.filter(pk=current.pk, version=expected_version).update(
            **values,
            search_folded=folded,
            is_confirmed=True,
            updated_by=_actor(actor),
            updated_at=timezone.now(),
            version=F("version") + 1,
        )
        if not updated:
            raise ConflictError("Tài liệu này vừa được người khác sửa. Hãy tải lại trang.")
        if changes or not current.is_confirmed:
            audit_record(
                actor=actor,
                action="evidence.update",
                obj=current,
                changes=changes or {"is_confirmed": [False, True]},
                scope_unit_id=current.unit_id,
            )
    document.refresh_from_db()
    return document


def _lock_document(document: EvidenceDocument) -> EvidenceDocument | None:
    """The document's row, locked (first: see the module's lock order); None once deleted."""
    return EvidenceDocument.objects.select_for_update().filter(pk=document.pk).first()


def _lock_assessment(assessment: Assessment) -> Assessment:
    """The assessment's row, locked and re-read (after the document's). The caller's copy
    gets the current status; the loaded relations are kept."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    locked.assessed_unit = assessment.assessed_unit
    assessment.status = locked.status
    return locked


def _lock_linking(document: EvidenceDocument) -> list[Assessment]:
    """Every assessment the (locked) document is attached to, locked in id order: no link
    can be added or removed meanwhile, since attaching and detaching lock the document."""
    ids = set(
        EvidenceLink.objects.filter(document=document).values_list("assessment_id", flat=True)
    )
    if not ids:
        return []
    return list(
        Assessment.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("assessed_unit__campaign")
        .order_by("pk")
    )


def evidence_delete(*, actor: Any, document: EvidenceDocument) -> None:
    """Remove a document nobody uses: never one attached to a criterion, nor one a
    submission's snapshot names (that file is the proof of what was submitted)."""
    permissions.ensure_can_edit_document(actor, document)
    with transaction.atomic():
        current = EvidenceDocument.objects.select_for_update().get(pk=document.pk)
        codes = sorted(set(current.links.values_list("node_code", flat=True)), key=code_key)
        if codes:
            raise ServiceError(
                f"Tài liệu «{current.label}» đang được gắn ở tiêu chí {', '.join(codes)}: hãy gỡ "
                "ra khỏi các tiêu chí đó trước khi xóa."
            )
        citations = citing_submissions(current)
        if citations:
            raise ServiceError(
                f"Tài liệu «{current.label}» có trong hồ sơ đã gửi ({citations_text(citations)})"
                " nên phải được giữ lại làm bằng chứng."
            )
        name = current.file.name
        storage = current.file.storage
        audit_record(
            actor=actor,
            action="evidence.delete",
            obj=current,
            changes={"file": [current.original_name, None], "sha256": [current.sha256, None]},
            scope_unit_id=current.unit_id,
        )
        current.delete()
        transaction.on_commit(lambda: _delete_stored(name, storage))


def _may_change_entries(assessment: Assessment) -> None:
    """The campaign's phase rules for changing the self-assessment (deadline, exception,
    withdrawn or returned submissions), as the assessments app applies them to entries."""
    from parindex.assessments.selectors import may_change_entries

    answer = may_change_entries(assessment)
    if not answer:
        raise ServiceError(answer.reason)


def _check_attachable(
    *, actor: Any, assessment: Assessment, node_code: str, document: EvidenceDocument | None
) -> None:
    """Everything attaching or detaching needs; the status and phase rules are only final
    when ``assessment`` is the locked copy (``_lock_assessment``)."""
    permissions.ensure_can_view_evidence_of(actor, assessment)
    nodes = assessment_nodes(assessment)
    if node_code not in nodes.all_codes:
        raise ServiceError(f"Bộ tiêu chí của hồ sơ này không có tiêu chí {node_code}.")
    if nodes.leaf(node_code) is None:
        raise ServiceError(
            f"Tiêu chí {node_code} có các tiêu chí thành phần: hãy gắn tài liệu vào từng tiêu "
            "chí thành phần."
        )
    if document is not None and document.unit_id != assessment.assessed_unit.unit_id:
        raise ServiceError(
            f"Tài liệu «{document.label}» không thuộc thư viện của "
            f"{assessment.assessed_unit.unit.name}."
        )
    if Status(assessment.status) not in EDITABLE:
        raise ServiceError("Hồ sơ đã gửi: cần rút lại (hoặc được trả lại) trước khi sửa.")
    ensure_can_edit_entry(actor, assessment, node_code)
    _may_change_entries(assessment)


DELETED = "Tài liệu này vừa bị xóa khỏi thư viện. Hãy tải lại trang."


def evidence_attach(
    *, actor: Any, assessment: Assessment, node_code: str, document: EvidenceDocument
) -> EvidenceLink:
    """Attach a library document to one criterion (attaching it again changes nothing).
    Decided on the locked rows, so it lands before a submission's snapshot or not at all."""
    permissions.ensure_can_view_evidence_of(actor, assessment)  # nothing locked for outsiders
    with transaction.atomic():
        current = _lock_document(document)
        if current is None:
            raise ServiceError(DELETED)
        locked = _lock_assessment(assessment)
        _check_attachable(actor=actor, assessment=locked, node_code=node_code, document=current)
        link, created = EvidenceLink.objects.get_or_create(
            assessment=locked,
            node_code=node_code,
            document=current,
            defaults={"linked_by": _actor(actor)},
        )
        if created:
            audit_record(
                actor=actor,
                action="evidence.attach",
                obj=locked,
                changes={"evidence": [None, f"{node_code}: {current.label} ({current.sha256})"]},
                scope_unit_id=locked.assessed_unit.unit_id,
            )
    return link


def evidence_detach(
    *, actor: Any, assessment: Assessment, node_code: str, document: EvidenceDocument
) -> None:
    """Take a document off a criterion, decided on the locked rows (as attaching)."""
    permissions.ensure_can_view_evidence_of(actor, assessment)
    with transaction.atomic():
        current = _lock_document(document)
        locked = _lock_assessment(assessment)
        _check_attachable(actor=actor, assessment=locked, node_code=node_code, document=None)
        if current is None:
            return  # deleted: it was attached nowhere (a linked document cannot be deleted)
        deleted, _ = EvidenceLink.objects.filter(
            assessment=locked, node_code=node_code, document=current
        ).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="evidence.detach",
                obj=locked,
                changes={"evidence": [f"{node_code}: {current.label} ({current.sha256})", None]},
                scope_unit_id=locked.assessed_unit.unit_id,
            )


def evidence_upload_and_attach(
    *,
    actor: Any,
    assessment: Assessment,
    node_code: str,
    upload: IO[bytes],
    name: str | None = None,
) -> UploadResult:
    """Upload a new file (or find its exact duplicate) and attach it to the criterion. The
    checks run first on the caller's copy, so nothing is stored when refused; attaching checks
    again on the locked rows (a submission meanwhile leaves the file in the library only)."""
    _check_attachable(actor=actor, assessment=assessment, node_code=node_code, document=None)
    unit = assessment.assessed_unit.unit
    if not permissions.can_upload_to(actor, unit):
        raise PermissionDenied(
            f"Chỉ cán bộ, công chức của {unit.name} được tải tài liệu lên thư viện của đơn vị."
        )
    result = evidence_upload(actor=actor, unit=unit, upload=upload, name=name)
    evidence_attach(
        actor=actor, assessment=assessment, node_code=node_code, document=result.document
    )
    return result


__all__ = [
    "UploadResult",
    "evidence_attach",
    "evidence_delete",
    "evidence_detach",
    "evidence_update",
    "evidence_upload",
    "evidence_upload_and_attach",
]
