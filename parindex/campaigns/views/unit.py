"""The assessed unit's dashboard: its campaign, group and set, deadlines, next steps, plan."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from ..permissions import can_edit_unit_plan, is_organiser_side_reader
from ._common import visible_campaign, visible_member


@login_required
def unit_dashboard(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = visible_campaign(request, slug)
    row = visible_member(request, campaign, code)
    context = selectors.unit_dashboard(campaign, row.unit)
    context.update(
        {
            "campaign": campaign,
            "unit": row.unit,
            "can_edit_plan": can_edit_unit_plan(request.user, campaign, row.unit),
            "organiser_view": is_organiser_side_reader(request.user, campaign),
        }
    )
    return render(request, "campaigns/unit_dashboard.html", context)
