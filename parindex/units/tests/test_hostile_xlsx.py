"""Hostile and tricky .xlsx files for the unit import, and user text that looks like a formula
in the unit export and template.

* A 3,000,000-cell workbook (~165 KB) is refused as too large, fast and in bounded memory —
  with the default limits (refused from the zip's directory) and with the part-size limits
  lifted (refused while streaming, at the row limit).
* An XML-entity workbook (billion laughs, external entity) or a file that is not a zip is
  "không đọc được tệp", never a 500.
* Nothing is saved (no unit, no file kept for a confirmation).
* A formula cell without a computed result is an error naming its row and column.
* Exported text starting with = + - @ is stored as text (no ``<f>`` element in any worksheet)
  and reads back to itself: re-importing the export changes nothing.
"""

from __future__ import annotations

import html
import io
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parindex.core.errors import ServiceError
from parindex.exchange import mime
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
from parindex.units.importing import UNCHANGED
from parindex.units.models import Unit
from parindex.units.services import unit_import_apply, unit_import_preview
from parindex.units.staging import IMPORT_DIR
from parindex.units.tests.factories import UnitFactory
from parindex.units.tests.xlsxutil import HEADERS, make_xlsx

pytestmark = pytest.mark.django_db


def _upload(data: bytes, name: str = "don-vi.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=mime.XLSX)


def _stored_imports() -> list[str]:
    """Every staged file, as its storage path (each upload has its own folder)."""
    try:
        folders, loose = default_storage.listdir(IMPORT_DIR)
    except FileNotFoundError:
        return []
    found = [f"{IMPORT_DIR}/{name}" for name in loose]
    for folder in folders:
        found += [
            f"{IMPORT_DIR}/{folder}/{name}"
            for name in default_storage.listdir(f"{IMPORT_DIR}/{folder}")[1]
        ]
    return found


@pytest.fixture
def lifted_part_limits(settings: Any) -> None:
    settings.SHEET_LIMITS = lifted(settings.SHEET_LIMITS)


# --- Hostile uploads -------------------------------------------------------------------------


def _post(client: Any, data: bytes) -> Any:
    return client.post(reverse("units:import"), {"organiser": "so-noi-vu", "file": _upload(data)})


@pytest.mark.parametrize("limits", ["default", "lifted"])
def test_three_million_cells_are_refused_fast_in_bounded_memory(
    client, organiser_body, organiser_user, request, limits
):
    if limits == "lifted":
        request.getfixturevalue("lifted_part_limits")
    UnitFactory(code="xa-co-san", organiser=organiser_body)
    data = million_cells()
    assert len(data) < 300_000
    before = Unit.objects.count()
    client.force_login(organiser_user)
    assert client.get(reverse("units:import")).status_code == 200  # warm up
    response, seconds, peak = measure(lambda: _post(client, data))
    print(f"units import, 3M cells ({limits}): {seconds:.3f} s, peak {peak / MIB:.1f} MiB")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Tệp quá lớn" in page
    assert 'name="token"' not in page
    assert seconds < MAX_SECONDS
    assert peak < MAX_PEAK_BYTES
    assert Unit.objects.count() == before
    assert _stored_imports() == []


@pytest.mark.parametrize("data", UNREADABLE_FILES)
def test_unreadable_files_are_named_and_save_nothing(client, organiser_body, organiser_user, data):
    before = Unit.objects.count()
    client.force_login(organiser_user)
    response = _post(client, data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "không đọc được tệp" in page.lower()
    assert "root:" not in page  # nothing of /etc/passwd
    assert 'name="token"' not in page
    assert Unit.objects.count() == before
    assert _stored_imports() == []


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(million_cells(), "Tệp quá lớn", id="3M-cells"),
        pytest.param(entity_workbook(), "Không đọc được tệp", id="billion-laughs"),
        pytest.param(not_a_zip(), "Không đọc được tệp", id="not-a-zip"),
    ],
)
def test_apply_refuses_hostile_files_and_saves_nothing(
    organiser_body, organiser_user, data, expected
):
    before = Unit.objects.count()
    with pytest.raises(ServiceError) as caught:
        unit_import_apply(actor=organiser_user, organiser=organiser_body, file=data)
    assert any(expected in m for m in caught.value.messages)
    assert Unit.objects.count() == before


