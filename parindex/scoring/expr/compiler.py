"""Compiles a type-checked expression into nested Python closures, once per rule.

No ``eval``, ``exec`` or ``compile``: each syntax node becomes a small closure that calls the
closures of its operands. Inputs are read by position from a tuple of values (an
``operator.itemgetter``), ``max_points`` and other constants are folded in, and sub-expressions
made only of constants are computed at compile time. Arithmetic uses the methods of
:data:`~parindex.scoring.numbers.ARITH` (exact, 34 digits, division by zero trapped).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..numbers import ARITH, ROUNDING, quantum
from .ast import Binary, BoolLit, Call, Expr, Name, NumberLit, StringLit, Unary
from .errors import ExprError
from .typecheck import parse_iso_date

__all__ = ["Env", "Evaluator", "compile_ast"]

Env = Sequence[Any]
Evaluator = Callable[[Env], Any]

_ARITH: dict[str, Callable[[Decimal, Decimal], Decimal]] = {
    "+": ARITH.add,
    "-": ARITH.subtract,
    "*": ARITH.multiply,
    "/": ARITH.divide,
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class _Const:
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_Compiled = _Const | Evaluator


def _days_between(a: dt.date, b: dt.date) -> Decimal:
    return Decimal((b - a).days)


class _Compiler:
    def __init__(self, slots: Mapping[str, int], constants: Mapping[str, Any]) -> None:
        self.slots = slots
        self.constants = constants

    def fold(self, fn: Evaluator, pos: int) -> _Const:
        try:
            return _Const(fn(()))
        except ArithmeticError:
            raise ExprError("phép tính trên các hằng số không hợp lệ (chia cho 0?)", pos) from None

    def build(self, e: Expr) -> _Compiled:
        if isinstance(e, NumberLit | BoolLit):
            return _Const(e.value)
        if isinstance(e, StringLit):  # only reached through date(), see call()
            return _Const(e.value)
        if isinstance(e, Name):
            if e.name in self.constants:
                return _Const(self.constants[e.name])
            return operator.itemgetter(self.slots[e.name])
        if isinstance(e, Unary):
            inner = self.build(e.operand)
            if e.op == "-":
                neg = ARITH.minus
                if isinstance(inner, _Const):
                    return self.fold(lambda v: neg(inner.value), e.pos)
                f = inner
                return lambda v: neg(f(v))
            if isinstance(inner, _Const):
                return _Const(not inner.value)
            g = inner
            return lambda v: not g(v)
        if isinstance(e, Binary):
            return self.binary(e)
        return self.call(e)

    def binary(self, e: Binary) -> _Compiled:
        left = self.build(e.left)
        right = self.build(e.right)
        op = e.op
        if op in ("and", "or"):
            if isinstance(left, _Const):
                if (op == "and") is (not left.value):
                    return _Const(left.value)
                return right
            lf = left
            if isinstance(right, _Const):  # x and true == x; x or false == x
                if (op == "and") is bool(right.value):
                    return lf
                return _Const(right.value)
            rf = right
            if op == "and":
                return lambda v: lf(v) and rf(v)
            return lambda v: lf(v) or rf(v)
        fn = _ARITH.get(op) or _COMPARE[op]
        return self.apply2(fn, left, right, e.pos)

    def apply2(
        self, fn: Callable[[Any, Any], Any], left: _Compiled, right: _Compiled, pos: int
    ) -> _Compiled:
        if isinstance(left, _Const) and isinstance(right, _Const):
            a, b = left.value, right.value
            return self.fold(lambda v: fn(a, b), pos)
        if isinstance(right, _Const):
            lf, c = left, right.value
            assert not isinstance(lf, _Const)
            return lambda v: fn(lf(v), c)
        if isinstance(left, _Const):
            c2, rf = left.value, right
            return lambda v: fn(c2, rf(v))
        lf2, rf2 = left, right
        return lambda v: fn(lf2(v), rf2(v))

    def call(self, e: Call) -> _Compiled:
        func = e.func
        if func == "date":
            arg = e.args[0]
            assert isinstance(arg, StringLit)
            return _Const(parse_iso_date(arg.value))
        args = [self.build(a) for a in e.args]
        if func == "round":
            places = args[1]
            assert isinstance(places, _Const)
            q = quantum(int(places.value))
            return self.apply1(lambda x: ROUNDING.quantize(x, q), args[0], e.pos)
        if func == "abs":
            return self.apply1(ARITH.abs, args[0], e.pos)
        if func == "days_between":
            return self.apply2(_days_between, args[0], args[1], e.pos)
        pick: Callable[..., Any] = min if func == "min" else max
        if len(args) == 1:
            return args[0]
        if len(args) == 2:
            return self.apply2(pick, args[0], args[1], e.pos)
        if all(isinstance(a, _Const) for a in args):
            values = [a.value for a in args if isinstance(a, _Const)]
            return _Const(pick(values))
        fns = tuple(_as_fn(a) for a in args)
        return lambda v: pick([f(v) for f in fns])

    def apply1(self, fn: Callable[[Any], Any], arg: _Compiled, pos: int) -> _Compiled:
        if isinstance(arg, _Const):
            value = arg.value
            return self.fold(lambda v: fn(value), pos)
        f = arg
        return lambda v: fn(f(v))


def _as_fn(c: _Compiled) -> Evaluator:
    if isinstance(c, _Const):
        value = c.value
        return lambda v: value
    return c


def compile_ast(
    expr: Expr, slots: Mapping[str, int], constants: Mapping[str, Any]
) -> tuple[Evaluator, bool, Any]:
    """Compile ``expr`` (already type-checked). Returns ``(evaluate, is_constant, value)``:
    ``evaluate(values)`` computes it from the tuple of input values; when the whole expression
    is constant, ``is_constant`` is true and ``value`` is its value."""
    built = _Compiler(slots, constants).build(expr)
    if isinstance(built, _Const):
        return _as_fn(built), True, built.value
    return built, False, None
