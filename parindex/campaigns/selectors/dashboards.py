"""Reads for the organiser's side: the campaign list, the dashboard, plans, phases, units."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from parindex.units.models import Unit

from .. import rules
from ..models import (
    AssessedUnit,
    Campaign,
    NotApplicableDeclaration,
    Phase,
    PhaseException,
    PlanTask,
    RankingGroup,
    TaskStatus,
)
from .phase_rules import BINDING_PHASES, ordered_phases


def _task_counts(prefix: str = "") -> dict[str, Any]:
    """Counts of the campaign plan's tasks (not units' internal plans)."""
    today = timezone.localdate()
    own = Q(**{f"{prefix}owner_unit__isnull": True})
    unfinished = ~Q(**{f"{prefix}status__in": [TaskStatus.DONE, TaskStatus.CANCELLED]})
    return {
        "task_total": Count(
            "tasks", filter=own & ~Q(**{f"{prefix}status": TaskStatus.CANCELLED}), distinct=True
        ),
        "task_done": Count(
            "tasks", filter=own & Q(**{f"{prefix}status": TaskStatus.DONE}), distinct=True
        ),
        "task_overdue": Count(
            "tasks",
            filter=own & unfinished & Q(**{f"{prefix}due_on__lt": today}),
            distinct=True,
        ),
    }


def campaign_list(qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns with their organiser, unit count and plan progress (constant queries)."""
    return (
        qs.select_related("organiser")
        .annotate(
            unit_count=Count("assessed_units", distinct=True),
            **_task_counts("tasks__"),
        )
        .order_by("-year", "name")
    )


def percent(done: int, total: int) -> int:
    return round(100 * done / total) if total else 0


@dataclass
class PlanSummary:
    tasks: list[PlanTask]
    total: int
    done: int
    overdue: list[PlanTask]

    @property
    def percent_done(self) -> int:
        return percent(self.done, self.total)


def plan_tasks(campaign: Campaign, owner_unit: Unit | None = None) -> list[PlanTask]:
    return list(
        PlanTask.objects.filter(campaign=campaign, owner_unit=owner_unit)
        .prefetch_related(
            Prefetch("lead_units", queryset=Unit.objects.only("pk", "name", "code")),
            Prefetch("co_units", queryset=Unit.objects.only("pk", "name", "code")),
        )
        .order_by("position", "id")
    )


def plan_summary(
    campaign: Campaign, owner_unit: Unit | None = None, today: date | None = None
) -> PlanSummary:
    day = today or timezone.localdate()
    tasks = plan_tasks(campaign, owner_unit)
    for task in tasks:
        task.overdue = task.is_overdue_on(day)
    counted = [t for t in tasks if t.status != TaskStatus.CANCELLED]
    return PlanSummary(
        tasks=tasks,
        total=len(counted),
        done=sum(1 for t in counted if t.status == TaskStatus.DONE),
        overdue=[t for t in tasks if t.is_overdue_on(day)],
    )


@dataclass
class PhaseRow:
    phase: Phase
    days_left: int | None
    is_past: bool
    exceptions: list[PhaseException] = field(default_factory=list)
    can_extend: bool = False  # a unit may be given more time in this phase
    forms: dict[str, Any] = field(default_factory=dict)  # filled by the phases page
    # open / close / reopen, as ``services.phase_options`` answers (filled by the pages)
    options: list[Any] = field(default_factory=list)

    @property
    def overdue_days(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0


def phase_rows(
    campaign: Campaign, now: datetime | None = None, *, with_exceptions: bool = True
) -> list[PhaseRow]:
    moment = now or timezone.now()
    qs = Phase.objects.filter(campaign=campaign)
    if with_exceptions:
        qs = qs.prefetch_related(
            Prefetch(
                "exceptions",
                queryset=PhaseException.objects.filter(is_active=True)
                .select_related("unit")
                .order_by("unit__name_folded"),
                to_attr="active_exceptions",
            )
        )
    rows = []
    for phase in ordered_phases(qs):
        past = phase.deadline is not None and rules.is_past(phase.deadline, moment)
        rows.append(
            PhaseRow(
                phase=phase,
                days_left=rules.days_left(phase.deadline, moment),
                is_past=past,
                exceptions=list(getattr(phase, "active_exceptions", [])),
                can_extend=phase.kind in BINDING_PHASES,
            )
        )
    return rows


def groups_with_members(campaign: Campaign) -> list[RankingGroup]:
    return list(
        RankingGroup.objects.filter(campaign=campaign)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=AssessedUnit.objects.select_related("unit", "framework").order_by(
                    "unit__name_folded", "unit__code"
                ),
            )
        )
        .order_by("position", "name")
    )


def na_declarations(campaign: Campaign) -> list[NotApplicableDeclaration]:
    return list(
        NotApplicableDeclaration.objects.filter(campaign=campaign, is_active=True)
        .select_related("framework")
        .order_by("framework_id", "node_code")
    )


def framework_usage(campaign: Campaign) -> list[dict[str, Any]]:
    """Each criteria-set version used, with how many units it applies to."""
    rows = (
        AssessedUnit.objects.filter(campaign=campaign)
        .values("framework_id", "framework__name", "framework__number", "framework__status")
        .annotate(n=Count("id"))
        .order_by("framework__name")
    )
    return [
        {
            "id": r["framework_id"],
            "name": r["framework__name"],
            "number": r["framework__number"],
            "is_frozen": r["framework__status"] == "frozen",
            "units": r["n"],
        }
        for r in rows
    ]


def campaign_dashboard(campaign: Campaign, now: datetime | None = None) -> dict[str, Any]:
    """Everything the organiser's dashboard shows, in a fixed number of queries."""
    moment = now or timezone.now()
    groups = groups_with_members(campaign)
    plan = plan_summary(campaign, None, rules.local_date(moment))
    unit_total = sum(len(g.members.all()) for g in groups)
    return {
        "phases": phase_rows(campaign, moment),
        "groups": groups,
        "unit_total": unit_total,
        "frameworks": framework_usage(campaign),
        "na_declarations": na_declarations(campaign),
        "plan": plan,
    }
