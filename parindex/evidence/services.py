"""Every write to evidence goes through these functions (keyword-only, typed, audited).

Upload: the file is checked completely (name, size, content, structure) before anything is
stored; an exact duplicate (same SHA-256 in the unit's library) is reported with the
existing document and nothing new is stored; the file is stored first, then the row is
committed (a failure while writing the row removes the file again; a crash in between leaves
a file without a row, which ``sweep.sweep_orphan_files`` removes after a grace period).
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

from parindex.assessments.models import Assessment, Submission
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
    """Confirm or correct a document's number and symbol, date, issuer and title."""
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


def _submissions_with(document: EvidenceDocument) -> list[int]:
    return list(
        Submission.objects.filter(
            assessment__assessed_unit__unit_id=document.unit_id,
            snapshot__contains=document.sha256,
        ).values_list("number", flat=True)
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
        numbers = _submissions_with(current)
        if numbers:
            raise ServiceError(
                f"Tài liệu «{current.label}» có trong hồ sơ đã gửi (bản gửi số "
                f"{', '.join(str(n) for n in sorted(numbers))}) nên phải được giữ lại làm bằng "
                "chứng."
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


def evidence_attach(
    *, actor: Any, assessment: Assessment, node_code: str, document: EvidenceDocument
) -> EvidenceLink:
    """Attach a library document to one criterion (attaching it again changes nothing)."""
    _check_attachable(actor=actor, assessment=assessment, node_code=node_code, document=document)
    with transaction.atomic():
        link, created = EvidenceLink.objects.get_or_create(
            assessment=assessment,
            node_code=node_code,
            document=document,
            defaults={"linked_by": _actor(actor)},
        )
        if created:
            audit_record(
                actor=actor,
                action="evidence.attach",
                obj=assessment,
                changes={"evidence": [None, f"{node_code}: {document.label} ({document.sha256})"]},
                scope_unit_id=assessment.assessed_unit.unit_id,
            )
    return link


def evidence_detach(
    *, actor: Any, assessment: Assessment, node_code: str, document: EvidenceDocument
) -> None:
    _check_attachable(actor=actor, assessment=assessment, node_code=node_code, document=None)
    with transaction.atomic():
        deleted, _ = EvidenceLink.objects.filter(
            assessment=assessment, node_code=node_code, document=document
        ).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="evidence.detach",
                obj=assessment,
                changes={"evidence": [f"{node_code}: {document.label} ({document.sha256})", None]},
                scope_unit_id=assessment.assessed_unit.unit_id,
            )


def evidence_upload_and_attach(
    *,
    actor: Any,
    assessment: Assessment,
    node_code: str,
    upload: IO[bytes],
    name: str | None = None,
) -> UploadResult:
    """Upload a new file (or find its exact duplicate) and attach it to the criterion."""
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
