"""What the web forms need from the engine, without Django.

* :func:`input_specs` describes the inputs of a leaf (:class:`InputSpec`: name, type, label,
  help, bounds, step, checklist items, survey questions and answer options).
* :func:`parse_ui_value` reads one typed value ("0,25", "05/11/2025", "có") for a spec,
  raising :class:`~.uivalues.UIValueError` with a Vietnamese message.
* :func:`validate_entry` checks a partial or complete set of values of one node, consistency
  checks included (each once the inputs it names are filled and valid).
* :func:`score_leaf` computes a leaf's points and explanation live, as the form is filled, with
  the failed warning checks.

Types of :attr:`InputSpec.type`: the five input types of general rules (``integer``,
``decimal``, ``percent``, ``boolean``, ``date``), plus ``checklist`` (``items``: one boolean per
item) and ``answers`` (survey answer codes per question). A manual rule's ``score`` is a
``decimal`` with ``min`` 0, ``max`` the node's max and its ``step``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .entries import EntryError, check_entry
from .evaluate import EvaluationError, evaluate_leaf
from .explain import Explanation
from .facts import merge_questionnaires
from .model import (
    ChecklistRule,
    Framework,
    GeneralRule,
    InputType,
    ManualRule,
    Override,
    Questionnaire,
    SurveyRule,
    YesNoRule,
)
from .numbers import ONE, ZERO, format_decimal
from .result import NodeResult
from .uivalues import UIValueError, parse_bool_text, parse_date_text, parse_number_text

__all__ = [
    "ChecklistItemSpec",
    "InputSpec",
    "LeafScore",
    "OptionSpec",
    "QuestionSpec",
    "format_points",
    "input_specs",
    "parse_ui_value",
    "score_leaf",
    "validate_entry",
]


@dataclass(frozen=True, slots=True)
class ChecklistItemSpec:
    index: int  # 0-based position in ``items``
    label: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class OptionSpec:
    code: str
    label: str
    share: Decimal | None


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One input of a leaf as a form shows it."""

    name: str
    type: str
    label: str
    help: str | None = None
    min: Decimal | dt.date | None = None
    max: Decimal | dt.date | None = None
    step: Decimal | None = None
    items: tuple[ChecklistItemSpec, ...] = ()
    questions: tuple[QuestionSpec, ...] = ()
    options: tuple[OptionSpec, ...] = ()
    questionnaire: str | None = None


def _bound(value: object) -> Decimal | dt.date | None:
    return value if isinstance(value, Decimal | dt.date) else None


def input_specs(
    framework: Framework, code: str, *, questionnaires: Iterable[Questionnaire] = ()
) -> tuple[InputSpec, ...]:
    """The inputs of leaf ``code`` (empty for a parent). Raises KeyError for an unknown code."""
    node = framework.node(code)
    rule = node.rule
    if isinstance(rule, GeneralRule):
        specs = []
        for d in rule.inputs:
            low, high = _bound(d.min), _bound(d.max)
            if d.type is InputType.PERCENT:
                low = low if low is not None else ZERO
                high = high if high is not None else Decimal(100)
            step = ONE if d.type is InputType.INTEGER else None
            specs.append(InputSpec(d.name, d.type.value, d.label, d.help, low, high, step))
        return tuple(specs)
    if isinstance(rule, ManualRule):
        return (
            InputSpec("score", "decimal", "Điểm chấm", node.guidance, ZERO, node.max, rule.step),
        )
    if isinstance(rule, YesNoRule):
        return (InputSpec("met", "boolean", rule.label, node.guidance),)
    if isinstance(rule, ChecklistRule):
        items = tuple(
            ChecklistItemSpec(i, item.label, item.points) for i, item in enumerate(rule.items)
        )
        return (InputSpec("items", "checklist", node.name, node.guidance, items=items),)
    if isinstance(rule, SurveyRule):
        q = merge_questionnaires(framework, questionnaires).get(rule.questionnaire)
        questions = tuple(QuestionSpec(c, _question_text(q, c)) for c in rule.questions)
        options = tuple(OptionSpec(o.code, o.label, o.share) for o in q.scale) if q else ()
        return (
            InputSpec(
                "answers",
                "answers",
                node.name,
                node.guidance,
                questions=questions,
                options=options,
                questionnaire=rule.questionnaire,
            ),
        )
    return ()


