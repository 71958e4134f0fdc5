"""Every write to campaigns goes through these functions (keyword-only, typed).

Each one is one transaction: ``parindex.core.actions.lock`` the row with the permission check
(``..permissions``) on the row as stored and the revision the user loaded (``expected_revision``),
the state check (``.transitions`` for the campaign's and the phases' status machines),
``save_versioned``, and an audit entry declared in ``..audit_actions``.
"""

from __future__ import annotations

from ._base import ensure_can_edit_plan
from .campaigns import (
    campaign_close,
    campaign_create,
    campaign_open,
    campaign_update,
    group_create,
    group_delete,
    group_update,
)
from .phases import (
    UNIT_DEADLINE_PHASES,
    exception_grant,
    exception_revoke,
    na_declare,
    na_withdraw,
    phase_close,
    phase_open,
    phase_reopen,
    phase_set_dates,
)
from .plans import (
    allowed_plan_units,
    task_create,
    task_delete,
    task_move,
    task_reorder,
    task_set_status,
    task_update,
)
from .transitions import campaign_options, phase_options
from .units import (
    assessed_unit_add,
    assessed_unit_remove,
    assessed_unit_update,
    assessed_units_add_bulk,
    unit_problems,
)

__all__ = [
    "UNIT_DEADLINE_PHASES",
    "allowed_plan_units",
    "assessed_unit_add",
    "assessed_unit_remove",
    "assessed_unit_update",
    "assessed_units_add_bulk",
    "campaign_close",
    "campaign_create",
    "campaign_open",
    "campaign_options",
    "campaign_update",
    "ensure_can_edit_plan",
    "exception_grant",
    "exception_revoke",
    "group_create",
    "group_delete",
    "group_update",
    "na_declare",
    "na_withdraw",
    "phase_close",
    "phase_open",
    "phase_options",
    "phase_reopen",
    "phase_set_dates",
    "task_create",
    "task_delete",
    "task_move",
    "task_reorder",
    "task_set_status",
    "task_update",
    "unit_problems",
]
