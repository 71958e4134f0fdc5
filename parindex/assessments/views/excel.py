"""Offline Excel: download the unit's sheet; upload it back with a preview, then apply."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from parindex.exchange import mime

from ..context import context_for
from ..permissions import can_import_entries
from ..services.entries import EntryChange, entries_import
from ..xlsx import export_workbook, read_import
from ._common import assessment_or_404, error_list, login_required

MAX_UPLOAD = 5 * 1024 * 1024
REFUSED = (
    "Bạn không có tiêu chí nào được nhập trong hồ sơ này lúc này "
    "(chưa được giao chấm hoặc hồ sơ không còn được sửa)."
)


def _session_key(pk: int) -> str:
    return f"assessments.import.{pk}"


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_or_404(request, pk)
    ctx = context_for(assessment)
    response = HttpResponse(export_workbook(ctx), content_type=mime.XLSX)
    name = f"tu-danh-gia-{ctx.campaign.slug}-{ctx.unit.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def import_(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → preview with row-level errors; "Áp dụng" saves every change or none."""
    assessment = assessment_or_404(request, pk)
    ctx = context_for(assessment)
    context: dict[str, Any] = {
        "assessment": assessment,
        "campaign": ctx.campaign,
        "unit": ctx.unit,
        "preview": None,
        "can_import": can_import_entries(request.user, assessment),
        "accept": mime.XLSX_ACCEPT,
        "refused": REFUSED,
    }
    key = _session_key(pk)
    if request.method == "POST" and request.POST.get("do") == "apply":
        pending = request.session.get(key)
        if not pending:
            messages.error(request, "Không còn bản xem trước: hãy tải tệp lên lại.")
            return redirect("assessments:import", pk=pk)
        changes = [
            EntryChange(
                node_code=c["code"],
                raw_inputs=c["raw"],
                justification=c["justification"],
                not_applicable_reason=c["na"],
                expected_version=c["version"],
            )
            for c in pending["changes"]
        ]
        try:
            entries_import(actor=request.user, assessment=assessment, changes=changes, context=ctx)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(
                request,
                "Chưa nhập được (không có thay đổi nào được lưu): " + " ".join(error_list(exc)),
            )
            request.session.pop(key, None)
            return redirect("assessments:import", pk=pk)
        request.session.pop(key, None)
        messages.success(request, f"Đã nhập {len(pending['changes'])} tiêu chí từ tệp Excel.")
        return redirect("assessments:detail", pk=pk)
    if request.method == "POST" and not context["can_import"]:
        # nothing this person could change: refused before the file is read
        context["error"] = REFUSED.rstrip(".") + "; tệp không được đọc."
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "Hãy chọn tệp Excel (.xlsx) để tải lên."
        elif upload.size and upload.size > MAX_UPLOAD:
            context["error"] = "Tệp quá lớn (tối đa 5 MB)."
        else:
            preview = read_import(ctx, upload.read(), request.user)
            context["preview"] = preview
            context["filename"] = upload.name
            if preview.ok and preview.changes:
                request.session[key] = {
                    "changes": [c.as_session() for c in preview.changes],
                    "filename": upload.name,
                }
            else:
                request.session.pop(key, None)
    return render(request, "assessments/import.html", context)
