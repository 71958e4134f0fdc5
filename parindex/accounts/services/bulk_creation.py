"""Accounts from a sheet: the plan of every row (checked, nothing written) and the creation of
every planned account with its role, all in one transaction or none.

The rows and their checks are :mod:`parindex.accounts.bulk`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from ..bulk import COL_USERNAME, BulkImportError, BulkRow, PlannedAccount, RowError, plan_bulk
from ..permissions import ensure_can_manage_accounts
from .memberships import grant
from .users import NewAccount, new_user

accounts_bulk_plan = plan_bulk


def _taken_meanwhile(account: PlannedAccount) -> BulkImportError:
    return BulkImportError(
        [
            RowError(
                account.row,
                COL_USERNAME,
                f"tên đăng nhập '{account.username}' vừa được dùng cho một tài khoản khác "
                "trong lúc lưu; không tài khoản nào được tạo, hãy tải tệp lên lại",
            )
        ]
    )


def accounts_bulk_create(*, actor: Any, rows: Sequence[BulkRow]) -> list[NewAccount]:
    """Create every account of the sheet, each with its role and a temporary password, or
    none: any bad row raises ``BulkImportError`` naming row and column, and nothing is saved —
    also when a row fails only while being written (a username taken meanwhile).
    """
    current: PlannedAccount | None = None
    try:
        with transaction.atomic():
            ensure_can_manage_accounts(actor)
            plan = plan_bulk(actor=actor, rows=rows)
            if plan.errors:
                raise BulkImportError(plan.errors)
            created: list[NewAccount] = []
            for current in plan.accounts:
                user, password = new_user(
                    actor=actor,
                    username=current.username,
                    full_name=current.full_name,
                    email=current.email,
                    phone=current.phone,
                    position=current.position,
                    scope_unit=current.unit,
                )
                membership = grant(actor=actor, user=user, unit=current.unit, role=current.role)
                created.append(NewAccount(user=user, membership=membership, password=password))
            return created
    except IntegrityError as exc:  # the whole transaction is rolled back: nobody was created
        if current is None:
            raise
        raise _taken_meanwhile(current) from exc
