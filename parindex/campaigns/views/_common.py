"""Shared by the campaign pages: finding a campaign (and an assessed unit of it) the user may
see, showing service and form errors."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .. import services
from ..models import AssessedUnit, Campaign
from ..permissions import campaigns_visible_to, can_view_unit_plan, ensure_can_manage_campaign


def visible_campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = (
        campaigns_visible_to(request.user).select_related("organiser").filter(slug=slug).first()
    )
    if campaign is None:
        raise Http404("Không tìm thấy đợt đánh giá")
    return campaign


def managed_campaign(request: HttpRequest, slug: str) -> Campaign:
    campaign = visible_campaign(request, slug)
    ensure_can_manage_campaign(request.user, campaign)
    return campaign


def visible_member(request: HttpRequest, campaign: Campaign, code: str) -> AssessedUnit:
    """The campaign's assessed unit with this code, when the user may see its pages."""
    row = (
        AssessedUnit.objects.filter(campaign=campaign, unit__code=code)
        .select_related("unit")
        .first()
    )
    if row is None or not can_view_unit_plan(request.user, campaign, row.unit):
        raise Http404("Không tìm thấy đơn vị trong đợt đánh giá")
    return row


def posted_revision(request: HttpRequest) -> int | None:
    """The ``revision`` a button's form carried (the row's revision when the page was built)."""
    raw = request.POST.get("revision", "")
    return int(raw) if raw.isdigit() else None


def with_phase_options(request: HttpRequest, campaign: Campaign, rows: list[Any]) -> None:
    """Give each phase row the actions the person may take, as the services would answer."""
    for row in rows:
        row.phase.campaign = campaign  # the page's copy: no query per phase
        row.options = services.phase_options(request.user, row.phase)


def error_messages(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def show_errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or "Bạn không có quyền thực hiện thao tác này.")
        return
    for text in error_messages(exc):
        messages.error(request, text)


def show_form_errors(request: HttpRequest, form: forms.Form, label: str) -> None:
    """A button's small form that did not validate: each error as a message led by ``label``."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"{label}: {error}")


def add_form_errors(form: forms.Form, exc: ValidationError) -> None:
    for text in error_messages(exc):
        form.add_error(None, text)


def back(request: HttpRequest, default: str, **kwargs: Any) -> HttpResponse:
    """Redirect to the safe ``next`` the form posted, or to ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default, **kwargs)
