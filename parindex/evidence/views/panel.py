"""The evidence panel of one criterion (an HTMX fragment the assessment form loads), and the
evidence overview of an assessment: completeness per field, the checks before submission.

Every change answers with the panel again and the ``HX-Trigger: evidence-changed`` header,
so other parts of the page (completeness, the checks) can refresh themselves. Without HTMX
the same URLs render a whole page and redirect after a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from parindex.assessments.models import Assessment

from .. import checks, selectors, services
from ..models import EvidenceDocument
from ..nodes import assessment_nodes
from ..permissions import can_attach, can_upload_to
from ..validation import ACCEPT_ATTRIBUTE
from ._common import assessment_url, error_texts, is_htmx, visible_assessment

CHANGED_EVENT = "evidence-changed"
_ATTACHED = "Đã gắn «{label}» vào tiêu chí {code}."
_DETACHED = "Đã gỡ «{label}» khỏi tiêu chí {code}."


def dom_id(code: str) -> str:
    return "ev-" + "".join(ch if ch.isalnum() else "-" for ch in code)


def _panel_context(
    request: HttpRequest,
    assessment: Assessment,
    code: str,
    *,
    notices: list[str] | None = None,
    errors: list[str] | None = None,
) -> dict[str, Any]:
    nodes = assessment_nodes(assessment)
    node = nodes.leaf(code)
    if node is None:
        raise Http404("Không có tiêu chí này trong bộ tiêu chí của hồ sơ")
    linked = selectors.linked_documents(assessment)
    editable = can_attach(request.user, assessment, code)
    unit = assessment.assessed_unit.unit
    return {
        "assessment": assessment,
        "node": node,
        "code": code,
        "dom_id": dom_id(code),
        "attached": linked.get(code, []),
        "checks": checks.node_checks(
            assessment=assessment, node_code=code, nodes=nodes, linked=linked
        ),
        "editable": editable,
        "can_upload": editable and can_upload_to(request.user, unit),
        "justified": code in selectors.justified_codes(assessment),
        "candidates": (
            selectors.attachable_documents(assessment=assessment, node_code=code, limit=8)
            if editable
            else []
        ),
        "notices": notices or [],
        "errors": errors or [],
        "accept": ACCEPT_ATTRIBUTE,
        "unit": unit,
    }


def _panel_response(
    request: HttpRequest,
    assessment: Assessment,
    code: str,
    *,
    changed: bool = False,
    notices: list[str] | None = None,
    errors: list[str] | None = None,
) -> HttpResponse:
    context = _panel_context(request, assessment, code, notices=notices, errors=errors)
    if is_htmx(request):
        response = render(request, "evidence/partials/node_panel.html", context)
        if changed:
            response["HX-Trigger"] = CHANGED_EVENT
        return response
    context["assessment_url"] = assessment_url(assessment)
    return render(request, "evidence/node_page.html", context)


def _after_change(
    request: HttpRequest,
    assessment: Assessment,
    code: str,
    *,
    changed: bool,
    notices: list[str],
    errors: list[str],
) -> HttpResponse:
    if is_htmx(request):
        return _panel_response(
            request, assessment, code, changed=changed, notices=notices, errors=errors
        )
    for text in notices:
        messages.info(request, text)
    for text in errors:
        messages.error(request, text)
    return redirect("evidence:node_panel", assessment_id=assessment.pk, code=code)


@login_required
@require_GET
def node_panel(request: HttpRequest, assessment_id: int, code: str) -> HttpResponse:
    assessment = visible_assessment(request, assessment_id)
    return _panel_response(request, assessment, code)


@login_required
@require_GET
def node_search(request: HttpRequest, assessment_id: int, code: str) -> HttpResponse:
    """The unit's documents matching the words typed (without diacritics)."""
    assessment = visible_assessment(request, assessment_id)
    if not can_attach(request.user, assessment, code):
        raise PermissionDenied("Bạn không được gắn tài liệu vào tiêu chí này.")
    found = selectors.attachable_documents(
        assessment=assessment, node_code=code, query=request.GET.get("q", "")
    )
    context = {"assessment": assessment, "code": code, "dom_id": dom_id(code), "candidates": found}
    return render(request, "evidence/partials/candidates.html", context)


