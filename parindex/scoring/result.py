"""Results of scoring one unit, and their JSON forms.

:meth:`UnitResult.to_json` is exactly the ``parindex framework score --json`` document: decimals
as strings with a dot, rounded to the set's ``decimals``; ``nodes`` in pre-order, a
not-applicable node with ``"applicable": false`` and ``"points": null``. :func:`canonical_json`
adds the inputs, the framework's SHA-256 and :data:`ENGINE_VERSION` and writes deterministic
text (sorted keys, no spaces): the form frozen in published snapshots.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from .entries import SurveyTally
from .evaluate import which_case
from .explain import Explanation
from .facts import Facts, Unit
from .model import ChecklistRule, Framework, GeneralRule, Node, Override, SurveyRule, YesNoRule
from .numbers import ZERO, round_half_up
from .problems import Problem

__all__ = ["ENGINE_VERSION", "NodeResult", "UnitResult", "canonical_json", "json_value"]

#: Version of the scoring rules implemented here; stored with every frozen snapshot.
ENGINE_VERSION = "parindex-scoring/1.1"  # 1.1: consistency checks, override, words


class NodeResult(NamedTuple):
    """One node's outcome. ``points`` is None when not applicable. For a leaf, ``raw`` is the
    value before clamping and rounding, ``case`` the 0-based case that held (general rules)
    and ``values`` the checked inputs; for a parent, ``children_sum`` the sum of its children."""

    node: Node
    applicable: bool
    points: Decimal | None
    applicable_max: Decimal
    missing: bool
    decimals: int
    raw: Decimal | None = None
    case: int | None = None
    clamped: bool = False
    values: tuple[Any, ...] | None = None
    reason: str | None = None
    children_sum: Decimal | None = None

    @property
    def code(self) -> str:
        return self.node.code

    @property
    def max(self) -> Decimal:
        return self.node.max

    @property
    def explanation(self) -> Explanation:
        return explain_node(self)


def explain_node(r: NodeResult) -> Explanation:
    node = r.node
    base: dict[str, Any] = {
        "code": node.code,
        "points": r.points,
        "max": node.max,
        "decimals": r.decimals,
    }
    if not r.applicable:
        return Explanation(kind="not_applicable", reason=r.reason, **base)
    if r.children_sum is not None:
        return Explanation(kind="sum", children_sum=r.children_sum, **base)
    rule = node.rule
    if r.values is None:
        return Explanation(kind="missing", **base)
    common = {"raw": r.raw, "clamped": r.clamped, **base}
    if isinstance(r.values, Override):
        return Explanation(kind="override", decided=r.values.points, **common)
    if isinstance(rule, GeneralRule):
        inputs = tuple((d.name, v) for d, v in zip(rule.inputs, r.values, strict=True))
        words: dict[str, Any] = {
            "inputs": inputs,
            "definitions": rule.inputs,
            "cases": tuple(
                (c.when.text if c.when is not None else None, c.points.text) for c in rule.cases
            ),
        }
        return Explanation(kind="general", case_index=r.case, **words, **common)
    if isinstance(rule, ChecklistRule):
        ticks = r.values[0]
        items = tuple((i.label, i.points, bool(t)) for i, t in zip(rule.items, ticks, strict=True))
        return Explanation(kind="checklist", items=items, inputs=(("items", ticks),), **common)
    if isinstance(rule, SurveyRule):
        tally: SurveyTally = r.values[0]
        return Explanation(
            kind="survey",
            questionnaire=tally.questionnaire,
            questionnaire_name=tally.questionnaire_name,
            questions=rule.questions,
            valid_answers=tally.valid,
            total_share=tally.total_share,
            inputs=(("answers", {k: list(v) for k, v in tally.answers.items()}),),
            **common,
        )
    if isinstance(rule, YesNoRule):
        return Explanation(
            kind="yes_no", label=rule.label, inputs=(("met", r.values[0]),), **common
        )
    return Explanation(kind="manual", inputs=(("score", r.values[0]),), **common)


class NodeOutcomes(NamedTuple):
    """Per-node outcomes of one unit, by position in ``framework.order``.

    ``info[i]`` is, for an applicable leaf with facts, its raw value (before clamping and
    rounding); for an applicable leaf without facts, None; for an applicable parent, its
    children's sum; for a node that does not apply, the reason (text). Kept flat so that
    scoring many units creates few objects; :attr:`UnitResult.nodes` builds
    :class:`NodeResult` views on demand.
    """

    applicable: tuple[bool, ...]
    points: tuple[Decimal | None, ...]
    applicable_max: tuple[Decimal, ...]
    info: tuple[Any, ...]
    missing: frozenset[int]


@dataclass(frozen=True, slots=True, eq=False)
class UnitResult:
    """The scored set for one unit. ``total`` = base + bonus − penalty clamped to
    ``[0, applicable_max]``; ``index`` = total / applicable_max × scale (None when nothing
    applies); ``missing`` lists leaves without facts in tree order."""

    framework: Framework
    unit: Unit
    facts: Facts
    base: Decimal
    bonus: Decimal
    penalty: Decimal
    total: Decimal
    max: Decimal
    applicable_max: Decimal
    index: Decimal | None
    band: str | None
    missing: tuple[str, ...]
    outcomes: NodeOutcomes
    warnings: tuple[Problem, ...] = ()
    _cache: dict[str, tuple[NodeResult, ...]] = field(default_factory=dict, repr=False)

    @property
    def nodes(self) -> tuple[NodeResult, ...]:
        """Every node's result, in pre-order."""
        built = self._cache.get("nodes")
        if built is None:
            built = self._cache["nodes"] = _node_results(self.framework, self.facts, self.outcomes)
        return built

    def node(self, code: str) -> NodeResult:
        for r in self.nodes:
            if r.node.code == code:
                return r
        raise KeyError(code)

    def to_json(self) -> dict[str, Any]:
        """The ``score --json`` document."""
        d = self.framework.decimals

        def s(value: Decimal) -> str:
            return format(round_half_up(value, d), "f")

        nodes = []
        for r in self.nodes:
            nodes.append(
                {
                    "code": r.node.code,
                    "name": r.node.name,
                    "points": s(r.points) if r.points is not None else None,
                    "max": s(r.node.max),
                    "applicable_max": s(r.applicable_max) if r.applicable else None,
                    "applicable": r.applicable,
                    "missing": r.missing,
                    "explanation": r.explanation.text(),
                }
            )
        return {
            "framework": self.framework.code,
            "unit": self.unit.code,
            "total": s(self.total),
            "max": s(self.max),
            "applicable_max": s(self.applicable_max),
            "index": s(self.index) if self.index is not None else None,
            "band": self.band,
            "bonus": s(self.bonus),
            "penalty": s(self.penalty),
            "missing": list(self.missing),
            "warnings": [{"code": w.node, "message": w.message} for w in self.facts.check_warnings],
            "nodes": nodes,
        }


