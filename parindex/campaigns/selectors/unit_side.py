"""Reads for an assessed unit: its dashboard (deadlines with its own exceptions, next steps,
its internal plan and the campaign tasks it leads or joins)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from parindex.units.models import Unit

from .. import rules
from ..models import AssessedUnit, Campaign, Phase, PhaseException, PhaseState, PlanTask
from .dashboards import PlanSummary, plan_summary
from .phase_rules import BINDING_PHASES, PhaseRules, ordered_phases, window_of


@dataclass
class UnitPhase:
    phase: Phase
    deadline: date | None
    exception: PhaseException | None
    days_left: int | None
    answer: rules.Answer


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
        p.kind: window_of(p, exceptions[p.pk].until if p.pk in exceptions else None) for p in phases
    }
    phase_rules = PhaseRules(
        campaign=campaign, unit=unit, is_assessed=assessed is not None, windows=windows, now=moment
    )
    rows: list[UnitPhase] = []
    for p in phases:
        w = windows[p.kind]
        rule_binds = p.kind in BINDING_PHASES
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
