"""Factories and builders for self-assessment tests: criteria-set versions from files, an
opened campaign whose self-assessment phase is open, and people for every role."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.campaigns import services as campaign_services
from parindex.campaigns.models import AssessedUnit, Campaign, Phase, PhaseState
from parindex.campaigns.tests.factories import framework_yaml
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.tests.factories import stored_version
from parindex.scoring.yamlio import dump_canonical_yaml, load_yaml_file
from parindex.units.kinds import UnitKind
from parindex.units.models import Unit
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

from ..models import Assessment
from ..services import assessment_get_or_create

EXAMPLE_SET = Path(__file__).resolve().parents[2] / "scoring" / "tests" / "data" / "vd-xa-2025.yaml"
PASSWORD = "matkhau-Thu-123"


@functools.cache
def _example_text(code: str, year: int) -> str:
    """The example set's canonical YAML under ``code`` and ``year`` (the file is read once)."""
    doc = load_yaml_file(EXAMPLE_SET)
    doc["code"], doc["year"] = code, year
    return dump_canonical_yaml(doc)


def example_version(
    organiser: Unit, *, code: str = "vd-xa-2025", year: int = 2025
) -> FrameworkVersion:
    """The example commune set (64 nodes, every rule shape) as a stored version."""
    return stored_version(organiser, _example_text(code, year))


# Consistency checks added to the example set (the shared copy has none): 1.1.2 and 1.4.1 may
# not count more done than planned; 1.4.1 warns about a plan of fewer than five items.
DONE_OVER_PLANNED = "Số nhiệm vụ đã hoàn thành không được lớn hơn số nhiệm vụ theo kế hoạch"
DONE_OVER_PLANNED_141 = "Số chỉ tiêu đã hoàn thành không được lớn hơn số chỉ tiêu theo kế hoạch"
SMALL_PLAN_141 = "Kế hoạch có dưới 5 chỉ tiêu: hãy kiểm tra lại số chỉ tiêu theo kế hoạch"
CHECKS: dict[str, list[dict[str, str]]] = {
    "1.1.2": [{"require": "done <= planned", "message": DONE_OVER_PLANNED}],
    "1.4.1": [
        {"require": "done <= planned", "message": DONE_OVER_PLANNED_141},
        {"require": "planned >= 5", "message": SMALL_PLAN_141, "level": "warning"},
    ],
}


def _node_in(nodes: list[Any], code: str) -> Any:
    for node in nodes:
        if node["code"] == code:
            return node
        found = _node_in(node.get("children") or [], code)
        if found is not None:
            return found
    return None


@functools.cache
def _checked_text(code: str) -> str:
    doc = load_yaml_file(EXAMPLE_SET)
    doc["code"] = code
    for node_code, checks in CHECKS.items():
        _node_in(doc["nodes"], node_code)["rule"]["checks"] = checks
    return dump_canonical_yaml(doc)


def checked_version(organiser: Unit, *, code: str = "vd-xa-2025") -> FrameworkVersion:
    """The example commune set with the consistency checks of :data:`CHECKS`."""
    return stored_version(organiser, _checked_text(code))


def small_version(organiser: Unit, *, code: str = "bo-nho") -> FrameworkVersion:
    """Three leaves: one manual (self), one survey, one organiser-sourced."""
    return stored_version(organiser, framework_yaml(code, "Bộ tiêu chí nhỏ", ["xa", "phuong"]))


def open_campaign(
    *,
    organiser: Unit,
    units: list[Unit],
    version: FrameworkVersion,
    slug: str = "cchc-2025",
    year: int = 2025,
    deadline: date | None = None,
    open_self_assessment: bool = True,
) -> Campaign:
    """A campaign with the units in one group, opened, its self-assessment phase open."""
    actor = user_with_role(Role.ADMIN, None, username=f"admin-{slug}")
    campaign = campaign_services.campaign_create(
        actor=actor, organiser=organiser, year=year, slug=slug, name=f"Đợt {slug}"
    )
    group = campaign_services.group_create(
        campaign=campaign, actor=actor, code="xa-phuong", name="Xã, phường"
    )
    campaign_services.assessed_units_add_bulk(
        campaign=campaign, units=units, group=group, framework=version, actor=actor
    )
    campaign_services.campaign_open(campaign=campaign, actor=actor)
    phase = Phase.objects.get(campaign=campaign, kind="self_assessment")
    today = timezone.localdate()
    campaign_services.phase_set_dates(
        phase=phase,
        actor=actor,
        expected_revision=phase.revision,
        starts_on=today - timedelta(days=30),
        deadline=deadline or today + timedelta(days=10),
    )
    if open_self_assessment:
        campaign_services.phase_open(phase=Phase.objects.get(pk=phase.pk), actor=actor)
    campaign.refresh_from_db()
    return campaign


