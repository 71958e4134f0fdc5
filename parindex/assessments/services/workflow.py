"""The workflow's state changes: mark ready, reopen, submit, withdraw, return.

Each one: permission to see the assessment, the transition from ``workflow.TRANSITIONS``, the
role the table names, the campaign's phase rules, one guarded UPDATE, one audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from parindex.campaigns import rules
from parindex.campaigns.models import PhaseException
from parindex.core.audit import audit_record
from parindex.core.errors import ConflictError, ServiceError
from parindex.scoring import ProblemsError, canonical_json, score_unit

from ..context import AssessmentContext, context_for, evaluations_of, self_entries
from ..models import Assessment, Submission
from ..permissions import can_act_as, ensure_can_view_assessment
from ..workflow import ACTION_LABELS, STATUS_LABELS, TRANSITIONS, Action, Actor, Status
from ._common import (
    actor_or_none,
    appraisal_started,
    clean_text,
    last_submitted_at,
    optional_callable,
    phase_rules,
    submit_answer,
)

ACTOR_NAMES = {
    Actor.FOCAL: "đầu mối hoặc thủ trưởng đơn vị",
    Actor.HEAD: "thủ trưởng đơn vị",
    Actor.ORGANISER: "cơ quan tổ chức đánh giá",
}


@dataclass(frozen=True)
class Check:
    """One problem found before submitting (``blocking`` ones refuse the submission)."""

    blocking: bool
    node_code: str | None
    message: str


def _transition_target(assessment: Assessment, action: Action, actor: Any) -> Status:
    """The new status, or an error naming why the action is refused."""
    ensure_can_view_assessment(actor, assessment)
    status = Status(assessment.status)
    found = TRANSITIONS.get((status, action))
    if found is None:
        raise ServiceError(
            f"Không thể “{ACTION_LABELS[action]}” khi hồ sơ đang ở trạng thái "
            f"“{STATUS_LABELS[status]}”."
        )
    target, who = found
    if not can_act_as(actor, assessment, who):
        raise PermissionDenied(f"Chỉ {ACTOR_NAMES[who]} được “{ACTION_LABELS[action]}”.")
    return target


def _locked(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    locked.assessed_unit = assessment.assessed_unit  # keep the loaded relations
    return locked


def _apply(
    locked: Assessment,
    *,
    actor: Any,
    action: Action,
    target: Status,
    extra: dict[str, Any] | None = None,
    audit_extra: dict[str, Any] | None = None,
) -> None:
    old = locked.status
    fields = dict(extra or {})
    updated = Assessment.objects.filter(pk=locked.pk, status=old).update(
        status=target, version=F("version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise ConflictError("Hồ sơ vừa được người khác thay đổi; vui lòng tải lại trang.")
    audit_record(
        actor=actor,
        action=f"assessment.{action.value}",
        obj=locked,
        changes={"status": [old, target.value], **(audit_extra or {})},
        scope_unit_id=locked.assessed_unit.unit_id,
    )


def _refresh(assessment: Assessment) -> Assessment:
    fresh = Assessment.objects.get(pk=assessment.pk)
    for name in (
        "status",
        "version",
        "ready_at",
        "submitted_at",
        "first_submitted_at",
        "submitted_by_id",
        "return_reason",
        "updated_at",
    ):
        setattr(assessment, name, getattr(fresh, name))
    return assessment


def assessment_mark_ready(*, actor: Any, assessment: Assessment) -> Assessment:
    """The focal officer has consolidated the entries: ready for the head to submit."""
    with transaction.atomic():
        locked = _locked(assessment)
        target = _transition_target(locked, Action.MARK_READY, actor)
        _apply(
            locked,
            actor=actor,
            action=Action.MARK_READY,
            target=target,
            extra={"ready_at": timezone.now()},
        )
    return _refresh(assessment)


def assessment_reopen(*, actor: Any, assessment: Assessment) -> Assessment:
    with transaction.atomic():
        locked = _locked(assessment)
        target = _transition_target(locked, Action.REOPEN, actor)
        _apply(locked, actor=actor, action=Action.REOPEN, target=target, extra={"ready_at": None})
    return _refresh(assessment)


# --- Submitting ------------------------------------------------------------------------------


def evidence_checks(assessment: Assessment) -> list[Check]:
    """The evidence app's checks (none while that app does not provide them)."""
    checks = optional_callable("parindex.evidence.checks", "submission_checks")
    if checks is None:
        return []
    return [
        Check(bool(c.blocking), getattr(c, "node_code", None), str(c.message))
        for c in checks(assessment=assessment)
    ]


