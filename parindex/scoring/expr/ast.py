"""Syntax tree of rule expressions.

Every node records ``pos``, the 0-based character offset in the expression text, so that errors
can point at the place ("ở ký tự 12").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

__all__ = ["Binary", "BoolLit", "Call", "Expr", "Name", "NumberLit", "StringLit", "Unary"]


@dataclass(frozen=True, slots=True)
class NumberLit:
    value: Decimal
    pos: int


@dataclass(frozen=True, slots=True)
class BoolLit:
    value: bool
    pos: int


@dataclass(frozen=True, slots=True)
class StringLit:
    """Only valid as the argument of ``date("2025-12-15")``."""

    value: str
    pos: int


@dataclass(frozen=True, slots=True)
class Name:
    name: str
    pos: int


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "-" or "not"
    operand: Expr
    pos: int


@dataclass(frozen=True, slots=True)
class Binary:
    """Arithmetic (``+ - * /``), comparison (``< <= > >= == !=``) or logic (``and``, ``or``)."""

    op: str
    left: Expr
    right: Expr
    pos: int


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple[Expr, ...]
    pos: int


Expr = NumberLit | BoolLit | StringLit | Name | Unary | Binary | Call
