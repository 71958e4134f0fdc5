"""A criterion's live score (HTMX preview) and its autosave (JSON for entry.js)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from parindex.scoring import format_points, input_specs

from ..context import context_for
from ..evaluation import evaluate
from ..services import EntryConflict, entry_save
from ._common import (
    assessment_or_404,
    error_list,
    login_required,
    na_reason_from_post,
    raw_from_post,
)


def _node(ctx: Any, code: str) -> Any:
    node = ctx.framework.by_code.get(code)
    if node is None:
        raise Http404("Không có tiêu chí này")
    return node


def _score_html(request: HttpRequest, ctx: Any, node: Any, ev: Any, specs: tuple[Any, ...]) -> str:
    """The criterion's points, explanation and input errors, as the form shows them."""
    return render_to_string(
        "assessments/_score.html",
        {
            "ev": ev,
            "node": node,
            "decimals": ctx.framework.decimals,
            "errors": ev.error_lines({s.name: s.label for s in specs}),
        },
        request=request,
    )


@require_POST
@login_required
def preview(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Points and the engine's explanation for what is typed now (nothing is saved)."""
    assessment = assessment_or_404(request, pk)
    ctx = context_for(assessment)
    node = _node(ctx, code)
    specs = input_specs(ctx.framework, code) if node.is_leaf else ()
    raw = raw_from_post(request.POST, specs)
    reason = na_reason_from_post(request.POST).strip()
    if reason and not node.may_not_apply:
        reason = ""
    ev = evaluate(
        ctx.framework,
        code,
        {k: v for k, v in raw.items() if v not in ("", None)},
        not_applicable_reason=reason,
        specs=specs,
    )
    return HttpResponse(_score_html(request, ctx, node, ev, specs))


def _lines(specs: tuple[Any, ...], raw: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for spec in specs:
        value = raw.get(spec.name)
        if spec.type == "checklist":
            ticks = value if isinstance(value, list) else []
            text = "; ".join(
                f"{'☑' if i < len(ticks) and ticks[i] else '☐'} {item.label}"
                for i, item in enumerate(spec.items)
            )
        else:
            text = "" if value is None else str(value)
        out.append((spec.label, text or "—"))
    return out


def _entry_json(entry: Any, decimals: int) -> dict[str, Any]:
    return {
        "revision": entry.revision,
        "points": format_points(entry.points, decimals) if entry.points is not None else "",
        "saved_at": timezone.localtime(entry.updated_at).strftime("%H:%M"),
        "by": entry.updated_by.get_full_name() if entry.updated_by else "",
    }


@require_POST
@login_required
def save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """Autosave one criterion; 409 with both revisions when the form was based on an older
    revision; 400/403 with the reason otherwise."""
    assessment = assessment_or_404(request, pk)
    ctx = context_for(assessment)
    node = _node(ctx, code)
    specs = input_specs(ctx.framework, code) if node.is_leaf else ()
    try:
        expected = int(request.POST.get("revision", "0") or 0)
    except ValueError:
        expected = 0
    try:
        result = entry_save(
            actor=request.user,
            assessment=assessment,
            node_code=code,
            raw_inputs=raw_from_post(request.POST, specs),
            justification=request.POST.get("justification", ""),
            not_applicable_reason=na_reason_from_post(request.POST),
            expected_revision=expected,
            context=ctx,
        )
    except EntryConflict as exc:
        theirs = exc.theirs
        html = render_to_string(
            "assessments/_conflict.html",
            {
                "message": exc.messages[0],
                "mine": exc.mine,
                "mine_lines": _lines(specs, exc.mine["raw_inputs"]),
                "theirs": theirs,
                "theirs_lines": _lines(specs, theirs.raw_inputs) if theirs else [],
                "node": node,
                "decimals": ctx.framework.decimals,
            },
            request=request,
        )
        return JsonResponse(
            {
                "conflict": True,
                "message": exc.messages[0],
                "html": html,
                "theirs_revision": theirs.revision if theirs else None,
            },
            status=409,
        )
    except PermissionDenied as exc:
        return JsonResponse({"error": error_list(exc)[0]}, status=403)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(error_list(exc))}, status=400)
    ev = result.evaluation
    assessment.refresh_from_db(fields=["completeness", "claimed_total", "claimed_index"])
    score_html = _score_html(request, ctx, node, ev, specs)
    return JsonResponse(
        {
            "ok": True,
            "changed": result.changed,
            "state": ev.state,
            "score_html": score_html,
            **_entry_json(result.entry, ctx.framework.decimals),
            "summary": {
                "completeness": format_points(assessment.completeness, 0),
                "claimed_total": format_points(assessment.claimed_total, ctx.framework.decimals)
                if assessment.claimed_total is not None
                else "",
            },
        }
    )
