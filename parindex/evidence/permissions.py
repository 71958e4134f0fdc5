"""Who may see, upload, edit and attach evidence documents. Every page, service and download
asks these; ``documents_visible_to`` is the one place where "which files may this person
open" becomes SQL.

* Admin: sees every document (no uploading: documents belong to a unit's people).
* The unit's own people (head, focal officer, officer): see their unit's library and upload
  to it. The head and the focal officer edit and delete any of its documents; an officer
  those they uploaded. Attaching a document to a criterion follows the assessment's rule for
  changing that criterion (``can_edit_entry``: officers only where assigned, only while the
  assessment is editable). An observer held in the unit only reads.
* The organiser side (organiser, chairman, council, observer held in an organising body):
  reads the documents of every unit assessed in that body's campaigns (the appraisers judge
  points by them); it never uploads or changes them.
* Everyone else, other units and other organisers included: nothing.

A role given for one campaign (``accounts.scope``): on the organiser side it reads the
libraries of the units assessed in that campaign only; in a unit it works with the unit's
library while that campaign is open.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from parindex.accounts.permissions import ensure, scope
from parindex.accounts.roles import Role
from parindex.assessments.models import Assessment
from parindex.assessments.permissions import can_edit_entry, can_view_assessment
from parindex.campaigns.models import AssessedUnit
from parindex.units.models import Unit

from .models import EvidenceDocument

UNIT_MEMBERS = frozenset({Role.HEAD, Role.FOCAL, Role.OFFICER})
UNIT_MANAGERS = frozenset({Role.HEAD, Role.FOCAL})


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def _assessed_in(campaign_id: int) -> Q:
    return Q(id__in=AssessedUnit.objects.filter(campaign_id=campaign_id).values("unit_id"))


def _unit_condition(user: Any, prefix: str = "") -> Q | None:
    """A condition on the unit id (``prefix`` + ``id``), or None for "every unit"."""
    found = scope(user)
    if found.admin:
        return None
    condition = Q(**{f"{prefix}id__in": list(found.working_units())})
    by_body = found.where(body="campaign__organiser_id", campaign="campaign_id", unit=None)
    assert by_body is not None
    assessed = AssessedUnit.objects.filter(by_body).values("unit_id")
    return condition | Q(**{f"{prefix}id__in": assessed})


def library_units(user: Any) -> QuerySet[Unit]:
    """The units whose evidence library ``user`` may open."""
    if not _active(user):
        return Unit.objects.none()
    condition = _unit_condition(user)
    return Unit.objects.all() if condition is None else Unit.objects.filter(condition)


def documents_visible_to(user: Any) -> QuerySet[EvidenceDocument]:
    qs = EvidenceDocument.objects.all()
    if not _active(user):
        return qs.none()
    condition = _unit_condition(user, prefix="unit__")
    return qs if condition is None else qs.filter(condition)


def can_upload_to(user: Any, unit: Unit) -> bool:
    """The unit's own people: lasting roles, or roles given for a campaign that is open."""
    return _active(user) and unit.pk in scope(user).working_units(UNIT_MEMBERS)


def can_edit_document(user: Any, document: EvidenceDocument) -> bool:
    """Change the number, date, issuer and title; delete an unused document. (Whether the
    document may still change — cited by a submission — the services decide.)"""
    if not _active(user):
        return False
    found = scope(user)
    if document.unit_id in found.working_units(UNIT_MANAGERS):
        return True
    return document.unit_id in found.working_units({Role.OFFICER}) and (
        document.uploaded_by_id == user.pk
    )


def can_attach(user: Any, assessment: Assessment, node_code: str) -> bool:
    """Attach or detach documents on ``node_code``: whoever may change that criterion now."""
    return _active(user) and can_edit_entry(user, assessment, node_code)


def can_view_evidence_of(user: Any, assessment: Assessment) -> bool:
    return _active(user) and can_view_assessment(user, assessment)


def ensure_can_upload_to(user: Any, unit: Unit) -> None:
    ensure(
        can_upload_to(user, unit),
        f"Chỉ cán bộ, công chức của {unit.name} được tải tài liệu lên thư viện của đơn vị.",
    )


def ensure_can_edit_document(user: Any, document: EvidenceDocument) -> None:
    ensure(
        can_edit_document(user, document),
        "Chỉ thủ trưởng, đầu mối của đơn vị hoặc người đã tải tài liệu lên được sửa tài liệu này.",
    )


def ensure_can_view_evidence_of(user: Any, assessment: Assessment) -> None:
    ensure(can_view_evidence_of(user, assessment), "Bạn không xem được hồ sơ tự đánh giá này.")
