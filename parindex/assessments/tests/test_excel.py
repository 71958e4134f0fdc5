"""Offline Excel: download, fill, upload with a preview naming bad rows, apply all or nothing."""

from __future__ import annotations

import html
import io
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..context import context_for
from ..models import Entry
from ..services import assignment_set, entry_save
from ..views import excel
from ..xlsx import COL_CODE, COL_INPUT, COL_NA, COL_NOTE, COL_VALUE, SHEET, export_workbook


def _rows(ws: Any) -> dict[tuple[str, str], int]:
    """(code, input name) → row number."""
    out: dict[tuple[str, str], int] = {}
    for r in range(1, ws.max_row + 1):
        code = ws.cell(row=r, column=COL_CODE).value
        name = ws.cell(row=r, column=COL_INPUT).value
        if code and code != "Mã":
            out[(str(code), str(name or ""))] = r
    return out


def _fill(
    data: bytes,
    values: dict[tuple[str, str], Any],
    notes: dict[str, str] | None = None,
    na: dict[str, str] | None = None,
) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    rows = _rows(ws)
    for key, value in values.items():
        ws.cell(row=rows[key], column=COL_VALUE, value=value)
    for code, text in (notes or {}).items():
        first = min(r for (c, _n), r in rows.items() if c == code)
        ws.cell(row=first, column=COL_NOTE, value=text)
    for code, text in (na or {}).items():
        first = min(r for (c, _n), r in rows.items() if c == code)
        ws.cell(row=first, column=COL_NA, value=text)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _ticket(page: str) -> str:
    return page.split('name="ticket" value="', 1)[1].split('"', 1)[0]


def _apply(client: Client, a: Any, ticket: str) -> Any:
    return client.post(
        reverse("assessments:import", args=[a.pk]), {"do": "apply", "ticket": ticket}, follow=True
    )


def _upload(client: Client, a: Any, data: bytes) -> str:
    response = client.post(
        reverse("assessments:import", args=[a.pk]), {"file": SimpleUploadedFile("tdg.xlsx", data)}
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_sheet_describes_every_input(world: Any) -> None:
    a = world.assessment()
    entry_save(
        actor=world.users["focal"],
        assessment=a,
        node_code="1.1.2",
        raw_inputs={"done": "9", "planned": "10"},
        expected_revision=0,
    )
    wb = load_workbook(io.BytesIO(export_workbook(context_for(a))))
    ws = wb[SHEET]
    rows = _rows(ws)
    assert ("1.1.2", "done") in rows and ("1.4.2", "items[2]") in rows
    assert ("8.1.1", "answers") not in rows  # survey-sourced: not the unit's
    assert ws.cell(row=rows[("1.1.2", "done")], column=COL_VALUE).value == "9"
    assert ws.protection.sheet is True
    assert ws.cell(row=rows[("1.1.2", "done")], column=COL_VALUE).protection.locked is False
    assert ws.cell(row=rows[("1.1.2", "done")], column=COL_CODE).protection.locked is True
    assert wb["_parindex"].sheet_state == "hidden"
    # the inputs' names are read back, never shown: their column is hidden
    assert ws.column_dimensions[get_column_letter(COL_INPUT)].hidden is True
    assert ws.column_dimensions[get_column_letter(COL_VALUE)].hidden is False


def test_round_trip_with_bad_rows_named(world: Any) -> None:
    a = world.assessment()
    client = Client()
    client.force_login(world.users["focal"])
    data = client.get(reverse("assessments:export", args=[a.pk])).content
    rows = _rows(load_workbook(io.BytesIO(data))[SHEET])
    bad = _fill(
        data,
        {
            ("1.1.2", "done"): "9",
            ("1.1.2", "planned"): "1,5",
            ("1.1.1", "issued_on"): "31/02/2025",
            ("1.3.1", "met"): "có",
        },
    )
    page = _upload(client, a, bad)
    assert f"Dòng {rows[('1.1.2', 'planned')]}, cột Giá trị: '1,5' không phải số nguyên" in page
    assert f"Dòng {rows[('1.1.1', 'issued_on')]}, cột Giá trị: ngày 31/02/2025" in page
    assert 'id="apply-import"' not in page
    assert not Entry.objects.exists()

    good = _fill(
        data,
        {
            ("1.1.2", "done"): 9,  # typed as a number in Excel
            ("1.1.2", "planned"): "10",
            ("1.1.1", "issued_on"): "20/01/2025",
            ("1.3.1", "met"): "có",
            ("1.4.2", "items[0]"): "x",
            ("1.4.2", "items[2]"): "có",
            ("2.1", "score"): 1.5,
            ("3.1.1", "posted_pct"): "95,5",
        },
        notes={"1.1.1": "Kế hoạch số 05/KH-UBND"},
        na={"4.3": "Xã không có thôn phải sắp xếp"},
    )
    page = _upload(client, a, good)
    assert "Có" not in page.split('id="import-preview"')[1].split("</h2>")[0]
    assert 'id="apply-import"' in page and "7 tiêu chí thay đổi" in page
    applied = _apply(client, a, _ticket(page))
    assert applied.redirect_chain[-1][0] == reverse("assessments:detail", args=[a.pk])
    points = dict(Entry.objects.values_list("node_code", "points"))
    assert points["1.1.2"] == Decimal("0.5") and points["2.1"] == Decimal("1.5")
    assert points["1.4.2"] == Decimal("0.75") and points["3.1.1"] == Decimal("0.75")
    assert Entry.objects.get(node_code="1.1.1").justification == "Kế hoạch số 05/KH-UBND"
    assert Entry.objects.get(node_code="4.3").not_applicable_reason
    assert Entry.objects.get(node_code="2.1").raw_inputs == {"score": "1,5"}
    a.refresh_from_db()
    assert a.claimed_total is not None and a.completeness > 0

    # The same file again changes nothing; a file from before someone's edit is refused.
    assert "0 tiêu chí thay đổi" in _upload(client, a, good)
    entry_save(
        actor=world.users["head"],
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "1"},
        expected_revision=0,
    )
    stale = _fill(data, {("1.2", "late_reports"): "3"})
    page = _upload(client, a, stale)
    assert "đã được Nguyễn Văn Hùng sửa trên hệ thống sau khi tải tệp" in page


