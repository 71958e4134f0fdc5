"""Who may see and change a self-assessment. Pages, services, exports and other apps ask these.

* Admin: everything.
* Organiser side of the campaign's organising body (organiser, chairman, council, observer held
  in that body): sees every assessment of its campaigns; only the organiser role (the
  secretariat) returns a submission.
* Unit side, in the assessed unit, once the campaign is opened: the head and the focal officer
  edit every criterion and assign work; an officer edits only the criteria assigned to them (an
  assignment on a node covers every node below it); an observer held in the unit only reads.
* The audit trail: the unit head, the focal officer and the organiser side.

Status and phase rules are not decided here except where a function's name says so
(``can_edit_entry`` also needs an editable status); services add the campaign's phase rules.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from parindex.accounts.permissions import ORGANISER_READERS, UNIT_READERS, ensure, is_admin, scope
from parindex.accounts.roles import Role
from parindex.campaigns.models import AssessedUnit
from parindex.frameworks.selectors import get_engine_framework

from .context import ancestors_and_self
from .models import Assessment, Assignment
from .workflow import EDITABLE, ActingRole, Status

UNIT_MANAGERS = frozenset({Role.HEAD, Role.FOCAL})  # edit everything, assign work

_ASSIGNED_ATTR = "_parindex_assigned_codes"


def _unit_id(assessment: Assessment) -> int:
    return assessment.assessed_unit.unit_id


def _campaign_id(assessment: Assessment) -> int:
    return assessment.assessed_unit.campaign_id


def _organiser_id(assessment: Assessment) -> int:
    return assessment.assessed_unit.campaign.organiser_id


def _campaign_opened(assessment: Assessment) -> bool:
    return assessment.assessed_unit.campaign.status != "preparing"


def unit_roles(user: Any, assessment: Assessment) -> set[str]:
    """The unit-side roles ``user`` holds in the assessed unit for this campaign (empty before
    the campaign opens, since units see nothing of a campaign in preparation)."""
    if not _campaign_opened(assessment):
        return set()
    return scope(user).roles_in(_unit_id(assessment), _campaign_id(assessment)) & UNIT_READERS


def is_organiser_side(user: Any, assessment: Assessment) -> bool:
    """Reads every assessment of the campaign (admin included)."""
    if is_admin(user):
        return True
    return _organiser_id(assessment) in scope(user).bodies(
        ORGANISER_READERS, _campaign_id(assessment)
    )


def is_organiser(user: Any, assessment: Assessment) -> bool:
    """The secretariat of the campaign's organising body (or an admin)."""
    if is_admin(user):
        return True
    return _organiser_id(assessment) in scope(user).bodies(
        {Role.ORGANISER}, _campaign_id(assessment)
    )


# --- Seeing ------------------------------------------------------------------------------


def assessments_visible_to(user: Any) -> QuerySet[Assessment]:
    """Every assessment ``user`` may see (one place where visibility becomes SQL)."""
    qs = Assessment.objects.all()
    condition = scope(user).where(
        body="assessed_unit__campaign__organiser_id",
        unit="assessed_unit__unit_id",
        campaign="assessed_unit__campaign_id",
        preparing="assessed_unit__campaign__status",
    )
    return qs if condition is None else qs.filter(condition)


def assessed_units_of(user: Any) -> QuerySet[AssessedUnit]:
    """The assessed-unit rows of opened campaigns where ``user`` holds a unit-side role (the
    units whose assessment they work on or follow)."""
    found = scope(user)
    condition = Q(pk__in=[])
    for g in found.grants:
        if g.unit_id is None or g.role not in UNIT_READERS or g.is_organiser_unit:
            continue
        in_campaign = Q(campaign_id=g.campaign_id) if g.campaign_id else Q()
        condition |= Q(unit_id=g.unit_id) & in_campaign
    return AssessedUnit.objects.filter(condition).exclude(campaign__status="preparing")


def can_view_assessment(user: Any, assessment: Assessment) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_organiser_side(user, assessment) or bool(unit_roles(user, assessment))


def can_view_audit(user: Any, assessment: Assessment) -> bool:
    """The audit trail: the unit head, the focal officer and the organiser side."""
    return is_organiser_side(user, assessment) or bool(unit_roles(user, assessment) & UNIT_MANAGERS)


# --- Changing entries ----------------------------------------------------------------------


