"""Shared by the evidence pages: finding what the user may see, showing service errors,
saving a document's details from its form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from parindex.assessments.context import with_related
from parindex.assessments.models import Assessment
from parindex.assessments.permissions import assessments_visible_to
from parindex.units.models import Unit

from .. import services
from ..forms import MetadataForm
from ..models import EvidenceDocument
from ..permissions import documents_visible_to, library_units


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def visible_unit(request: HttpRequest, code: str) -> Unit:
    unit = library_units(request.user).filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy thư viện tài liệu của đơn vị")
    return unit


def visible_document(request: HttpRequest, pk: int) -> EvidenceDocument:
    document = documents_visible_to(request.user).select_related("unit").filter(pk=pk).first()
    if document is None:
        raise Http404("Không tìm thấy tài liệu")
    return document


def visible_assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = with_related(assessments_visible_to(request.user)).filter(pk=pk).first()
    if assessment is None:
        raise Http404("Không tìm thấy hồ sơ tự đánh giá")
    return assessment


def error_texts(exc: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(exc, PermissionDenied):
        return [str(exc) or "Bạn không có quyền thực hiện thao tác này."]
    return [str(m) for m in exc.messages]


def show_errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    for text in error_texts(exc):
        messages.error(request, text)


def save_details(request: HttpRequest, document: EvidenceDocument, form: MetadataForm) -> bool:
    """Save a valid form's number and symbol, date, issuer and title to the document. A
    refusal goes on the form (False)."""
    data = form.cleaned_data
    try:
        services.evidence_update(
            actor=request.user,
            document=document,
            expected_revision=data["revision"],
            number_symbol=data["number_symbol"],
            issued_on=data["issued_on"],
            issuer=data["issuer"],
            title=data["title"],
        )
    except (ValidationError, PermissionDenied) as exc:
        for text in error_texts(exc):
            form.add_error(None, text)
        return False
    return True


def assessment_url(assessment: Assessment) -> str | None:
    """The assessment's own page (the assessments app), when it has one."""
    for name in ("assessments:detail", "assessments:assessment", "assessments:form"):
        try:
            return reverse(name, args=[assessment.pk])
        except NoReverseMatch:
            continue
    return None
