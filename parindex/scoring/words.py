"""Rules and results told in Vietnamese, for the people who read them.

Every page, the ``score`` command (table and JSON ``explanation``) and the criteria set's
export word rules through this module, so that a person never reads engine text: inputs are
named by their **label**, ``max_points`` by the node's maximum, numbers with a decimal comma,
dates as dd/mm/yyyy, operators as ``≥ ≤ ≠ × và hoặc không``.

* :func:`rule_in_words` — a leaf's rule as a few lines (``Nếu Ngày ban hành kế hoạch không
  muộn hơn 31/01/2025: 1,00 điểm`` … ``Còn lại: 0 điểm``), then its consistency checks
  (``Kiểm tra: … — nếu không: <message>``) and a legend of the inputs by label and type;
  :func:`rule_text_in_words` does the same from a rule written as in a file (a mapping or its
  YAML flow text), for pages that compare versions.
* :func:`expression_in_words` — one expression in words.

Expressions and values are worded by :class:`~.speaker.Speaker` (which the explanations of
results, :mod:`.explain`, share).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .expr import CompiledExpression
from .expr.ast import Expr
from .model import (
    CheckLevel,
    ChecklistRule,
    Framework,
    GeneralRule,
    InputDef,
    InputType,
    ManualRule,
    Node,
    Questionnaire,
    Rule,
    SurveyRule,
    YesNoRule,
)
from .numbers import format_decimal
from .problems import ProblemsError
from .reader import Reader
from .rules import parse_rule
from .speaker import Speaker, amount, date_text, input_label, parsed_expression, points
from .yamlio.reader import load_flow_text

__all__ = [
    "UNREADABLE_RULE",
    "RuleWords",
    "expression_in_words",
    "rule_in_words",
    "rule_text_in_words",
    "rule_words",
    "rules_in_words",
]

_TYPE_WORDS = {
    InputType.INTEGER: "số nguyên",
    InputType.DECIMAL: "số",
    InputType.PERCENT: "tỉ lệ %",
    InputType.BOOLEAN: "có/không",
    InputType.DATE: "ngày",
}
_HUNDRED = Decimal(100)

#: What a page shows for a rule that cannot be read (never the rule's text).
UNREADABLE_RULE = "Không đọc được cách chấm này; hãy kiểm tra bộ tiêu chí."


@dataclass(frozen=True, slots=True)
class RuleWords:
    """``lines``: the rule, then its checks; ``legend``: the inputs it reads, by label."""

    kind: str
    lines: tuple[str, ...]
    legend: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        parts = list(self.lines)
        if self.legend:
            parts.append("Trong đó: " + "; ".join(self.legend))
        return "\n".join(parts)


# -- rules in words ------------------------------------------------------------------------


def expression_in_words(
    expression: str | Expr,
    labels: Sequence[InputDef] | Mapping[str, str] = (),
    *,
    node_max: Decimal | None = None,
    decimals: int | None = None,
) -> str:
    """One expression in words: inputs by label (a mapping name → label, or the rule's input
    definitions), ``max_points`` as ``node_max`` (or "điểm tối đa"). An expression that does
    not parse is not shown as written: a neutral sentence is returned instead."""
    tree = parsed_expression(expression) if isinstance(expression, str) else expression
    if tree is None:
        return "(công thức không đọc được)"
    return Speaker(labels, node_max=node_max, decimals=decimals).words(tree)


def _points_words(speaker: Speaker, expression: CompiledExpression) -> str:
    """Points of a case: ``1,00 điểm`` when they do not depend on the values typed (``0,50
    điểm`` for half the maximum), else the computation in words."""
    if expression.is_constant and isinstance(expression.constant, Decimal):
        return amount(expression.constant, speaker.decimals)
    tree = parsed_expression(expression.text)
    if tree is None:
        return "(công thức không đọc được)"
    return speaker.words(tree)


def _legend_entry(d: InputDef) -> str:
    label = input_label(d)
    kind = _TYPE_WORDS.get(d.type, "số")
    low, high = d.min, d.max
    if d.type is InputType.PERCENT:
        low = low if low is not None else Decimal(0)
        high = high if high is not None else _HUNDRED

    def shown(value: object) -> str:
        if isinstance(value, dt.date):
            return date_text(value)
        if isinstance(value, Decimal):
            return points(value)
        return str(value)

    is_date = d.type is InputType.DATE
    if low is not None and high is not None:
        bounds = f", từ {shown(low)} đến {shown(high)}"
    elif low is not None:
        bounds = f", từ {shown(low)}"
    elif high is not None:
        bounds = f", {'đến' if is_date else 'không quá'} {shown(high)}"
    else:
        bounds = ""
    if is_date:
        kind = "ngày (dd/mm/yyyy)"
    return f"{label}: {kind}{bounds}"


def _general(rule: GeneralRule, node_max: Decimal | None, decimals: int | None) -> RuleWords:
    speaker = Speaker(rule.inputs, node_max=node_max, decimals=decimals)
    lines: list[str] = []
    used: list[str] = []
    for index, case in enumerate(rule.cases):
        worth = _points_words(speaker, case.points)
        if case.when is not None:
            tree = parsed_expression(case.when.text)
            condition = speaker.words(tree) if tree is not None else "(điều kiện không đọc được)"
            lines.append(f"Nếu {condition}: {worth}")
        elif index == 0:
            lines.append(f"Luôn được {worth}" if case.points.is_constant else f"Điểm = {worth}")
        else:
            lines.append(f"Còn lại: {worth}")
        for expression in (case.when, case.points):
            if expression is not None:
                used.extend(n for n in expression.names if n not in used)
    if not rule.cases or rule.cases[-1].when is not None:
        lines.append("Còn lại: 0 điểm")
    for check in rule.checks:
        tree = parsed_expression(check.require.text)
        required = speaker.words(tree) if tree is not None else "(điều kiện không đọc được)"
        level = " (cảnh báo)" if check.level is CheckLevel.WARNING else ""
        lines.append(f"Kiểm tra{level}: {required} — nếu không: {check.message}")
        used.extend(n for n in check.require.names if n not in used)
    legend = tuple(_legend_entry(d) for d in rule.inputs if d.name in used)
    return RuleWords("general", tuple(lines), legend)


def rule_words(
    rule: Rule,
    *,
    node_max: Decimal,
    decimals: int | None = None,
    questionnaires: Mapping[str, Questionnaire] | None = None,
) -> RuleWords:
    """A rule in words, for a leaf whose maximum is ``node_max``."""
    top = amount(node_max, decimals)
    if isinstance(rule, ManualRule):
        text = f"Chấm trực tiếp từ 0 đến {top}"
        if rule.step is not None:
            text += f", theo bước {points(rule.step)}"
        return RuleWords("manual", (text,))
    if isinstance(rule, YesNoRule):
        return RuleWords("yes_no", (f"Có/đạt “{rule.label}”: {top}; không: 0 điểm",))
    if isinstance(rule, ChecklistRule):
        lines = [f"Cộng điểm các nội dung đạt (tối đa {top}):"]
        lines.extend(f"{item.label}: {amount(item.points, decimals)}" for item in rule.items)
        return RuleWords("checklist", tuple(lines))
    if isinstance(rule, SurveyRule):
        questionnaire = (questionnaires or {}).get(rule.questionnaire)
        if questionnaire is None:
            head = f"phiếu {rule.questionnaire} (chưa có trong bộ tiêu chí)"
            texts: dict[str, str] = {}
        else:
            head = f"phiếu “{questionnaire.name}”"
            texts = {q.code: q.text for q in questionnaire.questions}
        maximum = format_decimal(node_max, decimals, comma=True)
        lines = [
            f"Điều tra xã hội học, {head}: điểm = {maximum} × tỉ lệ bình quân của các "
            "câu trả lời hợp lệ cho các câu hỏi:"
        ]
        lines.extend(f"{code}: {texts[code]}" if code in texts else code for code in rule.questions)
        return RuleWords("survey", tuple(lines))
    return _general(rule, node_max, decimals)


def rule_in_words(node: Node, framework: Framework) -> RuleWords | None:
    """The rule of a leaf in words (None for a parent)."""
    if node.rule is None:
        return None
    return rule_words(
        node.rule,
        node_max=node.max,
        decimals=framework.decimals,
        questionnaires=framework.questionnaires,
    )


def rules_in_words(framework: Framework) -> dict[str, str]:
    """Every leaf's rule in words (its :attr:`RuleWords.text`), by node code."""
    out: dict[str, str] = {}
    for node in framework.leaves():
        told = rule_in_words(node, framework)
        if told is not None:
            out[node.code] = told.text
    return out


