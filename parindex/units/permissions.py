"""Who may see and change units. Views, exports and the API all use these."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from parindex.accounts.permissions import ensure, is_admin, manages_body, organiser_ids, scope
from parindex.accounts.roles import Role

from .models import Unit, UnitQuerySet

# Roles held in an organising body that see its whole registry.
_REGISTRY_READERS = (Role.ORGANISER, Role.CHAIRMAN, Role.COUNCIL, Role.OBSERVER)


def units_visible_to(user: Any) -> UnitQuerySet:
    """Admin: all. Organiser side: its own body and its registry (a role given for one
    campaign: the body and the units assessed in that campaign). Unit side: its own unit."""
    qs: UnitQuerySet = Unit.objects.all()
    found = scope(user)
    if found.admin:
        return qs
    own = {g.unit_id for g in found.grants if g.unit_id is not None}
    if not own:
        return qs.none()
    condition = Q(pk__in=own)
    registries = found.bodies(_REGISTRY_READERS)
    if registries:
        condition |= Q(organiser_id__in=registries)
    by_campaign = [
        g.campaign_id
        for g in found.grants
        if g.campaign_id is not None and g.is_organiser_unit and g.role in _REGISTRY_READERS
    ]
    if by_campaign:
        # the units assessed in those campaigns (through the reverse relation: no import of
        # the campaigns app here)
        assessed = Unit.objects.filter(assessments_in__campaign_id__in=by_campaign).values("pk")
        condition |= Q(pk__in=assessed)
    return qs.filter(condition)


def can_manage_units(user: Any, organiser: Unit | None = None) -> bool:
    """Create, edit, import units: admin, or the organiser's secretariat for its registry."""
    return manages_body(user, organiser.pk if organiser is not None else None)


def organisers_managed_by(user: Any) -> UnitQuerySet:
    """Registries the user may add units to: every organising body for the admin."""
    qs: UnitQuerySet = Unit.objects.filter(is_organiser=True)
    if is_admin(user):
        return qs
    return qs.filter(pk__in=organiser_ids(user))


def can_create_unit(user: Any, organiser: Unit | None) -> bool:
    """Add a unit to ``organiser``'s registry; a unit outside every registry: admin only."""
    if is_admin(user):
        return True
    return organiser is not None and organiser.pk in organiser_ids(user)


def can_import_units(user: Any, organiser: Unit | None) -> bool:
    """Import a file into ``organiser``'s registry (creating and updating its units)."""
    return can_create_unit(user, organiser)


def can_change_unit(user: Any, unit: Unit) -> bool:
    if is_admin(user):
        return True
    return unit.organiser_id is not None and unit.organiser_id in organiser_ids(user)


def can_mark_organiser(user: Any) -> bool:
    """Making a unit an organising body lets its staff read a registry: admin only."""
    return is_admin(user)


def ensure_can_create_unit(user: Any, organiser: Unit | None) -> None:
    where = f" vào danh sách của {organiser.name}" if organiser is not None else ""
    ensure(can_create_unit(user, organiser), f"Bạn không có quyền thêm đơn vị{where}.")


def ensure_can_import_units(user: Any, organiser: Unit | None) -> None:
    where = f" vào danh sách của {organiser.name}" if organiser is not None else ""
    ensure(can_import_units(user, organiser), f"Bạn không có quyền nhập đơn vị{where}.")


def ensure_can_change_unit(user: Any, unit: Unit) -> None:
    ensure(can_change_unit(user, unit), f"Bạn không có quyền sửa đơn vị {unit.name}.")


def ensure_can_mark_organiser(user: Any) -> None:
    ensure(
        can_mark_organiser(user),
        "Chỉ quản trị hệ thống được đặt một đơn vị làm cơ quan tổ chức đánh giá.",
    )