def _node_results(framework: Framework, facts: Facts, o: NodeOutcomes) -> tuple[NodeResult, ...]:
    d = framework.decimals
    out = []
    for i, node in enumerate(framework.order):
        info = o.info[i]
        if not o.applicable[i]:
            out.append(NodeResult(node, False, None, ZERO, False, d, reason=info))
        elif not node.is_leaf:
            out.append(
                NodeResult(
                    node, True, o.points[i], o.applicable_max[i], False, d, children_sum=info
                )
            )
        elif info is None:
            out.append(NodeResult(node, True, o.points[i], node.max, True, d))
        else:
            values = facts.values[node.code]
            rule = node.rule
            case = (
                which_case(rule, values)
                if isinstance(rule, GeneralRule) and type(values) is not Override
                else None
            )
            clamped = info < ZERO or info > node.max
            out.append(
                NodeResult(
                    node,
                    True,
                    o.points[i],
                    node.max,
                    i in o.missing,
                    d,
                    info,
                    case,
                    clamped,
                    values,
                )
            )
    return tuple(out)


def json_value(value: Any) -> Any:
    """A document value as JSON: Decimal → text with a dot, date → ISO text."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    raise TypeError(f"giá trị không ghi được ra JSON: {type(value).__name__}")


def canonical_json(result: UnitResult, framework_sha256: str) -> str:
    """Deterministic JSON of a result with its inputs, for frozen snapshots."""
    doc = result.to_json()
    doc["unit_name"] = result.unit.name
    doc["unit_kind"] = result.unit.kind
    doc["inputs"] = json_value(dict(result.facts.entries))
    doc["framework_sha256"] = framework_sha256
    doc["engine_version"] = ENGINE_VERSION
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
