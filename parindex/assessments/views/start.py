"""Opening an assessed unit's self-assessment: a page to start it, never created by a visit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from parindex.campaigns.models import AssessedUnit
from parindex.campaigns.selectors import phase_rules_for

from ..models import Assessment
from ..permissions import can_start_assessment, can_view_assessment
from ..services.entries import assessment_start
from ._common import login_required


@require_http_methods(["GET", "POST"])
@login_required
def open_assessed(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the unit's assessment when started, else a page saying it is not started yet, with
    a "start" button for its head or focal officer. POST (that button): start it, the poster
    being its creator. Reading this page creates nothing."""
    assessed = (
        AssessedUnit.objects.filter(pk=pk)
        .select_related("campaign__organiser", "unit", "framework")
        .first()
    )
    if assessed is None:
        raise Http404("Không tìm thấy đơn vị được đánh giá")
    if not can_view_assessment(request.user, Assessment(assessed_unit=assessed)):
        raise PermissionDenied("Bạn không xem được hồ sơ tự đánh giá của đơn vị này.")
    found = Assessment.objects.filter(assessed_unit=assessed).values_list("pk", flat=True).first()
    if found is not None:
        return redirect("assessments:detail", pk=found)
    if request.method == "POST":
        started = assessment_start(actor=request.user, assessed_unit=assessed)
        return redirect("assessments:detail", pk=started.pk)
    phase = phase_rules_for(campaign=assessed.campaign, unit=assessed.unit)
    return render(
        request,
        "assessments/start.html",
        {
            "assessed": assessed,
            "campaign": assessed.campaign,
            "unit": assessed.unit,
            "version": assessed.framework,
            "deadline": phase.deadline("self_assessment"),
            "can_start": can_start_assessment(request.user, assessed),
        },
    )
