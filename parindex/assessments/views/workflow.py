"""Workflow actions, the submit and return pages, submissions and the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from parindex.scoring import input_specs

from ..engine import engine_framework
from ..models import Submission
from ..permissions import can_act_as, can_view_audit, ensure_can_view_assessment
from ..selectors import audit_entries
from ..services import (
    assessment_act,
    assessment_return,
    assessment_submit,
    submission_checks,
)
from ..services._common import last_submitted_at, phase_rules, submit_answer
from ..workflow import ACTION_LABELS, STATUS_LABELS, Action, Actor, Status
from ._common import assessment_or_404, error_list, login_required, show_errors

FIELD_LABELS = {
    "raw_inputs": "Số liệu",
    "points": "Điểm",
    "justification": "Giải trình",
    "not_applicable_reason": "Không áp dụng",
    "status": "Trạng thái",
    "return_reason": "Lý do trả lại",
    "assignee": "Người được giao",
    "due_on": "Hạn hoàn thành",
    "submission": "Bản gửi số",
    "total": "Tổng điểm",
}
ACTION_TEXT = {
    "assessment.create": "Tạo hồ sơ",
    "assessment.entry.save": "Chấm điểm",
    "assessment.assign": "Phân công",
    "assessment.mark_ready": "Hoàn tất, trình thủ trưởng",
    "assessment.reopen": "Mở lại để sửa",
    "assessment.submit": "Gửi hồ sơ",
    "assessment.withdraw": "Rút lại để sửa",
    "assessment.return": "Trả lại đơn vị",
}


@require_POST
@login_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Mark ready, reopen, withdraw (submit and return have their own pages)."""
    assessment = assessment_or_404(request, pk)
    try:
        chosen = Action(action)
    except ValueError:
        raise Http404("Không có thao tác này") from None
    if chosen in (Action.SUBMIT, Action.RETURN):
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
    phase = phase_rules(assessment)
    answer = submit_answer(assessment, phase, last_submitted_at(assessment))
    return render(
        request,
        "assessments/submit.html",
        {
            "assessment": assessment,
            "campaign": assessment.assessed_unit.campaign,
            "unit": assessment.assessed_unit.unit,
            "blocking": [c for c in checks if c.blocking],
            "warnings": [c for c in checks if not c.blocking],
            "answer": answer,
            "may_submit": can_act_as(request.user, assessment, Actor.HEAD),
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


def _input_labels(framework: Any, code: str) -> dict[str, str]:
    """Input name -> its label in the set ("done" -> "Số nhiệm vụ đã hoàn thành")."""
    try:
        return {spec.name: spec.label for spec in input_specs(framework, code) if spec.label}
    except KeyError:
        return {}


def _labelled(value: Any, labels: dict[str, str]) -> Any:
    if isinstance(value, dict) and labels:
        return {labels.get(str(k), k): v for k, v in value.items()}
    return value


def _audit_rows(entries: Any, framework: Any = None) -> list[dict[str, Any]]:
    rows = []
    for e in entries:
        changes = dict(e.changes or {})
        code = ""
        if e.object_type == "assessments.entry":
            code = e.object_repr.split(" ", 1)[0]
        elif "node_code" in changes:
            code = changes.pop("node_code")[-1]
        labels = _input_labels(framework, code) if framework is not None and code else {}
        rows.append(
            {
                "at": e.at,
                "updated_at": e.updated_at,
                "actor": e.actor,
                "action": ACTION_TEXT.get(e.action, e.action),
                "code": code,
                "changes": [
                    {
                        "field": FIELD_LABELS.get(k, k),
                        "old": _show(_labelled(v[0], labels)),
                        "new": _show(_labelled(v[1], labels)),
                    }
                    for k, v in changes.items()
                    if isinstance(v, list | tuple) and len(v) == 2
                ],
            }
        )
    return rows


def _show(value: Any) -> str:
    if value is None or value == "" or value == {}:
        return "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, list):
        return (
            "["
            + ", ".join("có" if v is True else "không" if v is False else str(v) for v in value)
            + "]"
        )
    text = str(value)
    if text in STATUS_LABELS_BY_VALUE:
        return STATUS_LABELS_BY_VALUE[text]
    return text.replace(".", ",") if _looks_decimal(text) else text


STATUS_LABELS_BY_VALUE = {s.value: label for s, label in STATUS_LABELS.items()}


def _looks_decimal(text: str) -> bool:
    head, _, tail = text.partition(".")
    return bool(tail) and head.lstrip("-").isdigit() and tail.isdigit()


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
            "rows": _audit_rows(entries, engine_framework(assessment.assessed_unit.framework)),
        },
    )
