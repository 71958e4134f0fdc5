"""Writes to criteria sets: one function per state change.

Every function is one transaction: it locks the version's row with ``core.actions.lock``
(permission and "still a draft" checked on the row as stored, and the version the user loaded),
writes with ``save_versioned``, records a declared audit action (:mod:`.audit_actions`) and
keeps a version's canonical YAML, SHA-256 and node rows in step (they are always written
together from a document the engine has checked). Files with errors are refused with every
problem (:class:`FrameworkFileError`); nothing is saved.
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

from parindex.core.actions import actor_or_none, lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.text import nfc
from parindex.scoring import Problem
from parindex.units.models import Unit

from .audit_actions import (
    COMMENTS_OPEN_ACTIONS,
    FRAMEWORK_CLONE,
    FRAMEWORK_COMMENT,
    FRAMEWORK_COMMENT_HANDLE,
    FRAMEWORK_DELETE,
    FRAMEWORK_FREEZE,
    FRAMEWORK_IMPORT,
    FRAMEWORK_INVITE,
    FRAMEWORK_NODE_UPDATE,
    FRAMEWORK_REIMPORT,
    FRAMEWORK_UNINVITE,
)
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


def _ensure_can_change_draft(actor: Any, version: FrameworkVersion) -> None:
    """The check ``lock`` runs on the stored row: a manager of the set, and still a draft."""
    ensure_can_manage_framework(actor, version)
    _ensure_draft(version)


def _ensure_can_import_into(actor: Any, organiser: Unit) -> None:
    """The check ``lock`` runs on the organiser's stored row before a new version is numbered."""
    ensure_can_import_framework(actor, organiser)


def _conflict_message(version: FrameworkVersion) -> str:
    return (
        f"Bộ tiêu chí “{version.name}” (bản {version.number}) vừa được người khác thay đổi "
        "(sửa tiêu chí, nhập lại từ tệp, mở hoặc đóng lấy ý kiến). Hãy tải lại trang để xem "
        "nội dung mới rồi làm lại thao tác."
    )


