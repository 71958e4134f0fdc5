"""Every write to campaigns goes through these functions (keyword-only, typed).

Each one checks permission (``..permissions``), checks the state, saves inside a transaction
with optimistic locking on ``version`` where a row is edited, and writes an audit entry.
"""

from __future__ import annotations

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
    ensure_can_edit_plan,
    task_create,
    task_delete,
    task_reorder,
    task_set_status,
    task_update,
)
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
    "phase_reopen",
    "phase_set_dates",
    "task_create",
    "task_delete",
    "task_reorder",
    "task_set_status",
    "task_update",
    "unit_problems",
]
