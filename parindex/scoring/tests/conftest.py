"""Shared fixtures of the scoring tests: data files, the example set, small in-memory sets.

Hypothesis profile ``ci`` (no deadline) is loaded when ``CI`` is set.
"""

from __future__ import annotations

import copy
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from parindex.scoring.document import load_document
from parindex.scoring.facts import Facts, Unit, prepare_facts
from parindex.scoring.framework import parse_framework
from parindex.scoring.model import Framework, Questionnaire
from parindex.scoring.questionnaires import read_questionnaire

settings.register_profile("ci", deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

DATA = Path(__file__).parent / "data"
EXAMPLE_SET = DATA / "vd-xa-2025.yaml"
EXAMPLE_QUESTIONNAIRE = DATA / "lanh-dao.questionnaire.yaml"
FACTS = DATA / "golden" / "vd-xa-2025"
GOLDEN = DATA / "golden"
BAD = DATA / "bad"

D = Decimal


def load(path: Path) -> Any:
    doc, _ = load_document(path)
    return doc


def build(doc: Any, *, questionnaires: tuple[Questionnaire, ...] = ()) -> Framework:
    """A framework from a document that must check without errors."""
    framework, problems = parse_framework(doc, file="t.yaml", questionnaires=questionnaires)
    errors = [p.line() for p in problems if p.is_error]
    assert framework is not None, errors
    return framework


def problems_of(doc: Any, *, questionnaires: tuple[Questionnaire, ...] = ()) -> list[str]:
    """Every problem line of a document (errors and warnings)."""
    framework, problems = parse_framework(doc, file="t.yaml", questionnaires=questionnaires)
    if any(p.is_error for p in problems):
        assert framework is None
    return [p.line() for p in problems]


def leaf(code: str, max_: str = "1", **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Tiêu chí {code}", "max": D(max_), **extra}


def parent(code: str, max_: str, children: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"code": code, "name": f"Lĩnh vực {code}", "max": D(max_), "children": children, **extra}


def framework_doc(nodes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "format": "parindex-framework/1",
        "code": "t",
        "name": "Bộ thử",
        "nodes": nodes,
        **extra,
    }


def facts_for(
    framework: Framework,
    values: dict[str, Any],
    kind: str | None = None,
    questionnaires: tuple[Questionnaire, ...] = (),
) -> Facts:
    return prepare_facts(
        framework, Unit("u", "Đơn vị thử", kind), values, questionnaires=questionnaires
    )


@pytest.fixture(scope="session")
def example_doc() -> Any:
    return load(EXAMPLE_SET)


@pytest.fixture
def example_doc_copy(example_doc: Any) -> Any:
    return copy.deepcopy(example_doc)


@pytest.fixture(scope="session")
def questionnaire() -> Questionnaire:
    q, problems = read_questionnaire(load(EXAMPLE_QUESTIONNAIRE), file="q.yaml")
    assert q is not None and not problems
    return q


@pytest.fixture(scope="session")
def example(example_doc: Any, questionnaire: Questionnaire) -> Framework:
    return build(example_doc, questionnaires=(questionnaire,))
