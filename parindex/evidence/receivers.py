"""What evidence contributes to self-assessment, through ``parindex.assessments.hooks``.

Connected in ``EvidenceConfig.ready()``: assessments sends its signals and collects the answers,
so it never imports evidence (the dependency points one way).
"""

from __future__ import annotations

from typing import Any

from parindex.assessments.models import Assessment

from .checks import SubmissionCheck, submission_checks
from .selectors import documents_by_node

CHECKS_UID = "evidence.submission_checks"
SECTIONS_UID = "evidence.snapshot_sections"


def evidence_checks(sender: Any, *, assessment: Assessment, **kwargs: Any) -> list[SubmissionCheck]:
    """The checks on the evidence before the assessment is submitted (blocking first)."""
    return submission_checks(assessment=assessment)


def evidence_section(
    sender: Any, *, assessment: Assessment, **kwargs: Any
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The snapshot's ``evidence`` section: per criterion, its documents (JSON-ready, each
    with the SHA-256 that proves later which file was submitted)."""
    return {"evidence": documents_by_node(assessment=assessment)}


def connect() -> None:
    from parindex.assessments import hooks

    hooks.submission_checks.connect(evidence_checks, dispatch_uid=CHECKS_UID)
    hooks.snapshot_sections.connect(evidence_section, dispatch_uid=SECTIONS_UID)
