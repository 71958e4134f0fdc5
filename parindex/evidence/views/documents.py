"""One document: its page (details, preview, where it is used), preview, download, deletion.

Files are served only here, after a permission check, with the type detected at upload (never
one guessed from the name), ``X-Content-Type-Options: nosniff`` and a sandboxing
``Content-Security-Policy``, so even a hostile file cannot run script in the site's origin.
The inline preview may be framed by the site's own pages only.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from .. import files, selectors, services
from ..forms import MetadataForm, initial_for
from ..models import DocumentKind
from ..permissions import can_edit_document
from ._common import save_details, show_errors, visible_document

SANDBOX_CSP = (
    "sandbox; default-src 'none'; object-src 'self'; img-src 'self' data:; "
    "style-src 'unsafe-inline'; frame-ancestors 'self'"
)


def _harden(response: HttpResponseBase) -> HttpResponseBase:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = visible_document(request, pk)
    editable = can_edit_document(request.user, document)
    # Cited by a submission (or attached to a submitted assessment): the details stay as
    # submitted, so the page shows why instead of the form.
    locked_reason = selectors.document_locked_reason(document) if editable else None
    form: MetadataForm | None = None
    if editable and locked_reason:
        if request.method == "POST":
            messages.error(request, locked_reason)
            return redirect("evidence:detail", pk=document.pk)
    elif editable:
        if request.method == "POST":
            form = MetadataForm(request.POST)
            if form.is_valid() and save_details(request, document, form):
                messages.success(request, "Đã lưu thông tin tài liệu.")
                return redirect("evidence:detail", pk=document.pk)
        else:
            form = MetadataForm(initial=initial_for(document, document.unit.name))
    elif request.method == "POST":
        raise PermissionDenied("Bạn không được sửa tài liệu này.")
    context = {
        "document": document,
        "unit": document.unit,
        "form": form,
        "editable": editable,
        "locked_reason": locked_reason,
        "usages": selectors.usages([document.pk]).get(document.pk, []),
    }
    return render(request, "evidence/detail.html", context)


@login_required
@require_GET
@xframe_options_sameorigin
def preview(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Inline: PDFs and images as they are, phone photos (HEIC) as JPEG, Word and Excel files
    as the text read from them."""
    document = visible_document(request, pk)
    if document.kind in (DocumentKind.PDF, DocumentKind.JPEG, DocumentKind.PNG):
        response: HttpResponseBase = FileResponse(
            files.open_stored(document),
            content_type=document.mime,
            as_attachment=False,
            filename=document.original_name,
        )
    elif document.kind == DocumentKind.HEIC:
        response = HttpResponse(files.preview_jpeg(document), content_type="image/jpeg")
        response["Content-Disposition"] = "inline"
    else:
        text = document.extracted_text or "(Tệp này không có nội dung văn bản đọc được.)"
        response = HttpResponse(text, content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = "inline"
    return _harden(response)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    document = visible_document(request, pk)
    response = FileResponse(
        files.open_stored(document),
        content_type=document.mime,
        as_attachment=True,
        filename=document.original_name,
    )
    return _harden(response)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = visible_document(request, pk)
    unit_code = document.unit.code
    try:
        services.evidence_delete(actor=request.user, document=document)
    except (ValidationError, PermissionDenied) as exc:
        show_errors(request, exc)
        return redirect("evidence:detail", pk=document.pk)
    messages.success(request, f"Đã xóa tài liệu «{document.label}».")
    return redirect("evidence:library", unit_code=unit_code)
