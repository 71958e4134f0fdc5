"""Every change to people and their roles: check permission and rules, save, write the audit.

Views, the API and commands call these; none writes ``User`` or ``Membership`` directly.
Passwords never reach the audit log: entries say that a password changed, never what to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from axes.utils import reset as axes_reset
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from parindex.core.actions import actor_or_none, lock
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.text import nfc
from parindex.units.models import Unit

from .audit_actions import (
    MEMBERSHIP_GRANT,
    MEMBERSHIP_REVOKE,
    USER_CREATE,
    USER_DEACTIVATE,
    USER_PASSWORD_CHANGE,
    USER_PASSWORD_RESET,
    USER_REACTIVATE,
    USER_UPDATE,
)
from .bulk import (
    COL_USERNAME,
    BulkImportError,
    BulkRow,
    PlannedAccount,
    RowError,
    clean_email,
    clean_phone,
    plan_bulk,
    role_misfit_message,
)
from .models import Membership, User
from .passwords import hash_temporary_password, temporary_password
from .permissions import (
    can_grant_role,
    can_grant_roles_to,
    can_manage_user,
    can_revoke_membership,
    ensure,
    ensure_can_manage_accounts,
    ensure_can_manage_user,
    forget_memberships,
    is_admin,
    role_fits_unit,
)
from .roles import Role
from .usernames import normalise_username, suggest_username, unique_username, username_problem

__all__ = [
    "BulkImportError",
    "BulkRow",
    "NewAccount",
    "accounts_bulk_create",
    "accounts_bulk_plan",
    "membership_grant",
    "membership_revoke",
    "password_reset_by_manager",
    "user_create",
    "user_deactivate",
    "user_password_change",
    "user_reactivate",
    "user_update",
]

accounts_bulk_plan = plan_bulk


@dataclass(frozen=True)
class NewAccount:
    """A created account and its temporary password, to be shown once and never stored."""

    user: User
    membership: Membership | None
    password: str


# --- helpers --------------------------------------------------------------------------------


def _scope_of(unit: Unit | None) -> int | None:
    return unit.pk if unit is not None else None


def _subject(user: User) -> str:
    """How the audit names a person: full name and username."""
    return f"{user.full_name} ({user.username})" if user.full_name else user.username


_GONE = "Tài khoản này không còn trong hệ thống; vui lòng tải lại trang."


def _lock_user(actor: Any, user: User, *, manage: bool = True) -> User:
    """The stored account, locked; with ``manage`` the actor must manage it as stored."""
    return lock(
        User,
        user.pk,
        actor=actor,
        check=ensure_can_manage_user if manage else None,
        missing_message=_GONE,
    )


def _ensure_can_revoke(actor: Any, membership: Membership) -> None:
    ensure(can_revoke_membership(actor, membership), "Bạn không được thu hồi vai trò này.")


def _username_taken(name: str, exclude_pk: int | None = None) -> bool:
    qs = User.objects.annotate(lower=Lower("username")).filter(lower=name.lower())
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _clean_full_name(value: str) -> str:
    name = nfc(value or "")
    if not name:
        raise ServiceError({"full_name": "Hãy nhập họ và tên."})
    if len(name) > 150:
        raise ServiceError({"full_name": "Họ và tên dài quá 150 ký tự."})
    return name


def _clean_contact(email: str, phone: str) -> tuple[str, str]:
    email, problem = clean_email(email)
    if problem:
        raise ServiceError({"email": problem[0].upper() + problem[1:] + "."})
    phone, problem = clean_phone(phone)
    if problem:
        raise ServiceError({"phone": problem[0].upper() + problem[1:] + "."})
    return email, phone


def _clean_position(value: str) -> str:
    position = nfc(value or "")
    if len(position) > 150:
        raise ServiceError({"position": "Chức vụ dài quá 150 ký tự."})
    return position


def _unlock_login(username: str) -> None:
    """Forget failed logins for ``username`` (from every address)."""
    axes_reset(username=username)


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


def _check_grant(
    *,
    actor: Any,
    user: User,
    unit: Unit | None,
    role: str,
    signs_on_behalf: bool,
    valid_from: date | None,
    valid_to: date | None,
) -> None:
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


def _grant(
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
        scope_unit_id=_scope_of(unit),
    )
    forget_memberships(user)
    return membership


def _new_user(
    *,
    actor: Any,
    username: str,
    full_name: str,
    email: str,
    phone: str,
    position: str,
    scope_unit: Unit | None,
) -> tuple[User, str]:
    password = temporary_password()
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        phone=phone,
        position=position,
        must_change_password=True,
    )
    user.password = hash_temporary_password(password)
    user.save()
    audit_record(
        actor=actor,
        action=USER_CREATE,
        obj=user,
        subject=_subject(user),
        changes={
            "username": [None, username],
            "full_name": [None, full_name],
            "email": [None, email],
            "phone": [None, phone],
            "position": [None, position],
        },
        scope_unit_id=_scope_of(scope_unit),
    )
    return user, password


# --- users ----------------------------------------------------------------------------------


def user_create(
    *,
    actor: Any,
    full_name: str,
    username: str = "",
    email: str = "",
    phone: str = "",
    position: str = "",
    unit: Unit | None = None,
    role: str | None = None,
    title: str = "",
    signs_on_behalf: bool = False,
) -> NewAccount:
    """Create an account with a temporary password (to change at first login) and, usually,
    its first role. An organiser must give a unit and a role (that is what makes the person
    one of its accounts); an admin may create a person without a role."""
    with transaction.atomic():
        if not is_admin(actor):
            ensure_can_manage_accounts(actor)
            if unit is None or not role:
                raise ServiceError({"unit": "Hãy chọn đơn vị và vai trò cho tài khoản mới."})
        full_name = _clean_full_name(full_name)
        email, phone = _clean_contact(email, phone)
        position = _clean_position(position)
        name = normalise_username(username)
        if name:
            problem = username_problem(name)
            if problem:
                raise ServiceError({"username": problem})
            if _username_taken(name):
                raise ServiceError({"username": f"Tên đăng nhập '{name}' đã được dùng."})
        if role:
            _check_grant(
                actor=actor,
                user=User(),
                unit=unit,
                role=role,
                signs_on_behalf=signs_on_behalf,
                valid_from=None,
                valid_to=None,
            )
        if not name:
            base = suggest_username(full_name, unit.code if unit is not None else "")
            name = unique_username(base, _username_taken)
        user, password = _new_user(
            actor=actor,
            username=name,
            full_name=full_name,
            email=email,
            phone=phone,
            position=position,
            scope_unit=unit,
        )
        membership = None
        if role:
            membership = _grant(
                actor=actor,
                user=user,
                unit=unit,
                role=role,
                title=title,
                signs_on_behalf=signs_on_behalf,
            )
        return NewAccount(user=user, membership=membership, password=password)


_SELF_EDITABLE = frozenset({"email", "phone"})


def user_update(
    *,
    actor: Any,
    user: User,
    full_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    position: str | None = None,
) -> User:
    """Change a person's details. Managers change all of them; people change their own
    e-mail and phone (name and position are the organiser's record)."""
    with transaction.atomic():
        user = _lock_user(actor, user, manage=False)  # who may change what depends on the fields
        wanted: dict[str, str] = {}
        if full_name is not None:
            wanted["full_name"] = _clean_full_name(full_name)
        if position is not None:
            wanted["position"] = _clean_position(position)
        if email is not None or phone is not None:
            new_email, new_phone = _clean_contact(
                user.email if email is None else email, user.phone if phone is None else phone
            )
            if email is not None:
                wanted["email"] = new_email
            if phone is not None:
                wanted["phone"] = new_phone
        changes = {f: [getattr(user, f), v] for f, v in wanted.items() if getattr(user, f) != v}
        if not changes:
            return user
        is_self = getattr(actor, "pk", None) == user.pk
        if not (is_self and set(changes) <= _SELF_EDITABLE):
            ensure(
                can_manage_user(actor, user),
                "Họ tên và chức vụ do cơ quan tổ chức đánh giá cập nhật."
                if is_self
                else "Bạn không quản lý tài khoản của người này.",
            )
        for f, (_, new) in changes.items():
            setattr(user, f, new)
        user.save(update_fields=list(changes))
        audit_record(
            actor=actor, action=USER_UPDATE, obj=user, changes=changes, subject=_subject(user)
        )
        return user


def user_deactivate(*, actor: Any, user: User) -> User:
    """Lock an account (it keeps its history; it can be reopened)."""
    with transaction.atomic():
        user = _lock_user(actor, user)
        if getattr(actor, "pk", None) == user.pk:
            raise ServiceError("Bạn không thể tự khóa tài khoản của mình.")
        if not user.is_active:
            raise ServiceError("Tài khoản này đã bị khóa.")
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action=USER_DEACTIVATE,
            obj=user,
            changes={"is_active": [True, False]},
            subject=_subject(user),
        )
        return user


