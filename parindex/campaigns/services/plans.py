"""Plan task tables: the campaign's own plan (the organiser) and each assessed unit's internal
plan (its head or focal officer). A task has its time as written ("Tháng 10/2025"), an optional
due date and phase, lead and co-operating units or free text, and a status.

Every write locks the campaign row (directly, or through the task), so the writes to one plan
are serialised: renumbering a plan is one transaction over all its rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from parindex.core.actions import changes_of, copy_back, lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.units.models import Unit

from ..audit_actions import TASK_CREATE, TASK_DELETE, TASK_REORDER, TASK_STATUS, TASK_UPDATE
from ..models import AssessedUnit, Campaign, PhaseKind, PlanTask, TaskStatus
from ._base import (
    RELOAD,
    clean_text,
    edits_task,
    ensure_can_edit_plan,
    ensure_not_closed,
    required_text,
)


def allowed_plan_units(campaign: Campaign, owner_unit: Unit | None) -> Q:
    """Units that may lead or co-operate: for the campaign plan, the organiser and its
    registry; for a unit's plan, the unit itself and its sub-units."""
    if owner_unit is None:
        return Q(pk=campaign.organiser_id) | Q(organiser_id=campaign.organiser_id)
    return Q(pk=owner_unit.pk) | Q(parent_id=owner_unit.pk)


def _check_units(campaign: Campaign, owner_unit: Unit | None, units: Sequence[Unit]) -> None:
    if not units:
        return
    ids = {u.pk for u in units}
    allowed = set(
        Unit.objects.filter(pk__in=ids)
        .filter(allowed_plan_units(campaign, owner_unit))
        .values_list("pk", flat=True)
    )
    outside = [u.name for u in units if u.pk not in allowed]
    if outside:
        raise ServiceError(
            "Không chọn được làm cơ quan chủ trì/phối hợp: " + "; ".join(outside) + "."
        )


def _check_phase(phase: str) -> str:
    if phase and phase not in PhaseKind.values:
        raise ServiceError(f"Giai đoạn “{phase}” không hợp lệ.")
    return phase


def _check_owner(campaign: Campaign, owner_unit: Unit | None) -> None:
    if (
        owner_unit is not None
        and not AssessedUnit.objects.filter(campaign=campaign, unit=owner_unit).exists()
    ):
        raise ServiceError(f"{owner_unit.name} không thuộc danh sách được đánh giá của đợt này.")


def _scope(campaign: Campaign, owner_unit: Unit | None) -> int:
    return owner_unit.pk if owner_unit is not None else campaign.organiser_id


def _lock_plan(campaign: Campaign, actor: Any, owner_unit: Unit | None) -> Campaign:
    """The campaign, locked, when ``actor`` may edit that plan and the campaign is not over."""
    current = lock(
        Campaign,
        campaign.pk,
        actor=actor,
        check=lambda who, row: ensure_can_edit_plan(who, row, owner_unit),
    )
    ensure_not_closed(current)
    return current


def task_create(
    *,
    campaign: Campaign,
    actor: Any,
    title: str,
    owner_unit: Unit | None = None,
    time_text: str = "",
    due_on: date | None = None,
    phase: str = "",
    lead_units: Sequence[Unit] = (),
    lead_text: str = "",
    co_units: Sequence[Unit] = (),
    co_text: str = "",
    notes: str = "",
) -> PlanTask:
    with transaction.atomic():
        current = _lock_plan(campaign, actor, owner_unit)
        _check_owner(current, owner_unit)
        _check_units(current, owner_unit, [*lead_units, *co_units])
        last = PlanTask.objects.filter(campaign=current, owner_unit=owner_unit).aggregate(
            m=Max("position")
        )["m"]
        task = PlanTask.objects.create(
            campaign=current,
            owner_unit=owner_unit,
            position=(last or 0) + 1,
            title=required_text(title, "nội dung nhiệm vụ"),
            time_text=clean_text(time_text),
            due_on=due_on,
            phase=_check_phase(phase),
            lead_text=clean_text(lead_text),
            co_text=clean_text(co_text),
            notes=clean_text(notes),
        )
        task.lead_units.set(lead_units)
        task.co_units.set(co_units)
        audit_record(
            actor=actor,
            action=TASK_CREATE,
            obj=task,
            changes={"title": [None, task.title], "due_on": [None, due_on]},
            scope_unit_id=_scope(current, owner_unit),
        )
    return task


def _lock_task(task: PlanTask, actor: Any, expected_revision: int | None) -> PlanTask:
    """The task and its campaign, locked; who may edit that plan, on the stored rows."""
    return lock(
        PlanTask.objects.select_related("campaign"),
        task.pk,
        actor=actor,
        check=edits_task,
        expected_revision=expected_revision,
        conflict_message=f"Nhiệm vụ “{task.title[:80]}” vừa được người khác sửa; {RELOAD}",
        missing_message=f"Nhiệm vụ “{task.title[:80]}” không còn; vui lòng tải lại trang.",
    )


