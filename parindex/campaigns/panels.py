"""Home-page lines for campaigns (registered in ``apps.py`` through web.panels.PANEL_HOOKS).

The organising body's people see the campaigns under way (the secretariat also the overdue
plan tasks); an assessed unit's people see their nearest deadline.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from parindex.accounts.permissions import ORGANISER_READERS, UNIT_READERS
from parindex.accounts.roles import Role

from . import rules
from .models import (
    AssessedUnit,
    Campaign,
    CampaignStatus,
    Phase,
    PhaseException,
    PhaseState,
    TaskStatus,
)
from .services import UNIT_DEADLINE_PHASES


def _organiser_lines(membership: Any, panel: dict[str, Any]) -> None:
    today = timezone.localdate()
    own = Campaign.objects.filter(organiser=membership.unit, status=CampaignStatus.OPEN)
    if membership.campaign_id:  # a role given for one campaign shows that campaign only
        own = own.filter(pk=membership.campaign_id)
    campaigns = list(
        own.annotate(
            overdue=Count(
                "tasks",
                filter=Q(tasks__owner_unit__isnull=True, tasks__due_on__lt=today)
                & ~Q(tasks__status__in=[TaskStatus.DONE, TaskStatus.CANCELLED]),
            )
        ).order_by("-year", "name")
    )
    if not campaigns:
        panel["lines"].append("Chưa có đợt đánh giá nào đang triển khai.")
    for campaign in campaigns:
        text = f"Đợt đang triển khai: {campaign.name}"
        if membership.role == Role.ORGANISER:
            overdue = campaign.overdue
            text += f" — {overdue} nhiệm vụ quá hạn" if overdue else " — không có nhiệm vụ quá hạn"
        panel["lines"].append(text)
        panel["links"].append(
            {
                "label": f"Đợt {campaign.year}: tổng quan",
                "url": reverse("campaigns:detail", kwargs={"slug": campaign.slug}),
            }
        )
    panel["links"].append({"label": "Đợt đánh giá", "url": reverse("campaigns:list")})


def _unit_lines(membership: Any, panel: dict[str, Any]) -> None:
    unit = membership.unit
    own = AssessedUnit.objects.filter(unit=unit, campaign__status=CampaignStatus.OPEN)
    if membership.campaign_id:  # a role given for one campaign shows that campaign only
        own = own.filter(campaign_id=membership.campaign_id)
    rows = list(own.select_related("campaign").order_by("-campaign__year"))
    if not rows:
        return
    campaigns = {r.campaign_id: r.campaign for r in rows}
    phases = list(
        Phase.objects.filter(
            campaign_id__in=campaigns,
            kind__in=UNIT_DEADLINE_PHASES,
            deadline__isnull=False,
        ).exclude(state=PhaseState.CLOSED)
    )
    extended = dict(
        PhaseException.objects.filter(phase__in=phases, unit=unit, is_active=True).values_list(
            "phase_id", "until"
        )
    )
    now = timezone.now()
    best: tuple[int, date, Phase] | None = None
    for phase in phases:
        window = rules.PhaseWindow(
            kind=phase.kind,
            state=phase.state,
            deadline=phase.deadline,
            exception_until=extended.get(phase.pk),
        )
        deadline = window.effective_deadline
        left = rules.days_left(deadline, now)
        if deadline is None or left is None or left < 0:
            continue
        rank = 0 if phase.state == PhaseState.OPEN else 1
        key = (rank, deadline, phase)
        if best is None or (key[0], key[1]) < (best[0], best[1]):
            best = key
    for row in rows:
        panel["links"].append(
            {
                "label": f"Đợt {row.campaign.year}: việc cần làm",
                "url": reverse(
                    "campaigns:unit_dashboard",
                    kwargs={"slug": row.campaign.slug, "code": unit.code},
                ),
            }
        )
    if best is None:
        panel["lines"].append(f"Đang tham gia: {rows[0].campaign.name}")
        return
    _rank, deadline, phase = best
    left = rules.days_left(deadline, now) or 0
    when = "hết hạn hôm nay" if left == 0 else f"còn {left} ngày"
    suffix = "" if phase.state == PhaseState.OPEN else " (giai đoạn chưa mở)"
    panel["lines"].append(
        f"Hạn {rules.PHASE_NOUNS[phase.kind]} gần nhất: {rules.fmt_date(deadline)} ({when}){suffix}"
    )


def campaign_panel(membership: Any, panel: dict[str, Any]) -> None:
    unit = membership.unit
    if unit is None:
        return
    if unit.is_organiser and membership.role in ORGANISER_READERS:
        _organiser_lines(membership, panel)
    if membership.role in UNIT_READERS:
        _unit_lines(membership, panel)