def user_reactivate(*, actor: Any, user: User) -> User:
    with transaction.atomic():
        user = _lock_user(actor, user)
        if user.is_active:
            raise ServiceError("Tài khoản này đang hoạt động.")
        user.is_active = True
        user.save(update_fields=["is_active"])
        _unlock_login(user.username)
        audit_record(
            actor=actor,
            action=USER_REACTIVATE,
            obj=user,
            changes={"is_active": [False, True]},
            subject=_subject(user),
        )
        return user


def password_reset_by_manager(*, actor: Any, user: User) -> str:
    """Give ``user`` a new temporary password, to be changed at next login; returns it once.

    Also lifts a login lockout for that username, since the person usually calls after one.
    """
    with transaction.atomic():
        user = _lock_user(actor, user)
        if getattr(actor, "pk", None) == user.pk:
            raise ServiceError("Hãy dùng chức năng Đổi mật khẩu cho tài khoản của mình.")
        if not user.is_active:
            raise ServiceError("Tài khoản đang bị khóa; hãy mở lại trước khi cấp mật khẩu.")
        password = temporary_password()
        before = user.must_change_password
        user.password = hash_temporary_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        _unlock_login(user.username)
        audit_record(
            actor=actor,
            action=USER_PASSWORD_RESET,
            obj=user,
            subject=_subject(user),
            changes={"must_change_password": [before, True]},
        )
        return password


