"""Reads: the documents behind each criterion, completeness of the evidence, the library.

``documents_by_node`` goes into every submission snapshot (each document's SHA-256 proves
later exactly which file was submitted), so once a snapshot cites a document its details may
no longer change: ``document_locked_reason`` says why (the service refuses with the same
words, the document page shows them instead of the form). ``completeness`` answers "what
share of the leaves that need evidence have a document or a justification", per field and
overall.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from parindex.assessments.models import Assessment, Entry, Stage, Submission
from parindex.assessments.workflow import EDITABLE, STATUS_LABELS, Status

from .models import DocumentKind, EvidenceDocument, EvidenceLink
from .nodes import AssessmentNodes, EvidenceNode, assessment_nodes, code_key


def _links(assessment: Assessment) -> QuerySet[EvidenceLink]:
    return (
        EvidenceLink.objects.filter(assessment=assessment)
        .select_related("document")
        .order_by("node_code", "linked_at", "id")
    )


def document_dict(document: EvidenceDocument) -> dict[str, Any]:
    return {
        "sha256": document.sha256,
        "number_symbol": document.number_symbol,
        "issued_on": document.issued_on_iso(),
        "title": document.title,
        "issuer": document.issuer,
    }


def documents_by_node(*, assessment: Assessment) -> dict[str, list[dict[str, Any]]]:
    """For each criterion code with documents attached (in code order), its documents."""
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for link in _links(assessment):
        found[link.node_code].append(document_dict(link.document))
    return {code: found[code] for code in sorted(found, key=code_key)}


# --- Documents a submission cites ------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A submission whose snapshot names a document (by its SHA-256)."""

    assessment_id: int
    campaign: str
    year: int
    number: int


def citing_submissions(document: EvidenceDocument) -> list[Citation]:
    """The submissions of the document's unit whose snapshot names its SHA-256 (oldest
    campaign first, then by number): that file, with the details the snapshot recorded, is
    the proof of what was submitted."""
    rows = (
        Submission.objects.filter(
            assessment__assessed_unit__unit_id=document.unit_id,
            snapshot__contains=document.sha256,
        )
        .order_by("assessment__assessed_unit__campaign__year", "assessment_id", "number")
        .values_list(
            "assessment_id",
            "assessment__assessed_unit__campaign__name",
            "assessment__assessed_unit__campaign__year",
            "number",
        )
    )
    return [Citation(*row) for row in rows]


def citations_text(citations: list[Citation]) -> str:
    """ "bản gửi số 1, 2", naming the campaigns when more than one assessment is cited."""
    by_assessment: dict[int, list[Citation]] = defaultdict(list)
    for citation in citations:
        by_assessment[citation.assessment_id].append(citation)
    parts = []
    for found in by_assessment.values():
        numbers = ", ".join(str(c.number) for c in found)
        if len(by_assessment) == 1:
            parts.append(f"bản gửi số {numbers}")
        else:
            parts.append(f"bản gửi số {numbers} của {found[0].campaign}")
    return "; ".join(parts)


DETAILS = "số, ký hiệu, ngày ban hành, cơ quan ban hành, trích yếu"


def document_locked_reason(
    document: EvidenceDocument, *, assessments: Iterable[Assessment] | None = None
) -> str | None:
    """Why the document's details (number and symbol, date, issuer, title) may no longer
    change, or None while they may: a submission's snapshot cites it (even one withdrawn or
    returned since: that snapshot stays the proof), or an assessment it is attached to is not
    editable now (submitted). ``assessments``: those linking the document, when the caller
    has already loaded (and locked) them."""
    citations = citing_submissions(document)
    if citations:
        return (
            f"Tài liệu «{document.label}» đã có trong hồ sơ đã gửi ({citations_text(citations)}):"
            f" không sửa {DETAILS} được nữa. Nếu thông tin ghi sai, hãy nêu thông tin đúng trong"
            " phần giải trình của tiêu chí; nếu cần dùng tệp khác, hãy tải tệp đó lên và gắn"
            " thay."
        )
    if assessments is None:
        assessments = Assessment.objects.filter(
            pk__in=EvidenceLink.objects.filter(document=document).values("assessment_id")
        ).select_related("assessed_unit__campaign")
    for assessment in assessments:
        status = Status(assessment.status)
        if status not in EDITABLE:
            return (
                f"Tài liệu «{document.label}» đang được gắn ở hồ sơ tự đánh giá "
                f"{assessment.assessed_unit.campaign.name} đang ở trạng thái "
                f"“{STATUS_LABELS[status]}”: không sửa {DETAILS} được nữa."
            )
    return None