def test_a_formula_without_a_result_is_named_by_row_and_column(organiser_body, organiser_user):
    # openpyxl's plain save writes the formula with an empty <v>: no computed result.
    data = make_xlsx([["xa-a", "Xã A", "", "xa"], ["xa-b", "=1+1", "", "xa"]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b"<f>1+1</f>" in archive.read("xl/worksheets/sheet1.xml")
    preview = unit_import_preview(actor=organiser_user, organiser=organiser_body, file=data)
    assert not preview.is_valid
    assert any(
        e.startswith("Dòng 3, cột Tên đơn vị: ô chứa công thức chưa có kết quả")
        for e in preview.errors
    ), preview.errors
    assert not Unit.objects.filter(code__in=["xa-a", "xa-b"]).exists()


# --- Exports: text that looks like a formula -------------------------------------------------

HOSTILE_UNITS = [
    {"code": "xa-link", "name": HYPERLINK, "short_name": "+84 912", "address": DDE},
    {"code": "xa-dde", "name": DDE, "short_name": "-Sơn Lĩnh-", "address": "@SUM(1+1)*cmd"},
    {"code": "xa-tru", "name": "-1+1", "short_name": "@x", "address": HYPERLINK},
]


def test_export_keeps_formula_like_text_as_text_and_reimports_unchanged(
    client, organiser_body, organiser_user
):
    for values in HOSTILE_UNITS:
        UnitFactory(organiser=organiser_body, **values)
    client.force_login(organiser_user)
    response = client.get(reverse("units:export"))
    assert response.status_code == 200
    data = response.content
    assert_no_formula(data)

    ws = load_workbook(io.BytesIO(data))["Đơn vị"]
    assert [c.value for c in ws[1]] == HEADERS
    by_code = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    for values in HOSTILE_UNITS:
        row = by_code[values["code"]]
        assert (row[1], row[2], row[8]) == (
            values["name"],
            values["short_name"],
            values["address"],
        )

    before = Unit.objects.count()
    preview = unit_import_preview(actor=organiser_user, organiser=organiser_body, file=data)
    assert preview.is_valid, preview.errors
    rows = {r.code: r for r in preview.rows}
    for values in HOSTILE_UNITS:
        row = rows[values["code"]]
        assert row.action == UNCHANGED, row.changes
        assert (row.name, row.short_name, row.address) == (
            values["name"],
            values["short_name"],
            values["address"],
        )
    assert Unit.objects.count() == before

    # Applying it changes nothing either, and the text stays what it was.
    unit_import_apply(actor=organiser_user, organiser=organiser_body, file=data)
    for values in HOSTILE_UNITS:
        unit = Unit.objects.get(code=values["code"])
        assert (unit.name, unit.short_name, unit.address) == (
            values["name"],
            values["short_name"],
            values["address"],
        )


def test_template_holds_no_formula_and_reads_back_empty(client, organiser_body, organiser_user):
    client.force_login(organiser_user)
    response = client.get(reverse("units:template"))
    assert response.status_code == 200
    assert_no_formula(response.content)
    preview = unit_import_preview(
        actor=organiser_user, organiser=organiser_body, file=response.content
    )
    assert preview.rows == []
    assert preview.file_errors == ["Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."]


def test_formula_like_text_typed_as_text_imports_as_that_text(organiser_body, organiser_user):
    """A cell holding the text '=HYPERLINK(…)' (not a formula) is the unit's name as typed."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Đơn vị"
    ws.append(HEADERS)
    for column, value in enumerate(["xa-moi", HYPERLINK, "", "xa", "", "", "", "", DDE], 1):
        cell = ws.cell(row=2, column=column)
        cell.value = value
        cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    unit_import_apply(actor=organiser_user, organiser=organiser_body, file=out.getvalue())
    unit = Unit.objects.get(code="xa-moi")
    assert (unit.name, unit.address) == (HYPERLINK, DDE)
