"""What every campaign service shares: the permission checks ``lock`` runs on the stored row,
state guards, conflict messages, text.

Locking and versioned saves are ``parindex.core.actions`` (``lock``, ``save_versioned``).
"""

from __future__ import annotations

from typing import Any

from parindex.core.errors import ServiceError
from parindex.core.text import nfc

from ..models import Campaign, Phase, PlanTask
from ..permissions import ensure_can_edit_unit_plan, ensure_can_manage_campaign

RELOAD = "vui lòng tải lại trang rồi làm lại."


def clean_text(value: str | None) -> str:
    return nfc(value or "")


def required_text(value: str | None, label: str) -> str:
    text = clean_text(value)
    if not text:
        raise ServiceError(f"Cần nhập {label}.")
    return text


def ensure_not_closed(campaign: Campaign) -> None:
    if campaign.is_closed:
        raise ServiceError(f"Đợt đánh giá “{campaign.name}” đã kết thúc; không thể thay đổi.")


def ensure_preparing(campaign: Campaign, what: str) -> None:
    if not campaign.is_preparing:
        raise ServiceError(f"Chỉ {what} khi đợt đánh giá chưa mở.")


# --- Permission checks on the stored row (``lock(..., check=...)``) ---------------------------


def manages_campaign_of(actor: Any, row: Any) -> None:
    """A row that belongs to a campaign (``row.campaign``): its organiser's secretariat."""
    ensure_can_manage_campaign(actor, row.campaign)


def ensure_can_edit_plan(actor: Any, campaign: Campaign, owner_unit: Any) -> None:
    """The campaign plan: the organiser. A unit's plan: that unit's head or focal officer."""
    if owner_unit is None:
        ensure_can_manage_campaign(actor, campaign)
    else:
        ensure_can_edit_unit_plan(actor, campaign, owner_unit)


def edits_task(actor: Any, task: PlanTask) -> None:
    ensure_can_edit_plan(actor, task.campaign, task.owner_unit)


# --- Conflict messages (named after what the user was editing) ------------------------------


def campaign_conflict(campaign: Campaign) -> str:
    return f"Đợt đánh giá “{campaign.name}” vừa được người khác thay đổi; {RELOAD}"


def phase_conflict(phase: Phase) -> str:
    return f"Giai đoạn {phase.get_kind_display()} vừa được người khác thay đổi; {RELOAD}"
