"""Evaluating one leaf's rule on checked values (a tuple in input order).

Each leaf gets one evaluator, built once per framework (:func:`leaf_evaluators`), that returns
the raw points as a Decimal: the first case whose ``when`` holds (none: 0); manual = the score;
yes_no = max or 0; checklist = sum of the ticked items; survey = max × (sum of shares) / (valid
answers), 0 without a valid answer. The hot path allocates nothing but the Decimals it
computes: which case held is found again only when an explanation is asked for
(:func:`which_case`; rules are pure, so the answer is the same).

The raw value is then clamped to ``[0, max]`` and rounded half-up (:func:`clamp_and_round`).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache, reduce
from itertools import compress
from typing import Any, NamedTuple

from .entries import SurveyTally
from .model import ChecklistRule, Framework, GeneralRule, ManualRule, Node, Override, SurveyRule
from .numbers import ARITH, ROUNDING, ZERO, quantum

__all__ = [
    "EvaluationError",
    "LeafEvaluator",
    "LeafOutcome",
    "arith_message",
    "clamp_and_round",
    "evaluate_leaf",
    "leaf_evaluator",
    "leaf_evaluators",
    "which_case",
]

LeafEvaluator = Callable[[tuple[Any, ...]], Decimal]


class EvaluationError(Exception):
    """A rule could not be computed from otherwise valid facts (e.g. a division by zero)."""

    def __init__(self, node: str, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


def arith_message(exc: ArithmeticError) -> str:
    """The Vietnamese message for an arithmetic failure while computing points."""
    if isinstance(exc, ZeroDivisionError) or "division" in type(exc).__name__.lower():
        return "không tính được điểm: phép chia cho 0 (kiểm tra số liệu, ví dụ mẫu số bằng 0)"
    return "không tính được điểm từ số liệu này (kết quả không xác định hoặc quá lớn)"


def _general(rule: GeneralRule) -> LeafEvaluator:
    pairs = tuple(
        (c.when.evaluate if c.when is not None else None, c.points.evaluate) for c in rule.cases
    )
    if pairs[0][0] is None:  # the first case always holds
        first: LeafEvaluator = pairs[0][1]
        return first

    def run(values: tuple[Any, ...]) -> Decimal:
        for when, points in pairs:
            if when is None or when(values):
                result: Decimal = points(values)
                return result
        return ZERO

    return run


def which_case(rule: GeneralRule, values: tuple[Any, ...]) -> int | None:
    """The 0-based index of the case that holds for ``values`` (None: none holds)."""
    for i, case in enumerate(rule.cases):
        if case.when is None or case.when.evaluate(values):
            return i
    return None


def _checklist(rule: ChecklistRule) -> LeafEvaluator:
    points = tuple(item.points for item in rule.items)
    add = ARITH.add

    def run(values: tuple[Any, ...]) -> Decimal:
        return reduce(add, compress(points, values[0]), ZERO)

    return run


def _survey(node: Node) -> LeafEvaluator:
    top = node.max
    multiply, divide = ARITH.multiply, ARITH.divide

    def run(values: tuple[Any, ...]) -> Decimal:
        tally: SurveyTally = values[0]
        if not tally.valid:
            return ZERO
        return divide(multiply(top, tally.total_share), Decimal(tally.valid))

    return run


def leaf_evaluator(node: Node) -> LeafEvaluator:
    """The compiled evaluator of a leaf's rule."""
    rule = node.rule
    if isinstance(rule, GeneralRule):
        return _general(rule)
    if isinstance(rule, ManualRule):
        return operator.itemgetter(0)
    if isinstance(rule, ChecklistRule):
        return _checklist(rule)
    if isinstance(rule, SurveyRule):
        return _survey(node)
    top = node.max
    return lambda values: top if values[0] else ZERO


@lru_cache(maxsize=64)
def leaf_evaluators(framework: Framework) -> tuple[LeafEvaluator | None, ...]:
    """One evaluator per node of ``framework.order`` (None for parents), built once."""
    return tuple(leaf_evaluator(n) if n.is_leaf else None for n in framework.order)


def clamp_and_round(raw: Decimal, top: Decimal, decimals: int) -> tuple[Decimal, bool]:
    """``(points, clamped)``: ``raw`` limited to ``[0, top]`` then rounded half-up."""
    q = quantum(decimals)
    if raw <= ZERO:
        return ROUNDING.quantize(ZERO, q), raw < ZERO
    if raw > top:
        return ROUNDING.quantize(top, q), True
    return ROUNDING.quantize(raw, q), False


class LeafOutcome(NamedTuple):
    points: Decimal
    raw: Decimal
    case: int | None
    clamped: bool


def evaluate_leaf(node: Node, values: tuple[Any, ...], decimals: int) -> LeafOutcome:
    """Points of one leaf from checked values (or an :class:`~.model.Override`); raises
    :class:`EvaluationError`."""
    if type(values) is Override:
        points, clamped = clamp_and_round(values[0], node.max, decimals)
        return LeafOutcome(points, values[0], None, clamped)
    try:
        raw = leaf_evaluator(node)(values)
    except ArithmeticError as exc:
        raise EvaluationError(node.code, arith_message(exc)) from None
    points, clamped = clamp_and_round(raw, node.max, decimals)
    case = which_case(node.rule, values) if isinstance(node.rule, GeneralRule) else None
    return LeafOutcome(points, raw, case, clamped)
