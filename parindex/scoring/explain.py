"""Explanations: how each number was computed ("why 0,90?").

An :class:`Explanation` is structured data (rule kind, which case held, its ``when`` and
``points`` text, the input values, the raw value, whether it was clamped, the rounded points)
with a one-line :meth:`Explanation.text` rendering. ``text()`` writes numbers with a dot (JSON,
files); ``text(decimal_comma=True)`` with a decimal comma (web pages). Expression texts are
shown as written. Examples::

    done >= 0.9 * planned → max_points * done / planned = 0.90
    có: Có kế hoạch → 0.50
    đạt 2/3 mục: Bảng tin (0.25) + Hội nghị, tờ gấp (0.5) = 0.75
    phiếu lanh-dao, câu C1, C2, C3: 6 câu trả lời hợp lệ, tỉ lệ bình quân 0.8000
        → 10 × 0.8000 = 8.00
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .numbers import ARITH, format_decimal

__all__ = ["Explanation", "format_value"]

_MEAN_DECIMALS = 4


def format_value(value: Any, *, comma: bool) -> str:
    """An input value for an explanation: numbers as given, dates dd/mm/yyyy (UI) or ISO."""
    if isinstance(value, bool):
        return ("có" if value else "không") if comma else ("true" if value else "false")
    if isinstance(value, Decimal):
        return format_decimal(value, comma=comma)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y") if comma else value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(format_value(v, comma=comma) for v in value) + "]"
    return str(value)


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one node's points were found.

    ``kind``: ``general``, ``manual``, ``yes_no``, ``checklist``, ``survey`` (leaves), ``sum``
    (parents), ``missing`` (no facts), ``not_applicable``. ``case_index`` is 0-based (None: no
    case held). ``raw`` is the value before clamping to ``[0, max]`` and rounding.
    """

    code: str
    kind: str
    points: Decimal | None
    max: Decimal
    decimals: int
    case_index: int | None = None
    when: str | None = None
    points_expr: str | None = None
    inputs: tuple[tuple[str, Any], ...] = ()
    raw: Decimal | None = None
    clamped: bool = False
    label: str | None = None  # yes_no label
    items: tuple[tuple[str, Decimal, bool], ...] = ()  # checklist: label, points, ticked
    questionnaire: str | None = None
    questions: tuple[str, ...] = ()
    valid_answers: int = 0
    total_share: Decimal | None = None
    reason: str | None = None  # not applicable
    children_sum: Decimal | None = None

    def _n(self, value: Decimal, comma: bool, decimals: int | None = -1) -> str:
        places = self.decimals if decimals == -1 else decimals
        return format_decimal(value, places, comma=comma)

    def _result(self, comma: bool) -> str:
        """``= 0.90``, or ``= 1.20 → 1.00 (giới hạn ...)`` when clamped."""
        assert self.points is not None
        if self.clamped and self.raw is not None:
            limit = "không âm" if self.raw < 0 else f"tối đa {self._n(self.max, comma)}"
            return f"= {self._n(self.raw, comma)} → {self._n(self.points, comma)} ({limit})"
        return f"= {self._n(self.points, comma)}"

    def text(self, decimal_comma: bool = False) -> str:
        c = decimal_comma
        kind = self.kind
        if kind == "not_applicable":
            return f"không áp dụng: {self.reason}" if self.reason else "không áp dụng"
        if kind == "missing":
            return "chưa có số liệu → " + self._n(self.points or Decimal(0), c)
        assert self.points is not None
        if kind == "sum":
            assert self.children_sum is not None
            text = f"tổng điểm các tiêu chí con = {self._n(self.children_sum, c)}"
            if self.children_sum > self.points:
                text += f" → tối đa {self._n(self.points, c)}"
            return text
        if kind == "general":
            if self.case_index is None:
                return f"không trường hợp nào thỏa → {self._n(self.points, c)}"
            expr = self.points_expr or ""
            formula = self._result(c)[2:] if _is_literal(expr) else f"{expr} {self._result(c)}"
            if self.when:
                return f"{self.when} → {formula}"
            if self.case_index:
                return f"các điều kiện trên đều không thỏa → {formula}"
            return formula
        if kind == "manual":
            return f"điểm chấm {self._result(c)}"
        if kind == "yes_no":
            met = bool(self.inputs and self.inputs[0][1])
            return f"{'có' if met else 'không'}: {self.label} → {self._n(self.points, c)}"
        if kind == "checklist":
            ticked = [(label, pts) for label, pts, on in self.items if on]
            head = f"đạt {len(ticked)}/{len(self.items)} mục"
            if not ticked:
                return f"{head} → {self._n(self.points, c)}"
            parts = " + ".join(f"{label} ({format_decimal(pts, comma=c)})" for label, pts in ticked)
            return f"{head}: {parts} {self._result(c)}"
        # survey
        head = f"phiếu {self.questionnaire}, câu {', '.join(self.questions)}"
        if not self.valid_answers or self.total_share is None:
            points = self._n(self.points, c)
            return f"{head}: không có câu trả lời hợp lệ → {points} (thiếu số liệu)"
        mean = ARITH.divide(self.total_share, Decimal(self.valid_answers))
        shown = format_decimal(mean, _MEAN_DECIMALS, comma=c)
        return (
            f"{head}: {self.valid_answers} câu trả lời hợp lệ, tỉ lệ bình quân {shown} → "
            f"{format_decimal(self.max, comma=c)} × {shown} {self._result(c)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Structured form for JSON (numbers as strings with a dot)."""
        out: dict[str, Any] = {"kind": self.kind, "text": self.text()}
        if self.case_index is not None:
            out["case"] = self.case_index + 1
            out["when"] = self.when
            out["points_expr"] = self.points_expr
        if self.inputs:
            out["inputs"] = {name: _json_value(v) for name, v in self.inputs}
        if self.raw is not None:
            out["raw"] = format(self.raw, "f")
            out["clamped"] = self.clamped
        if self.reason is not None:
            out["reason"] = self.reason
        return out


def _is_literal(text: str) -> bool:
    try:
        Decimal(text.strip())
    except ArithmeticError:
        return False
    return bool(text.strip())


def _json_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return str(value)
