"""The unit list as an .xlsx file: its columns, reading a sheet, writing one.

One sheet "Đơn vị", header row ``Mã | Tên đơn vị | Tên ngắn | Loại | Mã đơn vị cấp trên |
Hiệu lực từ | Hiệu lực đến | Mã đơn vị kế thừa | Địa chỉ``. Headers are matched without regard
to case, diacritics or punctuation, and a few other spellings are accepted ("Mã đơn vị",
"Từ ngày"...). Columns other than Mã, Tên đơn vị and Loại may be left out: for units already in
the system the missing columns are then left as they are.

This module knows the file format only; what the rows mean is decided in ``importing``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.core.sheets import sheet_limits
from parindex.core.text import fold
from parindex.exchange.cells import append, is_blank, put, read_text
from parindex.exchange.workbooks import (
    Book,
    Cell,
    WorkbookError,
    new_workbook,
    open_workbook,
    workbook_bytes,
)
from parindex.exchange.workbooks import Sheet as WorkSheet

from .kinds import UnitKind

SHEET_TITLE = "Đơn vị"
INSTRUCTIONS_TITLE = "Hướng dẫn"
MAX_DATA_ROWS = 10_000
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    help: str
    width: int
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        "Mã",
        True,
        "Mã đơn vị dùng trong các tệp dữ liệu, không dấu, không khoảng trắng "
        "(ví dụ: son-linh). Mã đã có trong hệ thống thì dòng này cập nhật đơn vị đó.",
        18,
        ("ma don vi", "code"),
    ),
    Column("name", "Tên đơn vị", True, "Tên đầy đủ, ví dụ: UBND xã Sơn Lĩnh.", 40, ("ten", "name")),
    Column(
        "short_name",
        "Tên ngắn",
        False,
        "Tên dùng trong bảng xếp hạng, ví dụ: Sơn Lĩnh.",
        20,
        ("ten viet tat", "short name"),
    ),
    Column(
        "kind",
        "Loại",
        True,
        "Mã loại (ví dụ: xa) hoặc tên loại (ví dụ: Xã) theo bảng bên dưới.",
        14,
        ("loai don vi", "kind"),
    ),
    Column(
        "parent",
        "Mã đơn vị cấp trên",
        False,
        "Mã của đơn vị cấp trên về hành chính: một dòng khác trong tệp (ở bất kỳ vị trí nào) "
        "hoặc một đơn vị đã có trong hệ thống. Để trống nếu không có.",
        18,
        ("ma cap tren", "don vi cap tren", "cap tren", "parent"),
    ),
    Column(
        "valid_from",
        "Hiệu lực từ",
        False,
        "Ngày bắt đầu hoạt động, dạng dd/mm/yyyy (ví dụ: 01/07/2025). Để trống nếu không rõ.",
        14,
        ("tu ngay", "valid from"),
    ),
    Column(
        "valid_to",
        "Hiệu lực đến",
        False,
        "Ngày cuối cùng hoạt động (ví dụ khi sáp nhập: 30/06/2025). Để trống nếu còn hoạt động.",
        14,
        ("den ngay", "valid to"),
    ),
    Column(
        "successors",
        "Mã đơn vị kế thừa",
        False,
        "Khi sáp nhập, chia tách: mã các đơn vị kế thừa, cách nhau bởi dấu phẩy. "
        "Ví dụ: ba xã cũ cùng ghi mã của xã mới.",
        22,
        ("don vi ke thua", "ke thua", "successors"),
    ),
    Column("address", "Địa chỉ", False, "Địa chỉ trụ sở.", 36, ("address",)),
)
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
REQUIRED_KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS if c.required)


def _header_key(text: str) -> str:
    """'  Mã đơn vị (*) ' -> 'ma don vi'."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())


_HEADER_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _spelling in (_column.header, *_column.aliases):
        _HEADER_LOOKUP[_header_key(_spelling)] = _column.key


@dataclass
class SheetRow:
    """One data row: its Excel row number and its cells by column key (read them with
    ``parindex.exchange.cells``)."""

    number: int
    values: dict[str, Cell]


