"""Test helpers: documents and workbooks built from the shipped sets."""

from __future__ import annotations

import copy
import os
import tempfile
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import openpyxl

from parindex.frameworks.examples import COMMUNES_SET, DEPARTMENTS_SET
from parindex.scoring.xlsxform import write_workbook
from parindex.scoring.yamlio import dump_canonical_yaml, load_yaml_text


def load_doc(path: Path) -> Any:
    return load_yaml_text(path.read_text(encoding="utf-8"), filename=path.name)


def commune_doc() -> Any:
    return load_doc(COMMUNES_SET)


def department_doc() -> Any:
    return load_doc(DEPARTMENTS_SET)


def yaml_bytes(doc: Any) -> bytes:
    return dump_canonical_yaml(doc).encode("utf-8")


def xlsx_bytes(doc: Any, change: Callable[[Any], None] | None = None) -> bytes:
    """The .xlsx form of ``doc``; ``change(workbook)`` may edit it before it is returned."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_workbook(copy.deepcopy(doc), path)
        if change is not None:
            wb = openpyxl.load_workbook(path)
            change(wb)
            wb.save(path)
        return Path(path).read_bytes()
    finally:
        os.unlink(path)


def node_row(wb: Any, code: str) -> int:
    """The row of node ``code`` on the Tiêu chí sheet."""
    ws = wb["Tiêu chí"]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == code:
            return row
    raise KeyError(code)


def column(wb: Any, header: str) -> int:
    ws = wb["Tiêu chí"]
    for cell in ws[1]:
        if cell.value == header:
            return int(cell.column)
    raise KeyError(header)


def set_cell(code: str, header: str, value: Any) -> Callable[[Any], None]:
    def change(wb: Any) -> None:
        wb["Tiêu chí"].cell(row=node_row(wb, code), column=column(wb, header)).value = value

    return change


def find(doc: Any, code: str) -> dict[str, Any]:
    def walk(nodes: list[Any]) -> dict[str, Any] | None:
        for node in nodes:
            if node["code"] == code:
                return node
            found = walk(node.get("children") or [])
            if found is not None:
                return found
        return None

    node = walk(doc["nodes"])
    assert node is not None, code
    return node


def xlsx_file(content: bytes, name: str = "bo-tieu-chi.xlsx") -> BytesIO:
    stream = BytesIO(content)
    stream.name = name
    return stream
