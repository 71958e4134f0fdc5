"""Reads: the phase rules one unit is under, and what the dashboards show.

``phase_rules_for(campaign=..., unit=...)`` is what later steps ask ("may this unit still
submit?"); it never compares dates itself but reads :mod:`.rules`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from parindex.units.models import Unit

from . import rules
from .models import (
    AssessedUnit,
    Campaign,
    CampaignStatus,
    NotApplicableDeclaration,
    Phase,
    PhaseException,
    PhaseState,
    PlanTask,
    RankingGroup,
    TaskStatus,
)

_PHASE_RANK = {kind: i for i, kind in enumerate(rules.PHASE_ORDER)}
_BINDING_PHASES = frozenset(r.phase for r in rules.RULES.values() if r.binds)


def ordered_phases(phases: Iterable[Phase]) -> list[Phase]:
    return sorted(phases, key=lambda p: _PHASE_RANK.get(p.kind, 99))


def _window(phase: Phase, exception_until: date | None = None) -> rules.PhaseWindow:
    return rules.PhaseWindow(
        kind=phase.kind,
        state=phase.state,
        deadline=phase.deadline,
        exception_until=exception_until,
        starts_on=phase.starts_on,
    )


@dataclass
class PhaseRules:
    """The rules for one unit in one campaign at one instant; every answer has a reason."""

    campaign: Campaign
    unit: Unit | None
    is_assessed: bool
    windows: dict[str, rules.PhaseWindow]
    now: datetime

    def _not_assessed(self) -> rules.Answer | None:
        if self.unit is not None and not self.is_assessed:
            return rules.Answer(
                False, f"{self.unit.name} không thuộc danh sách được đánh giá của đợt này."
            )
        return None

    def ask(self, action: rules.Action) -> rules.Answer:
        refused = self._not_assessed()
        if refused is not None:
            return refused
        return rules.decide(action, self.windows, self.now, campaign_state=self.campaign.status)

    def window(self, kind: str) -> rules.PhaseWindow | None:
        return self.windows.get(kind)

    def deadline(self, kind: str) -> date | None:
        """This unit's deadline for the phase (its exception if it has one)."""
        w = self.windows.get(kind)
        return w.effective_deadline if w else None

    def may_submit_self_assessment(self) -> rules.Answer:
        return self.ask(rules.Action.SUBMIT_SELF_ASSESSMENT)

    def may_edit_self_assessment(self) -> rules.Answer:
        return self.ask(rules.Action.EDIT_SELF_ASSESSMENT)

    def may_answer_survey(self) -> rules.Answer:
        return self.ask(rules.Action.ANSWER_SURVEY)

    def may_supply_survey_list(self) -> rules.Answer:
        return self.ask(rules.Action.SUPPLY_SURVEY_LIST)

    def may_appraise(self) -> rules.Answer:
        return self.ask(rules.Action.APPRAISE)

    def may_request_explanation(self) -> rules.Answer:
        return self.ask(rules.Action.REQUEST_EXPLANATION)

    def may_reply_explanation(self) -> rules.Answer:
        return self.ask(rules.Action.REPLY_EXPLANATION)

    def may_approve_results(self) -> rules.Answer:
        return self.ask(rules.Action.APPROVE_RESULTS)

    def may_publish_results(self) -> rules.Answer:
        return self.ask(rules.Action.PUBLISH_RESULTS)

    def may_withdraw(
        self, *, submitted_at: datetime | None, appraisal_started: bool
    ) -> rules.Answer:
        refused = self._not_assessed()
        if refused is not None:
            return refused
        return rules.may_withdraw(
            self.windows.get(rules.SELF_ASSESSMENT),
            submitted_at=submitted_at,
            appraisal_started=appraisal_started,
            now=self.now,
            campaign_state=self.campaign.status,
        )

    def may_resubmit_self_assessment(
        self, *, withdrawn_submission_at: datetime | None, appraisal_started: bool
    ) -> rules.Answer:
        refused = self._not_assessed()
        if refused is not None:
            return refused
        return rules.may_resubmit_self_assessment(
            self.windows.get(rules.SELF_ASSESSMENT),
            withdrawn_submission_at=withdrawn_submission_at,
            appraisal_started=appraisal_started,
            now=self.now,
            campaign_state=self.campaign.status,
        )


def phase_rules_for(
    *, campaign: Campaign, unit: Unit | None, now: datetime | None = None
) -> PhaseRules:
    """The rules ``unit`` is under (``None``: the organiser's own steps, no unit exception)."""
    moment = now or timezone.now()
    phases = list(Phase.objects.filter(campaign=campaign))
    exceptions: dict[int, date] = {}
    is_assessed = False
    if unit is not None:
        is_assessed = AssessedUnit.objects.filter(campaign=campaign, unit=unit).exists()
        exceptions = dict(
            PhaseException.objects.filter(
                phase__campaign=campaign, unit=unit, is_active=True
            ).values_list("phase_id", "until")
        )
    windows = {p.kind: _window(p, exceptions.get(p.pk)) for p in phases}
    return PhaseRules(
        campaign=campaign, unit=unit, is_assessed=is_assessed, windows=windows, now=moment
    )


# --- Lists and dashboards ----------------------------------------------------------------


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
        task.overdue = task.is_overdue_on(day)  # type: ignore[attr-defined]
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


# --- The unit's side ---------------------------------------------------------------------


@dataclass
class UnitPhase:
    phase: Phase
    deadline: date | None
    exception: PhaseException | None
    days_left: int | None
    answer: rules.Answer


def unit_campaigns(unit_ids: Iterable[int]) -> list[AssessedUnit]:
    """Assessed-unit rows of opened campaigns for the given units, newest first."""
    return list(
        AssessedUnit.objects.filter(
            unit_id__in=list(unit_ids),
            campaign__status__in=[CampaignStatus.OPEN, CampaignStatus.CLOSED],
        )
        .select_related("campaign", "unit", "group", "framework")
        .order_by("-campaign__year", "campaign__name", "unit__name_folded")
    )


_NEXT_STEP_TEXT = {
    rules.SELF_ASSESSMENT: "Hoàn thành tự đánh giá, chấm điểm, đính kèm tài liệu kiểm chứng "
    "và trình thủ trưởng phê duyệt, nộp",
    rules.SURVEYS: "Phối hợp điều tra xã hội học: gửi danh sách đối tượng khảo sát, đôn đốc "
    "trả lời phiếu",
    rules.EXPLANATION: "Gửi giải trình, bổ sung tài liệu kiểm chứng theo yêu cầu của "
    "Hội đồng thẩm định",
}


def unit_dashboard(campaign: Campaign, unit: Unit, now: datetime | None = None) -> dict[str, Any]:
    """A unit's view of one campaign: group, set, deadlines with its own exceptions, days
    left, next steps, its internal plan and the campaign-plan tasks it leads."""
    moment = now or timezone.now()
    today = rules.local_date(moment)
    assessed = (
        AssessedUnit.objects.filter(campaign=campaign, unit=unit)
        .select_related("group", "framework")
        .first()
    )
    phases = ordered_phases(Phase.objects.filter(campaign=campaign))
    exceptions = {
        e.phase_id: e
        for e in PhaseException.objects.filter(phase__campaign=campaign, unit=unit, is_active=True)
    }
    windows = {
        p.kind: _window(p, exceptions[p.pk].until if p.pk in exceptions else None) for p in phases
    }
    phase_rules = PhaseRules(
        campaign=campaign, unit=unit, is_assessed=assessed is not None, windows=windows, now=moment
    )
    rows: list[UnitPhase] = []
    for p in phases:
        w = windows[p.kind]
        rule_binds = p.kind in _BINDING_PHASES
        rows.append(
            UnitPhase(
                phase=p,
                deadline=w.effective_deadline,
                exception=exceptions.get(p.pk),
                days_left=rules.days_left(w.effective_deadline, moment),
                answer=rules.window_answer(
                    w, moment, binds=rule_binds, campaign_state=campaign.status
                ),
            )
        )
    own_plan = plan_summary(campaign, unit, today)
    led = [
        t
        for t in PlanTask.objects.filter(campaign=campaign, owner_unit__isnull=True)
        .filter(Q(lead_units=unit) | Q(co_units=unit))
        .distinct()
        .prefetch_related("lead_units", "co_units")
        .order_by("position", "id")
        if not t.is_finished
    ]
    return {
        "assessed": assessed,
        "phases": rows,
        "rules": phase_rules,
        "plan": own_plan,
        "campaign_tasks": led,
        "next_steps": next_steps(campaign, rows, own_plan, led, today),
        "nearest": nearest_deadline(rows),
    }


