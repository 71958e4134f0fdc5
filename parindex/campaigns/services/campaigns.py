"""Campaigns, ranking groups and assessed units: one function per change."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.services import framework_freeze
from parindex.units.kinds import UnitKind
from parindex.units.models import Unit

from .. import rules
from ..models import (
    AssessedUnit,
    Campaign,
    CampaignStatus,
    Phase,
    PhaseState,
    RankingGroup,
)
from ..permissions import ensure_can_create_campaign, ensure_can_manage_campaign
from ._base import (
    changes_of,
    clean_text,
    ensure_not_closed,
    ensure_preparing,
    fresh,
    required_text,
    save_versioned,
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RESERVED_SLUGS = frozenset({"tao-moi"})  # path segments of the campaign pages


def _check_slug(slug: str, *, exclude_pk: int | None = None) -> str:
    slug = clean_text(slug).lower()
    if not _SLUG.match(slug) or len(slug) > 64:
        raise ServiceError(
            f"Mã đợt “{slug}” không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu gạch "
            "ngang, ví dụ cchc-2025."
        )
    if slug in _RESERVED_SLUGS:
        raise ServiceError(f"Mã đợt “{slug}” trùng với đường dẫn của hệ thống; chọn mã khác.")
    taken = Campaign.objects.filter(slug=slug)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ServiceError(f"Mã đợt “{slug}” đã được dùng cho một đợt khác.")
    return slug


def _check_year(year: int) -> int:
    if not 2000 <= int(year) <= 2100:
        raise ServiceError(f"Năm đánh giá {year} không hợp lệ.")
    return int(year)


def _check_period(period_start: date | None, period_end: date | None) -> None:
    if period_start and period_end and period_end < period_start:
        raise ServiceError("Ngày kết thúc kỳ đánh giá phải sau ngày bắt đầu.")


def campaign_create(
    *,
    actor: Any,
    organiser: Unit,
    year: int,
    slug: str,
    name: str,
    plan_reference: str = "",
    period_start: date | None = None,
    period_end: date | None = None,
) -> Campaign:
    """A new campaign in preparation, with its six phases (none opened, no dates yet)."""
    ensure_can_create_campaign(actor, organiser)
    if not organiser.is_organiser:
        raise ServiceError(f"{organiser.name} không phải cơ quan tổ chức đánh giá.")
    _check_period(period_start, period_end)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            organiser=organiser,
            year=_check_year(year),
            slug=_check_slug(slug),
            name=required_text(name, "tên đợt đánh giá"),
            plan_reference=clean_text(plan_reference),
            period_start=period_start,
            period_end=period_end,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        Phase.objects.bulk_create(
            [Phase(campaign=campaign, kind=kind) for kind in rules.PHASE_ORDER]
        )
        audit_record(
            actor=actor,
            action="campaign.create",
            obj=campaign,
            changes={"year": [None, campaign.year], "slug": [None, campaign.slug]},
            scope_unit_id=organiser.pk,
        )
    return campaign


def campaign_update(
    *,
    campaign: Campaign,
    actor: Any,
    expected_version: int,
    name: str,
    plan_reference: str,
    period_start: date | None,
    period_end: date | None,
    year: int | None = None,
    slug: str | None = None,
) -> Campaign:
    """Edit the campaign's description. Year and slug change only before opening."""
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        current = fresh(campaign)
        ensure_not_closed(current)
        fields: dict[str, Any] = {
            "name": required_text(name, "tên đợt đánh giá"),
            "plan_reference": clean_text(plan_reference),
            "period_start": period_start,
            "period_end": period_end,
        }
        _check_period(period_start, period_end)
        new_year = current.year if year is None else _check_year(year)
        new_slug = current.slug if slug is None else clean_text(slug).lower()
        if new_year != current.year or new_slug != current.slug:
            ensure_preparing(current, "đổi năm hoặc mã đợt")
            fields["year"] = new_year
            fields["slug"] = _check_slug(new_slug, exclude_pk=current.pk)
        changes = changes_of(campaign, fields)
        save_versioned(campaign, expected_version, fields)
        audit_record(
            actor=actor,
            action="campaign.update",
            obj=campaign,
            changes=changes,
            scope_unit_id=campaign.organiser_id,
        )
    return campaign


