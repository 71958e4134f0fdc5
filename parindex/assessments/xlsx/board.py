"""The organiser's progress board as a sheet."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from .sheet import HEADER_FILL


def board_workbook(campaign: Any, rows: list[Any]) -> bytes:
    """The organiser's progress board as a sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Tiến độ tự đánh giá"
    ws["A1"] = f"TIẾN ĐỘ TỰ ĐÁNH GIÁ — {campaign.name}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = f"Xuất lúc {timezone.localtime():%H:%M %d/%m/%Y}"
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
        cell = ws.cell(row=4, column=col, value=title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        ws.column_dimensions[cell.column_letter].width = width
    for i, r in enumerate(rows, start=1):
        submitted = r.submitted_at
        ws.append(
            [
                i,
                r.assessed.unit.code,
                r.assessed.unit.name,
                r.assessed.group.name,
                r.status_label,
                float(r.completeness),
                float(r.claimed_total) if r.claimed_total is not None else None,
                float(r.claimed_max) if r.claimed_max is not None else None,
                float(r.claimed_index) if r.claimed_index is not None else None,
                timezone.localtime(submitted).strftime("%d/%m/%Y %H:%M") if submitted else "",
            ]
        )
        for col in (6, 7, 8, 9):
            ws.cell(row=ws.max_row, column=col).number_format = "0.00"
    ws.freeze_panes = "A5"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
