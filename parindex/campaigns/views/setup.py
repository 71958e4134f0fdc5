"""Setting a campaign up: ranking groups, assessed units, phases and exceptions, and
campaign-wide not-applicable declarations. Organiser only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from parindex.frameworks.models import FrameworkVersion
from parindex.units.models import Unit, UnitQuerySet

from .. import selectors, services
from ..forms import (
    AssessedUnitForm,
    BulkAddForm,
    ExceptionForm,
    GroupForm,
    MoveUnitForm,
    NotApplicableForm,
    PhaseDatesForm,
    ReopenForm,
)
from ..models import (
    AssessedUnit,
    Campaign,
    NotApplicableDeclaration,
    Phase,
    PhaseException,
    RankingGroup,
)
from ..nodes import declarable_nodes
from ..workflow import PhaseAction
from ._common import (
    add_form_errors,
    back,
    managed_campaign,
    posted_revision,
    show_errors,
    show_form_errors,
    with_phase_options,
)

# --- Ranking groups ----------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_create(
                campaign=campaign,
                actor=request.user,
                code=data["code"],
                name=data["name"],
                position=data["position"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm nhóm “{data['name']}”.")
            return redirect("campaigns:groups", slug=campaign.slug)
    groups = selectors.groups_with_members(campaign)
    return render(
        request,
        "campaigns/groups.html",
        {"campaign": campaign, "groups": groups, "form": form, "can_manage": True},
    )


@login_required
def group_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    group = get_object_or_404(RankingGroup, pk=pk, campaign=campaign)
    initial = {
        "code": group.code,
        "name": group.name,
        "position": group.position,
        "revision": group.revision,
    }
    form = GroupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_update(
                group=group,
                actor=request.user,
                expected_revision=data["revision"] or group.revision,
                code=data["code"],
                name=data["name"],
                position=data["position"] if data["position"] is not None else group.position,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, "Đã lưu nhóm xếp hạng.")
            return redirect("campaigns:groups", slug=campaign.slug)
    return render(
        request,
        "campaigns/group_form.html",
        {"campaign": campaign, "group": group, "form": form, "can_manage": True},
    )


@login_required
@require_POST
def group_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    group = get_object_or_404(RankingGroup, pk=pk, campaign=campaign)
    try:
        services.group_delete(group=group, actor=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã xóa nhóm “{group.name}”.")
    return redirect("campaigns:groups", slug=campaign.slug)


# --- Assessed units ----------------------------------------------------------------------


def _candidates(campaign: Campaign) -> UnitQuerySet:
    """Registry units valid at the end of the period and not yet in the campaign."""
    return (
        Unit.objects.filter(Q(organiser_id=campaign.organiser_id) | Q(pk=campaign.organiser_id))
        .valid_on(campaign.last_day)
        .exclude(assessments_in__campaign=campaign)
        .order_by("name_folded")
    )


@login_required
def unit_list(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    form = AssessedUnitForm(request.POST or None, campaign=campaign, units=_candidates(campaign))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessed_unit_add(
                campaign=campaign,
                unit=data["unit"],
                group=data["group"],
                framework=data["framework"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"Đã thêm {data['unit'].name} vào đợt đánh giá.")
            return redirect("campaigns:units", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "can_manage": True,
        "groups": selectors.groups_with_members(campaign),
        "form": form,
        "has_groups": RankingGroup.objects.filter(campaign=campaign).exists(),
    }
    return render(request, "campaigns/units.html", context)


@login_required
def unit_bulk_add(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    form = BulkAddForm(request.POST or None, campaign=campaign)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        units = list(_candidates(campaign).filter(kind__in=data["kinds"]).search(data["q"] or ""))
        try:
            added = services.assessed_units_add_bulk(
                campaign=campaign,
                units=units,
                group=data["group"],
                framework=data["framework"],
                actor=request.user,
            )
        except ValidationError as exc:
            errors = [str(m) for m in exc.messages]
        else:
            messages.success(
                request, f"Đã thêm {len(added)} đơn vị vào nhóm “{data['group'].name}”."
            )
            return redirect("campaigns:units", slug=campaign.slug)
    return render(
        request,
        "campaigns/units_bulk.html",
        {"campaign": campaign, "form": form, "errors": errors, "can_manage": True},
    )


@login_required
def unit_move(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    assessed = get_object_or_404(
        AssessedUnit.objects.select_related("unit", "group", "framework", "campaign"),
        pk=pk,
        campaign=campaign,
    )
    initial = {
        "group": assessed.group_id,
        "framework": assessed.framework_id,
        "revision": assessed.revision,
    }
    form = MoveUnitForm(request.POST or None, initial=initial, assessed=assessed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assessed_unit_update(
                assessed=assessed,
                actor=request.user,
                expected_revision=data["revision"],
                group=data["group"],
                framework=data["framework"] or assessed.framework,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"Đã lưu {assessed.unit.name}.")
            return redirect("campaigns:units", slug=campaign.slug)
    return render(
        request,
        "campaigns/unit_move.html",
        {"campaign": campaign, "assessed": assessed, "form": form, "can_manage": True},
    )


@login_required
@require_POST
def unit_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    assessed = get_object_or_404(
        AssessedUnit.objects.select_related("unit", "campaign"), pk=pk, campaign=campaign
    )
    try:
        services.assessed_unit_remove(assessed=assessed, actor=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã bỏ {assessed.unit.name} khỏi đợt đánh giá.")
    return redirect("campaigns:units", slug=campaign.slug)


# --- Phases and exceptions ---------------------------------------------------------------


def _phase(campaign: Campaign, kind: str) -> Phase:
    phase = Phase.objects.filter(campaign=campaign, kind=kind).select_related("campaign").first()
    if phase is None:
        raise Http404("Không có giai đoạn này")
    return phase


@login_required
def phase_list(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    rows = selectors.phase_rows(campaign)
    with_phase_options(request, campaign, rows)
    for row in rows:
        kind = row.phase.kind
        row.forms["dates"] = PhaseDatesForm(
            initial={
                "starts_on": row.phase.starts_on,
                "deadline": row.phase.deadline,
                "revision": row.phase.revision,
            },
            prefix=kind,
        )
        row.forms["reopen"] = ReopenForm(prefix=f"re-{kind}")
        if row.can_extend:
            row.forms["exception"] = ExceptionForm(campaign=campaign, prefix=f"ex-{kind}")
    context = {"campaign": campaign, "rows": rows, "can_manage": True}
    return render(request, "campaigns/phases.html", context)


@login_required
@require_POST
def phase_dates(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    phase = _phase(campaign, kind)
    form = PhaseDatesForm(request.POST, prefix=kind)
    if not form.is_valid():
        show_form_errors(request, form, phase.get_kind_display())
        return redirect("campaigns:phases", slug=campaign.slug)
    data = form.cleaned_data
    try:
        services.phase_set_dates(
            phase=phase,
            actor=request.user,
            expected_revision=data["revision"],
            starts_on=data["starts_on"],
            deadline=data["deadline"],
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã lưu thời gian giai đoạn {phase.get_kind_display()}.")
    return redirect("campaigns:phases", slug=campaign.slug)


@login_required
@require_POST
def phase_action(request: HttpRequest, slug: str, kind: str, action: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    phase = _phase(campaign, kind)
    try:
        chosen = PhaseAction(action)
    except ValueError:
        raise Http404("Không có thao tác này") from None
    label = phase.get_kind_display()
    revision = posted_revision(request)
    try:
        if chosen == PhaseAction.OPEN:
            services.phase_open(phase=phase, actor=request.user, expected_revision=revision)
            done = f"Đã mở giai đoạn {label}."
        elif chosen == PhaseAction.CLOSE:
            services.phase_close(phase=phase, actor=request.user, expected_revision=revision)
            done = f"Đã đóng giai đoạn {label}."
        else:
            form = ReopenForm(request.POST, prefix=f"re-{kind}")
            if not form.is_valid():
                messages.error(request, "Cần nhập lý do mở lại giai đoạn (và hạn chót dd/mm/yyyy).")
                return back(request, "campaigns:phases", slug=campaign.slug)
            services.phase_reopen(
                phase=phase,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                deadline=form.cleaned_data["deadline"],
                expected_revision=revision,
            )
            done = f"Đã mở lại giai đoạn {label}."
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, done)
    return back(request, "campaigns:phases", slug=campaign.slug)


@login_required
@require_POST
def exception_grant(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    phase = _phase(campaign, kind)
    form = ExceptionForm(request.POST, campaign=campaign, prefix=f"ex-{kind}")
    if not form.is_valid():
        show_form_errors(request, form, "Gia hạn")
        return redirect("campaigns:phases", slug=campaign.slug)
    data = form.cleaned_data
    try:
        services.exception_grant(
            phase=phase,
            unit=data["unit"],
            until=data["until"],
            reason=data["reason"],
            actor=request.user,
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(
            request,
            f"Đã gia hạn {phase.get_kind_display().lower()} cho {data['unit'].name} "
            f"đến hết ngày {data['until']:%d/%m/%Y}.",
        )
    return redirect("campaigns:phases", slug=campaign.slug)


@login_required
@require_POST
def exception_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    exception = get_object_or_404(
        PhaseException.objects.select_related("phase__campaign", "unit"),
        pk=pk,
        phase__campaign=campaign,
    )
    try:
        services.exception_revoke(exception=exception, actor=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã thu hồi gia hạn của {exception.unit.name}.")
    return redirect("campaigns:phases", slug=campaign.slug)


# --- Not-applicable declarations ---------------------------------------------------------


def _na_choices(campaign: Campaign) -> list[tuple[str, str]]:
    versions = FrameworkVersion.objects.filter(
        pk__in=AssessedUnit.objects.filter(campaign=campaign).values("framework_id")
    ).order_by("name")
    choices: list[tuple[str, str]] = []
    for version in versions:
        for node in declarable_nodes(version):
            label = f"{version.name} — {node.code}. {node.name} ({node.source_label})"
            choices.append((f"{version.pk}:{node.code}", label))
    return choices


@login_required
def na_list(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    form = NotApplicableForm(request.POST or None, choices=_na_choices(campaign))
    if request.method == "POST" and form.is_valid():
        version_id, _, code = form.cleaned_data["node"].partition(":")
        framework = get_object_or_404(FrameworkVersion, pk=int(version_id))
        try:
            services.na_declare(
                campaign=campaign,
                framework=framework,
                node_code=code,
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"Đã khai báo tiêu chí {code} không áp dụng trong đợt.")
            return redirect("campaigns:na", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "can_manage": True,
        "declarations": selectors.na_declarations(campaign),
        "form": form,
    }
    return render(request, "campaigns/na.html", context)


@login_required
@require_POST
def na_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    declaration = get_object_or_404(
        NotApplicableDeclaration.objects.select_related("campaign"), pk=pk, campaign=campaign
    )
    try:
        services.na_withdraw(declaration=declaration, actor=request.user)
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã rút lại khai báo tiêu chí {declaration.node_code}.")
    return redirect("campaigns:na", slug=campaign.slug)
