"""Building small .xlsx files in tests."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook

HEADERS = [
    "Mã",
    "Tên đơn vị",
    "Tên ngắn",
    "Loại",
    "Mã đơn vị cấp trên",
    "Hiệu lực từ",
    "Hiệu lực đến",
    "Mã đơn vị kế thừa",
    "Địa chỉ",
]


def make_xlsx(
    rows: list[list[Any]],
    headers: list[str] | None = None,
    *,
    sheet: str = "Đơn vị",
    above: list[list[Any]] | None = None,
) -> bytes:
    """A workbook whose sheet has optional title rows, a header row, then ``rows``."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet
    for line in above or []:
        ws.append(line)
    ws.append(headers if headers is not None else HEADERS)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_xlsx(data: bytes, sheet: str = "Đơn vị") -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(data))
    return [list(r) for r in workbook[sheet].iter_rows(values_only=True)]


def sheet_names(data: bytes) -> list[str]:
    return load_workbook(io.BytesIO(data)).sheetnames
