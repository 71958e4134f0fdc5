"""What is checked before submitting: the connected apps' checks (blocking or not) and the
unit's own entries — an invalid entry (a value out of range or unreadable, or an error check of
the rule failing) blocks; an empty or incomplete criterion and a failed warning check are
listed without blocking. Shown on the submit page and asked by the runner."""

from __future__ import annotations

from dataclasses import dataclass

from parindex.scoring import input_specs
from parindex.scoring.model import Node

from ..context import (
    AssessmentContext,
    ancestors_and_self,
    context_for,
    evaluations_of,
    self_entries,
)
from ..evaluation import Evaluation
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


def _invalid(node: Node, ctx: AssessmentContext, ev: Evaluation) -> list[Check]:
    """One blocking problem per thing wrong with an entry, naming the criterion."""
    labels = {s.name: s.label for s in input_specs(ctx.framework, node.code)}
    return [
        Check(True, node.code, f"Tiêu chí {node.code} “{node.name}”: {_sentence(line)}")
        for line in ev.error_lines(labels)
    ]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def entry_checks(ctx: AssessmentContext) -> list[Check]:
    """The unit's own entries: invalid ones block; criteria not entered or incomplete, and
    failed warning checks, are listed without blocking."""
    evaluations = evaluations_of(ctx, self_entries(ctx.assessment))
    out: list[Check] = []
    na = {c for c, ev in evaluations.items() if ev.not_applicable}
    for node in ctx.fillable_leaves():
        if any(a in na for a in ancestors_and_self(ctx.framework, node.code)[1:]):
            continue
        ev = evaluations.get(node.code)
        if ev is None or ev.state == "empty":
            out.append(Check(False, node.code, f"Tiêu chí {node.code} chưa nhập (tính 0 điểm)."))
            continue
        if ev.has_errors:
            out.extend(_invalid(node, ctx, ev))
        elif not ev.complete:
            out.append(
                Check(False, node.code, f"Tiêu chí {node.code} còn thiếu số liệu (tính 0 điểm).")
            )
        out.extend(
            Check(False, node.code, f"Tiêu chí {node.code} “{node.name}”: {_sentence(w)}")
            for w in ev.warnings
        )
    return out


def submission_checks(assessment: Assessment) -> list[Check]:
    """Everything to show on the submit page: the evidence app's checks, then the entries'."""
    return evidence_checks(assessment) + entry_checks(context_for(assessment))


def blocking_checks(assessment: Assessment) -> list[Check]:
    """What refuses the submission: invalid entries, then the evidence app's blocking checks."""
    entries = [c for c in entry_checks(context_for(assessment)) if c.blocking]
    return entries + [c for c in evidence_checks(assessment) if c.blocking]
