"""The landing page, "my criteria", and the scoring page of one assessment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from parindex.campaigns.permissions import campaigns_visible_to

from ..context import context_for
from ..models import Assessment, Submission
from ..permissions import (
    assessed_units_of,
    can_assign,
    can_import_entries,
    can_view_audit,
    can_view_progress_board,
    is_unit_manager,
)
from ..selectors import assessment_page, my_assignments
from ..services import (
    OWN_PAGE,
    assessment_options,
    edit_answer,
    phase_rules,
)
from ..workflow import EDITABLE, STATUS_LABELS, Status
from ._common import assessment_or_404, login_required


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where each person starts: their units' assessments, their criteria, the boards."""
    user = request.user
    unit_rows = list(
        assessed_units_of(user)
        .select_related("campaign", "unit", "group")
        .order_by("-campaign__year", "campaign__name", "unit__name_folded")
    )
    assessments = {
        a.assessed_unit_id: a
        for a in Assessment.objects.filter(assessed_unit__in=[r.pk for r in unit_rows])
    }
    for row in unit_rows:  # shown by the template
        current = assessments.get(row.pk)
        setattr(row, "current", current)  # noqa: B010
        label = STATUS_LABELS[Status(current.status)] if current else "Chưa bắt đầu"
        setattr(row, "status_label", label)  # noqa: B010
    boards = [
        c
        for c in campaigns_visible_to(user).select_related("organiser").order_by("-year", "name")
        if can_view_progress_board(user, c) and not c.is_preparing
    ]
    return render(
        request,
        "assessments/home.html",
        {
            "unit_rows": unit_rows,
            "boards": boards,
            "mine": my_assignments(user),
        },
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/mine.html", {"mine": my_assignments(request.user)})


@dataclass
class Button:
    action: str
    label: str
    allowed: bool
    reason: str = ""
    needs_page: bool = False  # submit and return have their own page
    details: tuple[str, ...] = ()


def workflow_buttons(user: Any, assessment: Assessment) -> list[Button]:
    """The workflow actions this person may take now — the services' own verdicts."""
    return [
        Button(o.value, o.label, o.allowed, o.reason, o.action in OWN_PAGE, o.details)
        for o in assessment_options(user, assessment)
    ]


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring page: the tree by field, one panel and form per criterion."""
    assessment = assessment_or_404(request, pk)
    user = request.user
    ctx = context_for(assessment)
    phase = phase_rules(assessment)
    sent = Submission.objects.filter(assessment=assessment).aggregate(
        n=Count("pk"), at=Max("submitted_at")
    )
    submitted_at = sent["at"]
    answer = edit_answer(assessment, phase, submitted_at)
    status_editable = Status(assessment.status) in EDITABLE
    editable = status_editable and answer.allowed
    only_mine = request.GET.get("loc") == "cua-toi"
    page = assessment_page(ctx, user, only_mine=only_mine, editable=editable)
    return render(
        request,
        "assessments/detail.html",
        {
            "assessment": assessment,
            "ctx": ctx,
            "campaign": ctx.campaign,
            "unit": ctx.unit,
            "page": page,
            "rows": page.rows,
            "edit_answer": answer,
            "editable": editable,
            "can_import": editable and can_import_entries(user, assessment),
            "status_editable": status_editable,
            "status_label": STATUS_LABELS[Status(assessment.status)],
            "buttons": workflow_buttons(user, assessment),
            "deadline": phase.deadline("self_assessment"),
            "submissions": sent["n"],
            "can_assign": can_assign(user, assessment),
            "can_view_audit": can_view_audit(user, assessment),
            "is_manager": is_unit_manager(user, assessment),
            "only_mine": only_mine,
            "decimals": ctx.framework.decimals,
        },
    )
