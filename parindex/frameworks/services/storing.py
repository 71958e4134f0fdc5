"""A checked set as it is stored: the version's fields, canonical YAML and SHA-256, and its
node and questionnaire rows, always written together from a document the engine has checked.

What the database columns cannot hold exactly is refused like an engine problem
(:class:`FrameworkFileError` lists every problem; nothing is saved).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Max

from parindex.core.actions import actor_or_none
from parindex.core.errors import ServiceError
from parindex.scoring import Problem
from parindex.units.models import Unit

from ..checking import CheckResult, UploadFile, check_document, node_records
from ..models import CriterionNode, FrameworkQuestionnaire, FrameworkVersion

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


def _too_precise(value: Decimal) -> bool:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > _POINT_DECIMALS:
        return value != value.quantize(Decimal(1).scaleb(-_POINT_DECIMALS))
    return abs(value) >= Decimal(10) ** (_POINT_DIGITS - _POINT_DECIMALS)


def storage_problems(result: CheckResult) -> list[Problem]:
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


def ensure_clean(result: CheckResult) -> None:
    if not result.ok:
        raise FrameworkFileError(result.problems)
    extra = storage_problems(result)
    if extra:
        raise FrameworkFileError([*result.problems, *extra])


def version_fields(result: CheckResult) -> dict[str, Any]:
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


def write_rows(version: FrameworkVersion, result: CheckResult) -> None:
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


def create_version(
    *,
    actor: Any,
    organiser: Unit,
    result: CheckResult,
    filename: str,
    derived_from: FrameworkVersion | None = None,
) -> FrameworkVersion:
    fields = version_fields(result)
    version = FrameworkVersion.objects.create(
        organiser=organiser,
        number=_next_number(organiser, fields["code"]),
        derived_from=derived_from,
        source_filename=filename[:255],
        created_by=actor_or_none(actor),
        **fields,
    )
    write_rows(version, result)
    return version


def _stored_questionnaire_files(version: FrameworkVersion) -> list[UploadFile]:
    rows = FrameworkQuestionnaire.objects.filter(framework=version, is_inline=False).order_by(
        "code"
    )
    return [
        UploadFile(f"{row.code}.questionnaire.yaml", row.canonical_yaml.encode("utf-8"))
        for row in rows
    ]


def recheck(version: FrameworkVersion, doc: Any) -> CheckResult:
    """Check an edited document of ``version`` with its stored questionnaires."""
    return check_document(
        doc,
        filename=f"{doc.get('code', version.code)}.yaml",
        questionnaire_files=_stored_questionnaire_files(version),
    )
