"""The scoring engine: pure Python, no Django. See docs/architecture.md.

Criteria sets (format ``parindex-framework/1``) are checked and compiled into an immutable
:class:`Framework`; facts of a unit are checked into :class:`Facts`; :func:`score_unit` gives a
:class:`UnitResult` (points, maxima, total, index, band, explanations) whose
:meth:`~UnitResult.to_json` is the ``parindex framework score --json`` document. Every number is
an exact :class:`~decimal.Decimal`; the only rounding is half-up to the set's ``decimals``.

Modules: :mod:`.expr` (expression language), :mod:`.framework` / :mod:`.rules` /
:mod:`.questionnaires` (reading and checking sets), :mod:`.model`, :mod:`.entries` /
:mod:`.facts` (facts), :mod:`.evaluate` (leaf rules), :mod:`.aggregate` (scoring),
:mod:`.explain`, :mod:`.result`, :mod:`.ranking`, :mod:`.api` (web forms), :mod:`.uivalues`,
:mod:`.loading` (files), :mod:`.render` (command output); files are read by
:mod:`.document`.
"""

from .aggregate import score_facts, score_unit
from .api import (
    ChecklistItemSpec,
    InputSpec,
    LeafScore,
    OptionSpec,
    QuestionSpec,
    format_points,
    input_specs,
    parse_ui_value,
    score_leaf,
    validate_entry,
)
from .entries import EntryError
from .evaluate import EvaluationError, evaluate_leaf
from .explain import Explanation
from .facts import Facts, Unit, prepare_facts, read_facts
from .framework import FRAMEWORK_FORMAT, parse_framework
from .model import Framework, Node, Questionnaire
from .numbers import format_decimal, round_half_up
from .problems import Problem, ProblemsError, Severity
from .questionnaires import read_questionnaire
from .ranking import RankedUnit, assign_ranks, rank_results, ranking_json
from .result import ENGINE_VERSION, NodeResult, UnitResult, canonical_json
from .uivalues import UIValueError

__all__ = [
    "ENGINE_VERSION",
    "FRAMEWORK_FORMAT",
    "ChecklistItemSpec",
    "EntryError",
    "EvaluationError",
    "Explanation",
    "Facts",
    "Framework",
    "InputSpec",
    "LeafScore",
    "Node",
    "NodeResult",
    "OptionSpec",
    "Problem",
    "ProblemsError",
    "QuestionSpec",
    "Questionnaire",
    "RankedUnit",
    "Severity",
    "UIValueError",
    "Unit",
    "UnitResult",
    "assign_ranks",
    "canonical_json",
    "evaluate_leaf",
    "format_decimal",
    "format_points",
    "input_specs",
    "parse_framework",
    "parse_ui_value",
    "prepare_facts",
    "rank_results",
    "ranking_json",
    "read_facts",
    "read_questionnaire",
    "round_half_up",
    "score_facts",
    "score_leaf",
    "score_unit",
    "validate_entry",
]
