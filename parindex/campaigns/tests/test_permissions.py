"""Permission matrix: every campaign page × every role (and anonymous, and the organiser of
another organising body). 200 allowed; 403 refused; 404 not visible; 302 to login or, for a
unit's people, to their own unit's dashboard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from parindex.campaigns import services
from parindex.campaigns.models import Phase, PlanTask
from parindex.campaigns.permissions import (
    campaigns_visible_to,
    can_edit_unit_plan,
    can_manage_campaign,
)
from parindex.campaigns.tests.conftest import Setup, World

ROLES = [
    "admin",
    "organiser",
    "chairman",
    "council",
    "observer",
    "head",
    "focal",
    "officer",
    "other_head",
    "other_organiser",
    "anonymous",
]
ORG_READ = {"admin": 200, "organiser": 200, "chairman": 200, "council": 200, "observer": 200}
MANAGE = {"admin": 200, "organiser": 200, "chairman": 403, "council": 403, "observer": 403}
UNIT_SIDE_403 = {"head": 403, "focal": 403, "officer": 403, "other_head": 403}


@dataclass
class Opened:
    setup: Setup
    campaign_task: PlanTask
    unit_task: PlanTask


@pytest.fixture
def opened(world: World, setup: Setup) -> Opened:
    organiser = world.users["organiser"]
    services.campaign_open(campaign=setup.campaign, actor=organiser)
    phase = Phase.objects.get(campaign=setup.campaign, kind="self_assessment")
    services.phase_set_dates(
        phase=phase,
        actor=organiser,
        expected_revision=phase.revision,
        starts_on=None,
        deadline=date(2099, 11, 30),
    )
    services.phase_open(phase=phase, actor=organiser)
    campaign_task = services.task_create(
        campaign=setup.campaign, actor=organiser, title="Ban hành hướng dẫn", lead_text="Sở"
    )
    unit_task = services.task_create(
        campaign=setup.campaign,
        owner_unit=world.commune,
        actor=world.users["head"],
        title="Phân công chấm điểm",
    )
    setup.campaign.refresh_from_db()
    return Opened(setup=setup, campaign_task=campaign_task, unit_task=unit_task)


def expected(table: dict[str, int], role: str, default: int) -> int:
    if role == "anonymous":
        return 302
    return table.get(role, default)


def pages(o: Opened, world: World) -> list[tuple[str, str, dict[str, int], int]]:
    slug = o.setup.campaign.slug
    code = world.commune.code
    unit_read = {**ORG_READ, "head": 200, "focal": 200, "officer": 200, "other_head": 404}
    unit_plan_edit = {
        "admin": 200,
        "head": 200,
        "focal": 200,
        "officer": 403,
        "organiser": 403,
        "chairman": 403,
        "council": 403,
        "observer": 403,
        "other_head": 404,
    }
    every_reader = {**ORG_READ, "head": 200, "focal": 200, "officer": 200, "other_head": 200}
    return [
        ("list", reverse("campaigns:list"), {r: 200 for r in ROLES}, 200),
        (
            "create",
            reverse("campaigns:create"),
            {"admin": 200, "organiser": 200, "other_organiser": 200},
            403,
        ),
        (
            "detail",
            reverse("campaigns:detail", args=[slug]),
            {**ORG_READ, "head": 302, "focal": 302, "officer": 302, "other_head": 302},
            404,
        ),
        ("edit", reverse("campaigns:edit", args=[slug]), {**MANAGE, **UNIT_SIDE_403}, 404),
        ("groups", reverse("campaigns:groups", args=[slug]), {**MANAGE, **UNIT_SIDE_403}, 404),
        (
            "group_edit",
            reverse("campaigns:group_edit", args=[slug, o.setup.dept_group.pk]),
            {**MANAGE, **UNIT_SIDE_403},
            404,
        ),
        ("units", reverse("campaigns:units", args=[slug]), {**MANAGE, **UNIT_SIDE_403}, 404),
        (
            "units_bulk",
            reverse("campaigns:units_bulk", args=[slug]),
            {**MANAGE, **UNIT_SIDE_403},
            404,
        ),
        ("phases", reverse("campaigns:phases", args=[slug]), {**MANAGE, **UNIT_SIDE_403}, 404),
        ("na", reverse("campaigns:na", args=[slug]), {**MANAGE, **UNIT_SIDE_403}, 404),
        ("plan", reverse("campaigns:plan", args=[slug]), every_reader, 404),
        (
            "task_edit",
            reverse("campaigns:task_edit", args=[slug, o.campaign_task.pk]),
            {**MANAGE, **UNIT_SIDE_403},
            404,
        ),
        ("unit_dashboard", reverse("campaigns:unit_dashboard", args=[slug, code]), unit_read, 404),
        ("unit_plan", reverse("campaigns:unit_plan", args=[slug, code]), unit_read, 404),
        (
            "unit_task_edit",
            reverse("campaigns:task_edit", args=[slug, o.unit_task.pk]),
            unit_plan_edit,
            404,
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(client: Client, world: World, opened: Opened, role: str) -> None:
    if role != "anonymous":
        client.force_login(world.users[role])
    results = {}
    wanted = {}
    for name, url, table, default in pages(opened, world):
        results[name] = client.get(url).status_code
        wanted[name] = expected(table, role, default)
    assert results == wanted


def test_unit_people_land_on_their_own_dashboard(
    client: Client, world: World, opened: Opened
) -> None:
    client.force_login(world.users["other_head"])
    response = client.get(reverse("campaigns:detail", args=[opened.setup.campaign.slug]))
    assert response["Location"] == reverse(
        "campaigns:unit_dashboard", args=[opened.setup.campaign.slug, world.commune2.code]
    )


def test_unit_people_do_not_see_a_campaign_in_preparation(
    client: Client, world: World, setup: Setup
) -> None:
    client.force_login(world.users["head"])
    assert not campaigns_visible_to(world.users["head"]).exists()
    assert client.get(reverse("campaigns:plan", args=[setup.campaign.slug])).status_code == 404
    client.force_login(world.users["organiser"])
    assert client.get(reverse("campaigns:plan", args=[setup.campaign.slug])).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("admin", 302),
        ("organiser", 302),
        ("chairman", 403),
        ("council", 403),
        ("observer", 403),
        ("head", 403),
        ("focal", 403),
        ("officer", 403),
        ("other_organiser", 404),
    ],
)
def test_phase_close_post_matrix(
    client: Client, world: World, opened: Opened, role: str, status: int
) -> None:
    client.force_login(world.users[role])
    url = reverse(
        "campaigns:phase_action", args=[opened.setup.campaign.slug, "self_assessment", "dong"]
    )
    assert client.post(url).status_code == status
    phase = Phase.objects.get(campaign=opened.setup.campaign, kind="self_assessment")
    assert (phase.state == "closed") is (status == 302)


@pytest.mark.parametrize(
    ("role", "status"),
    [("head", 302), ("focal", 302), ("officer", 403), ("organiser", 403), ("other_head", 404)],
)
def test_unit_task_status_post_matrix(
    client: Client, world: World, opened: Opened, role: str, status: int
) -> None:
    client.force_login(world.users[role])
    url = reverse("campaigns:task_status", args=[opened.setup.campaign.slug, opened.unit_task.pk])
    response = client.post(url, {"status": "done", "revision": opened.unit_task.revision})
    assert response.status_code == status
    opened.unit_task.refresh_from_db()
    assert (opened.unit_task.status == "done") is (status == 302)


def test_anonymous_posts_go_to_login(client: Client, opened: Opened) -> None:
    response = client.post(reverse("campaigns:open", args=[opened.setup.campaign.slug]))
    assert response.status_code == 302
    assert "/tai-khoan/dang-nhap/" in response["Location"]


def test_permission_functions(world: World, opened: Opened) -> None:
    campaign = opened.setup.campaign
    u = world.users
    assert [r for r in ROLES[:-1] if can_manage_campaign(u[r], campaign)] == [
        "admin",
        "organiser",
    ]
    assert [r for r in ROLES[:-1] if can_edit_unit_plan(u[r], campaign, world.commune)] == [
        "admin",
        "head",
        "focal",
    ]
    visible = {r: campaigns_visible_to(u[r]).filter(pk=campaign.pk).exists() for r in ROLES[:-1]}
    assert visible == {r: r != "other_organiser" for r in ROLES[:-1]}
