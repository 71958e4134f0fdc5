"""Shared fixtures: the must-change-password middleware (until MIDDLEWARE lists it) and a
small province: an organiser with two communes, another organiser with one, and a person in
every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook

from parindex.accounts.bulk import COLUMNS
from parindex.accounts.models import User
from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.units.models import Unit
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

MIDDLEWARE = "parindex.accounts.middleware.MustChangePasswordMiddleware"
PASSWORD = "matkhau-Thu-123"  # the factories' password


@pytest.fixture(autouse=True)
def must_change_middleware(settings: Any) -> None:
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


@dataclass
class Province:
    org: Unit
    son_linh: Unit
    ky_anh: Unit
    other_org: Unit
    foreign: Unit
    people: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, role: str) -> User:
        return self.people[role]


@pytest.fixture
def province(db: Any) -> Province:
    org = OrganiserFactory(code="so-noi-vu-ha-tinh", name="Sở Nội vụ tỉnh Hà Tĩnh")
    son_linh = UnitFactory(code="son-linh", name="UBND xã Sơn Lĩnh", organiser=org)
    ky_anh = UnitFactory(code="ky-anh", name="UBND xã Kỳ Anh", organiser=org)
    other_org = OrganiserFactory(code="so-noi-vu-nghe-an", name="Sở Nội vụ tỉnh Nghệ An")
    foreign = UnitFactory(code="dien-chau", name="UBND xã Diễn Châu", organiser=other_org)
    p = Province(org, son_linh, ky_anh, other_org, foreign)
    where = {
        Role.ADMIN: None,
        Role.ORGANISER: org,
        Role.CHAIRMAN: org,
        Role.COUNCIL: org,
        Role.OBSERVER: org,
        Role.HEAD: son_linh,
        Role.FOCAL: son_linh,
        Role.OFFICER: son_linh,
    }
    names = {
        Role.ADMIN: "Quản Trị Viên",
        Role.ORGANISER: "Phan Thị Thường Trực",
        Role.CHAIRMAN: "Lê Văn Chủ Tịch",
        Role.COUNCIL: "Hồ Thị Thẩm Định",
        Role.OBSERVER: "Đỗ Văn Theo Dõi",
        Role.HEAD: "Trần Văn Đức",
        Role.FOCAL: "Nguyễn Thị Mai",
        Role.OFFICER: "Nguyễn Thị Lan",
    }
    for role, unit in where.items():
        p.people[role] = user_with_role(role, unit, username=f"t.{role}", full_name=names[role])
    p.people["other_organiser"] = user_with_role(
        Role.ORGANISER, other_org, username="t.other-organiser", full_name="Võ Văn Nghệ"
    )
    p.people["foreign_officer"] = user_with_role(
        Role.OFFICER, foreign, username="t.foreign-officer", full_name="Hoàng Văn Châu"
    )
    return p


def xlsx(rows: list[list[Any]], header: list[str] | tuple[str, ...] = COLUMNS) -> BytesIO:
    """An upload: the header row, then ``rows`` (row 2 onwards)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tài khoản"
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    out.seek(0)
    out.name = "danh-sach.xlsx"
    return out
