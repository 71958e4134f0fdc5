"""The action layer: fetch-authorise-lock, the one optimistic lock, after-commit effects."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from parindex.core.actions import after_commit, changes_of, lock, save_versioned
from parindex.core.errors import ConflictError, ServiceError
from parindex.units.models import Unit
from parindex.units.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(transaction=True)
def test_lock_outside_a_transaction_is_a_programming_error() -> None:
    unit = UnitFactory()
    with pytest.raises(RuntimeError):
        lock(Unit, unit.pk)


def test_lock_checks_the_permission_on_the_row_as_stored() -> None:
    unit = UnitFactory(name="Cũ")
    Unit.objects.filter(pk=unit.pk).update(name="Mới")
    seen: list[str] = []

    def check(actor: Any, row: Unit) -> None:
        seen.append(row.name)
        raise PermissionDenied("Không được sửa đơn vị này.")

    with pytest.raises(PermissionDenied, match="Không được"), transaction.atomic():
        lock(Unit, unit.pk, actor="someone", check=check)
    assert seen == ["Mới"]


def test_a_falsy_answer_refuses_with_its_reason() -> None:
    class No:
        allowed = False
        reason = "Đợt đánh giá đã kết thúc."

        def __bool__(self) -> bool:
            return False

    unit = UnitFactory()
    with pytest.raises(PermissionDenied, match="đã kết thúc"), transaction.atomic():
        lock(Unit, unit.pk, check=lambda actor, row: No())


def test_a_missing_row_is_a_vietnamese_error() -> None:
    with pytest.raises(ServiceError, match="không còn tồn tại"), transaction.atomic():
        lock(Unit, 987654)


def test_a_stale_revision_is_a_conflict_carrying_both_revisions_and_the_stored_row() -> None:
    unit = UnitFactory()
    Unit.objects.filter(pk=unit.pk).update(revision=5, name="Người khác vừa sửa")
    with pytest.raises(ConflictError) as caught, transaction.atomic():
        lock(Unit, unit.pk, expected_revision=unit.revision)
    error = caught.value
    assert (error.expected_revision, error.current_revision) == (unit.revision, 5)
    assert error.current.name == "Người khác vừa sửa"


def test_save_versioned_bumps_the_revision_and_refuses_a_lost_update() -> None:
    unit = UnitFactory(name="A")
    first = Unit.objects.get(pk=unit.pk)
    second = Unit.objects.get(pk=unit.pk)
    with transaction.atomic():
        save_versioned(first, {"name": "B"})
    assert (first.name, first.revision) == ("B", unit.revision + 1)
    with pytest.raises(ConflictError) as caught, transaction.atomic():
        save_versioned(second, {"name": "C"})
    assert caught.value.expected_revision == unit.revision
    assert caught.value.current_revision == unit.revision + 1
    stored = Unit.objects.get(pk=unit.pk)
    assert (stored.name, stored.revision) == ("B", unit.revision + 1)


def test_save_versioned_with_an_explicit_expected_revision() -> None:
    unit = UnitFactory()
    with pytest.raises(ConflictError), transaction.atomic():
        save_versioned(unit, {"name": "X"}, expected_revision=unit.revision + 7)
    with transaction.atomic():
        save_versioned(unit, {"name": "X"}, expected_revision=unit.revision)
    assert Unit.objects.get(pk=unit.pk).name == "X"


def test_changes_of_lists_only_what_changes() -> None:
    unit = UnitFactory(name="A", short_name="a")
    assert changes_of(unit, {"name": "B", "short_name": "a"}) == {"name": ["A", "B"]}


def test_after_commit_runs_only_when_the_change_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    ran: list[str] = []
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            after_commit(lambda: ran.append("committed"))
        assert ran == []  # not inside the transaction
    assert ran == ["committed"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValueError), transaction.atomic():
            after_commit(lambda: ran.append("rolled back"))
            raise ValueError
    assert callbacks == [] and ran == ["committed"]


def test_a_failing_effect_does_not_undo_the_change(django_capture_on_commit_callbacks: Any) -> None:
    unit = UnitFactory(name="A")

    def boom() -> None:
        raise OSError("storage down")

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            save_versioned(unit, {"name": "B"})
            after_commit(boom)
    assert Unit.objects.get(pk=unit.pk).name == "B"
