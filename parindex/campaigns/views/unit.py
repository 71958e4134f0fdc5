"""The assessed unit's dashboard: its campaign, group and set, deadlines, next steps, plan."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .. import selectors
from ..models import AssessedUnit
from ..permissions import can_edit_unit_plan, can_view_unit_plan, is_organiser_side_reader
from ._common import visible_campaign


@login_required
def unit_dashboard(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    campaign = visible_campaign(request, slug)
    row = (
        AssessedUnit.objects.filter(campaign=campaign, unit__code=code)
        .select_related("unit")
        .first()
    )
    if row is None or not can_view_unit_plan(request.user, campaign, row.unit):
        raise Http404("Không tìm thấy đơn vị trong đợt đánh giá")
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
