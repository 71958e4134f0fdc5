"""From what an officer typed to what the engine computes, for one leaf. No database here.

Raw inputs are kept exactly as typed: ``{input name: text}`` (a checklist's ``items`` is a list
of booleans). :func:`evaluate` reads each text with the engine's ``parse_ui_value`` (so
"0,25" and "0.25", dd/mm/yyyy, "có"/"không" all work), lets the engine check the values
(step, bounds) and, only when every input is present and valid, computes the points and the
engine's explanation. The form preview, autosave, the Excel import and the submission snapshot
all go through here, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from parindex.scoring import (
    Framework,
    InputSpec,
    UIValueError,
    format_points,
    input_specs,
    parse_ui_value,
    score_leaf,
    validate_entry,
)

NA_KEY = "not_applicable"
_NUMBER_TYPES = frozenset({"integer", "decimal", "percent"})
TYPE_LABELS: dict[str, str] = {
    "integer": "Số nguyên",
    "decimal": "Số",
    "percent": "Tỷ lệ % (0-100)",
    "boolean": "Có/Không",
    "date": "Ngày (dd/mm/yyyy)",
    "checklist": "Danh mục (đánh dấu các mục đạt)",
    "answers": "Phiếu khảo sát",
}


@dataclass
class Evaluation:
    """One leaf's typed inputs, read and scored."""

    code: str
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)  # engine values of valid inputs
    errors: dict[str, str] = field(default_factory=dict)  # input name ("" = whole) → message
    missing: list[str] = field(default_factory=list)  # inputs not given yet
    points: Decimal | None = None
    explanation: str = ""  # the engine's explanation, with a decimal comma
    explanation_dot: str = ""  # the same with a dot (files, JSON)
    not_applicable: str = ""  # the reason, when declared not applicable

    @property
    def complete(self) -> bool:
        return self.points is not None or bool(self.not_applicable)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def state(self) -> str:
        """``done``, ``na``, ``error``, ``partial`` or ``empty`` (for badges and counts)."""
        if self.not_applicable:
            return "na"
        if self.points is not None:
            return "done"
        if self.errors:
            return "error"
        if self.raw:
            return "partial"
        return "empty"

    def error_lines(self, labels: Mapping[str, str]) -> list[str]:
        """Each problem as one line naming the input by its label."""
        return [
            f"{labels.get(name, name)}: {message}" if name else message
            for name, message in self.errors.items()
        ]

    def facts_entry(self) -> dict[str, Any] | None:
        """The engine facts entry (``{input: value}`` or ``{not_applicable: reason}``), or None
        while the leaf is incomplete."""
        if self.not_applicable:
            return {NA_KEY: self.not_applicable}
        if self.points is None:
            return None
        return dict(self.values)


def input_error(spec: InputSpec, text: str, exc: UIValueError) -> str:
    """The message for a value that cannot be read, naming the value where useful."""
    if spec.type == "integer" and "số nguyên" in exc.message:
        return f"'{text.strip()}' không phải số nguyên"
    return exc.message


def clean_raw(specs: tuple[InputSpec, ...], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Keep only the given inputs: text stripped of surrounding spaces, empty text dropped, a
    checklist as a list of booleans. Unknown names raise KeyError."""
    known = {s.name: s for s in specs}
    out: dict[str, Any] = {}
    for name, value in raw.items():
        spec = known.get(name)
        if spec is None:
            raise KeyError(name)
        if spec.type == "checklist":
            if isinstance(value, list | tuple):
                out[name] = [bool(v) for v in value]
            continue
        text = "" if value is None else str(value).strip()
        if text:
            out[name] = text
    return out


def evaluate(
    framework: Framework,
    code: str,
    raw: Mapping[str, Any],
    *,
    not_applicable_reason: str = "",
    specs: tuple[InputSpec, ...] | None = None,
) -> Evaluation:
    """Read and score the raw inputs of leaf ``code`` (see the module description)."""
    node = framework.node(code)
    specs = specs if specs is not None else input_specs(framework, code)
    given = dict(raw)
    result = Evaluation(code=code, raw=given)
    reason = (not_applicable_reason or "").strip()
    if reason:
        if not node.may_not_apply:
            result.errors[""] = "Tiêu chí này không được khai báo không áp dụng."
            return result
        result.not_applicable = reason
        result.explanation = result.explanation_dot = f"không áp dụng: {reason}"
        return result
    if not node.is_leaf:
        return result
    for spec in specs:
        value = given.get(spec.name)
        if spec.type == "checklist":
            if value is None:
                result.missing.append(spec.name)
            elif not isinstance(value, list | tuple) or len(value) != len(spec.items):
                result.errors[spec.name] = f"cần đánh dấu đúng {len(spec.items)} mục"
            else:
                result.values[spec.name] = [bool(v) for v in value]
            continue
        if spec.type == "answers":
            result.missing.append(spec.name)
            continue
        text = "" if value is None else str(value)
        if not text.strip():
            result.missing.append(spec.name)
            continue
        try:
            result.values[spec.name] = parse_ui_value(spec, text)
        except UIValueError as exc:
            result.errors[spec.name] = input_error(spec, text, exc)
    if result.values:
        for problem in validate_entry(framework, code, result.values, partial=True):
            key = problem.input if problem.input in result.values else ""
            result.errors.setdefault(key or "", problem.message)
    if result.errors or result.missing:
        return result
    scored = score_leaf(framework, code, result.values)
    if scored.points is None or scored.explanation is None:
        for problem in scored.errors:
            result.errors.setdefault(problem.input or "", problem.message)
        if not result.errors:
            result.errors[""] = "không tính được điểm từ số liệu đã nhập"
        return result
    result.points = scored.points
    result.explanation = scored.explanation.text(decimal_comma=True)
    result.explanation_dot = scored.explanation.text()
    return result


def describe_spec(spec: InputSpec) -> str:
    """A short type description for forms and the Excel sheet: 'Số nguyên, từ 0'."""
    text = TYPE_LABELS.get(spec.type, spec.type)
    if spec.type in _NUMBER_TYPES and spec.type != "percent":
        bounds = []
        if isinstance(spec.min, Decimal):
            bounds.append(f"từ {format_points(spec.min)}")
        if isinstance(spec.max, Decimal):
            bounds.append(f"đến {format_points(spec.max)}")
        if spec.step is not None and spec.type == "decimal":
            bounds.append(f"bước {format_points(spec.step)}")
        if bounds:
            text += ", " + " ".join(bounds)
    return text
