"""Expressions and values in Vietnamese words, with or without the values typed.

:class:`Speaker` names inputs by their **label**, ``max_points`` by the node's maximum, numbers
with a decimal comma, dates as dd/mm/yyyy and operators as ``≥ ≤ ≠ × và hoặc không``. Given
the values, it also says which condition held or why each failed (``Ngày ban hành 15/02/2025,
muộn hơn 31/01/2025``) and shows the arithmetic with the numbers substituted (``1,00 × 19 / 20
= 0,95``); sub-expressions are evaluated with the expression compiler — never the hot path.
Used by :mod:`.words` (rules) and :mod:`.explain` (results).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .expr import names_in
from .expr.ast import Binary, BoolLit, Call, Expr, Name, NumberLit, StringLit, Unary
from .expr.compiler import compile_ast
from .expr.errors import ExprError
from .expr.parser import INFIX_PRECEDENCE as _PRECEDENCE
from .expr.parser import parse
from .expr.typecheck import parse_iso_date
from .model import (
    InputDef,
    InputType,
)
from .numbers import ARITH, ROUNDING, format_decimal, quantum

__all__ = [
    "MAX_POINTS",
    "Speaker",
    "amount",
    "date_text",
    "input_label",
    "parsed_expression",
    "points",
    "value_in_words",
]

MAX_POINTS = "max_points"

_SYMBOLS = {
    "or": "hoặc",
    "and": "và",
    ">=": "≥",
    "<=": "≤",
    "==": "=",
    "!=": "≠",
    "*": "×",
}
_NEGATED = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "==": "≠", "!=": "="}
_COMPARISONS = frozenset(_NEGATED)
_DATE_HOLDS = {
    "<=": "không muộn hơn",
    "<": "trước",
    ">=": "không sớm hơn",
    ">": "sau",
    "==": "đúng ngày",
    "!=": "khác ngày",
}
_DATE_FAILS = {
    "<=": "muộn hơn",
    "<": "không trước",
    ">=": "sớm hơn",
    ">": "không sau",
    "==": "khác ngày",
    "!=": "đúng ngày",
}
_HUNDRED = Decimal(100)
_SHOWN_PLACES = 4  # computed values (a quotient) are shown with at most this many decimals

# -- numbers, dates, values ---------------------------------------------------------------


def points(value: Decimal) -> str:
    """A number as written, with a decimal comma: ``0.25`` → ``0,25``."""
    return format_decimal(value, comma=True)


def amount(value: Decimal, decimals: int | None) -> str:
    """Points in a rule: ``1,00 điểm`` (the set's decimals); nothing is ``0 điểm``."""
    if not value:
        return "0 điểm"
    return f"{format_decimal(value, decimals, comma=True)} điểm"


def date_text(value: dt.date) -> str:
    """``2025-01-31`` → ``31/01/2025``."""
    return value.strftime("%d/%m/%Y")


def _computed(value: Decimal, places: int = _SHOWN_PLACES) -> str:
    """A value computed for an explanation: ``18`` (not ``18.0``), at most ``places``
    decimals, without trailing zeros."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        value = ROUNDING.quantize(value, quantum(places))
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1), context=ROUNDING)
    else:
        value = value.normalize(ROUNDING)
    return format_decimal(value, comma=True)


def value_in_words(value: Any, itype: InputType | None = None) -> str:
    """A value typed by a person, as they would write it: ``có``, ``0,5``, ``95 %``,
    ``20/01/2025``; a checklist's ticks as ``có, không``."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, Decimal):
        text = format_decimal(value, comma=True)
        return f"{text} %" if itype is InputType.PERCENT else text
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, list | tuple):
        return ", ".join(value_in_words(v) for v in value)
    return str(value)


def input_label(d: InputDef) -> str:
    """How an input is named to people: its label; without one, its name made readable."""
    if d.label and d.label != d.name:
        return d.label
    return _humanised(d.name)


def _humanised(name: str) -> str:
    text = " ".join(part for part in name.replace("_", " ").split())
    return (text[:1].upper() + text[1:]) if text else name


def _without_percent(label: str) -> str:
    """``Tỷ lệ hồ sơ (%)`` → ``Tỷ lệ hồ sơ`` (where the number itself carries ``%``)."""
    for tail in (" (%)", "(%)", " %"):
        if label.endswith(tail) and len(label) > len(tail):
            return label[: -len(tail)].rstrip()
    return label


def _percent(ratio: Decimal, places: int = 2) -> str:
    return _computed(ARITH.multiply(ratio, _HUNDRED), places) + " %"


