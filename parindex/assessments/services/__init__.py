"""Every write to self-assessments goes through these functions (keyword-only, typed).

Each one checks permission (``..permissions``), the transition (``..workflow``) and the
campaign's phase rules, writes inside a transaction with optimistic locking where a row is
edited, and records an audit entry.
"""

from __future__ import annotations

from .assignments import assignment_set, assignment_suggest, unit_people
from .entries import (
    EntryConflict,
    SaveResult,
    assessment_get_or_create,
    entry_save,
    recompute_totals,
)
from .workflow import (
    Check,
    assessment_act,
    assessment_mark_ready,
    assessment_reopen,
    assessment_return,
    assessment_submit,
    assessment_withdraw,
    build_snapshot,
    submission_checks,
)

__all__ = [
    "Check",
    "EntryConflict",
    "SaveResult",
    "assessment_act",
    "assessment_get_or_create",
    "assessment_mark_ready",
    "assessment_reopen",
    "assessment_return",
    "assessment_submit",
    "assessment_withdraw",
    "assignment_set",
    "assignment_suggest",
    "build_snapshot",
    "entry_save",
    "recompute_totals",
    "submission_checks",
    "unit_people",
]
