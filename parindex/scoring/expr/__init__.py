"""The expression language of rules: tokenizer, parser, type checker and closure compiler.

:func:`compile_expression` turns the text of a ``when`` or ``points`` into a
:class:`CompiledExpression` once; evaluating it is a plain call on a tuple of input values.
An expression can only compute: there is no attribute access, no indexing, no call of anything
but the six functions of the format, and no ``eval``/``exec``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .ast import Binary, Call, Expr, Name, Unary
from .compiler import Env, Evaluator, compile_ast
from .errors import ExprError
from .parser import FUNCTIONS, KEYWORDS, parse
from .typecheck import Type, check, parse_iso_date

__all__ = [
    "FUNCTIONS",
    "KEYWORDS",
    "CompiledExpression",
    "Env",
    "Evaluator",
    "ExprError",
    "Type",
    "compile_expression",
    "names_in",
    "parse",
    "parse_iso_date",
]


@dataclass(frozen=True, slots=True)
class CompiledExpression:
    """A checked, compiled expression. ``evaluate(values)`` reads inputs by position."""

    text: str
    type: Type
    evaluate: Evaluator
    is_constant: bool
    constant: Any
    names: tuple[str, ...]  # input names it reads, in order of first use


def names_in(tree: Expr) -> tuple[str, ...]:
    """The names an expression reads (inputs and constants such as ``max_points``), in order
    of first use."""
    out: list[str] = []

    def walk(e: Expr) -> None:
        if isinstance(e, Name):
            if e.name not in out:
                out.append(e.name)
        elif isinstance(e, Unary):
            walk(e.operand)
        elif isinstance(e, Binary):
            walk(e.left)
            walk(e.right)
        elif isinstance(e, Call):
            for a in e.args:
                walk(a)

    walk(tree)
    return tuple(out)


def compile_expression(
    text: str,
    inputs: Mapping[str, tuple[Type, int]],
    constants: Mapping[str, tuple[Type, Any]],
    *,
    expect: Type | None = None,
) -> CompiledExpression:
    """Parse, type-check and compile ``text``.

    ``inputs`` maps each input name to its type and its position in the value tuple;
    ``constants`` maps names such as ``max_points`` to a type and a value. ``expect`` is the
    required result type. Raises :class:`ExprError`.
    """
    tree = parse(text)
    types = {name: t for name, (t, _) in inputs.items()}
    types.update({name: t for name, (t, _) in constants.items()})
    result = check(tree, types)
    if expect is not None and result is not expect:
        if expect is Type.BOOLEAN:
            message = f"điều kiện phải cho kết quả đúng/sai, biểu thức này cho {result.label}"
        else:
            message = f"biểu thức phải cho kết quả là {expect.label}, không phải {result.label}"
        raise ExprError(message)
    slots = {name: index for name, (_, index) in inputs.items()}
    values = {name: value for name, (_, value) in constants.items()}
    evaluate, is_constant, constant = compile_ast(tree, slots, values)
    return CompiledExpression(
        text=text,
        type=result,
        evaluate=evaluate,
        is_constant=is_constant,
        constant=constant,
        names=tuple(n for n in names_in(tree) if n in inputs),
    )