def rule_text_in_words(
    rule: Any,
    *,
    node_max: Decimal,
    decimals: int | None = None,
    label: str | None = None,
    questionnaires: Mapping[str, Questionnaire] | Iterable[Questionnaire] = (),
) -> RuleWords:
    """A rule as written in a file — its document (a mapping, ``"manual"`` or None) or the
    YAML flow text of a cell or of the canonical form — in words. It is read with the
    engine's rule reader; a rule that does not read gives :data:`UNREADABLE_RULE`, never its
    text. ``label`` is the node's name (the question of a bare ``yes_no``)."""
    unreadable = RuleWords("unreadable", (UNREADABLE_RULE,))
    raw = rule
    if isinstance(rule, str):
        text = rule.strip()
        if not text:
            raw = None
        elif text != "manual":
            try:
                raw = load_flow_text(text, filename="cách chấm")
            except ProblemsError:
                return unreadable
    known = (
        dict(questionnaires)
        if isinstance(questionnaires, Mapping)
        else {q.code: q for q in questionnaires}
    )
    parsed = parse_rule(
        Reader("cách chấm"),
        raw,
        code="",
        node_max=node_max,
        label=label or "Đạt yêu cầu",
        questionnaires=known,
    )
    if parsed is None:
        return unreadable
    return rule_words(parsed, node_max=node_max, decimals=decimals, questionnaires=known)
