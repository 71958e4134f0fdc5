"""The criteria of an assessment as evidence sees them: which leaves need documents.

Read through the assessments app's context (the engine's framework parsed from the version's
canonical YAML, the campaign's not-applicable declarations), so both apps agree on which
criteria the unit fills in. A leaf needs no evidence when the unit does not fill it in (it
does not apply to the unit's kind, the campaign declared it not applicable, its points come
from a survey or the organiser), when the unit declared it (or an ancestor) not applicable,
or when the set says ``evidence: none``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parindex.assessments.context import ancestors_and_self, context_for
from parindex.assessments.models import Assessment, Entry, Stage

REQUIRED = "required"
OPTIONAL = "optional"
NONE = "none"
REQUIREMENT_LABELS = {
    REQUIRED: "Bắt buộc có tài liệu kiểm chứng",
    OPTIONAL: "Nên có tài liệu kiểm chứng",
    NONE: "Không yêu cầu tài liệu kiểm chứng",
}


@dataclass(frozen=True)
class EvidenceNode:
    code: str
    name: str
    field_code: str
    field_name: str
    evidence: str  # required / optional / none
    hint: str
    excluded: str  # why the unit needs no evidence here ("" when it does)
    is_leaf: bool = True

    @property
    def needs_evidence(self) -> bool:
        return not self.excluded and self.evidence in (REQUIRED, OPTIONAL)

    @property
    def is_required(self) -> bool:
        return not self.excluded and self.evidence == REQUIRED

    @property
    def requirement_label(self) -> str:
        return REQUIREMENT_LABELS.get(self.evidence, self.evidence)


@dataclass
class AssessmentNodes:
    """Every leaf of the assessment's set, in tree order, with the fields above them."""

    leaves: list[EvidenceNode]
    fields: list[tuple[str, str]]  # (code, name) of the top-level nodes, in order
    by_code: dict[str, EvidenceNode]
    all_codes: set[str]

    def leaf(self, code: str) -> EvidenceNode | None:
        return self.by_code.get(code)


def _unit_na_codes(assessment: Assessment) -> dict[str, str]:
    return {
        code: reason
        for code, reason in Entry.objects.filter(assessment=assessment, stage=Stage.SELF)
        .exclude(not_applicable_reason="")
        .values_list("node_code", "not_applicable_reason")
    }


def assessment_nodes(assessment: Assessment) -> AssessmentNodes:
    ctx = context_for(assessment)
    framework = ctx.framework
    unit_na = _unit_na_codes(assessment)
    leaves: list[EvidenceNode] = []
    for node in framework.leaves():
        chain = ancestors_and_self(framework, node.code)
        top = framework.by_code[chain[-1]]
        excluded = ctx.excluded_reason(node) or ""
        if not excluded:
            for code in chain:
                if code in unit_na:
                    excluded = f"Đơn vị xác định không áp dụng: {unit_na[code]}"
                    break
        leaves.append(
            EvidenceNode(
                code=node.code,
                name=node.name,
                field_code=top.code,
                field_name=top.name,
                evidence=str(node.evidence.value),
                hint=node.evidence_hint or "",
                excluded=excluded,
            )
        )
    return AssessmentNodes(
        leaves=leaves,
        fields=[(n.code, n.name) for n in framework.nodes],
        by_code={leaf.code: leaf for leaf in leaves},
        all_codes=set(framework.by_code),
    )


def node_name(assessment: Assessment, code: str) -> str:
    framework = context_for(assessment).framework
    node = framework.by_code.get(code)
    return node.name if node is not None else ""


def code_key(code: str) -> tuple[Any, ...]:
    """Natural order of criterion codes: 1.2 before 1.10."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in code.split("."))