def assigned_codes(user: Any, assessment: Assessment) -> set[str]:
    """Node codes assigned to ``user`` in this assessment (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache: dict[int, set[str]] = getattr(user, _ASSIGNED_ATTR, None) or {}
    if assessment.pk not in cache:
        cache[assessment.pk] = set(
            Assignment.objects.filter(assessment=assessment, assignee=user).values_list(
                "node_code", flat=True
            )
        )
        setattr(user, _ASSIGNED_ATTR, cache)
    return cache[assessment.pk]


def remember_assigned(user: Any, assessment: Assessment, codes: set[str]) -> None:
    """Fill the per-user cache from assignments a page has already read."""
    if not getattr(user, "is_authenticated", False):
        return
    cache: dict[int, set[str]] = getattr(user, _ASSIGNED_ATTR, None) or {}
    cache[assessment.pk] = set(codes)
    setattr(user, _ASSIGNED_ATTR, cache)


def forget_assigned(user: Any) -> None:
    if hasattr(user, _ASSIGNED_ATTR):
        delattr(user, _ASSIGNED_ATTR)


def is_unit_manager(user: Any, assessment: Assessment) -> bool:
    """Head or focal officer of the assessed unit (admin too): edits every criterion."""
    return is_admin(user) or bool(unit_roles(user, assessment) & UNIT_MANAGERS)


def may_write_node(user: Any, assessment: Assessment, node_code: str) -> bool:
    """Role and assignment only (no status): the head and focal officer anything, an officer
    what is assigned on the node or one of its ancestors."""
    if is_unit_manager(user, assessment):
        return True
    if Role.OFFICER not in unit_roles(user, assessment):
        return False
    mine = assigned_codes(user, assessment)
    if not mine:
        return False
    framework = get_engine_framework(assessment.assessed_unit.framework)
    return any(code in mine for code in ancestors_and_self(framework, node_code))


def can_edit_entry(user: Any, assessment: Assessment, node_code: str) -> bool:
    """May ``user`` change what is recorded for ``node_code`` now (role, assignment and an
    editable status; the campaign's deadlines are checked by the services)?"""
    if Status(assessment.status) not in EDITABLE:
        return False
    return may_write_node(user, assessment, node_code)


def can_import_entries(user: Any, assessment: Assessment) -> bool:
    """May ``user`` change any entry of ``assessment`` now — the head or focal officer, or an
    officer with at least one assignment, while the status is editable? An upload from anyone
    else is refused before the file is read."""
    if Status(assessment.status) not in EDITABLE:
        return False
    if is_unit_manager(user, assessment):
        return True
    return Role.OFFICER in unit_roles(user, assessment) and bool(assigned_codes(user, assessment))


def can_assign(user: Any, assessment: Assessment) -> bool:
    return is_unit_manager(user, assessment)


def can_start_assessment(user: Any, assessed_unit: AssessedUnit) -> bool:
    """May ``user`` start (create) the self-assessment of ``assessed_unit``? The unit's head or
    focal officer (or an admin) once the campaign is opened; the organiser side and the unit's
    observers only read, and a page they open never creates anything."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_unit_manager(user, Assessment(assessed_unit=assessed_unit))


# --- Workflow actions ----------------------------------------------------------------------


def can_act_as(user: Any, assessment: Assessment, role: ActingRole) -> bool:
    """Whether ``user`` acts in ``role``, the role the workflow table names for a transition."""
    if role is ActingRole.ORGANISER:
        return is_organiser(user, assessment)
    if is_admin(user):
        return True
    roles = unit_roles(user, assessment)
    if role is ActingRole.HEAD:
        return Role.HEAD in roles
    return bool(roles & UNIT_MANAGERS)


def can_view_progress_board(user: Any, campaign: Any) -> bool:
    if is_admin(user):
        return True
    return campaign.organiser_id in scope(user).bodies(ORGANISER_READERS, campaign.pk)


def ensure_can_view_assessment(user: Any, assessment: Assessment) -> None:
    ensure(can_view_assessment(user, assessment), "Bạn không xem được hồ sơ tự đánh giá này.")


def ensure_can_edit_entry(user: Any, assessment: Assessment, node_code: str) -> None:
    if not may_write_node(user, assessment, node_code):
        ensure(False, f"Bạn không được giao chấm tiêu chí {node_code}.")
    ensure(
        Status(assessment.status) in EDITABLE,
        "Hồ sơ đã gửi: cần rút lại (hoặc được trả lại) trước khi sửa.",
    )


def ensure_can_assign(user: Any, assessment: Assessment) -> None:
    ensure(can_assign(user, assessment), "Chỉ thủ trưởng hoặc đầu mối của đơn vị được phân công.")


__all__ = [
    "ORGANISER_READERS",
    "UNIT_MANAGERS",
    "UNIT_READERS",
    "assessed_units_of",
    "assessments_visible_to",
    "assigned_codes",
    "can_act_as",
    "can_assign",
    "can_edit_entry",
    "can_start_assessment",
    "can_view_assessment",
    "can_view_audit",
    "can_view_progress_board",
    "ensure_can_assign",
    "ensure_can_edit_entry",
    "ensure_can_view_assessment",
    "forget_assigned",
    "is_organiser",
    "is_organiser_side",
    "is_unit_manager",
    "may_write_node",
    "remember_assigned",
    "unit_roles",
]
