"""The audit trail: inputs, points, justification and status — who, when, old and new; a burst
of autosaves by one person on one criterion is one entry."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.core.models import AuditEntry
from parindex.frameworks.selectors import get_engine_framework

from ..selectors import audit_entries
from ..services import assessment_submit, entry_save


def _saves(a: Any) -> list[AuditEntry]:
    return [e for e in audit_entries(a) if e.action == "assessment.entry.save"][::-1]


def test_a_burst_of_saves_by_one_person_is_one_entry(world: Any) -> None:
    a = world.assessment()
    focal = world.users["focal"]
    entry_save(
        actor=focal,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "1"},
        expected_revision=0,
    )
    entry_save(
        actor=focal,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "2"},
        justification="Chậm báo cáo quý II",
        expected_revision=1,
    )
    entry_save(
        actor=focal,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "3"},
        justification="Chậm báo cáo quý II, III",
        expected_revision=2,
    )
    saves = _saves(a)
    assert len(saves) == 1
    changes = saves[0].changes
    assert changes["raw_inputs"] == [{}, {"late_reports": "3"}]
    assert changes["points"] == [None, "0.25"]
    assert changes["justification"] == ["", "Chậm báo cáo quý II, III"]
    assert saves[0].actor == focal


def test_another_person_starts_a_new_entry(world: Any) -> None:
    a = world.assessment()
    focal, head = world.users["focal"], world.users["head"]
    entry_save(
        actor=focal,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "1"},
        expected_revision=0,
    )
    entry_save(
        actor=head,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "0"},
        expected_revision=1,
    )
    entry_save(
        actor=focal,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "2"},
        expected_revision=2,
    )
    entry_save(
        actor=focal,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "4"},
        expected_revision=3,
    )
    saves = _saves(a)
    assert [s.actor for s in saves] == [focal, head, focal]
    assert saves[1].changes["raw_inputs"] == [{"late_reports": "1"}, {"late_reports": "0"}]
    assert saves[2].changes["raw_inputs"] == [{"late_reports": "0"}, {"late_reports": "4"}]
    assert saves[2].changes["points"] == ["1.00", "0.00"]


def test_other_criteria_and_a_pause_are_separate(world: Any) -> None:
    a = world.assessment()
    focal = world.users["focal"]
    entry_save(
        actor=focal,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "1"},
        expected_revision=0,
    )
    entry_save(
        actor=focal,
        assessment=a,
        node_code="1.5",
        raw_inputs={"initiatives": "1"},
        expected_revision=0,
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        entry_save(
            actor=focal,
            assessment=a,
            node_code="1.2",
            raw_inputs={"late_reports": "2"},
            expected_revision=1,
        )
    assert len(_saves(a)) == 3


def test_status_changes_are_recorded_and_shown(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    entry_save(
        actor=w.users["focal"],
        assessment=a,
        node_code="1.1",
        raw_inputs={"score": "7,5"},
        justification="Đủ hồ sơ",
        expected_revision=0,
    )
    assessment_submit(actor=w.users["head"], assessment=a)
    actions = [e.action for e in audit_entries(a)]
    assert "assessment.submit" in actions and "assessment.entry.save" in actions
    submit = next(e for e in audit_entries(a) if e.action == "assessment.submit")
    assert submit.changes["status"] == ["draft", "submitted"]
    client = Client()
    client.force_login(w.users["organiser"])
    page = client.get(reverse("assessments:audit", args=[a.pk])).content.decode()
    assert "Phê duyệt và gửi" in page and "Đang chấm điểm → <strong>Đã gửi" in page
    assert "Hoàng Thị Lan" in page and "Điểm chấm: 7,5" in page and "Đủ hồ sơ" in page
    # People read labels, the criterion's name, values: never a stored action name or a hash.
    node = get_engine_framework(a.assessed_unit.framework).by_code["1.1"]
    assert f"1.1. {node.name}" in page
    assert "assessment.submit" not in page and "assessment.entry.save" not in page
    assert re.search(r"[0-9a-f]{32}", page) is None


def test_audit_page_names_inputs_by_their_labels(world: Any) -> None:
    a = world.assessment()
    head = world.users["head"]
    entry_save(
        actor=head,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "2"},
        expected_revision=0,
    )
    client = Client()
    client.force_login(head)
    html = client.get(reverse("assessments:audit", args=[a.pk])).content.decode()
    assert "Số báo cáo chậm hoặc thiếu nội dung: 2" in html
    assert "late_reports:" not in html
