"""The demo province: units in varied states, loaded once (a second run adds nothing)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from parindex.campaigns.demo import load_demo_campaign
from parindex.core.models import AuditEntry
from parindex.demo.load import load_accounts, load_units

from ..demo import DEMO_UNIT, load_demo_assessments
from ..models import Assessment, Assignment, Entry, Submission
from .factories import example_version, small_version


def test_demo_assessments_are_varied_and_idempotent(db: Any) -> None:
    organiser = load_units()
    load_accounts()
    departments = small_version(organiser, code="vd-so-nganh-2025")
    departments.applies_to = ["so_nganh", "co_quan_tw"]
    departments.canonical_yaml = departments.canonical_yaml.replace(
        "applies_to: [xa, phuong]", "applies_to: [so_nganh, co_quan_tw]"
    )
    departments.save()
    communes = example_version(organiser)
    campaign = load_demo_campaign(departments, communes)
    load_demo_assessments(campaign)
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
