"""One grant scope: roles given for one campaign reach that campaign only, in every app, through
pages and services alike; an organiser never grants itself a role.

The world: one organising body running two campaigns (2025 and 2026). Sơn Lĩnh is assessed in
both, Sơn Thủy in 2025 only, Kỳ Anh in 2026 only. An organiser, a council member, an observer
and a unit head are each appointed for 2025 alone; a lasting organiser is the control.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from parindex.accounts.models import Membership
from parindex.accounts.permissions import (
    can_manage_accounts,
    can_manage_user,
    forget_grants,
    grants,
)
from parindex.accounts.roles import Role
from parindex.accounts.scope import grant_scope
from parindex.accounts.services import membership_grant
from parindex.accounts.tests.factories import UserFactory, user_with_role
from parindex.assessments import permissions as assessment_permissions
from parindex.assessments.models import Assessment
from parindex.assessments.services import assessment_get_or_create, entry_save, unit_people
from parindex.assessments.tests.factories import open_campaign
from parindex.campaigns import permissions as campaign_permissions
from parindex.campaigns import services as campaign_services
from parindex.campaigns.models import AssessedUnit, Campaign
from parindex.core.errors import ServiceError
from parindex.evidence import permissions as evidence_permissions
from parindex.evidence.models import EvidenceDocument
from parindex.evidence.tests.world import World as EvidenceWorld
from parindex.evidence.tests.world import add_document, build_world
from parindex.frameworks.permissions import can_import_framework, frameworks_visible_to
from parindex.units.kinds import UnitKind
from parindex.units.models import Unit
from parindex.units.permissions import can_manage_units, units_visible_to
from parindex.units.tests.factories import UnitFactory
from parindex.web.navigation import menu_for

BOUND = ("organiser_2025", "council_2025", "observer_2025")


@dataclass
class Two:
    world: EvidenceWorld
    c2025: Campaign
    c2026: Campaign
    ky_anh: Unit
    people: dict[str, Any]
    docs: dict[str, EvidenceDocument]

    def assessment(self, campaign: Campaign, unit: Unit | None = None) -> Assessment:
        au = AssessedUnit.objects.get(campaign=campaign, unit=unit or self.world.commune)
        head = self.world.users["head"] if au.unit == self.world.commune else self.people["ka_head"]
        if au.unit == self.world.commune2:
            head = self.world.users["other_head"]
        return assessment_get_or_create(actor=head, assessed_unit=au)

    def __getitem__(self, name: str) -> Any:
        return self.people.get(name) or self.world.users[name]


def _bound(role: str, unit: Unit, campaign: Campaign, username: str, admin: Any) -> Any:
    person = UserFactory(username=username)
    membership_grant(actor=admin, user=person, unit=unit, role=role, campaign=campaign)
    forget_grants(person)
    return person


@pytest.fixture
def two(db: Any) -> Two:
    world = build_world("gs")
    org = world.organiser
    ky_anh = UnitFactory(code="gs-ky-anh", name="UBND xã Kỳ Anh", kind=UnitKind.XA, organiser=org)
    c2026 = open_campaign(
        organiser=org,
        units=[world.commune, ky_anh],
        version=world.version,
        slug="gs-cchc-2026",
        year=2026,
    )
    admin = world.users["admin"]
    c2025 = world.campaign
    people = {
        "organiser_2025": _bound(Role.ORGANISER, org, c2025, "gs-org-2025", admin),
        "council_2025": _bound(Role.COUNCIL, org, c2025, "gs-council-2025", admin),
        "observer_2025": _bound(Role.OBSERVER, org, c2025, "gs-observer-2025", admin),
        "head_2025": _bound(Role.HEAD, world.commune, c2025, "gs-head-2025", admin),
        "ka_head": user_with_role(Role.HEAD, ky_anh, username="gs-ka-head"),
    }
    docs = {
        "son_linh": add_document(world, number="1/KH-UBND"),
        "son_thuy": add_document(world, unit=world.commune2, number="2/KH-UBND"),
        "ky_anh": add_document(world, unit=ky_anh, number="3/KH-UBND", actor=people["ka_head"]),
    }
    return Two(world, c2025, c2026, ky_anh, people, docs)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", BOUND)
def test_organiser_side_role_for_one_campaign_reads_that_campaign_only(two: Two, who: str) -> None:
    person = two[who]
    assert set(campaign_permissions.campaigns_visible_to(person)) == {two.c2025}
    assert campaign_permissions.is_organiser_side_reader(person, two.c2025)
    assert not campaign_permissions.is_organiser_side_reader(person, two.c2026)
    a2025, a2026 = two.assessment(two.c2025), two.assessment(two.c2026)
    visible = set(assessment_permissions.assessments_visible_to(person))
    assert a2025 in visible and a2026 not in visible
    assert assessment_permissions.can_view_assessment(person, a2025)
    assert not assessment_permissions.can_view_assessment(person, a2026)
    assert assessment_permissions.can_view_progress_board(person, two.c2025)
    assert not assessment_permissions.can_view_progress_board(person, two.c2026)
    # Units and libraries: those assessed in 2025 (and the body), not Kỳ Anh (2026 only).
    units = set(units_visible_to(person))
    assert {two.world.commune, two.world.commune2, two.world.organiser} <= units
    assert two.ky_anh not in units
    docs = set(evidence_permissions.documents_visible_to(person))
    assert {two.docs["son_linh"], two.docs["son_thuy"]} <= docs
    assert two.docs["ky_anh"] not in docs
    assert not evidence_permissions.library_units(person).filter(pk=two.ky_anh.pk).exists()
    # Criteria sets: the versions 2025 uses.
    assert set(frameworks_visible_to(person)) == {two.world.version}


@pytest.mark.parametrize("who", BOUND)
def test_organiser_side_role_for_one_campaign_pages(two: Two, who: str) -> None:
    client = _client(two[who])
    a2025, a2026 = two.assessment(two.c2025), two.assessment(two.c2026)
    ok = [
        reverse("campaigns:detail", args=[two.c2025.slug]),
        reverse("assessments:board", args=[two.c2025.slug]),
        reverse("assessments:detail", args=[a2025.pk]),
        reverse("evidence:detail", args=[two.docs["son_linh"].pk]),
    ]
    refused = [
        reverse("campaigns:detail", args=[two.c2026.slug]),
        reverse("assessments:board", args=[two.c2026.slug]),
        reverse("assessments:detail", args=[a2026.pk]),
        reverse("evidence:detail", args=[two.docs["ky_anh"].pk]),
        reverse("evidence:library", args=[two.ky_anh.code]),
        reverse("units:detail", args=[two.ky_anh.code]),
    ]
    for url in ok:
        assert client.get(url).status_code == 200, url
    for url in refused:
        assert client.get(url).status_code in (403, 404), url
    listing = client.get(reverse("campaigns:list")).content.decode()
    assert two.c2025.name in listing and two.c2026.slug not in listing


def test_lasting_organiser_reads_and_manages_both_campaigns(two: Two) -> None:
    organiser = two.world.users["organiser"]
    assert set(campaign_permissions.campaigns_visible_to(organiser)) == {two.c2025, two.c2026}
    assert campaign_permissions.can_manage_campaign(organiser, two.c2026)
    assert evidence_permissions.library_units(organiser).filter(pk=two.ky_anh.pk).exists()
    assert can_manage_accounts(organiser)


# --- changing ------------------------------------------------------------------------------


def test_organiser_for_one_campaign_manages_that_campaign_only(two: Two) -> None:
    person = two["organiser_2025"]
    assert campaign_permissions.can_manage_campaign(person, two.c2025)
    assert not campaign_permissions.can_manage_campaign(person, two.c2026)
    group = campaign_services.group_create(
        campaign=two.c2025, actor=person, code="nhom-moi", name="Nhóm mới"
    )
    assert group.campaign == two.c2025
    with pytest.raises(PermissionDenied):
        campaign_services.group_create(
            campaign=two.c2026, actor=person, code="nhom-moi", name="Nhóm mới"
        )
    assert not two.c2026.groups.filter(code="nhom-moi").exists()
    # Nothing outside that campaign: no new campaign, registry, criteria set or accounts.
    assert not campaign_permissions.can_create_campaign(person)
    assert not campaign_permissions.can_create_campaign(person, two.world.organiser)
    assert not can_manage_units(person, two.world.organiser)
    assert not can_import_framework(person, two.world.organiser)
    assert not can_manage_accounts(person)
    assert not can_manage_user(person, two.world.users["head"])
    assert "Tài khoản" not in [item["label"] for item in menu_for(person)]
    client = _client(person)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("campaigns:create")).status_code == 403
    response = client.post(
        reverse("campaigns:groups", args=[two.c2026.slug]), {"code": "x", "name": "X"}
    )
    assert response.status_code in (403, 404)
    assert not two.c2026.groups.filter(code="x").exists()


@pytest.mark.parametrize("who", ["council_2025", "observer_2025"])
def test_readers_for_one_campaign_change_nothing(two: Two, who: str) -> None:
    person = two[who]
    assert not campaign_permissions.can_manage_campaign(person, two.c2025)
    with pytest.raises(PermissionDenied):
        campaign_services.group_create(
            campaign=two.c2025, actor=person, code="nhom-moi", name="Nhóm mới"
        )
    a2025 = two.assessment(two.c2025)
    assert not assessment_permissions.can_edit_entry(person, a2025, "1.1")
    assert not evidence_permissions.can_upload_to(person, two.world.commune)


def _sits_on_council(user: Any, campaign: Campaign) -> bool:
    return campaign.organiser_id in grant_scope(user).bodies({Role.COUNCIL}, campaign.pk)


def test_council_member_for_2025_sits_in_2025_only(two: Two) -> None:
    council = two["council_2025"]
    assert _sits_on_council(council, two.c2025)
    assert not _sits_on_council(council, two.c2026)
    assert _sits_on_council(two.world.users["council"], two.c2026)


def test_head_for_one_campaign_works_in_that_campaign_only(two: Two) -> None:
    head = two["head_2025"]
    a2025, a2026 = two.assessment(two.c2025), two.assessment(two.c2026)
    assert assessment_permissions.can_edit_entry(head, a2025, "1.1")
    assert not assessment_permissions.can_view_assessment(head, a2026)
    result = entry_save(
        actor=head,
        assessment=a2025,
        node_code="1.3",
        raw_inputs={"score": "1"},
        expected_revision=0,
    )
    assert result.entry.node_code == "1.3"
    with pytest.raises(PermissionDenied):
        entry_save(
            actor=head,
            assessment=a2026,
            node_code="1.3",
            raw_inputs={"score": "1"},
            expected_revision=0,
        )
    assert not a2026.entries.exists()
    # Work in 2025 can be given to them, not in 2026.
    assert head in unit_people(a2025) and head not in unit_people(a2026)
    # The unit's library while 2025 is open; the 2026 campaign is not theirs.
    assert evidence_permissions.can_upload_to(head, two.world.commune)
    assert set(campaign_permissions.campaigns_visible_to(head)) == {two.c2025}
    client = _client(head)
    assert client.get(reverse("assessments:detail", args=[a2026.pk])).status_code in (403, 404)
    assert client.get(reverse("assessments:detail", args=[a2025.pk])).status_code == 200


def test_campaign_role_lapses_when_its_campaign_closes(two: Two) -> None:
    person = two["organiser_2025"]
    campaign_services.campaign_close(campaign=two.c2025, actor=two.world.users["admin"])
    forget_grants(person)
    assert grants(person) == []
    assert not campaign_permissions.campaigns_visible_to(person).exists()


# --- separation of duties ------------------------------------------------------------------


def test_organiser_never_grants_itself_a_role(two: Two) -> None:
    organiser = two.world.users["organiser"]
    for role, unit in ((Role.HEAD, two.world.commune), (Role.COUNCIL, two.world.organiser)):
        with pytest.raises(PermissionDenied, match="chính mình"):
            membership_grant(actor=organiser, user=organiser, unit=unit, role=role)
    assert not Membership.objects.filter(user=organiser, unit=two.world.commune).exists()
    a2025 = two.assessment(two.c2025)
    forget_grants(organiser)
    assert not assessment_permissions.can_edit_entry(organiser, a2025, "1.1")
    # The page neither offers the form nor accepts the post.
    client = _client(organiser)
    own = reverse("accounts:user_detail", args=[organiser.pk])
    page = client.get(own)
    assert page.status_code == 200
    assert reverse("accounts:membership_grant", args=[organiser.pk]) not in page.content.decode()
    response = client.post(
        reverse("accounts:membership_grant", args=[organiser.pk]),
        {"unit": two.world.commune.pk, "role": Role.HEAD},
    )
    assert response.status_code in (400, 403)
    assert not Membership.objects.filter(user=organiser, unit=two.world.commune).exists()


def test_another_organiser_or_an_admin_may_grant_it(two: Two) -> None:
    organiser = two.world.users["organiser"]
    colleague = user_with_role(Role.ORGANISER, two.world.organiser, username="gs-colleague")
    granted = membership_grant(
        actor=colleague, user=organiser, unit=two.world.commune, role=Role.OBSERVER
    )
    assert granted.granted_by == colleague
    admin = two.world.users["admin"]
    membership_grant(actor=admin, user=admin, unit=two.world.commune, role=Role.OBSERVER)
    assert Membership.objects.filter(user=admin, unit=two.world.commune).exists()


def test_campaign_bound_organiser_grants_nothing(two: Two) -> None:
    person = two["organiser_2025"]
    with pytest.raises((PermissionDenied, ServiceError)):
        membership_grant(
            actor=person, user=UserFactory(), unit=two.world.commune, role=Role.OFFICER
        )


def test_a_campaign_role_is_named_with_its_campaign_on_the_account_pages(two: Two) -> None:
    person = two["organiser_2025"]
    mine = _client(person).get(reverse("accounts:my_account")).content.decode()
    assert f"Chỉ trong đợt “{two.c2025.name}”" in mine and "Lâu dài" not in mine
    page = _client(two.world.users["admin"]).get(reverse("accounts:user_detail", args=[person.pk]))
    assert f"Chỉ trong đợt “{two.c2025.name}”" in page.content.decode()
