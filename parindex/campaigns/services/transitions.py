"""The campaign's and the phases' status machines run through one runner each.

The same verdict answers the buttons a page shows (:func:`campaign_options`,
:func:`phase_options`) and the services (``CAMPAIGN_RUNNER.ensure`` / ``PHASE_RUNNER.ensure``),
so a page never offers what the service would refuse, and says why when it does not.
"""

from __future__ import annotations

from typing import Any

from parindex.core.transitions import Option, Runner, TransitionTable, Verdict

from ..models import AssessedUnit, Campaign, CampaignStatus, Phase, PhaseState
from ..permissions import can_manage_campaign
from ..workflow import (
    CAMPAIGN_ACTION_LABELS,
    CAMPAIGN_STATUS_LABELS,
    CAMPAIGN_STATUS_REFUSALS,
    CAMPAIGN_TRANSITIONS,
    PHASE_ACTION_LABELS,
    PHASE_STATE_LABELS,
    PHASE_STATUS_REFUSALS,
    PHASE_TRANSITIONS,
    ROLE_NAMES,
    ActingRole,
    CampaignAction,
    PhaseAction,
)

ALLOWED = Verdict(True)


# --- The campaign -----------------------------------------------------------------------------


def _has_units(actor: Any, campaign: Campaign) -> Verdict:
    if AssessedUnit.objects.filter(campaign_id=campaign.pk).exists():
        return ALLOWED
    return Verdict(False, "Cần có ít nhất một đơn vị được đánh giá trước khi mở đợt.", "guard")


CAMPAIGN_TABLE: TransitionTable[CampaignStatus, CampaignAction, ActingRole] = TransitionTable(
    CAMPAIGN_TRANSITIONS,
    status_labels=CAMPAIGN_STATUS_LABELS,
    action_labels=CAMPAIGN_ACTION_LABELS,
    role_names=ROLE_NAMES,
)
CAMPAIGN_RUNNER: Runner[CampaignStatus, CampaignAction, ActingRole] = Runner(
    CAMPAIGN_TABLE,
    status_of=lambda campaign: CampaignStatus(campaign.status),
    holds=lambda actor, campaign, role: can_manage_campaign(actor, campaign),
    guards={CampaignAction.OPEN: _has_units},
    status_refusals=CAMPAIGN_STATUS_REFUSALS,
)


def campaign_options(
    actor: Any, campaign: Campaign
) -> list[Option[CampaignAction, CampaignStatus]]:
    """Open / close the campaign, for the people who may, allowed now or not with the reason."""
    return CAMPAIGN_RUNNER.options(actor, campaign)


# --- Phases -----------------------------------------------------------------------------------


def _campaign_running(actor: Any, phase: Phase) -> Verdict:
    """A phase opens (or opens again) only while its campaign is open."""
    campaign = phase.campaign
    if campaign.is_preparing:
        return Verdict(False, "Mở đợt đánh giá trước khi mở từng giai đoạn.", "guard")
    if campaign.is_closed:
        return Verdict(
            False, f"Đợt đánh giá “{campaign.name}” đã kết thúc; không thể thay đổi.", "guard"
        )
    return ALLOWED


PHASE_TABLE: TransitionTable[PhaseState, PhaseAction, ActingRole] = TransitionTable(
    PHASE_TRANSITIONS,
    status_labels=PHASE_STATE_LABELS,
    action_labels=PHASE_ACTION_LABELS,
    role_names=ROLE_NAMES,
)
PHASE_RUNNER: Runner[PhaseState, PhaseAction, ActingRole] = Runner(
    PHASE_TABLE,
    status_of=lambda phase: PhaseState(phase.state),
    holds=lambda actor, phase, role: can_manage_campaign(actor, phase.campaign),
    guards={PhaseAction.OPEN: _campaign_running, PhaseAction.REOPEN: _campaign_running},
    status_refusals=PHASE_STATUS_REFUSALS,
)


def phase_options(actor: Any, phase: Phase) -> list[Option[PhaseAction, PhaseState]]:
    """Open / close / reopen this phase, for the people who may, allowed or not with the reason.
    ``phase.campaign`` should be the campaign the page already holds (no query per phase)."""
    return PHASE_RUNNER.options(actor, phase)


__all__ = [
    "CAMPAIGN_RUNNER",
    "PHASE_RUNNER",
    "campaign_options",
    "phase_options",
]