def _document_of(assessment: Assessment, request: HttpRequest) -> EvidenceDocument:
    raw = request.POST.get("document", "")
    document = EvidenceDocument.objects.filter(
        pk=int(raw) if raw.isdigit() else 0, unit_id=assessment.assessed_unit.unit_id
    ).first()
    if document is None:
        raise Http404("Không tìm thấy tài liệu trong thư viện của đơn vị")
    return document


def _change_link(
    request: HttpRequest,
    assessment_id: int,
    code: str,
    change: Callable[..., object],
    done: str,
) -> HttpResponse:
    """Attach or detach the posted document: ``change`` is the service, ``done`` the notice
    (``{label}`` the document's, ``{code}`` the criterion's)."""
    assessment = visible_assessment(request, assessment_id)
    document = _document_of(assessment, request)
    try:
        change(actor=request.user, assessment=assessment, node_code=code, document=document)
    except (ValidationError, PermissionDenied) as exc:
        return _after_change(
            request, assessment, code, changed=False, notices=[], errors=error_texts(exc)
        )
    return _after_change(
        request,
        assessment,
        code,
        changed=True,
        notices=[done.format(label=document.label, code=code)],
        errors=[],
    )


@login_required
@require_POST
def node_attach(request: HttpRequest, assessment_id: int, code: str) -> HttpResponse:
    return _change_link(request, assessment_id, code, services.evidence_attach, _ATTACHED)


@login_required
@require_POST
def node_detach(request: HttpRequest, assessment_id: int, code: str) -> HttpResponse:
    return _change_link(request, assessment_id, code, services.evidence_detach, _DETACHED)


@login_required
@require_POST
def node_upload(request: HttpRequest, assessment_id: int, code: str) -> HttpResponse:
    """Upload new files into the unit's library and attach them here at once."""
    assessment = visible_assessment(request, assessment_id)
    files = request.FILES.getlist("files")
    notices: list[str] = []
    errors: list[str] = [] if files else ["Chưa chọn tệp nào để tải lên."]
    changed = False
    for item in files:
        try:
            result = services.evidence_upload_and_attach(
                actor=request.user, assessment=assessment, node_code=code, upload=item
            )
        except (ValidationError, PermissionDenied) as exc:
            errors += error_texts(exc)
            continue
        changed = True
        notices += result.notes
        notices.append(
            f"Đã tải lên và gắn «{result.document.label}» vào tiêu chí {code}. "
            "Hãy ghi số, ký hiệu và ngày của tài liệu nếu còn thiếu."
            if result.created
            else _ATTACHED.format(label=result.document.label, code=code)
        )
    return _after_change(request, assessment, code, changed=changed, notices=notices, errors=errors)


# --- Overview ----------------------------------------------------------------------------------


def _overview_context(request: HttpRequest, assessment: Assessment) -> dict[str, Any]:
    nodes = assessment_nodes(assessment)
    found = checks.submission_checks(assessment=assessment)
    summary = selectors.completeness(assessment=assessment, nodes=nodes)
    return {
        "assessment": assessment,
        "unit": assessment.assessed_unit.unit,
        "campaign": assessment.assessed_unit.campaign,
        "completeness": summary,
        "field_rows": [
            {"field": item, "rows": [(state, dom_id(state.node.code)) for state in item.nodes]}
            for item in summary.fields
        ],
        "blocking": [c for c in found if c.blocking],
        "warnings": [c for c in found if not c.blocking],
        "period": checks.campaign_period(assessment),
        "summary_url": reverse("evidence:overview_summary", args=[assessment.pk]),
        "assessment_url": assessment_url(assessment),
    }


@login_required
@require_GET
def overview(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = visible_assessment(request, assessment_id)
    context = _overview_context(request, assessment)
    return render(request, "evidence/overview.html", context)


@login_required
@require_GET
def overview_summary(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """Completeness and the checks, refreshed after every change in a panel."""
    assessment = visible_assessment(request, assessment_id)
    return render(request, "evidence/partials/summary.html", _overview_context(request, assessment))
