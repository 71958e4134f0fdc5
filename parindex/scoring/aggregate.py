"""Scoring one unit: leaf points, parents, bonus/penalty, total, index and band (section 2).

Rules, in order:

1. A leaf's points come from its rule (see :mod:`.evaluate`), or are decided directly (an
   override in the facts), clamped to ``[0, max]`` and rounded half-up to ``decimals``. A
   leaf without facts scores 0 and is *missing*; so is a
   survey leaf without any valid answer.
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

Everything about a framework that the loop needs is prepared once (:func:`_plan`); scoring a
unit fills a few flat lists and creates no object per node or per expression step
(:class:`~.result.NodeResult` views are built only when asked for).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any, NamedTuple

from .evaluate import LeafEvaluator, arith_message, leaf_evaluators
from .facts import Facts, Unit, prepare_facts
from .model import Framework, NodeKind, Override, Questionnaire, SurveyRule
from .numbers import ARITH, ROUNDING, ZERO, quantum
from .problems import Problem, ProblemsError
from .result import NodeOutcomes, UnitResult

__all__ = ["score_facts", "score_unit"]


class _Plan(NamedTuple):
    """What the scoring loop needs about a framework, as flat tuples of positions."""

    leaves: tuple[tuple[int, str, LeafEvaluator, Decimal, Decimal, bool], ...]
    # (position, children, max if capped else None, applicable max when all children apply),
    # in reverse pre-order so that children come before their parent
    parents: tuple[tuple[int, tuple[int, ...], Decimal | None, Decimal], ...]
    maxima: tuple[Decimal, ...]
    depends_on_kind: bool
    top_level: tuple[tuple[int, NodeKind | None], ...]
    set_max: Decimal  # sum of the maxima of the top-level fields (no bonus, no penalty)


@lru_cache(maxsize=64)
def _plan(framework: Framework) -> _Plan:
    q = quantum(framework.decimals)
    evaluators = leaf_evaluators(framework)
    order = framework.order
    leaves = []
    full_max = [n.max for n in order]
    parents = []
    for i in range(len(order) - 1, -1, -1):
        node = order[i]
        evaluate = evaluators[i]
        if evaluate is not None:
            leaves.append(
                (
                    i,
                    node.code,
                    evaluate,
                    node.max,
                    ROUNDING.quantize(node.max, q),
                    isinstance(node.rule, SurveyRule),
                )
            )
            continue
        children = framework.children_index[i]
        top = ZERO
        for c in children:
            top = ARITH.add(top, full_max[c])
        if node.capped and top > node.max:
            top = node.max
        full_max[i] = top
        parents.append((i, children, node.max if node.capped else None, top))
    return _Plan(
        leaves=tuple(reversed(leaves)),
        parents=tuple(parents),
        maxima=tuple(n.max for n in order),
        depends_on_kind=any(n.applies_to is not None for n in order),
        top_level=tuple((i, n.kind) for i, n in enumerate(order) if n.depth == 0),
        set_max=framework.max,
    )


def _applicability(
    framework: Framework, facts: Facts, plan: _Plan
) -> tuple[list[bool], list[Any], bool]:
    """Which nodes apply (before the "all children out" rule), the reasons, and whether all do."""
    n = len(framework.order)
    applicable = [True] * n
    info: list[Any] = [None] * n
    declared = facts.not_applicable
    if not declared and not plan.depends_on_kind:
        return applicable, info, True
    kind = facts.unit.kind
    order = framework.order
    parent_index = framework.parent_index
    everything = True
    for i, node in enumerate(order):
        p = parent_index[i]
        if p >= 0 and not applicable[p]:
            info[i] = f"theo tiêu chí cha {order[p].code}"
        elif node.applies_to is not None and kind not in node.applies_to:
            info[i] = (
                f"tiêu chí chỉ dành cho đơn vị loại {', '.join(sorted(node.applies_to))}"
                f", không cho loại {kind}"
            )
        elif node.code in declared:
            info[i] = declared[node.code]
        else:
            continue
        applicable[i] = everything = False
    return applicable, info, everything


def score_facts(
    framework: Framework, facts: Facts, *, strict: bool = False, file: str | None = None
) -> UnitResult:
    """Score checked facts. Raises :class:`ProblemsError` when a rule cannot be computed, or
    (with ``strict``) when facts are missing."""
    plan = _plan(framework)
    q = quantum(framework.decimals)
    quantize = ROUNDING.quantize
    add = ARITH.add
    zero = quantize(ZERO, q)
    given = facts.values.get
    applicable, info, everything = _applicability(framework, facts, plan)
    points: list[Decimal | None] = [None] * len(applicable)
    amax = list(plan.maxima)
    missing: list[int] = []
    errors: list[Problem] = []

    for i, code, evaluate, top, top_q, survey in plan.leaves:
        if not applicable[i]:
            amax[i] = ZERO
            continue
        values = given(code)
        if values is None:
            points[i] = zero
            missing.append(i)
            continue
        decided = type(values) is Override
        if decided:
            raw = values[0]
        else:
            try:
                raw = evaluate(values)
            except ArithmeticError as exc:
                errors.append(
                    Problem(file or f"đơn vị {facts.unit.code}", arith_message(exc), code)
                )
                raw = ZERO
        info[i] = raw
        if raw <= ZERO:
            points[i] = zero
        elif raw > top:
            points[i] = top_q
        else:
            points[i] = quantize(raw, q)
        if survey and not decided and not values[0].valid:
            missing.append(i)

    for i, children, capped_max, full in plan.parents:
        if not applicable[i]:
            amax[i] = ZERO
            continue
        if everything:
            total = zero
            for c in children:
                total = add(total, points[c])  # type: ignore[arg-type]
            top = full
        else:
            total = zero
            top = ZERO
            found = False
            for c in children:
                if applicable[c]:
                    found = True
                    total = add(total, points[c])  # type: ignore[arg-type]
                    top = add(top, amax[c])
            if not found:
                applicable[i] = False
                amax[i] = ZERO
                info[i] = "mọi tiêu chí con đều không áp dụng"
                continue
            if capped_max is not None and top > capped_max:
                top = capped_max
        points[i] = total if total <= top else quantize(top, q)
        amax[i] = top
        info[i] = total

    order = framework.order
    missing_codes = tuple(order[i].code for i in missing)
    if strict and missing_codes:
        source = file or f"đơn vị {facts.unit.code}"
        errors.extend(
            Problem(source, "chưa có số liệu (chế độ --strict)", code) for code in missing_codes
        )
    if errors:
        raise ProblemsError(errors)
    outcomes = NodeOutcomes(
        tuple(applicable), tuple(points), tuple(amax), tuple(info), frozenset(missing)
    )
    return _totals(framework, facts, plan, outcomes, missing_codes)


def _totals(
    framework: Framework, facts: Facts, plan: _Plan, o: NodeOutcomes, missing: tuple[str, ...]
) -> UnitResult:
    q = quantum(framework.decimals)
    add = ARITH.add
    base = bonus = penalty = ROUNDING.quantize(ZERO, q)
    top = ZERO
    points, applicable, amax = o.points, o.applicable, o.applicable_max
    for i, kind in plan.top_level:
        value = points[i]
        if not applicable[i] or value is None:
            continue
        if kind is None:
            base = add(base, value)
            top = add(top, amax[i])
        elif kind is NodeKind.BONUS:
            bonus = add(bonus, value)
        else:
            penalty = add(penalty, value)
    total = ARITH.subtract(add(base, bonus), penalty)
    total = ROUNDING.quantize(min(max(total, ZERO), top), q)
    index: Decimal | None = None
    if top > ZERO:
        index = ROUNDING.quantize(ARITH.divide(ARITH.multiply(total, framework.scale), top), q)
    # positional: noticeably cheaper than keywords when scoring thousands of units
    return UnitResult(
        framework,
        facts.unit,
        facts,
        base,
        bonus,
        penalty,
        total,
        plan.set_max,
        top,
        index,
        framework.band_for(index),
        missing,
        o,
        facts.warnings,
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
    """Score one unit from its facts: ``{code: {input: value}}`` (checked here, for ``unit``)
    or already checked :class:`Facts` (which carry their unit). Raises :class:`ProblemsError`
    for bad facts (every error, each naming the node and input), a rule that cannot be
    computed, or missing facts with ``strict``."""
    if not isinstance(facts, Facts):
        facts = prepare_facts(framework, unit, facts, questionnaires=questionnaires, file=file)
    return score_facts(framework, facts, strict=strict, file=file)
