"""Reading a filled sheet back: the changes it would make and every problem, by row and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from parindex.core.sheets import sheet_limits
from parindex.exchange.cells import CellError, read_text
from parindex.exchange.workbooks import Sheet, WorkbookError, open_workbook
from parindex.scoring import UIValueError, input_specs
from parindex.scoring.uivalues import parse_bool_text

from ..context import AssessmentContext, self_entries
from ..evaluation import evaluate
from ..models import Entry
from ..permissions import may_write_node
from .sheet import (
    COL_CODE,
    COL_INPUT,
    COL_NA,
    COL_NOTE,
    COL_VALUE,
    META_SHEET,
    REVISION_KEY,
    SHEET,
)

_MAX_ROWS = 5000
_HEADER_SEARCH_ROWS = 14
_COLUMN_NAMES = {
    COL_CODE: "Mã",
    COL_INPUT: "Tên trường",
    COL_VALUE: "Giá trị",
    COL_NOTE: "Giải trình",
    COL_NA: "Không áp dụng",
}


def _text(ws: Sheet, row: int, column: int, preview: ImportPreview) -> str:
    """The cell's text; a cell that cannot be read is reported by row and column."""
    try:
        return read_text(ws.cell(row, column))
    except CellError as exc:
        preview.errors.append(f"Dòng {row}, cột {_COLUMN_NAMES.get(column, column)}: {exc.message}")
        return ""


# --- Reading back ------------------------------------------------------------------------------


@dataclass
class ImportChange:
    """What one criterion would become."""

    code: str
    name: str
    raw: dict[str, Any]
    justification: str
    not_applicable_reason: str
    revision: int  # the entry's revision now (0: none yet)
    points: Decimal | None
    old_points: Decimal | None
    fields: list[str] = field(default_factory=list)  # what changes, in words
    warnings: list[str] = field(default_factory=list)  # warning checks of the rule not holding


