"""Facts of one unit (format ``parindex-facts/1``) checked against a framework.

A facts file names the framework, the unit (``code``, ``name``, ``kind``) and gives ``values``:
one entry per node code (see :mod:`.entries`); an optional ``notes:`` map (per node code, the
reason and source document of a value) is accepted and ignored here. :func:`read_facts`
checks a file's document;
:func:`prepare_facts` checks values given directly (the web application). Both give a
:class:`Facts`: the unit plus, per leaf, the tuple of checked values its compiled rule reads,
and the not-applicable declarations with their reasons. Every error names the node (and the
input); all errors of a file are reported together.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .entries import EntryError, check_entry
from .model import Framework, Questionnaire
from .problems import Problem, ProblemsError
from .reader import Reader, describe

__all__ = ["FACTS_FORMAT", "Facts", "Unit", "merge_questionnaires", "prepare_facts", "read_facts"]

FACTS_FORMAT = "parindex-facts/1"


@dataclass(frozen=True, slots=True)
class Unit:
    """The assessed unit: ``kind`` is e.g. ``xa``, ``phuong``."""

    code: str
    name: str | None = None
    kind: str | None = None


@dataclass(frozen=True, slots=True)
class Facts:
    """Checked facts of one unit for one framework."""

    unit: Unit
    values: Mapping[str, tuple[Any, ...]]  # leaf code → values in input order
    not_applicable: Mapping[str, str]  # node code → reason
    entries: Mapping[str, Mapping[str, Any]]  # the entries as given (for snapshots)
    warnings: tuple[Problem, ...] = ()
    # failed warning checks, in tree order of the nodes, then in the order of the checks
    check_warnings: tuple[EntryError, ...] = ()


def merge_questionnaires(
    framework: Framework, extra: Iterable[Questionnaire] = ()
) -> Mapping[str, Questionnaire]:
    """The framework's questionnaires plus ``extra`` (which win on equal codes)."""
    extra = tuple(extra)
    if not extra:
        return framework.questionnaires
    merged = dict(framework.questionnaires)
    merged.update((q.code, q) for q in extra)
    return merged


def _check_unit(framework: Framework, unit: Unit, r: Reader) -> None:
    if framework.applies_to is not None:
        if unit.kind is None:
            r.error(
                f"thiếu loại đơn vị (unit.kind); bộ tiêu chí áp dụng cho: "
                f"{', '.join(framework.applies_to)}"
            )
        elif unit.kind not in framework.applies_to:
            r.error(
                f"loại đơn vị '{unit.kind}' của {unit.code} không thuộc phạm vi áp dụng của "
                f"bộ tiêu chí {framework.code} ({', '.join(framework.applies_to)})"
            )
    elif framework.needs_kind and unit.kind is None:
        r.error("thiếu loại đơn vị (unit.kind): một số tiêu chí chỉ áp dụng cho một số loại đơn vị")


def _check_values(
    framework: Framework,
    unit: Unit,
    values: Mapping[Any, Any],
    questionnaires: Mapping[str, Questionnaire],
    r: Reader,
) -> Facts:
    leaf_values: dict[str, tuple[Any, ...]] = {}
    not_applicable: dict[str, str] = {}
    entries: dict[str, Mapping[str, Any]] = {}
    warned: list[EntryError] = []
    kinds_matter = framework.needs_kind
    for code, entry in values.items():
        result, errors = check_entry(
            framework, code, entry, questionnaires=questionnaires, warnings=warned
        )
        for e in errors:
            r.problems.append(e.problem(r.file))
        if errors:
            continue
        assert isinstance(code, str)
        entries[code] = entry
        if isinstance(result, str):
            not_applicable[code] = result
        elif result is not None:
            node = framework.by_code[code]
            if kinds_matter and node.applies_to is not None and unit.kind not in node.applies_to:
                r.warning(
                    f"tiêu chí không áp dụng cho loại đơn vị '{unit.kind}': số liệu bị bỏ qua", code
                )
            leaf_values[code] = result
    return Facts(
        unit=unit,
        values=MappingProxyType(leaf_values),
        not_applicable=MappingProxyType(not_applicable),
        entries=MappingProxyType(entries),
        warnings=tuple(p for p in r.problems if not p.is_error),
        check_warnings=_in_tree_order(framework, warned),
    )


