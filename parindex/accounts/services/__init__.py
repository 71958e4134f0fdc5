"""Every change to people and their roles: check permission and rules, save, write the audit.

Views, the API and commands call these; none writes ``User`` or ``Membership`` directly.
Passwords never reach the audit log: entries say that a password changed, never what to.
"""

from __future__ import annotations

from ..bulk import BulkImportError, BulkRow
from .bulk_creation import accounts_bulk_create, accounts_bulk_plan
from .memberships import membership_grant, membership_revoke
from .users import (
    NewAccount,
    password_reset_by_manager,
    user_create,
    user_deactivate,
    user_password_change,
    user_reactivate,
    user_update,
)

__all__ = [
    "BulkImportError",
    "BulkRow",
    "NewAccount",
    "accounts_bulk_create",
    "accounts_bulk_plan",
    "membership_grant",
    "membership_revoke",
    "password_reset_by_manager",
    "user_create",
    "user_deactivate",
    "user_password_change",
    "user_reactivate",
    "user_update",
]