def _question_text(q: Questionnaire | None, code: str) -> str:
    if q is not None:
        for question in q.questions:
            if question.code == code:
                return question.text
    return code


def parse_ui_value(spec: InputSpec, text: str) -> Any:
    """Read a value typed for ``spec``: a Decimal, a date or a bool. Raises
    :class:`UIValueError` (Vietnamese message) when it cannot be read or is out of range.
    Checklists and survey answers are not typed as text."""
    kind = spec.type
    if kind == "boolean":
        return parse_bool_text(text)
    if kind == "date":
        day = parse_date_text(text)
        if isinstance(spec.min, dt.date) and day < spec.min:
            raise UIValueError(f"ngày không được trước {spec.min:%d/%m/%Y}")
        if isinstance(spec.max, dt.date) and day > spec.max:
            raise UIValueError(f"ngày không được sau {spec.max:%d/%m/%Y}")
        return day
    if kind not in ("integer", "decimal", "percent"):
        raise UIValueError(f"'{spec.label}' không nhập bằng chữ")
    value = parse_number_text(text, integer=kind == "integer", percent=kind == "percent")
    if isinstance(spec.min, Decimal) and value < spec.min:
        raise UIValueError(f"không được nhỏ hơn {format_decimal(spec.min, comma=True)}")
    if isinstance(spec.max, Decimal) and value > spec.max:
        raise UIValueError(f"không được lớn hơn {format_decimal(spec.max, comma=True)}")
    return value


def validate_entry(
    framework: Framework,
    code: str,
    values: Mapping[str, Any],
    *,
    partial: bool,
    questionnaires: Iterable[Questionnaire] = (),
    warnings: list[EntryError] | None = None,
) -> list[EntryError]:
    """Every problem with the values given for node ``code``, failed error checks included
    (``input`` None, ``inputs`` the names the check reads). With ``partial``, inputs not given
    yet are not reported. Failed warning checks are appended to ``warnings`` when given."""
    _, errors = check_entry(
        framework,
        code,
        values,
        partial=partial,
        questionnaires=merge_questionnaires(framework, questionnaires),
        warnings=warnings,
    )
    return errors


@dataclass(frozen=True, slots=True)
class LeafScore:
    """Live score of one leaf: ``points`` and ``explanation`` are None while the values are
    incomplete or wrong (``errors`` says why, failed error checks included), or for a
    not-applicable declaration. ``warnings``: the failed warning checks."""

    points: Decimal | None
    explanation: Explanation | None
    errors: tuple[EntryError, ...] = ()
    warnings: tuple[EntryError, ...] = ()


def score_leaf(
    framework: Framework,
    code: str,
    values: Mapping[str, Any],
    *,
    questionnaires: Iterable[Questionnaire] = (),
) -> LeafScore:
    """Points and explanation of leaf ``code`` from complete values."""
    warned: list[EntryError] = []
    result, errors = check_entry(
        framework,
        code,
        values,
        questionnaires=merge_questionnaires(framework, questionnaires),
        warnings=warned,
    )
    if errors:
        return LeafScore(None, None, tuple(errors), tuple(warned))
    node = framework.node(code)
    if isinstance(result, str):
        r = NodeResult(node, False, None, ZERO, False, framework.decimals, reason=result)
        return LeafScore(None, r.explanation)
    if result is None or not node.is_leaf:  # pragma: no cover - check_entry refuses these
        return LeafScore(None, None, (EntryError(code, None, "không chấm được tiêu chí này"),))
    try:
        points, raw, case, clamped = evaluate_leaf(node, result, framework.decimals)
    except EvaluationError as exc:
        return LeafScore(None, None, (EntryError(code, None, exc.message),))
    missing = (
        isinstance(node.rule, SurveyRule) and type(result) is not Override and not result[0].valid
    )
    r = NodeResult(
        node, True, points, node.max, missing, framework.decimals, raw, case, clamped, result
    )
    return LeafScore(points, r.explanation, (), tuple(warned))


def format_points(value: Decimal | None, decimals: int | None = None) -> str:
    """Points for a page: ``75,84`` (decimal comma; empty text for None)."""
    if value is None:
        return ""
    return format_decimal(value, decimals, comma=True)
