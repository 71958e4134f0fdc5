"""The demo evidence: two generated PDFs with their metadata, attached; loading twice adds
nothing."""

from __future__ import annotations

import pytest

from parindex.evidence.demo import load_demo_evidence
from parindex.evidence.extract import extract_text, guess_metadata
from parindex.evidence.models import EvidenceDocument, EvidenceLink

from .conftest import stored_files

pytestmark = pytest.mark.django_db


def test_demo_evidence_is_idempotent(world, media):
    assessment = world.assessment()
    first = load_demo_evidence(assessment)
    again = load_demo_evidence(assessment)
    assert [d.pk for d in first] == [d.pk for d in again]
    assert EvidenceDocument.objects.count() == 2 and len(stored_files(media)) == 2
    assert set(EvidenceLink.objects.values_list("node_code", flat=True)) == {"1.1", "1.2", "2.1"}
    plan = EvidenceDocument.objects.get(number_symbol="12/KH-UBND")
    assert plan.is_confirmed and plan.issued_on is not None
    assert "ke hoach cai cach" in plan.search_folded


def test_demo_pdfs_are_real_documents(world):
    [plan, report] = load_demo_evidence(world.assessment())
    with plan.file.open("rb") as handle:
        guess = guess_metadata(extract_text(handle.read(), "pdf"))
    assert guess.number_symbol == "12/KH-UBND"
    assert guess.issuer == "ỦY BAN NHÂN DÂN XÃ SƠN LĨNH"
    assert report.number_symbol == "205/BC-UBND"
