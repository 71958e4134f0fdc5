"""Every write to evidence goes through these functions (keyword-only, typed, audited).

Each is one transaction built on ``parindex.core.actions``: ``lock`` the rows (with the
permission check on the row as stored and, for a change of details, the revision the user's
page was built from), decide, write (``save_versioned`` for the document's details), record
the audit entry (``audit_actions``), and leave side effects (removing a deleted document's
file) to ``after_commit``.

Upload: the file is checked completely (name, size, content, structure) before anything is
stored; an exact duplicate (same SHA-256 in the unit's library) is reported with the
existing document and nothing new is stored; the file is stored first, outside the
transaction (no database lock waits on storage), then the row is committed (a failure while
writing the row removes the file again; a crash in between leaves a file without a row, which
``sweep.sweep_orphan_files`` removes after a grace period). Uploading and attaching at once is
one transaction: the document is in the library and attached, or neither.

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
from functools import partial
from typing import IO, Any

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from parindex.assessments.models import Assessment
from parindex.assessments.permissions import ensure_can_edit_entry
from parindex.assessments.services import lock_assessment
from parindex.assessments.workflow import EDITABLE, Status
from parindex.core.actions import actor_or_none, after_commit, changes_of, lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.text import fold, nfc
from parindex.units.models import Unit

from . import permissions
from .audit_actions import ATTACH, DELETE, DETACH, UPDATE, UPLOAD, document_subject, link_subject
from .extract import Metadata, extract_text, guess_metadata, normalise_number_symbol
from .models import EvidenceDocument, EvidenceLink
from .nodes import assessment_nodes, code_key
from .selectors import citations_text, citing_submissions, document_locked_reason
from .validation import EXTENSION, CheckedFile, check_upload

log = logging.getLogger(__name__)

DELETED = "Tài liệu này vừa bị xóa khỏi thư viện. Hãy tải lại trang."


def _date_text(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _edited_elsewhere(document: EvidenceDocument) -> str:
    return (
        f"Tài liệu «{document.label}» vừa được người khác sửa. Hãy tải lại trang để xem thông "
        "tin mới rồi sửa tiếp."
    )


def _is_missing(exc: ServiceError) -> bool:
    return getattr(exc, "code", None) == "missing"


# --- Uploading ---------------------------------------------------------------------------------


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


def _duplicate(checked: CheckedFile, existing: EvidenceDocument) -> UploadResult:
    return UploadResult(existing, False, [*checked.notes, _duplicate_note(checked.name, existing)])


def _delete_stored(name: str | None, storage: Any) -> None:
    if not name:
        return
    try:
        storage.delete(name)
    except Exception:  # the row is what matters; a stray file is only logged
        log.exception("Could not remove stored evidence file %s", name)


@dataclass
class _Staged:
    """A checked upload: the library's exact duplicate of it, or its new row (not saved yet)
    with the file already stored for it."""

    checked: CheckedFile
    existing: EvidenceDocument | None = None
    document: EvidenceDocument | None = None
    stored: str | None = None
    storage: Any = None

    def discard(self) -> None:
        """Remove the stored file (its row was never committed)."""
        _delete_stored(self.stored, self.storage)
        self.stored = None


def _stage(*, actor: Any, unit: Unit, upload: IO[bytes], name: str | None) -> _Staged:
    """Check the file, look for its duplicate, else read it and store it (outside any
    transaction: no database lock waits on storage)."""
    raw_name = name if name is not None else str(getattr(upload, "name", "") or "")
    checked = check_upload(upload, raw_name)
    existing = EvidenceDocument.objects.filter(unit=unit, sha256=checked.sha256).first()
    if existing is not None:
        return _Staged(checked, existing=existing)
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
        uploaded_by=actor_or_none(actor),
    )
    # The file first, under its final (generated) name, then the row: a crash in between
    # leaves a file without a row (removed by evidence.sweep), never a row without its file.
    upload.seek(0)
    document.file.save(f"file.{EXTENSION[checked.kind]}", File(upload), save=False)
    return _Staged(
        checked, document=document, stored=document.file.name, storage=document.file.storage
    )


def _record(*, actor: Any, staged: _Staged) -> UploadResult:
    """Inside the service's transaction: the staged document's row and its audit entry; or the
    library's document with the same content (found before, or stored meanwhile by someone
    else: the unique SHA-256 per unit), whose file is then the only one kept."""
    if staged.existing is not None:
        return _duplicate(staged.checked, staged.existing)
    document = staged.document
    assert document is not None
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the transaction usable
            document.save()
    except IntegrityError:
        existing = EvidenceDocument.objects.filter(
            unit_id=document.unit_id, sha256=document.sha256
        ).first()
        if existing is None:
            raise
        staged.discard()
        return _duplicate(staged.checked, existing)
    audit_record(
        actor=actor,
        action=UPLOAD,
        obj=document,
        changes={
            "original_name": [None, document.original_name],
            "size": [None, document.size],
            "sha256": [None, document.sha256],
        },
        scope_unit_id=document.unit_id,
        subject=document_subject(document),
    )
    return UploadResult(document, True, list(staged.checked.notes))


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
    staged = _stage(actor=actor, unit=unit, upload=upload, name=name)
    if staged.existing is not None:
        return _duplicate(staged.checked, staged.existing)
    try:
        with transaction.atomic():
            return _record(actor=actor, staged=staged)
    except BaseException:
        staged.discard()
        raise


# --- A document's details and its deletion -----------------------------------------------------


def _lock_editable(
    document: EvidenceDocument, actor: Any, expected_revision: int | None = None
) -> EvidenceDocument:
    """The stored document, locked, after the check that ``actor`` may edit it (and, with
    ``expected_revision``, that it is still the revision the user's form was built from)."""
    return lock(
        EvidenceDocument,
        document.pk,
        actor=actor,
        check=permissions.ensure_can_edit_document,
        expected_revision=expected_revision,
        conflict_message=_edited_elsewhere(document),
        missing_message=DELETED,
    )


def _lock_linking(document: EvidenceDocument) -> list[Assessment]:
    """Every assessment the (locked) document is attached to, locked in id order: no link
    can be added or removed meanwhile, since attaching and detaching lock the document."""
    ids = sorted(
        set(EvidenceLink.objects.filter(document=document).values_list("assessment_id", flat=True))
    )
    locked: list[Assessment] = []
    for pk in ids:
        try:
            locked.append(lock(Assessment, pk))
        except ServiceError as exc:  # removed meanwhile, with its links: links nothing now
            if not _is_missing(exc):
                raise
    return locked


def evidence_update(
    *,
    actor: Any,
    document: EvidenceDocument,
    expected_revision: int,
    number_symbol: str,
    issued_on: date | None,
    issuer: str,
    title: str,
) -> EvidenceDocument:
    """Confirm or correct a document's number and symbol, date, issuer and title: changed
    only while no submission cites the document and every assessment it is attached to is
    editable (confirming unchanged details is always possible). ``expected_revision``: the
    revision the user's form was built from (else ConflictError with both revisions)."""
    values: dict[str, Any] = {
        "number_symbol": normalise_number_symbol(number_symbol)[:100],
        "issued_on": issued_on,
        "issuer": nfc(issuer)[:255],
        "title": nfc(title)[:500],
    }
    with transaction.atomic():
        current = _lock_editable(document, actor, expected_revision)
        changed = changes_of(current, values)
        if changed:
            # Confirming the details as they are changes no snapshot; changing them would.
            reason = document_locked_reason(current, assessments=_lock_linking(current))
            if reason:
                raise ServiceError(reason)
        was_confirmed = current.is_confirmed
        folded = fold(
            " ".join(
                [values["number_symbol"], values["title"], values["issuer"], current.original_name]
            )
        )
        save_versioned(
            current,
            {
                **values,
                "search_folded": folded,
                "is_confirmed": True,
                "updated_by": actor_or_none(actor),
            },
            conflict_message=_edited_elsewhere(document),
        )
        if changed or not was_confirmed:
            shown = {
                name: [_date_text(old), _date_text(new)] if name == "issued_on" else [old, new]
                for name, (old, new) in changed.items()
            }
            audit_record(
                actor=actor,
                action=UPDATE,
                obj=current,
                changes=shown or {"is_confirmed": [False, True]},
                scope_unit_id=current.unit_id,
                subject=document_subject(current),
            )
    document.refresh_from_db()
    return document


def evidence_delete(*, actor: Any, document: EvidenceDocument) -> None:
    """Remove a document nobody uses: never one attached to a criterion, nor one a
    submission's snapshot names (that file is the proof of what was submitted). The stored
    file is removed once the deletion is committed."""
    with transaction.atomic():
        current = _lock_editable(document, actor)
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
        audit_record(
            actor=actor,
            action=DELETE,
            obj=current,
            changes={
                "original_name": [current.original_name, None],
                "sha256": [current.sha256, None],
            },
            scope_unit_id=current.unit_id,
            subject=document_subject(current),
        )
        after_commit(partial(_delete_stored, current.file.name, current.file.storage))
        current.delete()


# --- Attaching to criteria ---------------------------------------------------------------------


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


def _lock_assessment(
    *, actor: Any, assessment: Assessment, node_code: str, document: EvidenceDocument | None
) -> Assessment:
    """The assessment's row, locked (after the document's: see the module's lock order) and
    checked as stored: status, phase rules, the person's role."""

    def check(who: Any, row: Assessment) -> None:
        _check_attachable(actor=who, assessment=row, node_code=node_code, document=document)

    return lock_assessment(actor, assessment, check)


def _attach(
    *, actor: Any, assessment: Assessment, node_code: str, document: EvidenceDocument
) -> EvidenceLink:
    """Inside the service's transaction: lock the document, then the assessment, decide on
    the locked rows, link (attaching again changes nothing)."""
    current = lock(EvidenceDocument, document.pk, missing_message=DELETED)
    locked = _lock_assessment(
        actor=actor, assessment=assessment, node_code=node_code, document=current
    )
    link, created = EvidenceLink.objects.get_or_create(
        assessment=locked,
        node_code=node_code,
        document=current,
        defaults={"linked_by": actor_or_none(actor)},
    )
    if created:
        audit_record(
            actor=actor,
            action=ATTACH,
            obj=locked,
            changes={"node_code": [None, node_code], "document": [None, document_subject(current)]},
            scope_unit_id=locked.assessed_unit.unit_id,
            subject=link_subject(node_code, current),
        )
    return link


def evidence_attach(
    *, actor: Any, assessment: Assessment, node_code: str, document: EvidenceDocument
) -> EvidenceLink:
    """Attach a library document to one criterion (attaching it again changes nothing).
    Decided on the locked rows, so it lands before a submission's snapshot or not at all."""
    permissions.ensure_can_view_evidence_of(actor, assessment)  # nothing locked for outsiders
    with transaction.atomic():
        return _attach(actor=actor, assessment=assessment, node_code=node_code, document=document)


def evidence_detach(
    *, actor: Any, assessment: Assessment, node_code: str, document: EvidenceDocument
) -> None:
    """Take a document off a criterion, decided on the locked rows (as attaching)."""
    permissions.ensure_can_view_evidence_of(actor, assessment)
    with transaction.atomic():
        try:
            current: EvidenceDocument | None = lock(EvidenceDocument, document.pk)
        except ServiceError as exc:
            if not _is_missing(exc):
                raise
            current = None  # deleted: it was attached nowhere (a linked one cannot be deleted)
        locked = _lock_assessment(
            actor=actor, assessment=assessment, node_code=node_code, document=None
        )
        if current is None:
            return
        deleted, _ = EvidenceLink.objects.filter(
            assessment=locked, node_code=node_code, document=current
        ).delete()
        if deleted:
            audit_record(
                actor=actor,
                action=DETACH,
                obj=locked,
                changes={
                    "node_code": [node_code, None],
                    "document": [document_subject(current), None],
                },
                scope_unit_id=locked.assessed_unit.unit_id,
                subject=link_subject(node_code, current),
            )


def evidence_upload_and_attach(
    *,
    actor: Any,
    assessment: Assessment,
    node_code: str,
    upload: IO[bytes],
    name: str | None = None,
) -> UploadResult:
    """Upload a new file (or find its exact duplicate) and attach it to the criterion, in one
    transaction: the document is in the library and attached, or neither (its stored file is
    removed again). The checks run first on the caller's copy, so nothing is stored when
    refused; attaching checks again on the locked rows (a submission meanwhile: nothing)."""
    _check_attachable(actor=actor, assessment=assessment, node_code=node_code, document=None)
    unit = assessment.assessed_unit.unit
    if not permissions.can_upload_to(actor, unit):
        raise PermissionDenied(
            f"Chỉ cán bộ, công chức của {unit.name} được tải tài liệu lên thư viện của đơn vị."
        )
    staged = _stage(actor=actor, unit=unit, upload=upload, name=name)
    try:
        with transaction.atomic():
            result = _record(actor=actor, staged=staged)
            _attach(
                actor=actor, assessment=assessment, node_code=node_code, document=result.document
            )
    except BaseException:
        staged.discard()
        raise
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
