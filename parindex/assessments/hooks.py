"""What other apps contribute to self-assessment, without assessments importing them.

Apps that build on assessments (evidence) connect receivers in their
``AppConfig.ready()``; assessments sends and collects the answers. Django signals, so the
dependency points one way: evidence imports assessments, never the reverse.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

# send(sender=Assessment, assessment=…) -> each receiver returns a list of checks, each with
# ``blocking`` (bool), ``node_code`` (str | None) and ``message`` (Vietnamese).
submission_checks = Signal()

# send(sender=Assessment, assessment=…) -> each receiver returns {section: jsonable} merged into
# the submission snapshot (evidence: {"evidence": {node_code: [documents…]}}).
snapshot_sections = Signal()


def collect_checks(assessment: Any) -> list[Any]:
    out: list[Any] = []
    for _receiver, answer in submission_checks.send(sender=type(assessment), assessment=assessment):
        out.extend(answer or [])
    return out


def collect_sections(assessment: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _receiver, answer in snapshot_sections.send(sender=type(assessment), assessment=assessment):
        out.update(answer or {})
    return out
