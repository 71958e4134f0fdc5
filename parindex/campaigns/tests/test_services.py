"""Services: campaign set-up, freezing on opening, kind and validity checks, phases,
exceptions, not-applicable declarations, optimistic locking, audit entries."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from parindex.campaigns import services
from parindex.campaigns.models import (
    AssessedUnit,
    Campaign,
    CampaignStatus,
    NotApplicableDeclaration,
    Phase,
    PhaseException,
    PhaseState,
    RankingGroup,
)
from parindex.campaigns.tests.conftest import Setup, World, refresh
from parindex.campaigns.tests.factories import FrameworkVersionFactory
from parindex.core.errors import ConflictError, ServiceError
from parindex.core.models import AuditEntry
from parindex.frameworks.models import FrameworkStatus
from parindex.frameworks.tests.factories import stored_version
from parindex.units.kinds import UnitKind
from parindex.units.tests.factories import UnitFactory


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


# --- Campaigns ----------------------------------------------------------------------------


def test_create_makes_six_unopened_phases_and_audits(world: World) -> None:
    campaign = services.campaign_create(
        actor=world.users["organiser"],
        organiser=world.organiser,
        year=2025,
        slug="cchc-2025",
        name="Đợt 2025",
        period_start=date(2025, 1, 1),
        period_end=date(2025, 12, 31),
    )
    assert campaign.status == CampaignStatus.PREPARING
    assert sorted(campaign.phases.values_list("kind", flat=True)) == sorted(
        ["self_assessment", "surveys", "appraisal", "explanation", "approval", "publication"]
    )
    assert set(campaign.phases.values_list("state", flat=True)) == {PhaseState.NOT_OPENED}
    entry = AuditEntry.objects.get(action="campaign.create")
    assert entry.actor == world.users["organiser"]
    assert entry.scope_unit_id == world.organiser.pk


@pytest.mark.parametrize("slug", ["CCHC 2025", "tao-moi", "-x", "có-dấu"])
def test_create_refuses_bad_slug(world: World, slug: str) -> None:
    with pytest.raises(ServiceError):
        services.campaign_create(
            actor=world.users["organiser"],
            organiser=world.organiser,
            year=2025,
            slug=slug,
            name="Đợt",
        )


def test_create_refuses_taken_slug(world: World, setup: Setup) -> None:
    with pytest.raises(ServiceError, match="đã được dùng"):
        services.campaign_create(
            actor=world.users["organiser"],
            organiser=world.organiser,
            year=2026,
            slug="cchc-2025",
            name="Khác",
        )


def test_create_refused_for_another_organiser(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=world.users["other_organiser"],
            organiser=world.organiser,
            year=2025,
            slug="x-2025",
            name="Đợt",
        )
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=world.users["head"],
            organiser=world.organiser,
            year=2025,
            slug="x-2025",
            name="Đợt",
        )


def test_update_with_stale_revision_is_a_conflict(world: World, setup: Setup) -> None:
    campaign = setup.campaign
    stale = campaign.revision
    services.campaign_update(
        campaign=campaign,
        actor=world.users["organiser"],
        expected_revision=stale,
        name="Tên mới",
        plan_reference="12/KH-UBND",
        period_start=None,
        period_end=None,
    )
    assert refresh(campaign).name == "Tên mới"
    with pytest.raises(ConflictError):
        services.campaign_update(
            campaign=Campaign.objects.get(pk=campaign.pk),
            actor=world.users["organiser"],
            expected_revision=stale,
            name="Tên khác",
            plan_reference="",
            period_start=None,
            period_end=None,
        )
    entry = AuditEntry.objects.filter(action="campaign.update").get()
    assert entry.changes["name"] == ["Xác định Chỉ số CCHC năm 2025", "Tên mới"]


def test_slug_and_year_fixed_after_opening(world: World, setup: Setup) -> None:
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    campaign = refresh(setup.campaign)
    with pytest.raises(ServiceError, match="chưa mở"):
        services.campaign_update(
            campaign=campaign,
            actor=world.users["organiser"],
            expected_revision=campaign.revision,
            name=campaign.name,
            plan_reference="",
            period_start=None,
            period_end=None,
            slug="doi-ma",
        )


# --- Freezing on opening -----------------------------------------------------------------


def test_open_freezes_every_version_used(world: World, setup: Setup) -> None:
    assert world.dept_set.status == FrameworkStatus.DRAFT
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    campaign = refresh(setup.campaign)
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.opened_at is not None
    for version in (refresh(world.dept_set), refresh(world.commune_set)):
        assert version.status == FrameworkStatus.FROZEN
        assert version.frozen_at is not None
        assert version.frozen_by == world.users["organiser"]
    assert actions().count("framework.freeze") == 2
    assert "campaign.open" in actions()


def test_open_needs_at_least_one_unit(world: World) -> None:
    campaign = services.campaign_create(
        actor=world.users["organiser"],
        organiser=world.organiser,
        year=2025,
        slug="rong",
        name="Đợt rỗng",
    )
    with pytest.raises(ServiceError, match="ít nhất một đơn vị"):
        services.campaign_open(campaign=campaign, actor=world.users["organiser"])
    assert refresh(campaign).status == CampaignStatus.PREPARING


def test_open_twice_is_refused(world: World, setup: Setup) -> None:
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    with pytest.raises(ServiceError, match="đã được mở"):
        services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])


def test_open_unused_draft_stays_draft(world: World, setup: Setup) -> None:
    unused = FrameworkVersionFactory(organiser=world.organiser, code="khong-dung")
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    assert refresh(unused).status == FrameworkStatus.DRAFT


def test_adding_after_opening_freezes_the_draft_set(world: World, setup: Setup) -> None:
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    new_set = FrameworkVersionFactory(
        organiser=world.organiser, code="bo-phuong", applies_to=["phuong"]
    )
    assert new_set.status == FrameworkStatus.DRAFT
    member = services.assessed_unit_add(
        campaign=setup.campaign,
        unit=world.ward,
        group=setup.commune_group,
        framework=new_set,
        actor=world.users["organiser"],
    )
    assert refresh(new_set).status == FrameworkStatus.FROZEN
    assert refresh(new_set).frozen_at is not None
    assert member.framework.is_frozen


def test_adding_before_opening_leaves_the_set_draft(world: World, setup: Setup) -> None:
    services.assessed_unit_add(
        campaign=setup.campaign,
        unit=world.ward,
        group=setup.commune_group,
        framework=world.commune_set,
        actor=world.users["organiser"],
    )
    assert refresh(world.commune_set).status == FrameworkStatus.DRAFT


# --- Assessed units: kind, validity, duplicates -----------------------------------------


def test_kind_not_covered_is_refused_naming_unit_kind_and_set(world: World, setup: Setup) -> None:
    with pytest.raises(ServiceError) as caught:
        services.assessed_unit_add(
            campaign=setup.campaign,
            unit=world.ward,
            group=setup.dept_group,
            framework=world.dept_set,
            actor=world.users["organiser"],
        )
    message = caught.value.messages[0]
    assert "UBND phường Thành Sen" in message
    assert "“Phường”" in message
    assert "Bộ tiêu chí sở, ban, ngành 2025" in message
    assert "Sở, ban, ngành" in message
    assert not AssessedUnit.objects.filter(unit=world.ward).exists()


def test_set_without_kinds_is_refused(world: World, setup: Setup) -> None:
    empty = FrameworkVersionFactory(organiser=world.organiser, code="rong", applies_to=[])
    with pytest.raises(ServiceError, match="chưa ghi loại đơn vị nào"):
        services.assessed_unit_add(
            campaign=setup.campaign,
            unit=world.ward,
            group=setup.commune_group,
            framework=empty,
            actor=world.users["organiser"],
        )


def test_unit_not_valid_at_period_end_is_refused(world: World, setup: Setup) -> None:
    with pytest.raises(ServiceError) as caught:
        services.assessed_unit_add(
            campaign=setup.campaign,
            unit=world.merged,
            group=setup.commune_group,
            framework=world.commune_set,
            actor=world.users["organiser"],
        )
    assert "không còn hiệu lực vào ngày 31/12/2025" in caught.value.messages[0]
    assert "hiệu lực đến 30/06/2025" in caught.value.messages[0]


def test_unit_outside_registry_is_refused(world: World, setup: Setup) -> None:
    foreign = UnitFactory(
        code="xa-ngoai", name="UBND xã Ngoài", kind=UnitKind.XA, organiser=world.other_organiser
    )
    with pytest.raises(ServiceError, match="không thuộc danh sách đơn vị"):
        services.assessed_unit_add(
            campaign=setup.campaign,
            unit=foreign,
            group=setup.commune_group,
            framework=world.commune_set,
            actor=world.users["organiser"],
        )


def test_unit_already_added_is_refused(world: World, setup: Setup) -> None:
    with pytest.raises(ServiceError, match="đã có trong đợt"):
        services.assessed_unit_add(
            campaign=setup.campaign,
            unit=world.commune,
            group=setup.commune_group,
            framework=world.commune_set,
            actor=world.users["organiser"],
        )


def test_another_organisers_draft_set_is_refused(world: World, setup: Setup) -> None:
    foreign_set = FrameworkVersionFactory(organiser=world.other_organiser, code="bo-khac")
    with pytest.raises(ServiceError, match="dự thảo của Sở Nội vụ tỉnh Khác"):
        services.assessed_unit_add(
            campaign=setup.campaign,
            unit=world.ward,
            group=setup.commune_group,
            framework=foreign_set,
            actor=world.users["organiser"],
        )


def test_bulk_is_all_or_nothing_and_names_each_unit(world: World, setup: Setup) -> None:
    extra = UnitFactory(
        code="ky-anh-t", name="UBND phường Kỳ Anh", kind=UnitKind.PHUONG, organiser=world.organiser
    )
    with pytest.raises(ServiceError) as caught:
        services.assessed_units_add_bulk(
            campaign=setup.campaign,
            units=[world.ward, extra, world.merged, world.commune],
            group=setup.commune_group,
            framework=world.commune_set,
            actor=world.users["organiser"],
        )
    text = "\n".join(caught.value.messages)
    assert "UBND xã Sơn Hồng (trước sắp xếp)" in text
    assert "UBND xã Sơn Lĩnh (son-linh-test) đã có trong đợt" in text
    assert len(caught.value.messages) == 2
    assert not AssessedUnit.objects.filter(unit__in=[world.ward, extra]).exists()
    added = services.assessed_units_add_bulk(
        campaign=setup.campaign,
        units=[world.ward, extra],
        group=setup.commune_group,
        framework=world.commune_set,
        actor=world.users["organiser"],
    )
    assert len(added) == 2
    assert actions().count("campaign.unit.add") == 5


def test_remove_only_before_opening(world: World, setup: Setup) -> None:
    member = AssessedUnit.objects.get(campaign=setup.campaign, unit=world.commune2)
    services.assessed_unit_remove(assessed=member, actor=world.users["organiser"])
    assert not AssessedUnit.objects.filter(pk=member.pk).exists()
    assert "campaign.unit.remove" in actions()
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    other = AssessedUnit.objects.get(campaign=setup.campaign, unit=world.commune)
    with pytest.raises(ServiceError, match="chưa mở"):
        services.assessed_unit_remove(assessed=other, actor=world.users["organiser"])


def test_move_group_after_opening_but_not_set(world: World, setup: Setup) -> None:
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    member = AssessedUnit.objects.get(campaign=setup.campaign, unit=world.commune)
    other_group = services.group_create(
        campaign=setup.campaign,
        actor=world.users["organiser"],
        code="xa-mien-nui",
        name="Xã miền núi",
    )
    services.assessed_unit_update(
        assessed=member,
        actor=world.users["organiser"],
        expected_revision=member.revision,
        group=other_group,
        framework=member.framework,
    )
    assert refresh(member).group == other_group
    new_set = FrameworkVersionFactory(organiser=world.organiser, code="bo-moi")
    with pytest.raises(ServiceError, match="chưa mở"):
        services.assessed_unit_update(
            assessed=refresh(member),
            actor=world.users["organiser"],
            expected_revision=refresh(member).revision,
            group=other_group,
            framework=new_set,
        )


# --- Groups -------------------------------------------------------------------------------


def test_group_crud_and_delete_refused_with_members(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    group = services.group_create(campaign=setup.campaign, actor=actor, code="moi", name="Mới")
    assert group.position == 3
    services.group_update(
        group=group,
        actor=actor,
        expected_revision=group.revision,
        code="moi-2",
        name="Mới hơn",
        position=9,
    )
    assert refresh(group).code == "moi-2"
    with pytest.raises(ConflictError):
        services.group_update(
            group=refresh(group),
            actor=actor,
            expected_revision=1,
            code="moi-2",
            name="X",
            position=1,
        )
    with pytest.raises(ServiceError, match="đã có trong đợt"):
        services.group_create(campaign=setup.campaign, actor=actor, code="so-nganh", name="Trùng")
    with pytest.raises(ServiceError, match="còn 2 đơn vị"):
        services.group_delete(group=setup.commune_group, actor=actor)
    services.group_delete(group=group, actor=actor)
    assert not RankingGroup.objects.filter(pk=group.pk).exists()
    assert {"campaign.group.create", "campaign.group.update", "campaign.group.delete"} <= set(
        actions()
    )


# --- Phases ---------------------------------------------------------------------------------


def sa_phase(setup: Setup) -> Phase:
    return Phase.objects.get(campaign=setup.campaign, kind="self_assessment")


def test_phase_dates_checked_and_audited(world: World, setup: Setup) -> None:
    phase = sa_phase(setup)
    with pytest.raises(ServiceError, match="phải từ ngày bắt đầu"):
        services.phase_set_dates(
            phase=phase,
            actor=world.users["organiser"],
            expected_revision=phase.revision,
            starts_on=date(2025, 12, 1),
            deadline=date(2025, 11, 30),
        )
    services.phase_set_dates(
        phase=phase,
        actor=world.users["organiser"],
        expected_revision=phase.revision,
        starts_on=date(2025, 11, 1),
        deadline=date(2025, 11, 30),
    )
    assert refresh(phase).deadline == date(2025, 11, 30)
    with pytest.raises(ConflictError):
        services.phase_set_dates(
            phase=phase,
            actor=world.users["organiser"],
            expected_revision=1,
            starts_on=None,
            deadline=None,
        )
    entry = AuditEntry.objects.get(action="campaign.phase.dates")
    assert entry.changes["deadline"] == [None, "2025-11-30"]


def test_phase_open_close_reopen(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    phase = sa_phase(setup)
    with pytest.raises(ServiceError, match="Mở đợt đánh giá trước"):
        services.phase_open(phase=phase, actor=actor)
    services.campaign_open(campaign=setup.campaign, actor=actor)
    services.phase_open(phase=phase, actor=actor)
    assert refresh(phase).state == PhaseState.OPEN
    assert phase.opened_at is not None
    with pytest.raises(ServiceError, match="đã mở trước đó"):
        services.phase_open(phase=phase, actor=actor)
    services.phase_close(phase=phase, actor=actor)
    assert refresh(phase).state == PhaseState.CLOSED
    with pytest.raises(ServiceError, match="Cần nhập lý do"):
        services.phase_reopen(phase=phase, actor=actor, reason="  ")
    services.phase_reopen(
        phase=phase, actor=actor, reason="Hệ thống lỗi ngày cuối", deadline=date(2025, 12, 3)
    )
    assert refresh(phase).state == PhaseState.OPEN
    assert phase.deadline == date(2025, 12, 3)
    assert ["campaign.phase.open", "campaign.phase.close", "campaign.phase.reopen"] == [
        a for a in actions() if a.startswith("campaign.phase.")
    ]


def test_phases_may_overlap(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    services.campaign_open(campaign=setup.campaign, actor=actor)
    for kind in ("self_assessment", "surveys"):
        services.phase_open(
            phase=Phase.objects.get(campaign=setup.campaign, kind=kind), actor=actor
        )
    assert Phase.objects.filter(campaign=setup.campaign, state=PhaseState.OPEN).count() == 2


def test_close_campaign_closes_open_phases(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    services.campaign_open(campaign=setup.campaign, actor=actor)
    services.phase_open(phase=sa_phase(setup), actor=actor)
    services.campaign_close(campaign=setup.campaign, actor=actor)
    assert refresh(setup.campaign).status == CampaignStatus.CLOSED
    assert refresh(sa_phase(setup)).state == PhaseState.CLOSED
    with pytest.raises(ServiceError, match="đã kết thúc"):
        services.group_create(campaign=setup.campaign, actor=actor, code="x", name="X")


def test_phase_services_refused_to_others(world: World, setup: Setup) -> None:
    phase = sa_phase(setup)
    for who in ("chairman", "council", "head", "other_organiser"):
        with pytest.raises(PermissionDenied):
            services.phase_set_dates(
                phase=phase,
                actor=world.users[who],
                expected_revision=phase.revision,
                starts_on=None,
                deadline=date(2025, 11, 30),
            )


# --- Exceptions -----------------------------------------------------------------------------


def with_deadline(world: World, setup: Setup) -> Phase:
    phase = sa_phase(setup)
    services.phase_set_dates(
        phase=phase,
        actor=world.users["organiser"],
        expected_revision=phase.revision,
        starts_on=None,
        deadline=date(2025, 11, 30),
    )
    return refresh(phase)


def test_exception_needs_reason_and_date_not_before_deadline(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    phase = sa_phase(setup)
    with pytest.raises(ServiceError, match="chưa có hạn chót"):
        services.exception_grant(
            phase=phase, unit=world.commune, until=date(2025, 12, 5), reason="Bão", actor=actor
        )
    phase = with_deadline(world, setup)
    with pytest.raises(ServiceError, match="Cần nhập lý do gia hạn"):
        services.exception_grant(
            phase=phase, unit=world.commune, until=date(2025, 12, 5), reason="", actor=actor
        )
    with pytest.raises(ServiceError, match=r"phải từ hạn chót của giai đoạn \(30/11/2025\)"):
        services.exception_grant(
            phase=phase, unit=world.commune, until=date(2025, 11, 29), reason="Bão", actor=actor
        )
    with pytest.raises(ServiceError, match="không thuộc danh sách được đánh giá"):
        services.exception_grant(
            phase=phase, unit=world.ward, until=date(2025, 12, 5), reason="Bão", actor=actor
        )
    same_day = services.exception_grant(
        phase=phase, unit=world.commune, until=date(2025, 11, 30), reason="Bão", actor=actor
    )
    assert same_day.is_active


def test_exception_replaces_earlier_one_and_revokes(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    phase = with_deadline(world, setup)
    first = services.exception_grant(
        phase=phase, unit=world.commune, until=date(2025, 12, 3), reason="Bão", actor=actor
    )
    second = services.exception_grant(
        phase=phase, unit=world.commune, until=date(2025, 12, 7), reason="Bão kéo dài", actor=actor
    )
    assert not refresh(first).is_active
    assert refresh(first).revoked_at is not None
    assert (
        PhaseException.objects.filter(phase=phase, unit=world.commune, is_active=True).get()
        == second
    )
    services.exception_revoke(exception=second, actor=actor)
    assert not refresh(second).is_active
    with pytest.raises(ServiceError, match="đã được thu hồi"):
        services.exception_revoke(exception=second, actor=actor)
    grant = AuditEntry.objects.filter(action="campaign.exception.grant").order_by("id").last()
    assert grant is not None
    assert grant.changes["until"] == ["2025-12-03", "2025-12-07"]
    assert grant.scope_unit_id == world.commune.pk
    assert "campaign.exception.revoke" in actions()


def test_no_exception_for_organiser_phases(world: World, setup: Setup) -> None:
    phase = Phase.objects.get(campaign=setup.campaign, kind="appraisal")
    with pytest.raises(ServiceError, match="không gia hạn theo đơn vị"):
        services.exception_grant(
            phase=phase,
            unit=world.commune,
            until=date(2025, 12, 5),
            reason="x",
            actor=world.users["organiser"],
        )


# --- Not-applicable declarations --------------------------------------------------------------


def test_declare_survey_node_not_applicable(world: World, setup: Setup) -> None:
    declaration = services.na_declare(
        campaign=setup.campaign,
        framework=world.commune_set,
        node_code="2.1",
        reason="Năm nay không tổ chức điều tra xã hội học",
        actor=world.users["organiser"],
    )
    assert declaration.node_name == "Đánh giá qua điều tra xã hội học"
    assert declaration.source == "survey"
    assert AuditEntry.objects.filter(action="campaign.na.declare").count() == 1
    with pytest.raises(ServiceError, match="đã được khai báo"):
        services.na_declare(
            campaign=setup.campaign,
            framework=world.commune_set,
            node_code="2.1",
            reason="Lần nữa",
            actor=world.users["organiser"],
        )


def test_declare_parent_only_when_all_leaves_are_survey_or_organiser(
    world: World, setup: Setup
) -> None:
    ok = services.na_declare(
        campaign=setup.campaign,
        framework=world.commune_set,
        node_code="2",
        reason="Không khảo sát",
        actor=world.users["organiser"],
    )
    assert ok.source == "organiser,survey"
    with pytest.raises(ServiceError, match="đơn vị tự đánh giá"):
        services.na_declare(
            campaign=setup.campaign,
            framework=world.commune_set,
            node_code="1.1",
            reason="x",
            actor=world.users["organiser"],
        )


def test_declare_refusals(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    with pytest.raises(ServiceError, match=r"không có tiêu chí mã 9\.9"):
        services.na_declare(
            campaign=setup.campaign,
            framework=world.commune_set,
            node_code="9.9",
            reason="x",
            actor=actor,
        )
    with pytest.raises(ServiceError, match="Cần nhập lý do"):
        services.na_declare(
            campaign=setup.campaign,
            framework=world.commune_set,
            node_code="2.1",
            reason=" ",
            actor=actor,
        )
    unused = FrameworkVersionFactory(organiser=world.organiser, code="khong-dung")
    with pytest.raises(ServiceError, match="chưa áp dụng cho đơn vị nào"):
        services.na_declare(
            campaign=setup.campaign, framework=unused, node_code="2.1", reason="x", actor=actor
        )
    with pytest.raises(PermissionDenied):
        services.na_declare(
            campaign=setup.campaign,
            framework=world.commune_set,
            node_code="2.1",
            reason="x",
            actor=world.users["chairman"],
        )


INHERITED_SOURCES = """\
format: parindex-framework/1
code: bo-nguon-diem
name: Bộ tiêu chí nguồn điểm
year: 2025
applies_to: [so_nganh]
questionnaires:
  - code: lanh-dao
    name: Phiếu lãnh đạo
    scale:
      - {code: A, label: "Tốt", share: 1}
      - {code: B, label: "Kém", share: 0}
    questions:
      - {code: C1, text: "Câu một"}
