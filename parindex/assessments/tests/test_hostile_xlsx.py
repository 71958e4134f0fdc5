"""Hostile and tricky .xlsx files for the offline entries import, and user text that looks like
a formula in the entries export and the progress board export.

* A 3,000,000-cell workbook (~165 KB) is refused through the page as too large, fast and in
  bounded memory (default limits, and part-size limits lifted so the sheet is streamed).
* An XML-entity workbook or a file that is not a zip is "không đọc được tệp", never a 500.
* Nothing is saved and nothing is staged to be applied.
* Someone who may change no entry is refused before the file is read (a hostile file gets the
  refusal, not a parse message); an officer with an assignment imports their rows.
* A justification starting with = + - @ is exported as text (no ``<f>`` element in any
  worksheet) and reading the export back changes nothing.
"""

from __future__ import annotations

import html
import io
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from parindex.campaigns.models import Campaign
from parindex.exchange.tests.hostile import (
    DDE,
    HYPERLINK,
    MAX_PEAK_BYTES,
    MAX_SECONDS,
    MIB,
    UNREADABLE_FILES,
    assert_no_formula,
    entity_workbook,
    measure,
    million_cells,
    not_a_zip,
)
from parindex.exchange.tests.hostile import lifted_part_limits as lifted
from parindex.units.models import Unit

from ..context import context_for
from ..models import Entry
from ..permissions import can_import_entries
from ..services import assignment_set, entry_save
from ..views.excel import STAGE
from ..xlsx import COL_CODE, COL_INPUT, COL_NA, COL_NOTE, COL_VALUE, SHEET, read_import

REFUSED_UNREAD = "tệp không được đọc"


def _rows(ws: Any) -> dict[tuple[str, str], int]:
    """(code, input name) → row number."""
    out: dict[tuple[str, str], int] = {}
    for r in range(1, ws.max_row + 1):
        code = ws.cell(row=r, column=COL_CODE).value
        name = ws.cell(row=r, column=COL_INPUT).value
        if code and code != "Mã":
            out[(str(code), str(name or ""))] = r
    return out


def _staged() -> list[str]:
    """Every staged sheet waiting to be applied, as its storage path."""
    try:
        folders, _loose = default_storage.listdir(STAGE.folder)
    except FileNotFoundError:
        return []
    return [
        f"{STAGE.folder}/{folder}/{name}"
        for folder in folders
        for name in default_storage.listdir(f"{STAGE.folder}/{folder}")[1]
    ]


def _ticket(page: str) -> str:
    return page.split('name="ticket" value="', 1)[1].split('"', 1)[0]


def _post(client: Client, pk: int, data: bytes) -> Any:
    return client.post(
        reverse("assessments:import", args=[pk]), {"file": SimpleUploadedFile("tdg.xlsx", data)}
    )


def _page(response: Any) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def lifted_part_limits(settings: Any) -> None:
    settings.SHEET_LIMITS = lifted(settings.SHEET_LIMITS)


# --- Hostile uploads -------------------------------------------------------------------------


@pytest.mark.parametrize("limits", ["default", "lifted"])
def test_three_million_cells_are_refused_fast_in_bounded_memory(
    world: Any, request: pytest.FixtureRequest, limits: str
) -> None:
    if limits == "lifted":
        request.getfixturevalue("lifted_part_limits")
    a = world.assessment()
    client = Client()
    client.force_login(world.users["focal"])
    assert client.get(reverse("assessments:import", args=[a.pk])).status_code == 200  # warm up
    data = million_cells()
    before, staged = Entry.objects.count(), _staged()
    response, seconds, peak = measure(lambda: _post(client, a.pk, data))
    print(f"entries import, 3M cells ({limits}): {seconds:.3f} s, peak {peak / MIB:.1f} MiB")
    page = _page(response)
    assert "Tệp quá lớn" in page
    assert 'id="apply-import"' not in page
    assert seconds < MAX_SECONDS
    assert peak < MAX_PEAK_BYTES
    assert Entry.objects.count() == before
    assert _staged() == staged


