"""People's accounts: creating one (with its first role and a temporary password), changing
details, locking and reopening, and passwords (a manager's reset, the person's own change).

Passwords never reach the audit log: entries say that a password changed, never what to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axes.utils import reset as axes_reset
from django.db import transaction
from django.db.models.functions import Lower

from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.text import nfc
from parindex.units.models import Unit

from ..audit_actions import (
    USER_CREATE,
    USER_DEACTIVATE,
    USER_PASSWORD_CHANGE,
    USER_PASSWORD_RESET,
    USER_REACTIVATE,
    USER_UPDATE,
)
from ..bulk import clean_email, clean_phone
from ..models import Membership, User
from ..passwords import hash_temporary_password, temporary_password
from ..permissions import can_manage_user, ensure, ensure_can_manage_accounts, is_admin
from ..usernames import normalise_username, suggest_username, unique_username, username_problem
from ._common import lock_user, scope_of
from .memberships import check_grant, grant


@dataclass(frozen=True)
class NewAccount:
    """A created account and its temporary password, to be shown once and never stored."""

    user: User
    membership: Membership | None
    password: str


def _subject(user: User) -> str:
    """How the audit names a person: full name and username."""
    return f"{user.full_name} ({user.username})" if user.full_name else user.username


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


def new_user(
    *,
    actor: Any,
    username: str,
    full_name: str,
    email: str,
    phone: str,
    position: str,
    scope_unit: Unit | None,
) -> tuple[User, str]:
    """Save a new account with a temporary password (to change at first login) and audit it;
    returns the account and the password, shown once."""
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
        scope_unit_id=scope_of(scope_unit),
    )
    return user, password


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
            check_grant(
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
        user, password = new_user(
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
            membership = grant(
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
        user = lock_user(actor, user, manage=False)  # who may change what depends on the fields
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
        user = lock_user(actor, user)
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
        user = lock_user(actor, user)
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
        user = lock_user(actor, user)
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