@dataclass
class Sheet:
    columns: tuple[str, ...] = ()
    rows: list[SheetRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _match_header(cells: tuple[Cell, ...]) -> dict[int, str]:
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        if is_blank(cell) or cell.formula_without_value:
            continue
        key = _HEADER_LOOKUP.get(_header_key(read_text(cell)))
        if key is not None:
            found[index] = key
    return found


def _ordered_sheets(book: Book) -> list[WorkSheet]:
    preferred = [ws for ws in book.worksheets if _header_key(ws.title) == "don vi"]
    return preferred + [ws for ws in book.worksheets if ws not in preferred]


def read_sheet(source: IO[bytes] | bytes) -> Sheet:
    """Find the header row (in the first rows of the "Đơn vị" sheet, else of any sheet).
    The file is read within the configured limits (``parindex.exchange.workbooks``)."""
    data = source if isinstance(source, bytes) else source.read()
    try:
        book = open_workbook(data, limits=sheet_limits(rows=MAX_DATA_ROWS + HEADER_SEARCH_ROWS))
    except WorkbookError as exc:
        return Sheet(errors=[exc.message])
    return _read(book)


def _read(book: Book) -> Sheet:
    for ws in _ordered_sheets(book):
        header: dict[int, str] = {}
        header_row = 0
        for number, cells in ws.values():
            if number > HEADER_SEARCH_ROWS:
                break
            header = _match_header(cells)
            if "code" in header.values() and len(header) >= 2:
                header_row = number
                break
        if not header_row:
            continue
        sheet = Sheet()
        seen: dict[str, int] = {}
        for index, key in header.items():
            if key in seen:
                first, second = get_column_letter(seen[key] + 1), get_column_letter(index + 1)
                sheet.errors.append(
                    f"Dòng {header_row}: cột {COLUMN_BY_KEY[key].header} xuất hiện hai lần "
                    f"(cột {first} và cột {second})."
                )
            else:
                seen[key] = index
        missing = [COLUMN_BY_KEY[k].header for k in REQUIRED_KEYS if k not in seen]
        if missing:
            sheet.errors.append(
                f"Dòng {header_row} (dòng tiêu đề) thiếu cột bắt buộc: {', '.join(missing)}."
            )
        sheet.columns = tuple(c.key for c in COLUMNS if c.key in seen)
        for number, _cells in ws.values(min_row=header_row + 1):
            values = {key: ws.cell(number, i + 1) for key, i in seen.items()}
            if all(is_blank(v) for v in values.values()):
                continue
            if len(sheet.rows) >= MAX_DATA_ROWS:
                sheet.errors.append(
                    f"Tệp có hơn {MAX_DATA_ROWS} dòng dữ liệu; hãy chia thành nhiều tệp."
                )
                break
            sheet.rows.append(SheetRow(number=number, values=values))
        if not sheet.rows and not sheet.errors:
            sheet.errors.append("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề.")
        return sheet
    headers = ", ".join(COLUMN_BY_KEY[k].header for k in REQUIRED_KEYS)
    return Sheet(
        errors=[
            f"Không tìm thấy dòng tiêu đề trong tệp: cần một dòng có các cột {headers} "
            f"(trong {HEADER_SEARCH_ROWS} dòng đầu của trang tính '{SHEET_TITLE}')."
        ]
    )


# Writing -------------------------------------------------------------------------------------

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")


def write_workbook(rows: Iterable[Mapping[str, Any]]) -> bytes:
    """The "Đơn vị" sheet with ``rows`` (dicts by column key) and the instruction sheet."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    append(sheet, [c.header for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    text_columns = {"code", "parent", "successors"}
    count = 0
    for count, row in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            value = row.get(column.key)
            # codes such as 00123 stay text; every text is stored as text, never a formula
            text_format = "@" if column.key in text_columns else None
            put(sheet, count, index, value, number_format=text_format)
    _write_instructions(workbook, last_row=max(count, 2) + 500)
    return workbook_bytes(workbook)


def _write_instructions(workbook: Any, *, last_row: int) -> None:
    ws = workbook.create_sheet(INSTRUCTIONS_TITLE)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")
    lines: list[tuple[Any, ...]] = [
        ("Nhập danh sách đơn vị từ tệp Excel",),
        (),
        (
            f"Điền mỗi đơn vị một dòng trong trang tính '{SHEET_TITLE}', giữ nguyên dòng tiêu đề. "
            "Dòng có mã đã có trong hệ thống sẽ cập nhật đơn vị đó; nhập lại cùng một tệp không "
            "làm thay đổi gì. Nếu có dòng sai, hệ thống chỉ rõ dòng và cột, và không lưu dòng nào.",
        ),
        (),
        ("Cột", "Bắt buộc", "Cách điền"),
    ]
    for column in COLUMNS:
        lines.append((column.header, "Có" if column.required else "", column.help))
    lines += [(), ("Loại đơn vị", "", "Ghi mã loại (cột này) hoặc tên loại (cột bên)")]
    kinds_start = len(lines) + 1
    for value, label in UnitKind.choices:
        lines.append((value, "", str(label)))
    for line in lines:
        append(ws, list(line))
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
        for cell in row:
            cell.alignment = wrap
    ws["A1"].font = Font(bold=True, size=13)
    for ref in ("A5", "B5", "C5", f"A{kinds_start - 1}", f"C{kinds_start - 1}"):
        ws[ref].font = _HEADER_FONT
    kinds_end = kinds_start + len(UnitKind.choices) - 1
    # A drop-down of kind codes in the "Loại" column; other spellings (labels) stay allowed.
    kind_letter = get_column_letter(next(i for i, c in enumerate(COLUMNS, 1) if c.key == "kind"))
    validation = DataValidation(
        type="list",
        formula1=f"='{INSTRUCTIONS_TITLE}'!$A${kinds_start}:$A${kinds_end}",
        allow_blank=True,
        showErrorMessage=False,
    )
    workbook[SHEET_TITLE].add_data_validation(validation)
    validation.add(f"{kind_letter}2:{kind_letter}{last_row}")
