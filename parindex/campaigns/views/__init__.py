"""Campaign pages. Views validate input, call a service and render; they never write models."""

from __future__ import annotations

from .campaign import (
    campaign_close,
    campaign_create,
    campaign_detail,
    campaign_edit,
    campaign_list,
    campaign_open,
)
from .plan import plan, task_delete, task_edit, task_move, task_status
from .setup import (
    exception_grant,
    exception_revoke,
    group_delete,
    group_edit,
    group_list,
    na_list,
    na_withdraw,
    phase_action,
    phase_dates,
    phase_list,
    unit_bulk_add,
    unit_list,
    unit_move,
    unit_remove,
)
from .unit import unit_dashboard

__all__ = [
    "campaign_close",
    "campaign_create",
    "campaign_detail",
    "campaign_edit",
    "campaign_list",
    "campaign_open",
    "exception_grant",
    "exception_revoke",
    "group_delete",
    "group_edit",
    "group_list",
    "na_list",
    "na_withdraw",
    "phase_action",
    "phase_dates",
    "phase_list",
    "plan",
    "task_delete",
    "task_edit",
    "task_move",
    "task_status",
    "unit_bulk_add",
    "unit_dashboard",
    "unit_list",
    "unit_move",
    "unit_remove",
]
