"""The scoring page's rows: each node with its entry, evaluation, assignment, form inputs and
last year's points, in a fixed number of queries whatever the number of criteria."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from parindex.campaigns.models import AssessedUnit, Campaign
from parindex.scoring import InputSpec, UIValueError, input_specs
from parindex.scoring.model import Node
from parindex.scoring.uivalues import parse_bool_text
from parindex.scoring.words import RuleWords, rule_in_words

from ..context import AssessmentContext, ancestors_and_self, evaluations_of, self_entries
from ..evaluation import Evaluation, describe_spec
from ..models import Assessment, Assignment, Entry, Stage, Submission
from ..permissions import (
    is_unit_manager,
    may_write_node,
    remember_assigned,
)

_INPUTMODE = {"integer": "numeric", "decimal": "decimal", "percent": "decimal", "date": "numeric"}


@dataclass
class InputField:
    """One input of a criterion's form."""

    spec: InputSpec
    name: str  # the form field name
    value: str = ""
    error: str = ""
    checked: list[bool] = field(default_factory=list)  # checklist items
    bool_value: bool | None = None  # yes/no

    @property
    def type(self) -> str:
        return self.spec.type

    @property
    def inputmode(self) -> str:
        return _INPUTMODE.get(self.spec.type, "text")

    @property
    def description(self) -> str:
        return describe_spec(self.spec)

    @property
    def items(self) -> list[tuple[int, str, Decimal, bool]]:
        return [
            (
                item.index,
                item.label,
                item.points,
                self.checked[item.index] if item.index < len(self.checked) else False,
            )
            for item in self.spec.items
        ]


@dataclass
class NodeRow:
    """One node of the tree as the scoring page shows it."""

    node: Node
    entry: Entry | None = None
    evaluation: Evaluation | None = None
    excluded: str | None = None
    can_edit: bool = False
    assignee: Any = None
    assigned_on: str | None = None  # the node whose assignment covers this one
    due_on: date | None = None
    last_year: str | None = None
    inputs: list[InputField] = field(default_factory=list)
    na_by_parent: bool = False
    rule: RuleWords | None = None  # how the criterion is scored, in words

    @property
    def code(self) -> str:
        return self.node.code

    @property
    def dom_id(self) -> str:
        return "n-" + self.node.code.replace(".", "-")

    @property
    def depth(self) -> int:
        return self.node.depth

    @property
    def is_leaf(self) -> bool:
        return self.node.is_leaf

    @property
    def state(self) -> str:
        if self.excluded:
            return "excluded"
        if self.na_by_parent:
            return "na"
        return self.evaluation.state if self.evaluation else "empty"

    @property
    def has_form(self) -> bool:
        return self.excluded is None and (self.node.is_leaf or self.node.may_not_apply)

    @property
    def revision(self) -> int:
        return self.entry.revision if self.entry else 0

    @property
    def error_lines(self) -> list[str]:
        if self.evaluation is None:
            return []
        return self.evaluation.error_lines({f.spec.name: f.spec.label for f in self.inputs})


def input_fields(specs: tuple[InputSpec, ...], ev: Evaluation | None) -> list[InputField]:
    raw = ev.raw if ev else {}
    errors = ev.input_errors() if ev else {}
    out: list[InputField] = []
    for spec in specs:
        f = InputField(spec=spec, name=f"in-{spec.name}", error=errors.get(spec.name, ""))
        value = raw.get(spec.name)
        if spec.type == "checklist":
            f.checked = [bool(v) for v in value] if isinstance(value, list) else []
        elif value is not None:
            f.value = str(value)
            if spec.type == "boolean":
                try:
                    f.bool_value = parse_bool_text(f.value)
                except UIValueError:
                    f.bool_value = None
        out.append(f)
    return out


def _assignment_map(
    assessment: Assessment,
) -> tuple[dict[str, Assignment], list[Assignment]]:
    rows = list(Assignment.objects.filter(assessment=assessment).select_related("assignee"))
    return {a.node_code: a for a in rows}, rows


