"""The shipped sets: the department-level set's shape and the copies of the examples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parindex.frameworks.examples import (
    COMMUNES_QUESTIONNAIRES,
    COMMUNES_SET,
    DATA_DIR,
    DEPARTMENTS_SET,
)
from parindex.scoring import Framework
from parindex.scoring.loading import load_framework
from parindex.scoring.model import (
    ChecklistRule,
    GeneralRule,
    ManualRule,
    NodeKind,
    Source,
    SurveyRule,
    YesNoRule,
)

from .helpers import load_doc


@pytest.fixture(scope="module")
def departments() -> Framework:
    framework, _qs, problems = load_framework(DEPARTMENTS_SET)
    assert framework is not None, problems
    assert problems == []  # not even a warning
    return framework


def test_department_set_shape(departments: Framework) -> None:
    assert departments.applies_to == ("so_nganh", "co_quan_tw")
    fields = [n for n in departments.nodes if n.kind is None]
    assert len(fields) == 7
    assert departments.max == Decimal(100)
    leaves = list(departments.leaves())
    assert 30 <= len(leaves) <= 45
    base_leaves = [n for n in leaves if departments.node(_field_of(n.code)).kind is None]
    surveyed = sum(n.max for n in base_leaves if n.source is not Source.SELF)
    assert surveyed == Decimal(20)  # 80 self-assessed + 20 survey/organiser
    assert [b.label for b in departments.bands] == ["Tốt", "Khá", "Trung bình", "Yếu"]
    kinds = {n.kind for n in departments.nodes}
    assert {NodeKind.BONUS, NodeKind.PENALTY} <= kinds
    assert any(n.capped for n in departments.order)
    assert any(n.may_not_apply for n in departments.order)
    assert any(n.applies_to == frozenset({"so_nganh"}) for n in departments.order)
    assert "dtxhh-so" in departments.questionnaires


def _field_of(code: str) -> str:
    return code.split(".", 1)[0]


def test_department_set_uses_every_rule_shape(departments: Framework) -> None:
    rules = [n.rule for n in departments.leaves()]
    assert {type(r) for r in rules} == {
        GeneralRule,
        ManualRule,
        YesNoRule,
        ChecklistRule,
        SurveyRule,
    }
    assert any(isinstance(r, ManualRule) and r.step is not None for r in rules)
    texts = [
        (c.when.text if c.when else "", c.points.text)
        for r in rules
        if isinstance(r, GeneralRule)
        for c in r.cases
    ]
    assert ("done >= 0.9 * planned", "max_points * done / planned") in texts  # 90–<100%
    assert any("date(" in when for when, _p in texts)  # a deadline
    assert any("max_points - " in points for _w, points in texts)  # deductions
    general_inputs = {i.type.value for r in rules if isinstance(r, GeneralRule) for i in r.inputs}
    assert {"integer", "percent", "date", "boolean"} <= general_inputs


def test_every_node_has_vietnamese_wording_and_leaves_have_owners(departments: Framework) -> None:
    for node in departments.order:
        assert node.name and node.name[0].isupper()
        if (
            node.is_leaf
            and node.kind is None
            and departments.node(_field_of(node.code)).kind is None
        ):
            assert node.owner_hint, node.code
    assert sum(1 for n in departments.leaves() if n.evidence_hint) >= 15


def _without_checks(value: Any) -> Any:
    """The document with every rule's ``checks`` key dropped."""
    if isinstance(value, dict):
        return {k: _without_checks(v) for k, v in value.items() if k != "checks"}
    if isinstance(value, list):
        return [_without_checks(v) for v in value]
    return value


def _checks_count(value: Any) -> int:
    if isinstance(value, dict):
        return len(value.get("checks") or ()) + sum(_checks_count(v) for v in value.values())
    if isinstance(value, list):
        return sum(_checks_count(v) for v in value)
    return 0


@pytest.mark.shared
def test_example_copies_are_the_shared_examples_plus_checks(shared_dir: Path) -> None:
    """The shipped commune set is the shared example with consistency checks added; the
    questionnaire is the same file."""
    ours = load_doc(DATA_DIR / "vd-xa-2025.yaml")
    theirs = load_doc(shared_dir / "examples" / "vd-xa-2025.yaml")
    assert _checks_count(ours) >= 5 and _checks_count(theirs) == 0
    assert _without_checks(ours) == _without_checks(theirs)
    name = "lanh-dao.questionnaire.yaml"
    assert (DATA_DIR / name).read_bytes() == (shared_dir / "examples" / name).read_bytes()


def test_count_pairs_have_checks(departments: Framework) -> None:
    """Wherever one count of a rule cannot exceed another, the shipped sets say so."""
    commune, _qs, _problems = load_framework(COMMUNES_SET, COMMUNES_QUESTIONNAIRES)
    assert commune is not None
    for framework, code, text in (
        (commune, "2.2.2", "handled <= found"),
        (commune, "3.5", "handled_on_time <= received"),
        (departments, "3.5", "handled_on_time <= received"),
        (departments, "6.3", "resolved <= recommendations"),
    ):
        rule = framework.node(code).rule
        assert isinstance(rule, GeneralRule)
        assert text in [c.require.text for c in rule.checks], code


def test_commune_copy_reads(db: None) -> None:
    framework, _qs, problems = load_framework(COMMUNES_SET, COMMUNES_QUESTIONNAIRES)
    assert framework is not None and problems == []
    assert load_doc(COMMUNES_SET)["code"] == "vd-xa-2025"
