"""What the account services share: the stored account locked with the manager check, and
the unit an audit entry is filed under."""

from __future__ import annotations

from typing import Any

from parindex.core.actions import lock
from parindex.units.models import Unit

from ..models import User
from ..permissions import ensure_can_manage_user


def scope_of(unit: Unit | None) -> int | None:
    """The unit an audit entry is filed under (none for the whole system)."""
    return unit.pk if unit is not None else None


_GONE = "Tài khoản này không còn trong hệ thống; vui lòng tải lại trang."


def lock_user(actor: Any, user: User, *, manage: bool = True) -> User:
    """The stored account, locked; with ``manage`` the actor must manage it as stored."""
    return lock(
        User,
        user.pk,
        actor=actor,
        check=ensure_can_manage_user if manage else None,
        missing_message=_GONE,
    )
