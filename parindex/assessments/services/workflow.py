"""The workflow's state changes: mark ready, reopen, submit, withdraw, return.

The table (``..workflow.TRANSITIONS``) runs through one :class:`~parindex.core.transitions.Runner`
(:data:`RUNNER`): the same verdict answers the buttons a page shows (:func:`assessment_options`)
and the service (:func:`_run`). Each service: ``lock`` the assessment (it must be visible to the
actor), the runner's verdict (status, role, the campaign's phase rules), one UPDATE guarded by
the revision, one audit entry. Submitting asks :mod:`.checks` what blocks and records a
:mod:`.snapshot`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parindex.campaigns import rules
from parindex.core.actions import save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.transitions import Option, Runner, TransitionTable, Verdict

from ..audit_actions import WORKFLOW_ACTIONS
from ..context import context_for
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
from .checks import blocking_checks
from .entries import lock_assessment
from .snapshot import build_snapshot, late_exception_reason

CONFLICT_MESSAGE = "Hồ sơ vừa được người khác thay đổi; vui lòng tải lại trang."


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
    new status with a revision guard, audit."""
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
        "revision",
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
                late_exception_reason=late_exception_reason(
                    assessment, phase_rules(assessment, now), now
                ),
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
