"""Bulk account creation: the rows of an uploaded sheet, and the check of every row.

Checking reads the database but writes nothing; ``services.accounts_bulk_create`` checks
again inside its transaction and creates everything or nothing. Each problem names the sheet
row and column the way a person finds it in Excel: "Dòng 5, cột Mã đơn vị: không có đơn vị
'abc'".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from parindex.core.errors import ServiceError
from parindex.core.text import nfc
from parindex.units.models import Unit

from .models import User
from .permissions import can_grant_role, role_fits_unit
from .roles import ORGANISER_SIDE, Role, role_from_text
from .usernames import normalise_username, suggest_username, unique_username, username_problem

MAX_ROWS = 500

COL_USERNAME = "Tên đăng nhập"
COL_FULL_NAME = "Họ và tên"
COL_UNIT = "Mã đơn vị"
COL_ROLE = "Vai trò"
COL_POSITION = "Chức vụ"
COL_EMAIL = "Email"
COL_PHONE = "Điện thoại"
COLUMNS: tuple[str, ...] = (
    COL_USERNAME,
    COL_FULL_NAME,
    COL_UNIT,
    COL_ROLE,
    COL_POSITION,
    COL_EMAIL,
    COL_PHONE,
)
REQUIRED_COLUMNS: tuple[str, ...] = (COL_FULL_NAME, COL_UNIT, COL_ROLE)

_PHONE = re.compile(r"^\+?[0-9 .()-]+$")


@dataclass(frozen=True)
class BulkRow:
    """One data row as read from the sheet (text, not yet checked)."""

    row: int
    username: str = ""
    full_name: str = ""
    unit_code: str = ""
    role: str = ""
    position: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return f"Dòng {self.row}: {self.message}"
        return f"Dòng {self.row}, cột {self.column}: {self.message}"


@dataclass(frozen=True)
class PlannedAccount:
    row: int
    username: str
    username_generated: bool
    full_name: str
    unit: Unit
    role: str
    position: str
    email: str
    phone: str

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


@dataclass
class BulkPlan:
    accounts: list[PlannedAccount] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.accounts)


class BulkImportError(ServiceError):
    """The file has problems; nothing was saved. ``row_errors`` names each one."""

    def __init__(self, errors: Sequence[RowError]) -> None:
        self.row_errors = list(errors)
        super().__init__([str(e) for e in self.row_errors])


def clean_phone(value: str) -> tuple[str, str | None]:
    """The phone number as kept, and a problem (Vietnamese) or None."""
    phone = " ".join((value or "").split())
    if not phone:
        return "", None
    digits = sum(ch.isdigit() for ch in phone)
    if len(phone) > 32 or not _PHONE.match(phone) or not 8 <= digits <= 15:
        return phone, f"'{phone}' không phải số điện thoại hợp lệ"
    return phone, None


def clean_email(value: str) -> tuple[str, str | None]:
    email = (value or "").strip().lower()
    if not email:
        return "", None
    try:
        validate_email(email)
    except ValidationError:
        return email, f"'{email}' không phải địa chỉ e-mail hợp lệ"
    return email, None


def role_misfit_message(role: str, unit: Unit) -> str:
    label = Role(role).label
    if role in ORGANISER_SIDE:
        return (
            f"vai trò “{label}” chỉ giao trong cơ quan tổ chức đánh giá;"
            f" {unit.name} không phải cơ quan tổ chức đánh giá"
        )
    return (
        f"vai trò “{label}” chỉ giao trong đơn vị được đánh giá;"
        f" {unit.name} không thuộc danh sách đánh giá của cơ quan nào"
    )


def _existing_lower(usernames: set[str]) -> set[str]:
    if not usernames:
        return set()
    return set(
        User.objects.annotate(lower=Lower("username"))
        .filter(lower__in=usernames)
        .values_list("lower", flat=True)
    )


class _Taken:
    """Is a username taken in the database? One query per suggested base, cached."""

    def __init__(self) -> None:
        self._by_base: dict[str, set[str]] = {}

    def for_base(self, base: str) -> set[str]:
        if base not in self._by_base:
            self._by_base[base] = set(
                User.objects.annotate(lower=Lower("username"))
                .filter(lower__startswith=base)
                .values_list("lower", flat=True)
            )
        return self._by_base[base]


def plan_bulk(*, actor: Any, rows: Sequence[BulkRow]) -> BulkPlan:
    """Check every row; return the accounts that would be created, or the problems."""
    plan = BulkPlan()
    if not rows:
        plan.errors.append(RowError(None, None, "Tệp không có dòng dữ liệu nào."))
        return plan
    if len(rows) > MAX_ROWS:
        plan.errors.append(
            RowError(
                None, None, f"Tệp có {len(rows)} dòng; mỗi lần tạo tối đa {MAX_ROWS} tài khoản."
            )
        )
        return plan

    codes = {r.unit_code.strip().lower() for r in rows if r.unit_code.strip()}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    checked: list[tuple[BulkRow, dict[str, Any]]] = []

    for r in rows:
        problems_before = len(errors)

        def err(column: str, message: str, r: BulkRow = r) -> None:
            errors.append(RowError(r.row, column, message))

        username = normalise_username(r.username)
        if username:
            if username_problem(username):
                err(
                    COL_USERNAME,
                    f"'{r.username.strip()}' không hợp lệ ({username_problem(username)})",
                )
            elif username in first_row_of:
                err(COL_USERNAME, f"'{username}' trùng với dòng {first_row_of[username]}")
            else:
                first_row_of[username] = r.row

        full_name = nfc(r.full_name)
        if not full_name:
            err(COL_FULL_NAME, "chưa có họ và tên")
        elif len(full_name) > 150:
            err(COL_FULL_NAME, "họ và tên dài quá 150 ký tự")

        code = r.unit_code.strip().lower()
        unit = units.get(code)
        if not code:
            err(COL_UNIT, "chưa có mã đơn vị")
        elif unit is None:
            err(COL_UNIT, f"không có đơn vị '{r.unit_code.strip()}'")

        role = role_from_text(r.role)
        if not r.role.strip():
            err(COL_ROLE, "chưa có vai trò")
        elif role is None:
            err(COL_ROLE, f"không có vai trò '{r.role.strip()}'")
        elif role == Role.ADMIN:
            err(COL_ROLE, "không tạo tài khoản quản trị hệ thống theo danh sách")
        elif unit is not None:
            if not role_fits_unit(role, unit):
                err(COL_ROLE, role_misfit_message(role, unit))
            elif not can_grant_role(actor, unit, role):
                err(COL_UNIT, f"bạn không quản lý tài khoản của đơn vị '{unit.code}'")

        position = nfc(r.position)
        if len(position) > 150:
            err(COL_POSITION, "chức vụ dài quá 150 ký tự")
        email, problem = clean_email(r.email)
        if problem:
            err(COL_EMAIL, problem)
        phone, problem = clean_phone(r.phone)
        if problem:
            err(COL_PHONE, problem)

        if len(errors) == problems_before:
            values = {"username": username, "full_name": full_name, "unit": unit, "role": role}
            values.update({"position": position, "email": email, "phone": phone})
            checked.append((r, values))

    for name in sorted(_existing_lower(set(first_row_of))):
        errors.append(
            RowError(first_row_of[name], COL_USERNAME, f"tên đăng nhập '{name}' đã có tài khoản")
        )

    if errors:
        order = {c: i for i, c in enumerate(COLUMNS)}
        errors.sort(key=lambda e: (e.row or 0, order.get(e.column or "", -1)))
        plan.errors = errors
        return plan

    taken = _Taken()
    reserved = set(first_row_of)
    for r, values in checked:
        generated = not values["username"]
        if generated:
            base = suggest_username(values["full_name"], values["unit"].code)
            values["username"] = unique_username(
                base, lambda name, base=base: name in taken.for_base(base), reserved
            )
            reserved.add(values["username"])
        plan.accounts.append(PlannedAccount(row=r.row, username_generated=generated, **values))
    return plan