def linked_documents(assessment: Assessment) -> dict[str, list[EvidenceDocument]]:
    found: dict[str, list[EvidenceDocument]] = defaultdict(list)
    for link in _links(assessment):
        found[link.node_code].append(link.document)
    return dict(found)


def justified_codes(assessment: Assessment) -> set[str]:
    return {
        code
        for code, text in Entry.objects.filter(assessment=assessment, stage=Stage.SELF)
        .exclude(justification="")
        .values_list("node_code", "justification")
        if text.strip()
    }


# --- Completeness ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    needed: int = 0  # leaves that need evidence (required or optional)
    covered: int = 0  # of those, with a document or a justification
    required: int = 0
    required_missing: int = 0  # required leaves with neither (these block submission)

    @property
    def percent(self) -> int:
        """Rounded down, so 100% means every one is covered."""
        if self.needed == 0:
            return 100
        return self.covered * 100 // self.needed

    def __add__(self, other: Share) -> Share:
        return Share(
            self.needed + other.needed,
            self.covered + other.covered,
            self.required + other.required,
            self.required_missing + other.required_missing,
        )


@dataclass(frozen=True)
class NodeState:
    node: EvidenceNode
    documents: int
    justified: bool

    @property
    def status(self) -> str:
        """document / justification / missing / not_needed."""
        if not self.node.needs_evidence:
            return "not_needed"
        if self.documents:
            return "document"
        if self.justified:
            return "justification"
        return "missing"

    @property
    def status_label(self) -> str:
        return {
            "document": f"Có {self.documents} tài liệu",
            "justification": "Có giải trình (chưa có tài liệu)",
            "missing": "Thiếu tài liệu" if self.node.is_required else "Chưa có tài liệu",
            "not_needed": self.node.excluded or "Không yêu cầu",
        }[self.status]


@dataclass(frozen=True)
class FieldCompleteness:
    code: str
    name: str
    share: Share
    nodes: list[NodeState]

    @property
    def missing(self) -> list[str]:
        return [s.node.code for s in self.nodes if s.status == "missing"]


@dataclass
class Completeness:
    overall: Share
    fields: list[FieldCompleteness]
    nodes: dict[str, NodeState] = field(default_factory=dict)

    @property
    def percent(self) -> int:
        return self.overall.percent


def _share(states: list[NodeState]) -> Share:
    needed = [s for s in states if s.node.needs_evidence]
    required = [s for s in needed if s.node.is_required]
    return Share(
        needed=len(needed),
        covered=sum(1 for s in needed if s.status != "missing"),
        required=len(required),
        required_missing=sum(1 for s in required if s.status == "missing"),
    )


