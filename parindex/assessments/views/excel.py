"""Offline Excel: download the unit's sheet; upload it back with a preview, then apply. The
uploaded sheet waits in its staging area between the two and is read and checked again on
applying."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from parindex.core.staging import TicketError, TicketWording, UploadStage
from parindex.exchange import mime

from ..context import AssessmentContext, context_for
from ..models import Assessment
from ..permissions import can_import_entries
from ..services.entries import EntryChange, entries_import
from ..xlsx import export_workbook, read_import
from ._common import assessment_or_404, error_list, login_required

MAX_UPLOAD = 5 * 1024 * 1024
REFUSED = (
    "Bạn không có tiêu chí nào được nhập trong hồ sơ này lúc này "
    "(chưa được giao chấm hoặc hồ sơ không còn được sửa)."
)
NOT_SAVED = "Chưa nhập được (không có thay đổi nào được lưu): "
CHANGED_SINCE = "hồ sơ đã thay đổi sau khi xem trước; hãy tải tệp lên lại."

# The uploaded sheet waits here between its preview and "Áp dụng"; the ticket is bound to the
# person, the assessment and the entries' revisions the preview showed.
STAGE = UploadStage("tmp/entry-imports", "parindex.assessments.import")
WORDING = TicketWording(
    expired="Bản xem trước đã quá hạn một giờ: hãy tải tệp lên lại.",
    invalid="Bản xem trước không hợp lệ: hãy tải tệp lên lại.",
    used="Không còn bản xem trước: hãy tải tệp lên lại.",
)


@login_required
def export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_or_404(request, pk)
    ctx = context_for(assessment)
    response = HttpResponse(export_workbook(ctx), content_type=mime.XLSX)
    name = f"tu-danh-gia-{ctx.campaign.slug}-{ctx.unit.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _apply(
    request: HttpRequest, assessment: Assessment, ctx: AssessmentContext, context: dict[str, Any]
) -> HttpResponse:
    """Read the staged sheet again and save its changes, all or none, if they are still the
    ones the preview showed."""
    try:
        staged = STAGE.take(
            request.POST.get("ticket", ""), user=request.user, assessment=assessment.pk
        )
    except TicketError as error:
        messages.error(request, WORDING.message(error))
        return redirect("assessments:import", pk=assessment.pk)
    preview = read_import(ctx, staged.file.content, request.user)
    if not preview.ok or {c.code: c.revision for c in preview.changes} != staged.meta["revisions"]:
        # the assessment changed since the preview: the sheet is shown again as it reads now
        context.update(preview=preview, filename=staged.file.name)
        context["error"] = NOT_SAVED + CHANGED_SINCE
        return render(request, "assessments/import.html", context)
    changes = [
        EntryChange(
            node_code=c.code,
            raw_inputs=c.raw,
            justification=c.justification,
            not_applicable_reason=c.not_applicable_reason,
            expected_revision=c.revision,
        )
        for c in preview.changes
    ]
    try:
        entries_import(actor=request.user, assessment=assessment, changes=changes, context=ctx)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, NOT_SAVED + " ".join(error_list(exc)))
        return redirect("assessments:import", pk=assessment.pk)
    messages.success(request, f"Đã nhập {len(changes)} tiêu chí từ tệp Excel.")
    return redirect("assessments:detail", pk=assessment.pk)


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
    if request.method == "POST" and request.POST.get("do") == "apply":
        return _apply(request, assessment, ctx, context)
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
            data = upload.read()
            preview = read_import(ctx, data, request.user)
            context["preview"] = preview
            context["filename"] = upload.name
            if preview.ok and preview.changes:
                context["ticket"] = STAGE.stage(
                    [(upload.name or "", data)],
                    user=request.user,
                    assessment=assessment.pk,
                    revisions={c.code: c.revision for c in preview.changes},
                )
    return render(request, "assessments/import.html", context)
