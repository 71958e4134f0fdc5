"""Fixtures: a small province with a person in every role, and the shipped sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from parindex.accounts.models import User
from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import clear_caches
from parindex.frameworks.services import framework_import
from parindex.units.kinds import UnitKind
from parindex.units.models import Unit
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

PASSWORD = "matkhau-Thu-123"  # the factories' password
DATA = Path(__file__).resolve().parent.parent / "data"


@dataclass
class Province:
    org: Unit
    son_linh: Unit
    ky_anh: Unit
    so_tu_phap: Unit
    other_org: Unit
    foreign: Unit
    people: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, role: str) -> User:
        return self.people[role]


ROLES = (
    "admin",
    "organiser",
    "other_organiser",
    "chairman",
    "council",
    "head",
    "focal",
    "officer",
    "observer",
    "anonymous",
)


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    clear_caches()


@pytest.fixture
def province(db: Any) -> Province:
    org = OrganiserFactory(code="so-noi-vu-ha-tinh", name="Sở Nội vụ tỉnh Hà Tĩnh")
    son_linh = UnitFactory(code="son-linh", name="UBND xã Sơn Lĩnh", organiser=org)
    ky_anh = UnitFactory(code="ky-anh", name="UBND xã Kỳ Anh", organiser=org)
    so_tu_phap = UnitFactory(
        code="so-tu-phap", name="Sở Tư pháp", kind=UnitKind.SO_NGANH, organiser=org
    )
    other_org = OrganiserFactory(code="so-noi-vu-nghe-an", name="Sở Nội vụ tỉnh Nghệ An")
    foreign = UnitFactory(code="dien-chau", name="UBND xã Diễn Châu", organiser=other_org)
    p = Province(org, son_linh, ky_anh, so_tu_phap, other_org, foreign)
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
    for role, unit in where.items():
        p.people[str(role)] = user_with_role(role, unit, username=f"t.{role}")
    p.people["other_organiser"] = user_with_role(
        Role.ORGANISER, other_org, username="t.other-organiser"
    )
    p.people["foreign_officer"] = user_with_role(
        Role.OFFICER, foreign, username="t.foreign-officer"
    )
    p.people["ky_anh_head"] = user_with_role(Role.HEAD, ky_anh, username="t.ky-anh-head")
    return p


def import_file(
    province: Province, path: Path, questionnaires: tuple[Path, ...] = ()
) -> FrameworkVersion:
    return framework_import(
        actor=province["organiser"],
        organiser=province.org,
        filename=path.name,
        content=path.read_bytes(),
        questionnaires=[(q.name, q.read_bytes()) for q in questionnaires],
    )


@pytest.fixture
def commune_set(province: Province) -> FrameworkVersion:
    return import_file(province, COMMUNES_SET, COMMUNES_QUESTIONNAIRES)


@pytest.fixture
def department_set(province: Province) -> FrameworkVersion:
    return import_file(province, DEPARTMENTS_SET)