def test_apply_is_all_or_nothing(world: Any) -> None:
    a = world.assessment()
    client = Client()
    client.force_login(world.users["focal"])
    data = client.get(reverse("assessments:export", args=[a.pk])).content
    filled = _fill(data, {("1.2", "late_reports"): "1", ("1.5", "initiatives"): "2"})
    page = _upload(client, a, filled)
    assert 'id="apply-import"' in page
    # Between preview and apply someone saves 1.5: the whole import is refused.
    entry_save(
        actor=world.users["head"],
        assessment=a,
        node_code="1.5",
        raw_inputs={"initiatives": "0"},
        expected_revision=0,
    )
    response = _apply(client, a, _ticket(page))
    page = html.unescape(response.content.decode())
    assert "không có thay đổi nào được lưu" in page
    assert "tiêu chí 1.5 đã được Nguyễn Văn Hùng sửa trên hệ thống" in page  # read again
    assert 'id="apply-import"' not in page
    assert list(Entry.objects.values_list("node_code", flat=True)) == ["1.5"]


def test_a_hand_made_sheet_keeps_the_revisions_its_preview_showed(world: Any) -> None:
    """A sheet without the hidden revisions is checked, on applying, against the revisions the
    preview was made from."""
    a = world.assessment()
    client = Client()
    client.force_login(world.users["focal"])
    data = client.get(reverse("assessments:export", args=[a.pk])).content
    book = load_workbook(io.BytesIO(_fill(data, {("1.2", "late_reports"): "1"})))
    del book["_parindex"]
    out = io.BytesIO()
    book.save(out)
    page = _upload(client, a, out.getvalue())
    assert "1 tiêu chí thay đổi" in page
    entry_save(
        actor=world.users["head"],
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "3"},
        expected_revision=0,
    )
    response = _apply(client, a, _ticket(page))
    page = html.unescape(response.content.decode())
    assert "hồ sơ đã thay đổi sau khi xem trước" in page
    assert Entry.objects.get(node_code="1.2").raw_inputs == {"late_reports": "3"}


def test_a_ticket_serves_one_apply_by_its_uploader_on_its_assessment(
    world: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = world.assessment()
    client = Client()
    client.force_login(world.users["focal"])
    data = client.get(reverse("assessments:export", args=[a.pk])).content
    page = _upload(client, a, _fill(data, {("1.2", "late_reports"): "1"}))
    ticket = _ticket(page)
    invalid = "Bản xem trước không hợp lệ: hãy tải tệp lên lại."

    # another signed-in person replaying it, or the ticket sent to another assessment
    head = Client()
    head.force_login(world.users["head"])
    assert invalid in html.unescape(_apply(head, a, ticket).content.decode())
    other = world.assessment(world.commune2)
    other_client = Client()
    other_client.force_login(world.users["other_head"])
    assert invalid in html.unescape(_apply(other_client, other, ticket).content.decode())
    assert not Entry.objects.exists()

    # expired
    monkeypatch.setattr(excel, "STAGE", replace(excel.STAGE, max_age=-1))
    expired = html.unescape(_apply(client, a, ticket).content.decode())
    assert "Bản xem trước đã quá hạn một giờ: hãy tải tệp lên lại." in expired
    assert not Entry.objects.exists()
    monkeypatch.undo()

    applied = _apply(client, a, ticket)
    assert applied.redirect_chain[-1][0] == reverse("assessments:detail", args=[a.pk])
    entry = Entry.objects.get(node_code="1.2")
    assert entry.raw_inputs == {"late_reports": "1"}

    # replayed after the confirmation: "used", and nothing changes
    entry_save(
        actor=world.users["head"],
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "2"},
        expected_revision=entry.revision,
    )
    replayed = html.unescape(_apply(client, a, ticket).content.decode())
    assert "Không còn bản xem trước: hãy tải tệp lên lại." in replayed
    assert Entry.objects.get(node_code="1.2").raw_inputs == {"late_reports": "2"}


def test_officer_imports_only_assigned_criteria(world: Any) -> None:
    a = world.assessment()
    assignment_set(
        actor=world.users["focal"], assessment=a, node_code="2", assignee=world.users["officer"]
    )
    client = Client()
    client.force_login(world.users["officer"])
    data = client.get(reverse("assessments:export", args=[a.pk])).content
    rows = _rows(load_workbook(io.BytesIO(data))[SHEET])
    page = _upload(client, a, _fill(data, {("2.1", "score"): "1", ("1.2", "late_reports"): "0"}))
    assert f"Dòng {rows[('1.2', 'late_reports')]}: bạn không được giao chấm tiêu chí 1.2" in page
    assert 'id="apply-import"' not in page


def test_a_file_of_another_assessment_is_refused(world: Any) -> None:
    a = world.assessment()
    other = world.assessment(world.commune2)
    client = Client()
    client.force_login(world.users["other_head"])
    data = client.get(reverse("assessments:export", args=[other.pk])).content
    client.force_login(world.users["focal"])
    assert "hồ sơ tự đánh giá khác" in _upload(client, a, data)
    assert "không đọc được tệp" in _upload(client, a, b"not an xlsx").lower()