nodes:
  - code: "1"
    name: Công tác chỉ đạo
    max: 10
    rule: manual
  - code: "8"
    name: Tác động của CCHC
    max: 20
    source: organiser
    children:
      - code: "8.1"
        name: Chỉ số hài lòng (SIPAS)
        max: 10
        rule: manual
      - code: "8.2"
        name: Đánh giá của lãnh đạo
        max: 10
        rule: {survey: {questionnaire: lanh-dao, questions: [C1]}}
"""


def test_declare_reads_inherited_sources_and_survey_rules(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    version = stored_version(world.organiser, INHERITED_SOURCES)
    unit = UnitFactory(
        code="so-y-te-test", name="Sở Y tế", kind=UnitKind.SO_NGANH, organiser=world.organiser
    )
    services.assessed_unit_add(
        campaign=setup.campaign, unit=unit, group=setup.dept_group, framework=version, actor=actor
    )
    leaf = services.na_declare(
        campaign=setup.campaign, framework=version, node_code="8.1", reason="x", actor=actor
    )
    assert (leaf.node_name, leaf.source) == ("Chỉ số hài lòng (SIPAS)", "organiser")
    services.na_withdraw(declaration=leaf, actor=actor)
    parent = services.na_declare(
        campaign=setup.campaign, framework=version, node_code="8", reason="x", actor=actor
    )
    assert parent.source == "organiser,survey"
    with pytest.raises(ServiceError, match="lấy điểm từ: đơn vị tự đánh giá"):
        services.na_declare(
            campaign=setup.campaign, framework=version, node_code="1", reason="x", actor=actor
        )


def test_withdraw_declaration_then_declare_again(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    first = services.na_declare(
        campaign=setup.campaign,
        framework=world.commune_set,
        node_code="2.2",
        reason="Không đo SIPAS",
        actor=actor,
    )
    services.na_withdraw(declaration=first, actor=actor)
    assert not refresh(first).is_active
    with pytest.raises(ServiceError, match="đã được rút lại"):
        services.na_withdraw(declaration=first, actor=actor)
    again = services.na_declare(
        campaign=setup.campaign,
        framework=world.commune_set,
        node_code="2.2",
        reason="Lại không đo",
        actor=actor,
    )
    assert again.is_active
    assert NotApplicableDeclaration.objects.filter(campaign=setup.campaign).count() == 2
    assert "campaign.na.withdraw" in actions()
