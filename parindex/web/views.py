"""The shell: home page per role and the health check."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from parindex.accounts.models import Membership
from parindex.accounts.roles import Role
from parindex.units.models import Unit

from . import panels as panel_registry


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 once the application and its database answer; 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _url(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = list(
        Membership.objects.active().filter(user=request.user).select_related("unit", "campaign")
    )
    panels: list[dict[str, Any]] = []
    if request.user.is_superuser and not any(m.role == Role.ADMIN for m in memberships):
        panels.append(panel_registry.admin_panel())
    for m in memberships:
        panels.append(panel_registry.panel_for(m))
    return render(request, "web/home.html", {"panels": panels, "unit_count": Unit.objects.count()})
