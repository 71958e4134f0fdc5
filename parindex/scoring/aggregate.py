"""Scoring one unit: leaf points, parents, bonus/penalty, total, index and band (section 2).

Rules, in order:

1. A leaf's points: the first case whose ``when`` holds (none: 0); manual = the score; yes_no =
   max or 0; checklist = sum of ticked items; survey = max × mean share of the valid answers
   pooled over its questions (no valid answer: 0 and *missing*). Then clamped to ``[0, max]``
   and rounded half-up to ``decimals``. A leaf without facts scores 0 and is *missing*.
2. Not applicable: a node whose ``applies_to`` excludes the unit's kind, a node declared not
   applicable in the facts, every descendant of those, and a parent whose children are all not
   applicable. They leave both the total and the maximum (``points`` None).
3. A parent's applicable maximum is the sum of its applicable children's applicable maxima,
   and at most its ``max`` when ``capped``; its points are the sum of its children's (already
   rounded) points, capped at its applicable maximum.
4. ``base`` = points of the applicable top-level fields that are neither bonus nor penalty;
   ``applicable_max`` = their applicable maxima; ``total`` = base + bonus − penalty clamped to
   ``[0, applicable_max]``; ``index`` = total × scale / applicable_max rounded (None when the
   applicable maximum is 0); the band is the first whose ``min`` the rounded index reaches.

Rules are compiled once per framework (see :func:`leaf_evaluators`); scoring a unit allocates
one :class:`~.result.NodeResult` per node and nothing per expression step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .entries import SurveyTally
from .facts import Facts, Unit, prepare_facts
from .model import (
    ChecklistRule,
    Framework,
    GeneralRule,
    ManualRule,
    Node,
    NodeKind,
    Questionnaire,
    SurveyRule,
)
from .numbers import ARITH, ROUNDING, ZERO, quantum
from .problems import Problem, ProblemsError
from .result import NodeResult, UnitResult

__all__ = ["EvaluationError", "evaluate_leaf", "leaf_evaluators", "score_facts", "score_unit"]

LeafEvaluator = Callable[[tuple[Any, ...]], tuple[Decimal, int | None]]


class EvaluationError(Exception):
    """A rule could not be computed from otherwise valid facts (e.g. a division by zero)."""

    def __init__(self, node: str, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


def _general(rule: GeneralRule) -> LeafEvaluator:
    pairs = tuple((c.when.evaluate if c.when is not None else None, c.points.evaluate)
                  for c in rule.cases)

    def run(values: tuple[Any, ...]) -> tuple[Decimal, int | None]:
        i = 0
        for when, points in pairs:
            if when is None or when(values):
                return points(values), i
            i += 1
        return ZERO, None

    return run


def _checklist(rule: ChecklistRule) -> LeafEvaluator:
    points = tuple(item.points for item in rule.items)
    add = ARITH.add

    def run(values: tuple[Any, ...]) -> tuple[Decimal, int | None]:
        total = ZERO
        for ticked, p in zip(values[0], points, strict=True):
            if ticked:
                total = add(total, p)
        return total, None

    return run


def _survey(node: Node) -> LeafEvaluator:
    top = node.max

    def run(values: tuple[Any, ...]) -> tuple[Decimal, int | None]:
        tally: SurveyTally = values[0]
        if not tally.valid:
            return ZERO, None
        return ARITH.divide(ARITH.multiply(top, tally.total_share), Decimal(tally.valid)), None

    return run


def _evaluator(node: Node) -> LeafEvaluator:
    rule = node.rule
    if isinstance(rule, GeneralRule):
        return _general(rule)
    if isinstance(rule, ManualRule):
        return lambda values: (values[0], None)
    if isinstance(rule, ChecklistRule):
        return _checklist(rule)
    if isinstance(rule, SurveyRule):
        return _survey(node)
    top = node.max
    return lambda values: (top if values[0] else ZERO, None)


@lru_cache(maxsize=64)
def leaf_evaluators(framework: Framework) -> tuple[LeafEvaluator | None, ...]:
    """One compiled evaluator per node of ``framework.order`` (None for parents)."""
    return tuple(_evaluator(n) if n.is_leaf else None for n in framework.order)


def evaluate_leaf(node: Node, values: tuple[Any, ...], decimals: int
                  ) -> tuple[Decimal, Decimal, int | None, bool]:
    """``(points, raw, case, clamped)`` of one leaf; raises :class:`EvaluationError`."""
    try:
        raw, case = _evaluator(node)(values)
    except ArithmeticError as exc:
        raise EvaluationError(node.code, _arith_message(exc)) from None
    points, clamped = _clamp_round(raw, node.max, quantum(decimals))
    return points, raw, case, clamped


def _arith_message(exc: ArithmeticError) -> str:
    if isinstance(exc, ZeroDivisionError) or "division" in type(exc).__name__.lower():
        return "không tính được điểm: phép chia cho 0 (kiểm tra số liệu, ví dụ mẫu số bằng 0)"
    return "không tính được điểm từ số liệu này (kết quả không xác định hoặc quá lớn)"


def _clamp_round(raw: Decimal, top: Decimal, q: Decimal) -> tuple[Decimal, bool]:
    if raw <= ZERO:
        return ROUNDING.quantize(ZERO, q), raw < ZERO
    if raw > top:
        return ROUNDING.quantize(top, q), True
    return ROUNDING.quantize(raw, q), False


def score_facts(framework: Framework, facts: Facts, *, strict: bool = False,
                file: str | None = None) -> UnitResult:
    """Score checked facts. Raises :class:`ProblemsError` when a rule cannot be computed, or
    (with ``strict``) when facts are missing."""
    order = framework.order
    n = len(order)
    parent_index = framework.parent_index
    children_index = framework.children_index
    evaluators = leaf_evaluators(framework)
    q = quantum(framework.decimals)
    zero = ROUNDING.quantize(ZERO, q)
    kind = facts.unit.kind
    declared = facts.not_applicable
    given = facts.values
    source = file or f"đơn vị {facts.unit.code}"

    applicable = [True] * n
    reasons: list[str | None] = [None] * n
    for i, node in enumerate(order):
        p = parent_index[i]
        if p >= 0 and not applicable[p]:
            applicable[i] = False
            reasons[i] = f"tiêu chí cha {order[p].code} không áp dụng"
        elif node.applies_to is not None and kind not in node.applies_to:
            applicable[i] = False
            reasons[i] = f"không áp dụng cho đơn vị loại {kind}"
        elif node.code in declared:
            applicable[i] = False
            reasons[i] = declared[node.code]

    results: list[NodeResult | None] = [None] * n
    points: list[Decimal] = [ZERO] * n
    amax: list[Decimal] = [ZERO] * n
    errors: list[Problem] = []
    add = ARITH.add
    decimals = framework.decimals
    for i in range(n - 1, -1, -1):
        node = order[i]
        if not applicable[i]:
            results[i] = NodeResult(node, False, None, ZERO, False, decimals, reason=reasons[i])
            continue
        evaluate = evaluators[i]
        if evaluate is not None:
            values = given.get(node.code)
            amax[i] = node.max
            if values is None:
                points[i] = zero
                results[i] = NodeResult(node, True, zero, node.max, True, decimals)
                continue
            try:
                raw, case = evaluate(values)
            except ArithmeticError as exc:
                errors.append(Problem(source, _arith_message(exc), node.code))
                raw, case = ZERO, None
            pts, clamped = _clamp_round(raw, node.max, q)
            missing = isinstance(node.rule, SurveyRule) and not values[0].valid
            points[i] = pts
            results[i] = NodeResult(node, True, pts, node.max, missing, decimals, raw, case,
                                    clamped, values)
            continue
        total = zero
        top = ZERO
        any_applicable = False
        for c in children_index[i]:
            if applicable[c]:
                any_applicable = True
                total = add(total, points[c])
                top = add(top, amax[c])
        if not any_applicable:
            applicable[i] = False
            reason = "mọi tiêu chí con đều không áp dụng"
            results[i] = NodeResult(node, False, None, ZERO, False, decimals, reason=reason)
            continue
        if node.capped and top > node.max:
            top = node.max
        pts = total if total <= top else ROUNDING.quantize(top, q)
        points[i], amax[i] = pts, top
        results[i] = NodeResult(node, True, pts, top, False, decimals, children_sum=total)

    final = tuple(r for r in results if r is not None)
    missing_codes = tuple(r.node.code for r in final if r.missing)
    if strict and missing_codes:
        errors.extend(Problem(source, "chưa có số liệu (chế độ --strict)", code)
                      for code in missing_codes)
    if errors:
        raise ProblemsError(errors)
    return _totals(framework, facts, final, missing_codes)


def _totals(framework: Framework, facts: Facts, nodes: tuple[NodeResult, ...],
            missing: tuple[str, ...]) -> UnitResult:
    q = quantum(framework.decimals)
    base = bonus = penalty = ROUNDING.quantize(ZERO, q)
    top = ZERO
    for r in nodes:
        node = r.node
        if node.depth or not r.applicable or r.points is None:
            continue
        if node.kind is NodeKind.BONUS:
            bonus = ARITH.add(bonus, r.points)
        elif node.kind is NodeKind.PENALTY:
            penalty = ARITH.add(penalty, r.points)
        else:
            base = ARITH.add(base, r.points)
            top = ARITH.add(top, r.applicable_max)
    total = ARITH.subtract(ARITH.add(base, bonus), penalty)
    total = ROUNDING.quantize(min(max(total, ZERO), top), q)
    index: Decimal | None = None
    if top > ZERO:
        index = ROUNDING.quantize(ARITH.divide(ARITH.multiply(total, framework.scale), top), q)
    return UnitResult(
        framework=framework, unit=facts.unit, facts=facts, base=base, bonus=bonus,
        penalty=penalty, total=total, max=framework.max, applicable_max=top, index=index,
        band=framework.band_for(index), missing=missing, nodes=nodes, warnings=facts.warnings,
    )


def score_unit(
    framework: Framework,
    unit: Unit,
    facts: Facts | Mapping[Any, Any],
    *,
    questionnaires: Iterable[Questionnaire] = (),
    strict: bool = False,
    file: str | None = None,
) -> UnitResult:
    """Score one unit from its facts: ``{code: {input: value}}`` (checked here) or checked
    :class:`Facts`. Raises :class:`ProblemsError` for bad facts (every error, each naming the
    node and input), a rule that cannot be computed, or missing facts with ``strict``."""
    if not isinstance(facts, Facts):
        facts = prepare_facts(framework, unit, facts, questionnaires=questionnaires, file=file)
    return score_facts(framework, facts, strict=strict, file=file)
