"""The focal officer's assignment page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from parindex.frameworks.selectors import get_engine_framework
from parindex.units.validators import parse_vn_date

from ..models import Assignment
from ..permissions import ensure_can_assign
from ..services.assignments import (
    AssignmentRow,
    assignment_suggest,
    assignments_save,
    unit_people,
)
from ._common import assessment_or_404, error_list, login_required


@login_required
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """One row per field and criterion: who scores it and by when. "Gợi ý" pre-fills the
    form from the set's responsible sections (owner_hint); nothing is saved until "Lưu"."""
    assessment = assessment_or_404(request, pk)
    ensure_can_assign(request.user, assessment)
    framework = get_engine_framework(assessment.assessed_unit.framework)
    people = unit_people(assessment)
    by_pk = {p.pk: p for p in people}
    current = {
        a.node_code: a
        for a in Assignment.objects.filter(assessment=assessment).select_related("assignee")
    }
    errors: list[str] = []
    posted: dict[str, tuple[int | None, str]] = {}  # shown again when nothing could be saved
    if request.method == "POST" and request.POST.get("do") == "save":
        wanted: list[AssignmentRow] = []
        for node in framework.order:
            key = node.code
            if f"who-{key}" not in request.POST:
                continue
            who_text = request.POST.get(f"who-{key}", "")
            due_text = request.POST.get(f"due-{key}", "").strip()
            who = by_pk.get(int(who_text)) if who_text.isdigit() else None
            posted[key] = (who.pk if who else None, due_text)
            due = None
            if due_text:
                due = parse_vn_date(due_text)
                if due is None:
                    errors.append(f"Tiêu chí {key}: hạn “{due_text}” không phải ngày dd/mm/yyyy.")
                    continue
            old = current.get(key)
            if (old.assignee_id if old else None) == (who.pk if who else None) and (
                (old.due_on if old else None) == (due if who else None)
            ):
                continue
            wanted.append(AssignmentRow(key, who, due))
        if not errors:
            try:
                changed = assignments_save(actor=request.user, assessment=assessment, rows=wanted)
            except (ValidationError, PermissionDenied) as exc:
                errors += error_list(exc)
            else:
                messages.success(request, f"Đã lưu phân công ({changed} thay đổi).")
                return redirect("assessments:assign", pk=pk)
        errors.append("Chưa lưu phân công nào: hãy sửa các lỗi trên rồi lưu lại.")
    suggested: dict[str, Any] = {}
    if request.GET.get("goi-y"):
        suggested = assignment_suggest(assessment)
        if not suggested:
            messages.warning(
                request,
                "Không tìm được người phù hợp với bộ phận phụ trách ghi "
                "trong bộ tiêu chí; hãy chọn tay.",
            )
    rows = []
    for node in framework.order:
        if node.depth > 1 and not node.is_leaf and node.code not in current:
            continue
        a = current.get(node.code)
        chosen = suggested.get(node.code)
        who_pk = chosen.pk if chosen else (a.assignee_id if a else None)
        due_text = a.due_on.strftime("%d/%m/%Y") if a and a.due_on else ""
        if node.code in posted:
            who_pk, due_text = posted[node.code]
        rows.append(
            {
                "node": node,
                "assignment": a,
                "who": who_pk,
                "suggested": chosen is not None,
                "due_text": due_text,
                "hint": node.owner_hint
                if node.owner_hint
                and (
                    not node.parent or framework.by_code[node.parent].owner_hint != node.owner_hint
                )
                else "",
            }
        )
    return render(
        request,
        "assessments/assign.html",
        {
            "assessment": assessment,
            "campaign": assessment.assessed_unit.campaign,
            "unit": assessment.assessed_unit.unit,
            "rows": rows,
            "people": people,
            "errors": errors,
            "suggested": bool(suggested),
        },
    )
