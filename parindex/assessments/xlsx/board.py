"""The organiser's progress board as a sheet."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl.styles import Font

from parindex.exchange.cells import append, put
from parindex.exchange.workbooks import new_workbook, workbook_bytes

from .sheet import HEADER_FILL


def board_workbook(campaign: Any, rows: list[Any]) -> bytes:
    """The organiser's progress board as a sheet."""
    wb = new_workbook()
    ws = wb.active
    ws.title = "Tiến độ tự đánh giá"
    put(ws, 1, 1, f"TIẾN ĐỘ TỰ ĐÁNH GIÁ — {campaign.name}").font = Font(bold=True, size=13)
    put(ws, 2, 1, f"Xuất lúc {timezone.localtime():%H:%M %d/%m/%Y}")
    headers = [
        ("STT", 6),
        ("Mã đơn vị", 16),
        ("Đơn vị", 40),
        ("Nhóm", 28),
        ("Trạng thái", 18),
        ("Hoàn thành (%)", 14),
        ("Điểm tự chấm", 14),
        ("Điểm tối đa áp dụng", 16),
        ("Chỉ số (%)", 12),
        ("Gửi lúc", 18),
    ]
    for col, (title, width) in enumerate(headers, start=1):
        cell = put(ws, 4, col, title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        ws.column_dimensions[cell.column_letter].width = width
    for i, r in enumerate(rows, start=1):
        submitted = r.submitted_at
        row = append(
            ws,
            [
                i,
                r.assessed.unit.code,
                r.assessed.unit.name,
                r.assessed.group.name,
                str(r.status_label),
                _decimal(r.completeness),
                _decimal(r.claimed_total),
                _decimal(r.claimed_max),
                _decimal(r.claimed_index),
                timezone.localtime(submitted).replace(tzinfo=None) if submitted else None,
            ],
        )
        for col in (6, 7, 8, 9):
            ws.cell(row=row, column=col).number_format = "0.00"
    ws.freeze_panes = "A5"
    return workbook_bytes(wb)


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))
