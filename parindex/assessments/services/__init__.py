"""Every write to self-assessments goes through these functions (keyword-only, typed).

Each one checks permission (``..permissions``), the transition (``..workflow``) and the
campaign's phase rules, writes inside a transaction with optimistic locking where a row is
edited, and records an audit entry.
"""

from __future__ import annotations

from ._common import edit_answer, last_submitted_at, phase_rules
from .assignments import (
    AssignmentRow,
    assignment_set,
    assignment_suggest,
    assignments_save,
    unit_people,
)
from .checks import Check, blocking_checks, submission_checks
from .entries import (
    EntryChange,
    EntryConflict,
    SaveResult,
    assessment_get_or_create,
    assessment_start,
    entries_import,
    entry_save,
    lock_assessment,
    recompute_totals,
)
from .snapshot import build_snapshot
from .workflow import (
    OWN_PAGE,
    assessment_act,
    assessment_mark_ready,
    assessment_options,
    assessment_reopen,
    assessment_return,
    assessment_submit,
    assessment_verdict,
    assessment_withdraw,
)

__all__ = [
    "OWN_PAGE",
    "AssignmentRow",
    "Check",
    "EntryChange",
    "EntryConflict",
    "SaveResult",
    "assessment_act",
    "assessment_get_or_create",
    "assessment_mark_ready",
    "assessment_options",
    "assessment_reopen",
    "assessment_return",
    "assessment_start",
    "assessment_submit",
    "assessment_verdict",
    "assessment_withdraw",
    "assignment_set",
    "assignment_suggest",
    "assignments_save",
    "blocking_checks",
    "build_snapshot",
    "edit_answer",
    "entries_import",
    "entry_save",
    "last_submitted_at",
    "lock_assessment",
    "phase_rules",
    "recompute_totals",
    "submission_checks",
    "unit_people",
]
