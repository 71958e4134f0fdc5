"""Writes to criteria sets: one function per state change.

Every function checks permission, refuses to change a frozen version, writes the audit trail
and keeps a version's canonical YAML, SHA-256 and node rows in step (they are always written
together, in one transaction, from a document the engine has checked). Files with errors are
refused with every problem (:class:`FrameworkFileError`); nothing is saved.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from parindex.core.audit import audit_record
from parindex.core.errors import ConflictError, ServiceError
from parindex.core.text import nfc
from parindex.scoring import Problem
from parindex.units.models import Unit

from .checking import (
    CheckResult,
    UploadFile,
    check_document,
    check_upload,
    display_name,
    find_raw_node,
    node_records,
)
from .models import (
    CriterionNode,
    DraftComment,
    DraftInvitation,
    FrameworkQuestionnaire,
    FrameworkStatus,
    FrameworkVersion,
)
from .permissions import (
    ensure_can_comment_on_draft,
    ensure_can_import_framework,
    ensure_can_manage_framework,
)
from .selectors import version_document

__all__ = [
    "EDITABLE_NODE_FIELDS",
    "FrameworkFileError",
    "draft_comment_add",
    "draft_comment_handle",
    "draft_comments_set_open",
    "draft_invite_units",
    "draft_uninvite_unit",
    "framework_check_upload",
    "framework_clone",
    "framework_delete_draft",
    "framework_freeze",
    "framework_import",
    "framework_reimport",
    "framework_update_node",
]

QuestionnaireUpload = UploadFile | tuple[str, bytes]
EDITABLE_NODE_FIELDS = ("name", "max", "evidence", "evidence_hint", "guidance", "owner_hint")
_TEXT_FIELDS = ("name", "evidence_hint", "guidance", "owner_hint")
_EVIDENCE = ("required", "optional", "none")

# Database limits of the stored columns (a set beyond them is refused before saving).
_MAX_CODE = 32
_MAX_SET_CODE = 64
_MAX_NAME = 500
_MAX_OWNER_HINT = 255
_POINT_DECIMALS = 4
_POINT_DIGITS = 12


class FrameworkFileError(ServiceError):
    """A set (or an edit of one) the engine refuses; ``problems`` lists every problem."""

    def __init__(self, problems: Iterable[Problem], message: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        errors = sum(1 for p in self.problems if p.is_error)
        super().__init__(
            message or f"Bộ tiêu chí có {errors} lỗi; chưa lưu gì. Hãy sửa rồi tải lên lại."
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


# --- helpers -----------------------------------------------------------------------------


def _uploads(questionnaires: Iterable[QuestionnaireUpload]) -> list[UploadFile]:
    out: list[UploadFile] = []
    for item in questionnaires:
        if isinstance(item, UploadFile):
            out.append(item)
        else:
            name, content = item
            out.append(UploadFile(str(name), bytes(content)))
    return out


def _ensure_draft(version: FrameworkVersion) -> None:
    if version.status != FrameworkStatus.DRAFT:
        raise ServiceError(
            f"Bộ tiêu chí “{version.name}” (bản {version.number}) đã khóa vì được dùng trong "
            "đợt đánh giá, không thể thay đổi. Hãy sao chép thành một dự thảo mới."
        )


def _locked(version: FrameworkVersion, expected_version: int | None = None) -> FrameworkVersion:
    """The version's row, locked for this transaction; checks the optimistic lock."""
    locked = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            "Bộ tiêu chí vừa được người khác thay đổi. Hãy tải lại trang và làm lại thao tác."
        )
    return locked


