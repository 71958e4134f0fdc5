"""What is checked before submitting: the connected apps' checks (blocking or not) and
warnings about the unit's own entries, shown on the submit page and asked by the runner."""

from __future__ import annotations

from dataclasses import dataclass

from ..context import (
    AssessmentContext,
    ancestors_and_self,
    context_for,
    evaluations_of,
    self_entries,
)
from ..hooks import collect_checks
from ..models import Assessment


@dataclass(frozen=True)
class Check:
    """One problem found before submitting (``blocking`` ones refuse the submission)."""

    blocking: bool
    node_code: str | None
    message: str


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
        if any(a in na for a in ancestors_and_self(ctx.framework, node.code)[1:]):
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


def submission_checks(assessment: Assessment) -> list[Check]:
    """Everything to show on the submit page: the evidence app's checks, then warnings."""
    return evidence_checks(assessment) + entry_checks(context_for(assessment))


def blocking_checks(assessment: Assessment) -> list[Check]:
    return [c for c in evidence_checks(assessment) if c.blocking]
