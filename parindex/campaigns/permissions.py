"""Who may see and run campaigns. Pages, services, exports and the API all ask these.

* Admin: every campaign, everything.
* Organiser side of an organising body (organiser, chairman, council, observer held in the
  body): every campaign of that body. Only the organiser role (the secretariat) manages it;
  the others read.
* Unit side (head, focal, officer, and an observer held in an assessed unit): the opened
  campaigns in which their unit is assessed, read-only, plus their unit's internal plan,
  which the head and the focal officer edit.

A role given for one campaign reaches that campaign only (``accounts.scope``): an organiser
appointed for the 2025 campaign manages 2025, not 2026, and creates no campaign.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from parindex.accounts.permissions import (
    ensure,
    has_role_in,
    is_admin,
    manages_body,
    organiser_ids,
    scope,
)
from parindex.accounts.roles import Role
from parindex.accounts.scope import ORGANISER_READERS as _READERS

from .models import AssessedUnit, Campaign, CampaignStatus

# Roles that keep a unit's internal plan.
UNIT_PLAN_EDITORS = frozenset({Role.HEAD, Role.FOCAL})
_SEEN_BY_UNITS = [CampaignStatus.OPEN, CampaignStatus.CLOSED]


def campaigns_visible_to(user: Any) -> QuerySet[Campaign]:
    qs = Campaign.objects.all()
    found = scope(user)
    by_body = found.where(body="organiser_id", campaign="pk")
    if by_body is None:
        return qs
    by_unit = found.where(unit="unit_id", campaign="campaign_id")
    assert by_unit is not None
    assessed_in = AssessedUnit.objects.filter(by_unit).values("campaign_id")
    return qs.filter(by_body | Q(pk__in=assessed_in, status__in=_SEEN_BY_UNITS))


def is_organiser_side_reader(user: Any, campaign: Campaign) -> bool:
    """Reads the whole campaign (the organiser's dashboard), whether or not it manages it."""
    if is_admin(user):
        return True
    return campaign.organiser_id in organiser_ids(user, campaign_id=campaign.pk, roles=_READERS)


def can_create_campaign(user: Any, organiser: Any = None) -> bool:
    """A new campaign: an administrator, or the lasting secretariat of the body."""
    return manages_body(user, organiser.pk if organiser is not None else None)


def can_manage_campaign(user: Any, campaign: Campaign) -> bool:
    """Change the campaign: its units, groups, phases, exceptions, declarations and plan —
    the secretariat of its body, lasting or appointed for this campaign."""
    return is_admin(user) or campaign.organiser_id in organiser_ids(user, campaign_id=campaign.pk)


def unit_ids_read_by(user: Any, campaign: Campaign) -> set[int] | None:
    """Assessed units whose dashboard the user reads; ``None`` means all of them."""
    if is_organiser_side_reader(user, campaign):
        return None
    if campaign.is_preparing:
        return set()
    return scope(user).units(campaign_id=campaign.pk)


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
    return has_role_in(user, unit.pk, UNIT_PLAN_EDITORS, campaign_id=campaign.pk)


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
