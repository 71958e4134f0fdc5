"""Checks before submission, one by one; documents per criterion; completeness; the
submission snapshot carries each attached document's SHA-256."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.utils import timezone

from parindex.assessments.models import Entry, Stage
from parindex.core.errors import ServiceError
from parindex.evidence import checks as evidence_checks
from parindex.evidence.checks import submission_checks
from parindex.evidence.models import EvidenceDocument, EvidenceLink
from parindex.evidence.selectors import completeness, documents_by_node
from parindex.evidence.services import evidence_attach

from .world import add_document, build_world

pytestmark = pytest.mark.django_db


def attach(world, assessment, code, document):
    evidence_attach(
        actor=world.users["head"], assessment=assessment, node_code=code, document=document
    )


def entry(assessment, code, **fields):
    Entry.objects.update_or_create(
        assessment=assessment, node_code=code, stage=Stage.SELF, defaults=fields
    )


def kinds(found, kind):
    return [c for c in found if c.kind == kind]


def covered(world, assessment):
    """Every required criterion covered (so only the check under test fires)."""
    for code in ("1.1", "1.2", "2.1"):
        entry(assessment, code, justification="Có văn bản giấy lưu tại Văn phòng.")


# --- Blocking ---------------------------------------------------------------------------------


def test_required_criteria_without_document_or_justification_block(world):
    assessment = world.assessment()
    found = submission_checks(assessment=assessment)
    blocking = [c for c in found if c.blocking]
    assert [c.node_code for c in blocking] == ["1.1", "1.2", "2.1"]
    message = blocking[0].message
    assert "Tiêu chí 1.1" in message and "bắt buộc có tài liệu kiểm chứng" in message
    assert "Kế hoạch CCHC năm (số, ký hiệu, ngày ban hành)" in message  # the hint says what
    assert all(c.kind == evidence_checks.BLOCKING_MISSING for c in blocking)


def test_a_document_lifts_the_block(world):
    assessment = world.assessment()
    attach(world, assessment, "1.1", add_document(world))
    codes = [c.node_code for c in submission_checks(assessment=assessment) if c.blocking]
    assert codes == ["1.2", "2.1"]


def test_a_justification_lifts_the_block(world):
    assessment = world.assessment()
    entry(assessment, "1.2", justification="Báo cáo gửi qua hệ thống quản lý văn bản.")
    entry(assessment, "2.1", justification="   ")  # blank is no justification
    codes = [c.node_code for c in submission_checks(assessment=assessment) if c.blocking]
    assert codes == ["1.1", "2.1"]


def test_not_applicable_criterion_needs_nothing(world):
    assessment = world.assessment()
    entry(assessment, "2.1", not_applicable_reason="Xã không có thủ tục hành chính riêng.")
    codes = [c.node_code for c in submission_checks(assessment=assessment) if c.blocking]
    assert codes == ["1.1", "1.2"]


def test_optional_none_survey_and_other_kind_criteria_never_block(world):
    assessment = world.assessment()
    codes = {c.node_code for c in submission_checks(assessment=assessment) if c.blocking}
    assert not codes & {"1.3", "2.2", "2.3", "2.4"}


def test_campaign_wide_not_applicable_needs_nothing(world):
    from parindex.campaigns.models import NotApplicableDeclaration

    NotApplicableDeclaration.objects.create(
        campaign=world.campaign, framework=world.version, node_code="2", reason="Không đánh giá"
    )
    assessment = world.assessment()
    codes = [c.node_code for c in submission_checks(assessment=assessment) if c.blocking]
    assert codes == ["1.1", "1.2"]


def test_head_cannot_submit_past_a_blocking_problem(world):
    from parindex.assessments.services import assessment_submit

    assessment = world.assessment()
    with pytest.raises(ServiceError) as caught:
        assessment_submit(actor=world.users["head"], assessment=assessment)
    assert any("Tiêu chí 1.1" in m for m in caught.value.messages)


# --- Warnings -----------------------------------------------------------------------------------


def test_document_dated_outside_the_campaign_year(world):
    assessment = world.assessment()
    covered(world, assessment)
    document = add_document(world, issued_on=date(2024, 12, 28))
    attach(world, assessment, "1.1", document)
    attach(world, assessment, "1.3", document)
    [warning] = kinds(submission_checks(assessment=assessment), evidence_checks.WARNING_DATE)
    assert not warning.blocking and warning.node_code == "1.1"
    assert "Các tiêu chí 1.1, 1.3" in warning.message
    assert "28/12/2024" in warning.message and "01/01/2025 – 31/12/2025" in warning.message


def test_document_dated_outside_the_campaign_period(db):
    world = build_world("p", period=(date(2024, 10, 1), date(2025, 9, 30)))
    assessment = world.assessment()
    inside = add_document(world, issued_on=date(2024, 11, 5), number="3/KH-UBND")
    outside = add_document(world, issued_on=date(2025, 10, 1), number="4/KH-UBND")
    attach(world, assessment, "1.1", inside)
    attach(world, assessment, "1.2", outside)
    found = kinds(submission_checks(assessment=assessment), evidence_checks.WARNING_DATE)
    assert [(c.node_code, c.document_id) for c in found] == [("1.2", outside.pk)]
    assert "01/10/2024 – 30/09/2025" in found[0].message


def test_unusual_number_and_symbol(world):
    assessment = world.assessment()
    covered(world, assessment)
    attach(world, assessment, "1.2", add_document(world, number="12KH UBND"))
    attach(world, assessment, "1.1", add_document(world, number="45/2025/NĐ-CP"))
    [warning] = kinds(submission_checks(assessment=assessment), evidence_checks.WARNING_NUMBER)
    assert warning.node_code == "1.2" and "«12KH UBND»" in warning.message
    assert "12/KH-UBND" in warning.message  # the usual form is shown as an example


def test_missing_number_or_date(world):
    assessment = world.assessment()
    covered(world, assessment)
    attach(world, assessment, "1.1", add_document(world, number="", issued_on=None))
    [warning] = kinds(submission_checks(assessment=assessment), evidence_checks.WARNING_INCOMPLETE)
    assert "Tiêu chí 1.1" in warning.message
    assert "số, ký hiệu và ngày ban hành" in warning.message


def test_document_of_the_year_attached_nowhere(world):
    assessment = world.assessment()
    covered(world, assessment)
    unused = add_document(world, issued_on=date(2025, 5, 5), title="Biên bản kiểm tra CCHC")
    add_document(world, issued_on=date(2023, 5, 5), title="Tài liệu năm cũ")
    used = add_document(world, issued_on=date(2025, 6, 6))
    attach(world, assessment, "1.1", used)
    [warning] = kinds(submission_checks(assessment=assessment), evidence_checks.WARNING_UNATTACHED)
    assert warning.node_code is None and warning.document_id == unused.pk
    assert "Biên bản kiểm tra CCHC" in warning.message and "chưa gắn" in warning.message


def test_undated_upload_of_the_period_counts_as_the_years(world):
    assessment = world.assessment()
    covered(world, assessment)
    undated = add_document(world, issued_on=None, number="")
    EvidenceDocument.objects.filter(pk=undated.pk).update(uploaded_at=timezone.now())
    found = kinds(submission_checks(assessment=assessment), evidence_checks.WARNING_UNATTACHED)
    assert [c.document_id for c in found] == [undated.pk]


def test_warnings_never_block(world):
    assessment = world.assessment()
    covered(world, assessment)
    attach(world, assessment, "1.1", add_document(world, number="sai", issued_on=date(2020, 1, 1)))
    found = submission_checks(assessment=assessment)
    assert found and not any(c.blocking for c in found)


def test_clean_assessment_has_no_checks(world):
    assessment = world.assessment()
    for code, number in (("1.1", "1/KH-UBND"), ("1.2", "2/BC-UBND"), ("2.1", "3/TB-UBND")):
        attach(world, assessment, code, add_document(world, number=number))
    assert submission_checks(assessment=assessment) == []


# --- Reads ----------------------------------------------------------------------------------------


def test_documents_by_node(world):
    assessment = world.assessment()
    plan = add_document(world, number="12/KH-UBND", issued_on=date(2025, 1, 15))
    report = add_document(world, number="205/BC-UBND", issued_on=None, title="Báo cáo năm")
    attach(world, assessment, "1.2", report)
    attach(world, assessment, "1.1", plan)
    attach(world, assessment, "1.2", plan)
    found = documents_by_node(assessment=assessment)
    assert list(found) == ["1.1", "1.2"]
    assert found["1.1"] == [
        {
            "sha256": plan.sha256,
            "number_symbol": "12/KH-UBND",
            "issued_on": "2025-01-15",
            "title": "Kế hoạch cải cách hành chính năm 2025",
            "issuer": "UBND xã Sơn Lĩnh",
        }
    ]
    assert [d["sha256"] for d in found["1.2"]] == [report.sha256, plan.sha256]
    assert found["1.2"][0]["issued_on"] is None
    json.dumps(found)  # goes into the snapshot as it is


def test_documents_by_node_of_another_assessment_is_separate(world):
    assessment = world.assessment()
    attach(world, assessment, "1.1", add_document(world))
    assert documents_by_node(assessment=world.assessment(world.commune2)) == {}


def test_completeness_per_field_and_overall(world):
    assessment = world.assessment()
    before = completeness(assessment=assessment)
    # Needed: 1.1, 1.2, 1.3 (field 1) and 2.1 (field 2); 2.2 none, 2.3 survey, 2.4 ward only.
    assert (before.overall.needed, before.overall.covered, before.percent) == (4, 0, 0)
    assert before.overall.required_missing == 3
    assert [(f.code, f.share.needed) for f in before.fields] == [("1", 3), ("2", 1)]
    attach(world, assessment, "1.1", add_document(world))
    entry(assessment, "2.1", justification="Giải trình")
    after = completeness(assessment=assessment)
    assert (after.overall.covered, after.percent) == (2, 50)
    assert after.fields[0].share.percent == 33 and after.fields[1].share.percent == 100
    assert after.fields[0].missing == ["1.2", "1.3"]
    assert after.nodes["1.1"].status == "document"
    assert after.nodes["2.1"].status == "justification"
    assert after.nodes["2.3"].status == "not_needed"


def test_submission_snapshot_holds_each_documents_sha256(world):
    from parindex.assessments.services import assessment_submit

    assessment = world.assessment()
    plan = add_document(world, number="12/KH-UBND")
    report = add_document(world, number="205/BC-UBND")
    attach(world, assessment, "1.1", plan)
    attach(world, assessment, "1.2", plan)
    attach(world, assessment, "1.2", report)
    entry(assessment, "2.1", justification="Không phát sinh thủ tục trong năm.")
    submission = assessment_submit(actor=world.users["head"], assessment=assessment)
    snapshot = json.loads(submission.snapshot)
    evidence = snapshot["evidence"]
    assert [d["sha256"] for d in evidence["1.1"]] == [plan.sha256]
    assert {d["sha256"] for d in evidence["1.2"]} == {plan.sha256, report.sha256}
    assert EvidenceLink.objects.count() == 3
