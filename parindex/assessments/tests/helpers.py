"""Helpers shared by the self-assessment tests."""

from __future__ import annotations

from typing import Any

from parindex.frameworks.selectors import get_engine_framework

from ..models import Assessment
from ..services import entry_save


def force_status(assessment: Assessment, status: str, **fields: Any) -> Assessment:
    """Put an assessment in a state for a test (bypassing the services on purpose)."""
    Assessment.objects.filter(pk=assessment.pk).update(status=status, **fields)
    assessment.refresh_from_db()
    return assessment


def fill_small(world: Any, assessment: Assessment, score: str = "7,5") -> None:
    """The small set's one self-assessed leaf (1.1, manual, max 10)."""
    entry_save(
        actor=world.users["focal"],
        assessment=assessment,
        node_code="1.1",
        raw_inputs={"score": score},
        justification="",
        not_applicable_reason="",
        expected_revision=0,
    )


def explain_required_evidence(world: Any, assessment: Assessment) -> None:
    """The focal officer explains where the required documents are kept, on every criterion
    that needs them, so that only the entries decide whether the head may submit."""
    for node in get_engine_framework(assessment.assessed_unit.framework).leaves():
        if node.evidence.value == "required" and node.source.value == "self":
            entry_save(
                actor=world.users["focal"],
                assessment=assessment,
                node_code=node.code,
                raw_inputs={},
                justification="Hồ sơ lưu tại Văn phòng UBND xã",
                expected_revision=0,
            )
