"""Assessed units: the explicit list of units a campaign assesses, each with its ranking
group and the criteria-set version that applies (checked against the unit's kind, frozen once
the campaign is open)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction

from parindex.core.actions import actor_or_none, copy_back, lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.services import framework_freeze
from parindex.units.kinds import UnitKind
from parindex.units.models import Unit

from .. import rules
from ..audit_actions import UNIT_ADD, UNIT_REMOVE, UNIT_UPDATE
from ..models import AssessedUnit, Campaign, RankingGroup
from ..permissions import ensure_can_manage_campaign
from ._base import (
    RELOAD,
    ensure_not_closed,
    ensure_preparing,
    manages_campaign_of,
)


def _kind_label(kind: str) -> str:
    try:
        return str(UnitKind(kind).label)
    except ValueError:
        return kind


def unit_problems(
    campaign: Campaign,
    unit: Unit,
    framework: FrameworkVersion,
    *,
    adding: bool = True,
    already: Iterable[int] = (),
) -> list[str]:
    """Why ``unit`` cannot be assessed in ``campaign`` with ``framework`` (empty: it can)."""
    problems: list[str] = []
    who = f"{unit.name} ({unit.code})"
    in_registry = unit.pk == campaign.organiser_id or unit.organiser_id == campaign.organiser_id
    if not in_registry:
        problems.append(f"{who} không thuộc danh sách đơn vị của {campaign.organiser.name}.")
    last_day = campaign.last_day
    if not unit.is_valid_on(last_day):
        window = ""
        if unit.valid_to is not None and unit.valid_to < last_day:
            window = f" (hiệu lực đến {rules.fmt_date(unit.valid_to)})"
        elif unit.valid_from is not None:
            window = f" (hiệu lực từ {rules.fmt_date(unit.valid_from)})"
        problems.append(
            f"{who} không còn hiệu lực vào ngày {rules.fmt_date(last_day)}, cuối kỳ đánh giá "
            f"năm {campaign.year}{window}."
        )
    kinds = [str(k) for k in (framework.applies_to or [])]
    if unit.kind not in kinds:
        covered = "; ".join(_kind_label(k) for k in kinds) or "chưa ghi loại đơn vị nào"
        problems.append(
            f"{who} là đơn vị loại “{_kind_label(unit.kind)}”, nhưng bộ tiêu chí “{framework}” "
            f"chỉ áp dụng cho: {covered}."
        )
    if not framework.is_frozen and framework.organiser_id != campaign.organiser_id:
        problems.append(
            f"Bộ tiêu chí “{framework}” là dự thảo của {framework.organiser.name}; chỉ dùng được "
            "bộ tiêu chí của cơ quan khác khi đã khóa."
        )
    if adding and unit.pk in set(already):
        problems.append(f"{who} đã có trong đợt đánh giá.")
    return problems


def _check_group(campaign: Campaign, group: RankingGroup) -> None:
    if group.campaign_id != campaign.pk:
        raise ServiceError(f"Nhóm “{group.name}” không thuộc đợt đánh giá này.")


def assessed_units_add_bulk(
    *,
    campaign: Campaign,
    units: Sequence[Unit],
    group: RankingGroup,
    framework: FrameworkVersion,
    actor: Any,
) -> list[AssessedUnit]:
    """Add many units to one group with one set: all or nothing (one transaction, each unit
    audited); the error names each unit."""
    with transaction.atomic():
        current = lock(Campaign, campaign.pk, actor=actor, check=ensure_can_manage_campaign)
        if not units:
            raise ServiceError("Chưa chọn đơn vị nào.")
        ensure_not_closed(current)
        _check_group(current, group)
        already = set(
            AssessedUnit.objects.filter(campaign=current).values_list("unit_id", flat=True)
        )
        problems: list[str] = []
        seen: set[int] = set()
        for unit in units:
            problems.extend(unit_problems(current, unit, framework, already=already | seen))
            seen.add(unit.pk)
        if problems:
            raise ServiceError(problems)
        if current.is_open:
            # After opening, every set in use is frozen: freeze this one now.
            framework = framework_freeze(
                version=framework, actor=actor, reason=f"Dùng trong đợt {current.name}"
            )
        actor_obj = actor_or_none(actor)
        try:
            created = [
                AssessedUnit.objects.create(
                    campaign=current,
                    unit=unit,
                    group=group,
                    framework=framework,
                    added_by=actor_obj,
                )
                for unit in units
            ]
        except IntegrityError as exc:  # added meanwhile by someone else
            raise ServiceError("Một số đơn vị vừa được thêm vào đợt; vui lòng tải lại.") from exc
        for member, unit in zip(created, units, strict=True):
            audit_record(
                actor=actor,
                action=UNIT_ADD,
                obj=member,
                changes={
                    "unit": [None, unit.code],
                    "group": [None, group.code],
                    "framework": [None, str(framework)],
                },
                scope_unit_id=current.organiser_id,
            )
    return created


def assessed_unit_add(
    *,
    campaign: Campaign,
    unit: Unit,
    group: RankingGroup,
    framework: FrameworkVersion,
    actor: Any,
) -> AssessedUnit:
    """Add one unit with its ranking group and criteria set (checked against its kind)."""
    return assessed_units_add_bulk(
        campaign=campaign, units=[unit], group=group, framework=framework, actor=actor
    )[0]


def _lock_member(assessed: AssessedUnit, actor: Any, expected_revision: int | None) -> AssessedUnit:
    return lock(
        AssessedUnit.objects.select_related("campaign"),
        assessed.pk,
        actor=actor,
        check=manages_campaign_of,
        expected_revision=expected_revision,
        conflict_message=(
            f"{assessed.unit.name} vừa được người khác đổi nhóm hoặc bộ tiêu chí; {RELOAD}"
        ),
        missing_message=f"{assessed.unit.name} không còn trong đợt; vui lòng tải lại trang.",
    )


def assessed_unit_update(
    *,
    assessed: AssessedUnit,
    actor: Any,
    expected_revision: int,
    group: RankingGroup,
    framework: FrameworkVersion,
) -> AssessedUnit:
    """Move a unit to another group (until the campaign ends) or set (only before opening)."""
    with transaction.atomic():
        current = _lock_member(assessed, actor, expected_revision)
        campaign = current.campaign
        ensure_not_closed(campaign)
        _check_group(campaign, group)
        fields: dict[str, Any] = {"group": group}
        if framework.pk != current.framework_id:
            ensure_preparing(campaign, "đổi bộ tiêu chí của đơn vị")
            problems = unit_problems(campaign, current.unit, framework, adding=False)
            if problems:
                raise ServiceError(problems)
            fields["framework"] = framework
        changes = {
            name: [str(getattr(current, name)), str(value)]
            for name, value in fields.items()
            if getattr(current, f"{name}_id") != value.pk
        }
        save_versioned(current, fields)
        audit_record(
            actor=actor,
            action=UNIT_UPDATE,
            obj=current,
            changes=changes,
            scope_unit_id=campaign.organiser_id,
        )
    copy_back(assessed, current)
    return assessed


def assessed_unit_remove(
    *, assessed: AssessedUnit, actor: Any, expected_revision: int | None = None
) -> None:
    with transaction.atomic():
        current = _lock_member(assessed, actor, expected_revision)
        ensure_preparing(current.campaign, "bỏ đơn vị khỏi đợt")
        audit_record(
            actor=actor,
            action=UNIT_REMOVE,
            obj=current,
            changes={"unit": [current.unit.code, None]},
            scope_unit_id=current.campaign.organiser_id,
        )
        current.delete()


__all__ = [
    "assessed_unit_add",
    "assessed_unit_remove",
    "assessed_unit_update",
    "assessed_units_add_bulk",
    "unit_problems",
]
