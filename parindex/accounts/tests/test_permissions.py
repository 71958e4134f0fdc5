"""Permissions: who sees and manages whom, who grants what where, the council conflict rule,
and the accounts pages x roles matrix."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parindex.accounts import services
from parindex.accounts.permissions import (
    can_grant_role,
    can_manage_user,
    grants,
    has_role_in,
    is_admin,
    organiser_ids,
    roles_of,
    unit_ids_with_role,
    users_visible_to,
)
from parindex.accounts.roles import Role
from parindex.accounts.tests.conftest import Province
from parindex.accounts.tests.factories import MembershipFactory, UserFactory

ROLES = [
    Role.ADMIN,
    Role.ORGANISER,
    Role.CHAIRMAN,
    Role.COUNCIL,
    Role.HEAD,
    Role.FOCAL,
    Role.OFFICER,
    Role.OBSERVER,
    "anonymous",
]
MANAGERS = {Role.ADMIN, Role.ORGANISER}


def test_existing_lookups_keep_working(province: Province) -> None:
    organiser = province["organiser"]
    assert roles_of(organiser) == {Role.ORGANISER}
    assert organiser_ids(organiser) == {province.org.pk}
    assert unit_ids_with_role(province["head"], [Role.HEAD]) == {province.son_linh.pk}
    assert has_role_in(province["head"], province.son_linh.pk, [Role.HEAD])
    assert is_admin(province["admin"]) and not is_admin(organiser)
    assert len(grants(province["officer"])) == 1


def test_users_visible_to(province: Province) -> None:
    everyone = set(province.people.values())
    assert set(users_visible_to(province["admin"])) == everyone
    in_province = (Role.ORGANISER, Role.CHAIRMAN, Role.COUNCIL, Role.OBSERVER)
    in_province += (Role.HEAD, Role.FOCAL, Role.OFFICER)
    own = {province[r] for r in in_province}  # not the admin: it holds no unit role
    assert set(users_visible_to(province["organiser"])) == own
    other = set(users_visible_to(province["other_organiser"]))
    assert other == {province["other_organiser"], province["foreign_officer"]}
    for role in (Role.CHAIRMAN, Role.COUNCIL, Role.HEAD, Role.OFFICER, Role.OBSERVER):
        assert list(users_visible_to(province[role])) == [province[role]]


def test_revoked_people_stay_visible_to_their_organiser(province: Province) -> None:
    lan = province["officer"]
    services.membership_revoke(actor=province["organiser"], membership=lan.memberships.get())
    assert lan in users_visible_to(province["organiser"])
    assert can_manage_user(province["organiser"], lan)


def test_can_manage_user(province: Province) -> None:
    organiser = province["organiser"]
    assert can_manage_user(organiser, province["officer"])
    assert can_manage_user(organiser, province["council"])
    assert not can_manage_user(organiser, province["foreign_officer"])
    assert not can_manage_user(organiser, province["admin"])
    assert not can_manage_user(province["chairman"], province["officer"])
    assert can_manage_user(province["admin"], province["foreign_officer"])
    # Someone who also works under another organiser is the admin's to manage.
    MembershipFactory(user=province["officer"], unit=province.foreign, role=Role.OBSERVER)
    officer = type(province["officer"]).objects.get(pk=province["officer"].pk)
    assert not can_manage_user(organiser, officer)
    superuser = UserFactory(is_superuser=True)
    MembershipFactory(user=superuser, unit=province.son_linh, role=Role.OBSERVER)
    assert not can_manage_user(organiser, superuser)


@pytest.mark.parametrize(
    ("unit_name", "role", "allowed"),
    [
        ("org", Role.ORGANISER, True),
        ("org", Role.CHAIRMAN, True),
        ("org", Role.COUNCIL, True),
        ("org", Role.OBSERVER, True),
        ("org", Role.OFFICER, False),  # the body is not itself assessed here
        ("son_linh", Role.HEAD, True),
        ("son_linh", Role.FOCAL, True),
        ("son_linh", Role.OFFICER, True),
        ("son_linh", Role.OBSERVER, True),
        ("son_linh", Role.COUNCIL, False),
        ("son_linh", Role.ADMIN, False),
        ("foreign", Role.OFFICER, False),
        ("foreign", Role.OBSERVER, False),
        ("other_org", Role.COUNCIL, False),
        (None, Role.ADMIN, False),
        (None, Role.OFFICER, False),
    ],
)
def test_organiser_can_grant_role(
    province: Province, unit_name: str | None, role: str, allowed: bool
) -> None:
    unit = getattr(province, unit_name) if unit_name else None
    assert can_grant_role(province["organiser"], unit, role) is allowed


def test_admin_grants_anywhere_a_role_fits(province: Province) -> None:
    admin = province["admin"]
    assert can_grant_role(admin, None, Role.ADMIN)
    assert can_grant_role(admin, province.foreign, Role.HEAD)
    assert can_grant_role(admin, province.other_org, Role.COUNCIL)
    assert not can_grant_role(admin, province.foreign, Role.COUNCIL)
    assert not can_grant_role(admin, province.son_linh, Role.ADMIN)


@pytest.mark.parametrize(
    "role", [Role.CHAIRMAN, Role.COUNCIL, Role.HEAD, Role.FOCAL, Role.OBSERVER]
)
def test_other_roles_grant_nothing(province: Province, role: str) -> None:
    assert not can_grant_role(province[role], province.son_linh, Role.OFFICER)
    assert not can_grant_role(province[role], province.org, Role.OBSERVER)


# --- the pages x roles matrix ---------------------------------------------------------------


def _client_for(province: Province, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(province[role])
    return client


def _pages(province: Province) -> dict[str, tuple[str, str]]:
    officer = province["officer"].pk
    return {
        "user_list": ("get", reverse("accounts:user_list")),
        "user_create": ("get", reverse("accounts:user_create")),
        "user_detail": ("get", reverse("accounts:user_detail", args=[officer])),
        "user_update": ("get", reverse("accounts:user_update", args=[officer])),
        "bulk_upload": ("get", reverse("accounts:bulk_upload")),
        "bulk_template": ("get", reverse("accounts:bulk_template")),
        "password_reset_by_manager": (
            "post",
            reverse("accounts:user_password_reset", args=[officer]),
        ),
        "membership_grant": ("post", reverse("accounts:membership_grant", args=[officer])),
        "user_deactivate": ("post", reverse("accounts:user_deactivate", args=[officer])),
    }


MANAGER_STATUS = {"membership_grant": 400, "user_deactivate": 302}
PAGES = [
    *MANAGER_STATUS,
    "user_list",
    "user_create",
    "user_detail",
    "user_update",
    "bulk_upload",
    "bulk_template",
    "password_reset_by_manager",
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_accounts_pages_by_role(province: Province, page: str, role: str) -> None:
    method, url = _pages(province)[page]
    response = getattr(_client_for(province, role), method)(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login") + "?next=")
    elif role in MANAGERS:
        assert response.status_code == MANAGER_STATUS.get(page, 200)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["accounts:my_account", "accounts:password_change"])
def test_own_account_pages_for_everyone_signed_in(province: Province, role: str, name: str) -> None:
    response = _client_for(province, role).get(reverse(name))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(
    "name", ["accounts:login", "accounts:password_reset", "accounts:password_reset_done"]
)
def test_public_pages(client: Client, db: Any, name: str) -> None:
    assert client.get(reverse(name)).status_code == 200


def test_organiser_gets_404_for_people_outside_its_scope(
    province: Province, client: Client
) -> None:
    client.force_login(province["organiser"])
    foreign = province["foreign_officer"].pk
    assert client.get(reverse("accounts:user_detail", args=[foreign])).status_code == 404
    assert client.post(reverse("accounts:user_password_reset", args=[foreign])).status_code == 404
    membership = province["foreign_officer"].memberships.get()
    assert (
        client.post(reverse("accounts:membership_revoke", args=[membership.pk])).status_code == 404
    )
    membership.refresh_from_db()
    assert membership.is_active
