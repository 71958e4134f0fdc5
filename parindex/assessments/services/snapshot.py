"""What a submission records: the canonical JSON snapshot of the unit's self-assessment and,
when an exception let it submit past the deadline, that exception's reason."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from parindex.campaigns import rules
from parindex.campaigns.models import PhaseException
from parindex.core.actions import actor_or_none
from parindex.core.errors import ServiceError
from parindex.scoring import ProblemsError, canonical_json, score_unit

from ..context import AssessmentContext, evaluations_of, self_entries
from ..hooks import collect_sections
from ..models import Assessment


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def build_snapshot(
    ctx: AssessmentContext, *, number: int, actor: Any, at: dt.datetime
) -> tuple[str, Any]:
    """The canonical JSON of what is submitted (engine result with inputs, the set's SHA-256,
    the engine version), plus the unit's justifications, raw inputs and evidence."""
    entries = self_entries(ctx.assessment)
    evaluations = evaluations_of(ctx, entries)
    try:
        result = score_unit(ctx.framework, ctx.engine_unit(), ctx.facts(evaluations))
    except ProblemsError as exc:
        raise ServiceError([p.message for p in exc.problems]) from None
    doc = json.loads(canonical_json(result, ctx.version.sha256))
    doc["evidence"] = {}
    doc.update(_jsonable(collect_sections(ctx.assessment)))
    doc["justifications"] = {e.node_code: e.justification for e in entries if e.justification}
    doc["raw_inputs"] = {e.node_code: e.raw_inputs for e in entries if e.raw_inputs}
    doc["campaign_not_applicable"] = dict(sorted(ctx.campaign_na.items()))
    doc["submission"] = {
        "number": number,
        "campaign": ctx.campaign.slug,
        "unit": ctx.unit.code,
        "framework_version": ctx.version.number,
        "submitted_at": at.isoformat(),
        "submitted_by": getattr(actor, "username", None) if actor_or_none(actor) else None,
    }
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text, result


def late_exception_reason(assessment: Assessment, phase: Any, now: dt.datetime) -> str:
    """The exception's reason when submitting past the general deadline thanks to it."""
    window = phase.window(rules.SELF_ASSESSMENT)
    if window is None or window.deadline is None or not window.is_extended:
        return ""
    if not rules.is_past(window.deadline, now):
        return ""
    found = (
        PhaseException.objects.filter(
            phase__campaign=assessment.assessed_unit.campaign,
            phase__kind=rules.SELF_ASSESSMENT,
            unit=assessment.assessed_unit.unit,
            is_active=True,
        )
        .values_list("reason", flat=True)
        .first()
    )
    return found or ""
