"""Unit pages: list (search, filters, Vietnamese order), detail, create, edit, import, export.

Every page reads through ``permissions``/``selectors`` and writes through ``services``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parindex.core.errors import ConflictError, ServiceError
from parindex.core.staging import TicketError
from parindex.exchange import mime

from . import services, staging
from .forms import ImportUploadForm, UnitFilterForm, UnitForm
from .importing import ImportPreview
from .models import Unit
from .permissions import (
    can_change_unit,
    can_manage_units,
    ensure_can_change_unit,
    units_visible_to,
)
from .selectors import (
    ordered_ids,
    sorted_units,
    unit_get,
    unit_list,
    units_by_ids,
)

PAGE_SIZE = 50


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=mime.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _filtered(request: HttpRequest) -> tuple[UnitFilterForm, Any]:
    form = UnitFilterForm(request.GET or None, user=request.user)
    form.is_valid()  # a wrong field (e.g. an unreadable date) is ignored, the others apply
    data: dict[str, Any] = getattr(form, "cleaned_data", {})
    qs = unit_list(
        user=request.user,
        query=data.get("q") or "",
        kind=data.get("loai") or "",
        validity=data.get("hieu_luc") or "",
        on=data.get("ngay"),
        organiser_code=data.get("to_chuc") or "",
    )
    return form, qs


@login_required
@require_GET
def unit_list_view(request: HttpRequest) -> HttpResponse:
    form, qs = _filtered(request)
    paginator = Paginator(ordered_ids(qs), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    context = {
        "filter_form": form,
        "page": page,
        "units": units_by_ids(list(page.object_list)),
        "total": paginator.count,
        "can_manage": can_manage_units(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "units/list.html", context)


@login_required
@require_GET
def unit_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on screen (all pages), as a re-importable .xlsx file."""
    _form, qs = _filtered(request)
    units = sorted_units(qs.select_related("parent").prefetch_related("successors"))
    data = services.unit_export_xlsx(units=units)
    return _xlsx_response(data, f"don-vi-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_GET
def unit_template(request: HttpRequest) -> HttpResponse:
    return _xlsx_response(services.unit_import_template_xlsx(), "mau-nhap-don-vi.xlsx")


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get(user=request.user, code=code)
    if unit is None:
        raise Http404("Không tìm thấy đơn vị")
    visible = units_visible_to(request.user)
    children = sorted_units(visible.filter(parent=unit).select_related("organiser"))
    successors = sorted_units(unit.successors.all())
    predecessors = sorted_units(unit.predecessors.all())
    related = [u.pk for u in (*successors, *predecessors)]
    if unit.parent_id:
        related.append(unit.parent_id)
    if unit.organiser_id:
        related.append(unit.organiser_id)
    linkable = set(visible.filter(pk__in=related).values_list("pk", flat=True))
    context = {
        "unit": unit,
        "children": children,
        "successors": successors,
        "predecessors": predecessors,
        "linkable": linkable,
        "can_edit": can_change_unit(request.user, unit),
        "today": timezone.localdate(),
    }
    return render(request, "units/detail.html", context)


def _add_service_error(form: UnitForm, exc: ServiceError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


CODE_OPTIONS = 5000


def _form_context(request: HttpRequest, form: UnitForm, unit: Unit | None) -> dict[str, Any]:
    """The form, plus the visible units' codes offered while typing a parent's code."""
    options = units_visible_to(request.user).order_by("code").values_list("code", "name")
    return {"form": form, "unit": unit, "code_options": options[:CODE_OPTIONS]}


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    if not can_manage_units(request.user):
        raise PermissionDenied("Bạn không có quyền thêm đơn vị.")
    form = UnitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=request.user,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                organiser=data.get("organiser"),
                short_name=data["short_name"],
                parent=data["parent"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
                address=data["address"],
                is_organiser=bool(data.get("is_organiser")),
                successors=data["successors"] or (),
            )
        except ServiceError as exc:
            _add_service_error(form, exc)
        else:
            messages.success(request, f"Đã thêm đơn vị {unit.name}.")
            return redirect("units:detail", code=unit.code)
    return render(request, "units/form.html", _form_context(request, form, None))


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = unit_get(user=request.user, code=code)
    if unit is None:
        raise Http404("Không tìm thấy đơn vị")
    ensure_can_change_unit(request.user, unit)
    form = UnitForm(request.POST or None, user=request.user, unit=unit)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes: dict[str, Any] = {
            key: data[key]
            for key in (
                "name",
                "short_name",
                "kind",
                "parent",
                "valid_from",
                "valid_to",
                "address",
                "organiser",
                "is_organiser",
            )
            if key in form.fields
        }
        try:
            services.unit_update(
                actor=request.user,
                unit=unit,
                expected_revision=data["revision"],
                successors=data["successors"],
                **changes,
            )
        except ConflictError as exc:
            form.add_error(None, exc.messages)
            status = 409
            unit.refresh_from_db()
        except ServiceError as exc:
            _add_service_error(form, exc)
            unit.refresh_from_db()
        else:
            messages.success(request, f"Đã lưu đơn vị {unit.name}.")
            return redirect("units:detail", code=unit.code)
    return render(request, "units/form.html", _form_context(request, form, unit), status=status)


# Import ---------------------------------------------------------------------------------------


PREVIEW_ROWS = 1000
PREVIEW_ERRORS = 200


def _preview_context(preview: ImportPreview, token: str = "") -> dict[str, Any]:
    rows = preview.rows if preview.is_valid else [r for r in preview.rows if r.errors]
    return {
        "preview": preview,
        "token": token,
        "preview_rows": rows[:PREVIEW_ROWS],
        "rows_hidden": max(0, len(rows) - PREVIEW_ROWS),
        "shown_errors": preview.errors[:PREVIEW_ERRORS],
        "hidden_errors": max(0, len(preview.errors) - PREVIEW_ERRORS),
    }


@login_required
@require_http_methods(["GET", "POST"])
def unit_import(request: HttpRequest) -> HttpResponse:
    """Upload -> preview with every bad row named. Nothing is saved until confirmation."""
    if not can_manage_units(request.user):
        raise PermissionDenied("Bạn không có quyền nhập danh sách đơn vị.")
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        organiser: Unit | None = form.cleaned_data.get("organiser")
        upload = form.cleaned_data["file"]
        preview = services.unit_import_preview(actor=request.user, organiser=organiser, file=upload)
        token = ""
        if preview.is_valid:
            upload.seek(0)
            token = staging.STAGE.stage(
                [(upload.name, upload.read())],
                user=request.user,
                organiser=organiser.pk if organiser else None,
            )
        context = {"form": form, **_preview_context(preview, token)}
        return render(request, "units/import.html", context)
    return render(request, "units/import.html", {"form": form})


@login_required
@require_POST
def unit_import_confirm(request: HttpRequest) -> HttpResponse:
    try:
        staged = staging.STAGE.take(request.POST.get("token", ""), user=request.user)
    except TicketError as error:
        messages.error(request, staging.WORDING.message(error))
        return redirect("units:import")
    organiser = None
    if staged.meta.get("organiser") is not None:
        organiser = Unit.objects.filter(pk=staged.meta["organiser"]).first()
        if organiser is None:
            raise Http404("Không tìm thấy cơ quan tổ chức đánh giá")
    file = staged.file.as_file()
    try:
        result = services.unit_import_apply(actor=request.user, organiser=organiser, file=file)
    except ServiceError:
        # The database changed since the preview: show the file again with its new problems.
        preview = services.unit_import_preview(actor=request.user, organiser=organiser, file=file)
        form = ImportUploadForm(user=request.user)
        return render(request, "units/import.html", {"form": form, **_preview_context(preview)})
    messages.success(
        request,
        f"Đã nhập tệp {result.filename}: {result.created} đơn vị thêm mới, "
        f"{result.updated} cập nhật, {result.unchanged} không đổi.",
    )
    target = reverse("units:list")
    if organiser is not None:
        target += "?" + urlencode({"to_chuc": organiser.code})
    return redirect(target)
