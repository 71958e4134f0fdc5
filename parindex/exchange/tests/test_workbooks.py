"""Opening uploads with limits: sizes from the zip directory, XML checked as a stream, rows and
cells counted before openpyxl parses anything."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from parindex.exchange.cells import CellError, append, read_text
from parindex.exchange.workbooks import (
    UNREADABLE,
    Limits,
    WorkbookError,
    new_workbook,
    open_workbook,
    workbook_bytes,
)

from .hostile import entity_workbook, million_cells, not_a_zip, one_wide_row


def _refusal(data: bytes, limits: Limits | None = None) -> WorkbookError:
    with pytest.raises(WorkbookError) as caught:
        open_workbook(data, limits=limits)
    return caught.value


def test_three_million_cells_refused_fast_and_small() -> None:
    data = million_cells()
    assert len(data) < 400_000  # a small upload
    started = time.perf_counter()
    error = _refusal(data)
    assert time.perf_counter() - started < 2
    assert error.too_large and error.message.startswith("Tệp quá lớn")
    tracemalloc.start()
    _refusal(data)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


@pytest.mark.parametrize("dimension", [None, "A1:C5"])  # none declared, or a lying one
def test_rows_are_counted_while_streaming_whatever_the_sheet_declares(
    dimension: str | None,
) -> None:
    data = million_cells(cells=90_000, dimension=dimension)
    limits = Limits(max_rows=20_000)
    error = _refusal(data, limits)
    assert "có hơn 20.000 dòng" in error.message and "Sheet1" in error.message
    assert open_workbook(data, limits=Limits(max_rows=40_000)).worksheets[0].max_row == 30_000


def test_a_declared_size_over_the_limit_is_refused_before_reading_rows() -> None:
    data = million_cells(cells=30, dimension="A1:C900000")
    assert "dòng" in _refusal(data).message


def test_cells_in_all_sheets_are_bounded() -> None:
    data = million_cells(cells=60_000)
    error = _refusal(data, Limits(max_rows=100_000, max_cells=50_000))
    assert "50.000 ô" in error.message


def test_a_row_of_half_a_million_cells_stops_at_the_column_limit() -> None:
    started = time.perf_counter()
    error = _refusal(one_wide_row())
    assert time.perf_counter() - started < 2
    assert "cột" in error.message


@pytest.mark.parametrize("laughs", [True, False])
def test_xml_entities_are_refused_as_unreadable(laughs: bool) -> None:
    error = _refusal(entity_workbook(laughs=laughs))
    assert error.message == UNREADABLE and not error.too_large
    assert error.message.startswith("Không đọc được tệp")


@pytest.mark.parametrize(
    "data",
    [not_a_zip(), b"", b"%PDF-1.7\n", b"PK\x05\x06" + b"\0" * 18],
    ids=["broken-zip", "empty", "pdf", "empty-zip"],
)
def test_other_files_are_unreadable(data: bytes) -> None:
    assert _refusal(data).message == UNREADABLE


def test_a_zip_that_is_not_a_workbook_is_unreadable() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert _refusal(out.getvalue()).message == UNREADABLE


def test_an_oversized_file_is_refused_by_its_size() -> None:
    error = _refusal(b"PK" + b"\0" * 2048, Limits(max_file_bytes=1024))
    assert error.too_large


def test_a_part_unpacking_beyond_the_limit_is_refused_from_the_directory() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", "<sst>" + " " * 3_000_000 + "</sst>")
    error = _refusal(out.getvalue(), Limits(max_part_bytes=1024 * 1024))
    assert error.too_large and "giải nén" in error.message


def test_formula_without_a_result_is_marked_and_cannot_be_read() -> None:
    wb = Workbook()
    ws = wb.active
    ws["A1"] = "Mã"
    ws["A2"] = "=1+1"  # openpyxl saves formulas without a computed result
    out = io.BytesIO()
    wb.save(out)
    sheet = open_workbook(out.getvalue()).worksheets[0]
    assert read_text(sheet.cell(1, 1)) == "Mã"
    assert sheet.cell(2, 1).formula_without_value
    with pytest.raises(CellError):
        read_text(sheet.cell(2, 1))


def test_sparse_rows_keep_their_numbers_and_sheets_can_be_picked() -> None:
    wb = new_workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    ws.cell(row=3, column=2, value="ở B3")
    ws.cell(row=7, column=1, value="ở A7")
    other = wb.create_sheet("Hướng dẫn")
    append(other, ["không đọc"])
    book = open_workbook(workbook_bytes(wb), sheets=lambda titles: [titles[0]])
    assert book.sheetnames == ["Đơn vị", "Hướng dẫn"]
    assert "Hướng dẫn" not in book
    sheet = book["Đơn vị"]
    assert sheet.max_row == 7
    assert sheet.cell(3, 2).value == "ở B3" and sheet.cell(7, 1).value == "ở A7"
    assert sheet.cell(3, 1).value is None and sheet.cell(99, 99).value is None


def test_a_legitimate_sheet_of_ten_thousand_rows_is_read() -> None:
    wb = new_workbook()
    ws = wb.active
    for i in range(10_000):
        append(ws, [f"ma-{i}", f"Đơn vị số {i}", "xa", "01/07/2025"])
    sheet = open_workbook(workbook_bytes(wb), limits=Limits(max_rows=10_000)).worksheets[0]
    assert sheet.max_row == 10_000
    assert read_text(sheet.cell(10_000, 2)) == "Đơn vị số 9999"
