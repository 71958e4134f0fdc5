"""The landing page, "my criteria", and the scoring page of one assessment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from parindex.campaigns.models import AssessedUnit
from parindex.campaigns.permissions import campaigns_visible_to
from parindex.campaigns.selectors import PhaseRules

from ..context import context_for
from ..models import Assessment, Submission
from ..permissions import (
    assessed_units_of,
    can_act_as,
    can_assign,
    can_import_entries,
    can_view_audit,
    can_view_progress_board,
    is_unit_manager,
)
from ..selectors import assessment_page, my_assignments
from ..services import assessment_get_or_create
from ..services._common import (
    appraisal_started,
    edit_answer,
    phase_rules,
    submit_answer,
)
from ..workflow import ACTION_LABELS, EDITABLE, STATUS_LABELS, TRANSITIONS, Action, Status
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


@login_required
def open_assessed(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment of an assessed unit, created on first visit."""
    assessed = AssessedUnit.objects.filter(pk=pk).select_related("campaign", "unit").first()
    if assessed is None:
        raise Http404("Không tìm thấy đơn vị được đánh giá")
    found = assessment_get_or_create(actor=request.user, assessed_unit=assessed)
    return redirect("assessments:detail", pk=found.pk)


@dataclass
class Button:
    action: str
    label: str
    allowed: bool
    reason: str = ""
    needs_page: bool = False  # submit and return have their own page


def workflow_buttons(
    user: Any, assessment: Assessment, phase: PhaseRules, submitted_at: Any
) -> list[Button]:
    """The table's actions from the current status that this person may take."""
    status = Status(assessment.status)
    out: list[Button] = []
    for (source, action), (_target, who) in TRANSITIONS.items():
        if source is not status or not can_act_as(user, assessment, who):
            continue
        allowed, reason = True, ""
        if action is Action.SUBMIT:
            answer = submit_answer(assessment, phase, submitted_at)
            allowed, reason = answer.allowed, answer.reason
        elif action is Action.WITHDRAW:
            answer = phase.may_withdraw(
                submitted_at=assessment.submitted_at, appraisal_started=appraisal_started(phase)
            )
            allowed, reason = answer.allowed, answer.reason
        out.append(
            Button(
                action.value,
                ACTION_LABELS[action],
                allowed,
                reason,
                action in (Action.SUBMIT, Action.RETURN),
            )
        )
    return out


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
            "buttons": workflow_buttons(user, assessment, phase, submitted_at),
            "deadline": phase.deadline("self_assessment"),
            "submissions": sent["n"],
            "can_assign": can_assign(user, assessment),
            "can_view_audit": can_view_audit(user, assessment),
            "is_manager": is_unit_manager(user, assessment),
            "only_mine": only_mine,
            "decimals": ctx.framework.decimals,
        },
    )
