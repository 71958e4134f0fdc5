"""Plan task tables: the campaign's plan and each assessed unit's internal plan."""

from __future__ import annotations

from typing import Any, Literal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parindex.units.models import Unit, UnitQuerySet

from .. import selectors, services
from ..forms import TaskForm, TaskStatusForm
from ..models import Campaign, PlanTask
from ..permissions import can_edit_unit_plan, can_manage_campaign, can_view_unit_plan
from ._common import add_form_errors, show_errors, visible_campaign, visible_member


def _plan_units(campaign: Campaign, owner: Unit | None) -> UnitQuerySet:
    return Unit.objects.filter(services.allowed_plan_units(campaign, owner)).order_by("name_folded")


def _can_edit(request: HttpRequest, campaign: Campaign, owner: Unit | None) -> bool:
    if owner is None:
        return can_manage_campaign(request.user, campaign) and not campaign.is_closed
    return can_edit_unit_plan(request.user, campaign, owner)


def _owner(request: HttpRequest, campaign: Campaign, code: str | None) -> Unit | None:
    if code is None:
        return None
    return visible_member(request, campaign, code).unit


def _plan_url(task_or_campaign: PlanTask | Campaign, owner: Unit | None = None) -> str:
    if isinstance(task_or_campaign, PlanTask):
        campaign = task_or_campaign.campaign
        owner = task_or_campaign.owner_unit
    else:
        campaign = task_or_campaign
    if owner is None:
        return reverse("campaigns:plan", kwargs={"slug": campaign.slug})
    return reverse("campaigns:unit_plan", kwargs={"slug": campaign.slug, "code": owner.code})


def _task_kwargs(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"],
        "time_text": data["time_text"],
        "due_on": data["due_on"],
        "phase": data["phase"] or "",
        "lead_units": list(data["lead_units"]),
        "lead_text": data["lead_text"],
        "co_units": list(data["co_units"]),
        "co_text": data["co_text"],
        "notes": data["notes"],
    }


@login_required
def plan(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    campaign = visible_campaign(request, slug)
    owner = _owner(request, campaign, code)
    can_edit = _can_edit(request, campaign, owner)
    form = TaskForm(request.POST or None, units=_plan_units(campaign, owner))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Bạn không được sửa kế hoạch này.")
        if form.is_valid():
            try:
                services.task_create(
                    campaign=campaign,
                    owner_unit=owner,
                    actor=request.user,
                    **_task_kwargs(form.cleaned_data),
                )
            except ValidationError as exc:
                add_form_errors(form, exc)
            else:
                messages.success(request, "Đã thêm nhiệm vụ vào kế hoạch.")
                return redirect(_plan_url(campaign, owner))
    summary = selectors.plan_summary(campaign, owner)
    context = {
        "campaign": campaign,
        "owner": owner,
        "plan": summary,
        "form": form,
        "can_edit": can_edit,
        "status_form": TaskStatusForm(),
        "can_manage": can_manage_campaign(request.user, campaign),
    }
    return render(request, "campaigns/plan.html", context)


def _task(request: HttpRequest, slug: str, pk: int) -> PlanTask:
    campaign = visible_campaign(request, slug)
    task = get_object_or_404(
        PlanTask.objects.select_related("campaign__organiser", "owner_unit"),
        pk=pk,
        campaign=campaign,
    )
    if task.owner_unit is not None and not can_view_unit_plan(
        request.user, campaign, task.owner_unit
    ):
        raise Http404("Không tìm thấy nhiệm vụ")
    if not _can_edit(request, campaign, task.owner_unit):
        raise PermissionDenied("Bạn không được sửa kế hoạch này.")
    return task


@login_required
def task_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    task = _task(request, slug, pk)
    initial = {
        "title": task.title,
        "time_text": task.time_text,
        "due_on": task.due_on,
        "phase": task.phase,
        "lead_units": list(task.lead_units.all()),
        "lead_text": task.lead_text,
        "co_units": list(task.co_units.all()),
        "co_text": task.co_text,
        "notes": task.notes,
        "revision": task.revision,
    }
    form = TaskForm(
        request.POST or None,
        initial=initial,
        units=_plan_units(task.campaign, task.owner_unit),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(
                task=task,
                actor=request.user,
                expected_revision=form.cleaned_data["revision"] or task.revision,
                **_task_kwargs(form.cleaned_data),
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, "Đã lưu nhiệm vụ.")
            return redirect(_plan_url(task))
    context = {"campaign": task.campaign, "owner": task.owner_unit, "task": task, "form": form}
    return render(request, "campaigns/task_form.html", context)


@login_required
@require_POST
def task_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    task = _task(request, slug, pk)
    try:
        services.task_delete(task=task, actor=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "Đã xóa nhiệm vụ.")
    return redirect(_plan_url(task))


@login_required
@require_POST
def task_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    task = _task(request, slug, pk)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            services.task_set_status(
                task=task,
                actor=request.user,
                status=form.cleaned_data["status"],
                expected_revision=form.cleaned_data["revision"],
            )
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, f"Đã cập nhật tình trạng: {task.get_status_display()}.")
    else:
        messages.error(request, "Tình trạng không hợp lệ.")
    return redirect(_plan_url(task))


@login_required
@require_POST
def task_move(request: HttpRequest, slug: str, pk: int, direction: str) -> HttpResponse:
    task = _task(request, slug, pk)
    moves: dict[str, Literal["up", "down"]] = {"len": "up", "xuong": "down"}
    if direction not in moves:
        raise Http404("Không có thao tác này")
    try:
        services.task_move(task=task, actor=request.user, direction=moves[direction])
    except ValidationError as exc:
        show_errors(request, exc)
    return redirect(_plan_url(task))
