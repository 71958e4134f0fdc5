"""Saving what is typed: raw text kept, points only when valid, optimistic locking."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from parindex.core.errors import ServiceError
from parindex.core.models import AuditEntry

from ..audit_actions import ASSESSMENT_CREATE, ENTRY_SAVE
from ..context import context_for
from ..models import Assessment, Entry
from ..services import EntryConflict, assessment_submit, entry_save
from .helpers import force_status


def save(
    world: Any,
    a: Any,
    code: str,
    raw: dict[str, Any],
    revision: int = 0,
    who: str = "focal",
    **extra: Any,
) -> Any:
    return entry_save(
        actor=world.users[who],
        assessment=a,
        node_code=code,
        raw_inputs=raw,
        expected_revision=revision,
        **extra,
    )


def test_raw_text_is_kept_while_incomplete_or_wrong(world: Any) -> None:
    a = world.assessment()
    first = save(world, a, "1.1.2", {"done": "9"})
    assert (first.entry.raw_inputs, first.entry.points) == ({"done": "9"}, None)
    assert first.evaluation.state == "partial"
    wrong = save(world, a, "1.1.2", {"done": "9", "planned": "1,5"}, revision=1)
    assert wrong.entry.raw_inputs == {"done": "9", "planned": "1,5"}
    assert wrong.entry.points is None
    assert wrong.evaluation.errors == {"planned": "'1,5' không phải số nguyên"}
    right = save(world, a, "1.1.2", {"done": "9", "planned": "10"}, revision=2)
    assert right.entry.points == Decimal("0.50")
    # the explanation in words: the labels and the values typed, decimal commas
    assert right.entry.explanation == right.evaluation.explanation
    assert "Số nhiệm vụ đã hoàn thành 9" in right.entry.explanation
    assert "Số nhiệm vụ theo kế hoạch 10" in right.entry.explanation
    assert "0,50" in right.entry.explanation and "done" not in right.entry.explanation
    assert right.entry.revision == 3


@pytest.mark.parametrize("text", ["0,25", "0.25", " 0,25 "])
def test_decimal_comma_or_point(world: Any, text: str) -> None:
    a = world.assessment()
    result = save(world, a, "2.1", {"score": text})
    assert result.entry.points == Decimal("0.25")


def test_manual_step_and_date_and_yes_no(world: Any) -> None:
    a = world.assessment()
    off_step = save(world, a, "2.1", {"score": "0,3"})
    assert off_step.entry.points is None and "bước" in off_step.evaluation.errors["score"]
    on_time = save(world, a, "1.1.1", {"issued_on": "20/01/2025"})
    assert on_time.entry.points == Decimal("1.00")
    late = save(world, a, "1.1.1", {"issued_on": "10/02/2025"}, revision=1)
    assert late.entry.points == Decimal("0.50")
    met = save(world, a, "1.3.1", {"met": "không"})
    assert met.entry.points == Decimal("0.00")
    ticks = save(world, a, "1.4.2", {"items": [True, False, True]})
    assert ticks.entry.points == Decimal("0.75")


def test_not_applicable_where_allowed(world: Any) -> None:
    a = world.assessment()
    na = save(world, a, "2.1", {"score": "1"}, not_applicable_reason="Xã không ban hành VBQPPL")
    assert na.entry.points is None and na.entry.not_applicable_reason
    assert na.evaluation.complete
    with pytest.raises(ServiceError, match="không được khai báo không áp dụng"):
        save(world, a, "1.2", {}, not_applicable_reason="Không có")


def test_leaves_the_unit_does_not_fill(world: Any) -> None:
    a = world.assessment()
    with pytest.raises(ServiceError, match="điều tra xã hội học"):
        save(world, a, "8.1.1", {})
    with pytest.raises(ServiceError, match="cơ quan tổ chức"):
        save(world, a, "8.2", {"sipas_pct": "90"})
    with pytest.raises(ServiceError, match="không có số liệu"):
        save(world, a, "1.2", {"late": "1"})
    with pytest.raises(ServiceError, match="không có tiêu chí"):
        save(world, a, "99.9", {})


def test_stale_revision_is_a_conflict_with_both_revisions(world: Any) -> None:
    a = world.assessment()
    save(world, a, "1.2", {"late_reports": "1"})  # revision 1, loaded by both
    save(world, a, "1.2", {"late_reports": "2"}, revision=1, who="head")  # now revision 2
    with pytest.raises(EntryConflict) as caught:
        save(
            world,
            a,
            "1.2",
            {"late_reports": "3"},
            revision=1,
            who="focal",
            justification="Báo cáo quý III chậm",
        )
    conflict = caught.value
    assert (conflict.expected_revision, conflict.current_revision) == (1, 2)
    assert conflict.current is conflict.theirs
    assert conflict.mine["raw_inputs"] == {"late_reports": "3"}
    assert conflict.mine["justification"] == "Báo cáo quý III chậm"
    assert conflict.theirs is not None and conflict.theirs.revision == 2
    assert conflict.theirs.raw_inputs == {"late_reports": "2"}
    assert "Nguyễn Văn Hùng" in conflict.messages[0]
    stored = Entry.objects.get(node_code="1.2")
    assert (stored.raw_inputs, stored.revision) == ({"late_reports": "2"}, 2)
    # Choosing to keep one's own revision: save again on top of revision 2.
    kept = save(world, a, "1.2", {"late_reports": "3"}, revision=2)
    assert (kept.entry.revision, kept.entry.points) == (3, Decimal("0.25"))


def test_two_first_saves_conflict(world: Any) -> None:
    a = world.assessment()
    save(world, a, "1.2", {"late_reports": "1"})
    with pytest.raises(EntryConflict) as caught:
        save(world, a, "1.2", {"late_reports": "2"}, who="head")
    assert (caught.value.expected_revision, caught.value.current_revision) == (0, 1)


def test_a_revision_for_an_entry_never_saved_is_a_conflict(world: Any) -> None:
    a = world.assessment()
    with pytest.raises(EntryConflict) as caught:
        save(world, a, "1.2", {"late_reports": "2"}, revision=3)
    assert (caught.value.expected_revision, caught.value.current_revision) == (3, 0)
    assert caught.value.theirs is None and not Entry.objects.exists()


def test_the_stored_status_is_checked_not_the_page_s(small_world: Any) -> None:
    """An assessment object loaded before it was submitted is refused: the lock reads the row."""
    w = small_world
    a = w.assessment()
    stale = Assessment.objects.get(pk=a.pk)
    force_status(a, "submitted")
    assert stale.status == "draft"
    with pytest.raises(PermissionDenied, match="Hồ sơ đã gửi"):
        entry_save(
            actor=w.users["focal"],
            assessment=stale,
            node_code="1.1",
            raw_inputs={"score": "5"},
            expected_revision=0,
        )
    assert not Entry.objects.exists()


def test_a_save_is_recorded_with_the_criterion_as_subject(world: Any) -> None:
    a = world.assessment()
    result = save(world, a, "1.2", {"late_reports": "1"})
    entry = AuditEntry.objects.get(action=ENTRY_SAVE.name)
    name = context_for(a).framework.by_code["1.2"].name
    assert entry.object_repr == f"1.2 {name}"
    assert (entry.object_id, entry.actor) == (str(result.entry.pk), world.users["focal"])


def test_the_first_save_on_a_unit_not_started_starts_it(world: Any) -> None:
    au = world.assessed()
    with pytest.raises(PermissionDenied):
        entry_save(
            actor=world.users["unit_observer"],
            assessed_unit=au,
            node_code="1.2",
            raw_inputs={"late_reports": "1"},
            expected_revision=0,
        )
    assert not Assessment.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="assessment.").exists()
    result = entry_save(
        actor=world.users["focal"],
        assessed_unit=au,
        node_code="1.2",
        raw_inputs={"late_reports": "1"},
        expected_revision=0,
    )
    created = AuditEntry.objects.get(action=ASSESSMENT_CREATE.name)
    assert created.actor == world.users["focal"]
    assert created.object_id == str(result.entry.assessment_id)
    assert Assessment.objects.get().claimed_total is not None


def test_saving_the_same_content_changes_nothing(world: Any) -> None:
    a = world.assessment()
    save(world, a, "1.2", {"late_reports": "1"})
    again = save(world, a, "1.2", {"late_reports": "1"}, revision=0)
    assert (again.changed, again.entry.revision) == (False, 1)


def test_totals_and_completeness_follow_the_entries(world: Any) -> None:
    a = world.assessment()
    save(world, a, "1.1.1", {"issued_on": "20/01/2025"})
    save(world, a, "1.2", {"late_reports": "1"})
    a.refresh_from_db()
    fillable = len(context_for(a).fillable_leaves())
    assert fillable == 41  # the example set's leaves, less the survey and organiser ones
    assert a.claimed_total == Decimal("1.75")
    assert a.completeness == round(Decimal(200) / fillable, 2)
    assert a.claimed_max == Decimal("100")


def test_no_edit_once_submitted(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    entry_save(
        actor=w.users["focal"],
        assessment=a,
        node_code="1.1",
        raw_inputs={"score": "5"},
        expected_revision=0,
    )
    assessment_submit(actor=w.users["head"], assessment=a)
    with pytest.raises(Exception, match="Hồ sơ đã gửi"):
        entry_save(
            actor=w.users["focal"],
            assessment=a,
            node_code="1.1",
            raw_inputs={"score": "6"},
            expected_revision=1,
        )
    assert Entry.objects.get().raw_inputs == {"score": "5"}


def test_save_endpoint_answers_json(world: Any) -> None:
    a = world.assessment()
    client = Client()
    client.force_login(world.users["focal"])
    url = reverse("assessments:save", args=[a.pk, "1.4.2"])
    ok = client.post(
        url,
        {
            "in-items": "1",
            "in-items-0": "1",
            "in-items-2": "1",
            "justification": "Có ảnh chụp bảng tin",
            "revision": "0",
        },
        HTTP_X_REQUESTED_WITH="fetch",
    )
    body = ok.json()
    assert ok.status_code == 200 and body["revision"] == 1 and body["points"] == "0,75"
    assert "0,75" in body["score_html"] and body["saved_at"]
    stale = client.post(url, {"in-items": "1", "revision": "0"}, HTTP_X_REQUESTED_WITH="fetch")
    assert stale.status_code == 409
    conflict = stale.json()
    assert conflict["conflict"] and conflict["theirs_revision"] == 1
    assert "Bản đã lưu trên hệ thống" in conflict["html"]
    assert "Bản của bạn" in conflict["html"]
    assert Entry.objects.get(node_code="1.4.2").raw_inputs["items"] == [True, False, True]


def test_expired_session_gets_401_not_a_redirect(world: Any) -> None:
    a = world.assessment()
    client = Client()
    url = reverse("assessments:save", args=[a.pk, "1.2"])
    response = client.post(url, {"in-late_reports": "1"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 401 and response.json()["login"] is True
    page = client.get(reverse("assessments:detail", args=[a.pk]))
    assert page.status_code == 302 and "/tai-khoan/dang-nhap/" in page["Location"]


def test_preview_uses_the_engine_with_a_decimal_comma(world: Any) -> None:
    a = world.assessment()
    client = Client()
    client.force_login(world.users["observer"])  # reading is enough to preview
    html = client.post(
        reverse("assessments:preview", args=[a.pk, "1.4.1"]),
        {"in-done": "9", "in-planned": "10"},
        HTTP_HX_REQUEST="true",
    )
    text = html.content.decode()
    explanation = text.split("data-explanation>")[1].split("</p>")[0]
    assert "Số chỉ tiêu tuyên truyền đã hoàn thành 9" in explanation
    assert explanation.endswith("= 0,90")
    assert not any(bit in explanation for bit in ("max_points", "done", "planned", "0.9"))
    bad = client.post(
        reverse("assessments:preview", args=[a.pk, "1.4.1"]),
        {"in-done": "9", "in-planned": "abc"},
        HTTP_HX_REQUEST="true",
    )
    assert "không phải là một số" in bad.content.decode()
    assert not Entry.objects.exists()
    assert Assessment.objects.get(pk=a.pk).claimed_total is None
