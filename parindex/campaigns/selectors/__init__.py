"""Reads. ``phase_rules_for`` is what later steps ask ("may this unit still submit?"); the
rest feeds the campaign pages and dashboards with a fixed number of queries."""

from __future__ import annotations

from .dashboards import (
    PhaseRow,
    PlanSummary,
    campaign_dashboard,
    campaign_list,
    framework_usage,
    groups_with_members,
    na_declarations,
    percent,
    phase_rows,
    plan_summary,
    plan_tasks,
)
from .phase_rules import BINDING_PHASES, PhaseRules, ordered_phases, phase_rules_for, window_of
from .unit_side import UnitPhase, nearest_deadline, next_steps, unit_dashboard

__all__ = [
    "BINDING_PHASES",
    "PhaseRow",
    "PhaseRules",
    "PlanSummary",
    "UnitPhase",
    "campaign_dashboard",
    "campaign_list",
    "framework_usage",
    "groups_with_members",
    "na_declarations",
    "nearest_deadline",
    "next_steps",
    "ordered_phases",
    "percent",
    "phase_rows",
    "phase_rules_for",
    "plan_summary",
    "plan_tasks",
    "unit_dashboard",
    "window_of",
]
