"""Campaigns and their ranking groups: one function per change."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.frameworks.services import framework_freeze
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
from .units import unit_problems

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


__all__ = [
    "campaign_close",
    "campaign_create",
    "campaign_open",
    "campaign_update",
    "group_create",
    "group_delete",
    "group_update",
]
