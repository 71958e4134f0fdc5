"""Editing a draft's node, cloning a version, deleting a draft."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from parindex.core.errors import ConflictError, ServiceError

from ..checking import find_raw_node
from ..forms import CloneForm, NodeEditForm
from ..models import CriterionNode
from ..permissions import ensure_can_manage_framework
from ..selectors import version_document
from ..services import (
    EDITABLE_NODE_FIELDS,
    FrameworkFileError,
    framework_clone,
    framework_delete_draft,
    framework_update_node,
)
from .common import form_errors, problem_rows, service_messages, version_or_404


@login_required
@require_http_methods(["GET", "POST"])
def node_edit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    version = version_or_404(request, pk)
    ensure_can_manage_framework(request.user, version)
    node = CriterionNode.objects.filter(framework=version, code=code).first()
    if node is None:
        raise Http404("Không tìm thấy tiêu chí")
    if not version.is_draft:
        messages.error(request, "Bộ tiêu chí đã khóa, không sửa được.")
        return redirect("frameworks:detail", pk=version.pk)
    raw = find_raw_node(version_document(version), code) or {}
    initial: dict[str, Any] = {
        "name": raw.get("name", node.name),
        "max": _points_text(raw.get("max", node.max_points)),
        "evidence": raw.get("evidence", ""),
        "evidence_hint": raw.get("evidence_hint", ""),
        "guidance": raw.get("guidance", ""),
        "owner_hint": raw.get("owner_hint", ""),
        "revision": version.revision,
    }
    form = NodeEditForm(request.POST or None, initial=initial)
    problems: list[Any] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {key: data[key] for key in EDITABLE_NODE_FIELDS}
        try:
            framework_update_node(
                actor=request.user,
                version=version,
                code=code,
                changes=changes,
                expected_revision=data["revision"],
            )
        except FrameworkFileError as exc:
            problems = problem_rows(exc.problems)
            form.add_error(None, service_messages(exc))
            status = 422
        except ConflictError as exc:
            form.add_error(None, service_messages(exc))
            status = 409
        except ServiceError as exc:
            form_errors(form, exc)
            status = 422
        else:
            messages.success(request, f"Đã lưu tiêu chí {code}.")
            return redirect(f"{_detail_url(version.pk)}#tc-{code}")
    context = {"version": version, "node": node, "form": form, "problems": problems}
    return render(request, "frameworks/node_edit.html", context, status=status)


def _detail_url(pk: int) -> str:
    return reverse("frameworks:detail", kwargs={"pk": pk})


def _points_text(value: Any) -> str:
    number = Decimal(str(value))
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    else:
        number = number.normalize()
    return format(number, "f").replace(".", ",")


def _next_code(code: str, year: int | None) -> str:
    if year is None:
        return code
    return re.sub(rf"(?<!\d){year}(?!\d)", str(year + 1), code)


@login_required
@require_http_methods(["GET", "POST"])
def clone(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_or_404(request, pk)
    ensure_can_manage_framework(request.user, version)
    initial = {
        "new_code": _next_code(version.code, version.year),
        "year": (version.year + 1) if version.year else None,
    }
    form = CloneForm(request.POST or None, initial=initial)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            copy = framework_clone(
                actor=request.user,
                version=version,
                new_code=data["new_code"] or None,
                year=data["year"],
            )
        except FrameworkFileError as exc:
            problems = problem_rows(exc.problems)
            form.add_error(None, service_messages(exc))
        except ServiceError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                f"Đã tạo dự thảo {copy.code} (bản {copy.number}) sao chép từ "
                f"{version.code} (bản {version.number}).",
            )
            return redirect("frameworks:detail", pk=copy.pk)
    context = {"version": version, "form": form, "problems": problems}
    return render(request, "frameworks/clone.html", context)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_or_404(request, pk)
    try:
        framework_delete_draft(actor=request.user, version=version)
    except ServiceError as exc:
        messages.error(request, " ".join(service_messages(exc)))
        return redirect("frameworks:detail", pk=version.pk)
    messages.success(request, f"Đã xóa dự thảo {version.code} (bản {version.number}).")
    return redirect("frameworks:list")
