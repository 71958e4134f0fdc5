"""Reading criteria sets, questionnaires and facts from files (.yaml, .yml, .xlsx).

Each function returns what it could read and every problem (naming the file); nothing raises
for bad input. The files themselves are read by :mod:`.document`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .facts import Facts, read_facts
from .framework import parse_framework
from .model import Framework, Questionnaire
from .problems import Problem, ProblemsError
from .questionnaires import read_questionnaire

__all__ = ["load_facts", "load_framework", "load_questionnaires", "read_document"]


def read_document(path: str | Path) -> tuple[Any, list[Problem]]:
    """The document of a file, or ``(None, problems)`` when it cannot be read."""
    from .document import load_document

    try:
        return load_document(path)
    except ProblemsError as exc:
        return None, exc.problems


def load_questionnaires(paths: Iterable[str | Path]) -> tuple[list[Questionnaire], list[Problem]]:
    questionnaires: list[Questionnaire] = []
    problems: list[Problem] = []
    for path in paths:
        doc, read_problems = read_document(path)
        problems.extend(read_problems)
        if doc is None:
            continue
        q, found = read_questionnaire(doc, file=str(path))
        problems.extend(found)
        if q is not None:
            if any(other.code == q.code for other in questionnaires):
                problems.append(Problem(str(path), f"phiếu '{q.code}' đã được đưa vào ở tệp khác"))
                continue
            questionnaires.append(q)
    return questionnaires, problems


def load_framework(
    path: str | Path, questionnaire_paths: Sequence[str | Path] = ()
) -> tuple[Framework | None, list[Questionnaire], list[Problem]]:
    """Read and check a criteria set with its separate questionnaire files. Returns the
    framework (None when anything has an error), the questionnaires and every problem."""
    questionnaires, problems = load_questionnaires(questionnaire_paths)
    doc, read_problems = read_document(path)
    problems.extend(read_problems)
    if doc is None:
        return None, questionnaires, problems
    framework, found = parse_framework(doc, file=str(path), questionnaires=questionnaires)
    problems.extend(found)
    if any(p.is_error for p in problems):
        return None, questionnaires, problems
    return framework, questionnaires, problems


def load_facts(
    path: str | Path, framework: Framework, questionnaires: Iterable[Questionnaire] = ()
) -> tuple[Facts | None, list[Problem]]:
    """Read and check one facts file."""
    doc, problems = read_document(path)
    if doc is None:
        return None, problems
    facts, found = read_facts(doc, framework, file=str(path), questionnaires=questionnaires)
    return facts, problems + found
