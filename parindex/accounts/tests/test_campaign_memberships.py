"""Roles given for one campaign lapse when that campaign is closed."""

from __future__ import annotations

import pytest

from parindex.accounts.permissions import forget_grants, grants, roles_of
from parindex.accounts.roles import Role
from parindex.accounts.services import membership_grant
from parindex.accounts.tests.factories import UserFactory, user_with_role
from parindex.campaigns.models import Campaign
from parindex.core.errors import ServiceError
from parindex.units.tests.factories import OrganiserFactory, UnitFactory


def _campaign(organiser, status="open", slug="cchc-2025") -> Campaign:
    return Campaign.objects.create(
        organiser=organiser, year=2025, slug=slug, name="Đợt 2025", status=status
    )


@pytest.mark.django_db
def test_campaign_role_counts_while_open_and_lapses_when_closed() -> None:
    org = OrganiserFactory()
    admin = user_with_role(Role.ADMIN)
    member = UserFactory()
    campaign = _campaign(org)
    membership_grant(actor=admin, user=member, unit=org, role=Role.COUNCIL, campaign=campaign)
    assert roles_of(member) == {Role.COUNCIL}
    assert grants(member)[0].campaign_id == campaign.pk
    campaign.status = "closed"
    campaign.save()
    forget_grants(member)
    assert roles_of(member) == set()


@pytest.mark.django_db
def test_campaign_role_refused_for_a_unit_outside_the_campaign_organiser() -> None:
    org, other = OrganiserFactory(), OrganiserFactory()
    admin = user_with_role(Role.ADMIN)
    campaign = _campaign(org)
    outsider = UnitFactory(organiser=other)
    with pytest.raises(ServiceError, match="không thuộc cơ quan tổ chức"):
        membership_grant(
            actor=admin, user=UserFactory(), unit=outsider, role=Role.HEAD, campaign=campaign
        )


@pytest.mark.django_db
def test_campaign_role_refused_for_a_closed_campaign() -> None:
    org = OrganiserFactory()
    admin = user_with_role(Role.ADMIN)
    campaign = _campaign(org, status="closed", slug="cchc-2024")
    with pytest.raises(ServiceError, match="đã kết thúc"):
        membership_grant(
            actor=admin, user=UserFactory(), unit=org, role=Role.COUNCIL, campaign=campaign
        )
