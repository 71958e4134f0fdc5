"""Who holds which role where, and who may manage which accounts.

Every app's permissions module builds on the one grant scope (:mod:`parindex.accounts.scope`,
``grant_scope(user)``) through the lookups at the top (``grants``, ``is_admin``, ``roles_of``,
``unit_ids_with_role``, ``has_role_in``, ``organiser_ids``, ``ensure``). Roles are read once per
request (cached on the user object) so pages ask freely.

Outside any campaign (accounts, the registry, criteria sets) only lasting and dated roles count;
a role given for one campaign counts only in questions about that campaign
(``campaign_id=``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from parindex.units.models import Unit

from .models import Membership, User
from .roles import ORGANISER_SIDE, UNIT_SIDE, Role
from .scope import ORGANISER_READERS as ORGANISER_READERS
from .scope import UNIT_READERS as UNIT_READERS
from .scope import (
    Grant,
    GrantScope,
    forget_scope,
    grant_scope,
)


def grants(user: Any) -> list[Grant]:
    """The user's current roles (lasting, dated and campaign-bound), cached for the request."""
    return list(grant_scope(user).grants)


def scope(user: Any) -> GrantScope:
    return grant_scope(user)


def forget_grants(user: Any) -> None:
    forget_scope(user)


def is_admin(user: Any) -> bool:
    return grant_scope(user).admin


def roles_of(user: Any) -> set[str]:
    """Every role the user holds now, in any unit or campaign (for labels, not decisions)."""
    found = {g.role for g in grant_scope(user).grants}
    if is_admin(user):
        found.add(Role.ADMIN)
    return found


def unit_ids_with_role(user: Any, roles: Iterable[str], campaign_id: int | None = None) -> set[int]:
    """Units where one of ``roles`` counts for ``campaign_id`` (None: lasting and dated
    roles only)."""
    return grant_scope(user).units(roles, campaign_id)


def has_role_in(
    user: Any, unit_id: int | None, roles: Iterable[str], campaign_id: int | None = None
) -> bool:
    return grant_scope(user).holds(unit_id, roles, campaign_id)


def organiser_ids(
    user: Any, roles: Iterable[str] = (Role.ORGANISER,), campaign_id: int | None = None
) -> set[int]:
    """The organising bodies in which the user holds one of ``roles`` (lasting or dated; with
    ``campaign_id``, also the roles given for that campaign)."""
    return grant_scope(user).bodies(roles, campaign_id)


def manages_body(user: Any, body_id: int | None = None) -> bool:
    """An administrator, or the secretariat (organiser role) of the organising body
    ``body_id`` — of some body when None."""
    if is_admin(user):
        return True
    mine = organiser_ids(user)
    return bool(mine) if body_id is None else body_id in mine


def ensure(condition: bool, message: str = "Bạn không có quyền thực hiện thao tác này.") -> None:
    if not condition:
        raise PermissionDenied(message)


# --- Accounts pages: who may see and manage people, and grant which role where -----------


def can_manage_accounts(user: Any) -> bool:
    """The accounts pages: admin, and the secretariat (organiser role) of an organising body."""
    return manages_body(user)


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


def can_grant_roles_to(user: Any, target: Any) -> bool:
    """Separation of duties: an organiser grants roles to others, never to itself (it could
    otherwise make itself a unit's head and fill in that unit's self-assessment); an
    administrator may."""
    if is_admin(user):
        return True
    return getattr(target, "pk", None) != getattr(user, "pk", None)


def can_grant_role(user: Any, unit: Any, role: str, to: Any = None) -> bool:
    """Give (or take back) ``role`` in ``unit`` (to ``to``, when known).

    Only an admin grants the admin role. An organiser (lasting or dated, not one appointed
    for a single campaign) grants organiser-side roles in its own body only, and unit-side
    roles and the observer role in its body and its registry units — to others, never to
    itself.
    """
    if role not in Role.values or not role_fits_unit(role, unit):
        return False
    if is_admin(user):
        return True
    if to is not None and not can_grant_roles_to(user, to):
        return False
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
