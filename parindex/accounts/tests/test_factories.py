from __future__ import annotations

import pytest

from parindex.accounts.permissions import roles_of
from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.units.permissions import units_visible_to
from parindex.units.tests.factories import OrganiserFactory, UnitFactory


@pytest.mark.django_db
def test_officer_sees_only_own_unit_and_organiser_sees_registry() -> None:
    org = OrganiserFactory()
    a = UnitFactory(organiser=org)
    b = UnitFactory(organiser=org)
    other_org = OrganiserFactory()
    UnitFactory(organiser=other_org)
    officer = user_with_role(Role.OFFICER, a)
    organiser = user_with_role(Role.ORGANISER, org)
    assert roles_of(officer) == {Role.OFFICER}
    assert set(units_visible_to(officer)) == {a}
    assert set(units_visible_to(organiser)) == {org, a, b}
