"""Who may see, manage and comment on criteria-set versions.

* Administrators: every version.
* The organising body (organiser, chairman, council and observer roles held in it): its own
  versions, drafts included. Only the organiser role (the secretariat) manages them: upload,
  re-import, edit, clone, delete drafts, invite units, handle comments.
* Assessed units (head, focal officer, officer, observer held in the unit): the drafts their
  unit is invited to comment on, and the frozen versions of their organiser
  (:func:`_assessed_versions_q` is where "the versions used to assess my unit" is decided).
* Commenting: the head, focal officer or an officer of an invited unit, while the draft is
  open for comments.

A role given for one campaign (``accounts.scope``) sees the versions that campaign uses (for
its unit, on the unit side) and manages, invites and comments on nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from parindex.accounts.permissions import ensure, is_admin, manages_body, organiser_ids, scope
from parindex.accounts.roles import ORGANISER_SIDE, UNIT_SIDE, Role
from parindex.campaigns.models import AssessedUnit
from parindex.units.models import Unit

from .models import DraftInvitation, FrameworkStatus, FrameworkVersion

__all__ = [
    "can_comment_on_draft",
    "can_import_framework",
    "can_manage_framework",
    "can_view_comments",
    "comment_units",
    "commentable_version_ids",
    "ensure_can_comment_on_draft",
    "ensure_can_import_framework",
    "ensure_can_manage_framework",
    "frameworks_visible_to",
    "import_organisers",
]

# Roles that see the organising body's versions (read-only unless also organiser).
_BODY_VIEW_ROLES = frozenset(ORGANISER_SIDE | {Role.OBSERVER})
# Roles of an assessed unit that see what the unit sees.
_UNIT_VIEW_ROLES = frozenset(UNIT_SIDE | {Role.OBSERVER})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _body_ids(user: Any) -> set[int]:
    """Organising bodies whose versions the user sees (lasting roles held in the body)."""
    return scope(user).bodies(_BODY_VIEW_ROLES)


def _unit_grants(user: Any, roles: frozenset[str]) -> list[tuple[int, int | None]]:
    """(unit id, its organiser id) for each lasting unit-side grant in ``roles``."""
    return [
        (g.unit_id, g.organiser_id)
        for g in scope(user).grants
        if g.role in roles and g.unit_id is not None and not g.is_organiser_unit and g.is_lasting
    ]


def _assessed_versions_q(unit_ids: set[int], organiser_ids_: set[int]) -> Q:
    """Versions an assessed unit sees besides invited drafts: the frozen versions of
    its organiser (the sets its organiser uses in campaigns)."""
    if not organiser_ids_:
        return Q(pk__in=[])
    return Q(status=FrameworkStatus.FROZEN, organiser_id__in=organiser_ids_)


def _used_in(campaign_id: int, unit_id: int | None = None) -> Q:
    """The versions a campaign uses (for one of its units when ``unit_id`` is given)."""
    rows = AssessedUnit.objects.filter(campaign_id=campaign_id)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id, campaign__status__in=["open", "closed"])
    return Q(pk__in=rows.values("framework_id"))


def frameworks_visible_to(user: Any) -> QuerySet[FrameworkVersion]:
    qs = FrameworkVersion.objects.all()
    if not _active(user):
        return qs.none()
    if is_admin(user):
        return qs
    condition = Q(pk__in=[])
    bodies = _body_ids(user)
    if bodies:
        condition |= Q(organiser_id__in=bodies)
    unit_side = _unit_grants(user, _UNIT_VIEW_ROLES)
    if unit_side:
        unit_ids = {u for u, _o in unit_side}
        organisers = {o for _u, o in unit_side if o is not None}
        invited = DraftInvitation.objects.filter(unit_id__in=unit_ids).values("framework_id")
        condition |= Q(status=FrameworkStatus.DRAFT, pk__in=invited)
        condition |= _assessed_versions_q(unit_ids, organisers)
    # Roles given for one campaign: the versions that campaign uses (for the unit).
    for g in scope(user).grants:
        if g.campaign_id is None or g.unit_id is None:
            continue
        if g.is_organiser_unit and g.role in _BODY_VIEW_ROLES:
            condition |= _used_in(g.campaign_id)
        elif g.role in _UNIT_VIEW_ROLES:
            condition |= _used_in(g.campaign_id, g.unit_id)
    return qs.filter(condition)


def import_organisers(user: Any) -> QuerySet[Unit]:
    """Organising bodies for which ``user`` may upload criteria sets."""
    qs = Unit.objects.filter(is_organiser=True)
    if is_admin(user):
        return qs
    return qs.filter(pk__in=organiser_ids(user))


def can_import_framework(user: Any, organiser: Unit | None = None) -> bool:
    """Upload sets (for ``organiser``, or for some body when None)."""
    if not _active(user):
        return False
    if is_admin(user):
        return organiser is None or bool(organiser.is_organiser)
    mine = organiser_ids(user)
    if organiser is None:
        return bool(mine)
    return organiser.pk in mine and bool(organiser.is_organiser)


def can_manage_framework(user: Any, version: FrameworkVersion) -> bool:
    """Change a version's drafts, clone it, invite units, handle comments."""
    if not _active(user):
        return False
    return manages_body(user, version.organiser_id)


def can_view_comments(user: Any, version: FrameworkVersion) -> bool:
    """The overview of every unit's comments: the managers, and the organising body's
    chairman and council (read-only)."""
    if can_manage_framework(user, version):
        return True
    return version.organiser_id in _body_ids(user)


def comment_units(user: Any, version: FrameworkVersion) -> list[int]:
    """Invited units in which ``user`` may comment on ``version`` (empty when none)."""
    if not _active(user) or version.status != FrameworkStatus.DRAFT or not version.comments_open:
        return []
    mine = {u for u, _o in _unit_grants(user, frozenset(UNIT_SIDE))}
    if not mine:
        return []
    invited = DraftInvitation.objects.filter(framework=version, unit_id__in=mine)
    return sorted(invited.values_list("unit_id", flat=True))


def commentable_version_ids(user: Any) -> set[int]:
    """Drafts open for comments to which one of the user's units is invited (one query)."""
    if not _active(user):
        return set()
    mine = {u for u, _o in _unit_grants(user, frozenset(UNIT_SIDE))}
    if not mine:
        return set()
    return set(
        DraftInvitation.objects.filter(
            unit_id__in=mine,
            framework__status=FrameworkStatus.DRAFT,
            framework__comments_open=True,
        ).values_list("framework_id", flat=True)
    )


def can_comment_on_draft(user: Any, version: FrameworkVersion, unit: Unit | None = None) -> bool:
    units = comment_units(user, version)
    if unit is None:
        return bool(units)
    return unit.pk in units


def ensure_can_import_framework(user: Any, organiser: Unit | None = None) -> None:
    ensure(
        can_import_framework(user, organiser),
        "Bạn không có quyền tải bộ tiêu chí lên cho cơ quan này.",
    )


def ensure_can_manage_framework(user: Any, version: FrameworkVersion) -> None:
    ensure(
        can_manage_framework(user, version),
        "Bạn không có quyền thay đổi bộ tiêu chí của cơ quan này.",
    )


def ensure_can_comment_on_draft(
    user: Any, version: FrameworkVersion, unit: Unit | None = None
) -> None:
    ensure(
        can_comment_on_draft(user, version, unit),
        "Đơn vị của bạn không được mời góp ý dự thảo này, hoặc dự thảo đã hết thời gian góp ý.",
    )
