"""Campaign list, create and edit, the organiser's dashboard, opening and closing."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parindex.accounts.permissions import organiser_ids, scope
from parindex.units.models import Unit, UnitQuerySet

from .. import selectors, services
from ..forms import CampaignForm
from ..models import AssessedUnit
from ..permissions import (
    campaigns_visible_to,
    can_create_campaign,
    can_manage_campaign,
    ensure_can_create_campaign,
    is_organiser_side_reader,
)
from ._common import (
    add_form_errors,
    managed_campaign,
    posted_revision,
    show_errors,
    visible_campaign,
    with_phase_options,
)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = list(selectors.campaign_list(campaigns_visible_to(request.user)))
    mine: dict[int, list[AssessedUnit]] = defaultdict(list)
    own = scope(request.user).where(unit="unit_id", campaign="campaign_id")
    if own is not None and campaigns:
        for row in AssessedUnit.objects.filter(
            own, campaign_id__in=[c.pk for c in campaigns]
        ).select_related("unit"):
            mine[row.campaign_id].append(row)
    rows = [
        {
            "campaign": c,
            "percent": selectors.percent(c.task_done, c.task_total),
            "organiser_side": is_organiser_side_reader(request.user, c),
            "my_units": mine.get(c.pk, []),
        }
        for c in campaigns
    ]
    return render(
        request,
        "campaigns/list.html",
        {"rows": rows, "can_create": can_create_campaign(request.user)},
    )


def _organisers_for(request: HttpRequest) -> UnitQuerySet:
    qs = Unit.objects.filter(is_organiser=True).order_by("name_folded")
    if scope(request.user).admin:
        return qs
    return qs.filter(pk__in=organiser_ids(request.user))


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    ensure_can_create_campaign(request.user, None)
    organisers = _organisers_for(request)
    form = CampaignForm(request.POST or None, organisers=organisers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_create(
                actor=request.user,
                organiser=data["organiser"],
                year=data["year"],
                slug=data["slug"],
                name=data["name"],
                plan_reference=data["plan_reference"],
                period_start=data["period_start"],
                period_end=data["period_end"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, f"Đã tạo đợt đánh giá “{campaign.name}”.")
            return redirect("campaigns:detail", slug=campaign.slug)
    return render(request, "campaigns/form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    initial = {
        "year": campaign.year,
        "slug": campaign.slug,
        "name": campaign.name,
        "plan_reference": campaign.plan_reference,
        "period_start": campaign.period_start,
        "period_end": campaign.period_end,
        "revision": campaign.revision,
    }
    form = CampaignForm(request.POST or None, initial=initial, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.campaign_update(
                campaign=campaign,
                actor=request.user,
                expected_revision=data["revision"] or campaign.revision,
                name=data["name"],
                plan_reference=data["plan_reference"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                year=data["year"],
                slug=data["slug"],
            )
        except ValidationError as exc:
            add_form_errors(form, exc)
        else:
            messages.success(request, "Đã lưu thông tin đợt đánh giá.")
            return redirect("campaigns:detail", slug=campaign.slug)
    return render(
        request, "campaigns/form.html", {"form": form, "campaign": campaign, "can_manage": True}
    )


@login_required
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The organiser's dashboard. People of an assessed unit go to their unit's dashboard."""
    campaign = visible_campaign(request, slug)
    if not is_organiser_side_reader(request.user, campaign):
        row = (
            AssessedUnit.objects.filter(
                campaign=campaign, unit_id__in=scope(request.user).units(campaign_id=campaign.pk)
            )
            .select_related("unit")
            .order_by("unit__name_folded")
            .first()
        )
        if row is None:
            raise Http404("Không tìm thấy đợt đánh giá")
        return redirect("campaigns:unit_dashboard", slug=campaign.slug, code=row.unit.code)
    context = selectors.campaign_dashboard(campaign)
    can_manage = can_manage_campaign(request.user, campaign)
    if can_manage:
        with_phase_options(request, campaign, context["phases"])
    context.update(
        {
            "campaign": campaign,
            "can_manage": can_manage,
            "campaign_options": (
                services.campaign_options(request.user, campaign) if can_manage else []
            ),
        }
    )
    return render(request, "campaigns/detail.html", context)


@login_required
@require_POST
def campaign_open(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    try:
        services.campaign_open(
            campaign=campaign, actor=request.user, expected_revision=posted_revision(request)
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "Đã mở đợt đánh giá; các bộ tiêu chí đang dùng đã được khóa.")
    return redirect("campaigns:detail", slug=campaign.slug)


@login_required
@require_POST
def campaign_close(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = managed_campaign(request, slug)
    try:
        services.campaign_close(
            campaign=campaign, actor=request.user, expected_revision=posted_revision(request)
        )
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(request, "Đã kết thúc đợt đánh giá.")
    return redirect("campaigns:detail", slug=campaign.slug)
