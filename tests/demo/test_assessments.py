"""The demo's self-assessments: units in varied states; loading them again adds nothing."""

from __future__ import annotations

from collections import Counter

from parindex.assessments.models import Assessment, Assignment, Entry, Submission
from parindex.campaigns.models import Campaign
from parindex.core.models import AuditEntry
from parindex.demo.assessments import load_demo_assessments
from parindex.demo.campaigns import SLUG
from parindex.demo.data import DEMO_UNIT


def test_demo_assessments_are_varied_and_idempotent(demo: None) -> None:
    campaign = Campaign.objects.get(slug=SLUG)
    states = Counter(Assessment.objects.values_list("status", flat=True))
    assert (states["submitted"], states["ready"], states["returned"]) == (3, 1, 1)
    assert states["draft"] >= 3
    drafts = Assessment.objects.filter(status="draft", completeness__gt=0)
    assert drafts.filter(completeness__lt=100).exists()
    son_linh = Assessment.objects.get(assessed_unit__unit__code=DEMO_UNIT)
    assert son_linh.status == "draft" and 0 < son_linh.completeness < 100
    assert Assignment.objects.filter(assessment=son_linh).exists()
    returned = Assessment.objects.get(status="returned", assessed_unit__campaign=campaign)
    assert returned.return_reason

    counts = (Entry.objects.count(), Submission.objects.count(), AuditEntry.objects.count())
    load_demo_assessments(campaign)
    assert (Entry.objects.count(), Submission.objects.count(), AuditEntry.objects.count()) == (
        counts
    )