def completeness(*, assessment: Assessment, nodes: AssessmentNodes | None = None) -> Completeness:
    """Per field (top-level node) and overall: leaves needing evidence that have a document
    or a justification. Leaves that need none are listed with their reason but not counted."""
    nodes = nodes or assessment_nodes(assessment)
    counts = dict(
        EvidenceLink.objects.filter(assessment=assessment)
        .values_list("node_code")
        .annotate(n=Count("id"))
        .values_list("node_code", "n")
    )
    justified = justified_codes(assessment)
    states = {
        leaf.code: NodeState(leaf, counts.get(leaf.code, 0), leaf.code in justified)
        for leaf in nodes.leaves
    }
    by_field: dict[str, list[NodeState]] = defaultdict(list)
    for leaf in nodes.leaves:
        by_field[leaf.field_code].append(states[leaf.code])
    fields = [
        FieldCompleteness(code, name, _share(by_field[code]), by_field[code])
        for code, name in nodes.fields
        if by_field.get(code)
    ]
    overall = Share()
    for item in fields:
        overall = overall + item.share
    return Completeness(overall=overall, fields=fields, nodes=states)


# --- The library -------------------------------------------------------------------------------


def library_documents(
    *,
    documents: QuerySet[EvidenceDocument],
    query: str = "",
    year: int | None = None,
    kind: str = "",
    used: str = "",
) -> QuerySet[EvidenceDocument]:
    """Filter a library: words without diacritics, year, file type, used or not."""
    qs = documents
    if query.strip():
        qs = qs.search(query)
    if year:
        qs = qs.of_year(year)
    if kind in DocumentKind.values:
        qs = qs.filter(kind=kind)
    in_use = EvidenceLink.objects.filter(document=OuterRef("pk"))
    if used == "yes":
        qs = qs.filter(Exists(in_use))
    elif used == "no":
        qs = qs.filter(~Exists(in_use))
    return qs.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def library_years(documents: QuerySet[EvidenceDocument]) -> list[int]:
    years = {d.year for d in documents.only("issued_on", "uploaded_at")}
    return sorted(years, reverse=True)


@dataclass(frozen=True)
class Usage:
    assessment_id: int
    campaign: str
    year: int
    unit: str
    codes: tuple[str, ...]


def usages(document_ids: list[int]) -> dict[int, list[Usage]]:
    """Where each document is attached: per assessment, the criterion codes (one query)."""
    rows = (
        EvidenceLink.objects.filter(document_id__in=document_ids)
        .select_related("assessment__assessed_unit__campaign", "assessment__assessed_unit__unit")
        .order_by("document_id", "assessment_id")
    )
    grouped: dict[tuple[int, int], list[EvidenceLink]] = defaultdict(list)
    for link in rows:
        grouped[(link.document_id, link.assessment_id)].append(link)
    out: dict[int, list[Usage]] = defaultdict(list)
    for (document_id, assessment_id), links in grouped.items():
        au = links[0].assessment.assessed_unit
        codes = tuple(sorted({link.node_code for link in links}, key=code_key))
        out[document_id].append(
            Usage(assessment_id, au.campaign.name, au.campaign.year, au.unit.name, codes)
        )
    for items in out.values():
        items.sort(key=lambda u: (-u.year, u.campaign))
    return dict(out)


def attachable_documents(
    *, assessment: Assessment, node_code: str, query: str = "", limit: int = 20
) -> list[EvidenceDocument]:
    """The unit's documents not yet attached to this criterion, best matches first."""
    qs = EvidenceDocument.objects.filter(unit_id=assessment.assessed_unit.unit_id).exclude(
        links__assessment=assessment, links__node_code=node_code
    )
    if query.strip():
        qs = qs.search(query)
    return list(qs.order_by("-uploaded_at", "-id")[:limit])


def unattached_in_period(
    assessment: Assessment, start: Any, end: Any
) -> QuerySet[EvidenceDocument]:
    """The unit's documents of the campaign's period attached to no criterion of this
    assessment: issued within the period, or undated and uploaded since it began."""
    unit_id = assessment.assessed_unit.unit_id
    in_period = Q(issued_on__gte=start, issued_on__lte=end) | Q(
        issued_on__isnull=True, uploaded_at__date__gte=start
    )
    return (
        EvidenceDocument.objects.filter(unit_id=unit_id)
        .filter(in_period)
        .exclude(links__assessment=assessment)
        .order_by("uploaded_at", "id")
    )
