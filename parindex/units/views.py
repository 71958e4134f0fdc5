"""Unit pages: list with search, detail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .permissions import units_visible_to


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    units = units_visible_to(request.user).search(query).select_related("parent")
    return render(request, "units/list.html", {"units": units, "q": query})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = units_visible_to(request.user).filter(code=code).select_related("parent").first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị")
    return render(request, "units/detail.html", {"unit": unit})
