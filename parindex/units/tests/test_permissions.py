"""Who sees and who changes units: a role × place table."""

from __future__ import annotations

import pytest

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.units.permissions import (
    can_change_unit,
    can_create_unit,
    can_import_units,
    can_manage_units,
    organisers_managed_by,
    units_visible_to,
)
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org = OrganiserFactory(code="so-a")
    other_org = OrganiserFactory(code="so-b")
    a1 = UnitFactory(code="a1", organiser=org)
    a2 = UnitFactory(code="a2", organiser=org)
    b1 = UnitFactory(code="b1", organiser=other_org)
    return {"org": org, "other_org": other_org, "a1": a1, "a2": a2, "b1": b1}


# role, where the role is held, units seen, may manage org's registry
TABLE = [
    (Role.ADMIN, None, {"org", "other_org", "a1", "a2", "b1"}, True),
    (Role.ORGANISER, "org", {"org", "a1", "a2"}, True),
    (Role.CHAIRMAN, "org", {"org", "a1", "a2"}, False),
    (Role.COUNCIL, "org", {"org", "a1", "a2"}, False),
    (Role.OBSERVER, "org", {"org", "a1", "a2"}, False),
    (Role.HEAD, "a1", {"a1"}, False),
    (Role.FOCAL, "a1", {"a1"}, False),
    (Role.OFFICER, "a1", {"a1"}, False),
    (Role.OBSERVER, "a1", {"a1"}, False),
]


@pytest.mark.parametrize(("role", "where", "seen", "manages"), TABLE)
def test_role_table(world, role, where, seen, manages):
    user = user_with_role(role, world[where] if where else None)
    assert {u.code for u in units_visible_to(user)} == {world[k].code for k in seen}
    assert can_manage_units(user) == manages
    assert can_create_unit(user, world["org"]) == manages
    assert can_import_units(user, world["org"]) == manages
    assert can_change_unit(user, world["a1"]) == manages
    assert can_change_unit(user, world["b1"]) == (role == Role.ADMIN)
    assert can_create_unit(user, world["other_org"]) == (role == Role.ADMIN)
    assert can_create_unit(user, None) == (role == Role.ADMIN)


def test_organiser_manages_only_its_own_registry(world):
    user = user_with_role(Role.ORGANISER, world["org"])
    assert list(organisers_managed_by(user)) == [world["org"]]
    admin = user_with_role(Role.ADMIN)
    assert set(organisers_managed_by(admin)) == {world["org"], world["other_org"]}


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not units_visible_to(AnonymousUser()).exists()
    assert not can_manage_units(AnonymousUser())
