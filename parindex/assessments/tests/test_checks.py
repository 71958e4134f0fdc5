"""Consistency checks of the rules on the scoring form, before submission and in the offline
Excel import: a failed error check makes the entry invalid (no points, shown beside the inputs,
blocking before submission, a row error in the import); a failed warning check keeps the points
and is listed."""

from __future__ import annotations

import html
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from parindex.frameworks.selectors import get_engine_framework

from ..context import context_for
from ..evaluation import evaluate
from ..models import Entry
from ..services import assessment_submit, blocking_checks, entry_save, submission_checks
from ..workflow import Status
from ..xlsx import COL_CODE, COL_INPUT, COL_VALUE, SHEET, export_workbook
from .factories import (
    DONE_OVER_PLANNED,
    DONE_OVER_PLANNED_141,
    SMALL_PLAN_141,
    World,
    build_world,
    checked_version,
)

ENGINE_TEXT = ("max_points", 'date("', ">=", "<=", "done", "planned")


@pytest.fixture
def cworld(db: Any) -> World:
    return build_world(version_builder=checked_version, prefix="k")


def _framework(world: World) -> Any:
    return get_engine_framework(world.version)


def _save(world: World, a: Any, code: str, raw: dict[str, str], **extra: Any) -> Any:
    entry = Entry.objects.filter(assessment=a, node_code=code).first()
    if entry is not None:
        extra.setdefault("justification", entry.justification)
    return entry_save(
        actor=world.users["focal"],
        assessment=a,
        node_code=code,
        raw_inputs=raw,
        expected_revision=entry.revision if entry else 0,
        **extra,
    )


def _justify_required(world: World, a: Any) -> None:
    """Every leaf needing evidence explained, so that only the entries decide the submission."""
    for node in _framework(world).leaves():
        if node.evidence.value == "required" and node.source.value == "self":
            _save(world, a, node.code, {}, justification="Hồ sơ lưu tại Văn phòng UBND xã")


# --- The evaluation ----------------------------------------------------------------------------


def test_a_failed_error_check_makes_the_entry_invalid(cworld: World) -> None:
    fw = _framework(cworld)
    ev = evaluate(fw, "1.1.2", {"done": "12", "planned": "10"})
    assert ev.points is None and ev.explanation == ""
    assert ev.state == "error" and ev.has_errors and not ev.complete
    assert [f.message for f in ev.failed_checks] == [DONE_OVER_PLANNED]
    assert set(ev.invalid_inputs) == {"done", "planned"}
    assert ev.error_lines({}) == [DONE_OVER_PLANNED]
    assert ev.facts_entry() is None
    fixed = evaluate(fw, "1.1.2", {"done": "9", "planned": "10"})
    assert fixed.state == "done" and not fixed.failed_checks and fixed.points is not None
    assert "Số nhiệm vụ đã hoàn thành 9" in fixed.explanation
    assert not any(bit in fixed.explanation for bit in ENGINE_TEXT)


def test_a_check_waits_for_every_input_it_names(cworld: World) -> None:
    fw = _framework(cworld)
    only_one = evaluate(fw, "1.1.2", {"done": "12"})
    assert only_one.state == "partial" and not only_one.failed_checks
    unreadable = evaluate(fw, "1.1.2", {"done": "mười hai", "planned": "10"})
    assert not unreadable.failed_checks and set(unreadable.errors) == {"done"}
    out_of_range = evaluate(fw, "1.1.2", {"done": "12", "planned": "0"})
    assert not out_of_range.failed_checks and set(out_of_range.errors) == {"planned"}


def test_a_failed_warning_check_keeps_the_points(cworld: World) -> None:
    fw = _framework(cworld)
    ev = evaluate(fw, "1.4.1", {"done": "3", "planned": "3"})
    assert ev.state == "done" and ev.points is not None and ev.points > 0
    assert ev.warnings == [SMALL_PLAN_141] and not ev.has_errors
    both = evaluate(fw, "1.4.1", {"done": "4", "planned": "3"})
    assert [f.message for f in both.failed_checks] == [DONE_OVER_PLANNED_141]
    assert both.warnings == [SMALL_PLAN_141] and both.points is None
    assert evaluate(fw, "1.4.1", {"done": "9", "planned": "10"}).warnings == []


# --- The form: preview, autosave, page ----------------------------------------------------------


