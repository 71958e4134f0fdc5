from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.core.audit import REGISTRY, audit_lines
from parindex.core.errors import ConflictError, ServiceError
from parindex.core.models import AuditEntry
from parindex.units import services
from parindex.units.models import Unit
from parindex.units.services import unit_create, unit_update
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_create_puts_the_unit_in_the_registry_and_audits(organiser_body, organiser_user):
    unit = unit_create(
        actor=organiser_user,
        organiser=organiser_body,
        code="son-linh",
        name="UBND xã Sơn Lĩnh",
        kind="xa",
        valid_from=date(2025, 7, 1),
    )
    assert unit.organiser == organiser_body
    assert unit.revision == 1
    entry = AuditEntry.objects.get(action="unit.create")
    assert entry.actor == organiser_user
    assert entry.object_id == str(unit.pk)
    assert entry.changes["code"] == [None, "son-linh"]
    assert entry.changes["valid_from"] == [None, "01/07/2025"]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"code": "Sơn Lĩnh"}, "code", "Mã 'Sơn Lĩnh' chỉ được gồm chữ cái không dấu"),
        ({"code": "nhap"}, "code", "Mã 'nhap' trùng với tên một trang"),
        ({"name": "  "}, "name", "Tên đơn vị không được để trống"),
        ({"kind": "xa2"}, "kind", "'xa2' không phải loại đơn vị hợp lệ"),
        (
            {"valid_from": date(2025, 7, 1), "valid_to": date(2025, 6, 30)},
            "valid_to",
            "Ngày hết hiệu lực 30/06/2025 trước ngày bắt đầu hiệu lực 01/07/2025",
        ),
    ],
)
def test_create_names_the_wrong_field(organiser_body, organiser_user, kwargs, field, message):
    values = {"code": "son-linh", "name": "UBND xã Sơn Lĩnh", "kind": "xa", **kwargs}
    with pytest.raises(ServiceError) as exc:
        unit_create(actor=organiser_user, organiser=organiser_body, **values)
    assert exc.value.message_dict[field][0].startswith(message)
    assert not Unit.objects.filter(name="UBND xã Sơn Lĩnh").exists()


def test_create_refuses_a_code_in_use(organiser_body, organiser_user):
    UnitFactory(code="son-linh", name="UBND xã Sơn Lĩnh", organiser=organiser_body)
    with pytest.raises(ServiceError) as exc:
        unit_create(
            actor=organiser_user, organiser=organiser_body, code="son-linh", name="X", kind="xa"
        )
    assert exc.value.message_dict["code"] == [
        "Mã 'son-linh' đã được dùng cho đơn vị UBND xã Sơn Lĩnh."
    ]


def test_create_outside_any_registry_is_for_the_admin(organiser_user, admin_user):
    with pytest.raises(PermissionDenied):
        unit_create(actor=organiser_user, code="bo", name="Bộ Nội vụ", kind="bo")
    unit = unit_create(actor=admin_user, code="bo", name="Bộ Nội vụ", kind="bo")
    assert unit.organiser is None


def test_only_the_admin_makes_organising_bodies(organiser_body, organiser_user, admin_user):
    with pytest.raises(PermissionDenied):
        unit_create(
            actor=organiser_user,
            organiser=organiser_body,
            code="phong-nv",
            name="Phòng Nội vụ",
            kind="phong",
            is_organiser=True,
        )
    unit = unit_create(
        actor=admin_user, code="phong-nv", name="Phòng Nội vụ", kind="phong", is_organiser=True
    )
    assert unit.is_organiser


def test_registry_owner_must_be_an_organising_body(admin_user):
    plain = UnitFactory(code="xa-thuong")
    with pytest.raises(ServiceError) as exc:
        unit_create(actor=admin_user, organiser=plain, code="a", name="A", kind="xa")
    assert "organiser" in exc.value.message_dict


def test_update_changes_fields_bumps_revision_and_audits(organiser_body, organiser_user):
    unit = UnitFactory(code="son-linh", name="Xã Sơn Lĩnh", organiser=organiser_body)
    unit_update(
        actor=organiser_user,
        unit=unit,
        expected_revision=1,
        name="UBND xã Sơn Lĩnh",
        valid_to=date(2025, 6, 30),
    )
    unit.refresh_from_db()
    assert (unit.name, unit.name_folded, unit.revision) == (
        "UBND xã Sơn Lĩnh",
        "ubnd xa son linh",
        2,
    )
    assert unit.valid_to == date(2025, 6, 30)
    entry = AuditEntry.objects.get(action="unit.update")
    assert entry.changes == {
        "name": ["Xã Sơn Lĩnh", "UBND xã Sơn Lĩnh"],
        "valid_to": [None, "30/06/2025"],
    }