def task_update(
    *,
    task: PlanTask,
    actor: Any,
    expected_revision: int,
    title: str,
    time_text: str,
    due_on: date | None,
    phase: str,
    lead_units: Sequence[Unit],
    lead_text: str,
    co_units: Sequence[Unit],
    co_text: str,
    notes: str,
) -> PlanTask:
    with transaction.atomic():
        current = _lock_task(task, actor, expected_revision)
        campaign = current.campaign
        owner_unit = current.owner_unit
        ensure_not_closed(campaign)
        _check_units(campaign, owner_unit, [*lead_units, *co_units])
        fields: dict[str, Any] = {
            "title": required_text(title, "nội dung nhiệm vụ"),
            "time_text": clean_text(time_text),
            "due_on": due_on,
            "phase": _check_phase(phase),
            "lead_text": clean_text(lead_text),
            "co_text": clean_text(co_text),
            "notes": clean_text(notes),
        }
        changes: dict[str, Any] = changes_of(current, fields)
        old_lead = sorted(current.lead_units.values_list("code", flat=True))
        old_co = sorted(current.co_units.values_list("code", flat=True))
        new_lead = sorted(u.code for u in lead_units)
        new_co = sorted(u.code for u in co_units)
        if old_lead != new_lead:
            changes["lead_units"] = [old_lead, new_lead]
        if old_co != new_co:
            changes["co_units"] = [old_co, new_co]
        save_versioned(current, fields)
        current.lead_units.set(lead_units)
        current.co_units.set(co_units)
        audit_record(
            actor=actor,
            action=TASK_UPDATE,
            obj=current,
            changes=changes,
            scope_unit_id=_scope(campaign, owner_unit),
        )
    copy_back(task, current)
    return task


def task_set_status(
    *,
    task: PlanTask,
    actor: Any,
    status: str,
    expected_revision: int | None = None,
    done_on: date | None = None,
) -> PlanTask:
    """Mark progress. Done records the day (today unless given); other statuses clear it."""
    with transaction.atomic():
        current = _lock_task(task, actor, expected_revision)
        if status not in TaskStatus.values:
            raise ServiceError(f"Tình trạng “{status}” không hợp lệ.")
        ensure_not_closed(current.campaign)
        finished_on = (done_on or timezone.localdate()) if status == TaskStatus.DONE else None
        fields: dict[str, Any] = {"status": status, "done_on": finished_on}
        changes = changes_of(current, fields)
        save_versioned(current, fields)
        audit_record(
            actor=actor,
            action=TASK_STATUS,
            obj=current,
            changes=changes,
            scope_unit_id=_scope(current.campaign, current.owner_unit),
        )
    copy_back(task, current)
    return task


def task_delete(*, task: PlanTask, actor: Any, expected_revision: int | None = None) -> None:
    with transaction.atomic():
        current = _lock_task(task, actor, expected_revision)
        ensure_not_closed(current.campaign)
        audit_record(
            actor=actor,
            action=TASK_DELETE,
            obj=current,
            changes={"title": [current.title, None]},
            scope_unit_id=_scope(current.campaign, current.owner_unit),
        )
        current.delete()


def _plan_name(campaign: Campaign, owner_unit: Unit | None) -> str:
    if owner_unit is None:
        return f"Kế hoạch của đợt “{campaign.name}”"
    return f"Kế hoạch của {owner_unit.name} — {campaign.name}"


def _renumber(
    campaign: Campaign, owner_unit: Unit | None, actor: Any, ordered_ids: Sequence[int]
) -> list[PlanTask]:
    """Inside the caller's transaction, with the campaign locked: give one plan's tasks the
    positions 1, 2, … in ``ordered_ids`` (which must list every task of that plan once)."""
    tasks = {t.pk: t for t in PlanTask.objects.filter(campaign=campaign, owner_unit=owner_unit)}
    if sorted(ordered_ids) != sorted(tasks) or len(set(ordered_ids)) != len(ordered_ids):
        raise ServiceError(
            "Danh sách nhiệm vụ đã thay đổi; vui lòng tải lại trang rồi sắp xếp lại."
        )
    before = [t.pk for t in sorted(tasks.values(), key=lambda t: (t.position, t.pk))]
    for position, pk in enumerate(ordered_ids, 1):
        if tasks[pk].position != position:
            PlanTask.objects.filter(pk=pk).update(position=position)
            tasks[pk].position = position
    audit_record(
        actor=actor,
        action=TASK_REORDER,
        obj=campaign,
        changes={"order": [before, list(ordered_ids)]},
        scope_unit_id=_scope(campaign, owner_unit),
        subject=_plan_name(campaign, owner_unit),
    )
    return [tasks[pk] for pk in ordered_ids]


def task_reorder(
    *, campaign: Campaign, actor: Any, ordered_ids: Sequence[int], owner_unit: Unit | None = None
) -> list[PlanTask]:
    """Renumber one plan: ``ordered_ids`` must list every task of that plan exactly once.
    All rows or none."""
    with transaction.atomic():
        current = _lock_plan(campaign, actor, owner_unit)
        return _renumber(current, owner_unit, actor, ordered_ids)


def task_move(*, task: PlanTask, actor: Any, direction: Literal["up", "down"]) -> list[PlanTask]:
    """Move one task a row up or down in its plan (the plan read and renumbered in the same
    transaction). At the top (bottom) already: nothing changes."""
    if direction not in ("up", "down"):
        raise ServiceError("Chỉ chuyển nhiệm vụ lên hoặc xuống.")
    with transaction.atomic():
        current = _lock_task(task, actor, None)
        campaign = current.campaign
        owner_unit = current.owner_unit
        ensure_not_closed(campaign)
        ids = list(
            PlanTask.objects.filter(campaign=campaign, owner_unit=owner_unit)
            .order_by("position", "id")
            .values_list("pk", flat=True)
        )
        index = ids.index(current.pk)
        target = index - 1 if direction == "up" else index + 1
        if not 0 <= target < len(ids):
            return []
        ids[index], ids[target] = ids[target], ids[index]
        return _renumber(campaign, owner_unit, actor, ids)
