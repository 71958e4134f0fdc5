"""Plan tasks: create, update, status, reorder, delete; overdue; who may edit which plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from parindex.campaigns import services
from parindex.campaigns.models import PlanTask, TaskStatus
from parindex.campaigns.selectors import plan_summary
from parindex.campaigns.tests.conftest import Setup, World, refresh
from parindex.core.errors import ConflictError, ServiceError
from parindex.core.models import AuditEntry


def make(world: World, setup: Setup, title: str, **kw: object) -> PlanTask:
    return services.task_create(
        campaign=setup.campaign, actor=world.users["organiser"], title=title, **kw
    )


def test_task_crud_keeps_time_as_written_and_audits(world: World, setup: Setup) -> None:
    task = make(
        world,
        setup,
        "Triển khai kế hoạch xác định chỉ số",
        time_text="Tháng 10/2025",
        due_on=date(2025, 10, 31),
        lead_units=[world.organiser],
        co_text="Các cơ quan liên quan",
    )
    assert task.position == 1
    assert list(task.lead_units.all()) == [world.organiser]
    services.task_update(
        task=task,
        actor=world.users["organiser"],
        expected_revision=task.revision,
        title="Triển khai kế hoạch",
        time_text="Hoàn thành trước ngày 30/11/2025",
        due_on=date(2025, 11, 30),
        phase="self_assessment",
        lead_units=[],
        lead_text="Các cơ quan chuyên môn thuộc UBND huyện và UBND các xã",
        co_units=[world.organiser],
        co_text="",
        notes="",
    )
    task = refresh(task)
    assert task.time_text == "Hoàn thành trước ngày 30/11/2025"
    assert list(task.co_units.all()) == [world.organiser]
    update = AuditEntry.objects.get(action="campaign.task.update")
    assert update.changes["lead_units"] == [[world.organiser.code], []]
    with pytest.raises(ConflictError):
        services.task_update(
            task=task,
            actor=world.users["organiser"],
            expected_revision=1,
            title="X",
            time_text="",
            due_on=None,
            phase="",
            lead_units=[],
            lead_text="",
            co_units=[],
            co_text="",
            notes="",
        )
    services.task_delete(task=task, actor=world.users["organiser"])
    assert not PlanTask.objects.exists()
    assert {"campaign.task.create", "campaign.task.update", "campaign.task.delete"} <= set(
        AuditEntry.objects.values_list("action", flat=True)
    )


def test_task_refusals(world: World, setup: Setup) -> None:
    with pytest.raises(ServiceError, match="Cần nhập nội dung"):
        make(world, setup, "  ")
    with pytest.raises(ServiceError, match="không hợp lệ"):
        make(world, setup, "X", phase="khong-co")
    with pytest.raises(ServiceError, match="Sở Nội vụ tỉnh Khác"):
        make(world, setup, "X", lead_units=[world.other_organiser])
    with pytest.raises(PermissionDenied):
        services.task_create(campaign=setup.campaign, actor=world.users["chairman"], title="X")


def test_status_done_records_the_day(world: World, setup: Setup) -> None:
    task = make(world, setup, "Tổng hợp báo cáo")
    with time_machine.travel(date(2025, 12, 20), tick=False):
        services.task_set_status(task=task, actor=world.users["organiser"], status="done")
    assert refresh(task).done_on == date(2025, 12, 20)
    services.task_set_status(
        task=refresh(task), actor=world.users["organiser"], status="in_progress"
    )
    assert refresh(task).done_on is None
    with pytest.raises(ServiceError):
        services.task_set_status(task=refresh(task), actor=world.users["organiser"], status="xong")


def test_overdue_is_due_before_today_and_unfinished(world: World, setup: Setup) -> None:
    today = date(2025, 12, 10)
    late = make(world, setup, "Trễ", due_on=today - timedelta(days=1))
    make(world, setup, "Hôm nay", due_on=today)
    done = make(world, setup, "Xong", due_on=today - timedelta(days=5))
    cancelled = make(world, setup, "Hủy", due_on=today - timedelta(days=5))
    make(world, setup, "Không hạn")
    services.task_set_status(task=done, actor=world.users["organiser"], status=TaskStatus.DONE)
    services.task_set_status(
        task=cancelled, actor=world.users["organiser"], status=TaskStatus.CANCELLED
    )
    summary = plan_summary(setup.campaign, None, today)
    assert [t.pk for t in summary.overdue] == [late.pk]
    assert (summary.total, summary.done, summary.percent_done) == (4, 1, 25)
    assert refresh(late).is_overdue_on(today)
    assert not refresh(late).is_overdue_on(today - timedelta(days=1))


def test_reorder_needs_the_whole_plan(world: World, setup: Setup) -> None:
    a, b, c = (make(world, setup, t) for t in "ABC")
    services.task_reorder(
        campaign=setup.campaign, actor=world.users["organiser"], ordered_ids=[c.pk, a.pk, b.pk]
    )
    assert list(PlanTask.objects.order_by("position").values_list("title", flat=True)) == [
        "C",
        "A",
        "B",
    ]
    with pytest.raises(ServiceError, match="đã thay đổi"):
        services.task_reorder(
            campaign=setup.campaign, actor=world.users["organiser"], ordered_ids=[a.pk, b.pk]
        )


def test_unit_plan_belongs_to_its_head_and_focal(world: World, setup: Setup) -> None:
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    task = services.task_create(
        campaign=setup.campaign,
        owner_unit=world.commune,
        actor=world.users["focal"],
        title="Phân công",
        lead_text="Công chức Tư pháp - Hộ tịch",
    )
    assert task.owner_unit == world.commune
    entry = AuditEntry.objects.get(action="campaign.task.create")
    assert entry.scope_unit_id == world.commune.pk
    for who in ("officer", "organiser", "other_head", "chairman"):
        with pytest.raises(PermissionDenied):
            services.task_create(
                campaign=setup.campaign, owner_unit=world.commune, actor=world.users[who], title="X"
            )
    with pytest.raises(ServiceError, match="Sở Tư pháp"):
        services.task_create(
            campaign=setup.campaign,
            owner_unit=world.commune,
            actor=world.users["head"],
            title="X",
            lead_units=[world.dept],
        )
    # The campaign plan and the unit's plan are numbered separately.
    own = make(world, setup, "Kế hoạch chung")
    assert own.position == 1 and task.position == 1


def test_unit_plan_only_for_assessed_units(world: World, setup: Setup) -> None:
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    with pytest.raises(ServiceError, match="không thuộc danh sách"):
        services.task_create(
            campaign=setup.campaign, owner_unit=world.ward, actor=world.users["admin"], title="X"
        )


def test_unit_plan_not_before_opening(world: World, setup: Setup) -> None:
    with pytest.raises(PermissionDenied):
        services.task_create(
            campaign=setup.campaign, owner_unit=world.commune, actor=world.users["head"], title="X"
        )
