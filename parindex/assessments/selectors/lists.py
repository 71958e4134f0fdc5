"""Lists: "my criteria", the organiser's progress board and the audit trail (each a fixed
number of queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from parindex.campaigns.models import AssessedUnit, Campaign, Phase, PhaseException
from parindex.core.models import AuditEntry
from parindex.frameworks.selectors import get_engine_framework

from ..context import with_related
from ..models import Assessment, Assignment, Entry, Stage
from ..permissions import (
    assessments_visible_to,
)
from ..workflow import STATUS_LABELS, Status

# --- "My criteria" ---------------------------------------------------------------------------


@dataclass
class MyAssignment:
    assignment: Assignment
    name: str
    leaves: int
    done: int
    deadline: date | None

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.leaves) if self.leaves else 100


def my_assignments(user: Any) -> list[MyAssignment]:
    """The criteria given to ``user`` in assessments still under way, with progress."""
    rows = list(
        Assignment.objects.filter(assignee=user, assessment__in=assessments_visible_to(user))
        .exclude(assessment__assessed_unit__campaign__status="closed")
        .select_related(
            "assessment__assessed_unit__campaign",
            "assessment__assessed_unit__unit",
            "assessment__assessed_unit__framework",
        )
        .order_by("assessment_id", "node_code")
    )
    if not rows:
        return []
    ids = {r.assessment_id for r in rows}
    complete: dict[int, set[str]] = {i: set() for i in ids}
    for aid, code, points, na in Entry.objects.filter(
        assessment_id__in=ids, stage=Stage.SELF
    ).values_list("assessment_id", "node_code", "points", "not_applicable_reason"):
        if points is not None or na:
            complete[aid].add(code)
    deadlines = _self_deadlines({r.assessment.assessed_unit for r in rows})
    out: list[MyAssignment] = []
    for a in rows:
        framework = get_engine_framework(a.assessment.assessed_unit.framework)
        node = framework.by_code.get(a.node_code)
        if node is None:
            continue
        leaves = [n for n in node.walk() if n.is_leaf and n.source.value == "self"]
        done = sum(1 for n in leaves if n.code in complete[a.assessment_id])
        au = a.assessment.assessed_unit
        out.append(
            MyAssignment(
                assignment=a,
                name=node.name,
                leaves=len(leaves),
                done=done,
                deadline=a.due_on or deadlines.get(au.pk),
            )
        )
    return out


def _self_deadlines(assessed: set[Any]) -> dict[int, date | None]:
    """Each assessed unit's self-assessment deadline (its exception included)."""
    campaigns = {au.campaign_id for au in assessed}
    phases = {
        p.campaign_id: p
        for p in Phase.objects.filter(campaign_id__in=campaigns, kind="self_assessment")
    }
    extended = {
        (e.phase_id, e.unit_id): e.until
        for e in PhaseException.objects.filter(phase__in=list(phases.values()), is_active=True)
    }
    out: dict[int, date | None] = {}
    for au in assessed:
        phase = phases.get(au.campaign_id)
        if phase is None:
            out[au.pk] = None
            continue
        until = extended.get((phase.pk, au.unit_id))
        out[au.pk] = (
            max(d for d in (phase.deadline, until) if d) if (phase.deadline or until) else None
        )
    return out


# --- The organiser's progress board ----------------------------------------------------------


@dataclass
class BoardRow:
    assessed: AssessedUnit
    assessment: Assessment | None

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else "not_started"

    @property
    def status_label(self) -> str:
        if self.assessment is None:
            return "Chưa bắt đầu"
        return STATUS_LABELS[Status(self.assessment.status)]

    @property
    def completeness(self) -> Decimal:
        return self.assessment.completeness if self.assessment else Decimal(0)

    @property
    def claimed_total(self) -> Decimal | None:
        return self.assessment.claimed_total if self.assessment else None

    @property
    def claimed_max(self) -> Decimal | None:
        return self.assessment.claimed_max if self.assessment else None

    @property
    def claimed_index(self) -> Decimal | None:
        return self.assessment.claimed_index if self.assessment else None

    @property
    def submitted_at(self) -> Any:
        return self.assessment.submitted_at if self.assessment else None


STATUS_ORDER = {
    "not_started": 0,
    "draft": 1,
    "ready": 2,
    "returned": 3,
    "withdrawn": 4,
    "submitted": 5,
}
SORTS: dict[str, Any] = {
    "don-vi": lambda r: r.assessed.unit.name_folded,
    "nhom": lambda r: (r.assessed.group.position, r.assessed.group.name),
    "trang-thai": lambda r: STATUS_ORDER.get(r.status, 0),
    "hoan-thanh": lambda r: r.completeness,
    "diem": lambda r: r.claimed_total if r.claimed_total is not None else Decimal(-1),
    "gui-luc": lambda r: r.submitted_at.timestamp() if r.submitted_at else 0,
}


def progress_board(
    campaign: Campaign, *, group: str = "", sort: str = "don-vi", status: str = ""
) -> list[BoardRow]:
    """Every assessed unit of the campaign with its assessment (two queries)."""
    qs = AssessedUnit.objects.filter(campaign=campaign).select_related("unit", "group")
    if group:
        qs = qs.filter(group__code=group)
    members = list(qs)
    assessments = {
        a.assessed_unit_id: a
        for a in Assessment.objects.filter(assessed_unit__in=[m.pk for m in members])
    }
    rows = [BoardRow(assessed=m, assessment=assessments.get(m.pk)) for m in members]
    if status:
        rows = [r for r in rows if r.status == status]
    key = sort.lstrip("-")
    rows.sort(key=SORTS.get(key, SORTS["don-vi"]), reverse=sort.startswith("-"))
    return rows


def board_counts(rows: list[BoardRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    return counts


# --- Audit trail -----------------------------------------------------------------------------


def audit_entries(assessment: Assessment) -> QuerySet[AuditEntry]:
    """Changes of the assessment (status, assignment) and of its entries, newest first."""
    entry_ids = (
        Entry.objects.filter(assessment=assessment)
        .annotate(text_id=Cast("pk", CharField()))
        .values("text_id")
    )
    return (
        AuditEntry.objects.filter(
            Q(object_type="assessments.assessment", object_id=str(assessment.pk))
            | Q(object_type="assessments.entry", object_id__in=entry_ids)
        )
        .select_related("actor")
        .order_by("-updated_at", "-id")
    )


def visible_assessment(user: Any, pk: int) -> Assessment | None:
    return with_related(assessments_visible_to(user)).filter(pk=pk).first()
