"""A scoring rule told in Vietnamese, for people reading a criteria set on a page.

:func:`rule_in_words` gives a few short lines per leaf, numbers with a decimal comma:

* general rule: one line per case — ``Nếu done ≥ planned: điểm tối đa`` … ``Còn lại: 0 điểm``
  — then what each input means (``done: Số chỉ tiêu đã hoàn thành``);
* checklist: each item with its points; yes/no: the question and its points;
* manual: the range and step; survey: the questionnaire and the text of each question.

Expressions are shown as written, with ``≥ ≤ ≠ × và hoặc không`` for the operators,
``điểm tối đa`` for ``max_points`` and dates as dd/mm/yyyy.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from parindex.scoring import Framework, Node
from parindex.scoring.expr.ast import Binary, BoolLit, Call, Expr, Name, NumberLit, StringLit, Unary
from parindex.scoring.expr.errors import ExprError
from parindex.scoring.expr.parser import INFIX_PRECEDENCE as _PRECEDENCE
from parindex.scoring.expr.parser import parse
from parindex.scoring.model import (
    ChecklistRule,
    GeneralRule,
    InputType,
    ManualRule,
    SurveyRule,
    YesNoRule,
)
from parindex.scoring.numbers import format_decimal

__all__ = ["RuleWords", "expression_in_words", "points", "rule_in_words"]

_OPERATORS = {
    "or": "hoặc",
    "and": "và",
    ">=": "≥",
    "<=": "≤",
    "==": "=",
    "!=": "≠",
    "*": "×",
}
_TYPE_WORDS = {
    InputType.INTEGER: "số nguyên",
    InputType.DECIMAL: "số",
    InputType.PERCENT: "tỉ lệ %",
    InputType.BOOLEAN: "có/không",
    InputType.DATE: "ngày",
}


@dataclass(frozen=True, slots=True)
class RuleWords:
    """``lines``: the rule; ``legend``: what the inputs it names mean."""

    kind: str
    lines: tuple[str, ...]
    legend: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        parts = list(self.lines)
        if self.legend:
            parts.append("Trong đó: " + "; ".join(self.legend))
        return "\n".join(parts)


def points(value: Decimal) -> str:
    """``0.25`` → ``0,25``."""
    return format_decimal(value, comma=True)


def _date_text(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).strftime("%d/%m/%Y")
    except ValueError:
        return text


def _words(e: Expr, parent: int = 0, right_of: str | None = None) -> str:
    """``parent``: the precedence of the operator around ``e``; ``right_of``: that operator
    when ``e`` is its right operand (``a - (b + c)`` keeps its parentheses)."""
    if isinstance(e, NumberLit):
        return points(e.value)
    if isinstance(e, BoolLit):
        return "đúng" if e.value else "sai"
    if isinstance(e, StringLit):
        return e.value
    if isinstance(e, Name):
        return "điểm tối đa" if e.name == "max_points" else e.name
    if isinstance(e, Unary):
        if e.op == "not":
            text = f"không ({_words(e.operand)})"
            return f"({text})" if parent > 3 else text
        return f"−{_words(e.operand, 7)}"
    if isinstance(e, Binary):
        prec = _PRECEDENCE.get(e.op, 4)
        op = _OPERATORS.get(e.op, e.op)
        left = _words(e.left, prec)
        right_text = _words(e.right, prec, right_of=e.op)
        text = f"{left} {op} {right_text}"
        needs = prec < parent or (prec == parent and right_of in ("-", "/"))
        return f"({text})" if needs else text
    if isinstance(e, Call):
        args = [_words(a) for a in e.args]
        if e.func == "date" and len(e.args) == 1 and isinstance(e.args[0], StringLit):
            return _date_text(e.args[0].value)
        if e.func == "days_between" and len(args) == 2:
            return f"số ngày từ {args[0]} đến {args[1]}"
        if e.func == "min":
            return f"nhỏ nhất của ({'; '.join(args)})"
        if e.func == "max":
            return f"lớn nhất của ({'; '.join(args)})"
        if e.func == "abs" and len(args) == 1:
            return f"|{args[0]}|"
        if e.func == "round" and len(args) == 2:
            return f"làm tròn ({args[0]}; {args[1]} chữ số thập phân)"
        return f"{e.func}({'; '.join(args)})"
    return str(e)  # pragma: no cover - every expression kind is handled above


def expression_in_words(text: str) -> str:
    """One expression in words; the text as written if it does not parse."""
    try:
        return _words(parse(text))
    except ExprError:
        return text


def _points_words(text: str, node_max: Decimal) -> str:
    try:
        tree = parse(text)
    except ExprError:
        return text
    if isinstance(tree, NumberLit):
        return f"{points(tree.value)} điểm"
    if isinstance(tree, Name) and tree.name == "max_points":
        return f"điểm tối đa ({points(node_max)} điểm)"
    return _words(tree)


def _general(rule: GeneralRule, node: Node) -> RuleWords:
    lines: list[str] = []
    for index, case in enumerate(rule.cases):
        amount = _points_words(case.points.text, node.max)
        if case.when is not None:
            lines.append(f"Nếu {expression_in_words(case.when.text)}: {amount}")
        elif index == 0:
            lines.append(f"Điểm = {amount}")
        else:
            lines.append(f"Còn lại: {amount}")
    if not rule.cases or rule.cases[-1].when is not None:
        lines.append("Còn lại: 0 điểm")
    used: list[str] = []
    for case in rule.cases:
        for expression in (case.when, case.points):
            if expression is not None:
                used.extend(n for n in expression.names if n not in used)
    legend = []
    for item in rule.inputs:
        if item.name not in used:
            continue
        label = item.label or item.name
        kind = _TYPE_WORDS.get(item.type, str(item.type))
        if item.type is InputType.PERCENT and "%" in label:
            legend.append(f"{item.name}: {label}")
        else:
            legend.append(f"{item.name}: {label} ({kind})")
    return RuleWords("general", tuple(lines), tuple(legend))


def rule_in_words(node: Node, framework: Framework) -> RuleWords | None:
    """The rule of a leaf in words (None for a parent)."""
    rule = node.rule
    if rule is None:
        return None
    if isinstance(rule, ManualRule):
        text = f"Chấm trực tiếp từ 0 đến {points(node.max)} điểm"
        if rule.step is not None:
            text += f", theo bước {points(rule.step)}"
        return RuleWords("manual", (text,))
    if isinstance(rule, YesNoRule):
        return RuleWords(
            "yes_no", (f"Có/đạt “{rule.label}”: {points(node.max)} điểm; không: 0 điểm",)
        )
    if isinstance(rule, ChecklistRule):
        lines = [f"Cộng điểm các nội dung đạt (tối đa {points(node.max)} điểm):"]
        lines.extend(f"{item.label}: {points(item.points)} điểm" for item in rule.items)
        return RuleWords("checklist", tuple(lines))
    if isinstance(rule, SurveyRule):
        questionnaire = framework.questionnaires.get(rule.questionnaire)
        if questionnaire is None:
            head = f"phiếu {rule.questionnaire} (chưa có trong bộ tiêu chí)"
            texts: dict[str, str] = {}
        else:
            head = f"phiếu “{questionnaire.name}”"
            texts = {q.code: q.text for q in questionnaire.questions}
        lines = [
            f"Điều tra xã hội học, {head}: điểm = {points(node.max)} × tỉ lệ bình quân của các "
            "câu trả lời hợp lệ cho các câu hỏi:"
        ]
        lines.extend(f"{code}: {texts[code]}" if code in texts else code for code in rule.questions)
        return RuleWords("survey", tuple(lines))
    if isinstance(rule, GeneralRule):
        return _general(rule, node)
    return None  # pragma: no cover - every rule kind is handled above