@pytest.mark.parametrize("data", UNREADABLE_FILES)
def test_unreadable_files_are_named_not_a_500(world: Any, data: bytes) -> None:
    a = world.assessment()
    client = Client()
    client.force_login(world.users["focal"])
    before, staged = Entry.objects.count(), _staged()
    page = _page(_post(client, a.pk, data))
    assert "không đọc được tệp" in page.lower()
    assert "root:" not in page
    assert 'id="apply-import"' not in page
    assert Entry.objects.count() == before
    assert 'name="ticket"' not in page and _staged() == staged
    # "apply" afterwards has nothing to apply
    client.post(reverse("assessments:import", args=[a.pk]), {"do": "apply"})
    assert Entry.objects.count() == before


def test_read_import_refuses_hostile_files(world: Any) -> None:
    a = world.assessment()
    ctx = context_for(a)
    big = read_import(ctx, million_cells(), world.users["focal"])
    assert not big.ok and big.errors[0].startswith("Tệp quá lớn")
    for data in (entity_workbook(), not_a_zip()):
        preview = read_import(ctx, data, world.users["focal"])
        assert not preview.ok and "không đọc được tệp" in preview.errors[0].lower()
        assert preview.changes == []


# --- Who may upload --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(million_cells(), id="3M-cells"),
        pytest.param(entity_workbook(), id="billion-laughs"),
        pytest.param(not_a_zip(), id="not-a-zip"),
    ],
)
def test_officer_without_assignment_is_refused_before_the_file_is_read(
    world: Any, data: bytes
) -> None:
    a = world.assessment()
    officer = world.users["officer"]
    assert not can_import_entries(officer, a)
    client = Client()
    client.force_login(officer)
    page = _page(_post(client, a.pk, data))
    assert REFUSED_UNREAD in page
    assert "Tệp quá lớn" not in page
    assert "không đọc được tệp" not in page.lower()
    assert Entry.objects.count() == 0


def test_officer_with_an_assignment_imports_their_rows(world: Any) -> None:
    a = world.assessment()
    officer = world.users["officer"]
    assignment_set(actor=world.users["focal"], assessment=a, node_code="2", assignee=officer)
    assert can_import_entries(officer, a)
    client = Client()
    client.force_login(officer)
    data = client.get(reverse("assessments:export", args=[a.pk])).content
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    rows = _rows(ws)
    ws.cell(row=rows[("2.1", "score")], column=COL_VALUE, value="1")
    out = io.BytesIO()
    wb.save(out)
    page = _page(_post(client, a.pk, out.getvalue()))
    assert REFUSED_UNREAD not in page
    assert 'id="apply-import"' in page
    applied = client.post(
        reverse("assessments:import", args=[a.pk]), {"do": "apply", "ticket": _ticket(page)}
    )
    assert applied.status_code == 302
    assert Entry.objects.get(node_code="2.1").raw_inputs == {"score": "1"}


# --- Exports: text that looks like a formula -------------------------------------------------


