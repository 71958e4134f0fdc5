"""The unit's sheet: columns, layout, protection, and writing it."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.exchange.cells import append, put
from parindex.exchange.workbooks import new_workbook, workbook_bytes
from parindex.scoring import InputSpec, format_points, input_specs

from ..context import AssessmentContext, evaluations_of, self_entries
from ..evaluation import describe_spec

SHEET = "Tự đánh giá"
META_SHEET = "_parindex"
# The hidden sheet's key for an entry's revision: "version:<code>", the name files in use carry.
REVISION_KEY = "version:"
HEADERS = (
    ("Mã", 9),
    ("Tiêu chí", 48),
    ("Số liệu", 40),
    ("Tên trường", 12),
    ("Kiểu", 22),
    ("Giá trị", 16),
    ("Điểm hiện tại", 11),
    ("Giải trình", 40),
    ("Không áp dụng (lý do)", 28),
)
COL_CODE, COL_NAME, COL_LABEL, COL_INPUT, COL_TYPE, COL_VALUE, COL_POINTS, COL_NOTE, COL_NA = range(
    1, 10
)
_EDITABLE_FILL = PatternFill("solid", fgColor="FFF7D6")
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def _item_name(index: int) -> str:
    return f"items[{index}]"


def _raw_cell(spec: InputSpec, raw: dict[str, Any], index: int | None) -> str:
    value = raw.get(spec.name)
    if index is not None:
        if isinstance(value, list) and index < len(value):
            return "có" if value[index] else "không"
        return ""
    return "" if value is None else str(value)


def export_workbook(ctx: AssessmentContext) -> bytes:
    """The unit's sheet (see the module description)."""
    entries = {e.node_code: e for e in self_entries(ctx.assessment)}
    evaluations = evaluations_of(ctx, entries.values())
    wb = new_workbook()
    ws = wb.active
    ws.title = SHEET
    unit, campaign = ctx.unit, ctx.campaign
    put(ws, 1, 1, "PHIẾU TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH")
    ws["A1"].font = Font(bold=True, size=13)
    put(ws, 2, 1, f"{unit.name} — {campaign.name}")
    put(
        ws,
        3,
        1,
        (
            "Chỉ nhập ở các ô màu vàng (Giá trị, Giải trình, Không áp dụng). Số thập phân dùng dấu "
            "phẩy (0,25) hoặc dấu chấm; ngày dạng dd/mm/yyyy; có/không. Tải tệp lên lại ở trang "
            "Tự đánh giá → Nhập từ Excel."
        ),
    )
    ws["A3"].alignment = Alignment(wrap_text=False)
    header_row = 5
    for col, (title, width) in enumerate(HEADERS, start=1):
        cell = put(ws, header_row, col, title)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        ws.column_dimensions[cell.column_letter].width = width
    # the input's name is what the import reads back, not what a person reads: kept, hidden
    ws.column_dimensions[get_column_letter(COL_INPUT)].hidden = True
    yes_no = DataValidation(type="list", formula1='"có,không"', allow_blank=True)
    ws.add_data_validation(yes_no)
    row = header_row + 1
    for node in ctx.framework.order:
        if ctx.excluded_reason(node) is not None:
            continue
        if not node.is_leaf and not node.may_not_apply:
            continue
        entry = entries.get(node.code)
        ev = evaluations.get(node.code)
        raw = entry.raw_inputs if entry else {}
        lines: list[tuple[InputSpec | None, int | None, str]] = []
        for leaf_spec in input_specs(ctx.framework, node.code) if node.is_leaf else ():
            if leaf_spec.type == "checklist":
                for item in leaf_spec.items:
                    label = f"{item.label} ({format_points(item.points)} điểm)"
                    lines.append((leaf_spec, item.index, label))
            else:
                lines.append((leaf_spec, None, leaf_spec.label))
        if not lines:
            lines.append((None, None, "(không có số liệu: chỉ khai báo không áp dụng)"))
        for i, (spec, index, label) in enumerate(lines):
            first = i == 0
            put(ws, row, COL_CODE, node.code).number_format = "@"
            put(ws, row, COL_NAME, node.name if first else "")
            put(ws, row, COL_LABEL, label)
            name = "" if spec is None else (_item_name(index) if index is not None else spec.name)
            put(ws, row, COL_INPUT, name)
            kind = (
                "" if spec is None else ("Có/Không" if index is not None else describe_spec(spec))
            )
            put(ws, row, COL_TYPE, kind)
            if spec is not None:
                value = put(ws, row, COL_VALUE, _raw_cell(spec, raw, index))
                value.number_format = "@"
                value.protection = Protection(locked=False)
                value.fill = _EDITABLE_FILL
                if index is not None or spec.type == "boolean":
                    yes_no.add(value.coordinate)
            if first:
                points = ev.points if ev is not None else None
                put(
                    ws,
                    row,
                    COL_POINTS,
                    format_points(points) if points is not None else "",
                )
                note = put(ws, row, COL_NOTE, entry.justification if entry else "")
                note.protection = Protection(locked=False)
                note.fill = _EDITABLE_FILL
                if node.may_not_apply:
                    na = put(ws, row, COL_NA, entry.not_applicable_reason if entry else "")
                    na.protection = Protection(locked=False)
                    na.fill = _EDITABLE_FILL
            for col in (COL_NAME, COL_LABEL, COL_NOTE):
                ws.cell(row=row, column=col).alignment = Alignment(wrap_text=True, vertical="top")
            row += 1
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    meta = wb.create_sheet(META_SHEET)
    append(meta, ["assessment", ctx.assessment.pk])
    append(meta, ["framework_sha256", ctx.version.sha256])
    append(meta, ["exported_at", timezone.localtime().isoformat(timespec="seconds")])
    for code, entry in sorted(entries.items()):
        append(meta, [f"{REVISION_KEY}{code}", entry.revision])
    meta.sheet_state = "hidden"
    return workbook_bytes(wb)