@dataclass
class World:
    organiser: Unit
    commune: Unit
    commune2: Unit
    version: FrameworkVersion
    campaign: Campaign
    users: dict[str, Any] = field(default_factory=dict)

    def assessed(self, unit: Unit | None = None) -> AssessedUnit:
        return AssessedUnit.objects.get(campaign=self.campaign, unit=unit or self.commune)

    def assessment(self, unit: Unit | None = None) -> Assessment:
        return assessment_get_or_create(
            actor=self.users["head"] if unit is None else self.users["other_head"],
            assessed_unit=self.assessed(unit),
        )

    def admin(self) -> Any:
        return self.users["admin"]

    def phase(self, kind: str = "self_assessment") -> Phase:
        return Phase.objects.get(campaign=self.campaign, kind=kind)

    def open_phase(self, kind: str) -> None:
        phase = self.phase(kind)
        if phase.state == PhaseState.NOT_OPENED:
            campaign_services.phase_open(phase=phase, actor=self.users["organiser"])


def build_world(*, version_builder: Any = example_version, prefix: str = "t") -> World:
    organiser = OrganiserFactory(code=f"{prefix}-so-noi-vu", name="Sở Nội vụ tỉnh Thử")
    commune = UnitFactory(
        code=f"{prefix}-son-linh", name="UBND xã Sơn Lĩnh", kind=UnitKind.XA, organiser=organiser
    )
    commune2 = UnitFactory(
        code=f"{prefix}-son-thuy", name="UBND xã Sơn Thủy", kind=UnitKind.XA, organiser=organiser
    )
    version = version_builder(organiser)
    campaign = open_campaign(
        organiser=organiser, units=[commune, commune2], version=version, slug=f"{prefix}-cchc-2025"
    )
    users = {
        "admin": user_with_role(Role.ADMIN, None, username=f"{prefix}-admin"),
        "organiser": user_with_role(Role.ORGANISER, organiser, username=f"{prefix}-organiser"),
        "council": user_with_role(Role.COUNCIL, organiser, username=f"{prefix}-council"),
        "observer": user_with_role(Role.OBSERVER, organiser, username=f"{prefix}-observer"),
        "head": user_with_role(
            Role.HEAD,
            commune,
            username=f"{prefix}-head",
            full_name="Nguyễn Văn Hùng",
            position="Chủ tịch UBND xã",
        ),
        "focal": user_with_role(
            Role.FOCAL,
            commune,
            username=f"{prefix}-focal",
            full_name="Hoàng Thị Lan",
            position="Công chức Văn phòng - Thống kê",
        ),
        "officer": user_with_role(
            Role.OFFICER,
            commune,
            username=f"{prefix}-officer",
            full_name="Đặng Văn Nam",
            position="Công chức Tư pháp - Hộ tịch",
        ),
        "officer2": user_with_role(
            Role.OFFICER,
            commune,
            username=f"{prefix}-officer2",
            full_name="Lê Thị Mai",
            position="Công chức Tài chính - Kế toán",
        ),
        "unit_observer": user_with_role(Role.OBSERVER, commune, username=f"{prefix}-uobserver"),
        "other_head": user_with_role(Role.HEAD, commune2, username=f"{prefix}-other-head"),
        "other_officer": user_with_role(Role.OFFICER, commune2, username=f"{prefix}-other-off"),
    }
    other = OrganiserFactory(code=f"{prefix}-so-khac", name="Sở Nội vụ tỉnh Khác")
    users["other_organiser"] = user_with_role(
        Role.ORGANISER, other, username=f"{prefix}-other-organiser"
    )
    return World(
        organiser=organiser,
        commune=commune,
        commune2=commune2,
        version=version,
        campaign=campaign,
        users=users,
    )
