"""The one grant scope: from a person's roles, what they may read and what they may change.

Every app's permissions module asks :func:`grant_scope` (through the helpers of
``accounts.permissions``); no other code reads memberships to decide access.

A role is held in a unit and is one of three kinds, honoured alike everywhere:

* **lasting** — no dates, no campaign;
* **dated** — valid from/to given days (outside them the role does not exist at all);
* **campaign-bound** — given for one campaign only. It counts in that campaign and nowhere
  else, and lapses when the campaign is closed (``Membership.objects.active()``).

What each role reaches (``campaign`` below is the campaign the question is about):

=====================  =======================================  ====================================
held in                 lasting / dated role                      role bound to campaign C
=====================  =======================================  ====================================
an organising body B,   every campaign of B, its assessments,    C only: C, its assessments, the
organiser-side reader   the registry of B, B's criteria sets,    units assessed in C (and B itself),
(organiser, chairman,   the evidence libraries of the units      their libraries, the criteria-set
council, observer)      assessed in B's campaigns                versions C uses
the organiser role      manages all of the above (campaigns,     manages C only (units, groups,
(the secretariat)       registry, sets, accounts)                phases, plan, returns in C)
an assessed unit U      U, U's assessment in every opened        U, U's assessment in C once C is
(head, focal, officer,  campaign, U's library, the sets of U's   opened, U's library while C is
observer)               organiser and drafts U is invited to     open, the set versions C uses for U
=====================  =======================================  ====================================

Questions carry the campaign they are about (``campaign_id``); ``None`` means "outside any
campaign" (the registry, accounts, the criteria-set library, drafts), where only lasting and
dated roles count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from .models import Membership
from .roles import Role

_CACHE_ATTR = "_parindex_scope"

# Roles held in an organising body that read what its campaigns hold; roles held in an
# assessed unit that read what concerns that unit.
ORGANISER_READERS = frozenset({Role.ORGANISER, Role.CHAIRMAN, Role.COUNCIL, Role.OBSERVER})
UNIT_READERS = frozenset({Role.HEAD, Role.FOCAL, Role.OFFICER, Role.OBSERVER})

CampaignPath = str | Callable[[int], Q] | None


@dataclass(frozen=True)
class Grant:
    role: str
    unit_id: int | None
    organiser_id: int | None  # the unit's organiser (for roles held in an assessed unit)
    is_organiser_unit: bool
    campaign_id: int | None = None  # set when the role was given for one campaign only
    campaign_opened: bool = False  # that campaign is open (no longer in preparation)

    @property
    def is_lasting(self) -> bool:
        """Not bound to a campaign (it may still be dated)."""
        return self.campaign_id is None

    def counts_in(self, campaign_id: int | None) -> bool:
        """Does this role count for a question about ``campaign_id`` (None: no campaign)?"""
        return self.campaign_id is None or self.campaign_id == campaign_id


def _load(user: Any) -> tuple[Grant, ...]:
    rows = Membership.objects.active().filter(user=user).select_related("unit", "campaign")
    return tuple(
        Grant(
            role=m.role,
            unit_id=m.unit_id,
            organiser_id=m.unit.organiser_id if m.unit_id else None,
            is_organiser_unit=bool(m.unit_id and m.unit.is_organiser),
            campaign_id=m.campaign_id,
            campaign_opened=bool(m.campaign_id and m.campaign.status != "preparing"),
        )
        for m in rows
    )


def _active(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


class GrantScope:
    """What one person's roles reach. Build it with :func:`grant_scope`."""

    def __init__(self, grants: tuple[Grant, ...], *, admin: bool) -> None:
        self.grants = grants
        self.admin = admin

    # --- plain questions -------------------------------------------------------------------

    def roles_in(self, unit_id: int | None, campaign_id: int | None = None) -> set[str]:
        """The roles held in ``unit_id`` that count for ``campaign_id`` (None: no campaign,
        so only lasting and dated roles)."""
        if unit_id is None:
            return set()
        return {g.role for g in self.grants if g.unit_id == unit_id and g.counts_in(campaign_id)}

    def holds(
        self, unit_id: int | None, roles: Iterable[str], campaign_id: int | None = None
    ) -> bool:
        return bool(self.roles_in(unit_id, campaign_id) & set(roles))

    def _counting(self, roles: Iterable[str], campaign_id: int | None) -> list[tuple[int, Grant]]:
        """(unit id, grant) for each role of ``roles`` held in a unit that counts for
        ``campaign_id``."""
        wanted = set(roles)
        return [
            (g.unit_id, g)
            for g in self.grants
            if g.unit_id is not None and g.role in wanted and g.counts_in(campaign_id)
        ]

    def bodies(
        self, roles: Iterable[str] = ORGANISER_READERS, campaign_id: int | None = None
    ) -> set[int]:
        """Organising bodies in which one of ``roles`` counts for ``campaign_id``."""
        return {unit for unit, g in self._counting(roles, campaign_id) if g.is_organiser_unit}

    def units(
        self, roles: Iterable[str] = UNIT_READERS, campaign_id: int | None = None
    ) -> set[int]:
        """Units in which one of ``roles`` counts for ``campaign_id``."""
        return {unit for unit, _g in self._counting(roles, campaign_id)}

    def working_units(self, roles: Iterable[str] = UNIT_READERS) -> set[int]:
        """Units whose own records (the evidence library) one of ``roles`` reaches outside
        any campaign: lasting roles, and campaign-bound ones while their campaign is open."""
        wanted = set(roles)
        return {
            g.unit_id
            for g in self.grants
            if g.unit_id is not None
            and g.role in wanted
            and (g.campaign_id is None or g.campaign_opened)
        }

    # --- SQL -------------------------------------------------------------------------------

    def where(
        self,
        *,
        body: str | None = None,
        unit: str | None = None,
        campaign: CampaignPath = None,
        preparing: str | None = None,
        body_roles: Iterable[str] = ORGANISER_READERS,
        unit_roles: Iterable[str] = UNIT_READERS,
    ) -> Q | None:
        """One condition over some model, or None for "everything" (an administrator).

        ``body`` is the path to the organising body whose organiser-side readers reach a row,
        ``unit`` the path to the unit whose own people reach it, ``campaign`` how a row
        belongs to a campaign — a path to the campaign id, or a function giving the condition
        for one campaign (a row outside campaigns reached through a campaign: its units, its
        sets), or None when campaign-bound roles reach nothing of this model. ``preparing``,
        with ``unit``, is the path to the campaign status: unit-side people see nothing of a
        campaign still in preparation.
        """
        if self.admin:
            return None
        condition = Q(pk__in=[])
        wanted_body, wanted_unit = set(body_roles), set(unit_roles)
        for g in self.grants:
            if g.unit_id is None:
                continue
            bound = Q()
            if g.campaign_id is not None:
                if campaign is None:
                    continue
                bound = (
                    Q(**{campaign: g.campaign_id})
                    if isinstance(campaign, str)
                    else campaign(g.campaign_id)
                )
            if body is not None and g.is_organiser_unit and g.role in wanted_body:
                condition |= Q(**{body: g.unit_id}) & bound
            if unit is not None and g.role in wanted_unit:
                opened = ~Q(**{preparing: "preparing"}) if preparing else Q()
                condition |= Q(**{unit: g.unit_id}) & bound & opened
        return condition


def grant_scope(user: Any) -> GrantScope:
    """The scope of ``user``'s current roles, read once per request (cached on the user)."""
    if not _active(user):
        return GrantScope((), admin=False)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    grants = _load(user) if getattr(user, "pk", None) is not None else ()  # a system actor
    admin = bool(user.is_superuser) or any(g.role == Role.ADMIN for g in grants)
    scope = GrantScope(grants, admin=admin)
    setattr(user, _CACHE_ATTR, scope)
    return scope


def forget_scope(user: Any) -> None:
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


__all__ = [
    "ORGANISER_READERS",
    "UNIT_READERS",
    "Grant",
    "GrantScope",
    "forget_scope",
    "grant_scope",
]