@dataclass
class ImportPreview:
    changes: list[ImportChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # shown, never blocking
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Collected:
    first_row: int
    rows: dict[str, int] = field(default_factory=dict)  # input name → row
    raw: dict[str, Any] = field(default_factory=dict)
    items: dict[int, tuple[int, str]] = field(default_factory=dict)  # index → (row, text)
    justification: str = ""
    na: str = ""


def read_import(ctx: AssessmentContext, source: IO[bytes] | bytes, user: Any) -> ImportPreview:
    """Read a filled sheet: the changes it would make and every problem, by row and column."""
    preview = ImportPreview()
    data = source if isinstance(source, bytes) else source.read()
    try:
        wb = open_workbook(
            data,
            limits=sheet_limits(rows=_MAX_ROWS + _HEADER_SEARCH_ROWS),
            sheets=lambda titles: [t for t in titles if t in (SHEET, META_SHEET)],
        )
    except WorkbookError as exc:
        preview.errors.append(exc.message)
        return preview
    if SHEET not in wb:
        preview.errors.append(f"Tệp không có trang “{SHEET}” (hãy dùng tệp tải từ trang này).")
        return preview
    revisions_in_file: dict[str, int] | None = None
    if META_SHEET in wb:
        found: dict[str, int] = {}
        for _number, cells in wb[META_SHEET].values():
            key = cells[0].value if cells else None
            value = cells[1].value if len(cells) > 1 else None
            if key == "assessment" and value not in (None, ctx.assessment.pk):
                preview.errors.append(
                    "Tệp này được tải từ hồ sơ tự đánh giá khác (đơn vị hoặc đợt khác)."
                )
                return preview
            if isinstance(key, str) and key.startswith(REVISION_KEY) and isinstance(value, int):
                found[key.removeprefix(REVISION_KEY)] = value
        revisions_in_file = found
    ws = wb[SHEET]
    header_row = None
    for r in range(1, _HEADER_SEARCH_ROWS + 1):
        if _text(ws, r, COL_CODE, preview) == "Mã":
            header_row = r
            break
    if header_row is None:
        preview.errors.append(f"Trang “{SHEET}” không có dòng tiêu đề (cột A: Mã).")
        return preview
    framework = ctx.framework
    collected: dict[str, _Collected] = {}
    for r in range(header_row + 1, min(ws.max_row, header_row + _MAX_ROWS) + 1):
        code = _text(ws, r, COL_CODE, preview).strip()
        name = _text(ws, r, COL_INPUT, preview).strip()
        value = _text(ws, r, COL_VALUE, preview).strip()
        note = _text(ws, r, COL_NOTE, preview).strip()
        na = _text(ws, r, COL_NA, preview).strip()
        if not code:
            if value or note or na:
                preview.errors.append(f"Dòng {r}, cột Mã: thiếu mã tiêu chí.")
            continue
        preview.rows_read += 1
        node = framework.by_code.get(code)
        if node is None:
            preview.errors.append(f"Dòng {r}, cột Mã: không có tiêu chí mã {code}.")
            continue
        if ctx.excluded_reason(node) is not None:
            if value or note or na:
                preview.errors.append(f"Dòng {r}: tiêu chí {code} đơn vị không tự chấm.")
            continue
        got = collected.setdefault(code, _Collected(first_row=r))
        if note and not got.justification:
            got.justification = note
        if na and not got.na:
            got.na = na
        if not name:
            continue
        if name.startswith("items[") and name.endswith("]"):
            try:
                index = int(name[6:-1])
            except ValueError:
                preview.errors.append(f"Dòng {r}, cột Tên trường: “{name}” không hợp lệ.")
                continue
            got.items[index] = (r, value)
            got.rows.setdefault("items", r)
            continue
        got.rows[name] = r
        if value:
            got.raw[name] = value
    entries = {e.node_code: e for e in self_entries(ctx.assessment)}
    for code, got in collected.items():
        _check_criterion(ctx, code, got, entries.get(code), revisions_in_file, user, preview)
    return preview


def _check_criterion(
    ctx: AssessmentContext,
    code: str,
    got: _Collected,
    entry: Entry | None,
    revisions_in_file: dict[str, int] | None,
    user: Any,
    preview: ImportPreview,
) -> None:
    framework = ctx.framework
    node = framework.by_code[code]
    specs = {s.name: s for s in input_specs(framework, code)} if node.is_leaf else {}
    raw = dict(got.raw)
    for name in list(raw):
        if name not in specs:
            preview.errors.append(
                f"Dòng {got.rows[name]}, cột Tên trường: tiêu chí {code} không có số liệu “{name}”."
            )
            return
    if got.items:
        spec = specs.get("items")
        if spec is None:
            preview.errors.append(f"Dòng {got.first_row}: tiêu chí {code} không phải danh mục.")
            return
        ticks: list[bool] = []
        for item in spec.items:
            r, text = got.items.get(item.index, (got.first_row, ""))
            if not text:
                ticks.append(False)
                continue
            try:
                ticks.append(parse_bool_text(text))
            except UIValueError as exc:
                preview.errors.append(f"Dòng {r}, cột Giá trị: {exc.message}")
                return
        old_items = entry.raw_inputs.get("items") if entry else None
        if any(text for _r, text in got.items.values()) or old_items is not None:
            raw["items"] = ticks
    if got.na and not node.may_not_apply:
        preview.errors.append(
            f"Dòng {got.first_row}, cột Không áp dụng: tiêu chí {code} không được khai báo "
            "không áp dụng."
        )
        return
    ev = evaluate(framework, code, raw, not_applicable_reason=got.na)
    for name, message in ev.errors.items():
        r = got.rows.get(name, got.first_row)
        column = "Giá trị" if name else "Mã"
        preview.errors.append(f"Dòng {r}, cột {column}: {message}")
    for failure in ev.failed_checks:
        # the row of the first input the check reads: where the officer will look
        rows = [got.rows[n] for n in failure.inputs if n in got.rows]
        r = min(rows) if rows else got.first_row
        preview.errors.append(
            f"Dòng {r}, cột Giá trị: tiêu chí {code} “{node.name}”: {failure.message}"
        )
    if ev.has_errors:
        return
    warnings = [f"Dòng {got.first_row}: tiêu chí {code} “{node.name}”: {w}" for w in ev.warnings]
    preview.warnings.extend(warnings)
    old_raw = entry.raw_inputs if entry else {}
    old_note = entry.justification if entry else ""
    old_na = entry.not_applicable_reason if entry else ""
    fields: list[str] = []
    if old_raw != raw:
        fields.append("số liệu")
    if old_note != got.justification:
        fields.append("giải trình")
    if old_na != got.na:
        fields.append("không áp dụng")
    if not fields:
        return
    if not may_write_node(user, ctx.assessment, code):
        preview.errors.append(
            f"Dòng {got.first_row}: bạn không được giao chấm tiêu chí {code}; không nhập được."
        )
        return
    current = entry.revision if entry else 0
    # A file without revisions (a sheet made by hand) is checked against nothing.
    in_file = revisions_in_file.get(code, 0) if revisions_in_file is not None else current
    if current != in_file:
        who = entry.updated_by.get_full_name() if entry and entry.updated_by else "người khác"
        preview.errors.append(
            f"Dòng {got.first_row}: tiêu chí {code} đã được {who} sửa trên hệ thống sau khi "
            "tải tệp; hãy tải tệp mới rồi nhập lại."
        )
        return
    preview.changes.append(
        ImportChange(
            code=code,
            name=node.name,
            raw=raw,
            justification=got.justification,
            not_applicable_reason=got.na,
            revision=current,
            points=ev.points,
            old_points=entry.points if entry else None,
            fields=fields,
            warnings=list(ev.warnings),
        )
    )
