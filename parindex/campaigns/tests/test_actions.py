"""The action layer in campaigns: the permission checked on the row as stored, ConflictError
with both revisions, the status machines answering both the pages and the services, multi-row
writes all or nothing, every audit entry declared and shown with Vietnamese labels."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from parindex.campaigns import services
from parindex.campaigns.models import (
    AssessedUnit,
    Campaign,
    CampaignStatus,
    Phase,
    PhaseState,
    PlanTask,
    RankingGroup,
)
from parindex.campaigns.services import campaigns as campaigns_module
from parindex.campaigns.services import plans as plans_module
from parindex.campaigns.services import units as units_module
from parindex.campaigns.tests.conftest import Setup, World, refresh
from parindex.campaigns.workflow import CampaignAction, PhaseAction
from parindex.core.audit import REGISTRY, audit_lines
from parindex.core.errors import ConflictError, ServiceError
from parindex.core.models import AuditEntry
from parindex.units.kinds import UnitKind
from parindex.units.tests.factories import UnitFactory


def sa_phase(setup: Setup) -> Phase:
    return Phase.objects.get(campaign=setup.campaign, kind="self_assessment")


def fail_on_call(n: int, real: Any) -> Any:
    """A stand-in for ``real`` that fails on its ``n``-th call (1-based)."""
    calls = {"n": 0}

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == n:
            raise RuntimeError("hỏng giữa chừng")
        return real(*args, **kwargs)

    return wrapped


# --- Optimistic locking: both revisions -------------------------------------------------------


def test_campaign_conflict_carries_both_revisions_and_names_the_campaign(
    world: World, setup: Setup
) -> None:
    campaign = setup.campaign
    loaded = campaign.revision
    services.campaign_update(
        campaign=Campaign.objects.get(pk=campaign.pk),
        actor=world.users["organiser"],
        expected_revision=loaded,
        name="Tên mới",
        plan_reference="",
        period_start=None,
        period_end=None,
    )
    with pytest.raises(ConflictError) as caught:
        services.campaign_update(
            campaign=campaign,
            actor=world.users["organiser"],
            expected_revision=loaded,
            name="Tên khác",
            plan_reference="",
            period_start=None,
            period_end=None,
        )
    assert caught.value.expected_revision == loaded
    assert caught.value.current_revision == loaded + 1
    assert caught.value.current.name == "Tên mới"
    assert "Xác định Chỉ số CCHC năm 2025" in caught.value.messages[0]
    assert "vừa được người khác thay đổi" in caught.value.messages[0]
    assert refresh(campaign).name == "Tên mới"


def test_service_updates_the_callers_copy(world: World, setup: Setup) -> None:
    campaign = setup.campaign
    before = campaign.revision
    returned = services.campaign_update(
        campaign=campaign,
        actor=world.users["organiser"],
        expected_revision=before,
        name="Tên mới",
        plan_reference="",
        period_start=None,
        period_end=None,
    )
    assert returned is campaign
    assert (campaign.name, campaign.revision) == ("Tên mới", before + 1)


def test_open_and_close_with_a_stale_page_are_conflicts(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    campaign = setup.campaign
    stale = campaign.revision
    services.campaign_update(
        campaign=Campaign.objects.get(pk=campaign.pk),
        actor=actor,
        expected_revision=stale,
        name="Đổi tên",
        plan_reference="",
        period_start=None,
        period_end=None,
    )
    with pytest.raises(ConflictError) as caught:
        services.campaign_open(campaign=campaign, actor=actor, expected_revision=stale)
    assert (caught.value.expected_revision, caught.value.current_revision) == (stale, stale + 1)
    assert refresh(campaign).status == CampaignStatus.PREPARING
    services.campaign_open(campaign=campaign, actor=actor, expected_revision=campaign.revision)
    assert campaign.status == CampaignStatus.OPEN
    with pytest.raises(ConflictError):
        services.campaign_close(campaign=campaign, actor=actor, expected_revision=stale)


def test_phase_transitions_bump_the_revision_and_check_it(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    services.campaign_open(campaign=setup.campaign, actor=actor)
    phase = sa_phase(setup)
    loaded = phase.revision
    services.phase_open(phase=phase, actor=actor, expected_revision=loaded)
    assert (phase.state, phase.revision) == (PhaseState.OPEN, loaded + 1)
    with pytest.raises(ConflictError) as caught:
        services.phase_close(phase=sa_phase(setup), actor=actor, expected_revision=loaded)
    assert (caught.value.expected_revision, caught.value.current_revision) == (loaded, loaded + 1)
    assert "Tự đánh giá, chấm điểm" in caught.value.messages[0]
    assert refresh(phase).state == PhaseState.OPEN


def test_closing_the_campaign_bumps_the_closed_phases(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    services.campaign_open(campaign=setup.campaign, actor=actor)
    phase = services.phase_open(phase=sa_phase(setup), actor=actor)
    services.campaign_close(campaign=setup.campaign, actor=actor)
    with pytest.raises(ConflictError):
        services.phase_set_dates(
            phase=phase,
            actor=actor,
            expected_revision=phase.revision,
            starts_on=None,
            deadline=date(2025, 12, 1),
        )


@pytest.mark.parametrize(
    ("service", "kwargs"),
    [
        ("group_update", {"code": "so-nganh", "name": "X", "position": 1}),
        ("task_update", None),
        ("assessed_unit_update", None),
    ],
)
def test_other_conflicts_carry_both_revisions(
    world: World, setup: Setup, service: str, kwargs: dict[str, Any] | None
) -> None:
    actor = world.users["organiser"]
    if service == "group_update":
        row: Any = setup.dept_group
        call = {"group": row, **(kwargs or {})}
    elif service == "task_update":
        row = services.task_create(campaign=setup.campaign, actor=actor, title="Việc A")
        call = {
            "task": row,
            "title": "Việc B",
            "time_text": "",
            "due_on": None,
            "phase": "",
            "lead_units": [],
            "lead_text": "",
            "co_units": [],
            "co_text": "",
            "notes": "",
        }
    else:
        row = AssessedUnit.objects.get(campaign=setup.campaign, unit=world.commune)
        call = {"assessed": row, "group": setup.dept_group, "framework": row.framework}
    type(row).objects.filter(pk=row.pk).update(revision=row.revision + 3)
    with pytest.raises(ConflictError) as caught:
        getattr(services, service)(actor=actor, expected_revision=row.revision, **call)
    assert caught.value.expected_revision == row.revision
    assert caught.value.current_revision == row.revision + 3


# --- The permission is checked on the row as stored --------------------------------------------


def test_permission_is_checked_on_the_stored_campaign(world: World, setup: Setup) -> None:
    """A copy doctored in memory (organiser switched to the actor's body) does not help."""
    doctored = Campaign.objects.get(pk=setup.campaign.pk)
    doctored.organiser = world.other_organiser
    with pytest.raises(PermissionDenied):
        services.campaign_open(campaign=doctored, actor=world.users["other_organiser"])
    with pytest.raises(PermissionDenied):
        services.group_create(
            campaign=doctored, actor=world.users["other_organiser"], code="x", name="X"
        )
    assert refresh(setup.campaign).status == CampaignStatus.PREPARING


def test_unit_plan_edit_checked_on_the_stored_campaign_status(world: World, setup: Setup) -> None:
    """The head edits the unit's plan once the campaign is open — as stored, not as loaded."""
    actor = world.users["organiser"]
    stale = Campaign.objects.get(pk=setup.campaign.pk)
    services.campaign_open(campaign=setup.campaign, actor=actor)
    task = services.task_create(
        campaign=stale, owner_unit=world.commune, actor=world.users["head"], title="Việc"
    )
    services.campaign_close(campaign=setup.campaign, actor=actor)
    with pytest.raises(PermissionDenied):
        services.task_set_status(task=task, actor=world.users["head"], status="done")
    assert refresh(task).status == "not_started"


def test_stored_row_gone_is_a_vietnamese_refusal(world: World, setup: Setup) -> None:
    group = services.group_create(
        campaign=setup.campaign, actor=world.users["organiser"], code="tam", name="Nhóm tạm"
    )
    RankingGroup.objects.filter(pk=group.pk).delete()
    with pytest.raises(ServiceError, match="Nhóm xếp hạng “Nhóm tạm” không còn"):
        services.group_delete(group=group, actor=world.users["organiser"])


# --- One check for the pages and the services ---------------------------------------------------


def _reason(options: list[Any], action: Any) -> str:
    [found] = [o for o in options if o.action == action]
    assert not found.allowed
    return str(found.reason)


def test_campaign_options_match_the_service_refusal(world: World) -> None:
    actor = world.users["organiser"]
    empty = services.campaign_create(
        actor=actor, organiser=world.organiser, year=2025, slug="rong", name="Đợt rỗng"
    )
    reason = _reason(services.campaign_options(actor, empty), CampaignAction.OPEN)
    with pytest.raises(ServiceError) as caught:
        services.campaign_open(campaign=empty, actor=actor)
    assert caught.value.messages == [reason]
    assert "ít nhất một đơn vị" in reason
    assert services.campaign_options(world.users["chairman"], empty) == []


def test_campaign_options_follow_the_status(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    [open_] = services.campaign_options(actor, setup.campaign)
    assert (open_.action, open_.allowed, open_.label) == (
        CampaignAction.OPEN,
        True,
        "Mở đợt đánh giá",
    )
    services.campaign_open(campaign=setup.campaign, actor=actor)
    [close] = services.campaign_options(actor, setup.campaign)
    assert (close.action, close.allowed) == (CampaignAction.CLOSE, True)
    services.campaign_close(campaign=setup.campaign, actor=actor)
    assert services.campaign_options(actor, setup.campaign) == []
    with pytest.raises(ServiceError, match="đã kết thúc"):
        services.campaign_open(campaign=setup.campaign, actor=actor)
    with pytest.raises(ServiceError, match="đã kết thúc trước đó"):
        services.campaign_close(campaign=setup.campaign, actor=actor)


def test_phase_options_match_the_service_refusals(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    phase = sa_phase(setup)
    reason = _reason(services.phase_options(actor, phase), PhaseAction.OPEN)
    with pytest.raises(ServiceError) as caught:
        services.phase_open(phase=phase, actor=actor)
    assert caught.value.messages == [reason] == ["Mở đợt đánh giá trước khi mở từng giai đoạn."]

    services.campaign_open(campaign=setup.campaign, actor=actor)
    phase = sa_phase(setup)
    assert [(o.action, o.allowed) for o in services.phase_options(actor, phase)] == [
        (PhaseAction.OPEN, True)
    ]
    services.phase_open(phase=phase, actor=actor)
    assert [o.action for o in services.phase_options(actor, phase)] == [PhaseAction.CLOSE]
    services.phase_close(phase=phase, actor=actor)
    assert [o.action for o in services.phase_options(actor, phase)] == [PhaseAction.REOPEN]
    with pytest.raises(ServiceError, match="dùng “Mở lại”"):
        services.phase_open(phase=phase, actor=actor)
    with pytest.raises(ServiceError, match="không đang mở"):
        services.phase_close(phase=phase, actor=actor)

    services.campaign_close(campaign=setup.campaign, actor=actor)
    phase = sa_phase(setup)
    reason = _reason(services.phase_options(actor, phase), PhaseAction.REOPEN)
    with pytest.raises(ServiceError) as caught:
        services.phase_reopen(phase=phase, actor=actor, reason="Bổ sung")
    assert caught.value.messages == [reason]
    assert "đã kết thúc" in reason
    assert services.phase_options(world.users["chairman"], phase) == []


def test_reopen_an_open_phase_is_refused_naming_it(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    services.campaign_open(campaign=setup.campaign, actor=actor)
    services.phase_open(phase=sa_phase(setup), actor=actor)
    with pytest.raises(ServiceError, match="Tự đánh giá, chấm điểm chưa đóng"):
        services.phase_reopen(phase=sa_phase(setup), actor=actor, reason="x")


def test_pages_offer_what_the_services_allow(client: Client, world: World, setup: Setup) -> None:
    client.force_login(world.users["organiser"])
    phases = client.get(reverse("campaigns:phases", args=[setup.campaign.slug])).content.decode()
    assert "Mở đợt đánh giá trước khi mở từng giai đoạn." in phases
    assert "Mở giai đoạn</button>" not in phases
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    phases = client.get(reverse("campaigns:phases", args=[setup.campaign.slug])).content.decode()
    assert phases.count("Mở giai đoạn</button>") == 6
    detail = client.get(reverse("campaigns:detail", args=[setup.campaign.slug])).content.decode()
    assert "Kết thúc đợt</button>" in detail and "Mở đợt đánh giá</button>" not in detail

    empty = services.campaign_create(
        actor=world.users["organiser"],
        organiser=world.organiser,
        year=2026,
        slug="rong-2026",
        name="Đợt rỗng",
    )
    detail = client.get(reverse("campaigns:detail", args=[empty.slug])).content.decode()
    assert "Mở đợt đánh giá</button>" not in detail
    assert "Cần có ít nhất một đơn vị được đánh giá trước khi mở đợt." in detail


def test_phase_button_with_a_stale_revision_is_refused(
    client: Client, world: World, setup: Setup
) -> None:
    client.force_login(world.users["organiser"])
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    phase = sa_phase(setup)
    url = reverse("campaigns:phase_action", args=[setup.campaign.slug, phase.kind, "mo"])
    response = client.post(url, {"revision": phase.revision + 5}, follow=True)
    assert "vừa được người khác thay đổi" in response.content.decode()
    assert refresh(phase).state == PhaseState.NOT_OPENED
    assert client.post(url.replace("/mo/", "/khong-co/")).status_code == 404


# --- Multi-row writes: all or nothing -----------------------------------------------------------


def test_bulk_add_failing_on_a_row_leaves_nothing_saved(
    world: World, setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = UnitFactory(
        code="ky-anh-t", name="UBND phường Kỳ Anh", kind=UnitKind.PHUONG, organiser=world.organiser
    )
    before = AuditEntry.objects.count()
    monkeypatch.setattr(units_module, "audit_record", fail_on_call(2, units_module.audit_record))
    with pytest.raises(RuntimeError):
        services.assessed_units_add_bulk(
            campaign=setup.campaign,
            units=[world.ward, extra],
            group=setup.commune_group,
            framework=world.commune_set,
            actor=world.users["organiser"],
        )
    assert not AssessedUnit.objects.filter(unit__in=[world.ward, extra]).exists()
    assert AuditEntry.objects.count() == before


def test_closing_a_campaign_failing_leaves_its_phases_open(
    world: World, setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = world.users["organiser"]
    services.campaign_open(campaign=setup.campaign, actor=actor)
    for kind in ("self_assessment", "surveys"):
        services.phase_open(
            phase=Phase.objects.get(campaign=setup.campaign, kind=kind), actor=actor
        )
    monkeypatch.setattr(
        campaigns_module, "audit_record", fail_on_call(1, campaigns_module.audit_record)
    )
    with pytest.raises(RuntimeError):
        services.campaign_close(campaign=setup.campaign, actor=actor)
    assert refresh(setup.campaign).status == CampaignStatus.OPEN
    assert Phase.objects.filter(campaign=setup.campaign, state=PhaseState.OPEN).count() == 2


def test_reorder_failing_leaves_every_position(
    world: World, setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    actor = world.users["organiser"]
    a, b, c = (services.task_create(campaign=setup.campaign, actor=actor, title=t) for t in "ABC")
    monkeypatch.setattr(plans_module, "audit_record", fail_on_call(1, plans_module.audit_record))
    with pytest.raises(RuntimeError):
        services.task_reorder(campaign=setup.campaign, actor=actor, ordered_ids=[c.pk, b.pk, a.pk])
    assert list(PlanTask.objects.order_by("position").values_list("title", flat=True)) == [
        "A",
        "B",
        "C",
    ]


def test_task_move_reads_and_renumbers_in_the_service(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    a, b, c = (services.task_create(campaign=setup.campaign, actor=actor, title=t) for t in "ABC")

    def order() -> list[str]:
        return list(PlanTask.objects.order_by("position").values_list("title", flat=True))

    services.task_move(task=c, actor=actor, direction="up")
    assert order() == ["A", "C", "B"]
    services.task_move(task=a, actor=actor, direction="down")
    assert order() == ["C", "A", "B"]
    assert services.task_move(task=c, actor=actor, direction="up") == []  # already first
    assert order() == ["C", "A", "B"]
    with pytest.raises(PermissionDenied):
        services.task_move(task=b, actor=world.users["chairman"], direction="up")
    entry = AuditEntry.objects.filter(action="campaign.task.reorder").order_by("id").last()
    assert entry is not None and entry.object_repr.startswith("Kế hoạch của đợt")


_READS = {
    "campaign_options",
    "phase_options",
    "allowed_plan_units",
    "unit_problems",
    "ensure_can_edit_plan",
}


_LOOPS = (ast.For, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def test_campaign_views_never_loop_over_a_write_service() -> None:
    """A multi-row write is one service: no view calls a write service inside a loop."""
    views = Path(__file__).resolve().parent.parent / "views"
    offences = []
    for path in sorted(views.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for loop in ast.walk(tree):
            if not isinstance(loop, _LOOPS):
                continue
            for node in ast.walk(loop):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "services"
                    and node.func.attr not in _READS
                ):
                    offences.append(f"{path.name}:{node.lineno} services.{node.func.attr}")
    assert offences == []


# --- Audit: declared actions, Vietnamese lines --------------------------------------------------


def test_every_campaign_entry_is_declared_and_reads_in_vietnamese(
    world: World, setup: Setup
) -> None:
    actor = world.users["organiser"]
    campaign = setup.campaign
    services.campaign_update(
        campaign=campaign,
        actor=actor,
        expected_revision=campaign.revision,
        name="Tên mới",
        plan_reference="12/KH",
        period_start=date(2025, 1, 1),
        period_end=None,
    )
    group = services.group_create(campaign=campaign, actor=actor, code="tam", name="Tạm")
    services.group_update(
        group=group,
        actor=actor,
        expected_revision=group.revision,
        code="tam-2",
        name="T",
        position=7,
    )
    services.group_delete(group=group, actor=actor)
    member = AssessedUnit.objects.get(campaign=campaign, unit=world.commune2)
    services.assessed_unit_update(
        assessed=member,
        actor=actor,
        expected_revision=member.revision,
        group=setup.dept_group,
        framework=member.framework,
    )
    services.assessed_unit_remove(assessed=member, actor=actor)
    phase = sa_phase(setup)
    services.phase_set_dates(
        phase=phase,
        actor=actor,
        expected_revision=phase.revision,
        starts_on=date(2025, 11, 1),
        deadline=date(2025, 11, 30),
    )
    services.campaign_open(campaign=campaign, actor=actor)
    services.phase_open(phase=phase, actor=actor)
    services.phase_close(phase=phase, actor=actor)
    services.phase_reopen(phase=phase, actor=actor, reason="Lỗi", deadline=date(2025, 12, 2))
    granted = services.exception_grant(
        phase=phase, unit=world.commune, until=date(2025, 12, 5), reason="Bão", actor=actor
    )
    services.exception_revoke(exception=granted, actor=actor)
    declaration = services.na_declare(
        campaign=campaign, framework=world.commune_set, node_code="2.1", reason="x", actor=actor
    )
    services.na_withdraw(declaration=declaration, actor=actor)
    task = services.task_create(
        campaign=campaign, actor=actor, title="Việc", phase="self_assessment"
    )
    services.task_update(
        task=task,
        actor=actor,
        expected_revision=task.revision,
        title="Việc mới",
        time_text="Tháng 10",
        due_on=date(2025, 10, 31),
        phase="surveys",
        lead_units=[world.organiser],
        lead_text="Sở",
        co_units=[world.dept],
        co_text="Các sở",
        notes="Ghi",
    )
    services.task_set_status(task=task, actor=actor, status="done", done_on=date(2025, 10, 1))
    other = services.task_create(campaign=campaign, actor=actor, title="Việc khác")
    services.task_move(task=other, actor=actor, direction="up")
    services.task_delete(task=task, actor=actor)
    services.campaign_close(campaign=campaign, actor=actor)

    entries = list(AuditEntry.objects.filter(action__startswith="campaign.").order_by("id"))
    names = {e.action for e in entries}
    assert names == {n for n in REGISTRY if n.startswith("campaign.")}
    for line in audit_lines(entries):
        shown = " ".join(
            [line.label, line.subject, *(f"{c.field} {c.old} {c.new}" for c in line.changes)]
        )
        assert line.label != "Thay đổi khác" and "Thông tin khác" not in shown, shown
    lines = {line.entry.action: line for line in audit_lines(entries)}
    opened = {c.field: c for c in lines["campaign.open"].changes}
    assert (opened["Trạng thái"].old, opened["Trạng thái"].new) == (
        "Đang chuẩn bị",
        "Đang triển khai",
    )
    reopened = {c.field: c for c in lines["campaign.phase.reopen"].changes}
    assert (reopened["Tình trạng"].old, reopened["Tình trạng"].new) == ("Đã đóng", "Đang mở")
    status = {c.field: c for c in lines["campaign.task.status"].changes}
    assert status["Tình trạng"].new == "Hoàn thành"
    closed = {c.field: c for c in lines["campaign.close"].changes}
    assert closed["Giai đoạn được đóng cùng"].new == "Tự đánh giá, chấm điểm"
