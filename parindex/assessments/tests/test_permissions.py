"""Who sees and changes what: a role × action table, through permissions, services and pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import MembershipFactory, UserFactory
from parindex.campaigns.models import Campaign
from parindex.core.errors import ServiceError

from ..models import Entry
from ..permissions import (
    assessments_visible_to,
    can_assign,
    can_edit_entry,
    can_view_assessment,
    can_view_audit,
    can_view_progress_board,
)
from ..services import assessment_get_or_create, assignment_set, entry_save
from .factories import open_campaign, small_version

ROLES = [
    "admin",
    "organiser",
    "council",
    "observer",
    "head",
    "focal",
    "officer",
    "unit_observer",
    "other_head",
    "other_officer",
    "other_organiser",
]
SEES = {"admin", "organiser", "council", "observer", "head", "focal", "officer", "unit_observer"}
EDITS_ALL = {"admin", "head", "focal"}
AUDIT = {"admin", "organiser", "council", "observer", "head", "focal"}


@pytest.mark.parametrize("role", ROLES)
def test_visibility_table(world: Any, role: str) -> None:
    a = world.assessment()
    other = world.assessment(world.commune2)
    user = world.users[role]
    visible = set(assessments_visible_to(user).values_list("pk", flat=True))
    assert (a.pk in visible) is (role in SEES)
    assert can_view_assessment(user, a) is (role in SEES)
    assert can_view_audit(user, a) is (role in AUDIT)
    assert can_assign(user, a) is (role in EDITS_ALL)
    assert can_view_progress_board(user, world.campaign) is (
        role in {"admin", "organiser", "council", "observer"}
    )
    sees_other = role in {
        "admin",
        "organiser",
        "council",
        "observer",
        "other_head",
        "other_officer",
    }
    assert (other.pk in visible) is sees_other


@pytest.mark.parametrize("role", ROLES)
def test_who_edits_which_criterion(world: Any, role: str) -> None:
    a = world.assessment()
    assignment_set(
        actor=world.users["focal"], assessment=a, node_code="2", assignee=world.users["officer"]
    )
    assignment_set(
        actor=world.users["focal"], assessment=a, node_code="1.4.2", assignee=world.users["officer"]
    )
    user = world.users[role]
    full = role in EDITS_ALL
    assert can_edit_entry(user, a, "1.1.1") is full
    # Assigned on field 2: every criterion below it; assigned on 1.4.2 itself.
    assert can_edit_entry(user, a, "2.1") is (full or role == "officer")
    assert can_edit_entry(user, a, "2.2.1") is (full or role == "officer")
    assert can_edit_entry(user, a, "1.4.2") is (full or role == "officer")
    assert can_edit_entry(user, a, "1.4.1") is full


def test_officer_saves_only_what_is_assigned(world: Any) -> None:
    a = world.assessment()
    officer = world.users["officer"]
    with pytest.raises(PermissionDenied, match="không được giao"):
        entry_save(
            actor=officer,
            assessment=a,
            node_code="2.1",
            raw_inputs={"score": "1"},
            expected_revision=0,
        )
    assignment_set(actor=world.users["focal"], assessment=a, node_code="2", assignee=officer)
    entry_save(
        actor=officer, assessment=a, node_code="2.1", raw_inputs={"score": "1"}, expected_revision=0
    )
    with pytest.raises(PermissionDenied):
        entry_save(
            actor=officer,
            assessment=a,
            node_code="1.1.1",
            raw_inputs={"issued_on": "20/01/2025"},
            expected_revision=0,
        )
    assert list(Entry.objects.values_list("node_code", flat=True)) == ["2.1"]


@pytest.mark.parametrize(
    "role", ["other_officer", "other_head", "organiser", "observer", "unit_observer", "council"]
)
def test_no_change_by_people_outside_the_unit_or_read_only(world: Any, role: str) -> None:
    a = world.assessment()
    with pytest.raises(PermissionDenied):
        entry_save(
            actor=world.users[role],
            assessment=a,
            node_code="1.2",
            raw_inputs={"late_reports": "0"},
            expected_revision=0,
        )
    assert not Entry.objects.exists()


def test_officer_of_another_unit_neither_sees_nor_changes_through_the_pages(world: Any) -> None:
    a = world.assessment()
    entry_save(
        actor=world.users["focal"],
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "1"},
        expected_revision=0,
    )
    client = Client()
    client.force_login(world.users["other_officer"])
    assert client.get(reverse("assessments:detail", args=[a.pk])).status_code == 404
    response = client.post(
        reverse("assessments:save", args=[a.pk, "1.2"]),
        {"in-late_reports": "4", "revision": "1"},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 404
    assert (
        client.post(
            reverse("assessments:preview", args=[a.pk, "1.2"]), {"in-late_reports": "4"}
        ).status_code
        == 404
    )
    assert client.get(reverse("assessments:export", args=[a.pk])).status_code == 404
    assert client.get(reverse("assessments:audit", args=[a.pk])).status_code == 404
    assert Entry.objects.get(node_code="1.2").raw_inputs == {"late_reports": "1"}


def test_read_only_people_see_a_disabled_form(world: Any) -> None:
    a = world.assessment()
    for role in ("observer", "unit_observer", "organiser"):
        client = Client()
        client.force_login(world.users[role])
        html = client.get(reverse("assessments:detail", args=[a.pk])).content.decode()
        assert html.count("<fieldset disabled>") == html.count('class="entry-form"') > 0
        response = client.post(
            reverse("assessments:save", args=[a.pk, "1.2"]),
            {"in-late_reports": "4", "revision": "0"},
            HTTP_X_REQUESTED_WITH="fetch",
        )
        assert response.status_code == 403
        assert "error" in response.json()


def test_officer_form_is_enabled_only_where_assigned(world: Any) -> None:
    a = world.assessment()
    assignment_set(
        actor=world.users["focal"], assessment=a, node_code="2.1", assignee=world.users["officer"]
    )
    client = Client()
    client.force_login(world.users["officer"])
    html = client.get(reverse("assessments:detail", args=[a.pk])).content.decode()
    assert html.count('class="entry-form"') - html.count("<fieldset disabled>") == 1
    mine = client.get(reverse("assessments:detail", args=[a.pk]) + "?loc=cua-toi")
    assert 'id="n-2-1"' in mine.content.decode()
    assert 'id="n-1-1-1"' not in mine.content.decode()


def test_audit_page_for_head_and_organiser_only(world: Any) -> None:
    a = world.assessment()
    for role, status in (("head", 200), ("organiser", 200), ("officer", 403), ("other_head", 404)):
        client = Client()
        client.force_login(world.users[role])
        assert client.get(reverse("assessments:audit", args=[a.pk])).status_code == status


def test_assignment_only_to_people_of_the_unit(world: Any) -> None:
    a = world.assessment()
    with pytest.raises(ServiceError):
        assignment_set(
            actor=world.users["focal"],
            assessment=a,
            node_code="1",
            assignee=world.users["other_officer"],
        )
    with pytest.raises(PermissionDenied):
        assignment_set(
            actor=world.users["officer"],
            assessment=a,
            node_code="1",
            assignee=world.users["officer"],
        )


def test_campaign_in_preparation_is_hidden_from_units(world: Any) -> None:
    a = world.assessment()
    Campaign.objects.filter(pk=world.campaign.pk).update(status="preparing")
    a.assessed_unit.campaign.status = "preparing"
    assert not can_view_assessment(world.users["head"], a)
    assert can_view_assessment(world.users["organiser"], a)


def test_a_role_given_for_one_campaign_counts_only_there(world: Any) -> None:
    a = world.assessment()
    later = open_campaign(
        organiser=world.organiser,
        units=[world.commune],
        version=small_version(world.organiser, code="bo-2026"),
        slug="t-cchc-2026",
        year=2026,
    )
    b = assessment_get_or_create(
        actor=world.users["head"], assessed_unit=later.assessed_units.get()
    )
    temp = UserFactory(username="t-temp-focal")
    MembershipFactory(user=temp, role=Role.FOCAL, unit=world.commune, campaign=later)
    auditor = UserFactory(username="t-temp-council")
    MembershipFactory(user=auditor, role=Role.COUNCIL, unit=world.organiser, campaign=later)
    for user in (temp, auditor):
        visible = set(assessments_visible_to(user).values_list("pk", flat=True))
        assert visible == {b.pk}
        assert can_view_assessment(user, b) and not can_view_assessment(user, a)
    assert can_edit_entry(temp, b, "1.1") and not can_edit_entry(temp, a, "1.1.1")
    assert can_view_progress_board(auditor, later)
    assert not can_view_progress_board(auditor, world.campaign)
