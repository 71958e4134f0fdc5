"""Query counts: each page is a small constant number of queries, whatever the number of
criteria or units (the same bound for the three-leaf set and the full example set)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..services import assignment_set, entry_save
from .factories import build_world, small_version

PAGE_BOUND = 15  # the scoring page, for any set size (session and user included)
BOARD_BOUND = 10


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _fill_example(world: Any, a: Any) -> None:
    for code, raw in {
        "1.1.1": {"issued_on": "20/01/2025"},
        "1.1.2": {"done": "9", "planned": "10"},
        "1.2": {"late_reports": "1"},
        "1.3.1": {"met": "có"},
        "1.4.2": {"items": [True, False, True]},
        "2.1": {"score": "1,5"},
        "3.1.1": {"posted_pct": "95"},
    }.items():
        entry_save(
            actor=world.users["focal"],
            assessment=a,
            node_code=code,
            raw_inputs=raw,
            expected_revision=0,
        )
    assignment_set(
        actor=world.users["focal"], assessment=a, node_code="2", assignee=world.users["officer"]
    )


@pytest.mark.parametrize("role", ["focal", "officer", "organiser"])
def test_scoring_page_is_constant(db: Any, role: str, django_assert_max_num_queries: Any) -> None:
    small = build_world(version_builder=small_version, prefix="q1")
    full = build_world(prefix="q2")
    counts = []
    for world in (small, full):
        a = world.assessment()
        if world is full:
            _fill_example(world, a)
        else:
            entry_save(
                actor=world.users["focal"],
                assessment=a,
                node_code="1.1",
                raw_inputs={"score": "5"},
                expected_revision=0,
            )
            assignment_set(
                actor=world.users["focal"],
                assessment=a,
                node_code="1",
                assignee=world.users["officer"],
            )
        client = Client()
        client.force_login(world.users[role])
        url = reverse("assessments:detail", args=[a.pk])
        client.get(url)  # warm the per-process framework cache
        with django_assert_max_num_queries(PAGE_BOUND):
            counts.append(_count(client, url))
    assert counts[0] == counts[1], counts


def test_board_is_constant_in_the_number_of_units(
    db: Any, django_assert_max_num_queries: Any
) -> None:
    world = build_world(version_builder=small_version, prefix="q3")
    client = Client()
    client.force_login(world.users["organiser"])
    url = reverse("assessments:board", args=[world.campaign.slug])
    world.assessment()
    with django_assert_max_num_queries(BOARD_BOUND):
        few = _count(client, url)
    from parindex.campaigns import services as campaign_services
    from parindex.campaigns.models import RankingGroup
    from parindex.units.tests.factories import UnitFactory

    more = [UnitFactory(code=f"q3-xa-{i}", organiser=world.organiser) for i in range(6)]
    campaign_services.assessed_units_add_bulk(
        campaign=world.campaign,
        units=more,
        group=RankingGroup.objects.get(campaign=world.campaign),
        framework=world.version,
        actor=world.users["admin"],
    )
    world.assessment(world.commune2)
    assert _count(client, url) == few


def test_mine_page_is_constant(db: Any) -> None:
    world = build_world(prefix="q4")
    a = world.assessment()
    client = Client()
    client.force_login(world.users["officer"])
    url = reverse("assessments:mine")
    assignment_set(
        actor=world.users["focal"], assessment=a, node_code="1", assignee=world.users["officer"]
    )
    one = _count(client, url)
    for code in ("2", "3", "4.1", "5"):
        assignment_set(
            actor=world.users["focal"],
            assessment=a,
            node_code=code,
            assignee=world.users["officer"],
        )
    assert _count(client, url) == one
