"""Roles: granting one (lasting, dated, or for one campaign) with its checks, and taking one
back (the row stays, inactive, for the history)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from parindex.core.actions import actor_or_none, lock
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.text import nfc
from parindex.units.models import Unit

from ..audit_actions import MEMBERSHIP_GRANT, MEMBERSHIP_REVOKE
from ..bulk import role_misfit_message
from ..models import Membership, User
from ..permissions import (
    can_grant_role,
    can_grant_roles_to,
    can_revoke_membership,
    ensure,
    forget_memberships,
    is_admin,
    role_fits_unit,
)
from ..roles import Role
from ._common import lock_user, scope_of


def _ensure_can_revoke(actor: Any, membership: Membership) -> None:
    ensure(can_revoke_membership(actor, membership), "Bạn không được thu hồi vai trò này.")


def _check_campaign(*, actor: Any, unit: Unit | None, campaign: Any) -> None:
    """A campaign-scoped role must be in that campaign's organiser body or one of its units."""
    if campaign is None:
        return
    if campaign.status == "closed":
        raise ServiceError("Đợt đánh giá đã kết thúc: không giao vai trò cho đợt này được.")
    if unit is None or (
        unit.pk != campaign.organiser_id and unit.organiser_id != campaign.organiser_id
    ):
        raise ServiceError(
            f"Đơn vị không thuộc cơ quan tổ chức đợt “{campaign.name}”: "
            "không giao vai trò trong đợt này được."
        )


def check_grant(
    *,
    actor: Any,
    user: User,
    unit: Unit | None,
    role: str,
    signs_on_behalf: bool,
    valid_from: date | None,
    valid_to: date | None,
) -> None:
    """Every rule a new role must meet, raising ``ServiceError`` naming the field."""
    if role not in Role.values:
        raise ServiceError({"role": "Vai trò không hợp lệ."})
    label = Role(role).label
    if role == Role.ADMIN:
        if unit is not None:
            raise ServiceError({"unit": "Vai trò quản trị hệ thống không gắn với đơn vị."})
        ensure(is_admin(actor), "Chỉ quản trị hệ thống mới giao được vai trò quản trị.")
    else:
        if unit is None:
            raise ServiceError({"unit": "Hãy chọn đơn vị."})
        if not role_fits_unit(role, unit):
            message = role_misfit_message(role, unit)
            raise ServiceError({"role": message[0].upper() + message[1:] + "."})
        ensure(
            can_grant_roles_to(actor, user),
            "Bạn không tự giao vai trò cho chính mình được: hãy đề nghị quản trị hệ thống hoặc "
            "một người khác của cơ quan tổ chức giao.",
        )
        ensure(
            can_grant_role(actor, unit, role),
            f"Bạn không được giao vai trò “{label}” tại {unit.name}.",
        )
    if signs_on_behalf and role != Role.HEAD:
        raise ServiceError(
            {"signs_on_behalf": "Chỉ thủ trưởng đơn vị (cấp phó ký thay) mới đánh dấu ký thay."}
        )
    if valid_from and valid_to and valid_to < valid_from:
        raise ServiceError({"valid_to": "Ngày kết thúc phải từ ngày bắt đầu trở đi."})
    if (
        user.pk
        and Membership.objects.filter(user=user, unit=unit, role=role, is_active=True).exists()
    ):
        where = unit.name if unit is not None else "toàn hệ thống"
        raise ServiceError(f"{user} đã có vai trò “{label}” tại {where}.")


def grant(
    *,
    actor: Any,
    user: User,
    unit: Unit | None,
    role: str,
    title: str = "",
    signs_on_behalf: bool = False,
    valid_from: date | None = None,
    valid_to: date | None = None,
    campaign: Any = None,
) -> Membership:
    """Save a checked role and audit it."""
    membership = Membership.objects.create(
        user=user,
        unit=unit,
        role=role,
        title=nfc(title or "")[:150],
        signs_on_behalf=signs_on_behalf,
        valid_from=valid_from,
        valid_to=valid_to,
        campaign=campaign,
        granted_by=actor_or_none(actor),
    )
    audit_record(
        actor=actor,
        action=MEMBERSHIP_GRANT,
        obj=membership,
        changes={
            "user": [None, user.username],
            "unit": [None, unit.code if unit is not None else None],
            "role": [None, role],
            "title": [None, membership.title],
            "signs_on_behalf": [None, signs_on_behalf],
            "valid_from": [None, valid_from],
            "valid_to": [None, valid_to],
            "campaign": [None, campaign.slug if campaign is not None else None],
        },
        scope_unit_id=scope_of(unit),
    )
    forget_memberships(user)
    return membership


def membership_grant(
    *,
    actor: Any,
    user: User,
    unit: Unit | None,
    role: str,
    title: str = "",
    signs_on_behalf: bool = False,
    valid_from: date | None = None,
    valid_to: date | None = None,
    campaign: Any = None,
) -> Membership:
    """Give ``user`` a role in ``unit``: lasting, between the given days, or (with
    ``campaign``) only for that campaign — it lapses when the campaign is closed."""
    with transaction.atomic():
        user = lock_user(actor, user)
        check_grant(
            actor=actor,
            user=user,
            unit=unit,
            role=role,
            signs_on_behalf=signs_on_behalf,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        _check_campaign(actor=actor, unit=unit, campaign=campaign)
        return grant(
            actor=actor,
            user=user,
            unit=unit,
            role=role,
            title=title,
            signs_on_behalf=signs_on_behalf,
            valid_from=valid_from,
            valid_to=valid_to,
            campaign=campaign,
        )


def membership_revoke(*, actor: Any, membership: Membership) -> Membership:
    """Take a role back. The row stays (inactive, with who and when) for the history."""
    with transaction.atomic():
        membership = lock(
            Membership,
            membership.pk,
            actor=actor,
            check=_ensure_can_revoke,
            missing_message="Vai trò này không còn trong hệ thống; vui lòng tải lại trang.",
        )
        if not membership.is_active:
            raise ServiceError("Vai trò này đã được thu hồi.")
        if membership.role == Role.ADMIN and membership.user_id == getattr(actor, "pk", None):
            raise ServiceError("Bạn không thể tự thu hồi vai trò quản trị của mình.")
        membership.is_active = False
        membership.revoked_at = timezone.now()
        membership.revoked_by = actor_or_none(actor)
        membership.save(update_fields=["is_active", "revoked_at", "revoked_by"])
        audit_record(
            actor=actor,
            action=MEMBERSHIP_REVOKE,
            obj=membership,
            changes={"is_active": [True, False]},
            scope_unit_id=membership.unit_id,
        )
        forget_memberships(membership.user)
        return membership
