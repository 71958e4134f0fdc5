"""Checks on the evidence before a self-assessment is submitted, each saying why.

Blocking (the head cannot submit past one):

* a criterion whose evidence is ``required`` has neither a document attached nor a
  justification (``Entry.justification`` at stage ``self``). Criteria the unit does not fill
  in or declared not applicable need nothing.

Warnings (submission allowed; the appraisers will ask):

* a document dated outside the campaign's period (``period_start``..``period_end``, else the
  campaign's year);
* a number and symbol not in the usual form (``12/KH-UBND``, ``45/2025/NĐ-CP``...);
* a document without a number and symbol (photos excepted) or without a date;
* a document of the campaign's period in the unit's library attached to no criterion of this
  assessment (forgotten?).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from parindex.assessments.models import Assessment

from .metadata import NUMBER_EXAMPLES, is_usual_number_symbol
from .models import EvidenceDocument
from .nodes import AssessmentNodes, assessment_nodes, code_key
from .selectors import justified_codes, linked_documents, unattached_in_period

BLOCKING_MISSING = "missing_required"
WARNING_DATE = "date_outside_period"
WARNING_NUMBER = "unusual_number"
WARNING_INCOMPLETE = "metadata_missing"
WARNING_UNATTACHED = "unattached"


@dataclass(frozen=True)
class SubmissionCheck:
    blocking: bool
    node_code: str | None
    message: str
    kind: str = ""
    document_id: int | None = None


def campaign_period(assessment: Assessment) -> tuple[date, date]:
    campaign = assessment.assessed_unit.campaign
    start = campaign.period_start or date(campaign.year, 1, 1)
    end = campaign.period_end or date(campaign.year, 12, 31)
    return start, end


def _d(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _codes_text(codes: list[str]) -> str:
    return ("Tiêu chí " if len(codes) == 1 else "Các tiêu chí ") + ", ".join(codes)


def _missing_required(
    assessment: Assessment, nodes: AssessmentNodes, linked: dict[str, list[EvidenceDocument]]
) -> list[SubmissionCheck]:
    justified = justified_codes(assessment)
    out: list[SubmissionCheck] = []
    for leaf in nodes.leaves:
        if not leaf.is_required or linked.get(leaf.code) or leaf.code in justified:
            continue
        hint = f" Tài liệu cần có: {leaf.hint.rstrip('.')}." if leaf.hint else ""
        out.append(
            SubmissionCheck(
                blocking=True,
                node_code=leaf.code,
                message=(
                    f"Tiêu chí {leaf.code} «{leaf.name}» bắt buộc có tài liệu kiểm chứng nhưng "
                    "chưa gắn tài liệu nào và chưa có giải trình: hãy gắn tài liệu, hoặc giải "
                    f"trình vì sao không có.{hint}"
                ),
                kind=BLOCKING_MISSING,
            )
        )
    return out


def _document_warnings(
    assessment: Assessment, linked: dict[str, list[EvidenceDocument]]
) -> list[SubmissionCheck]:
    start, end = campaign_period(assessment)
    where: dict[int, list[str]] = {}
    documents: dict[int, EvidenceDocument] = {}
    for code in sorted(linked, key=code_key):
        for document in linked[code]:
            where.setdefault(document.pk, []).append(code)
            documents[document.pk] = document
    out: list[SubmissionCheck] = []
    for pk, document in documents.items():
        codes = where[pk]
        first = codes[0]
        at = _codes_text(codes)
        label = document.label
        if document.issued_on and not start <= document.issued_on <= end:
            out.append(
                SubmissionCheck(
                    blocking=False,
                    node_code=first,
                    message=(
                        f"{at}: tài liệu «{label}» ban hành ngày {_d(document.issued_on)}, ngoài "
                        f"kỳ đánh giá ({_d(start)} – {_d(end)}): kiểm tra lại ngày, hoặc giải "
                        "trình vì sao dùng tài liệu này."
                    ),
                    kind=WARNING_DATE,
                    document_id=pk,
                )
            )
        if document.number_symbol and not is_usual_number_symbol(document.number_symbol):
            out.append(
                SubmissionCheck(
                    blocking=False,
                    node_code=first,
                    message=(
                        f"{at}: số, ký hiệu «{document.number_symbol}» của tài liệu "
                        f"«{document.title or document.original_name}» không theo dạng thường "
                        f"gặp (ví dụ {NUMBER_EXAMPLES}): kiểm tra lại."
                    ),
                    kind=WARNING_NUMBER,
                    document_id=pk,
                )
            )
        lacking = []
        if not document.number_symbol and not document.is_image:
            lacking.append("số, ký hiệu")
        if document.issued_on is None:
            lacking.append("ngày ban hành")
        if lacking:
            out.append(
                SubmissionCheck(
                    blocking=False,
                    node_code=first,
                    message=(
                        f"{at}: tài liệu «{label}» chưa ghi {' và '.join(lacking)}: người thẩm "
                        "định cần thông tin này để đối chiếu."
                    ),
                    kind=WARNING_INCOMPLETE,
                    document_id=pk,
                )
            )
    return out


def _unattached(assessment: Assessment) -> list[SubmissionCheck]:
    start, end = campaign_period(assessment)
    return [
        SubmissionCheck(
            blocking=False,
            node_code=None,
            message=(
                f"Tài liệu «{document.label}» (năm {document.year}) có trong thư viện của đơn vị "
                "nhưng chưa gắn với tiêu chí nào của hồ sơ này: gắn vào tiêu chí phù hợp nếu là "
                "tài liệu kiểm chứng."
            ),
            kind=WARNING_UNATTACHED,
            document_id=document.pk,
        )
        for document in unattached_in_period(assessment, start, end)
    ]


def submission_checks(*, assessment: Assessment) -> list[SubmissionCheck]:
    """Blocking problems first (in criterion order), then warnings."""
    nodes = assessment_nodes(assessment)
    linked = linked_documents(assessment)
    blocking = _missing_required(assessment, nodes, linked)
    warnings = _document_warnings(assessment, linked) + _unattached(assessment)
    warnings.sort(key=lambda c: (c.node_code is None, code_key(c.node_code or "")))
    return blocking + warnings


def node_checks(
    *,
    assessment: Assessment,
    node_code: str,
    nodes: AssessmentNodes | None = None,
    linked: dict[str, list[EvidenceDocument]] | None = None,
) -> list[SubmissionCheck]:
    """The checks about one criterion and the documents attached to it (its panel)."""
    nodes = nodes or assessment_nodes(assessment)
    linked = linked if linked is not None else linked_documents(assessment)
    mine = {d.pk for d in linked.get(node_code, [])}
    found = [c for c in _missing_required(assessment, nodes, linked) if c.node_code == node_code]
    found += [c for c in _document_warnings(assessment, linked) if c.document_id in mine]
    return found
