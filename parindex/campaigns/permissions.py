"""Who may see and run campaigns. Pages, services, exports and the API all ask these.

* Admin: every campaign, everything.
* Organiser side of an organising body (organiser, chairman, council, observer held in the
  body): every campaign of that body. Only the organiser role (the secretariat) manages it;
  the others read.
* Unit side (head, focal, officer, and an observer held in an assessed unit): the opened
  campaigns in which their unit is assessed, read-only, plus their unit's internal plan,
  which the head and the focal officer edit.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from parindex.accounts.permissions import (
    ensure,
    has_role_in,
    is_admin,
    organiser_ids,
    reader_scopes,
)
from parindex.accounts.roles import Role

from .models import AssessedUnit, Campaign, CampaignStatus

# Roles that keep a unit's internal plan.
UNIT_PLAN_EDITORS = frozenset({Role.HEAD, Role.FOCAL})


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    qs = Campaign.objects.all()
    if is_admin(user):
        return qs
    bodies, units = reader_scopes(user)
    if not bodies and not units:
        return qs.none()
    condition = Q(organiser_id__in=bodies)
    if units:
        assessed_in = AssessedUnit.objects.filter(unit_id__in=units).values("campaign_id")
        condition |= Q(pk__in=assessed_in, status__in=[CampaignStatus.OPEN, CampaignStatus.CLOSED])
    return qs.filter(condition)


def can_view_campaign(user: Any, campaign: Campaign) -> bool:
    return campaigns_visible_to(user).filter(pk=campaign.pk).exists()


def is_organiser_side_reader(user: Any, campaign: Campaign) -> bool:
    """Reads the whole campaign (the organiser's dashboard), whether or not it manages it."""
    if is_admin(user):
        return True
    bodies, _units = reader_scopes(user)
    return campaign.organiser_id in bodies


def can_create_campaign(user: Any, organiser: Any = None) -> bool:
    if is_admin(user):
        return True
    mine = organiser_ids(user)
    if organiser is None:
        return bool(mine)
    return organiser.pk in mine


def can_manage_campaign(user: Any, campaign: Campaign) -> bool:
    """Change the campaign: its units, groups, phases, exceptions, declarations and plan."""
    return is_admin(user) or campaign.organiser_id in organiser_ids(user)


def unit_ids_read_by(user: Any, campaign: Campaign) -> set[int] | None:
    """Assessed units whose dashboard the user reads; ``None`` means all of them."""
    if is_organiser_side_reader(user, campaign):
        return None
    if campaign.is_preparing:
        return set()
    _bodies, units = reader_scopes(user)
    return units


def can_view_unit_plan(user: Any, campaign: Campaign, unit: Any) -> bool:
    """A unit's dashboard and internal plan: the organiser side, and the unit's own people."""
    readable = unit_ids_read_by(user, campaign)
    return readable is None or unit.pk in readable


def can_edit_unit_plan(user: Any, campaign: Campaign, unit: Any) -> bool:
    if campaign.is_closed:
        return False
    if is_admin(user):
        return True
    if campaign.is_preparing:
        return False
    return has_role_in(user, unit.pk, UNIT_PLAN_EDITORS)


def ensure_can_view_campaign(user: Any, campaign: Campaign) -> None:
    ensure(can_view_campaign(user, campaign), "Bạn không xem được đợt đánh giá này.")


def ensure_can_create_campaign(user: Any, organiser: Any) -> None:
    name = getattr(organiser, "name", "")
    ensure(
        can_create_campaign(user, organiser),
        f"Bạn không có quyền tạo đợt đánh giá cho {name}."
        if name
        else "Bạn không có quyền tạo đợt đánh giá.",
    )


def ensure_can_manage_campaign(user: Any, campaign: Campaign) -> None:
    ensure(
        can_manage_campaign(user, campaign),
        f"Chỉ cơ quan tổ chức ({campaign.organiser.name}) được thay đổi đợt đánh giá này.",
    )


def ensure_can_edit_unit_plan(user: Any, campaign: Campaign, unit: Any) -> None:
    ensure(
        can_edit_unit_plan(user, campaign, unit),
        f"Chỉ thủ trưởng hoặc đầu mối của {unit.name} được sửa kế hoạch của đơn vị.",
    )