def entry_checks(ctx: AssessmentContext) -> list[Check]:
    """Warnings about the unit's own entries: criteria not complete, values not readable."""
    evaluations = evaluations_of(ctx, self_entries(ctx.assessment))
    out: list[Check] = []
    na = {c for c, ev in evaluations.items() if ev.not_applicable}
    for node in ctx.fillable_leaves():
        if any(a in na for a in _ancestors(ctx, node.code)):
            continue
        ev = evaluations.get(node.code)
        if ev is None or ev.state == "empty":
            out.append(Check(False, node.code, f"Tiêu chí {node.code} chưa nhập (tính 0 điểm)."))
        elif ev.has_errors:
            out.append(
                Check(
                    False, node.code, f"Tiêu chí {node.code} có số liệu chưa hợp lệ (tính 0 điểm)."
                )
            )
        elif not ev.complete:
            out.append(
                Check(False, node.code, f"Tiêu chí {node.code} còn thiếu số liệu (tính 0 điểm).")
            )
    return out


def _ancestors(ctx: AssessmentContext, code: str) -> list[str]:
    out: list[str] = []
    node = ctx.framework.by_code.get(code)
    while node is not None and node.parent:
        out.append(node.parent)
        node = ctx.framework.by_code.get(node.parent)
    return out


def submission_checks(assessment: Assessment) -> list[Check]:
    """Everything to show on the submit page: the evidence app's checks, then warnings."""
    return evidence_checks(assessment) + entry_checks(context_for(assessment))


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
    documents = optional_callable("parindex.evidence.selectors", "documents_by_node")
    evidence = documents(assessment=ctx.assessment) if documents is not None else {}
    doc["evidence"] = _jsonable(evidence or {})
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


def _late_reason(assessment: Assessment, phase: Any, now: dt.datetime) -> str:
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


def assessment_submit(*, actor: Any, assessment: Assessment) -> Submission:
    """The unit head approves and submits: a new numbered, immutable snapshot."""
    with transaction.atomic():
        locked = _locked(assessment)
        target = _transition_target(locked, Action.SUBMIT, actor)
        now = timezone.now()
        phase = phase_rules(assessment, now)
        answer = submit_answer(locked, phase, last_submitted_at(locked))
        if not answer:
            raise ServiceError(answer.reason)
        blocking = [c for c in evidence_checks(assessment) if c.blocking]
        if blocking:
            raise ServiceError(
                ["Chưa gửi được: cần khắc phục trước khi gửi:"] + [c.message for c in blocking]
            )
        number = (
            Submission.objects.filter(assessment=locked).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        ctx = context_for(assessment)
        text, result = build_snapshot(ctx, number=number, actor=actor, at=now)
        submission = Submission.objects.create(
            assessment=locked,
            number=number,
            snapshot=text,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            total=result.total,
            index=result.index,
            submitted_by=actor_or_none(actor),
            late_exception_reason=_late_reason(assessment, phase, now),
        )
        extra: dict[str, Any] = {
            "submitted_at": now,
            "submitted_by": actor_or_none(actor),
            "return_reason": "",
        }
        if locked.first_submitted_at is None:
            extra["first_submitted_at"] = now
        _apply(
            locked,
            actor=actor,
            action=Action.SUBMIT,
            target=target,
            extra=extra,
            audit_extra={"submission": [None, number], "total": [None, str(result.total)]},
        )
    _refresh(assessment)
    return submission


def assessment_withdraw(*, actor: Any, assessment: Assessment) -> Assessment:
    """Take the submission back to fix it: after an on-time submission, until appraisal."""
    with transaction.atomic():
        locked = _locked(assessment)
        target = _transition_target(locked, Action.WITHDRAW, actor)
        phase = phase_rules(assessment)
        answer = phase.may_withdraw(
            submitted_at=locked.submitted_at, appraisal_started=appraisal_started(phase)
        )
        if not answer:
            raise ServiceError(answer.reason)
        _apply(locked, actor=actor, action=Action.WITHDRAW, target=target)
    return _refresh(assessment)


def assessment_return(*, actor: Any, assessment: Assessment, reason: str) -> Assessment:
    """The organiser sends a submission back to the unit, with a reason."""
    why = clean_text(reason)
    with transaction.atomic():
        locked = _locked(assessment)
        target = _transition_target(locked, Action.RETURN, actor)
        if not why:
            raise ServiceError("Cần ghi lý do trả lại hồ sơ.")
        _apply(
            locked,
            actor=actor,
            action=Action.RETURN,
            target=target,
            extra={"return_reason": why},
            audit_extra={"return_reason": [locked.return_reason, why]},
        )
    return _refresh(assessment)


def assessment_act(*, actor: Any, assessment: Assessment, action: Action, reason: str = "") -> Any:
    """Dispatch an action by name (the pages post one of the table's actions)."""
    if action is Action.MARK_READY:
        return assessment_mark_ready(actor=actor, assessment=assessment)
    if action is Action.REOPEN:
        return assessment_reopen(actor=actor, assessment=assessment)
    if action is Action.SUBMIT:
        return assessment_submit(actor=actor, assessment=assessment)
    if action is Action.WITHDRAW:
        return assessment_withdraw(actor=actor, assessment=assessment)
    return assessment_return(actor=actor, assessment=assessment, reason=reason)
