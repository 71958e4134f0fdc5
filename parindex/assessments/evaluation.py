"""From what an officer typed to what the engine computes, for one leaf. No database here.

Raw inputs are kept exactly as typed: ``{input name: text}`` (a checklist's ``items`` is a list
of booleans). :func:`evaluate` reads each text with the engine's ``parse_ui_value`` (so
"0,25" and "0.25", dd/mm/yyyy, "có"/"không" all work), lets the engine check the values
(step, bounds) and the set's consistency checks (each once every input it names is present
and valid) and, only when every input is present and valid and no error check fails, computes
the points and the explanation in words. A failed warning check keeps the points and is kept in
:attr:`Evaluation.warnings`. The form preview, autosave, the Excel import, the checks before
submission and the submission snapshot all go through here, so they can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from parindex.scoring import (
    EntryError,
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


@dataclass(frozen=True)
class CheckFailure:
    """A consistency check of the rule that does not hold: its message and the inputs it reads."""

    message: str
    inputs: tuple[str, ...] = ()


@dataclass
class Evaluation:
    """One leaf's typed inputs, read and scored."""

    code: str
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)  # engine values of valid inputs
    errors: dict[str, str] = field(default_factory=dict)  # input name ("" = whole) → message
    failed_checks: list[CheckFailure] = field(default_factory=list)  # error checks not holding
    warnings: list[str] = field(default_factory=list)  # warning checks not holding (messages)
    missing: list[str] = field(default_factory=list)  # inputs not given yet
    points: Decimal | None = None
    explanation: str = ""  # how the points were found, in words (labels, values, decimal comma)
    not_applicable: str = ""  # the reason, when declared not applicable

    @property
    def complete(self) -> bool:
        return self.points is not None or bool(self.not_applicable)

    @property
    def has_errors(self) -> bool:
        """A value out of range or unreadable, or an error check failing: the entry is
        invalid (no points)."""
        return bool(self.errors or self.failed_checks)

    @property
    def state(self) -> str:
        """``done``, ``na``, ``error``, ``partial`` or ``empty`` (for badges and counts)."""
        if self.not_applicable:
            return "na"
        if self.points is not None:
            return "done"
        if self.has_errors:
            return "error"
        if self.raw:
            return "partial"
        return "empty"

    def input_errors(self) -> dict[str, str]:
        """Per input, what is wrong with it: its own problem, else the message of the first
        failing error check that reads it."""
        out = {name: message for name, message in self.errors.items() if name}
        for failure in self.failed_checks:
            for name in failure.inputs:
                out.setdefault(name, failure.message)
        return out

    @property
    def invalid_inputs(self) -> list[str]:
        """The inputs that are wrong or read by a failing error check (to mark on the form)."""
        return list(self.input_errors())

    def error_lines(self, labels: Mapping[str, str]) -> list[str]:
        """Each problem as one line naming the input by its label, then the messages of the
        error checks that do not hold."""
        lines = [
            f"{labels.get(name, name)}: {message}" if name else message
            for name, message in self.errors.items()
        ]
        lines.extend(f.message for f in self.failed_checks if f.message not in lines)
        return lines

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
        result.explanation = f"Không áp dụng: {reason}"
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
        warned: list[EntryError] = []
        problems = validate_entry(framework, code, result.values, partial=True, warnings=warned)
        for problem in problems:
            _record(result, problem)
        for warning in warned:
            if warning.message not in result.warnings:
                result.warnings.append(warning.message)
    if result.has_errors or result.missing:
        return result
    scored = score_leaf(framework, code, result.values)
    if scored.points is None or scored.explanation is None:
        for problem in scored.errors:
            _record(result, problem)
        if not result.has_errors:
            result.errors[""] = "Không tính được điểm từ số liệu đã nhập."
        return result
    result.points = scored.points
    result.explanation = scored.explanation.text()
    return result


def _record(result: Evaluation, problem: EntryError) -> None:
    """An engine problem: about one input (by its name), or a failed error check (the entry as
    a whole, with the inputs the check reads)."""
    if problem.input is not None:
        result.errors.setdefault(problem.input, problem.message)
        return
    failure = CheckFailure(problem.message, tuple(problem.inputs))
    if failure not in result.failed_checks:
        result.failed_checks.append(failure)


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
