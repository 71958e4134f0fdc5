"""Spreadsheets: how long and how much memory opening an upload takes, hostile or not.

Prints, for each file: its size, the outcome (read, or the refusal), wall time (median of
three) and the peak of Python allocations (tracemalloc, one separate run)."""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from parindex.exchange.cells import append
from parindex.exchange.tests.hostile import (
    entity_workbook,
    million_cells,
    one_wide_row,
)
from parindex.exchange.workbooks import (
    Limits,
    WorkbookError,
    new_workbook,
    open_workbook,
    workbook_bytes,
)


def _units_file(rows: int) -> bytes:
    wb = new_workbook()
    ws = wb.active
    append(ws, ["Mã", "Tên đơn vị", "Tên ngắn", "Loại", "Mã đơn vị cấp trên", "Hiệu lực từ"])
    for i in range(rows):
        append(ws, [f"xa-{i}", f"UBND xã số {i}", f"Xã {i}", "xa", "tinh", "01/07/2025"])
    return workbook_bytes(wb)


def _outcome(data: bytes, limits: Limits) -> str:
    try:
        book = open_workbook(data, limits=limits)
    except WorkbookError as exc:
        return exc.message[:70]
    return f"đọc được {sum(s.max_row for s in book.worksheets)} dòng"


def _measure(name: str, make: Callable[[], bytes], limits: Limits) -> None:
    data = make()
    times = []
    for _ in range(3):
        started = time.perf_counter()
        outcome = _outcome(data, limits)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    _outcome(data, limits)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{name:<34} {len(data) / 1024:>8.0f} KiB  {statistics.median(times) * 1000:>7.0f} ms  "
        f"peak {peak / 1024 / 1024:>6.1f} MiB  {outcome}"
    )


def main() -> None:
    limits = Limits()  # the defaults of settings.SHEET_LIMITS
    print(f"limits: {limits}")
    _measure("units, 1,000 rows", lambda: _units_file(1_000), limits)
    _measure("units, 10,000 rows", lambda: _units_file(10_000), limits)
    _measure("3,000,000 cells", million_cells, limits)
    _measure("1,000,000 cells (under part limit)", lambda: million_cells(cells=1_000_000), limits)
    _measure(
        "1,000,000 cells, lying dimension",
        lambda: million_cells(cells=1_000_000, dimension="A1:C5"),
        Limits(max_rows=1_000_000),
    )
    _measure("one row of 500,000 cells", one_wide_row, limits)
    _measure("billion laughs", entity_workbook, limits)


if __name__ == "__main__":
    main()