@lru_cache(maxsize=1024)
def parsed_expression(text: str) -> Expr | None:
    """The syntax tree of an expression text (None when it does not parse); cached."""
    try:
        return parse(text)
    except ExprError:
        return None


def _chain(e: Expr, op: str) -> list[Expr]:
    """``a and b and c`` → ``[a, b, c]``."""
    if isinstance(e, Binary) and e.op == op:
        return _chain(e.left, op) + _chain(e.right, op)
    return [e]


# -- the speaker ---------------------------------------------------------------------------


class Speaker:
    """Words for the expressions of one rule.

    ``inputs``: the rule's input definitions (or a mapping name → label); ``node_max``: the
    value of ``max_points`` (None: said as "điểm tối đa"); ``decimals``: the set's decimals
    for points; ``values``: the values typed, in input order, for explanations.
    """

    def __init__(
        self,
        inputs: Sequence[InputDef] | Mapping[str, str] = (),
        *,
        node_max: Decimal | None = None,
        decimals: int | None = None,
        values: Sequence[Any] | None = None,
    ) -> None:
        self.labels: dict[str, str] = {}
        self.types: dict[str, InputType] = {}
        if isinstance(inputs, Mapping):
            self.labels.update(inputs)
            names: list[str] = list(inputs)
        else:
            names = []
            for d in inputs:
                names.append(d.name)
                self.labels[d.name] = input_label(d)
                self.types[d.name] = d.type
        self.node_max = node_max
        self.decimals = decimals
        self.slots = {name: i for i, name in enumerate(names)}
        self.values: tuple[Any, ...] = tuple(values) if values is not None else ()
        self.by_name: dict[str, Any] = (
            dict(zip(names, self.values, strict=False)) if values is not None else {}
        )

    # -- helpers ---------------------------------------------------------------------------

    def label(self, name: str) -> str:
        found = self.labels.get(name)
        return found if found is not None else _humanised(name)

    def max_text(self) -> str:
        if self.node_max is None:
            return "điểm tối đa"
        return format_decimal(self.node_max, self.decimals, comma=True)

    def kind(self, e: Expr) -> str:
        """``number``, ``date``, ``boolean`` or ``percent`` (a percent input)."""
        if isinstance(e, NumberLit):
            return "number"
        if isinstance(e, BoolLit):
            return "boolean"
        if isinstance(e, StringLit):
            return "date"
        if isinstance(e, Name):
            itype = self.types.get(e.name)
            if itype is InputType.PERCENT:
                return "percent"
            if itype is InputType.DATE:
                return "date"
            if itype is InputType.BOOLEAN:
                return "boolean"
            return "number"
        if isinstance(e, Unary):
            return "boolean" if e.op == "not" else "number"
        if isinstance(e, Binary):
            return "boolean" if e.op in _COMPARISONS or e.op in ("and", "or") else "number"
        if e.func == "date":
            return "date"
        if e.func in ("min", "max") and e.args:
            inner = self.kind(e.args[0])
            return "date" if inner == "date" else "number"
        return "number"

    def is_date(self, e: Expr) -> bool:
        return self.kind(e) == "date"

    def value(self, e: Expr) -> Any:
        """The value of a sub-expression for the values typed; raises ArithmeticError (or
        ExprError, KeyError for a name it cannot read)."""
        constants = {MAX_POINTS: self.node_max} if self.node_max is not None else {}
        evaluate, is_constant, constant = compile_ast(e, self.slots, constants)
        return constant if is_constant else evaluate(self.values)

    def try_value(self, e: Expr) -> tuple[bool, Any]:
        try:
            return True, self.value(e)
        except (ArithmeticError, ExprError, KeyError, IndexError, TypeError):
            return False, None

    # -- rendering -------------------------------------------------------------------------

    def render(
        self,
        e: Expr,
        name: Callable[[Name], str],
        parent: int = 0,
        right_of: str | None = None,
    ) -> str:
        """``e`` in words; ``name`` says how a name reads. ``parent`` is the precedence of
        the operator around ``e``, ``right_of`` that operator when ``e`` is its right operand
        (``a - (b + c)`` keeps its parentheses)."""
        if isinstance(e, NumberLit):
            return points(e.value)
        if isinstance(e, BoolLit):
            return "có" if e.value else "không"
        if isinstance(e, StringLit):
            day = parse_iso_date(e.value)
            return date_text(day) if day is not None else e.value
        if isinstance(e, Name):
            return name(e)
        if isinstance(e, Unary):
            if e.op == "not":
                if isinstance(e.operand, Name):
                    text = f"không “{self.render(e.operand, name)}”"
                else:
                    text = f"không ({self.render(e.operand, name)})"
                return f"({text})" if parent > 3 else text
            return f"-{self.render(e.operand, name, 7)}"
        if isinstance(e, Binary):
            prec = _PRECEDENCE.get(e.op, 4)
            if e.op in _COMPARISONS:
                text = self.comparison_words(e, name)
            else:
                left = self.render(e.left, name, prec)
                right = self.render(e.right, name, prec, right_of=e.op)
                text = f"{left} {_SYMBOLS.get(e.op, e.op)} {right}"
            needs = prec < parent or (prec == parent and right_of in ("-", "/"))
            return f"({text})" if needs else text
        if e.func == "days_between" and name == self.number_name:  # the arithmetic: a number
            ok, days = self.try_value(e)
            if ok and isinstance(days, Decimal):
                return _computed(days)
        args = [self.render(a, name) for a in e.args]
        if e.func == "date" and len(e.args) == 1:
            return args[0]
        if e.func == "days_between" and len(args) == 2:
            return f"số ngày từ {args[0]} đến {args[1]}"
        if e.func == "min" and len(args) > 1:
            return f"nhỏ nhất của ({'; '.join(args)})"
        if e.func == "max" and len(args) > 1:
            return f"lớn nhất của ({'; '.join(args)})"
        if e.func in ("min", "max") and len(args) == 1:
            return args[0]
        if e.func == "abs" and len(args) == 1:
            return f"|{args[0]}|"
        if e.func == "round" and len(args) == 2:
            return f"làm tròn ({args[0]}; {args[1]} chữ số thập phân)"
        return f"{e.func}({'; '.join(args)})"  # pragma: no cover - the checker refuses others

    def comparison_words(self, e: Binary, name: Callable[[Name], str]) -> str:
        """A comparison without values: dates in words, a percent against ``90 %``."""
        left_kind, right_kind = self.kind(e.left), self.kind(e.right)
        if "date" in (left_kind, right_kind) and e.op in _DATE_HOLDS:
            left = self.render(e.left, name, 5)
            right = self.render(e.right, name, 5)
            return f"{left} {_DATE_HOLDS[e.op]} {right}"
        left = self.side_without_values(e.left, right_kind, name)
        right = self.side_without_values(e.right, left_kind, name)
        return f"{left} {_SYMBOLS.get(e.op, e.op)} {right}"

    def side_without_values(self, e: Expr, other: str, name: Callable[[Name], str]) -> str:
        if other == "percent" and isinstance(e, NumberLit):
            return f"{points(e.value)} %"
        if isinstance(e, Name) and self.kind(e) == "percent" and name == self.rule_name:
            return _without_percent(self.label(e.name))
        return self.render(e, name, 5)

    def rule_name(self, e: Name) -> str:
        if e.name == MAX_POINTS:
            return self.max_text()
        return self.label(e.name)

    def number_name(self, e: Name) -> str:
        """A name replaced by its value (the arithmetic of points)."""
        if e.name == MAX_POINTS:
            return self.max_text()
        if e.name not in self.by_name:
            return self.label(e.name)
        value = self.by_name[e.name]
        if isinstance(value, Decimal):
            return format_decimal(value, comma=True)
        return value_in_words(value)

    def valued_name(self, e: Name) -> str:
        """A name with its value: ``Số chỉ tiêu theo kế hoạch 20``."""
        if e.name == MAX_POINTS:
            return self.max_text()
        if e.name not in self.by_name:
            return self.label(e.name)
        itype = self.types.get(e.name)
        value = self.by_name[e.name]
        if itype is InputType.BOOLEAN or isinstance(value, bool):
            return f"{self.label(e.name)} ({value_in_words(value)})"
        if itype is InputType.PERCENT:
            return f"{_without_percent(self.label(e.name))} {value_in_words(value, itype)}"
        return f"{self.label(e.name)} {value_in_words(value, itype)}"

    # -- public words ----------------------------------------------------------------------

    def words(self, e: Expr) -> str:
        """An expression in words, without values."""
        return self.render(e, self.rule_name)

    def arithmetic(self, e: Expr) -> str:
        """An expression with the values typed in place of the names: ``1,00 × 19 / 20``."""
        return self.render(e, self.number_name)

    def named(self, e: Expr) -> tuple[str, ...]:
        """The inputs an expression reads, in order of first use."""
        return tuple(n for n in names_in(e) if n in self.slots)

    def values_of(self, names: Iterable[str]) -> str:
        """``Số hồ sơ tiếp nhận 12, Ngày gửi 03/02/2025``."""
        return ", ".join(self.valued_name(Name(n, 0)) for n in names)

    # -- why a condition held or failed ----------------------------------------------------

    def reason(self, e: Expr) -> tuple[bool | None, str]:
        """Whether condition ``e`` holds for the values typed (None: it cannot be computed)
        and why, in words with the labels and the values."""
        ok, outcome = self.try_value(e)
        if not ok:
            return None, f"{self.words(e)}: không tính được (phép chia cho 0?)"
        held = bool(outcome)
        if isinstance(e, Binary) and e.op in ("and", "or"):
            parts = [(p, *self.reason(p)) for p in _chain(e, e.op)]
            if e.op == "and":  # failed: the parts that failed (else those not computed)
                failed = [p for p in parts if p[1] is False]
                chosen = parts if held else failed or [p for p in parts if p[1] is None]
            else:
                chosen = [p for p in parts if p[1] is True] if held else parts
            texts = [self.nested(p, text) for p, _, text in chosen]
            joiner = " hoặc " if e.op == "or" and held else " và "
            return held, joiner.join(texts)
        if isinstance(e, Unary) and e.op == "not":
            return held, self.reason(e.operand)[1]
        if isinstance(e, Binary) and e.op in _COMPARISONS:
            return held, self.comparison_reason(e, held)
        if isinstance(e, Name):
            return held, self.valued_name(e)
        if isinstance(e, BoolLit):
            return held, "luôn đúng" if e.value else "luôn sai"
        return held, f"{self.render(e, self.valued_name)}: {'đúng' if held else 'sai'}"

    def nested(self, e: Expr, text: str) -> str:
        if isinstance(e, Binary) and e.op in ("and", "or"):
            return f"({text})"
        return text

    def side(self, e: Expr, other: Expr) -> str:
        """One side of a comparison with its value: a name and its value, a number, or a
        computation and its result (``0,9 × Số chỉ tiêu theo kế hoạch 20 (= 18)``)."""
        if isinstance(e, NumberLit) and self.kind(other) == "percent":
            return f"{points(e.value)} %"
        if isinstance(e, NumberLit | StringLit | BoolLit | Name):
            return self.render(e, self.valued_name)
        if isinstance(e, Call) and e.func == "date":
            return self.render(e, self.valued_name)
        text = self.render(e, self.valued_name, 5)
        ok, value = self.try_value(e)
        if not ok:
            return f"{text} (không tính được)"
        if isinstance(value, dt.date):
            return f"{text} (= {date_text(value)})"
        if isinstance(value, Decimal):
            return f"{text} (= {_computed(value)})"
        return text

    def comparison_reason(self, e: Binary, held: bool) -> str:
        op = e.op
        if self.is_date(e.left) or self.is_date(e.right):
            phrase = (_DATE_HOLDS if held else _DATE_FAILS)[op]
            return f"{self.side(e.left, e.right)}, {phrase} {self.side(e.right, e.left)}"
        shown = _SYMBOLS.get(op, op) if held else _SYMBOLS.get(_NEGATED[op], _NEGATED[op])
        ratio = self.ratio_reason(e, shown)
        if ratio is not None:
            return ratio
        return f"{self.side(e.left, e.right)} {shown} {self.side(e.right, e.left)}"

    def ratio_reason(self, e: Binary, shown: str) -> str | None:
        """``a >= k * b`` with ``b > 0``: ``A 19 / B 20 = 95 % ≥ 90 %``."""
        if e.op not in (">=", ">", "<=", "<") or not isinstance(e.left, Name):
            return None
        right = e.right
        if not isinstance(right, Binary) or right.op != "*":
            return None
        if isinstance(right.left, NumberLit) and isinstance(right.right, Name):
            k, b = right.left.value, right.right
        elif isinstance(right.right, NumberLit) and isinstance(right.left, Name):
            k, b = right.right.value, right.left
        else:
            return None
        a_value, b_value = self.by_name.get(e.left.name), self.by_name.get(b.name)
        if not isinstance(a_value, Decimal) or not isinstance(b_value, Decimal):
            return None
        if b_value <= 0 or k <= 0 or self.kind(e.left) != "number" or self.kind(b) != "number":
            return None
        ratio = ARITH.divide(a_value, b_value)
        ratio_text, k_text = _percent(ratio), _percent(k)
        if ratio_text == k_text and ratio != k:  # never show "90 % < 90 %"
            ratio_text = _percent(ratio, 6)
            if ratio_text == k_text:
                ratio_text = ("gần " if ratio < k else "trên ") + k_text
        return f"{self.valued_name(e.left)} / {self.valued_name(b)} = {ratio_text} {shown} {k_text}"
