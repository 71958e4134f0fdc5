"""Comparing two versions: the changes on a page, and as an .xlsx file."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..diff import KIND_TITLES, diff_versions, diff_xlsx
from ..forms import CompareForm
from ..models import FrameworkVersion
from ..selectors import framework_version_list
from .common import XLSX_TYPE, attachment


def _label(version: FrameworkVersion) -> str:
    return f"{version.code} bản {version.number} ({version.get_status_display().lower()})"


def _pair(request: HttpRequest) -> tuple[CompareForm, FrameworkVersion | None, Any]:
    versions = framework_version_list(user=request.user)
    initial: dict[str, Any] = {}
    b_pk = request.GET.get("b")
    if "a" not in request.GET and b_pk and b_pk.isdigit():
        later = versions.filter(pk=int(b_pk)).first()
        if later is not None and later.derived_from_id:
            initial["a"] = later.derived_from_id
        initial["b"] = int(b_pk)
    form = CompareForm(
        request.GET if "a" in request.GET else None, versions=versions, initial=initial
    )
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["a"], form.cleaned_data["b"]
    return form, None, None


@login_required
@require_GET
def compare(request: HttpRequest) -> HttpResponse:
    form, a, b = _pair(request)
    context: dict[str, Any] = {"form": form, "a": a, "b": b}
    if a is not None and b is not None:
        changes = diff_versions(a, b)
        counts: dict[str, int] = {}
        for change in changes:
            title = KIND_TITLES[change.kind]
            counts[title] = counts.get(title, 0) + 1
        context.update(
            {
                "changes": changes,
                "counts": sorted(counts.items(), key=lambda item: -item[1]),
                "query": request.GET.urlencode(),
            }
        )
    return render(request, "frameworks/compare.html", context)


@login_required
@require_GET
def compare_xlsx(request: HttpRequest) -> HttpResponse:
    form, a, b = _pair(request)
    if a is None or b is None:
        return render(request, "frameworks/compare.html", {"form": form}, status=400)
    data = diff_xlsx(
        diff_versions(a, b),
        title="So sánh hai phiên bản bộ tiêu chí",
        left=f"{_label(a)}: {a.name}",
        right=f"{_label(b)}: {b.name}",
    )
    filename = f"so-sanh-{a.code}-ban-{a.number}-{b.code}-ban-{b.number}.xlsx"
    return attachment(data, filename, XLSX_TYPE)