def last_year_points(assessment: Assessment) -> tuple[Campaign | None, dict[str, str]]:
    """The same unit's points in the organiser's previous-year campaign: from its latest
    submission's snapshot, or its entries if it never submitted (by node code)."""
    au = assessment.assessed_unit
    previous = (
        AssessedUnit.objects.filter(
            campaign__organiser_id=au.campaign.organiser_id,
            campaign__year=au.campaign.year - 1,
            unit_id=au.unit_id,
        )
        .select_related("campaign")
        .order_by("-campaign_id")
        .first()
    )
    if previous is None:
        return None, {}
    snapshot = (
        Submission.objects.filter(assessment__assessed_unit=previous)
        .order_by("-number")
        .values_list("snapshot", flat=True)
        .first()
    )
    points: dict[str, str] = {}
    if snapshot:
        for node in json.loads(snapshot).get("nodes", []):
            if node.get("points") is not None:
                points[node["code"]] = node["points"]
            elif node.get("applicable") is False:
                points[node["code"]] = "không áp dụng"
    else:
        for code, value in Entry.objects.filter(
            assessment__assessed_unit=previous, stage=Stage.SELF, points__isnull=False
        ).values_list("node_code", "points"):
            points[code] = format(value, "f")
    return previous.campaign, points


def _show_points(text: str) -> str:
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    return format(value.quantize(Decimal("0.01")), "f").replace(".", ",")


@dataclass
class AssessmentPage:
    ctx: AssessmentContext
    rows: list[NodeRow]
    assignments: list[Assignment]
    previous_campaign: Campaign | None
    counts: dict[str, int]

    @property
    def fields(self) -> list[NodeRow]:
        return [r for r in self.rows if r.depth == 0]


def assessment_page(
    ctx: AssessmentContext, user: Any, *, only_mine: bool = False, editable: bool = True
) -> AssessmentPage:
    """Every node with its entry, evaluation, assignment, last year's points and whether
    ``user`` may edit it (``editable``: the status and phase allow edits at all)."""
    assessment = ctx.assessment
    framework = ctx.framework
    entries = self_entries(assessment)
    by_code = {e.node_code: e for e in entries}
    evaluations = evaluations_of(ctx, entries)
    assigned, rows_a = _assignment_map(assessment)
    uid = getattr(user, "pk", None)
    remember_assigned(user, assessment, {x.node_code for x in rows_a if x.assignee_id == uid})
    previous, last = last_year_points(assessment)
    manager = is_unit_manager(user, assessment)
    na_codes = {c for c, ev in evaluations.items() if ev.not_applicable}
    rows: list[NodeRow] = []
    counts = {"total": 0, "done": 0, "error": 0, "partial": 0, "na": 0, "mine": 0}
    for node in framework.order:
        chain = ancestors_and_self(framework, node.code)
        covering = next((assigned[c] for c in chain if c in assigned), None)
        row = NodeRow(
            node=node,
            entry=by_code.get(node.code),
            evaluation=evaluations.get(node.code),
            excluded=ctx.excluded_reason(node),
            assignee=covering.assignee if covering else None,
            assigned_on=covering.node_code if covering else None,
            due_on=covering.due_on if covering else None,
        )
        row.na_by_parent = any(c in na_codes for c in chain[1:])
        if node.code in last:
            row.last_year = _show_points(last[node.code])
        mine = covering is not None and covering.assignee_id == getattr(user, "pk", None)
        if row.has_form:
            row.can_edit = editable and may_write_node(user, assessment, node.code)
            if node.is_leaf:
                row.inputs = input_fields(input_specs(framework, node.code), row.evaluation)
                row.rule = rule_in_words(node, framework)
        if node.is_leaf and row.excluded is None:
            counts["total"] += 1
            counts["mine"] += int(mine)
            state = row.state
            if state in counts:
                counts[state] += 1
        rows.append(row)
    if only_mine and not manager:
        uid = getattr(user, "pk", None)
        keep: set[str] = set()
        for r in rows:
            if r.assignee is not None and r.assignee.pk == uid:
                keep.update(ancestors_and_self(framework, r.code))
        rows = [r for r in rows if r.code in keep]
    return AssessmentPage(
        ctx=ctx, rows=rows, assignments=rows_a, previous_campaign=previous, counts=counts
    )
