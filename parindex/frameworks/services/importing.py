"""Criteria sets from files: the check for the preview, the import of a new draft version
and the re-import of a draft's content (YAML or .xlsx, with their questionnaire files)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from parindex.core.actions import lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.units.models import Unit

from ..audit_actions import FRAMEWORK_IMPORT, FRAMEWORK_REIMPORT
from ..checking import CheckResult, UploadFile, check_upload, display_name
from ..models import FrameworkVersion
from ..permissions import ensure_can_import_framework
from ._common import conflict_message, ensure_can_change_draft, lock_draft
from .storing import create_version, ensure_clean, storage_problems, version_fields, write_rows

QuestionnaireUpload = UploadFile | tuple[str, bytes]


def _uploads(questionnaires: Iterable[QuestionnaireUpload]) -> list[UploadFile]:
    out: list[UploadFile] = []
    for item in questionnaires:
        if isinstance(item, UploadFile):
            out.append(item)
        else:
            name, content = item
            out.append(UploadFile(str(name), bytes(content)))
    return out


def _ensure_can_import_into(actor: Any, organiser: Unit) -> None:
    """The check ``lock`` runs on the organiser's stored row before a new version is numbered."""
    ensure_can_import_framework(actor, organiser)


def framework_check_upload(
    *, filename: str, content: bytes, questionnaires: Sequence[QuestionnaireUpload] = ()
) -> CheckResult:
    """Everything :func:`framework_import` checks, without saving (for the preview)."""
    result = check_upload(filename, content, _uploads(questionnaires))
    if result.ok:
        extra = storage_problems(result)
        if extra:
            result.problems.extend(extra)
            result.framework = None
    return result


def framework_import(
    *,
    actor: Any,
    organiser: Unit,
    filename: str,
    content: bytes,
    questionnaires: Sequence[QuestionnaireUpload] = (),
) -> FrameworkVersion:
    """Store an uploaded set (YAML or .xlsx) as a new draft version of ``organiser``.

    Its number is one more than the highest stored for (organiser, code). Raises
    :class:`FrameworkFileError` with every problem when the engine finds an error."""
    ensure_can_import_framework(actor, organiser)  # before reading the file
    name = display_name(filename)
    result = check_upload(name, content, _uploads(questionnaires))
    ensure_clean(result)
    with transaction.atomic():
        # The organiser's row, locked: serialises the numbering of its versions.
        body = lock(Unit, organiser.pk, actor=actor, check=_ensure_can_import_into)
        version = create_version(actor=actor, organiser=body, result=result, filename=name)
        audit_record(
            actor=actor,
            action=FRAMEWORK_IMPORT,
            obj=version,
            changes={
                "code": [None, version.code],
                "number": [None, version.number],
                "sha256": [None, version.sha256],
                "filename": [None, name],
            },
            scope_unit_id=organiser.pk,
        )
    return version


def framework_reimport(
    *,
    actor: Any,
    version: FrameworkVersion,
    filename: str,
    content: bytes,
    questionnaires: Sequence[QuestionnaireUpload] = (),
    expected_revision: int | None = None,
) -> FrameworkVersion:
    """Replace a draft's content by an uploaded file (names, guidance, points, rules...).

    The file must hold the same set code. Refused on a frozen version."""
    ensure_can_change_draft(actor, version)  # before reading the file; again on the stored row
    name = display_name(filename)
    result = check_upload(name, content, _uploads(questionnaires))
    ensure_clean(result)
    assert result.framework is not None
    with transaction.atomic():
        locked = lock_draft(actor, version, expected_revision)
        if result.framework.code != locked.code:
            raise ServiceError(
                f"Mã bộ tiêu chí trong tệp ({result.framework.code}) khác mã của dự thảo "
                f"({locked.code}). Hãy tải lên như một bộ tiêu chí mới."
            )
        old_sha = locked.sha256
        save_versioned(
            locked,
            {"source_filename": name[:255], **version_fields(result)},
            conflict_message=conflict_message(version),
        )
        write_rows(locked, result)
        audit_record(
            actor=actor,
            action=FRAMEWORK_REIMPORT,
            obj=locked,
            changes={"sha256": [old_sha, locked.sha256], "filename": [None, name]},
            scope_unit_id=locked.organiser_id,
        )
    return locked