def campaign_open(*, campaign: Campaign, actor: Any) -> Campaign:
    """Open the campaign: it needs at least one unit; every criteria-set version used is frozen."""
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        current = fresh(campaign)
        if not current.is_preparing:
            raise ServiceError("Đợt đánh giá đã được mở trước đó.")
        members = list(
            AssessedUnit.objects.filter(campaign=current).select_related("unit", "framework")
        )
        if not members:
            raise ServiceError("Cần có ít nhất một đơn vị được đánh giá trước khi mở đợt.")
        problems: list[str] = []
        for member in members:
            problems.extend(unit_problems(current, member.unit, member.framework, adding=False))
        if problems:
            raise ServiceError(problems)
        now = timezone.now()
        updated = Campaign.objects.filter(pk=current.pk, status=CampaignStatus.PREPARING).update(
            status=CampaignStatus.OPEN, opened_at=now, updated_at=now, version=current.version + 1
        )
        if not updated:
            raise ServiceError("Đợt đánh giá đã được mở trước đó.")
        versions = {m.framework_id: m.framework for m in members}
        frozen = []
        for version in sorted(versions.values(), key=lambda v: v.pk):
            framework_freeze(version=version, actor=actor, reason=f"Mở đợt {current.name}")
            frozen.append(str(version))
        audit_record(
            actor=actor,
            action="campaign.open",
            obj=current,
            changes={"status": ["preparing", "open"], "frozen": [None, frozen]},
            scope_unit_id=current.organiser_id,
        )
    campaign.refresh_from_db()
    return campaign


def campaign_close(*, campaign: Campaign, actor: Any) -> Campaign:
    """End the campaign; every phase still open is closed with it."""
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        current = fresh(campaign)
        if not current.is_open:
            raise ServiceError("Chỉ kết thúc được đợt đang triển khai.")
        now = timezone.now()
        closing = list(
            Phase.objects.filter(campaign=current, state=PhaseState.OPEN).values_list(
                "kind", flat=True
            )
        )
        Phase.objects.filter(campaign=current, state=PhaseState.OPEN).update(
            state=PhaseState.CLOSED, closed_at=now
        )
        Campaign.objects.filter(pk=current.pk).update(
            status=CampaignStatus.CLOSED, closed_at=now, updated_at=now, version=current.version + 1
        )
        audit_record(
            actor=actor,
            action="campaign.close",
            obj=current,
            changes={"status": ["open", "closed"], "phases_closed": [None, closing]},
            scope_unit_id=current.organiser_id,
        )
    campaign.refresh_from_db()
    return campaign


# --- Ranking groups ---------------------------------------------------------------------


def _check_group_code(campaign: Campaign, code: str, exclude_pk: int | None = None) -> str:
    code = clean_text(code).lower()
    if not _SLUG.match(code):
        raise ServiceError(
            f"Mã nhóm “{code}” không hợp lệ: chỉ dùng chữ thường không dấu, số và dấu gạch "
            "ngang, ví dụ xa-phuong."
        )
    taken = RankingGroup.objects.filter(campaign=campaign, code=code)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ServiceError(f"Mã nhóm “{code}” đã có trong đợt đánh giá.")
    return code


def group_create(
    *, campaign: Campaign, actor: Any, code: str, name: str, position: int | None = None
) -> RankingGroup:
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        current = fresh(campaign)
        ensure_not_closed(current)
        if position is None:
            last = RankingGroup.objects.filter(campaign=current).aggregate(m=Max("position"))["m"]
            position = (last or 0) + 1
        group = RankingGroup.objects.create(
            campaign=current,
            code=_check_group_code(current, code),
            name=required_text(name, "tên nhóm"),
            position=position,
        )
        audit_record(
            actor=actor,
            action="campaign.group.create",
            obj=group,
            changes={"code": [None, group.code], "name": [None, group.name]},
            scope_unit_id=current.organiser_id,
        )
    return group


