"""Who holds which role where. Every app's permissions module builds on these lookups.

Roles are read once per request (cached on the user object) so pages ask freely.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from .models import Membership
from .roles import Role

_CACHE_ATTR = "_parindex_roles"


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int | None
    organiser_id: int | None  # the unit's organiser (for roles held in an assessed unit)
    is_organiser_unit: bool


def grants(user: Any) -> list[Grant]:
    """The user's active memberships, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    rows = Membership.objects.active().filter(user=user).select_related("unit")
    result = [
        Grant(
            role=m.role,
            unit_id=m.unit_id,
            organiser_id=m.unit.organiser_id if m.unit_id else None,
            is_organiser_unit=bool(m.unit_id and m.unit.is_organiser),
        )
        for m in rows
    ]
    setattr(user, _CACHE_ATTR, result)
    return result


def forget_grants(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def is_admin(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or any(g.role == Role.ADMIN for g in grants(user))


def roles_of(user: Any) -> set[str]:
    found = {g.role for g in grants(user)}
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        found.add(Role.ADMIN)
    return found


def unit_ids_with_role(user: Any, roles: Iterable[str]) -> set[int]:
    wanted = set(roles)
    return {g.unit_id for g in grants(user) if g.role in wanted and g.unit_id is not None}


def has_role_in(user: Any, unit_id: int | None, roles: Iterable[str]) -> bool:
    if unit_id is None:
        return False
    return unit_id in unit_ids_with_role(user, roles)


def organiser_ids(user: Any, roles: Iterable[str] = (Role.ORGANISER,)) -> set[int]:
    """The organising bodies in which the user holds one of ``roles``."""
    return unit_ids_with_role(user, roles)


def ensure(condition: bool, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
    if not condition:
        raise PermissionDenied(message)


def can_manage_accounts_of(user: Any, unit: Any) -> bool:
    """Admin everywhere; an organiser for its own body and the units in its registry."""
    if is_admin(user):
        return True
    if unit is None:
        return False
    mine = organiser_ids(user)
    return unit.pk in mine or (unit.organiser_id is not None and unit.organiser_id in mine)


def ensure_can_manage_accounts_of(user: Any, unit: Any) -> None:
    ensure(can_manage_accounts_of(user, unit), "Bạn không quản lý tài khoản của đơn vị này.")