def _lock_draft(
    actor: Any, version: FrameworkVersion, expected_version: int | None = None
) -> FrameworkVersion:
    """The draft's row, locked for this transaction, checked as stored (manager, draft, and
    the version the user loaded when given)."""
    return lock(
        FrameworkVersion,
        version.pk,
        actor=actor,
        check=_ensure_can_change_draft,
        expected_version=expected_version,
        conflict_message=_conflict_message(version),
        missing_message="Dự thảo này không còn tồn tại (có thể đã bị xóa); hãy tải lại trang.",
    )


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
        created_by=actor_or_none(actor),
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
    ensure_can_import_framework(actor, organiser)  # before reading the file
    name = display_name(filename)
    result = check_upload(name, content, _uploads(questionnaires))
    _ensure_clean(result)
    with transaction.atomic():
        # The organiser's row, locked: serialises the numbering of its versions.
        body = lock(Unit, organiser.pk, actor=actor, check=_ensure_can_import_into)
        version = _create_version(actor=actor, organiser=body, result=result, filename=name)
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
    expected_version: int | None = None,
) -> FrameworkVersion:
    """Replace a draft's content by an uploaded file (names, guidance, points, rules...).

    The file must hold the same set code. Refused on a frozen version."""
    _ensure_can_change_draft(actor, version)  # before reading the file; again on the stored row
    name = display_name(filename)
    result = check_upload(name, content, _uploads(questionnaires))
    _ensure_clean(result)
    assert result.framework is not None
    with transaction.atomic():
        locked = _lock_draft(actor, version, expected_version)
        if result.framework.code != locked.code:
            raise ServiceError(
                f"Mã bộ tiêu chí trong tệp ({result.framework.code}) khác mã của dự thảo "
                f"({locked.code}). Hãy tải lên như một bộ tiêu chí mới."
            )
        old_sha = locked.sha256
        save_versioned(
            locked,
            {"source_filename": name[:255], **_version_fields(result)},
            conflict_message=_conflict_message(version),
        )
        _write_rows(locked, result)
        audit_record(
            actor=actor,
            action=FRAMEWORK_REIMPORT,
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
    unknown = sorted(set(changes) - set(EDITABLE_NODE_FIELDS))
    if unknown:
        raise ServiceError(f"Không sửa được trường: {', '.join(unknown)}")
    with transaction.atomic():
        locked = _lock_draft(actor, version, expected_version)
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
        save_versioned(locked, _version_fields(result), conflict_message=_conflict_message(version))
        _write_rows(locked, result)
        audit_record(
            actor=actor,
            action=FRAMEWORK_NODE_UPDATE,
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
    with transaction.atomic():
        # The organiser's row first (serialises numbering), then the source as stored now.
        organiser: Unit = lock(Unit, version.organiser_id)
        source: FrameworkVersion = lock(
            FrameworkVersion, version.pk, actor=actor, check=ensure_can_manage_framework
        )
        doc = version_document(source)
        if new_code is not None and nfc(new_code) and nfc(new_code) != source.code:
            doc["code"] = nfc(new_code)
        if year is not None:
            old_year = doc.get("year")
            doc["year"] = Decimal(int(year))
            if isinstance(doc.get("name"), str):
                previous = int(old_year) if isinstance(old_year, Decimal) else source.year
                doc["name"] = _renamed_for_year(doc["name"], previous, int(year))
        result = _recheck(source, doc)
        _ensure_clean(result)
        clone = _create_version(
            actor=actor,
            organiser=organiser,
            result=result,
            filename=source.source_filename,
            derived_from=source,
        )
        audit_record(
            actor=actor,
            action=FRAMEWORK_CLONE,
            obj=clone,
            changes={
                "derived_from": [None, f"{source.code} bản {source.number}"],
                "code": [source.code, clone.code],
                "number": [None, clone.number],
                "sha256": [source.sha256, clone.sha256],
            },
            scope_unit_id=clone.organiser_id,
        )
    return clone


def framework_delete_draft(*, actor: Any, version: FrameworkVersion) -> None:
    """Delete a draft (refused on a frozen version or one a campaign already uses)."""
    with transaction.atomic():
        locked = _lock_draft(actor, version)
        audit_record(
            actor=actor,
            action=FRAMEWORK_DELETE,
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
        locked: FrameworkVersion = lock(FrameworkVersion, version.pk)
        if locked.status == FrameworkStatus.FROZEN:
            return locked
        save_versioned(
            locked,
            {
                "status": FrameworkStatus.FROZEN,
                "frozen_at": timezone.now(),
                "frozen_by": actor_or_none(actor),
                "comments_open": False,
            },
            conflict_message=_conflict_message(locked),
        )
        audit_record(
            actor=actor,
            action=FRAMEWORK_FREEZE,
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
    new ``closes_on`` replaces theirs). All the invitations are written, or none."""
    chosen = list(units)
    created: list[DraftInvitation] = []
    with transaction.atomic():
        locked = _lock_draft(actor, version)
        foreign = [u.name for u in chosen if u.organiser_id != locked.organiser_id]
        if foreign:
            raise ServiceError(
                "Chỉ mời được các đơn vị thuộc danh sách của cơ quan ban hành: "
                + ", ".join(sorted(foreign))
            )
        for unit in chosen:
            invitation, was_created = DraftInvitation.objects.get_or_create(
                framework=locked,
                unit=unit,
                defaults={
                    "closes_on": closes_on,
                    "invited_by": actor_or_none(actor),
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
                action=FRAMEWORK_INVITE,
                obj=locked,
                changes={"units": [None, [i.unit.code for i in created]]},
                scope_unit_id=locked.organiser_id,
            )
    return created


def draft_uninvite_unit(*, actor: Any, version: FrameworkVersion, unit: Unit) -> None:
    """Withdraw a unit's invitation (its comments already sent stay)."""
    with transaction.atomic():
        locked = _lock_draft(actor, version)
        deleted, _ = DraftInvitation.objects.filter(framework=locked, unit=unit).delete()
        if deleted:
            audit_record(
                actor=actor,
                action=FRAMEWORK_UNINVITE,
                obj=locked,
                changes={"units": [unit.code, None]},
                scope_unit_id=locked.organiser_id,
            )


def draft_comments_set_open(
    *, actor: Any, version: FrameworkVersion, is_open: bool, expected_version: int | None = None
) -> FrameworkVersion:
    """Open or close a draft for comments."""
    with transaction.atomic():
        locked = _lock_draft(actor, version, expected_version)
        if locked.comments_open == is_open:
            return locked
        save_versioned(
            locked, {"comments_open": is_open}, conflict_message=_conflict_message(version)
        )
        audit_record(
            actor=actor,
            action=COMMENTS_OPEN_ACTIONS[is_open],
            obj=locked,
            changes={"comments_open": [not is_open, is_open]},
            scope_unit_id=locked.organiser_id,
        )
    return locked


def draft_comment_add(
    *, actor: Any, version: FrameworkVersion, unit: Unit, node_code: str, text: str
) -> DraftComment:
    """A unit's comment on one node of a draft (``node_code`` empty: on the whole draft).

    Checked on the draft as stored: still a draft, open for comments, the unit invited."""

    def may_comment(person: Any, row: FrameworkVersion) -> None:
        ensure_can_comment_on_draft(person, row, unit)  # a draft, open, the unit invited

    body = unicodedata.normalize("NFC", text or "").strip()
    code = (node_code or "").strip()
    with transaction.atomic():
        locked = lock(FrameworkVersion, version.pk, actor=actor, check=may_comment)
        if not body:
            raise ServiceError({"text": "Hãy ghi nội dung góp ý."})
        if code and not CriterionNode.objects.filter(framework=locked, code=code).exists():
            raise ServiceError(f"Dự thảo không có tiêu chí mã {code}.")
        comment = DraftComment.objects.create(
            framework=locked, node_code=code, unit=unit, author=actor, text=body
        )
        audit_record(
            actor=actor,
            action=FRAMEWORK_COMMENT,
            obj=comment,
            changes={"node": [None, code], "text": [None, body[:200]]},
            scope_unit_id=unit.pk,
        )
    return comment


def draft_comment_handle(
    *, actor: Any, comment: DraftComment, is_handled: bool, response: str = ""
) -> DraftComment:
    """The organiser marks a comment handled (or not yet) with its response."""
    answer = unicodedata.normalize("NFC", response or "").strip()
    with transaction.atomic():
        locked: DraftComment = lock(
            DraftComment,
            comment.pk,
            actor=actor,
            check=lambda person, row: ensure_can_manage_framework(person, row.framework),
            missing_message="Góp ý này không còn tồn tại; hãy tải lại trang.",
        )
        version = locked.framework
        before = [locked.is_handled, locked.response]
        if before == [is_handled, answer]:
            return locked
        locked.is_handled = is_handled
        locked.response = answer
        locked.handled_at = timezone.now() if is_handled else None
        locked.handled_by = actor_or_none(actor) if is_handled else None
        locked.save(update_fields=["is_handled", "response", "handled_at", "handled_by"])
        audit_record(
            actor=actor,
            action=FRAMEWORK_COMMENT_HANDLE,
            obj=locked,
            changes={"is_handled": [before[0], is_handled], "response": [before[1], answer]},
            scope_unit_id=version.organiser_id,
        )
    return locked