def group_update(
    *,
    group: RankingGroup,
    actor: Any,
    expected_version: int,
    code: str,
    name: str,
    position: int,
) -> RankingGroup:
    campaign = group.campaign
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        current = fresh(campaign)
        ensure_not_closed(current)
        fields: dict[str, Any] = {"name": required_text(name, "tên nhóm"), "position": position}
        new_code = clean_text(code).lower()
        if new_code != group.code:
            ensure_preparing(current, "đổi mã nhóm")
            fields["code"] = _check_group_code(current, new_code, exclude_pk=group.pk)
        changes = changes_of(group, fields)
        save_versioned(group, expected_version, fields)
        audit_record(
            actor=actor,
            action="campaign.group.update",
            obj=group,
            changes=changes,
            scope_unit_id=current.organiser_id,
        )
    return group


def group_delete(*, group: RankingGroup, actor: Any) -> None:
    campaign = group.campaign
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        current = fresh(campaign)
        ensure_not_closed(current)
        count = AssessedUnit.objects.filter(group=group).count()
        if count:
            raise ServiceError(
                f"Nhóm “{group.name}” còn {count} đơn vị; chuyển hoặc bỏ các đơn vị này trước "
                "khi xóa nhóm."
            )
        audit_record(
            actor=actor,
            action="campaign.group.delete",
            obj=group,
            changes={"code": [group.code, None], "name": [group.name, None]},
            scope_unit_id=current.organiser_id,
        )
        group.delete()


# --- Assessed units ---------------------------------------------------------------------


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


def _add_many(
    *,
    campaign: Campaign,
    units: Sequence[Unit],
    group: RankingGroup,
    framework: FrameworkVersion,
    actor: Any,
) -> list[AssessedUnit]:
    ensure_can_manage_campaign(actor, campaign)
    if not units:
        raise ServiceError("Chưa chọn đơn vị nào.")
    with transaction.atomic():
        current = fresh(campaign)
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
        actor_obj = actor if getattr(actor, "pk", None) else None
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
                action="campaign.unit.add",
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
    return _add_many(
        campaign=campaign, units=[unit], group=group, framework=framework, actor=actor
    )[0]


def assessed_units_add_bulk(
    *,
    campaign: Campaign,
    units: Sequence[Unit],
    group: RankingGroup,
    framework: FrameworkVersion,
    actor: Any,
) -> list[AssessedUnit]:
    """Add many units to one group with one set: all or nothing; the error names each unit."""
    return _add_many(campaign=campaign, units=units, group=group, framework=framework, actor=actor)


def assessed_unit_update(
    *,
    assessed: AssessedUnit,
    actor: Any,
    expected_version: int,
    group: RankingGroup,
    framework: FrameworkVersion,
) -> AssessedUnit:
    """Move a unit to another group (until the campaign ends) or set (only before opening)."""
    campaign = assessed.campaign
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        current = fresh(campaign)
        ensure_not_closed(current)
        _check_group(current, group)
        fields: dict[str, Any] = {"group": group}
        if framework.pk != assessed.framework_id:
            ensure_preparing(current, "đổi bộ tiêu chí của đơn vị")
            problems = unit_problems(current, assessed.unit, framework, adding=False)
            if problems:
                raise ServiceError(problems)
            fields["framework"] = framework
        changes = {
            name: [str(getattr(assessed, name)), str(value)]
            for name, value in fields.items()
            if getattr(assessed, f"{name}_id") != value.pk
        }
        save_versioned(assessed, expected_version, fields)
        audit_record(
            actor=actor,
            action="campaign.unit.update",
            obj=assessed,
            changes=changes,
            scope_unit_id=current.organiser_id,
        )
    return assessed


def assessed_unit_remove(*, assessed: AssessedUnit, actor: Any) -> None:
    campaign = assessed.campaign
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        current = fresh(campaign)
        ensure_preparing(current, "bỏ đơn vị khỏi đợt")
        audit_record(
            actor=actor,
            action="campaign.unit.remove",
            obj=assessed,
            changes={"unit": [assessed.unit.code, None]},
            scope_unit_id=current.organiser_id,
        )
        assessed.delete()


__all__ = [
    "assessed_unit_add",
    "assessed_unit_remove",
    "assessed_unit_update",
    "assessed_units_add_bulk",
    "campaign_close",
    "campaign_create",
    "campaign_open",
    "campaign_update",
    "group_create",
    "group_delete",
    "group_update",
    "unit_problems",
]
