"""Helpers the assessment services share: phase answers, text, audit bursts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max

from parindex.campaigns import rules
from parindex.campaigns.selectors import PhaseRules, phase_rules_for
from parindex.core.actions import actor_or_none
from parindex.core.audit import AuditAction, audit_record
from parindex.core.models import AuditEntry
from parindex.core.text import nfc

from ..models import Assessment, Submission
from ..workflow import Status


def clean_text(value: str | None) -> str:
    return nfc(value or "")


def phase_rules(assessment: Assessment, now: datetime | None = None) -> PhaseRules:
    au = assessment.assessed_unit
    return phase_rules_for(campaign=au.campaign, unit=au.unit, now=now)


def appraisal_started(phase: PhaseRules) -> bool:
    """The unit's appraisal has started once the organiser opened the appraisal phase."""
    window = phase.window(rules.APPRAISAL)
    return window is not None and window.state != rules.NOT_OPENED


def last_submitted_at(assessment: Assessment) -> datetime | None:
    found = Submission.objects.filter(assessment=assessment).aggregate(at=Max("submitted_at"))
    return found["at"]


def edit_answer(
    assessment: Assessment, phase: PhaseRules, submitted_at: datetime | None
) -> rules.Answer:
    """May the unit still change its entries? While drafting: until its deadline (with its
    exception). After withdrawing an on-time submission: until appraisal starts. After the
    organiser returned it: as for a withdrawal, the organiser having asked for it."""
    status = Status(assessment.status)
    if status in (Status.WITHDRAWN, Status.RETURNED) and submitted_at is not None:
        answer = phase.may_resubmit_self_assessment(
            withdrawn_submission_at=submitted_at,
            appraisal_started=status is Status.WITHDRAWN and appraisal_started(phase),
        )
        if answer:
            return answer
    return phase.may_edit_self_assessment()


def submit_answer(
    assessment: Assessment, phase: PhaseRules, submitted_at: datetime | None
) -> rules.Answer:
    status = Status(assessment.status)
    if status in (Status.WITHDRAWN, Status.RETURNED) and submitted_at is not None:
        return phase.may_resubmit_self_assessment(
            withdrawn_submission_at=submitted_at,
            appraisal_started=status is Status.WITHDRAWN and appraisal_started(phase),
        )
    return phase.may_submit_self_assessment()


def audit_burst(
    *,
    actor: Any,
    action: AuditAction,
    obj: Any,
    changes: dict[str, Any],
    scope_unit_id: int | None,
    key: str,
    subject: str | None = None,
) -> AuditEntry:
    """An audit entry merged with the same person's previous one on ``key`` within the merge
    window, unless someone else changed the object in between (then a new entry starts)."""
    last_other = (
        AuditEntry.objects.filter(merge_key__startswith=f"{key}@")
        .exclude(actor=actor_or_none(actor))
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        if actor_or_none(actor) is not None
        else None
    )
    return audit_record(
        actor=actor,
        action=action,
        obj=obj,
        changes=changes,
        scope_unit_id=scope_unit_id,
        merge_key=f"{key}@{last_other or 0}",
        subject=subject,
    )
