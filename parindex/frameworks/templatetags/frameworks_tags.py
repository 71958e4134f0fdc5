"""Display filters of the criteria-set pages: exact points with a decimal comma, labels."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from parindex.scoring.numbers import format_decimal

from ..labels import EVIDENCE_LABELS, KIND_LABELS, SOURCE_LABELS, unit_kinds_text

register = template.Library()


@register.filter
def points(value: Any) -> str:
    """Points as held, decimal comma, no trailing zeros: ``Decimal('1.5000')`` → ``1,5``."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return format_decimal(number, comma=True)


@register.filter
def source_label(value: str) -> str:
    return SOURCE_LABELS.get(value, value)


@register.filter
def evidence_label(value: str) -> str:
    return EVIDENCE_LABELS.get(value, value)


@register.filter
def kind_label(value: str) -> str:
    return KIND_LABELS.get(value, value)


@register.filter
def unit_kinds(value: Any) -> str:
    if value is None:
        return "mọi loại đơn vị"
    return unit_kinds_text(list(value))


@register.filter
def depth_class(depth: int) -> str:
    return f"depth-{min(int(depth or 0), 6)}"
