"""Applying an Excel import: one service, one transaction, every criterion or none."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from parindex.core.errors import ServiceError
from parindex.core.models import AuditEntry

from ..audit_actions import ASSESSMENT_CREATE, ENTRY_SAVE
from ..models import Assessment, Entry
from ..services import EntryConflict, assignment_set, entry_save
from ..services.entries import EntryChange, entries_import
from .helpers import force_status


def _saves() -> int:
    return AuditEntry.objects.filter(action=ENTRY_SAVE.name).count()


def test_every_change_is_saved_and_totals_computed(world: Any) -> None:
    a = world.assessment()
    results = entries_import(
        actor=world.users["focal"],
        assessment=a,
        changes=[
            EntryChange("1.2", {"late_reports": "1"}),
            EntryChange("2.1", {"score": "1,5"}, justification="Có hồ sơ"),
            EntryChange("4.3", {}, not_applicable_reason="Xã không có thôn phải sắp xếp"),
        ],
    )
    assert [r.changed for r in results] == [True, True, True]
    points = dict(Entry.objects.values_list("node_code", "points"))
    assert points["2.1"] == Decimal("1.5") and points["4.3"] is None
    assert _saves() == 3
    a.refresh_from_db()
    assert a.claimed_total is not None and a.completeness > 0


def test_a_conflict_in_the_middle_saves_nothing(world: Any) -> None:
    a = world.assessment()
    entry_save(
        actor=world.users["head"],
        assessment=a,
        node_code="1.5",
        raw_inputs={"initiatives": "0"},
        expected_revision=0,
    )
    before = _saves()
    with pytest.raises(EntryConflict) as caught:
        entries_import(
            actor=world.users["focal"],
            assessment=a,
            changes=[
                EntryChange("1.2", {"late_reports": "1"}),
                EntryChange("1.5", {"initiatives": "2"}, expected_revision=0),  # stale
                EntryChange("2.1", {"score": "1"}),
            ],
        )
    assert (caught.value.expected_revision, caught.value.current_revision) == (0, 1)
    assert list(Entry.objects.values_list("node_code", flat=True)) == ["1.5"]
    assert _saves() == before
    a.refresh_from_db()
    assert a.claimed_total is not None  # the totals of the one saved entry, untouched


def test_a_criterion_not_assigned_in_the_middle_saves_nothing(world: Any) -> None:
    a = world.assessment()
    officer = world.users["officer"]
    assignment_set(actor=world.users["focal"], assessment=a, node_code="2", assignee=officer)
    with pytest.raises(PermissionDenied, match=r"tiêu chí 1\.2"):
        entries_import(
            actor=officer,
            assessment=a,
            changes=[
                EntryChange("2.1", {"score": "1"}),
                EntryChange("1.2", {"late_reports": "1"}),
                EntryChange("2.2", {"score": "1"}),
            ],
        )
    assert not Entry.objects.exists() and _saves() == 0


def test_an_invalid_criterion_in_the_middle_saves_nothing(world: Any) -> None:
    a = world.assessment()
    with pytest.raises(ServiceError, match="điều tra xã hội học"):
        entries_import(
            actor=world.users["focal"],
            assessment=a,
            changes=[EntryChange("1.2", {"late_reports": "1"}), EntryChange("8.1.1", {})],
        )
    assert not Entry.objects.exists()


def test_a_sent_assessment_takes_no_import(world: Any) -> None:
    a = force_status(world.assessment(), "submitted")
    with pytest.raises(ServiceError, match="Hồ sơ đã gửi"):
        entries_import(
            actor=world.users["focal"],
            assessment=a,
            changes=[EntryChange("1.2", {"late_reports": "1"})],
        )
    assert not Entry.objects.exists()


def test_a_reader_imports_nothing(world: Any) -> None:
    a = world.assessment()
    with pytest.raises(PermissionDenied):
        entries_import(
            actor=world.users["other_head"],
            assessment=a,
            changes=[EntryChange("1.2", {"late_reports": "1"})],
        )
    assert not Entry.objects.exists()


def test_an_import_on_a_unit_not_started_starts_it(world: Any) -> None:
    entries_import(
        actor=world.users["head"],
        assessed_unit=world.assessed(),
        changes=[EntryChange("1.2", {"late_reports": "1"})],
    )
    created = AuditEntry.objects.get(action=ASSESSMENT_CREATE.name)
    assert created.actor == world.users["head"]
    assert Entry.objects.get().assessment == Assessment.objects.get()
