"""Problems found in criteria sets, questionnaires and facts files.

Every problem is one Vietnamese line naming the file and the place (a node code, or a sheet,
row and column of an .xlsx form). Commands print them on standard error; the web pages list
them. Nothing in the engine raises a bare exception at a user for bad input: it raises
:class:`ProblemsError` carrying one or more problems.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


_SEVERITY_LABEL = {Severity.ERROR: "lỗi", Severity.WARNING: "cảnh báo"}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem. ``node`` is a node code ("1.4.1"), or None for the whole file;
    ``where`` is an optional extra place (an input name, or "sheet X, dòng N, cột Y")."""

    file: str
    message: str
    node: str | None = None
    where: str | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def line(self) -> str:
        """The one-line form: ``file: tiêu chí 1.4.1: lỗi: message``."""
        parts = [self.file]
        if self.node is not None:
            parts.append(f"tiêu chí {self.node}")
        if self.where:
            parts.append(self.where)
        parts.append(f"{_SEVERITY_LABEL[self.severity]}: {self.message}")
        return ": ".join(parts)

    def __str__(self) -> str:
        return self.line()


class ProblemsError(Exception):
    """Raised when input cannot be used; carries every problem found (at least one error)."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(p.line() for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]