def nearest_deadline(rows: Iterable[UnitPhase]) -> UnitPhase | None:
    """The soonest deadline still ahead among the phases open to the unit."""
    ahead = [
        r
        for r in rows
        if r.phase.state == PhaseState.OPEN and r.deadline is not None and (r.days_left or 0) >= 0
    ]
    return min(ahead, key=lambda r: r.deadline or date.max) if ahead else None


def _due(task: PlanTask) -> str:
    return f" (hạn {rules.fmt_date(task.due_on)})" if task.due_on else ""


def next_steps(
    campaign: Campaign,
    rows: list[UnitPhase],
    own_plan: PlanSummary,
    led: list[PlanTask],
    today: date,
) -> list[str]:
    """What the unit should do next, most urgent first (Vietnamese sentences)."""
    steps: list[str] = []
    if campaign.is_closed:
        return ["Đợt đánh giá đã kết thúc."]
    by_kind = {r.phase.kind: r for r in rows}
    for kind in (rules.SELF_ASSESSMENT, rules.EXPLANATION, rules.SURVEYS):
        row = by_kind.get(kind)
        if row is None:
            continue
        if row.phase.state == PhaseState.OPEN:
            if row.answer.allowed and row.deadline is not None:
                left = row.days_left or 0
                when = "hôm nay" if left == 0 else f"còn {left} ngày"
                steps.append(
                    f"{_NEXT_STEP_TEXT[kind]} trước 23:59 ngày "
                    f"{rules.fmt_date(row.deadline)} ({when})."
                )
            elif row.answer.allowed:
                steps.append(f"{_NEXT_STEP_TEXT[kind]}.")
            else:
                steps.append(row.answer.reason)
        elif row.phase.state == PhaseState.NOT_OPENED and kind == rules.SELF_ASSESSMENT:
            planned = (
                f" (dự kiến mở ngày {rules.fmt_date(row.phase.starts_on)})"
                if row.phase.starts_on
                else ""
            )
            steps.append(
                f"Chuẩn bị số liệu và tài liệu kiểm chứng; giai đoạn tự đánh giá chưa mở{planned}."
            )
    appraisal = by_kind.get(rules.APPRAISAL)
    if appraisal is not None and appraisal.phase.state == PhaseState.OPEN:
        steps.append("Hội đồng đang thẩm định: theo dõi và trả lời yêu cầu giải trình (nếu có).")
    publication = by_kind.get(rules.PUBLICATION)
    if publication is not None and publication.phase.state != PhaseState.NOT_OPENED:
        steps.append("Xem kết quả được công bố và lập kế hoạch khắc phục tồn tại, hạn chế.")
    for task in own_plan.overdue[:3]:
        steps.append(f"Nhiệm vụ quá hạn trong kế hoạch của đơn vị: {task.title}{_due(task)}.")
    upcoming = [
        t
        for t in own_plan.tasks
        if not t.is_finished and t.due_on is not None and t.due_on >= today
    ]
    for task in sorted(upcoming, key=lambda t: t.due_on or date.max)[:3]:
        steps.append(f"Nhiệm vụ sắp đến hạn: {task.title}{_due(task)}.")
    for task in led[:3]:
        steps.append(f"Nhiệm vụ trong kế hoạch của đợt giao cho đơn vị: {task.title}{_due(task)}.")
    if not own_plan.tasks:
        steps.append("Lập kế hoạch nội bộ: phân công bộ phận, công chức phụ trách từng lĩnh vực.")
    return steps