def _in_tree_order(framework: Framework, warned: list[EntryError]) -> tuple[EntryError, ...]:
    if len(warned) < 2:
        return tuple(warned)
    position = {node.code: i for i, node in enumerate(framework.order)}
    return tuple(sorted(warned, key=lambda w: position.get(w.node, -1)))  # stable: check order


def prepare_facts(
    framework: Framework,
    unit: Unit,
    values: Mapping[Any, Any],
    *,
    questionnaires: Iterable[Questionnaire] | Mapping[str, Questionnaire] = (),
    file: str | None = None,
) -> Facts:
    """Check values given directly (``{code: {input: value}}``); raises
    :class:`ProblemsError` with every error. ``file`` names the source in problems
    (default: ``đơn vị <code>``)."""
    r = Reader(file or f"đơn vị {unit.code}")
    _check_unit(framework, unit, r)
    qs = (
        questionnaires
        if isinstance(questionnaires, Mapping)
        else merge_questionnaires(framework, questionnaires)
    )
    facts = _check_values(framework, unit, values, qs, r)
    if r.has_errors:
        raise ProblemsError(r.problems)
    return facts


def read_facts(
    doc: Any,
    framework: Framework,
    *,
    file: str,
    questionnaires: Iterable[Questionnaire] = (),
) -> tuple[Facts | None, list[Problem]]:
    """Check a facts file's document. Returns the facts (None on errors) and every problem."""
    r = Reader(file)
    m = r.mapping(doc, "tệp số liệu")
    if m is None:
        return None, r.problems
    fmt = m.get("format")
    if fmt is None:
        r.error(f"thiếu khóa bắt buộc 'format' (format: {FACTS_FORMAT})")
    elif fmt != FACTS_FORMAT:
        hint = (
            " — đây là một bộ tiêu chí, không phải tệp số liệu"
            if fmt == "parindex-framework/1"
            else ""
        )
        r.error(f"định dạng {describe(fmt)} không đúng: cần {FACTS_FORMAT}{hint}")
    r.unknown_keys(m, ("format", "framework", "unit", "values", "notes"), "tệp số liệu")
    fw = m.get("framework")
    if fw is None:
        r.error(f"thiếu khóa bắt buộc 'framework' (mã bộ tiêu chí, ở đây: {framework.code})")
    elif fw != framework.code:
        named = f'"{fw}"' if isinstance(fw, str) else describe(fw)
        r.error(f"tệp số liệu ghi bộ tiêu chí {named}, không phải bộ {framework.code}")
    unit: Unit | None = None
    raw_unit = m.get("unit")
    if raw_unit is None:
        r.error("thiếu khóa bắt buộc 'unit' ({code, name, kind})")
    else:
        um = r.mapping(raw_unit, "'unit'")
        if um is not None:
            r.unknown_keys(um, ("code", "name", "kind"), "unit")
            code = r.code(um["code"], "mã đơn vị") if um.get("code") is not None else None
            if um.get("code") is None:
                r.error("thiếu mã đơn vị (unit.code)")
            name = r.text(um, "name")
            kind = r.text(um, "kind")
            if code is not None:
                unit = Unit(code, name, kind)
                _check_unit(framework, unit, r)
    raw_values = m.get("values")
    if raw_values is None:
        raw_values = {}
    if r.mapping(raw_values, "'values'") is None or unit is None:
        return None, r.problems
    qs = merge_questionnaires(framework, questionnaires)
    facts = _check_values(framework, unit, raw_values, qs, r)
    if r.has_errors:
        return None, r.problems
    return facts, r.problems
