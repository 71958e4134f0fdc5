"""The immutable model of a checked criteria set (format ``parindex-framework/1``).

A :class:`Framework` is built only by :func:`parindex.scoring.framework.parse_framework`, after
every check has passed; its rules are compiled once and can be evaluated any number of times.

Inherited values (decided here, documented once):

* ``source``: a node without ``source`` takes its parent's (default ``self``); a ``survey``
  rule always means ``source: survey``.
* ``evidence``: inherited the same way (default ``optional``); ``owner_hint`` too.
* ``applies_to``: a node applies to a unit kind only if it and every ancestor apply to it
  (:attr:`Node.applies_to` is that intersection; None means every kind).
* ``may_not_apply`` is not inherited: declaring a parent not applicable (where allowed) takes
  its whole subtree out; its children can be declared one by one only where they allow it.
* ``guidance``, ``evidence_hint``, ``capped`` and ``kind`` belong to their own node.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .expr import CompiledExpression
from .expr import Type as ExprType
from .numbers import ARITH

__all__ = [
    "Band",
    "Case",
    "Check",
    "CheckLevel",
    "ChecklistItem",
    "ChecklistRule",
    "Evidence",
    "Framework",
    "GeneralRule",
    "InputDef",
    "InputType",
    "ManualRule",
    "Node",
    "NodeKind",
    "Override",
    "Question",
    "Questionnaire",
    "Rule",
    "ScaleOption",
    "Source",
    "SurveyRule",
    "YesNoRule",
]


class InputType(StrEnum):
    INTEGER = "integer"
    DECIMAL = "decimal"
    PERCENT = "percent"
    BOOLEAN = "boolean"
    DATE = "date"

    @property
    def expr_type(self) -> ExprType:
        if self is InputType.BOOLEAN:
            return ExprType.BOOLEAN
        if self is InputType.DATE:
            return ExprType.DATE
        return ExprType.NUMBER


class Source(StrEnum):
    SELF = "self"
    SURVEY = "survey"
    ORGANISER = "organiser"


class Evidence(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    NONE = "none"


class NodeKind(StrEnum):
    BONUS = "bonus"
    PENALTY = "penalty"


@dataclass(frozen=True, slots=True)
class InputDef:
    """One named input of a general rule. ``min``/``max`` are Decimals (dates for ``date``)."""

    name: str
    type: InputType
    label: str
    help: str | None = None
    min: object = None
    max: object = None


@dataclass(frozen=True, slots=True)
class Case:
    when: CompiledExpression | None
    points: CompiledExpression


class CheckLevel(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Check:
    """A consistency check of a general rule: ``require`` must hold, else ``message``.

    A failed ``error`` check makes the entry invalid (no points); a failed ``warning`` check
    keeps the points and is reported. ``slots``: the positions, in the rule's inputs, of the
    inputs ``require`` reads (found once, when the set is read)."""

    require: CompiledExpression
    message: str
    slots: tuple[int, ...]
    level: CheckLevel = CheckLevel.ERROR


@dataclass(frozen=True, slots=True)
class GeneralRule:
    """Named inputs and cases: the first case whose ``when`` holds gives the points.
    ``checks`` are evaluated, in order, before the cases."""

    inputs: tuple[InputDef, ...]
    cases: tuple[Case, ...]
    checks: tuple[Check, ...] = ()
    kind: str = field(default="general", init=False)


@dataclass(frozen=True, slots=True)
class ManualRule:
    """Input ``score``, 0..max, optionally in steps of ``step``."""

    step: Decimal | None = None
    kind: str = field(default="manual", init=False)


@dataclass(frozen=True, slots=True)
class YesNoRule:
    """Input ``met`` (boolean): true gives max, false 0."""

    label: str
    kind: str = field(default="yes_no", init=False)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    label: str
    points: Decimal


@dataclass(frozen=True, slots=True)
class ChecklistRule:
    """Input ``items``: one boolean per item, in order; points = sum of ticked items."""

    items: tuple[ChecklistItem, ...]
    kind: str = field(default="checklist", init=False)


@dataclass(frozen=True, slots=True)
class SurveyRule:
    """Input ``answers``: answer codes per question; points = max × mean share (pooled)."""

    questionnaire: str
    questions: tuple[str, ...]
    kind: str = field(default="survey", init=False)


Rule = GeneralRule | ManualRule | YesNoRule | ChecklistRule | SurveyRule


class Override(tuple[Decimal]):
    """A leaf's points decided directly (facts ``{override: 0.5}``), in place of its rule's
    values: ``Override.of(points)``; ``.points`` is the decided value, before rounding."""

    __slots__ = ()

    @classmethod
    def of(cls, points: Decimal) -> Override:
        return cls((points,))

    @property
    def points(self) -> Decimal:
        return self[0]


@dataclass(frozen=True, slots=True)
class ScaleOption:
    code: str
    label: str
    share: Decimal | None  # None: "không biết", left out of the mean


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    text: str


@dataclass(frozen=True, slots=True)
class Questionnaire:
    code: str
    name: str
    respondent_group: str | None
    scale: tuple[ScaleOption, ...]
    questions: tuple[Question, ...]
    shares: Mapping[str, Decimal | None]  # option code → share
    question_codes: frozenset[str]


@dataclass(frozen=True, slots=True)
class Band:
    min: Decimal | None  # None only for the last band
    label: str


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """One node of the tree. Inherited attributes hold their effective values."""

    code: str
    name: str
    max: Decimal
    children: tuple[Node, ...]
    capped: bool
    rule: Rule | None  # None exactly for parents
    source: Source
    evidence: Evidence
    evidence_hint: str | None
    guidance: str | None
    owner_hint: str | None
    applies_to: frozenset[str] | None
    may_not_apply: bool
    kind: NodeKind | None
    depth: int  # 0 for fields (top level)
    parent: str | None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def allows_not_applicable(self) -> bool:
        """Whether facts may declare it not applicable (with a reason)."""
        return self.may_not_apply or self.source is not Source.SELF

    def walk(self) -> Iterator[Node]:
        """This node and its descendants in pre-order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True, slots=True, eq=False)
class Framework:
    """A checked criteria set. ``order`` lists every node in pre-order; ``parent_index`` and
    ``children_index`` give the tree as positions in ``order`` (used by the aggregation)."""

    code: str
    name: str
    year: int | None
    applies_to: tuple[str, ...] | None
    issued_by: str | None
    scale: Decimal
    decimals: int
    bands: tuple[Band, ...]
    questionnaires: Mapping[str, Questionnaire]
    nodes: tuple[Node, ...]
    order: tuple[Node, ...]
    by_code: Mapping[str, Node]
    parent_index: tuple[int, ...]
    children_index: tuple[tuple[int, ...], ...]
    needs_kind: bool  # some node or the set itself depends on the unit kind

    def node(self, code: str) -> Node:
        """The node with this code; raises KeyError."""
        return self.by_code[code]

    def leaves(self) -> Iterator[Node]:
        return (n for n in self.order if n.is_leaf)

    @property
    def max(self) -> Decimal:
        """Sum of the maxima of the top-level fields that are neither bonus nor penalty."""
        total = Decimal(0)
        for n in self.nodes:
            if n.kind is None:
                total = ARITH.add(total, n.max)
        return total

    def band_for(self, index: Decimal | None) -> str | None:
        if index is None:
            return None
        for band in self.bands:
            if band.min is None or index >= band.min:
                return band.label
        return None