def _preview(client: Client, a: Any, code: str, post: dict[str, str]) -> str:
    response = client.post(
        reverse("assessments:preview", args=[a.pk, code]), post, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_preview_shows_the_check_beside_the_inputs_as_typed(cworld: World) -> None:
    a = cworld.assessment()
    client = Client()
    client.force_login(cworld.users["focal"])
    wrong = _preview(client, a, "1.1.2", {"in-done": "12", "in-planned": "10"})
    assert DONE_OVER_PLANNED in wrong.split("data-errors")[1]
    assert 'data-live-state="error"' in wrong and 'data-invalid="done planned"' in wrong
    assert "data-explanation" not in wrong
    right = _preview(client, a, "1.1.2", {"in-done": "10", "in-planned": "10"})
    assert DONE_OVER_PLANNED not in right and 'data-live-state="done"' in right
    explanation = right.split("data-explanation>")[1].split("</p>")[0]
    assert "Số nhiệm vụ đã hoàn thành 10" in explanation
    assert not any(bit in explanation for bit in ENGINE_TEXT)
    warned = _preview(client, a, "1.4.1", {"in-done": "3", "in-planned": "3"})
    assert f"Lưu ý: {SMALL_PLAN_141}" in warned.split("data-warnings")[1]
    assert "data-errors" not in warned and 'data-live-state="done"' in warned


def test_autosave_keeps_an_invalid_entry_without_points(cworld: World) -> None:
    a = cworld.assessment()
    client = Client()
    client.force_login(cworld.users["focal"])
    response = client.post(
        reverse("assessments:save", args=[a.pk, "1.1.2"]),
        {"in-done": "12", "in-planned": "10", "revision": "0"},
    )
    body = response.json()
    assert body["ok"] and body["state"] == "error" and body["points"] == ""
    assert DONE_OVER_PLANNED in html.unescape(body["score_html"])
    entry = Entry.objects.get(assessment=a, node_code="1.1.2")
    assert entry.raw_inputs == {"done": "12", "planned": "10"}
    assert entry.points is None and entry.explanation == ""


def test_the_scoring_page_shows_rules_and_checks_in_words(cworld: World) -> None:
    a = cworld.assessment()
    _save(cworld, a, "1.1.2", {"done": "12", "planned": "10"})
    client = Client()
    client.force_login(cworld.users["focal"])
    page = html.unescape(client.get(reverse("assessments:detail", args=[a.pk])).content.decode())
    section = page.split('id="n-1-1-2"')[1].split("</section>")[0]
    rule = section.split("data-rule>")[1].split("</div>")[0]
    assert "Số nhiệm vụ đã hoàn thành" in rule and "Kiểm tra:" in rule
    assert DONE_OVER_PLANNED in rule
    assert not any(bit in rule for bit in ENGINE_TEXT)
    # the stored invalid entry: the message beside the inputs, both inputs marked
    assert 'data-state="error"' in section
    assert DONE_OVER_PLANNED in section.split("data-errors")[1]
    assert section.count('aria-invalid="true"') == 2
    # a date rule in words: dd/mm/yyyy, the input's label
    date_rule = page.split('id="n-1-1-1"')[1].split("data-rule>")[1].split("</div>")[0]
    assert "31/01/2025" in date_rule and "Ngày ban hành kế hoạch" in date_rule
    assert "issued_on" not in date_rule and "2025-01-31" not in date_rule


# --- Before submission ---------------------------------------------------------------------------


def test_an_invalid_entry_blocks_the_submission(cworld: World) -> None:
    a = cworld.assessment()
    _justify_required(cworld, a)
    _save(cworld, a, "1.1.2", {"done": "12", "planned": "10"})
    _save(cworld, a, "1.4.1", {"done": "3", "planned": "3"})
    _save(cworld, a, "1.2", {"late_reports": "-1"})
    checks = submission_checks(a)
    blocking = [c for c in checks if c.blocking and c.node_code in ("1.1.2", "1.2")]
    assert [c.node_code for c in blocking] == ["1.1.2", "1.2"]
    assert blocking[0].message == (
        f"Tiêu chí 1.1.2 “Mức độ hoàn thành kế hoạch CCHC”: {DONE_OVER_PLANNED}."
    )
    assert "Số báo cáo chậm hoặc thiếu nội dung: không được nhỏ hơn 0" in blocking[1].message
    assert "late_reports" not in blocking[1].message
    warning = [c for c in checks if not c.blocking and c.node_code == "1.4.1"]
    assert [c.message for c in warning] == [
        f"Tiêu chí 1.4.1 “Mức độ thực hiện kế hoạch tuyên truyền CCHC”: {SMALL_PLAN_141}."
    ]
    assert {c.node_code for c in blocking_checks(a)} == {"1.1.2", "1.2"}

    # the service refuses, naming each problem
    with pytest.raises(ValidationError) as refused:
        assessment_submit(actor=cworld.users["head"], assessment=a)
    said = " ".join(refused.value.messages)
    assert "còn 2 vấn đề" in said and DONE_OVER_PLANNED in said
    a.refresh_from_db()
    assert a.status != Status.SUBMITTED

    # the submit page says why and offers no button
    client = Client()
    client.force_login(cworld.users["head"])
    page = html.unescape(client.get(reverse("assessments:submit", args=[a.pk])).content.decode())
    assert DONE_OVER_PLANNED in page.split('id="blocking"')[1].split("</section>")[0]
    assert SMALL_PLAN_141 in page.split('id="warnings"')[1].split("</section>")[0]
    assert 'id="confirm-submit"' not in page
    client.post(reverse("assessments:submit", args=[a.pk]))
    a.refresh_from_db()
    assert a.status != Status.SUBMITTED

    # fixed: only the warning is left, and the submission goes through
    _save(cworld, a, "1.1.2", {"done": "10", "planned": "10"})
    _save(cworld, a, "1.2", {"late_reports": "1"})
    assert not [c for c in blocking_checks(a) if c.node_code in ("1.1.2", "1.2")]
    page = html.unescape(client.get(reverse("assessments:submit", args=[a.pk])).content.decode())
    assert 'id="confirm-submit"' in page and SMALL_PLAN_141 in page
    assessment_submit(actor=cworld.users["head"], assessment=a)
    a.refresh_from_db()
    assert a.status == Status.SUBMITTED


# --- Offline Excel import ----------------------------------------------------------------------


def _filled(a: Any, values: dict[tuple[str, str], str]) -> tuple[bytes, dict[tuple[str, str], int]]:
    wb = load_workbook(io.BytesIO(export_workbook(context_for(a))))
    ws = wb[SHEET]
    rows: dict[tuple[str, str], int] = {}
    for r in range(1, ws.max_row + 1):
        code, name = ws.cell(row=r, column=COL_CODE).value, ws.cell(row=r, column=COL_INPUT).value
        if code and code != "Mã":
            rows[(str(code), str(name or ""))] = r
    for key, value in values.items():
        ws.cell(row=rows[key], column=COL_VALUE, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue(), rows


def _upload(client: Client, a: Any, data: bytes) -> str:
    response = client.post(
        reverse("assessments:import", args=[a.pk]), {"file": SimpleUploadedFile("tdg.xlsx", data)}
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_an_import_row_failing_an_error_check_is_a_row_error(cworld: World) -> None:
    a = cworld.assessment()
    client = Client()
    client.force_login(cworld.users["focal"])
    data, rows = _filled(
        a,
        {("1.1.2", "done"): "12", ("1.1.2", "planned"): "10", ("1.2", "late_reports"): "1"},
    )
    page = _upload(client, a, data)
    errors = page.split('id="import-errors"')[1].split("</ul>")[0]
    row = rows[("1.1.2", "done")]
    assert (
        f"Dòng {row}, cột Giá trị: tiêu chí 1.1.2 “Mức độ hoàn thành kế hoạch CCHC”: "
        f"{DONE_OVER_PLANNED}" in errors
    )
    assert 'name="ticket"' not in page  # nothing can be applied, not even the valid row
    assert not Entry.objects.filter(assessment=a).exists()


def test_an_import_row_failing_a_warning_check_is_listed_and_applied(cworld: World) -> None:
    a = cworld.assessment()
    client = Client()
    client.force_login(cworld.users["focal"])
    data, rows = _filled(a, {("1.4.1", "done"): "3", ("1.4.1", "planned"): "3"})
    page = _upload(client, a, data)
    assert 'id="import-errors"' not in page
    warnings = page.split('id="import-warnings"')[1].split("</ul>")[0]
    assert f"tiêu chí 1.4.1 “Mức độ thực hiện kế hoạch tuyên truyền CCHC”: {SMALL_PLAN_141}" in (
        warnings
    )
    assert f"Dòng {rows[('1.4.1', 'done')]}" in warnings
    ticket = page.split('name="ticket" value="', 1)[1].split('"', 1)[0]
    client.post(reverse("assessments:import", args=[a.pk]), {"do": "apply", "ticket": ticket})
    entry = Entry.objects.get(assessment=a, node_code="1.4.1")
    assert entry.raw_inputs == {"done": "3", "planned": "3"} and entry.points is not None
