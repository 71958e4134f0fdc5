"""Opening a unit's self-assessment: a visit never creates it; its head or focal officer
starts it with a button, and is recorded as its creator."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parindex.core.models import AuditEntry

from ..audit_actions import ASSESSMENT_CREATE
from ..models import Assessment
from ..permissions import can_start_assessment

NOT_STARTED = "Đơn vị chưa bắt đầu tự đánh giá"
BUTTON = "Bắt đầu tự đánh giá</button>"


def _client(world: Any, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _assessment_audit() -> int:
    return AuditEntry.objects.filter(action__startswith="assessment.").count()


@pytest.mark.parametrize("who", ["observer", "unit_observer", "organiser", "council", "officer"])
def test_a_reader_sees_the_page_without_the_button_and_nothing_is_created(
    world: Any, who: str
) -> None:
    url = reverse("assessments:open", args=[world.assessed().pk])
    before = _assessment_audit()
    response = _client(world, who).get(url)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert NOT_STARTED in page and BUTTON not in page
    assert world.commune.name in page and world.campaign.name in page
    assert world.version.name in page
    assert Assessment.objects.count() == 0 and _assessment_audit() == before


@pytest.mark.parametrize("who", ["observer", "unit_observer"])
def test_a_reader_cannot_start_it(world: Any, who: str) -> None:
    url = reverse("assessments:open", args=[world.assessed().pk])
    before = _assessment_audit()
    response = _client(world, who).post(url)
    assert response.status_code == 403
    assert Assessment.objects.count() == 0 and _assessment_audit() == before


def test_the_focal_officer_starts_it_and_is_its_creator(world: Any) -> None:
    url = reverse("assessments:open", args=[world.assessed().pk])
    client = _client(world, "focal")
    page = html.unescape(client.get(url).content.decode())
    assert NOT_STARTED in page and BUTTON in page
    assert Assessment.objects.count() == 0
    response = client.post(url)
    created = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[created.pk])
    entry = AuditEntry.objects.get(action=ASSESSMENT_CREATE.name)
    assert entry.actor == world.users["focal"] and entry.object_id == str(created.pk)
    # Once started, the same address leads to it, for readers too; a second POST adds nothing.
    again = _client(world, "observer").get(url)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert client.post(url)["Location"] == response["Location"]
    assert Assessment.objects.count() == 1
    assert AuditEntry.objects.filter(action=ASSESSMENT_CREATE.name).count() == 1


def test_someone_of_another_unit_is_refused(world: Any) -> None:
    url = reverse("assessments:open", args=[world.assessed().pk])
    for who in ("other_head", "other_organiser"):
        assert _client(world, who).get(url).status_code == 403
        assert _client(world, who).post(url).status_code == 403
    assert Assessment.objects.count() == 0
    missing = reverse("assessments:open", args=[world.assessed().pk + 1000])
    assert _client(world, "focal").get(missing).status_code == 404


def test_who_may_start(world: Any) -> None:
    au = world.assessed()
    allowed = {who for who in world.users if can_start_assessment(world.users[who], au)}
    assert allowed == {"admin", "head", "focal"}
