"""A small world for evidence tests: a criteria set with every evidence requirement, an
opened campaign whose self-assessment phase is open, two communes, people in every role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.assessments.models import Assessment, Assignment
from parindex.assessments.services import assessment_get_or_create
from parindex.campaigns import services as campaign_services
from parindex.campaigns.models import AssessedUnit, Campaign, Phase
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.tests.factories import stored_version
from parindex.units.kinds import UnitKind
from parindex.units.models import Unit
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

PASSWORD = "matkhau-Thu-123"

FRAMEWORK_YAML = """\
format: parindex-framework/1
code: {code}
name: Bộ tiêu chí thử tài liệu kiểm chứng
year: 2025
applies_to: [xa, phuong]
nodes:
  - code: "1"
    name: Công tác chỉ đạo, điều hành CCHC
    max: 3
    children:
      - code: "1.1"
        name: Kế hoạch CCHC năm
        max: 1
        evidence: required
        evidence_hint: Kế hoạch CCHC năm (số, ký hiệu, ngày ban hành)
        rule: manual
      - code: "1.2"
        name: Báo cáo CCHC định kỳ
        max: 1
        evidence: required
        rule: manual
      - code: "1.3"
        name: Tuyên truyền CCHC
        max: 1
        evidence: optional
        rule: manual
  - code: "2"
    name: Cải cách thủ tục hành chính
    max: 4
    children:
      - code: "2.1"
        name: Công khai thủ tục hành chính
        max: 1
        evidence: required
        may_not_apply: true
        rule: manual
      - code: "2.2"
        name: Tiếp nhận phản ánh, kiến nghị
        max: 1
        evidence: none
        rule: manual
      - code: "2.3"
        name: Mức độ hài lòng của người dân
        max: 1
        source: survey
        evidence: required
        rule: manual
      - code: "2.4"
        name: Chính quyền điện tử cấp phường
        max: 1
        evidence: required
        applies_to: [phuong]
        rule: manual
"""


def evidence_version(organiser: Unit, code: str = "bo-tai-lieu") -> FrameworkVersion:
    return stored_version(organiser, FRAMEWORK_YAML.format(code=code))


@dataclass
class World:
    organiser: Unit
    other_organiser: Unit
    commune: Unit
    commune2: Unit
    campaign: Campaign
    version: FrameworkVersion
    users: dict[str, Any] = field(default_factory=dict)

    def assessment(self, unit: Unit | None = None) -> Assessment:
        unit = unit or self.commune
        au = AssessedUnit.objects.get(campaign=self.campaign, unit=unit)
        actor = self.users["head"] if unit == self.commune else self.users["other_head"]
        return assessment_get_or_create(actor=actor, assessed_unit=au)


def build_world(prefix: str = "e", *, period: tuple[date, date] | None = None) -> World:
    organiser = OrganiserFactory(code=f"{prefix}-so-noi-vu", name="Sở Nội vụ tỉnh Thử")
    other = OrganiserFactory(code=f"{prefix}-so-khac", name="Sở Nội vụ tỉnh Khác")
    commune = UnitFactory(
        code=f"{prefix}-son-linh", name="UBND xã Sơn Lĩnh", kind=UnitKind.XA, organiser=organiser
    )
    commune2 = UnitFactory(
        code=f"{prefix}-son-thuy", name="UBND xã Sơn Thủy", kind=UnitKind.XA, organiser=organiser
    )
    version = evidence_version(organiser, code=f"{prefix}-bo-tai-lieu")
    admin = user_with_role(Role.ADMIN, None, username=f"{prefix}-admin")
    campaign = campaign_services.campaign_create(
        actor=admin,
        organiser=organiser,
        year=2025,
        slug=f"{prefix}-cchc-2025",
        name="Xác định Chỉ số CCHC năm 2025",
    )
    if period is not None:
        campaign.period_start, campaign.period_end = period
        campaign.save(update_fields=["period_start", "period_end"])
    group = campaign_services.group_create(
        campaign=campaign, actor=admin, code="xa-phuong", name="Xã, phường"
    )
    campaign_services.assessed_units_add_bulk(
        campaign=campaign, units=[commune, commune2], group=group, framework=version, actor=admin
    )
    campaign_services.campaign_open(campaign=campaign, actor=admin)
    phase = Phase.objects.get(campaign=campaign, kind="self_assessment")
    today = timezone.localdate()
    campaign_services.phase_set_dates(
        phase=phase,
        actor=admin,
        expected_revision=phase.revision,
        starts_on=today - timedelta(days=30),
        deadline=today + timedelta(days=10),
    )
    campaign_services.phase_open(phase=Phase.objects.get(pk=phase.pk), actor=admin)
    campaign.refresh_from_db()
    users = {
        "admin": admin,
        "organiser": user_with_role(Role.ORGANISER, organiser, username=f"{prefix}-organiser"),
        "chairman": user_with_role(Role.CHAIRMAN, organiser, username=f"{prefix}-chairman"),
        "council": user_with_role(Role.COUNCIL, organiser, username=f"{prefix}-council"),
        "observer": user_with_role(Role.OBSERVER, organiser, username=f"{prefix}-observer"),
        "head": user_with_role(
            Role.HEAD, commune, username=f"{prefix}-head", full_name="Nguyễn Văn Hùng"
        ),
        "focal": user_with_role(
            Role.FOCAL, commune, username=f"{prefix}-focal", full_name="Hoàng Thị Lan"
        ),
        "officer": user_with_role(
            Role.OFFICER, commune, username=f"{prefix}-officer", full_name="Đặng Văn Nam"
        ),
        "other_head": user_with_role(Role.HEAD, commune2, username=f"{prefix}-other-head"),
        "other_officer": user_with_role(Role.OFFICER, commune2, username=f"{prefix}-other-off"),
        "other_organiser": user_with_role(
            Role.ORGANISER, other, username=f"{prefix}-other-organiser"
        ),
    }
    return World(
        organiser=organiser,
        other_organiser=other,
        commune=commune,
        commune2=commune2,
        campaign=campaign,
        version=version,
        users=users,
    )


def assign(world: World, assessment: Assessment, code: str, role: str = "officer") -> None:
    Assignment.objects.create(
        assessment=assessment,
        node_code=code,
        assignee=world.users[role],
        assigned_by=world.users["head"],
    )


def add_document(
    world: World,
    *,
    unit: Unit | None = None,
    number: str = "12/KH-UBND",
    issued_on: date | None = date(2025, 3, 1),
    title: str = "Kế hoạch cải cách hành chính năm 2025",
    data: bytes | None = None,
    name: str = "tai-lieu.pdf",
    actor: Any = None,
) -> Any:
    """A confirmed document in ``unit``'s library (a distinct PDF per call unless ``data``)."""
    from parindex.evidence.services import evidence_update, evidence_upload

    from . import files

    unit = unit or world.commune
    owner = actor or (world.users["head"] if unit == world.commune else world.users["other_head"])
    if data is None:
        add_document.counter += 1  # type: ignore[attr-defined]
        data = files.plan_pdf(subject=f"Tài liệu số {add_document.counter}")  # type: ignore[attr-defined]
    result = evidence_upload(actor=owner, unit=unit, upload=files.upload(data, name))
    return evidence_update(
        actor=owner,
        document=result.document,
        expected_revision=result.document.revision,
        number_symbol=number,
        issued_on=issued_on,
        issuer="UBND xã Sơn Lĩnh",
        title=title,
    )


add_document.counter = 0  # type: ignore[attr-defined]
