"""List and dashboard pages run a fixed number of queries, whatever the number of units,
tasks, exceptions and campaigns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parindex.campaigns import services
from parindex.campaigns.models import Phase
from parindex.campaigns.tests.conftest import Setup, World
from parindex.units.kinds import UnitKind
from parindex.units.tests.factories import UnitFactory

_counter = {"n": 0}


def grow(world: World, setup: Setup, n: int) -> None:
    """Add ``n`` communes, ``n`` campaign tasks with units, ``n`` unit tasks, ``n`` exceptions."""
    actor = world.users["organiser"]
    units = []
    for _ in range(n):
        _counter["n"] += 1
        units.append(
            UnitFactory(
                code=f"xa-them-{_counter['n']}",
                name=f"UBND xã Thêm {_counter['n']}",
                kind=UnitKind.XA,
                organiser=world.organiser,
            )
        )
    services.assessed_units_add_bulk(
        campaign=setup.campaign,
        units=units,
        group=setup.commune_group,
        framework=world.commune_set,
        actor=actor,
    )
    phase = Phase.objects.get(campaign=setup.campaign, kind="self_assessment")
    for unit in units:
        services.exception_grant(
            phase=phase,
            unit=unit,
            until=phase.deadline + timedelta(days=3),
            reason="Bão",
            actor=actor,
        )
        services.task_create(
            campaign=setup.campaign,
            actor=actor,
            title=f"Nhiệm vụ cho {unit.name}",
            due_on=timezone.localdate() - timedelta(days=1),
            lead_units=[world.organiser],
            co_units=[unit, world.dept],
        )
        services.task_create(
            campaign=setup.campaign,
            owner_unit=world.commune,
            actor=world.users["admin"],
            title=f"Việc nội bộ {unit.code}",
            due_on=timezone.localdate() + timedelta(days=2),
        )


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def prepare(world: World, setup: Setup) -> None:
    actor = world.users["organiser"]
    phase = Phase.objects.get(campaign=setup.campaign, kind="self_assessment")
    services.phase_set_dates(
        phase=phase,
        actor=actor,
        expected_revision=phase.revision,
        starts_on=None,
        deadline=date(2099, 11, 30),
    )
    services.campaign_open(campaign=setup.campaign, actor=actor)
    services.phase_open(phase=phase, actor=actor)


def assert_constant(
    client: Client, world: World, setup: Setup, role: str, url: Callable[[], str]
) -> None:
    client.force_login(world.users[role])
    grow(world, setup, 2)
    small = count(client, url())
    grow(world, setup, 6)
    large = count(client, url())
    assert small == large, f"{url()}: {small} queries with few rows, {large} with more"


def test_list_page_constant(client: Client, world: World, setup: Setup) -> None:
    prepare(world, setup)
    for i in range(3):
        services.campaign_create(
            actor=world.users["organiser"],
            organiser=world.organiser,
            year=2020 + i,
            slug=f"cu-{i}",
            name=f"Đợt cũ {i}",
        )
    assert_constant(client, world, setup, "organiser", lambda: reverse("campaigns:list"))


def test_list_page_constant_for_a_unit(client: Client, world: World, setup: Setup) -> None:
    prepare(world, setup)
    assert_constant(client, world, setup, "head", lambda: reverse("campaigns:list"))


def test_dashboard_constant(client: Client, world: World, setup: Setup) -> None:
    prepare(world, setup)
    url = reverse("campaigns:detail", args=[setup.campaign.slug])
    assert_constant(client, world, setup, "organiser", lambda: url)


def test_plan_page_constant(client: Client, world: World, setup: Setup) -> None:
    prepare(world, setup)
    url = reverse("campaigns:plan", args=[setup.campaign.slug])
    assert_constant(client, world, setup, "organiser", lambda: url)


def test_units_and_phases_pages_constant(client: Client, world: World, setup: Setup) -> None:
    prepare(world, setup)
    for name in ("units", "phases", "groups"):
        url = reverse(f"campaigns:{name}", args=[setup.campaign.slug])
        assert_constant(client, world, setup, "organiser", lambda url=url: url)


def test_unit_dashboard_and_plan_constant(client: Client, world: World, setup: Setup) -> None:
    prepare(world, setup)
    for name in ("unit_dashboard", "unit_plan"):
        url = reverse(f"campaigns:{name}", args=[setup.campaign.slug, world.commune.code])
        assert_constant(client, world, setup, "head", lambda url=url: url)


def test_home_constant(client: Client, world: World, setup: Setup) -> None:
    prepare(world, setup)
    for role in ("organiser", "head"):
        assert_constant(client, world, setup, role, lambda: reverse("web:home"))
