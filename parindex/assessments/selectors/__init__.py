"""Reads for the self-assessment pages: the scoring form's rows (``form``), "my criteria", the
organiser's progress board and the audit trail (``lists``). Each builds its page in a fixed
number of queries, whatever the number of criteria or units."""

from .form import (
    AssessmentPage,
    InputField,
    NodeRow,
    assessment_page,
    input_fields,
    last_year_points,
)
from .lists import (
    SORTS,
    STATUS_ORDER,
    BoardRow,
    MyAssignment,
    audit_entries,
    board_counts,
    my_assignments,
    progress_board,
    visible_assessment,
)
from .rules import may_change_entries

__all__ = [
    "SORTS",
    "STATUS_ORDER",
    "AssessmentPage",
    "BoardRow",
    "InputField",
    "MyAssignment",
    "NodeRow",
    "assessment_page",
    "audit_entries",
    "board_counts",
    "input_fields",
    "last_year_points",
    "may_change_entries",
    "my_assignments",
    "progress_board",
    "visible_assessment",
]
