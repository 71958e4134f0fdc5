"""The demo's evidence: two generated PDFs in the demo commune's library, with their metadata,
attached to criteria that require evidence; loading them again stores nothing new."""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import default_storage

from parindex.assessments.models import Assessment
from parindex.demo.data import DEMO_UNIT
from parindex.demo.evidence import load_demo_evidence
from parindex.evidence.extract import extract_text, guess_metadata
from parindex.evidence.models import EvidenceDocument, EvidenceLink
from parindex.evidence.nodes import assessment_nodes


def _stored_files() -> set[Path]:
    return {p for p in Path(default_storage.location).rglob("*") if p.is_file()}


def test_demo_evidence_is_idempotent(demo: None) -> None:
    assessment = Assessment.objects.get(assessed_unit__unit__code=DEMO_UNIT)
    documents = list(EvidenceDocument.objects.order_by("pk"))
    links = set(EvidenceLink.objects.values_list("document_id", "node_code"))
    files = _stored_files()
    again = load_demo_evidence(assessment)
    assert [d.pk for d in again] == [d.pk for d in documents]
    assert set(EvidenceLink.objects.values_list("document_id", "node_code")) == links
    assert _stored_files() == files

    assert len(documents) == 2 and {d.unit.code for d in documents} == {DEMO_UNIT}
    required = {leaf.code for leaf in assessment_nodes(assessment).leaves if leaf.is_required}
    assert {code for _document, code in links} <= required
    assert {document for document, _code in links} == {d.pk for d in documents}
    plan = EvidenceDocument.objects.get(number_symbol="12/KH-UBND")
    assert plan.is_confirmed and plan.issued_on is not None
    assert "ke hoach cai cach" in plan.search_folded


def test_demo_pdfs_are_real_documents(demo: None) -> None:
    plan = EvidenceDocument.objects.get(number_symbol="12/KH-UBND")
    with plan.file.open("rb") as handle:
        guess = guess_metadata(extract_text(handle.read(), "pdf"))
    assert guess.number_symbol == "12/KH-UBND"
    assert guess.issuer == "ỦY BAN NHÂN DÂN XÃ SƠN LĨNH"
    assert EvidenceDocument.objects.filter(number_symbol="205/BC-UBND").exists()
