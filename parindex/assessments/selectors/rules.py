"""Questions other apps ask about a self-assessment's phase, answered the way the
assessments app applies them to its own entries."""

from __future__ import annotations

from datetime import datetime

from parindex.campaigns import rules

from ..models import Assessment
from ..services._common import edit_answer, last_submitted_at, phase_rules


def may_change_entries(assessment: Assessment, now: datetime | None = None) -> rules.Answer:
    """May the unit still change what backs its entries (inputs, justification, evidence)?
    While drafting: until its deadline (with its exception); after withdrawing an on-time
    submission or being returned: until its appraisal starts. The answer carries a reason."""
    return edit_answer(assessment, phase_rules(assessment, now), last_submitted_at(assessment))
