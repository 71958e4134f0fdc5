"""Shared fixtures: a province organiser with its registry, users for every role, a campaign
with two groups and two criteria sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.campaigns import services
from parindex.campaigns.models import Campaign, RankingGroup
from parindex.campaigns.tests.factories import FrameworkVersionFactory
from parindex.frameworks.models import FrameworkVersion
from parindex.units.kinds import UnitKind
from parindex.units.models import Unit
from parindex.units.tests.factories import OrganiserFactory, UnitFactory


@dataclass
class World:
    organiser: Unit
    other_organiser: Unit
    dept: Unit
    commune: Unit
    commune2: Unit
    ward: Unit
    merged: Unit
    dept_set: FrameworkVersion
    commune_set: FrameworkVersion
    users: dict[str, Any]


@pytest.fixture
def world(db: Any) -> World:
    organiser = OrganiserFactory(code="so-noi-vu-test", name="Sở Nội vụ tỉnh Thử")
    other = OrganiserFactory(code="so-noi-vu-khac", name="Sở Nội vụ tỉnh Khác")
    dept = UnitFactory(
        code="so-tu-phap-test", name="Sở Tư pháp", kind=UnitKind.SO_NGANH, organiser=organiser
    )
    commune = UnitFactory(
        code="son-linh-test",
        name="UBND xã Sơn Lĩnh",
        kind=UnitKind.XA,
        organiser=organiser,
        valid_from=date(2025, 7, 1),
    )
    commune2 = UnitFactory(
        code="son-thuy-test", name="UBND xã Sơn Thủy", kind=UnitKind.XA, organiser=organiser
    )
    ward = UnitFactory(
        code="thanh-sen-test",
        name="UBND phường Thành Sen",
        kind=UnitKind.PHUONG,
        organiser=organiser,
    )
    merged = UnitFactory(
        code="son-hong-cu-test",
        name="UBND xã Sơn Hồng (trước sắp xếp)",
        kind=UnitKind.XA,
        organiser=organiser,
        valid_to=date(2025, 6, 30),
    )
    dept_set = FrameworkVersionFactory(
        organiser=organiser,
        code="bo-so-nganh",
        name="Bộ tiêu chí sở, ban, ngành 2025",
        applies_to=["so_nganh", "co_quan_tw"],
    )
    commune_set = FrameworkVersionFactory(
        organiser=organiser,
        code="bo-xa",
        name="Bộ tiêu chí cấp xã 2025",
        applies_to=["xa", "phuong", "dac_khu"],
    )
    users = {
        "admin": user_with_role(Role.ADMIN, None, username="t-admin"),
        "organiser": user_with_role(Role.ORGANISER, organiser, username="t-organiser"),
        "chairman": user_with_role(Role.CHAIRMAN, organiser, username="t-chairman"),
        "council": user_with_role(Role.COUNCIL, organiser, username="t-council"),
        "observer": user_with_role(Role.OBSERVER, organiser, username="t-observer"),
        "head": user_with_role(Role.HEAD, commune, username="t-head"),
        "focal": user_with_role(Role.FOCAL, commune, username="t-focal"),
        "officer": user_with_role(Role.OFFICER, commune, username="t-officer"),
        "other_head": user_with_role(Role.HEAD, commune2, username="t-other-head"),
        "other_organiser": user_with_role(Role.ORGANISER, other, username="t-other-organiser"),
    }
    return World(
        organiser=organiser,
        other_organiser=other,
        dept=dept,
        commune=commune,
        commune2=commune2,
        ward=ward,
        merged=merged,
        dept_set=dept_set,
        commune_set=commune_set,
        users=users,
    )


@dataclass
class Setup:
    campaign: Campaign
    dept_group: RankingGroup
    commune_group: RankingGroup


@pytest.fixture
def setup(world: World) -> Setup:
    """A campaign in preparation: groups 'so-nganh' and 'xa-phuong', the department and two
    communes added (commune2 is in the campaign but not the head's unit)."""
    actor = world.users["organiser"]
    campaign = services.campaign_create(
        actor=actor,
        organiser=world.organiser,
        year=2025,
        slug="cchc-2025",
        name="Xác định Chỉ số CCHC năm 2025",
    )
    dept_group = services.group_create(
        campaign=campaign, actor=actor, code="so-nganh", name="Sở, ban, ngành"
    )
    commune_group = services.group_create(
        campaign=campaign, actor=actor, code="xa-phuong", name="Xã, phường"
    )
    services.assessed_unit_add(
        campaign=campaign, unit=world.dept, group=dept_group, framework=world.dept_set, actor=actor
    )
    services.assessed_units_add_bulk(
        campaign=campaign,
        units=[world.commune, world.commune2],
        group=commune_group,
        framework=world.commune_set,
        actor=actor,
    )
    return Setup(campaign=campaign, dept_group=dept_group, commune_group=commune_group)


def refresh(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj
