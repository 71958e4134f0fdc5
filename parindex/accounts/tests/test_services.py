"""Services: creating and editing people, granting and revoking roles, with the rules."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

import pytest

from parindex.accounts import services
from parindex.accounts.models import Membership, User
from parindex.accounts.permissions import grants
from parindex.accounts.roles import Role, role_from_text
from parindex.accounts.tests.conftest import Province
from parindex.accounts.usernames import suggest_username, username_problem
from parindex.core.errors import PermissionDenied, ServiceError
from parindex.core.models import AuditEntry
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

# --- usernames and roles from text ---------------------------------------------------------


@pytest.mark.parametrize("name", ["lan.sonlinh", "sonv.thuongtruc", "duc_2", "a-b.c", "abc"])
def test_valid_usernames(name: str) -> None:
    assert username_problem(name) is None


@pytest.mark.parametrize("name", ["Lan", "lan sonlinh", "lân.sơnlĩnh", "ab", ".lan", "lan@x", ""])
def test_invalid_usernames(name: str) -> None:
    assert username_problem(name)


@pytest.mark.parametrize(
    ("full_name", "code", "expected"),
    [
        ("Nguyễn Thị Lan", "son-linh", "lan.sonlinh"),
        ("Trần Văn Đức", "son-linh", "duc.sonlinh"),
        ("Nguyễn Thị Lan", "", "lan.nt"),
        ("  Lê   Ánh  ", "ky-anh", "anh.kyanh"),
    ],
)
def test_username_suggestion(full_name: str, code: str, expected: str) -> None:
    assert suggest_username(full_name, code) == expected


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("head", Role.HEAD),
        ("Thủ trưởng đơn vị", Role.HEAD),
        ("thu truong", Role.HEAD),
        ("Đầu mối của đơn vị", Role.FOCAL),
        ("Công chức thực hiện", Role.OFFICER),
        ("Cơ quan tổ chức đánh giá", Role.ORGANISER),
        ("Người theo dõi (chỉ xem)", Role.OBSERVER),
        ("THÀNH VIÊN HỘI ĐỒNG THẨM ĐỊNH", Role.COUNCIL),
        ("giám đốc", None),
        ("", None),
    ],
)
def test_role_from_text(text: str, role: str | None) -> None:
    assert role_from_text(text) == role


# --- creating people ------------------------------------------------------------------------


def test_organiser_creates_an_account_with_a_role_and_temporary_password(
    province: Province,
) -> None:
    nfd_name = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")
    account = services.user_create(
        actor=province["organiser"],
        full_name=nfd_name,
        unit=province.son_linh,
        role=Role.FOCAL,
        phone="0912 345 678",
    )
    user = account.user
    assert user.username == "hong.sonlinh"
    assert user.full_name == "Nguyễn Thị Hồng" and unicodedata.is_normalized("NFC", user.full_name)
    assert user.full_name_folded == "nguyen thi hong"
    assert user.must_change_password and user.check_password(account.password)
    assert account.membership is not None and account.membership.role == Role.FOCAL
    assert account.membership.granted_by == province["organiser"]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"user.create", "membership.grant"} <= actions
    assert account.password not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_generated_usernames_do_not_collide(province: Province) -> None:
    first = services.user_create(
        actor=province["organiser"],
        full_name="Nguyễn Thị Lan",
        unit=province.son_linh,
        role=Role.OFFICER,
    )
    second = services.user_create(
        actor=province["organiser"],
        full_name="Phạm Thị Lan",
        unit=province.son_linh,
        role=Role.OFFICER,
    )
    assert (first.user.username, second.user.username) == ("lan.sonlinh", "lan.sonlinh2")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"full_name": "  "}, "full_name"),
        ({"username": "Lan Sơn"}, "username"),
        ({"username": "t.officer"}, "username"),
        ({"username": "T.OFFICER"}, "username"),
        ({"email": "khong-phai-email"}, "email"),
        ({"phone": "abc"}, "phone"),
        ({"unit": None}, "unit"),
    ],
)
def test_user_create_refuses_bad_input(
    province: Province, kwargs: dict[str, Any], field: str
) -> None:
    data: dict[str, Any] = {
        "actor": province["organiser"],
        "full_name": "Nguyễn Văn A",
        "unit": province.son_linh,
        "role": Role.OFFICER,
    }
    data.update(kwargs)
    before = User.objects.count()
    with pytest.raises(ServiceError) as caught:
        services.user_create(**data)
    assert field in caught.value.message_dict
    assert User.objects.count() == before


def test_organiser_cannot_create_accounts_in_another_registry(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=province["organiser"],
            full_name="Nguyễn Văn A",
            unit=province.foreign,
            role=Role.OFFICER,
        )
    assert not User.objects.filter(full_name="Nguyễn Văn A").exists()


@pytest.mark.parametrize("role", [Role.CHAIRMAN, Role.HEAD, Role.OFFICER, Role.OBSERVER])
def test_only_managers_create_accounts(province: Province, role: str) -> None:
    with pytest.raises(PermissionDenied):
        services.user_create(
            actor=province[role],
            full_name="Nguyễn Văn A",
            unit=province.son_linh,
            role=Role.OFFICER,
        )


def test_admin_may_create_a_person_without_a_role(province: Province) -> None:
    account = services.user_create(actor=province["admin"], full_name="Nguyễn Văn Kỹ Thuật")
    assert account.membership is None and account.user.username == "thuat.nvk"


# --- granting roles -------------------------------------------------------------------------


def test_organiser_grants_roles_in_its_registry(province: Province) -> None:
    lan = province["officer"]
    m = services.membership_grant(
        actor=province["organiser"], user=lan, unit=province.ky_anh, role=Role.OBSERVER
    )
    assert m.is_active and m.granted_by == province["organiser"]
    assert any(g.unit_id == province.ky_anh.pk for g in grants(User.objects.get(pk=lan.pk)))


def test_organiser_cannot_grant_in_another_organisers_registry(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=province["organiser"],
            user=province["officer"],
            unit=province.foreign,
            role=Role.OFFICER,
        )
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=province["organiser"],
            user=province["officer"],
            unit=province.other_org,
            role=Role.COUNCIL,
        )


def test_organiser_cannot_grant_the_admin_role(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=province["organiser"], user=province["officer"], unit=None, role=Role.ADMIN
        )
    assert not Membership.objects.filter(role=Role.ADMIN, user=province["officer"]).exists()


def test_admin_grants_the_admin_role_without_a_unit(province: Province) -> None:
    m = services.membership_grant(
        actor=province["admin"], user=province["organiser"], unit=None, role=Role.ADMIN
    )
    assert m.unit is None
    with pytest.raises(ServiceError):
        services.membership_grant(
            actor=province["admin"], user=province["head"], unit=province.org, role=Role.ADMIN
        )


@pytest.mark.parametrize("role", [Role.COUNCIL, Role.CHAIRMAN, Role.ORGANISER])
def test_organiser_side_roles_only_in_an_organiser_unit(province: Province, role: str) -> None:
    with pytest.raises(ServiceError) as caught:
        services.membership_grant(
            actor=province["admin"], user=province["officer"], unit=province.son_linh, role=role
        )
    assert "chỉ giao trong cơ quan tổ chức đánh giá" in caught.value.message_dict["role"][0]
    m = services.membership_grant(
        actor=province["organiser"], user=province["officer"], unit=province.org, role=role
    )
    assert m.unit == province.org


@pytest.mark.parametrize("role", [Role.HEAD, Role.FOCAL, Role.OFFICER])
def test_unit_side_roles_only_in_an_assessed_unit(province: Province, role: str) -> None:
    with pytest.raises(ServiceError) as caught:
        services.membership_grant(
            actor=province["admin"], user=province["council"], unit=province.org, role=role
        )
    assert "đơn vị được đánh giá" in caught.value.message_dict["role"][0]


def test_organiser_side_roles_stay_in_the_organisers_own_body(province: Province) -> None:
    """A district organiser assessed by the province: the province's secretariat staffs its
    unit side, not its council."""
    district = OrganiserFactory(code="huyen-x", name="Phòng Nội vụ huyện X", organiser=province.org)
    person = province["officer"]
    m = services.membership_grant(
        actor=province["organiser"], user=person, unit=district, role=Role.HEAD
    )
    assert m.unit == district
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=province["organiser"], user=person, unit=district, role=Role.COUNCIL
        )


def test_observer_anywhere_in_scope(province: Province) -> None:
    for unit in (province.org, province.son_linh):
        services.membership_grant(
            actor=province["organiser"], user=province["focal"], unit=unit, role=Role.OBSERVER
        )


def test_grant_refuses_duplicates_bad_dates_and_misplaced_kt(province: Province) -> None:
    organiser, lan = province["organiser"], province["officer"]
    with pytest.raises(ServiceError):
        services.membership_grant(
            actor=organiser, user=lan, unit=province.son_linh, role=Role.OFFICER
        )
    with pytest.raises(ServiceError) as caught:
        services.membership_grant(
            actor=organiser,
            user=lan,
            unit=province.ky_anh,
            role=Role.OFFICER,
            valid_from=date(2026, 1, 1),
            valid_to=date(2025, 12, 31),
        )
    assert "valid_to" in caught.value.message_dict
    with pytest.raises(ServiceError) as caught:
        services.membership_grant(
            actor=organiser,
            user=lan,
            unit=province.ky_anh,
            role=Role.OFFICER,
            signs_on_behalf=True,
        )
    assert "signs_on_behalf" in caught.value.message_dict
    head = services.membership_grant(
        actor=organiser,
        user=lan,
        unit=province.ky_anh,
        role=Role.HEAD,
        title="Phó Chủ tịch",
        signs_on_behalf=True,
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
    )
    assert head.signs_on_behalf and head.title == "Phó Chủ tịch"


def test_dated_membership_counts_only_within_its_dates(province: Province) -> None:
    lan = province["officer"]
    services.membership_grant(
        actor=province["organiser"],
        user=lan,
        unit=province.ky_anh,
        role=Role.FOCAL,
        valid_from=date(2000, 1, 1),
        valid_to=date(2000, 12, 31),
    )
    assert not any(g.unit_id == province.ky_anh.pk for g in grants(User.objects.get(pk=lan.pk)))


def test_grant_needs_the_person_in_scope(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            actor=province["organiser"],
            user=province["foreign_officer"],
            unit=province.son_linh,
            role=Role.OBSERVER,
        )


# --- revoking -------------------------------------------------------------------------------


def test_revoke_keeps_history_and_allows_a_new_grant(province: Province) -> None:
    lan = province["officer"]
    m = lan.memberships.get()
    services.membership_revoke(actor=province["organiser"], membership=m)
    m.refresh_from_db()
    assert not m.is_active and m.revoked_by == province["organiser"] and m.revoked_at
    assert grants(User.objects.get(pk=lan.pk)) == []
    with pytest.raises(ServiceError):
        services.membership_revoke(actor=province["organiser"], membership=m)
    again = services.membership_grant(
        actor=province["organiser"], user=lan, unit=province.son_linh, role=Role.OFFICER
    )
    assert again.pk != m.pk
    assert AuditEntry.objects.filter(action="membership.revoke", object_id=str(m.pk)).exists()


def test_revoke_outside_scope_is_refused(province: Province) -> None:
    foreign = province["foreign_officer"].memberships.get()
    with pytest.raises(PermissionDenied):
        services.membership_revoke(actor=province["organiser"], membership=foreign)
    admin_membership = province["admin"].memberships.get()
    with pytest.raises(PermissionDenied):
        services.membership_revoke(actor=province["organiser"], membership=admin_membership)
    with pytest.raises(ServiceError):
        services.membership_revoke(actor=province["admin"], membership=admin_membership)


# --- editing and locking --------------------------------------------------------------------


def test_manager_updates_details_with_audit(province: Province) -> None:
    lan = province["officer"]
    services.user_update(
        actor=province["organiser"], user=lan, full_name="Nguyễn Thị Lan Anh", position="Công chức"
    )
    lan.refresh_from_db()
    assert lan.full_name_folded == "nguyen thi lan anh"
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.changes["full_name"] == ["Nguyễn Thị Lan", "Nguyễn Thị Lan Anh"]


def test_people_edit_their_own_contact_but_not_their_name(province: Province) -> None:
    lan = province["officer"]
    services.user_update(actor=lan, user=lan, email="Lan@SonLinh.gov.vn", phone="0912345678")
    lan.refresh_from_db()
    assert lan.email == "lan@sonlinh.gov.vn"
    with pytest.raises(PermissionDenied):
        services.user_update(actor=lan, user=lan, full_name="Tên Khác")
    with pytest.raises(PermissionDenied):
        services.user_update(actor=province["head"], user=lan, phone="0987654321")


def test_deactivate_and_reactivate(province: Province) -> None:
    lan = province["officer"]
    services.user_deactivate(actor=province["organiser"], user=lan)
    lan.refresh_from_db()
    assert not lan.is_active and grants(lan) == []
    with pytest.raises(ServiceError):
        services.user_deactivate(actor=province["organiser"], user=lan)
    services.user_reactivate(actor=province["organiser"], user=lan)
    lan.refresh_from_db()
    assert lan.is_active
    with pytest.raises(ServiceError):
        services.user_deactivate(actor=province["organiser"], user=province["organiser"])


def test_unit_required_by_the_database_except_for_admin(db: Any) -> None:
    user = User.objects.create(username="x.y.z")
    unit = UnitFactory()
    Membership.objects.create(user=user, unit=None, role=Role.ADMIN)
    Membership.objects.create(user=user, unit=unit, role=Role.OFFICER)
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, unit=None, role=Role.OFFICER)


# --- the action layer -------------------------------------------------------------------------


def test_every_accounts_audit_name_is_declared(province: Province) -> None:
    from parindex.core.audit import REGISTRY

    organiser = province["organiser"]
    account = services.user_create(
        actor=organiser, full_name="Lê Văn Mới", unit=province.son_linh, role=Role.OFFICER
    )
    user = account.user
    services.user_update(actor=organiser, user=user, position="Chuyên viên")
    services.password_reset_by_manager(actor=organiser, user=user)
    services.user_password_change(user=user, password="mat-khau-Moi-2025")
    services.user_deactivate(actor=organiser, user=user)
    services.user_reactivate(actor=organiser, user=user)
    services.membership_revoke(actor=organiser, membership=account.membership)
    names = set(AuditEntry.objects.values_list("action", flat=True))
    assert names == {
        "user.create",
        "user.update",
        "user.password_reset",
        "user.password_change",
        "user.deactivate",
        "user.reactivate",
        "membership.grant",
        "membership.revoke",
    }
    assert all(name in REGISTRY for name in names)


def test_permission_is_checked_on_the_stored_account(province: Province) -> None:
    """The caller's copy says the person is in the organiser's unit; the stored one moved away."""
    from parindex.accounts.permissions import can_manage_user

    lan = province["officer"]
    assert can_manage_user(province["organiser"], lan)  # the caller's copy caches its roles
    lan.memberships.update(unit=province.foreign)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(actor=province["organiser"], user=lan)
    lan.refresh_from_db()
    assert lan.is_active


def test_a_removed_account_is_named_not_a_crash(province: Province) -> None:
    ghost = User(pk=987654, username="ghost")
    with pytest.raises(ServiceError) as caught:
        services.user_deactivate(actor=province["admin"], user=ghost)
    assert "không còn trong hệ thống" in caught.value.messages[0]
