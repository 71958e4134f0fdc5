"""Explanations: how each number was computed ("why 0,95?"), in words.

An :class:`Explanation` is structured data (rule kind, which case held, the texts of the
rule's cases, the input definitions and the values typed, the raw value, whether it was
clamped, the rounded points) with one rendering, :meth:`Explanation.text`: the words a person
reads on every page, in the ``score`` table and in the ``explanation`` of ``score --json`` —
input labels, the values typed, which condition held (or why each failed), the arithmetic with
decimal commas and dates as dd/mm/yyyy. Examples::

    Ngày ban hành kế hoạch 20/01/2025, không muộn hơn 31/01/2025: 1,00 điểm
    Số chỉ tiêu đã hoàn thành 19 / Số chỉ tiêu theo kế hoạch 20 = 95 % ≥ 90 %: 1,00 × 19 / 20 = 0,95
    Không trường hợp nào thỏa: Ngày ban hành kế hoạch 15/02/2025, muộn hơn 31/01/2025; … → 0,00 điểm
    “Có kế hoạch”: có → 0,50 điểm
    Đạt 2/3 nội dung: Bảng tin (0,25) + Hội nghị, tờ gấp (0,50) = 0,75
    Điểm được quyết định trực tiếp (không tính theo cách chấm): 0,555 → 0,56

:meth:`Explanation.to_dict` keeps the structured fields for JSON (values with a dot, ISO
dates) next to that ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .model import InputDef
from .numbers import ARITH, ZERO, format_decimal
from .speaker import Speaker, parsed_expression

__all__ = ["Explanation"]

_MEAN_DECIMALS = 4


@dataclass(frozen=True, slots=True)
class Explanation:
    """How one node's points were found.

    ``kind``: ``general``, ``manual``, ``yes_no``, ``checklist``, ``survey`` (leaves),
    ``override`` (points decided directly), ``sum`` (parents), ``missing`` (no facts),
    ``not_applicable``. ``case_index`` is 0-based (None: no case held). ``raw`` is the value
    before clamping to ``[0, max]`` and rounding. ``definitions`` and ``cases`` (the ``when``
    and ``points`` texts of every case) let a general rule be told with labels; ``decided`` is
    an override's value as given.
    """

    code: str
    kind: str
    points: Decimal | None
    max: Decimal
    decimals: int
    case_index: int | None = None
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
    definitions: tuple[InputDef, ...] = ()
    cases: tuple[tuple[str | None, str], ...] = ()
    decided: Decimal | None = None
    questionnaire_name: str | None = None

    @property
    def when(self) -> str | None:
        """The ``when`` text of the case that held (None: none held, or it has none)."""
        return self.cases[self.case_index][0] if self.case_index is not None else None

    @property
    def points_expr(self) -> str | None:
        """The ``points`` text of the case that held."""
        return self.cases[self.case_index][1] if self.case_index is not None else None

    # -- numbers ---------------------------------------------------------------------------

    def _n(self, value: Decimal) -> str:
        """Points with the set's decimals and a decimal comma."""
        return format_decimal(value, self.decimals, comma=True)

    def _limit(self) -> str:
        assert self.raw is not None
        return "không âm" if self.raw < 0 else f"tối đa {self._n(self.max)}"

    def _result(self) -> str:
        """``= 0,95``, or ``= 1,20 → 1,00 (tối đa 1,00)`` when clamped."""
        assert self.points is not None
        if self.clamped and self.raw is not None:
            return f"= {self._n(self.raw)} → {self._n(self.points)} ({self._limit()})"
        return f"= {self._n(self.points)}"

    def _worth(self) -> str:
        """Points given as such: ``1,00 điểm``, or ``3,00 → 2,00 điểm (tối đa 2,00)``."""
        assert self.points is not None
        if self.clamped and self.raw is not None:
            return f"{self._n(self.raw)} → {self._n(self.points)} điểm ({self._limit()})"
        return f"{self._n(self.points)} điểm"

    # -- the text --------------------------------------------------------------------------

    def text(self) -> str:
        """The explanation in words (decimal commas, dd/mm/yyyy, labels, no machine names)."""
        kind = self.kind
        if kind == "not_applicable":
            return f"Không áp dụng: {self.reason}" if self.reason else "Không áp dụng"
        if kind == "missing":
            return f"Chưa có số liệu → {self._n(self.points or Decimal(0))} điểm"
        assert self.points is not None
        if kind == "override":
            decided = self.decided if self.decided is not None else self.points
            shown = self._n(self.points)
            if decided != self.points:
                shown = f"{format_decimal(decided, comma=True)} → {shown}"
            return f"Điểm được quyết định trực tiếp (không tính theo cách chấm): {shown}"
        if kind == "sum":
            assert self.children_sum is not None
            text = f"Tổng điểm các tiêu chí con = {self._n(self.children_sum)}"
            if self.children_sum > self.points:
                text += f" → tối đa {self._n(self.points)}"
            return text
        if kind == "general":
            return self._general()
        if kind == "manual":
            if self.clamped:
                return f"Điểm chấm trực tiếp: {self._worth()}"
            return f"Điểm chấm trực tiếp: {self._n(self.points)}"
        if kind == "yes_no":
            met = bool(self.inputs and self.inputs[0][1])
            return f"“{self.label}”: {'có' if met else 'không'} → {self._n(self.points)} điểm"
        if kind == "checklist":
            return self._checklist()
        return self._survey()

    def _general(self) -> str:
        assert self.points is not None
        cases = self.cases
        speaker = Speaker(
            self.definitions,
            node_max=self.max,
            decimals=self.decimals,
            values=tuple(v for _, v in self.inputs),
        )

        def why(text: str) -> tuple[str, tuple[str, ...]]:
            tree = parsed_expression(text)
            if tree is None:
                return "(điều kiện không đọc được)", ()
            return speaker.reason(tree)[1], speaker.named(tree)

        index = self.case_index
        if index is None:
            tried = [_sentence(why(when)[0]) for when, _ in cases if when is not None]
            if not tried:
                return f"Không trường hợp nào thỏa → {self._n(self.points)} điểm"
            return f"Không trường hợp nào thỏa: {'; '.join(tried)} → {self._n(self.points)} điểm"
        when, points_text = cases[index]
        pieces: list[str] = []
        shown: list[str] = []
        if when is not None:
            condition, names = why(when)
            pieces.append(condition)
            shown.extend(names)
        elif index > 0:
            tried = []
            for earlier, _ in cases[:index]:
                if earlier is not None:
                    text, names = why(earlier)
                    tried.append(text)
                    shown.extend(names)
            pieces.append(f"Các điều kiện trên đều không thỏa ({'; '.join(tried)})")
        tree = parsed_expression(points_text)
        if tree is None:
            worth = f"{self._n(self.points)} điểm"
        elif not speaker.named(tree):  # a number, the maximum or a computation of them
            worth = self._worth()
        else:
            extras = [n for n in speaker.named(tree) if n not in shown]
            if extras:
                pieces.append(speaker.values_of(extras))
            worth = f"{speaker.arithmetic(tree)} {self._result()}"
        head = "; ".join(pieces)
        return _sentence(f"{head}: {worth}" if head else worth)

    def _checklist(self) -> str:
        ticked = [(label, pts) for label, pts, on in self.items if on]
        if not ticked:
            return f"Không nội dung nào đạt (0/{len(self.items)}) → {self._n(ZERO)} điểm"
        parts = " + ".join(f"{label} ({self._n(pts)})" for label, pts in ticked)
        return f"Đạt {len(ticked)}/{len(self.items)} nội dung: {parts} {self._result()}"

    def _survey(self) -> str:
        assert self.points is not None
        name = self.questionnaire_name
        if name:
            head = f"“{name}”" if name.lower().startswith("phiếu") else f"Phiếu “{name}”"
        else:
            head = f"Phiếu {self.questionnaire}"
        head += f", câu {', '.join(self.questions)}"
        if not self.valid_answers or self.total_share is None:
            return (
                f"{head}: không có câu trả lời hợp lệ → {self._n(self.points)} điểm (thiếu số liệu)"
            )
        mean = ARITH.divide(self.total_share, Decimal(self.valid_answers))
        shown = format_decimal(mean, _MEAN_DECIMALS, comma=True)
        return (
            f"{head}: {self.valid_answers} câu trả lời hợp lệ, tỉ lệ bình quân {shown} → "
            f"{self._n(self.max)} × {shown} {self._result()}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Structured form for JSON (numbers as strings with a dot, ISO dates) and ``text``."""
        out: dict[str, Any] = {"kind": self.kind, "text": self.text()}
        if self.case_index is not None:
            out["case"] = self.case_index + 1
            out["when"] = self.when
            out["points_expr"] = self.points_expr
        if self.inputs:
            from .result import json_value  # result builds explanations: imported here

            out["inputs"] = {name: json_value(v) for name, v in self.inputs}
        if self.raw is not None:
            out["raw"] = format(self.raw, "f")
            out["clamped"] = self.clamped
        if self.decided is not None:
            out["override"] = format(self.decided, "f")
        if self.reason is not None:
            out["reason"] = self.reason
        return out


def _sentence(text: str) -> str:
    """The text with a capital first letter (a label keeps its own spelling)."""
    return text[:1].upper() + text[1:]
