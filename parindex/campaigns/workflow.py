"""The two status machines of a campaign, as tables.

* The campaign: đang chuẩn bị → (mở đợt) → đang triển khai → (kết thúc) → đã kết thúc.
* Each phase: chưa mở → (mở) → đang mở → (đóng) → đã đóng → (mở lại, with a reason) → đang mở …

Only the campaign's organiser (its secretariat) moves either. The moment-dependent rules (the
campaign must have units to open; a phase opens only while the campaign is open) are the
guards in ``services.transitions``; the same runner answers the pages' buttons and the services.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any

from .models import CampaignStatus, PhaseState


class CampaignAction(StrEnum):
    OPEN = "open"
    CLOSE = "close"


class PhaseAction(StrEnum):
    """Values are the URL segments of ``campaigns:phase_action``."""

    OPEN = "mo"
    CLOSE = "dong"
    REOPEN = "mo-lai"


class ActingRole(StrEnum):
    """The role a transition needs (``actor`` is always the user taking the action)."""

    ORGANISER = "organiser"


ROLE_NAMES: dict[ActingRole, str] = {ActingRole.ORGANISER: "cơ quan tổ chức đánh giá"}

CAMPAIGN_STATUS_LABELS: dict[CampaignStatus, str] = {s: str(s.label) for s in CampaignStatus}
PHASE_STATE_LABELS: dict[PhaseState, str] = {s: str(s.label) for s in PhaseState}

CAMPAIGN_ACTION_LABELS: dict[CampaignAction, str] = {
    CampaignAction.OPEN: "Mở đợt đánh giá",
    CampaignAction.CLOSE: "Kết thúc đợt",
}
PHASE_ACTION_LABELS: dict[PhaseAction, str] = {
    PhaseAction.OPEN: "Mở giai đoạn",
    PhaseAction.CLOSE: "Đóng giai đoạn",
    PhaseAction.REOPEN: "Mở lại giai đoạn",
}

# (status, action) -> (new status, who may do it)
CAMPAIGN_TRANSITIONS: dict[
    tuple[CampaignStatus, CampaignAction], tuple[CampaignStatus, ActingRole]
] = {
    (CampaignStatus.PREPARING, CampaignAction.OPEN): (CampaignStatus.OPEN, ActingRole.ORGANISER),
    (CampaignStatus.OPEN, CampaignAction.CLOSE): (CampaignStatus.CLOSED, ActingRole.ORGANISER),
}
PHASE_TRANSITIONS: dict[tuple[PhaseState, PhaseAction], tuple[PhaseState, ActingRole]] = {
    (PhaseState.NOT_OPENED, PhaseAction.OPEN): (PhaseState.OPEN, ActingRole.ORGANISER),
    (PhaseState.OPEN, PhaseAction.CLOSE): (PhaseState.CLOSED, ActingRole.ORGANISER),
    (PhaseState.CLOSED, PhaseAction.REOPEN): (PhaseState.OPEN, ActingRole.ORGANISER),
}

# Refusals more specific than "not in this status", keyed by (status, action); each gets the row.
Reason = Callable[[Any], str]


def _phase_name(phase: Any) -> str:
    return str(phase.get_kind_display())


CAMPAIGN_STATUS_REFUSALS: Mapping[tuple[CampaignStatus, CampaignAction], Reason] = {
    (CampaignStatus.OPEN, CampaignAction.OPEN): lambda c: "Đợt đánh giá đã được mở trước đó.",
    (CampaignStatus.CLOSED, CampaignAction.OPEN): lambda c: (
        f"Đợt đánh giá “{c.name}” đã kết thúc; không mở lại được."
    ),
    (CampaignStatus.PREPARING, CampaignAction.CLOSE): lambda c: (
        "Chỉ kết thúc được đợt đang triển khai; đợt này chưa mở."
    ),
    (CampaignStatus.CLOSED, CampaignAction.CLOSE): lambda c: (
        f"Đợt đánh giá “{c.name}” đã kết thúc trước đó."
    ),
}
PHASE_STATUS_REFUSALS: Mapping[tuple[PhaseState, PhaseAction], Reason] = {
    (PhaseState.OPEN, PhaseAction.OPEN): lambda p: (
        f"Giai đoạn {_phase_name(p)} đã mở trước đó và đang mở."
    ),
    (PhaseState.CLOSED, PhaseAction.OPEN): lambda p: (
        f"Giai đoạn {_phase_name(p)} đã mở trước đó; dùng “Mở lại” nếu cần."
    ),
    (PhaseState.NOT_OPENED, PhaseAction.CLOSE): lambda p: (
        f"Giai đoạn {_phase_name(p)} không đang mở (chưa mở lần nào)."
    ),
    (PhaseState.CLOSED, PhaseAction.CLOSE): lambda p: (
        f"Giai đoạn {_phase_name(p)} không đang mở (đã đóng)."
    ),
    (PhaseState.NOT_OPENED, PhaseAction.REOPEN): lambda p: (
        f"Giai đoạn {_phase_name(p)} chưa mở lần nào; dùng “Mở giai đoạn”."
    ),
    (PhaseState.OPEN, PhaseAction.REOPEN): lambda p: (
        f"Giai đoạn {_phase_name(p)} chưa đóng nên không cần mở lại."
    ),
}
