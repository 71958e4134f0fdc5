"""The workflow's state changes: mark ready, reopen, submit, withdraw, return.

The table (``..workflow.TRANSITIONS``) runs through one :class:`~parindex.core.transitions.Runner`
(:data:`RUNNER`): the same verdict answers the buttons a page shows (:func:`assessment_options`)
and the service (:func:`_run`). Each service: ``lock`` the assessment (it must be visible to the
actor), the runner's verdict (status, role, the campaign's phase rules), one versioned UPDATE, one
audit entry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parindex.campaigns import rules
from parindex.campaigns.models import PhaseException
from parindex.core.actions import save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.transitions import Option, Runner, TransitionTable, Verdict
from parindex.scoring import ProblemsError, canonical_json, score_unit

from ..audit_actions import WORKFLOW_ACTIONS
from ..context import AssessmentContext, context_for, evaluations_of, self_entries
from ..hooks import collect_checks, collect_sections
from ..models import Assessment, Submission
from ..permissions import can_act_as, ensure_can_view_assessment
from ..workflow import ACTION_LABELS, ROLE_NAMES, STATUS_LABELS, TRANSITIONS, Action, Status
from ._common import (
    actor_or_none,
    appraisal_started,
    clean_text,
    last_submitted_at,
    phase_rules,
    submit_answer,
)
from .entries import lock_assessment

CONFLICT_MESSAGE = "Hồ sơ vừa được người khác thay đổi; vui lòng tải lại trang."


@dataclass(frozen=True)
class Check:
    """One problem found before submitting (``blocking`` ones refuse the submission)."""

    blocking: bool
    node_code: str | None
    message: str


def _may_submit(actor: Any, assessment: Assessment) -> rules.Answer | Verdict:
    """The campaign's deadline (with the unit's exception), or the resubmission window; then
    nothing blocking (the submit page lists what blocks)."""
    answer = submit_answer(assessment, phase_rules(assessment), last_submitted_at(assessment))
    if not answer:
        return answer
    blocking = blocking_checks(assessment)
    if blocking:
        return Verdict(
            False,
            f"Chưa gửi được: còn {len(blocking)} vấn đề cần khắc phục trước khi gửi.",
            details=tuple(c.message for c in blocking),
        )
    return answer


def _may_withdraw(actor: Any, assessment: Assessment) -> rules.Answer:
    """After an on-time submission, until the organiser opens appraisal."""
    phase = phase_rules(assessment)
    return phase.may_withdraw(
        submitted_at=assessment.submitted_at, appraisal_started=appraisal_started(phase)
    )


TABLE: TransitionTable[Status, Action, Any] = TransitionTable(
    TRANSITIONS,
    status_labels=STATUS_LABELS,
    action_labels=ACTION_LABELS,
    role_names=ROLE_NAMES,
)
RUNNER: Runner[Status, Action, Any] = Runner(
    TABLE,
    status_of=lambda assessment: Status(assessment.status),
    holds=can_act_as,
    guards={Action.SUBMIT: _may_submit, Action.WITHDRAW: _may_withdraw},
)

# Actions taken on a page of their own (the head reviews the checks; the organiser writes why).
OWN_PAGE = frozenset({Action.SUBMIT, Action.RETURN})


def assessment_options(actor: Any, assessment: Assessment) -> list[Option[Action, Status]]:
    """The workflow actions this person may take now, each allowed or not with the reason —
    exactly what the services below would answer."""
    return RUNNER.options(actor, assessment)


def assessment_verdict(actor: Any, assessment: Assessment, action: Action) -> Verdict:
    return RUNNER.verdict(actor, assessment, action)


def _run(
    actor: Any,
    assessment: Assessment,
    action: Action,
    *,
    extra: dict[str, Any] | None = None,
    audit_extra: dict[str, Any] | None = None,
    before: Any = None,
) -> Assessment:
    """Lock, ask the runner, optionally ``before(locked)`` (more checks, the snapshot), save the
    new status with a version guard, audit."""
    locked = lock_assessment(actor, assessment, ensure_can_view_assessment)
    target = RUNNER.ensure(actor, locked, action)
    more: dict[str, Any] = {}
    if before is not None:
        more = before(locked) or {}
    old = locked.status
    save_versioned(
        locked,
        {"status": target.value, **(extra or {}), **more.get("fields", {})},
        conflict_message=CONFLICT_MESSAGE,
    )
    audit_record(
        actor=actor,
        action=WORKFLOW_ACTIONS[action],
        obj=locked,
        changes={"status": [old, target.value], **(audit_extra or {}), **more.get("audit", {})},
        scope_unit_id=locked.assessed_unit.unit_id,
    )
    return locked


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
        _run(actor, assessment, Action.MARK_READY, extra={"ready_at": timezone.now()})
    return _refresh(assessment)


def assessment_reopen(*, actor: Any, assessment: Assessment) -> Assessment:
    with transaction.atomic():
        _run(actor, assessment, Action.REOPEN, extra={"ready_at": None})
    return _refresh(assessment)


# --- Submitting ------------------------------------------------------------------------------


def evidence_checks(assessment: Assessment) -> list[Check]:
    """What the apps connected to ``hooks.submission_checks`` find (evidence: documents)."""
    return [
        Check(bool(c.blocking), getattr(c, "node_code", None), str(c.message))
        for c in collect_checks(assessment)
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


def blocking_checks(assessment: Assessment) -> list[Check]:
    return [c for c in evidence_checks(assessment) if c.blocking]


def assessment_submit(*, actor: Any, assessment: Assessment) -> Submission:
    """The unit head approves and submits: a new numbered, immutable snapshot."""
    made: list[Submission] = []

    def snapshot(locked: Assessment) -> dict[str, Any]:
        now = timezone.now()
        number = (
            Submission.objects.filter(assessment=locked).aggregate(n=Max("number"))["n"] or 0
        ) + 1
        text, result = build_snapshot(context_for(assessment), number=number, actor=actor, at=now)
        made.append(
            Submission.objects.create(
                assessment=locked,
                number=number,
                snapshot=text,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                total=result.total,
                index=result.index,
                submitted_by=actor_or_none(actor),
                late_exception_reason=_late_reason(assessment, phase_rules(assessment, now), now),
            )
        )
        fields: dict[str, Any] = {
            "submitted_at": now,
            "submitted_by": actor_or_none(actor),
            "return_reason": "",
        }
        if locked.first_submitted_at is None:
            fields["first_submitted_at"] = now
        return {
            "fields": fields,
            "audit": {"submission": [None, number], "total": [None, str(result.total)]},
        }

    with transaction.atomic():
        _run(actor, assessment, Action.SUBMIT, before=snapshot)
    _refresh(assessment)
    return made[0]


def assessment_withdraw(*, actor: Any, assessment: Assessment) -> Assessment:
    """Take the submission back to fix it: after an on-time submission, until appraisal."""
    with transaction.atomic():
        _run(actor, assessment, Action.WITHDRAW)
    return _refresh(assessment)


def assessment_return(*, actor: Any, assessment: Assessment, reason: str) -> Assessment:
    """The organiser sends a submission back to the unit, with a reason."""
    why = clean_text(reason)

    def need_reason(locked: Assessment) -> dict[str, Any]:
        if not why:
            raise ServiceError("Cần ghi lý do trả lại hồ sơ.")
        return {
            "fields": {"return_reason": why},
            "audit": {"return_reason": [locked.return_reason, why]},
        }

    with transaction.atomic():
        _run(actor, assessment, Action.RETURN, before=need_reason)
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
