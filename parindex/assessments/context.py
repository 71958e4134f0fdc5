"""Everything about one assessment that services and pages read together, in few queries.

:class:`AssessmentContext` carries the assessment with its unit, campaign and criteria-set
version, the engine's framework, and the campaign-wide not-applicable declarations; it answers
"whose is this criterion to fill?" and turns entries into engine facts. :func:`ancestors_and_self`
walks from a criterion up to its field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from parindex.campaigns.models import NotApplicableDeclaration
from parindex.frameworks.labels import SOURCE_NOTES
from parindex.frameworks.selectors import get_engine_framework
from parindex.scoring import Framework
from parindex.scoring import Unit as EngineUnit
from parindex.scoring.model import Node, Source

from .evaluation import Evaluation, evaluate
from .models import Assessment, Entry, Stage

RELATED = (
    "assessed_unit__campaign__organiser",
    "assessed_unit__unit",
    "assessed_unit__framework",
    "assessed_unit__group",
)


def ancestors_and_self(framework: Framework, code: str) -> list[str]:
    """``code`` and the codes of its ancestors, nearest first (empty for an unknown code)."""
    node = framework.by_code.get(code)
    chain: list[str] = []
    while node is not None:
        chain.append(node.code)
        node = framework.by_code.get(node.parent) if node.parent else None
    return chain


def with_related(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return qs.select_related(*RELATED)


@dataclass
class AssessmentContext:
    assessment: Assessment
    framework: Framework
    campaign_na: dict[str, str] = field(default_factory=dict)

    @property
    def assessed_unit(self) -> Any:
        return self.assessment.assessed_unit

    @property
    def unit(self) -> Any:
        return self.assessment.assessed_unit.unit

    @property
    def campaign(self) -> Any:
        return self.assessment.assessed_unit.campaign

    @property
    def version(self) -> Any:
        return self.assessment.assessed_unit.framework

    @property
    def kind(self) -> str:
        return str(self.unit.kind)

    def engine_unit(self) -> EngineUnit:
        return EngineUnit(code=self.unit.code, name=self.unit.name, kind=self.kind)

    def campaign_na_reason(self, node: Node) -> str | None:
        """The campaign's declaration covering ``node`` (on it or an ancestor)."""
        for code in ancestors_and_self(self.framework, node.code):
            if code in self.campaign_na:
                return self.campaign_na[code]
        return None

    def excluded_reason(self, node: Node) -> str | None:
        """Why the unit does not fill ``node`` in (None: it does)."""
        if node.applies_to is not None and self.kind not in node.applies_to:
            return f"Không áp dụng cho đơn vị loại {self.unit.get_kind_display()}."
        declared = self.campaign_na_reason(node)
        if declared is not None:
            return f"Không áp dụng trong đợt này: {declared}"
        if node.source is not Source.SELF:
            return SOURCE_NOTES.get(node.source.value, "Đơn vị không tự chấm tiêu chí này") + "."
        return None

    def fillable_leaves(self) -> list[Node]:
        """The leaves the unit fills in, in tree order."""
        return [n for n in self.framework.leaves() if self.excluded_reason(n) is None]

    def evaluate_entry(self, entry: Entry) -> Evaluation:
        return evaluate(
            self.framework,
            entry.node_code,
            entry.raw_inputs or {},
            not_applicable_reason=entry.not_applicable_reason,
        )

    def facts(self, evaluations: Mapping[str, Evaluation]) -> dict[str, Any]:
        """Engine facts: the campaign's declarations, then every complete entry of a node the
        unit fills in (survey- and organiser-sourced leaves are left missing)."""
        out: dict[str, Any] = {
            code: {"not_applicable": reason}
            for code, reason in self.campaign_na.items()
            if code in self.framework.by_code
        }
        for code, ev in evaluations.items():
            node = self.framework.by_code.get(code)
            if node is None or code in out or node.source is not Source.SELF:
                continue
            if node.applies_to is not None and self.kind not in node.applies_to:
                continue
            entry = ev.facts_entry()
            if entry is not None:
                out[code] = entry
        return out


def campaign_na_for(assessment: Assessment) -> dict[str, str]:
    au = assessment.assessed_unit
    return dict(
        NotApplicableDeclaration.objects.filter(
            campaign_id=au.campaign_id, framework_id=au.framework_id, is_active=True
        ).values_list("node_code", "reason")
    )


def context_for(assessment: Assessment) -> AssessmentContext:
    """The context of an assessment loaded with :func:`with_related` (one more query)."""
    return AssessmentContext(
        assessment=assessment,
        framework=get_engine_framework(assessment.assessed_unit.framework),
        campaign_na=campaign_na_for(assessment),
    )


def self_entries(assessment: Assessment) -> list[Entry]:
    return list(
        Entry.objects.filter(assessment=assessment, stage=Stage.SELF).select_related("updated_by")
    )


def evaluations_of(ctx: AssessmentContext, entries: Iterable[Entry]) -> dict[str, Evaluation]:
    out: dict[str, Evaluation] = {}
    for entry in entries:
        if entry.node_code in ctx.framework.by_code:
            out[entry.node_code] = ctx.evaluate_entry(entry)
    return out
