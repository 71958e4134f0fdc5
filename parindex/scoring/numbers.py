"""Exact decimal arithmetic, the one rounding rule, and number formatting.

Every number in the engine is a :class:`~decimal.Decimal`, never a float. Arithmetic runs in
:data:`ARITH`, a local context with 34 significant digits (a division keeps at least 28) that
traps division by zero, invalid operations and overflow, so a bad figure in a facts file is
reported instead of silently giving ``Infinity``. The thread's default context is never read
or changed: every operation goes through the context's own methods.

The only rounding is :func:`round_half_up` (``ROUND_HALF_UP`` to the set's ``decimals``), applied
to each leaf's final points, to totals and to the index. ``round(x, n)`` in expressions uses it
as well.

Formatting: :func:`format_decimal` writes a number without exponent, with a dot (files, JSON) or
a decimal comma (Vietnamese UI: ``75,84``), optionally grouping thousands with a dot
(``1.234,5``).
"""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

__all__ = [
    "ARITH",
    "ONE",
    "ROUNDING",
    "ZERO",
    "format_decimal",
    "quantum",
    "round_half_up",
]

#: Context of every arithmetic operation of the engine.
ARITH = Context(
    prec=34,
    rounding=ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[DivisionByZero, InvalidOperation, Overflow],
)

#: Context used for the one rounding rule (half-up).
ROUNDING = Context(
    prec=34,
    rounding=ROUND_HALF_UP,
    Emax=999_999,
    Emin=-999_999,
    traps=[InvalidOperation, Overflow],
)

ZERO = Decimal(0)
ONE = Decimal(1)

_QUANTA: dict[int, Decimal] = {}


def quantum(decimals: int) -> Decimal:
    """``Decimal('0.01')`` for 2 decimals, ``Decimal('1')`` for 0."""
    q = _QUANTA.get(decimals)
    if q is None:
        q = _QUANTA[decimals] = ONE.scaleb(-decimals)
    return q


def round_half_up(value: Decimal, decimals: int) -> Decimal:
    """Round half-up to ``decimals`` places; a zero result is always positive zero."""
    result = ROUNDING.quantize(value, quantum(decimals))
    if not result:
        return ROUNDING.quantize(ZERO, quantum(decimals))
    return result


def format_decimal(
    value: Decimal,
    decimals: int | None = None,
    *,
    comma: bool = False,
    group: bool = False,
) -> str:
    """Write ``value`` without exponent.

    ``decimals`` rounds half-up first (None keeps the value as it is, trailing zeros included).
    ``comma`` uses the Vietnamese decimal comma; ``group`` separates thousands with a dot
    (only together with ``comma``, as in ``1.234,5``).
    """
    if decimals is not None:
        value = round_half_up(value, decimals)
    elif not value:
        value = value.copy_abs()
    text = format(value, "f")
    if not comma:
        return text
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    whole, _, frac = text.partition(".")
    if group and len(whole) > 3:
        head = len(whole) % 3 or 3
        parts = [whole[:head]] + [whole[i : i + 3] for i in range(head, len(whole), 3)]
        whole = ".".join(parts)
    return sign + whole + ("," + frac if frac else "")


def is_integral(value: Decimal) -> bool:
    """True for a finite whole number (``9`` or ``9.0``)."""
    return value.is_finite() and value == value.to_integral_value()


def fits_step(value: Decimal, step: Decimal) -> bool:
    """True when ``value`` is a whole multiple of ``step`` (exactly)."""
    try:
        return ARITH.remainder(value, step).is_zero()
    except (InvalidOperation, DivisionByZero):
        return False