def _bump(locked: FrameworkVersion, **fields: Any) -> None:
    """Save ``fields`` with ``UPDATE ... WHERE version = current`` (optimistic lock)."""
    updated = FrameworkVersion.objects.filter(pk=locked.pk, version=locked.version).update(
        version=locked.version + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise ConflictError(
            "Bộ tiêu chí vừa được người khác thay đổi. Hãy tải lại trang và làm lại thao tác."
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1


def _too_precise(value: Decimal) -> bool:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > _POINT_DECIMALS:
        return value != value.quantize(Decimal(1).scaleb(-_POINT_DECIMALS))
    return abs(value) >= Decimal(10) ** (_POINT_DIGITS - _POINT_DECIMALS)


def _storage_problems(result: CheckResult) -> list[Problem]:
    """What the database columns cannot hold exactly, as problems naming the node."""
    fw = result.framework
    assert fw is not None
    name = result.filename
    problems: list[Problem] = []
    if len(fw.code) > _MAX_SET_CODE:
        problems.append(Problem(name, f"mã bộ tiêu chí dài quá {_MAX_SET_CODE} ký tự"))
    if len(fw.name) > _MAX_NAME:
        problems.append(Problem(name, f"tên bộ tiêu chí dài quá {_MAX_NAME} ký tự"))
    if fw.issued_by and len(fw.issued_by) > _MAX_NAME:
        problems.append(Problem(name, f"'issued_by' dài quá {_MAX_NAME} ký tự"))
    for node in fw.order:
        if len(node.code) > _MAX_CODE:
            problems.append(Problem(name, f"mã tiêu chí dài quá {_MAX_CODE} ký tự", node.code))
        if node.owner_hint and len(node.owner_hint) > _MAX_OWNER_HINT:
            problems.append(
                Problem(name, f"'owner_hint' dài quá {_MAX_OWNER_HINT} ký tự", node.code)
            )
        if _too_precise(node.max):
            problems.append(
                Problem(
                    name,
                    f"điểm tối đa chỉ được có tối đa {_POINT_DECIMALS} chữ số thập phân",
                    node.code,
                )
            )
    for q in result.questionnaires:
        if len(q.code) > _MAX_SET_CODE or len(q.name) > _MAX_NAME:
            problems.append(Problem(name, f"mã hoặc tên phiếu '{q.code[:40]}' quá dài"))
    return problems


def _ensure_clean(result: CheckResult) -> None:
    if not result.ok:
        raise FrameworkFileError(result.problems)
    extra = _storage_problems(result)
    if extra:
        raise FrameworkFileError([*result.problems, *extra])


def _version_fields(result: CheckResult) -> dict[str, Any]:
    fw = result.framework
    assert fw is not None
    return {
        "code": fw.code,
        "name": fw.name,
        "year": fw.year,
        "applies_to": list(fw.applies_to or []),
        "issued_by": fw.issued_by or "",
        "scale": fw.scale,
        "decimals": fw.decimals,
        "max_points": fw.max,
        "canonical_yaml": result.canonical_yaml,
        "sha256": result.sha256,
        "questionnaires_sha256": result.questionnaires_sha256,
        "warnings": [p.line() for p in result.warnings],
        "node_count": len(fw.order),
        "leaf_count": sum(1 for n in fw.order if n.is_leaf),
    }


def _write_rows(version: FrameworkVersion, result: CheckResult) -> None:
    """Replace the version's node and questionnaire rows (parents before children)."""
    fw = result.framework
    assert fw is not None
    CriterionNode.objects.filter(framework=version).delete()
    FrameworkQuestionnaire.objects.filter(framework=version).delete()
    by_depth: dict[int, list[tuple[CriterionNode, str | None]]] = {}
    for record in node_records(fw, result.document):
        row = CriterionNode(
            framework=version,
            code=record.code,
            position=record.position,
            depth=record.depth,
            name=record.name,
            name_folded=record.name_folded,
            max_points=record.max,
            capped=record.capped,
            kind=record.kind,
            is_leaf=record.is_leaf,
            rule_kind=record.rule_kind,
            rule_text=record.rule_text,
            source=record.source,
            evidence=record.evidence,
            evidence_hint=record.evidence_hint,
            guidance=record.guidance,
            owner_hint=record.owner_hint,
            applies_to=record.applies_to,
            may_not_apply=record.may_not_apply,
        )
        by_depth.setdefault(record.depth, []).append((row, record.parent))
    ids: dict[str, int] = {}
    for depth in sorted(by_depth):
        rows = by_depth[depth]
        for row, parent_code in rows:
            row.parent_id = ids[parent_code] if parent_code is not None else None
        created = CriterionNode.objects.bulk_create([row for row, _p in rows])
        for row in created:
            ids[row.code] = row.pk
    FrameworkQuestionnaire.objects.bulk_create(
        FrameworkQuestionnaire(
            framework=version,
            code=q.code,
            name=q.name,
            is_inline=q.is_inline,
            canonical_yaml=q.canonical_yaml,
            sha256=q.sha256,
        )
        for q in result.questionnaires
    )


def _next_number(organiser: Unit, code: str) -> int:
    found = FrameworkVersion.objects.filter(organiser=organiser, code=code).aggregate(
        top=Max("number")
    )["top"]
    return int(found or 0) + 1


def _create_version(
    *,
    actor: Any,
    organiser: Unit,
    result: CheckResult,
    filename: str,
    derived_from: FrameworkVersion | None = None,
) -> FrameworkVersion:
    fields = _version_fields(result)
    version = FrameworkVersion.objects.create(
        organiser=organiser,
        number=_next_number(organiser, fields["code"]),
        derived_from=derived_from,
        source_filename=filename[:255],
        created_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    _write_rows(version, result)
    return version


def _stored_questionnaire_files(version: FrameworkVersion) -> list[UploadFile]:
    rows = FrameworkQuestionnaire.objects.filter(framework=version, is_inline=False).order_by(
        "code"
    )
    return [
        UploadFile(f"{row.code}.questionnaire.yaml", row.canonical_yaml.encode("utf-8"))
        for row in rows
    ]


def _recheck(version: FrameworkVersion, doc: Any) -> CheckResult:
    """Check an edited document of ``version`` with its stored questionnaires."""
    return check_document(
        doc,
        filename=f"{doc.get('code', version.code)}.yaml",
        questionnaire_files=_stored_questionnaire_files(version),
    )


# --- checking and importing --------------------------------------------------------------


def framework_check_upload(
    *, filename: str, content: bytes, questionnaires: Sequence[QuestionnaireUpload] = ()
) -> CheckResult:
    """Everything :func:`framework_import` checks, without saving (for the preview)."""
    result = check_upload(filename, content, _uploads(questionnaires))
    if result.ok:
        extra = _storage_problems(result)
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
    ensure_can_import_framework(actor, organiser)
    name = display_name(filename)
    result = check_upload(name, content, _uploads(questionnaires))
    _ensure_clean(result)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=organiser.pk).first()  # serialise numbering
        version = _create_version(actor=actor, organiser=organiser, result=result, filename=name)
        audit_record(
            actor=actor,
            action="framework.import",
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
    expected_version: int | None = None,
) -> FrameworkVersion:
    """Replace a draft's content by an uploaded file (names, guidance, points, rules...).

    The file must hold the same set code. Refused on a frozen version."""
    ensure_can_manage_framework(actor, version)
    _ensure_draft(version)
    name = display_name(filename)
    result = check_upload(name, content, _uploads(questionnaires))
    _ensure_clean(result)
    assert result.framework is not None
    if result.framework.code != version.code:
        raise ServiceError(
            f"Mã bộ tiêu chí trong tệp ({result.framework.code}) khác mã của dự thảo "
            f"({version.code}). Hãy tải lên như một bộ tiêu chí mới."
        )
    with transaction.atomic():
        locked = _locked(version, expected_version)
        _ensure_draft(locked)
        old_sha = locked.sha256
        _bump(locked, source_filename=name[:255], **_version_fields(result))
        _write_rows(locked, result)
        audit_record(
            actor=actor,
            action="framework.reimport",
            obj=locked,
            changes={"sha256": [old_sha, locked.sha256], "filename": [None, name]},
            scope_unit_id=locked.organiser_id,
        )
    return locked


# --- editing a draft ---------------------------------------------------------------------


def _as_points(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    text = str(value).strip().replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise ServiceError({"max": f"Điểm tối đa không hợp lệ: {value}"}) from None
    if not number.is_finite():
        raise ServiceError({"max": f"Điểm tối đa không hợp lệ: {value}"})
    return number


def framework_update_node(
    *,
    actor: Any,
    version: FrameworkVersion,
    code: str,
    changes: Mapping[str, Any],
    expected_version: int,
) -> FrameworkVersion:
    """Edit one node of a draft: ``name``, ``max``, ``evidence`` (``""`` inherits),
    ``evidence_hint``, ``guidance``, ``owner_hint`` (``""`` removes the text).

    The edited document is checked again by the engine (children's maxima must still add up,
    for example); its canonical YAML, SHA-256 and rows are stored together."""
    ensure_can_manage_framework(actor, version)
    _ensure_draft(version)
    unknown = sorted(set(changes) - set(EDITABLE_NODE_FIELDS))
    if unknown:
        raise ServiceError(f"Không sửa được trường: {', '.join(unknown)}")
    with transaction.atomic():
        locked = _locked(version, expected_version)
        _ensure_draft(locked)
        doc = version_document(locked)
        raw = find_raw_node(doc, code)
        if raw is None:
            raise ServiceError(f"Bộ tiêu chí không có tiêu chí mã {code}.")
        before = {key: raw.get(key) for key in EDITABLE_NODE_FIELDS}
        for key, value in changes.items():
            if key == "max":
                raw["max"] = _as_points(value)
            elif key == "evidence":
                text = str(value or "").strip()
                if text and text not in _EVIDENCE:
                    raise ServiceError({"evidence": f"Giá trị không hợp lệ: {text}"})
                if text:
                    raw["evidence"] = text
                else:
                    raw.pop("evidence", None)
            else:
                text = unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n")
                text = text.strip()
                if text or key == "name":
                    raw[key] = text
                else:
                    raw.pop(key, None)
        after = {key: raw.get(key) for key in EDITABLE_NODE_FIELDS}
        diff = {k: [before[k], after[k]] for k in EDITABLE_NODE_FIELDS if before[k] != after[k]}
        if not diff:
            return locked
        result = _recheck(locked, doc)
        _ensure_clean(result)
        old_sha = locked.sha256
        _bump(locked, **_version_fields(result))
        _write_rows(locked, result)
        audit_record(
            actor=actor,
            action="framework.node_update",
            obj=locked,
            changes={"node": [code, code], **diff, "sha256": [old_sha, locked.sha256]},
            scope_unit_id=locked.organiser_id,
        )
    return locked


# --- clone and delete --------------------------------------------------------------------


def _renamed_for_year(name: str, old_year: int | None, new_year: int) -> str:
    if old_year is None or old_year == new_year:
        return name
    return re.sub(rf"(?<!\d){old_year}(?!\d)", str(new_year), name)


def framework_clone(
    *,
    actor: Any,
    version: FrameworkVersion,
    new_code: str | None = None,
    year: int | None = None,
) -> FrameworkVersion:
    """A new draft copied from ``version`` (``derived_from`` set), e.g. next year's set.

    ``new_code`` changes the set's code (else the copy is the next version number of the same
    code); ``year`` changes its year, and the year in its name ("năm 2025" → "năm 2026")."""
    ensure_can_manage_framework(actor, version)
    doc = version_document(version)
    if new_code is not None and nfc(new_code) and nfc(new_code) != version.code:
        doc["code"] = nfc(new_code)
    if year is not None:
        old_year = doc.get("year")
        doc["year"] = Decimal(int(year))
        if isinstance(doc.get("name"), str):
            previous = int(old_year) if isinstance(old_year, Decimal) else version.year
            doc["name"] = _renamed_for_year(doc["name"], previous, int(year))
    result = _recheck(version, doc)
    _ensure_clean(result)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=version.organiser_id).first()
        clone = _create_version(
            actor=actor,
            organiser=version.organiser,
            result=result,
            filename=version.source_filename,
            derived_from=version,
        )
        audit_record(
            actor=actor,
            action="framework.clone",
            obj=clone,
            changes={
                "derived_from": [None, f"{version.code} bản {version.number}"],
                "code": [version.code, clone.code],
                "number": [None, clone.number],
                "sha256": [version.sha256, clone.sha256],
            },
            scope_unit_id=clone.organiser_id,
        )
    return clone


def framework_delete_draft(*, actor: Any, version: FrameworkVersion) -> None:
    """Delete a draft (refused on a frozen version or one a campaign already uses)."""
    ensure_can_manage_framework(actor, version)
    _ensure_draft(version)
    with transaction.atomic():
        locked = _locked(version)
        _ensure_draft(locked)
        audit_record(
            actor=actor,
            action="framework.delete",
            obj=locked,
            changes={"code": [locked.code, None], "number": [locked.number, None]},
            scope_unit_id=locked.organiser_id,
        )
        try:
            with transaction.atomic():
                locked.delete()
        except ProtectedError:
            raise ServiceError(
                "Dự thảo đang được gắn với đơn vị trong một đợt đánh giá; hãy gỡ khỏi đợt "
                "trước khi xóa."
            ) from None


# --- freezing ----------------------------------------------------------------------------


def framework_freeze(
    *, version: FrameworkVersion, actor: Any, reason: str = ""
) -> FrameworkVersion:
    """Freeze a version (a campaign now uses it). Idempotent: freezing a frozen version is a no-op.

    Permission is checked by the caller's own service (opening a campaign); freezing is a
    consequence, not a user action of its own. Comments on the draft close.
    """
    with transaction.atomic():
        locked = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status == FrameworkStatus.FROZEN:
            return locked
        updated = FrameworkVersion.objects.filter(
            pk=locked.pk, status=FrameworkStatus.DRAFT, version=locked.version
        ).update(
            status=FrameworkStatus.FROZEN,
            frozen_at=timezone.now(),
            frozen_by=actor if getattr(actor, "pk", None) else None,
            comments_open=False,
            version=locked.version + 1,
        )
        locked.refresh_from_db()
        if updated:
            audit_record(
                actor=actor,
                action="framework.freeze",
                obj=locked,
                changes={"status": ["draft", "frozen"], "reason": ["", reason]},
                scope_unit_id=locked.organiser_id,
            )
        return locked


# --- comments on drafts ------------------------------------------------------------------


def draft_invite_units(
    *,
    actor: Any,
    version: FrameworkVersion,
    units: Iterable[Unit],
    closes_on: date | None = None,
) -> list[DraftInvitation]:
    """Invite units to comment on a draft (already invited units keep their invitation; a
    new ``closes_on`` replaces theirs)."""
    ensure_can_manage_framework(actor, version)
    _ensure_draft(version)
    chosen = list(units)
    foreign = [u.name for u in chosen if u.organiser_id != version.organiser_id]
    if foreign:
        raise ServiceError(
            "Chỉ mời được các đơn vị thuộc danh sách của cơ quan ban hành: "
            + ", ".join(sorted(foreign))
        )
    created: list[DraftInvitation] = []
    with transaction.atomic():
        locked = _locked(version)
        _ensure_draft(locked)
        for unit in chosen:
            invitation, was_created = DraftInvitation.objects.get_or_create(
                framework=locked,
                unit=unit,
                defaults={
                    "closes_on": closes_on,
                    "invited_by": actor if getattr(actor, "pk", None) else None,
                },
            )
            if not was_created and closes_on is not None and invitation.closes_on != closes_on:
                invitation.closes_on = closes_on
                invitation.save(update_fields=["closes_on"])
            if was_created:
                created.append(invitation)
        if created:
            audit_record(
                actor=actor,
                action="framework.invite",
                obj=locked,
                changes={"units": [None, [i.unit.code for i in created]]},
                scope_unit_id=locked.organiser_id,
            )
    return created


def draft_uninvite_unit(*, actor: Any, version: FrameworkVersion, unit: Unit) -> None:
    ensure_can_manage_framework(actor, version)
    _ensure_draft(version)
    with transaction.atomic():
        deleted, _ = DraftInvitation.objects.filter(framework=version, unit=unit).delete()
        if deleted:
            audit_record(
                actor=actor,
                action="framework.uninvite",
                obj=version,
                changes={"units": [unit.code, None]},
                scope_unit_id=version.organiser_id,
            )


def draft_comments_set_open(
    *, actor: Any, version: FrameworkVersion, is_open: bool, expected_version: int | None = None
) -> FrameworkVersion:
    """Open or close a draft for comments."""
    ensure_can_manage_framework(actor, version)
    _ensure_draft(version)
    with transaction.atomic():
        locked = _locked(version, expected_version)
        _ensure_draft(locked)
        if locked.comments_open == is_open:
            return locked
        _bump(locked, comments_open=is_open)
        audit_record(
            actor=actor,
            action="framework.comments_open" if is_open else "framework.comments_close",
            obj=locked,
            changes={"comments_open": [not is_open, is_open]},
            scope_unit_id=locked.organiser_id,
        )
    return locked


def draft_comment_add(
    *, actor: Any, version: FrameworkVersion, unit: Unit, node_code: str, text: str
) -> DraftComment:
    """A unit's comment on one node of a draft (``node_code`` empty: on the whole draft)."""
    ensure_can_comment_on_draft(actor, version, unit)
    _ensure_draft(version)
    body = unicodedata.normalize("NFC", text or "").strip()
    if not body:
        raise ServiceError({"text": "Hãy ghi nội dung góp ý."})
    code = (node_code or "").strip()
    if code and not CriterionNode.objects.filter(framework=version, code=code).exists():
        raise ServiceError(f"Dự thảo không có tiêu chí mã {code}.")
    with transaction.atomic():
        comment = DraftComment.objects.create(
            framework=version, node_code=code, unit=unit, author=actor, text=body
        )
        audit_record(
            actor=actor,
            action="framework.comment",
            obj=comment,
            changes={"node": [None, code], "text": [None, body[:200]]},
            scope_unit_id=unit.pk,
        )
    return comment


def draft_comment_handle(
    *, actor: Any, comment: DraftComment, is_handled: bool, response: str = ""
) -> DraftComment:
    """The organiser marks a comment handled (or not yet) with its response."""
    version = comment.framework
    ensure_can_manage_framework(actor, version)
    answer = unicodedata.normalize("NFC", response or "").strip()
    with transaction.atomic():
        locked = DraftComment.objects.select_for_update().get(pk=comment.pk)
        before = [locked.is_handled, locked.response]
        if before == [is_handled, answer]:
            return locked
        locked.is_handled = is_handled
        locked.response = answer
        locked.handled_at = timezone.now() if is_handled else None
        locked.handled_by = actor if is_handled and getattr(actor, "pk", None) else None
        locked.save(update_fields=["is_handled", "response", "handled_at", "handled_by"])
        audit_record(
            actor=actor,
            action="framework.comment_handle",
            obj=locked,
            changes={"is_handled": [before[0], is_handled], "response": [before[1], answer]},
            scope_unit_id=version.organiser_id,
        )
    return locked