def test_update_with_a_stale_revision_is_a_conflict(organiser_body, organiser_user):
    unit = UnitFactory(code="son-linh", name="UBND xã Sơn Lĩnh", organiser=organiser_body)
    first = Unit.objects.get(pk=unit.pk)
    second = Unit.objects.get(pk=unit.pk)
    unit_update(actor=organiser_user, unit=first, expected_revision=1, short_name="Sơn Lĩnh")
    with pytest.raises(ConflictError) as exc:
        unit_update(actor=organiser_user, unit=second, expected_revision=1, address="Thôn 2")
    assert "vừa được người khác cập nhật" in exc.value.messages[0]
    unit.refresh_from_db()
    assert (unit.short_name, unit.address, unit.revision) == ("Sơn Lĩnh", "", 2)


def test_update_without_changes_still_checks_the_revision(organiser_body, organiser_user):
    unit = UnitFactory(code="son-linh", organiser=organiser_body)
    Unit.objects.filter(pk=unit.pk).update(revision=5)
    with pytest.raises(ConflictError):
        unit_update(actor=organiser_user, unit=unit, expected_revision=1, name=unit.name)
    assert unit_update(actor=organiser_user, unit=unit, expected_revision=5, name=unit.name) is unit
    assert not AuditEntry.objects.filter(action="unit.update").exists()


def test_update_refuses_a_parent_cycle(organiser_body, organiser_user):
    top = UnitFactory(code="top", organiser=organiser_body)
    mid = UnitFactory(code="mid", organiser=organiser_body, parent=top)
    low = UnitFactory(code="low", organiser=organiser_body, parent=mid)
    with pytest.raises(ServiceError) as exc:
        unit_update(actor=organiser_user, unit=top, expected_revision=1, parent=low)
    assert "vòng lặp" in exc.value.message_dict["parent"][0]
    with pytest.raises(ServiceError):
        unit_update(actor=organiser_user, unit=top, expected_revision=1, parent=top)


def test_organiser_cannot_change_another_registry(organiser_user):
    other = UnitFactory(code="xa-khac", organiser=OrganiserFactory(code="so-khac"))
    with pytest.raises(PermissionDenied):
        unit_update(actor=organiser_user, unit=other, expected_revision=1, name="Tên mới")


def test_moving_a_unit_needs_the_target_registry(organiser_body, organiser_user):
    unit = UnitFactory(code="xa-a", organiser=organiser_body)
    with pytest.raises(PermissionDenied):
        unit_update(
            actor=organiser_user,
            unit=unit,
            expected_revision=1,
            organiser=OrganiserFactory(code="so-khac"),
        )


def test_set_successors_records_a_merger(organiser_body, organiser_user):
    new = UnitFactory(code="xa-moi", organiser=organiser_body)
    olds = [UnitFactory(code=f"xa-{c}", organiser=organiser_body) for c in "abc"]
    for old in olds:
        unit_update(actor=organiser_user, unit=old, successors=[new], expected_revision=1)
    assert sorted(new.predecessors.values_list("code", flat=True)) == ["xa-a", "xa-b", "xa-c"]
    assert Unit.objects.get(code="xa-a").revision == 2
    entry = AuditEntry.objects.filter(action="unit.set_successors").first()
    assert entry is not None and entry.changes["successors"][1] == ["xa-moi"]


def test_set_successors_refuses_itself_and_stale_revisions(organiser_body, organiser_user):
    unit = UnitFactory(code="xa-a", organiser=organiser_body)
    new = UnitFactory(code="xa-moi", organiser=organiser_body)
    with pytest.raises(ServiceError):
        unit_update(actor=organiser_user, unit=unit, successors=[unit], expected_revision=1)
    with pytest.raises(ConflictError):
        unit_update(actor=organiser_user, unit=unit, successors=[new], expected_revision=7)
    assert not unit.successors.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.HEAD, Role.FOCAL, Role.OBSERVER])
def test_unit_side_and_observers_cannot_write(organiser_body, role):
    unit = UnitFactory(code="xa-a", organiser=organiser_body)
    for where in (unit, organiser_body):
        user = user_with_role(role, where)
        with pytest.raises(PermissionDenied):
            unit_create(actor=user, organiser=organiser_body, code="x", name="X", kind="xa")
        with pytest.raises(PermissionDenied):
            unit_update(actor=user, unit=unit, expected_revision=1, name="Tên mới")
        with pytest.raises(PermissionDenied):
            unit_update(actor=user, unit=unit, successors=[], expected_revision=1)


# The action layer: lock + save_versioned, one transaction per service -------------------------


