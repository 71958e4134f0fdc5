"""A unit's library: the list with search and filters, uploading, confirming what was read."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parindex.assessments.permissions import assessments_visible_to
from parindex.units.models import Unit

from .. import selectors, services
from ..forms import MetadataForm, initial_for
from ..models import DocumentKind, EvidenceDocument
from ..permissions import (
    can_edit_document,
    can_upload_to,
    documents_visible_to,
    library_units,
)
from ..validation import ACCEPT_ATTRIBUTE, ACCEPTED_TEXT
from ._common import save_details, show_errors, visible_unit

PAGE_SIZE = 50


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The libraries the user may open: straight to its own when it has just one."""
    units = library_units(request.user).order_by("name_folded", "code")
    query = request.GET.get("q", "")
    if query.strip():
        units = units.search(query)
    elif units.count() == 1:
        only = units.first()
        assert only is not None
        return redirect("evidence:library", unit_code=only.code)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("trang"))
    counts = dict(
        EvidenceDocument.objects.filter(unit__in=[u.pk for u in page])
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    rows = [(unit, counts.get(unit.pk, 0)) for unit in page]
    return render(request, "evidence/home.html", {"page": page, "rows": rows, "query": query})


def _issuers(unit: Unit) -> list[str]:
    return list(
        EvidenceDocument.objects.filter(unit=unit)
        .exclude(issuer="")
        .order_by("issuer")
        .values_list("issuer", flat=True)
        .distinct()[:40]
    )


@login_required
def library(request: HttpRequest, unit_code: str) -> HttpResponse:
    unit = visible_unit(request, unit_code)
    base = documents_visible_to(request.user).filter(unit=unit)
    query = request.GET.get("q", "")
    year_text = request.GET.get("nam", "")
    year = int(year_text) if year_text.isdigit() else None
    kind = request.GET.get("loai", "")
    used = request.GET.get("su-dung", "")
    documents = selectors.library_documents(
        documents=base, query=query, year=year, kind=kind, used=used
    )
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("trang"))
    where = selectors.usages([d.pk for d in page])
    rows = [(d, where.get(d.pk, [])) for d in page]
    context: dict[str, Any] = {
        "unit": unit,
        "page": page,
        "rows": rows,
        "query": query,
        "year": year,
        "kind": kind,
        "used": used,
        "years": selectors.library_years(base),
        "kinds": DocumentKind.choices,
        "total": base.count(),
        "unconfirmed": base.filter(is_confirmed=False).count(),
        "can_upload": can_upload_to(request.user, unit),
        "accept": ACCEPT_ATTRIBUTE,
        "accepted_text": ACCEPTED_TEXT,
        "max_mb": settings.MAX_UPLOAD_MB,
        "assessments": assessments_visible_to(request.user)
        .filter(assessed_unit__unit=unit)
        .select_related("assessed_unit__campaign")
        .order_by("-assessed_unit__campaign__year", "-id"),
    }
    return render(request, "evidence/library.html", context)


@login_required
@require_POST
def upload(request: HttpRequest, unit_code: str) -> HttpResponse:
    """Several files at once; each refused one says why, the others are kept. Then the
    small form to confirm what was read (or type it in, for scans)."""
    unit = visible_unit(request, unit_code)
    files = request.FILES.getlist("files")
    if not files:
        messages.error(request, "Chưa chọn tệp nào để tải lên.")
        return redirect("evidence:library", unit_code=unit.code)
    kept: list[int] = []
    for item in files:
        try:
            result = services.evidence_upload(actor=request.user, unit=unit, upload=item)
        except (ValidationError, PermissionDenied) as exc:
            show_errors(request, exc)
            continue
        for note in result.notes:
            messages.info(request, note)
        if result.document.pk not in kept:
            kept.append(result.document.pk)
    if not kept:
        return redirect("evidence:library", unit_code=unit.code)
    url = reverse("evidence:confirm", kwargs={"unit_code": unit.code})
    return redirect(f"{url}?ids={','.join(str(pk) for pk in kept)}")


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()][:50]


@login_required
def confirm(request: HttpRequest, unit_code: str) -> HttpResponse:
    """One small form per uploaded document, pre-filled with what was read from it."""
    unit = visible_unit(request, unit_code)
    ids = _ids(request.GET.get("ids", "") or request.POST.get("ids", ""))
    found = {d.pk: d for d in documents_visible_to(request.user).filter(unit=unit, pk__in=ids)}
    documents = [
        found[pk] for pk in ids if pk in found and can_edit_document(request.user, found[pk])
    ]
    if not documents:
        return redirect("evidence:library", unit_code=unit.code)
    forms: list[tuple[EvidenceDocument, MetadataForm | None, str | None]] = []
    for document in documents:
        prefix = f"d{document.pk}"
        # An exact duplicate of a document a submission cites: its details stay as submitted.
        locked_reason = selectors.document_locked_reason(document)
        if locked_reason:
            form = None
        elif request.method == "POST":
            form = MetadataForm(request.POST, prefix=prefix)
        else:
            form = MetadataForm(initial=initial_for(document, unit.name), prefix=prefix)
        forms.append((document, form, locked_reason))
    if request.method == "POST":
        failed = False
        for document, form, _reason in forms:
            if form is not None and not (form.is_valid() and save_details(request, document, form)):
                failed = True
        if not failed:
            count = len(forms)
            messages.success(request, f"Đã lưu thông tin của {count} tài liệu.")
            return redirect("evidence:library", unit_code=unit.code)
    context = {
        "unit": unit,
        "forms": forms,
        "ids": ",".join(str(d.pk) for d in documents),
        "issuers": _issuers(unit),
    }
    return render(request, "evidence/confirm.html", context)
