"""Workflow actions, the submit and return pages, submissions and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parindex.core.audit import AuditLine, audit_lines
from parindex.core.models import AuditEntry
from parindex.frameworks.selectors import get_engine_framework
from parindex.scoring import input_specs

from ..models import Submission
from ..permissions import can_view_audit, ensure_can_view_assessment
from ..selectors import audit_entries
from ..services import (
    OWN_PAGE,
    assessment_act,
    assessment_return,
    assessment_submit,
    assessment_verdict,
    submission_checks,
)
from ..workflow import ACTION_LABELS, STATUS_LABELS, Action, Status
from ._common import assessment_or_404, error_list, login_required, show_errors


@require_POST
@login_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Mark ready, reopen, withdraw (submit and return have their own pages)."""
    assessment = assessment_or_404(request, pk)
    try:
        chosen = Action(action)
    except ValueError:
        raise Http404("Không có thao tác này") from None
    if chosen in OWN_PAGE:
        return redirect(
            "assessments:submit" if chosen is Action.SUBMIT else "assessments:return", pk=pk
        )
    try:
        assessment_act(actor=request.user, assessment=assessment, action=chosen)
    except (ValidationError, PermissionDenied) as exc:
        show_errors(request, exc)
    else:
        messages.success(request, f"Đã thực hiện: {ACTION_LABELS[chosen]}.")
    return redirect("assessments:detail", pk=pk)


@login_required
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """The head's page: what blocks, what is only a warning, then approve and submit."""
    assessment = assessment_or_404(request, pk)
    if request.method == "POST":
        try:
            submission = assessment_submit(actor=request.user, assessment=assessment)
        except (ValidationError, PermissionDenied) as exc:
            show_errors(request, exc)
            return redirect("assessments:submit", pk=pk)
        messages.success(request, f"Đã gửi hồ sơ tự đánh giá (bản gửi số {submission.number}).")
        return redirect("assessments:detail", pk=pk)
    checks = submission_checks(assessment)
    verdict = assessment_verdict(request.user, assessment, Action.SUBMIT)
    return render(
        request,
        "assessments/submit.html",
        {
            "assessment": assessment,
            "campaign": assessment.assessed_unit.campaign,
            "unit": assessment.assessed_unit.unit,
            "blocking": [c for c in checks if c.blocking],
            "warnings": [c for c in checks if not c.blocking],
            "answer": verdict,
            "may_submit": verdict.allowed,
            "holds_role": verdict.kind != "role",
            "status_label": STATUS_LABELS[Status(assessment.status)],
        },
    )


@login_required
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_or_404(request, pk)
    error = ""
    if request.method == "POST":
        try:
            assessment_return(
                actor=request.user, assessment=assessment, reason=request.POST.get("reason", "")
            )
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(error_list(exc))
        else:
            messages.success(request, "Đã trả lại hồ sơ cho đơn vị.")
            return redirect("assessments:detail", pk=pk)
    return render(
        request,
        "assessments/return.html",
        {
            "assessment": assessment,
            "campaign": assessment.assessed_unit.campaign,
            "unit": assessment.assessed_unit.unit,
            "error": error,
            "reason": request.POST.get("reason", ""),
            "verdict": assessment_verdict(request.user, assessment, Action.RETURN),
        },
    )


@login_required
def submissions(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_or_404(request, pk)
    rows = list(
        Submission.objects.filter(assessment=assessment)
        .select_related("submitted_by")
        .defer("snapshot")
        .order_by("-number")
    )
    return render(
        request,
        "assessments/submissions.html",
        {
            "assessment": assessment,
            "campaign": assessment.assessed_unit.campaign,
            "unit": assessment.assessed_unit.unit,
            "rows": rows,
        },
    )


@login_required
def submission_json(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The frozen snapshot exactly as stored (canonical JSON)."""
    assessment = assessment_or_404(request, pk)
    found = Submission.objects.filter(assessment=assessment, number=number).first()
    if found is None:
        raise Http404("Không có bản gửi này")
    unit = assessment.assessed_unit.unit.code
    campaign = assessment.assessed_unit.campaign.slug
    response = HttpResponse(found.snapshot, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{campaign}-{unit}-ban-gui-{found.number}.json"'
    )
    response["X-Content-SHA256"] = found.sha256
    return response


def _entry_code(entry: AuditEntry) -> str:
    """The criterion an audit entry is about (entries: their code; assignments: node_code)."""
    if entry.object_type == "assessments.entry":
        return entry.object_repr.split(" ", 1)[0]
    code = (entry.changes or {}).get("node_code")
    if isinstance(code, list | tuple) and code:
        return str(code[-1] or code[0] or "")
    return ""


def _audit_lines(entries: list[AuditEntry], framework: Any) -> list[AuditLine]:
    """Each entry named by its criterion's code and name in this version; inputs by label."""

    def subject(entry: AuditEntry) -> str | None:
        code = _entry_code(entry)
        if code:
            node = framework.by_code.get(code)
            return f"{code}. {node.name}" if node is not None else code
        if entry.object_type == "assessments.assessment":
            return "Toàn bộ hồ sơ"
        return None

    def value_labels(entry: AuditEntry, name: str) -> dict[str, str]:
        code = _entry_code(entry)
        if name != "raw_inputs" or not code:
            return {}
        try:
            return {spec.name: spec.label for spec in input_specs(framework, code) if spec.label}
        except KeyError:
            return {}

    return audit_lines(entries, subject=subject, value_labels=value_labels)


@login_required
def audit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_or_404(request, pk)
    ensure_can_view_assessment(request.user, assessment)
    if not can_view_audit(request.user, assessment):
        raise PermissionDenied("Nhật ký thay đổi dành cho thủ trưởng đơn vị và cơ quan tổ chức.")
    entries = list(audit_entries(assessment)[:500])
    return render(
        request,
        "assessments/audit.html",
        {
            "assessment": assessment,
            "campaign": assessment.assessed_unit.campaign,
            "unit": assessment.assessed_unit.unit,
            "rows": _audit_lines(entries, get_engine_framework(assessment.assessed_unit.framework)),
        },
    )