def test_a_conflict_carries_both_revisions(organiser_body, organiser_user):
    unit = UnitFactory(code="xa-a", name="UBND xã A", organiser=organiser_body)
    Unit.objects.filter(pk=unit.pk).update(revision=4)
    with pytest.raises(ConflictError) as exc:
        unit_update(actor=organiser_user, unit=unit, expected_revision=3, address="Thôn 2")
    assert (exc.value.expected_revision, exc.value.current_revision) == (3, 4)
    assert "Đơn vị “UBND xã A” vừa được người khác cập nhật" in exc.value.messages[0]
    new = UnitFactory(code="xa-moi", organiser=organiser_body)
    with pytest.raises(ConflictError) as exc:
        unit_update(actor=organiser_user, unit=unit, successors=[new], expected_revision=1)
    assert (exc.value.expected_revision, exc.value.current_revision) == (1, 4)


def test_update_hands_the_stored_values_back_to_the_callers_instance(
    organiser_body, organiser_user
):
    unit = UnitFactory(code="xa-a", name="Xã A", organiser=organiser_body)
    returned = unit_update(actor=organiser_user, unit=unit, expected_revision=1, name="UBND xã A")
    assert returned is unit
    assert (unit.name, unit.name_folded, unit.revision) == ("UBND xã A", "ubnd xa a", 2)


def test_permission_is_checked_on_the_stored_row(organiser_body, organiser_user):
    """The page loaded the unit in the user's registry; it has since moved to another one."""
    unit = UnitFactory(code="xa-a", organiser=organiser_body)
    other = OrganiserFactory(code="so-khac")
    Unit.objects.filter(pk=unit.pk).update(organiser=other)
    with pytest.raises(PermissionDenied):
        unit_update(actor=organiser_user, unit=unit, expected_revision=1, name="Tên mới")
    with pytest.raises(PermissionDenied):
        unit_update(actor=organiser_user, unit=unit, successors=[], expected_revision=1)
    assert Unit.objects.get(pk=unit.pk).name != "Tên mới"


def test_a_removed_unit_is_named(organiser_body, organiser_user):
    unit = UnitFactory(code="xa-a", name="UBND xã A", organiser=organiser_body)
    Unit.objects.filter(pk=unit.pk).delete()
    with pytest.raises(ServiceError) as exc:
        unit_update(actor=organiser_user, unit=unit, expected_revision=1, name="Tên mới")
    assert "UBND xã A" in exc.value.messages[0]


def test_edit_saves_fields_and_successors_together_or_nothing(organiser_body, organiser_user):
    unit = UnitFactory(code="xa-a", name="UBND xã A", organiser=organiser_body)
    with pytest.raises(ServiceError) as exc:
        unit_update(
            actor=organiser_user,
            unit=unit,
            expected_revision=1,
            name="UBND xã A mới",
            successors=[unit],  # refused after the fields were written
        )
    assert "successors" in exc.value.message_dict
    stored = Unit.objects.get(pk=unit.pk)
    assert (stored.name, stored.revision) == ("UBND xã A", 1)
    assert not AuditEntry.objects.filter(action__startswith="unit.").exists()

    new = UnitFactory(code="xa-moi", organiser=organiser_body)
    unit_update(
        actor=organiser_user, unit=unit, expected_revision=1, name="Xã A mới", successors=[new]
    )
    stored = Unit.objects.get(pk=unit.pk)
    assert stored.name == "Xã A mới" and list(stored.successors.all()) == [new]
    assert unit.revision == stored.revision == 3
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert actions == {"unit.update", "unit.set_successors"}


def test_create_with_successors_is_one_transaction(organiser_body, organiser_user, monkeypatch):
    new = UnitFactory(code="xa-moi", organiser=organiser_body)
    unit = unit_create(
        actor=organiser_user,
        organiser=organiser_body,
        code="xa-cu",
        name="UBND xã Cũ",
        kind="xa",
        successors=[new],
    )
    assert list(unit.successors.all()) == [new] and unit.revision == 2

    def broken(*args, **kwargs):
        raise ServiceError({"successors": "Hỏng giữa chừng."})

    monkeypatch.setattr(services, "_change_successors", broken)
    with pytest.raises(ServiceError):
        unit_create(
            actor=organiser_user,
            organiser=organiser_body,
            code="xa-cu-2",
            name="UBND xã Cũ 2",
            kind="xa",
            successors=[new],
        )
    assert not Unit.objects.filter(code="xa-cu-2").exists()
    assert not AuditEntry.objects.filter(object_repr="UBND xã Cũ 2").exists()


def test_every_unit_action_is_declared_with_a_label(organiser_body, organiser_user):
    unit = unit_create(
        actor=organiser_user, organiser=organiser_body, code="xa-a", name="Xã A", kind="xa"
    )
    unit_update(actor=organiser_user, unit=unit, expected_revision=1, kind="phuong")
    entries = list(AuditEntry.objects.order_by("id"))
    assert all(REGISTRY.get(e.action) is not None for e in entries)
    lines = audit_lines(entries)
    assert [line.label for line in lines] == ["Thêm đơn vị", "Sửa thông tin đơn vị"]
    change = lines[1].changes[0]
    assert (change.field, change.old, change.new) == ("Loại", "Xã", "Phường")
