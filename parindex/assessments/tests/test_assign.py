"""The assignment page: one service, one transaction, every row or none."""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from parindex.core.errors import ServiceError
from parindex.core.models import AuditEntry

from ..audit_actions import ASSESSMENT_CREATE, ASSIGN
from ..context import context_for
from ..models import Assessment, Assignment
from ..services.assignments import AssignmentRow, assignments_save


def _assigned() -> dict[str, str]:
    return dict(Assignment.objects.values_list("node_code", "assignee__username"))


def test_rows_are_saved_together_and_recorded(world: Any) -> None:
    a = world.assessment()
    officer, officer2 = world.users["officer"], world.users["officer2"]
    changed = assignments_save(
        actor=world.users["focal"],
        assessment=a,
        rows=[("1", officer, date(2025, 3, 1)), AssignmentRow("2", officer2), ("3", None, None)],
    )
    assert changed == 2
    assert _assigned() == {"1": officer.username, "2": officer2.username}
    entries = list(AuditEntry.objects.filter(action=ASSIGN.name).order_by("id"))
    name = context_for(a).framework.by_code["1"].name
    assert len(entries) == 2 and entries[0].object_repr == f"1 {name}"
    assert entries[0].changes["assignee"] == [None, officer.get_full_name()]
    assert entries[0].changes["due_on"] == [None, "2025-03-01"]
    # The same rows again change nothing; taking one back is one change.
    rows = [("1", officer, date(2025, 3, 1)), ("2", None, None)]
    assert assignments_save(actor=world.users["focal"], assessment=a, rows=rows) == 1
    assert _assigned() == {"1": officer.username}


@pytest.mark.parametrize(
    ("bad", "error"),
    [
        (("99.9", "officer2"), "không có tiêu chí mã 99.9"),
        (("2", "other_officer"), "không phải cán bộ, công chức"),
    ],
)
def test_a_bad_row_in_the_middle_saves_nothing(
    world: Any, bad: tuple[str, str], error: str
) -> None:
    a = world.assessment()
    before = AuditEntry.objects.filter(action=ASSIGN.name).count()
    with pytest.raises(ServiceError, match=error):
        assignments_save(
            actor=world.users["focal"],
            assessment=a,
            rows=[
                ("1", world.users["officer"], None),
                (bad[0], world.users[bad[1]], None),
                ("3", world.users["officer2"], None),
            ],
        )
    assert not Assignment.objects.exists()
    assert AuditEntry.objects.filter(action=ASSIGN.name).count() == before


@pytest.mark.parametrize("who", ["officer", "unit_observer", "organiser"])
def test_only_the_head_or_focal_officer_assigns(world: Any, who: str) -> None:
    a = world.assessment()
    with pytest.raises(PermissionDenied, match="Chỉ thủ trưởng hoặc đầu mối"):
        assignments_save(
            actor=world.users[who], assessment=a, rows=[("1", world.users["officer"], None)]
        )
    assert not Assignment.objects.exists()


def test_the_first_assignment_on_a_unit_not_started_starts_it(world: Any) -> None:
    au = world.assessed()
    with pytest.raises(PermissionDenied):
        assignments_save(
            actor=world.users["unit_observer"],
            assessed_unit=au,
            rows=[("1", world.users["officer"], None)],
        )
    assert not Assessment.objects.exists()
    assignments_save(
        actor=world.users["focal"], assessed_unit=au, rows=[("1", world.users["officer"], None)]
    )
    created = AuditEntry.objects.get(action=ASSESSMENT_CREATE.name)
    assert created.actor == world.users["focal"]
    assert Assignment.objects.get().assessment == Assessment.objects.get()


def test_the_page_saves_nothing_while_a_row_is_wrong(world: Any) -> None:
    a = world.assessment()
    officer = world.users["officer"]
    client = Client()
    client.force_login(world.users["focal"])
    url = reverse("assessments:assign", args=[a.pk])
    response = client.post(
        url,
        {
            "do": "save",
            "who-1": str(officer.pk),
            "due-1": "01/03/2025",
            "who-2": str(officer.pk),
            "due-2": "31/02/2025",
        },
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Tiêu chí 2: hạn “31/02/2025” không phải ngày dd/mm/yyyy." in page
    assert "Chưa lưu phân công nào" in page
    assert 'value="31/02/2025"' in page  # what was typed is shown again
    assert not Assignment.objects.exists()
    saved = client.post(
        url, {"do": "save", "who-1": str(officer.pk), "due-1": "01/03/2025", "who-2": ""}
    )
    assert saved.status_code == 302
    assert Assignment.objects.get().due_on == date(2025, 3, 1)