def test_formula_like_justifications_are_exported_as_text_and_read_back_unchanged(
    world: Any,
) -> None:
    a = world.assessment()
    focal = world.users["focal"]
    notes = {"1.1.2": HYPERLINK, "1.2": DDE, "2.1": "+84 912 345 678", "1.5": "@Trích dẫn"}
    raws = {
        "1.1.2": {"done": "9", "planned": "10"},
        "1.2": {"late_reports": "0"},
        "2.1": {"score": "1,5"},
        "1.5": {"initiatives": "1"},
    }
    for code, note in notes.items():
        entry_save(
            actor=focal,
            assessment=a,
            node_code=code,
            raw_inputs=raws[code],
            justification=note,
            expected_revision=0,
        )
    na_reason = "-Không có thôn, tổ dân phố phải sắp xếp-"
    entry_save(
        actor=focal,
        assessment=a,
        node_code="4.3",
        raw_inputs={},
        not_applicable_reason=na_reason,
        expected_revision=0,
    )
    client = Client()
    client.force_login(focal)
    response = client.get(reverse("assessments:export", args=[a.pk]))
    assert response.status_code == 200
    data = response.content
    assert_no_formula(data)

    ws = load_workbook(io.BytesIO(data))[SHEET]
    rows = _rows(ws)
    for code, note in notes.items():
        first = min(r for (c, _n), r in rows.items() if c == code)
        assert ws.cell(row=first, column=COL_NOTE).value == note
    first_na = min(r for (c, _n), r in rows.items() if c == "4.3")
    assert ws.cell(row=first_na, column=COL_NA).value == na_reason

    preview = read_import(context_for(a), data, focal)
    assert preview.ok, preview.errors
    assert preview.changes == []
    # and through the page: nothing to apply
    assert "0 tiêu chí thay đổi" in _page(_post(client, a.pk, data))
    for code, note in notes.items():
        assert Entry.objects.get(assessment=a, node_code=code).justification == note


def test_a_changed_formula_like_justification_reads_back_as_typed(world: Any) -> None:
    a = world.assessment()
    focal = world.users["focal"]
    entry_save(
        actor=focal,
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "0"},
        justification="Báo cáo đúng hạn",
        expected_revision=0,
    )
    client = Client()
    client.force_login(focal)
    data = client.get(reverse("assessments:export", args=[a.pk])).content
    wb = load_workbook(io.BytesIO(data))
    ws = wb[SHEET]
    first = min(r for (c, _n), r in _rows(ws).items() if c == "1.2")
    cell = ws.cell(row=first, column=COL_NOTE)
    cell.value = HYPERLINK
    cell.data_type = "s"  # typed as text in Excel, as the exported cell is
    out = io.BytesIO()
    wb.save(out)
    preview = read_import(context_for(a), out.getvalue(), focal)
    assert preview.ok, preview.errors
    assert [(c.code, c.justification, c.fields) for c in preview.changes] == [
        ("1.2", HYPERLINK, ["giải trình"])
    ]


def test_progress_board_keeps_formula_like_names_as_text(world: Any) -> None:
    world.assessment()
    Unit.objects.filter(pk=world.commune.pk).update(name=HYPERLINK)
    Unit.objects.filter(pk=world.commune2.pk).update(name=DDE)
    Campaign.objects.filter(pk=world.campaign.pk).update(name="@Đợt -1")
    client = Client()
    client.force_login(world.users["organiser"])
    url = reverse("assessments:board", args=[world.campaign.slug])
    export = client.get(url + "?xuat=xlsx")
    assert export.status_code == 200
    assert_no_formula(export.content)
    ws = load_workbook(io.BytesIO(export.content)).active
    names = {ws.cell(row=r, column=3).value for r in range(5, ws.max_row + 1)}
    assert names == {HYPERLINK, DDE}
    assert ws.cell(row=1, column=1).value.endswith("@Đợt -1")


def test_the_import_is_offered_only_to_who_may_import(world: Any) -> None:
    """An officer without an assignment sees no link to the import and no upload form; once
    assigned, both appear."""
    a = world.assessment()
    officer = world.users["officer"]
    client = Client()
    client.force_login(officer)
    import_url = reverse("assessments:import", args=[a.pk])
    detail = _page(client.get(reverse("assessments:detail", args=[a.pk])))
    assert import_url not in detail
    page = _page(client.get(import_url))
    assert 'type="file"' not in page and 'id="import-refused"' in page
    assignment_set(actor=world.users["focal"], assessment=a, node_code="2", assignee=officer)
    assert import_url in _page(client.get(reverse("assessments:detail", args=[a.pk])))
    page = _page(client.get(import_url))
    assert 'type="file"' in page and 'id="import-refused"' not in page
