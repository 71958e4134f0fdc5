"""Home-page lines for self-assessment (registered in ``apps.py`` through PANEL_HOOKS).

Unit people see their assessment's state and completeness (an officer, how many criteria are
given to them); the organising body sees how many units have submitted, with the board.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse

from parindex.accounts.permissions import ORGANISER_READERS, UNIT_READERS
from parindex.accounts.roles import Role
from parindex.campaigns.models import AssessedUnit, Campaign, CampaignStatus

from .models import Assessment, Assignment
from .workflow import STATUS_LABELS, Status


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:  # pragma: no cover - the app's URLs not mounted
        return None


def _organiser_lines(membership: Any, panel: dict[str, Any]) -> None:
    own = Campaign.objects.filter(organiser=membership.unit, status=CampaignStatus.OPEN)
    if membership.campaign_id:  # a role given for one campaign shows that campaign only
        own = own.filter(pk=membership.campaign_id)
    campaigns = list(
        own.annotate(
            units=Count("assessed_units", distinct=True),
            submitted=Count(
                "assessed_units",
                filter=Q(assessed_units__assessment__status=Status.SUBMITTED),
                distinct=True,
            ),
        ).order_by("-year", "name")
    )
    for c in campaigns:
        submitted, units = getattr(c, "submitted", 0), getattr(c, "units", 0)
        panel["lines"].append(f"Tự đánh giá ({c.slug}): {submitted}/{units} đơn vị đã gửi hồ sơ")
        url = _url("assessments:board", c.slug)
        if url:
            panel["links"].append({"label": f"Tiến độ tự đánh giá {c.slug}", "url": url})


def _unit_lines(membership: Any, panel: dict[str, Any]) -> None:
    own = AssessedUnit.objects.filter(unit=membership.unit, campaign__status=CampaignStatus.OPEN)
    if membership.campaign_id:  # a role given for one campaign shows that campaign only
        own = own.filter(campaign_id=membership.campaign_id)
    rows = list(own.select_related("campaign").order_by("-campaign__year"))
    if not rows:
        return
    found = {a.assessed_unit_id: a for a in Assessment.objects.filter(assessed_unit__in=rows)}
    for au in rows:
        a = found.get(au.pk)
        if a is None:
            panel["lines"].append(f"Tự đánh giá {au.campaign.year}: chưa bắt đầu")
        else:
            label = STATUS_LABELS[Status(a.status)]
            panel["lines"].append(
                f"Tự đánh giá {au.campaign.year}: {label}, hoàn thành {round(a.completeness)}%"
            )
        url = _url("assessments:open", au.pk)
        if url:
            panel["links"].append({"label": "Hồ sơ tự đánh giá", "url": url})
    if membership.role == Role.OFFICER:
        given = Assignment.objects.filter(
            assignee_id=membership.user_id, assessment__assessed_unit__in=rows
        ).count()
        panel["lines"].append(f"{given} lĩnh vực, tiêu chí được giao cho bạn")
        url = _url("assessments:mine")
        if url:
            panel["links"].append({"label": "Tiêu chí của tôi", "url": url})


def assessment_panel(membership: Any, panel: dict[str, Any]) -> None:
    unit = membership.unit
    if unit is None:
        return
    if unit.is_organiser and membership.role in ORGANISER_READERS:
        _organiser_lines(membership, panel)
    elif membership.role in UNIT_READERS and not unit.is_organiser:
        _unit_lines(membership, panel)
