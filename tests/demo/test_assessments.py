"""The demo's self-assessments: units in varied states; loading them again adds nothing."""

from __future__ import annotations

from collections import Counter

from parindex.assessments.context import context_for, evaluations_of, self_entries
from parindex.assessments.models import Assessment, Assignment, Entry, Submission
from parindex.campaigns.models import Campaign
from parindex.core.models import AuditEntry
from parindex.demo.assessments import load_demo_assessments
from parindex.demo.campaigns import SLUG
from parindex.demo.data import DEMO_UNIT
from parindex.scoring.model import GeneralRule


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


def test_demo_entries_are_valid_and_pass_every_consistency_check(demo: None) -> None:
    """Every value the demo typed reads, is in range and passes its rule's checks (the
    commune set checks e.g. that handled documents do not exceed those found at 2.2.2)."""
    checked = 0
    for assessment in Assessment.objects.all():
        ctx = context_for(assessment)
        for code, evaluation in evaluations_of(ctx, self_entries(assessment)).items():
            assert not evaluation.has_errors, (assessment.assessed_unit.unit.code, code)
            rule = ctx.framework.node(code).rule
            checked += isinstance(rule, GeneralRule) and bool(rule.checks)
    assert checked > 20
