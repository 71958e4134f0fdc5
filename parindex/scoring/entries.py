"""Checking one facts entry (the values given for one node) against its rule.

Used by facts files, by the web forms (partially filled entries) and by the scoring API. An
entry is a mapping: the inputs of a general rule (``{done: 9, planned: 10}``), ``score``
(manual), ``met`` (yes_no), ``items`` (checklist), ``answers`` (survey), or
``{not_applicable: reason}`` where the node allows it, or ``{override: points}`` on a leaf (the
points decided directly: 0..max, no rule, no checks). Values are Python values as a document
holds them (Decimal, bool, date or ISO text, lists); ``int`` is accepted for numbers.

:func:`check_entry` returns the values as a tuple in input order (what the compiled rule reads;
an :class:`~.model.Override` for an override) or every problem found, as :class:`EntryError`
(node, input, Vietnamese message).

Consistency checks of a general rule (``checks``) are evaluated in order, each once every input
it names has passed its own type and range checks (so also on a partly filled web form); a check
whose expression cannot be computed (a division by zero) counts as failed. A failed ``error``
check is an :class:`EntryError` (``input`` None, ``inputs`` the names it reads); a failed
``warning`` check goes to the ``warnings`` list when one is given, and never blocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .expr import parse_iso_date
from .model import (
    CheckLevel,
    ChecklistRule,
    Framework,
    GeneralRule,
    InputDef,
    InputType,
    ManualRule,
    Node,
    Override,
    Questionnaire,
    SurveyRule,
)
from .numbers import ARITH, ZERO, fits_step
from .problems import Problem
from .reader import describe, show_number

__all__ = [
    "NA_KEY",
    "OVERRIDE_KEY",
    "EntryError",
    "SurveyTally",
    "check_entry",
    "check_value",
    "failed_checks",
    "input_names",
]

NA_KEY = "not_applicable"
OVERRIDE_KEY = "override"
_ABSENT = object()
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class EntryError:
    """A problem with the value of one input (``input`` None: the entry as a whole; for a
    failed consistency check, ``inputs`` names the inputs it reads)."""

    node: str
    input: str | None
    message: str
    inputs: tuple[str, ...] = ()

    def problem(self, file: str) -> Problem:
        where = f"số liệu {self.input}" if self.input else None
        return Problem(file, self.message, self.node, where)


@dataclass(frozen=True, slots=True)
class SurveyTally:
    """Valid answers of a survey node, pooled over its questions."""

    questionnaire: str
    answers: Mapping[str, tuple[str, ...]]
    valid: int  # answers whose option has a share
    total_share: Decimal
    questionnaire_name: str | None = None


def input_names(node: Node) -> tuple[str, ...]:
    """The keys an entry of this leaf must give."""
    rule = node.rule
    if isinstance(rule, GeneralRule):
        return tuple(d.name for d in rule.inputs)
    if isinstance(rule, ManualRule):
        return ("score",)
    if isinstance(rule, ChecklistRule):
        return ("items",)
    if isinstance(rule, SurveyRule):
        return ("answers",)
    if rule is None:
        return ()
    return ("met",)


@lru_cache(maxsize=64)
def _names(framework: Framework) -> dict[str, tuple[tuple[str, ...], frozenset[str]]]:
    """Per leaf code: the input names, as a tuple and as a set (built once per framework)."""
    out = {}
    for node in framework.order:
        names = input_names(node)
        out[node.code] = (names, frozenset(names))
    return out


def _number(value: Any) -> Decimal | None:
    if type(value) is Decimal:
        return value if value.is_finite() else None
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    return None


def check_value(d: InputDef, value: Any) -> tuple[Any, str | None]:
    """Convert and check one value of a general rule's input: ``(value, None)`` or
    ``(None, message)``."""
    t = d.type
    if t is InputType.BOOLEAN:
        if isinstance(value, bool):
            return value, None
        return None, f"phải là true hoặc false, không phải {describe(value)}"
    if t is InputType.DATE:
        day: dt.date | None = None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            day = value
        elif isinstance(value, str):
            day = parse_iso_date(value.strip())
        if day is None:
            return None, (
                f"phải là một ngày yyyy-mm-dd (ví dụ 2025-12-15), không phải {describe(value)}"
            )
        if isinstance(d.min, dt.date) and day < d.min:
            return None, f"ngày {day:%d/%m/%Y} sớm hơn ngày nhỏ nhất {d.min:%d/%m/%Y}"
        if isinstance(d.max, dt.date) and day > d.max:
            return None, f"ngày {day:%d/%m/%Y} muộn hơn ngày lớn nhất {d.max:%d/%m/%Y}"
        return day, None
    number = _number(value)
    if number is None:
        return None, f"phải là một số, không phải {describe(value)}"
    if t is InputType.INTEGER and number != number.to_integral_value():
        return None, f"phải là số nguyên, không phải {show_number(number)}"
    if t is InputType.PERCENT and not ZERO <= number <= _HUNDRED:
        return None, f"tỉ lệ phần trăm phải từ 0 đến 100, không phải {show_number(number)}"
    if isinstance(d.min, Decimal) and number < d.min:
        return None, f"không được nhỏ hơn {show_number(d.min)} (đang là {show_number(number)})"
    if isinstance(d.max, Decimal) and number > d.max:
        return None, f"không được lớn hơn {show_number(d.max)} (đang là {show_number(number)})"
    return number, None


def _general(
    node: Node, rule: GeneralRule, entry: Mapping[Any, Any], partial: bool, errors: list[EntryError]
) -> tuple[Any, ...]:
    """The values in input order, None for an input not given or not valid."""
    values: list[Any] = []
    for d in rule.inputs:
        value = entry.get(d.name, _ABSENT)
        if value is _ABSENT:
            if not partial:
                errors.append(
                    EntryError(node.code, d.name, f"thiếu giá trị '{d.name}' ({d.label})")
                )
            values.append(None)
            continue
        value, message = check_value(d, value)
        if message is not None:
            errors.append(EntryError(node.code, d.name, message))
        values.append(value)
    return tuple(values)


def failed_checks(
    node: Node, rule: GeneralRule, values: tuple[Any, ...]
) -> tuple[list[EntryError], list[EntryError]]:
    """``(errors, warnings)``: the consistency checks that fail, in order. ``values`` is in
    input order with None for an input not given or not valid; a check naming such an input
    is not evaluated yet."""
    errors: list[EntryError] = []
    warnings: list[EntryError] = []
    for check in rule.checks:
        if any(values[i] is None for i in check.slots):
            continue
        try:
            held = bool(check.require.evaluate(values))
        except ArithmeticError:
            held = False
        if not held:
            failure = EntryError(node.code, None, check.message, check.require.names)
            (errors if check.level is CheckLevel.ERROR else warnings).append(failure)
    return errors, warnings


def _override(node: Node, entry: Mapping[Any, Any]) -> tuple[Override | None, list[EntryError]]:
    errors: list[EntryError] = []
    if len(entry) > 1:
        others = ", ".join(str(k) for k in entry if k != OVERRIDE_KEY)
        errors.append(
            EntryError(
                node.code,
                None,
                f"điểm quyết định trực tiếp (override) thì không nhập số liệu khác ({others})",
            )
        )
    if node.children:
        errors.append(
            EntryError(
                node.code,
                OVERRIDE_KEY,
                "chỉ tiêu chí không có tiêu chí con mới được quyết định điểm trực tiếp",
            )
        )
    value = entry[OVERRIDE_KEY]
    number = _number(value)
    if number is None:
        errors.append(
            EntryError(
                node.code,
                OVERRIDE_KEY,
                f"điểm quyết định phải là một số, không phải {describe(value)}",
            )
        )
    elif not ZERO <= number <= node.max:
        errors.append(
            EntryError(
                node.code,
                OVERRIDE_KEY,
                f"điểm quyết định phải từ 0 đến {show_number(node.max)}, "
                f"không phải {show_number(number)}",
            )
        )
    if errors or number is None:
        return None, errors
    return Override.of(number), errors


def _manual(node: Node, rule: ManualRule, value: Any) -> tuple[Any, str | None]:
    number = _number(value)
    if number is None:
        return None, f"điểm chấm phải là một số, không phải {describe(value)}"
    if not ZERO <= number <= node.max:
        return None, (
            f"điểm chấm phải từ 0 đến {show_number(node.max)}, không phải {show_number(number)}"
        )
    if rule.step is not None and not fits_step(number, rule.step):
        return None, (
            f"điểm chấm {show_number(number)} không đúng bước "
            f"{show_number(rule.step)} (ví dụ 0; {show_number(rule.step)}; ...)"
        )
    return number, None


def _checklist(rule: ChecklistRule, value: Any) -> tuple[Any, str | None]:
    n = len(rule.items)
    if not isinstance(value, list | tuple) or not all(isinstance(v, bool) for v in value):
        return None, f"'items' phải là danh sách {n} giá trị true/false, theo thứ tự các mục"
    if len(value) != n:
        return None, f"'items' có {len(value)} giá trị, cần đúng {n} (một giá trị cho mỗi mục)"
    return tuple(value), None


def _survey(
    rule: SurveyRule, value: Any, questionnaires: Mapping[str, Questionnaire]
) -> tuple[Any, str | None]:
    q = questionnaires.get(rule.questionnaire)
    if q is None:
        return None, (
            f"phiếu khảo sát '{rule.questionnaire}' chưa được đưa vào (dùng --questionnaire TỆP)"
        )
    missing = [c for c in rule.questions if c not in q.question_codes]
    if missing:
        return None, f"phiếu '{q.code}' không có câu hỏi {', '.join(missing)} mà quy tắc cần"
    if not isinstance(value, Mapping):
        return None, "'answers' phải là một mục {câu hỏi: [mã trả lời, ...]}"
    shares = q.shares
    total = ZERO
    valid = 0
    answers: dict[str, tuple[str, ...]] = {}
    for question, codes in value.items():
        if question not in rule.questions:
            shown = f"'{question}'" if isinstance(question, str) else describe(question)
            return None, (
                f"câu hỏi {shown} không thuộc tiêu chí này (các câu: {', '.join(rule.questions)})"
            )
        if not isinstance(codes, list | tuple):
            return None, f"câu {question}: cần danh sách mã trả lời, ví dụ [A, B, B]"
        for code in codes:
            if not isinstance(code, str) or code not in shares:
                shown = f"'{code}'" if isinstance(code, str) else describe(code)
                return None, (
                    f"câu {question}: mã trả lời {shown} không có trong thang "
                    f"của phiếu '{q.code}' ({', '.join(shares)})"
                )
            share = shares[code]
            if share is not None:
                total = ARITH.add(total, share)
                valid += 1
        answers[question] = tuple(codes)
    return SurveyTally(q.code, answers, valid, total, q.name), None


def check_entry(
    framework: Framework,
    code: Any,
    entry: Any,
    *,
    questionnaires: Mapping[str, Questionnaire],
    partial: bool = False,
    warnings: list[EntryError] | None = None,
) -> tuple[tuple[Any, ...] | str | None, list[EntryError]]:
    """Check one entry. Returns ``(values, [])`` (a tuple in input order, or an
    :class:`~.model.Override`), ``(reason, [])`` for a valid not-applicable declaration, or
    ``(None, errors)``. With ``partial``, inputs not given yet are not errors (and no value
    tuple is returned). Failed warning checks are appended to ``warnings`` when given."""
    if not isinstance(code, str):
        shown = format(code, "f") if isinstance(code, Decimal) else str(code)
        what = "số" if isinstance(code, Decimal) else describe(code)
        return None, [
            EntryError(
                shown,
                None,
                f"mã tiêu chí {shown} là {what}, không phải "
                f'chuỗi: hãy đặt mã trong dấu nháy ("{shown}")',
            )
        ]
    node = framework.by_code.get(code)
    if node is None:
        return None, [
            EntryError(code, None, f"không có tiêu chí mã này trong bộ tiêu chí {framework.code}")
        ]
    if type(entry) is not dict and not isinstance(entry, Mapping):
        return None, [
            EntryError(
                code,
                None,
                f"số liệu phải là một mục {{tên: giá trị}}, không phải {describe(entry)}",
            )
        ]
    if NA_KEY in entry:
        return _not_applicable(node, entry)
    if OVERRIDE_KEY in entry:
        decided, problems = _override(node, entry)
        return (None if partial else decided), problems
    if node.children:
        return None, [
            EntryError(
                code, None, "tiêu chí có tiêu chí con: hãy nhập số liệu cho các tiêu chí con"
            )
        ]
    errors: list[EntryError] = []
    names, name_set = _names(framework)[code]
    if entry.keys() != name_set:
        for key in entry:
            if key not in name_set:
                expected = ", ".join(names) if names else "(không có)"
                errors.append(
                    EntryError(
                        code,
                        str(key),
                        f"không có số liệu tên '{key}' trong quy tắc (cần: {expected})",
                    )
                )
    rule = node.rule
    if isinstance(rule, GeneralRule):
        values = _general(node, rule, entry, partial, errors)
        if rule.checks:
            failed, warned = failed_checks(node, rule, values)
            errors.extend(failed)
            if warnings is not None:
                warnings.extend(warned)
        if errors or partial:
            return None, errors
        return values, errors
    name = names[0]
    if name not in entry:
        if not partial:
            errors.append(EntryError(code, name, f"thiếu giá trị '{name}'"))
        return None, errors
    value = entry[name]
    if isinstance(rule, ManualRule):
        converted, message = _manual(node, rule, value)
    elif isinstance(rule, ChecklistRule):
        converted, message = _checklist(rule, value)
    elif isinstance(rule, SurveyRule):
        converted, message = _survey(rule, value, questionnaires)
    elif isinstance(value, bool):
        converted, message = value, None
    else:
        converted, message = None, f"'met' phải là true hoặc false, không phải {describe(value)}"
    if message is not None:
        errors.append(EntryError(code, name, message))
    if errors or partial:
        return None, errors
    return (converted,), errors


def _not_applicable(node: Node, entry: Mapping[Any, Any]) -> tuple[str | None, list[EntryError]]:
    errors: list[EntryError] = []
    reason = entry[NA_KEY]
    if len(entry) > 1:
        errors.append(
            EntryError(node.code, None, "khai báo không áp dụng thì không nhập số liệu khác")
        )
    if not isinstance(reason, str) or not reason.strip():
        errors.append(
            EntryError(node.code, NA_KEY, "cần ghi lý do không áp dụng (chữ, không để trống)")
        )
    if not node.allows_not_applicable:
        errors.append(
            EntryError(
                node.code,
                None,
                "tiêu chí này không được khai báo không áp "
                "dụng (chỉ khi có may_not_apply: true, hoặc "
                "nguồn survey/organiser)",
            )
        )
    if errors:
        return None, errors
    assert isinstance(reason, str)
    return reason, errors
