"""Campaigns and their ranking groups: one function per change.

Each service is one transaction: ``lock`` the row (the organiser's permission checked on the row
as stored, and the revision the user loaded), the status machine (``.transitions``) and the
input, ``save_versioned``, one audit entry.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from parindex.core.actions import actor_or_none, changes_of, copy_back, lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.frameworks.services import framework_freeze
from parindex.units.models import Unit

from .. import rules
from ..audit_actions import (
    CAMPAIGN_CLOSE,
    CAMPAIGN_CREATE,
    CAMPAIGN_OPEN,
    CAMPAIGN_UPDATE,
    GROUP_CREATE,
    GROUP_DELETE,
    GROUP_UPDATE,
)
from ..models import AssessedUnit, Campaign, Phase, PhaseState, RankingGroup
from ..permissions import ensure_can_create_campaign, ensure_can_manage_campaign
from ..workflow import CampaignAction
from ._base import (
    RELOAD,
    campaign_conflict,
    clean_text,
    ensure_not_closed,
    ensure_preparing,
    manages_campaign_of,
    required_text,
)
from .transitions import CAMPAIGN_RUNNER
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


def _lock_campaign(campaign: Campaign, actor: Any, expected_revision: int | None) -> Campaign:
    return lock(
        Campaign,
        campaign.pk,
        actor=actor,
        check=ensure_can_manage_campaign,
        expected_revision=expected_revision,
        conflict_message=campaign_conflict(campaign),
    )


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
            created_by=actor_or_none(actor),
        )
        Phase.objects.bulk_create(
            [Phase(campaign=campaign, kind=kind) for kind in rules.PHASE_ORDER]
        )
        audit_record(
            actor=actor,
            action=CAMPAIGN_CREATE,
            obj=campaign,
            changes={"year": [None, campaign.year], "slug": [None, campaign.slug]},
            scope_unit_id=organiser.pk,
        )
    return campaign


def campaign_update(
    *,
    campaign: Campaign,
    actor: Any,
    expected_revision: int,
    name: str,
    plan_reference: str,
    period_start: date | None,
    period_end: date | None,
    year: int | None = None,
    slug: str | None = None,
) -> Campaign:
    """Edit the campaign's description. Year and slug change only before opening."""
    with transaction.atomic():
        current = _lock_campaign(campaign, actor, expected_revision)
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
        changes = changes_of(current, fields)
        save_versioned(current, fields)
        audit_record(
            actor=actor,
            action=CAMPAIGN_UPDATE,
            obj=current,
            changes=changes,
            scope_unit_id=current.organiser_id,
        )
    copy_back(campaign, current)
    return campaign


def campaign_open(
    *, campaign: Campaign, actor: Any, expected_revision: int | None = None
) -> Campaign:
    """Open the campaign: it needs at least one unit; every criteria-set version used is frozen."""
    with transaction.atomic():
        current = _lock_campaign(campaign, actor, expected_revision)
        target = CAMPAIGN_RUNNER.ensure(actor, current, CampaignAction.OPEN)
        members = list(
            AssessedUnit.objects.filter(campaign=current).select_related("unit", "framework")
        )
        problems: list[str] = []
        for member in members:
            problems.extend(unit_problems(current, member.unit, member.framework, adding=False))
        if problems:
            raise ServiceError(problems)
        old = current.status
        save_versioned(current, {"status": target.value, "opened_at": timezone.now()})
        versions = {m.framework_id: m.framework for m in members}
        frozen = []
        for version in sorted(versions.values(), key=lambda v: v.pk):
            framework_freeze(version=version, actor=actor, reason=f"Mở đợt {current.name}")
            frozen.append(str(version))
        audit_record(
            actor=actor,
            action=CAMPAIGN_OPEN,
            obj=current,
            changes={"status": [old, target.value], "frozen": [None, frozen]},
            scope_unit_id=current.organiser_id,
        )
    copy_back(campaign, current)
    return campaign


def campaign_close(
    *, campaign: Campaign, actor: Any, expected_revision: int | None = None
) -> Campaign:
    """End the campaign; every phase still open is closed with it (all in one transaction)."""
    with transaction.atomic():
        current = _lock_campaign(campaign, actor, expected_revision)
        target = CAMPAIGN_RUNNER.ensure(actor, current, CampaignAction.CLOSE)
        now = timezone.now()
        still_open = Phase.objects.filter(campaign=current, state=PhaseState.OPEN)
        closing = list(still_open.values_list("kind", flat=True))
        still_open.update(state=PhaseState.CLOSED, closed_at=now, revision=F("revision") + 1)
        old = current.status
        save_versioned(current, {"status": target.value, "closed_at": now})
        audit_record(
            actor=actor,
            action=CAMPAIGN_CLOSE,
            obj=current,
            changes={"status": [old, target.value], "phases_closed": [None, closing]},
            scope_unit_id=current.organiser_id,
        )
    copy_back(campaign, current)
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


def _lock_group(group: RankingGroup, actor: Any, expected_revision: int | None) -> RankingGroup:
    return lock(
        RankingGroup.objects.select_related("campaign"),
        group.pk,
        actor=actor,
        check=manages_campaign_of,
        expected_revision=expected_revision,
        conflict_message=f"Nhóm xếp hạng “{group.name}” vừa được người khác sửa; {RELOAD}",
        missing_message=f"Nhóm xếp hạng “{group.name}” không còn; vui lòng tải lại trang.",
    )


def group_create(
    *, campaign: Campaign, actor: Any, code: str, name: str, position: int | None = None
) -> RankingGroup:
    with transaction.atomic():
        current = _lock_campaign(campaign, actor, None)
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
            action=GROUP_CREATE,
            obj=group,
            changes={"code": [None, group.code], "name": [None, group.name]},
            scope_unit_id=current.organiser_id,
        )
    return group


def group_update(
    *,
    group: RankingGroup,
    actor: Any,
    expected_revision: int,
    code: str,
    name: str,
    position: int,
) -> RankingGroup:
    with transaction.atomic():
        current = _lock_group(group, actor, expected_revision)
        campaign = current.campaign
        ensure_not_closed(campaign)
        fields: dict[str, Any] = {"name": required_text(name, "tên nhóm"), "position": position}
        new_code = clean_text(code).lower()
        if new_code != current.code:
            ensure_preparing(campaign, "đổi mã nhóm")
            fields["code"] = _check_group_code(campaign, new_code, exclude_pk=current.pk)
        changes = changes_of(current, fields)
        save_versioned(current, fields)
        audit_record(
            actor=actor,
            action=GROUP_UPDATE,
            obj=current,
            changes=changes,
            scope_unit_id=campaign.organiser_id,
        )
    copy_back(group, current)
    return group


def group_delete(*, group: RankingGroup, actor: Any, expected_revision: int | None = None) -> None:
    with transaction.atomic():
        current = _lock_group(group, actor, expected_revision)
        ensure_not_closed(current.campaign)
        count = AssessedUnit.objects.filter(group=current).count()
        if count:
            raise ServiceError(
                f"Nhóm “{current.name}” còn {count} đơn vị; chuyển hoặc bỏ các đơn vị này trước "
                "khi xóa nhóm."
            )
        audit_record(
            actor=actor,
            action=GROUP_DELETE,
            obj=current,
            changes={"code": [current.code, None], "name": [current.name, None]},
            scope_unit_id=current.campaign.organiser_id,
        )
        current.delete()


__all__ = [
    "campaign_close",
    "campaign_create",
    "campaign_open",
    "campaign_update",
    "group_create",
    "group_delete",
    "group_update",
]
