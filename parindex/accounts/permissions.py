"""Who holds which role where, and who may manage which accounts.

Every app's permissions module builds on the lookups at the top (``grants``, ``is_admin``,
``roles_of``, ``unit_ids_with_role``, ``has_role_in``, ``organiser_ids``, ``ensure``). Roles are
read once per request (cached on the user object) so pages ask freely.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from parindex.units.models import Unit

from .models import Membership, User
from .roles import ORGANISER_SIDE, UNIT_SIDE, Role

_CACHE_ATTR = "_parindex_roles"


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int | None
    organiser_id: int | None  # the unit's organiser (for roles held in an assessed unit)
    is_organiser_unit: bool
    campaign_id: int | None = None  # set when the role was given for one campaign only


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
            campaign_id=m.campaign_id,
        )
        for m in rows
    ]
    setattr(user, _CACHE_ATTR, result)
    return result


# Roles held in an organising body that read what its campaigns hold; roles held in an assessed
# unit that read what concerns that unit.
ORGANISER_READERS = frozenset({Role.ORGANISER, Role.CHAIRMAN, Role.COUNCIL, Role.OBSERVER})
UNIT_READERS = frozenset({Role.HEAD, Role.FOCAL, Role.OFFICER, Role.OBSERVER})


def reader_scopes(user: Any) -> tuple[set[int], set[int]]:
    """(organising bodies whose campaigns the user reads, units whose own records it reads)."""
    bodies: set[int] = set()
    units: set[int] = set()
    for g in grants(user):
        if g.unit_id is None:
            continue
        if g.is_organiser_unit and g.role in ORGANISER_READERS:
            bodies.add(g.unit_id)
        if g.role in UNIT_READERS:
            units.add(g.unit_id)
    return bodies, units


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


# --- Accounts pages: who may see and manage people, and grant which role where -----------


def can_manage_accounts(user: Any) -> bool:
    """The accounts pages: admin, and the secretariat (organiser role) of an organising body."""
    return is_admin(user) or bool(organiser_ids(user))


def ensure_can_manage_accounts(user: Any) -> None:
    ensure(can_manage_accounts(user), "Bạn không có quyền quản lý tài khoản.")


def _membership_scope_q(bodies: set[int], prefix: str = "") -> Q:
    return Q(**{f"{prefix}unit_id__in": bodies}) | Q(**{f"{prefix}unit__organiser_id__in": bodies})


def users_visible_to(user: Any) -> QuerySet[User]:
    """Admin: everyone. Organiser: itself and everyone holding (or having held) a role in its
    body or in a unit of its registry. Anyone else: only itself."""
    qs = User.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if is_admin(user):
        return qs
    bodies = organiser_ids(user)
    if not bodies:
        return qs.filter(pk=user.pk)
    in_scope = Membership.objects.filter(user=OuterRef("pk")).filter(_membership_scope_q(bodies))
    return qs.filter(Q(pk=user.pk) | Exists(in_scope))


def _is_admin_account(target: Any) -> bool:
    if target.is_superuser:
        return True
    return any(m.role == Role.ADMIN and m.is_current() for m in _memberships_of(target))


def _memberships_of(target: Any) -> list[Membership]:
    """All of the target's memberships with their units (one query, cached on the object)."""
    cached = getattr(target, "_parindex_all_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=target).select_related("unit"))
        target._parindex_all_memberships = cached
    return cached


def forget_memberships(target: Any) -> None:
    if hasattr(target, "_parindex_all_memberships"):
        delattr(target, "_parindex_all_memberships")
    forget_grants(target)


def can_manage_user(user: Any, target: Any) -> bool:
    """Edit, reset the password of, deactivate, grant roles to ``target``.

    Admin: anyone. Organiser: a person with a role (current or past) in its body or registry
    and no current or future role elsewhere — someone who also works for another organiser
    is managed by an administrator. Nobody but an admin manages an administrator.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if is_admin(user):
        return True
    bodies = organiser_ids(user)
    if not bodies or _is_admin_account(target):
        return False
    today = timezone.localdate()
    in_scope = False
    for m in _memberships_of(target):
        mine = m.unit_id is not None and (m.unit_id in bodies or m.unit.organiser_id in bodies)
        if mine:
            in_scope = True
        elif m.is_active and (m.valid_to is None or m.valid_to >= today):
            return False
    return in_scope


def ensure_can_manage_user(user: Any, target: Any) -> None:
    ensure(can_manage_user(user, target), "Bạn không quản lý tài khoản của người này.")


def role_fits_unit(role: str, unit: Any) -> bool:
    """Organiser-side roles in an organising body, unit-side roles in an assessed unit (one on
    an organiser's registry), the observer anywhere, the administrator in no unit."""
    if role == Role.ADMIN:
        return unit is None
    if unit is None:
        return False
    if role in ORGANISER_SIDE:
        return bool(unit.is_organiser)
    if role in UNIT_SIDE:
        return unit.organiser_id is not None
    return role == Role.OBSERVER


def can_grant_role(user: Any, unit: Any, role: str) -> bool:
    """Give (or take back) ``role`` in ``unit``.

    Only an admin grants the admin role. An organiser grants organiser-side roles in its own
    body only, and unit-side roles and the observer role in its body and its registry units.
    """
    if role not in Role.values or not role_fits_unit(role, unit):
        return False
    if is_admin(user):
        return True
    if role == Role.ADMIN:
        return False
    bodies = organiser_ids(user)
    if role in ORGANISER_SIDE:
        return unit.pk in bodies
    return unit.pk in bodies or (unit.organiser_id is not None and unit.organiser_id in bodies)


def can_revoke_membership(user: Any, membership: Membership) -> bool:
    """Take a role back: the same scope as granting it (admin anywhere)."""
    if is_admin(user):
        return True
    unit = membership.unit
    if membership.role == Role.ADMIN or unit is None:
        return False
    bodies = organiser_ids(user)
    if membership.role in ORGANISER_SIDE:
        return unit.pk in bodies
    return unit.pk in bodies or (unit.organiser_id is not None and unit.organiser_id in bodies)


def can_sit_on_council_for(user: Any, unit: Any) -> bool:
    """May ``user`` appraise ``unit`` as a council member?

    Needs the council role in the unit's organiser, and never over their own unit: False
    whenever the user holds a unit-side role (head, focal officer, officer) in that unit.
    """
    mine = grants(user)
    if any(g.role in UNIT_SIDE and g.unit_id == unit.pk for g in mine):
        return False
    return unit.organiser_id is not None and any(
        g.role == Role.COUNCIL and g.unit_id == unit.organiser_id for g in mine
    )


def units_for_account_management(user: Any) -> QuerySet[Unit]:
    """Units in which ``user`` may create accounts: all for an admin, else its bodies and
    their registries."""
    qs = Unit.objects.all()
    if is_admin(user):
        return qs
    bodies = organiser_ids(user)
    if not bodies:
        return qs.none()
    return qs.filter(Q(pk__in=bodies) | Q(organiser_id__in=bodies))