def user_password_change(*, user: User, password: str) -> User:
    """The person sets their own password (change form or e-mailed reset link); the
    "must change" flag is cleared and failed logins for the username are forgotten."""
    with transaction.atomic():
        before = user.must_change_password
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        _unlock_login(user.username)
        audit_record(
            actor=user,
            action=USER_PASSWORD_CHANGE,
            obj=user,
            subject=_subject(user),
            changes={"must_change_password": [before, False]},
        )
        return user


# --- memberships ----------------------------------------------------------------------------


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
        user = _lock_user(actor, user)
        _check_grant(
            actor=actor,
            user=user,
            unit=unit,
            role=role,
            signs_on_behalf=signs_on_behalf,
            valid_from=valid_from,
            valid_to=valid_to,
        )
        _check_campaign(actor=actor, unit=unit, campaign=campaign)
        return _grant(
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


# --- bulk creation --------------------------------------------------------------------------


def _taken_meanwhile(account: PlannedAccount) -> BulkImportError:
    return BulkImportError(
        [
            RowError(
                account.row,
                COL_USERNAME,
                f"tên đăng nhập '{account.username}' vừa được dùng cho một tài khoản khác "
                "trong lúc lưu; không tài khoản nào được tạo, hãy tải tệp lên lại",
            )
        ]
    )


def accounts_bulk_create(*, actor: Any, rows: Sequence[BulkRow]) -> list[NewAccount]:
    """Create every account of the sheet, each with its role and a temporary password, or
    none: any bad row raises ``BulkImportError`` naming row and column, and nothing is saved —
    also when a row fails only while being written (a username taken meanwhile).
    """
    current: PlannedAccount | None = None
    try:
        with transaction.atomic():
            ensure_can_manage_accounts(actor)
            plan = plan_bulk(actor=actor, rows=rows)
            if plan.errors:
                raise BulkImportError(plan.errors)
            created: list[NewAccount] = []
            for current in plan.accounts:
                user, password = _new_user(
                    actor=actor,
                    username=current.username,
                    full_name=current.full_name,
                    email=current.email,
                    phone=current.phone,
                    position=current.position,
                    scope_unit=current.unit,
                )
                membership = _grant(actor=actor, user=user, unit=current.unit, role=current.role)
                created.append(NewAccount(user=user, membership=membership, password=password))
            return created
    except IntegrityError as exc:  # the whole transaction is rolled back: nobody was created
        if current is None:
            raise
        raise _taken_meanwhile(current) from exc
