"""Properties that hold for any facts: bounds, aggregation, monotone rules, ranking, exactness."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from parindex.scoring import Unit, assign_ranks, score_unit
from parindex.scoring.expr import Type, compile_expression
from parindex.scoring.model import (
    ChecklistRule,
    Framework,
    GeneralRule,
    InputType,
    ManualRule,
    Node,
    Questionnaire,
    SurveyRule,
)
from parindex.scoring.questionnaires import read_questionnaire
from parindex.scoring.result import UnitResult

from .conftest import EXAMPLE_QUESTIONNAIRE, EXAMPLE_SET, build, load

D = Decimal
_Q, _ = read_questionnaire(load(EXAMPLE_QUESTIONNAIRE), file="q.yaml")
assert _Q is not None
QUESTIONNAIRE: Questionnaire = _Q
EXAMPLE: Framework = build(load(EXAMPLE_SET), questionnaires=(QUESTIONNAIRE,))
CENT = D("0.01")


def decimals_between(low: int, high: int, places: int = 2) -> st.SearchStrategy[Decimal]:
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda n: D(n).scaleb(-places))


def value_for(kind: InputType, low: Any) -> st.SearchStrategy[Any]:
    if kind is InputType.BOOLEAN:
        return st.booleans()
    if kind is InputType.DATE:
        return st.dates(dt.date(2024, 12, 1), dt.date(2026, 2, 1))
    if kind is InputType.PERCENT:
        return decimals_between(0, 100)
    start = int(low) if isinstance(low, Decimal) else 0
    if kind is InputType.INTEGER:
        return st.integers(start, start + 60).map(D)
    return decimals_between(start, start + 60)


def entry_for(node: Node) -> st.SearchStrategy[dict[str, Any]]:
    rule = node.rule
    if isinstance(rule, GeneralRule):
        return st.fixed_dictionaries({d.name: value_for(d.type, d.min) for d in rule.inputs})
    if isinstance(rule, ManualRule):
        step = rule.step or CENT
        count = int(node.max / step)
        return st.integers(0, count).map(lambda n: {"score": step * n})
    if isinstance(rule, ChecklistRule):
        n = len(rule.items)
        return st.lists(st.booleans(), min_size=n, max_size=n).map(lambda v: {"items": v})
    if isinstance(rule, SurveyRule):
        codes = [o.code for o in QUESTIONNAIRE.scale]
        return st.fixed_dictionaries(
            {q: st.lists(st.sampled_from(codes), max_size=8) for q in rule.questions}
        ).map(lambda a: {"answers": a})
    return st.booleans().map(lambda b: {"met": b})


LEAVES = [n for n in EXAMPLE.order if n.is_leaf]


@st.composite
def example_facts(draw: st.DrawFn) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for node in LEAVES:
        choice = draw(st.sampled_from(["value", "value", "value", "missing", "na"]))
        if choice == "na" and node.allows_not_applicable:
            values[node.code] = {"not_applicable": "Không áp dụng trong năm"}
        elif choice != "missing":
            values[node.code] = draw(entry_for(node))
    return values


def scored(values: dict[str, Any], kind: str = "xa") -> UnitResult:
    return score_unit(EXAMPLE, Unit("u", None, kind), values)


@given(example_facts(), st.sampled_from(["xa", "phuong", "dac_khu"]))
def test_points_stay_within_zero_and_max_and_are_rounded(values: dict[str, Any], kind: str) -> None:
    result = scored(values, kind)
    for r in result.nodes:
        if r.points is None:
            assert not r.applicable
            continue
        assert D(0) <= r.points <= r.node.max
        assert r.points == r.points.quantize(CENT) and r.points.as_tuple().exponent == -2
    assert D(0) <= result.total <= result.applicable_max
    if result.index is not None:
        assert D(0) <= result.index <= EXAMPLE.scale


@given(example_facts())
def test_totals_are_rounded_leaves_summed_and_capped_per_parent(values: dict[str, Any]) -> None:
    result = scored(values)
    by_code = {r.node.code: r for r in result.nodes}
    for r in result.nodes:
        node = r.node
        if node.is_leaf or not r.applicable:
            continue
        kids = [by_code[c.code] for c in node.children if by_code[c.code].applicable]
        assert kids, "an applicable parent has an applicable child"
        top = sum((k.applicable_max for k in kids), D(0))
        if node.capped:
            top = min(top, node.max)
        assert r.applicable_max == top
        assert r.points == min(sum((k.points or D(0) for k in kids), D(0)), top)
    base = sum(
        (
            r.points or D(0)
            for r in result.nodes
            if r.node.depth == 0 and r.node.kind is None and r.applicable
        ),
        D(0),
    )
    bonus = by_code["9"].points or D(0)
    penalty = by_code["10"].points or D(0)
    assert result.total == min(max(base + bonus - penalty, D(0)), result.applicable_max)
    leaves_missing = [r.node.code for r in result.nodes if r.missing]
    assert list(result.missing) == leaves_missing
    if result.applicable_max:
        assert result.index is not None
        exact = Fraction(result.total) / Fraction(result.applicable_max) * 100
        assert abs(Fraction(result.index) - exact) <= Fraction(1, 200)


MONOTONE = [
    ("1.4.1", "done", {"planned": D(20)}),
    ("3.3", "digitised_pct", {}),
    ("5.2", "trained", {"planned": D(9)}),
    ("8.3", "met", {"total": D(8)}),
    ("7.5", "paid_online_pct", {}),
    ("1.6", "done_on_time", {"assigned": D(7)}),
]


@given(st.sampled_from(MONOTONE), st.integers(0, 100), st.integers(0, 100))
def test_raising_an_input_of_a_monotone_rule_never_lowers_its_points(
    case: tuple[str, str, dict[str, Any]], a: int, b: int
) -> None:
    code, name, fixed = case
    low, high = sorted((a, b))
    first = scored({code: {**fixed, name: D(low)}}).node(code).points
    second = scored({code: {**fixed, name: D(high)}}).node(code).points
    assert first is not None and second is not None and first <= second


@given(st.lists(st.booleans(), min_size=3, max_size=3), st.integers(0, 2))
def test_ticking_a_checklist_item_never_lowers_points(items: list[bool], i: int) -> None:
    before = scored({"1.4.2": {"items": items}}).node("1.4.2").points
    after = scored({"1.4.2": {"items": [*items[:i], True, *items[i + 1 :]]}}).node("1.4.2").points
    assert before is not None and after is not None and before <= after


@given(st.lists(st.sampled_from(["A", "B", "C", "D"]), min_size=1, max_size=10), st.integers(0, 9))
def test_a_better_survey_answer_never_lowers_points(answers: list[str], i: int) -> None:
    i %= len(answers)
    better = {"D": "C", "C": "B", "B": "A", "A": "A"}[answers[i]]
    before = scored({"8.1.1": {"answers": {"C1": answers}}}).node("8.1.1").points
    improved = [*answers[:i], better, *answers[i + 1 :]]
    after = scored({"8.1.1": {"answers": {"C1": improved}}}).node("8.1.1").points
    assert before is not None and after is not None and before <= after


@given(
    st.lists(
        st.tuples(
            st.text("abcdefgh", min_size=1, max_size=4), st.none() | decimals_between(0, 5, 1)
        ),
        unique_by=lambda t: t[0],
        max_size=25,
    )
)
def test_ranking_is_a_permutation_with_correct_ties(
    items: list[tuple[str, Decimal | None]],
) -> None:
    ranked = assign_ranks(items)
    assert sorted((code, index) for _, code, index in ranked) == sorted(
        items, key=lambda t: (t[0], t[1])
    )
    indexes = [index for _, _, index in ranked]
    known = [x for x in indexes if x is not None]
    assert indexes == known + [None] * (len(indexes) - len(known))
    assert known == sorted(known, reverse=True)
    for rank, _, index in ranked:
        if index is None:
            assert rank is None
        else:
            assert rank == 1 + sum(1 for _, other in items if other is not None and other > index)
    for (r1, c1, i1), (r2, c2, i2) in itertools.pairwise(ranked):
        if i1 == i2:
            assert c1 < c2 and r1 == r2


# --- exact arithmetic against a rational reference --------------------------------------------

NAMES = {"a": (Type.NUMBER, 0), "b": (Type.NUMBER, 1)}


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> tuple[str, Any]:
    """An expression text and a function computing it exactly with Fractions."""
    if depth > 3 or draw(st.booleans()):
        choice = draw(st.sampled_from(["a", "b", "num"]))
        if choice == "num":
            n = draw(decimals_between(0, 50, 2))
            return str(n), lambda env, n=n: Fraction(n)
        return choice, lambda env, c=choice: env[c]
    op = draw(st.sampled_from(["+", "-", "*", "/", "min", "max", "abs", "neg"]))
    left, lf = draw(expressions(depth + 1))
    right, rf = draw(expressions(depth + 1))
    if op == "abs":
        return f"abs({left})", lambda env: abs(lf(env))
    if op == "neg":
        return f"-({left})", lambda env: -lf(env)
    if op in ("min", "max"):
        pick = min if op == "min" else max
        return f"{op}({left}, {right})", lambda env: pick(lf(env), rf(env))

    def combine(env: dict[str, Fraction]) -> Fraction:
        x: Fraction = lf(env)
        y: Fraction = rf(env)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if y == 0:
            raise ZeroDivisionError
        return x / y

    return f"({left}) {op} ({right})", combine


@given(expressions(), decimals_between(-30, 30, 2), decimals_between(-30, 30, 2))
def test_arithmetic_is_exact_decimal(expr: tuple[str, Any], a: Decimal, b: Decimal) -> None:
    text, reference = expr
    try:
        exact = reference({"a": Fraction(a), "b": Fraction(b)})
    except ZeroDivisionError:
        assume(False)
        return
    compiled = compile_expression(text, NAMES, {})
    got = compiled.evaluate((a, b))
    assert isinstance(got, Decimal)
    if "/" not in text:
        assert Fraction(got) == exact
    else:
        tolerance = max(abs(exact), Fraction(1)) * Fraction(1, 10**20)
        assert abs(Fraction(got) - exact) <= tolerance
