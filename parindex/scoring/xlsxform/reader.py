"""Reading the .xlsx form of a criteria set back into the document the YAML file gives.

Import problems name the sheet, the row and the column; all of them are collected before
:class:`~parindex.scoring.problems.ProblemsError` is raised. Unknown sheets, and columns whose
header is not in the form, are ignored with a warning; the columns written for readers
(``Diễn giải cách chấm``, ``Ý nghĩa``) are ignored silently.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from parindex.exchange.cells import is_blank, read_code
from parindex.exchange.workbooks import Book, Limits, WorkbookError, open_workbook

from ..framework import TOP_KEYS
from ..problems import Problem, ProblemsError
from .cells import (
    ABSENT,
    BAND_COLUMNS,
    INFO_ROWS,
    INVALID,
    KEY_HEADER,
    MEANING_HEADER,
    NODE_COLUMNS,
    OTHER,
    QUESTION_COLUMNS,
    QUESTIONNAIRE_PREFIX,
    QUESTIONNAIRE_ROWS,
    QUESTIONS_TITLE,
    SCALE_COLUMNS,
    SCALE_TITLE,
    SHEET_BANDS,
    SHEET_INFO,
    SHEET_NODES,
    VALUE_HEADER,
    CellReader,
    Column,
    Kind,
)

__all__ = ["SET_LIMITS", "read_workbook", "read_workbook_with_warnings"]


def _where(sheet: str, row: int, column: str) -> str:
    return f"trang tính {sheet}, dòng {row}, cột {column}"


def _row_values_empty(cells: Iterable[Any]) -> bool:
    return all(is_blank(c.value) for c in cells)


def _merge_other(
    target: dict[Any, Any], other: Any, reader: CellReader, where: str, node: str | None = None
) -> None:
    if other is ABSENT or other is INVALID:
        return
    for key, value in other.items():
        if key in target:
            reader.error(
                f'khóa "{key}" trong cột Khác đã có cột riêng (hoặc bị ghi hai lần)',
                where,
                node,
            )
        else:
            target[key] = value


_IGNORED = Column("", None, Kind.OTHER, 0)  # a column whose header was reported


def _read_header(
    ws: Any, row: int, columns: tuple[Column, ...], reader: CellReader, required: tuple[str, ...]
) -> dict[int, Column] | None:
    """Map column numbers to columns from the header at ``row``; None if a required column is
    missing. Unknown or repeated headers are reported and their columns left out."""
    by_header = {c.header.casefold(): c for c in columns}
    found: dict[int, Column] = {}
    seen: set[str] = set()
    ok = True
    for column_number, cell in enumerate(ws[row], start=1):
        value = cell.value
        letter = get_column_letter(column_number)
        if is_blank(value):
            continue
        header = unicodedata.normalize("NFC", str(value)).strip()
        column = by_header.get(header.casefold())
        where = f"trang tính {ws.title}, dòng {row}, cột {letter}"
        if column is None:
            known = ", ".join(c.header for c in columns if c.kind is not Kind.NOTE)
            reader.warn(
                f"cột “{header}” không thuộc mẫu, được bỏ qua (các cột của mẫu: {known})", where
            )
            found[column_number] = _IGNORED
        elif column.kind is Kind.NOTE:
            found[column_number] = _IGNORED  # written for readers only
        elif column.header in seen:
            reader.error(f'cột "{column.header}" xuất hiện hai lần', where)
            found[column_number] = _IGNORED
        else:
            seen.add(column.header)
            found[column_number] = column
    for header in required:
        if header not in seen:
            reader.error(f'thiếu cột bắt buộc "{header}"', f"trang tính {ws.title}, dòng {row}")
            ok = False
    return found if ok else None


def _usable(columns: dict[int, Column]) -> dict[int, Column]:
    return {i: c for i, c in columns.items() if c is not _IGNORED}


def _check_headerless_data(
    ws: Any, header_row: int, columns: dict[int, Column], rows: Iterable[int], reader: CellReader
) -> None:
    for row in rows:
        for column_number, cell in enumerate(ws[row], start=1):
            if column_number not in columns and not is_blank(cell.value):
                letter = get_column_letter(column_number)
                reader.error(
                    "ô có dữ liệu nhưng cột không có tiêu đề ở dòng "
                    f"{header_row}; hãy xóa hoặc đặt tiêu đề cột",
                    f"trang tính {ws.title}, dòng {row}, cột {letter}",
                )


def _read_item_row(
    ws: Any,
    row: int,
    columns: dict[int, Column],
    reader: CellReader,
    node: str | None = None,
    initial: dict[Any, Any] | None = None,
) -> dict[Any, Any]:
    item: dict[Any, Any] = dict(initial or {})
    other: Any = ABSENT
    other_where = ""
    for index, column in columns.items():
        if column.kind is Kind.NOTE:
            continue
        where = _where(ws.title, row, column.header)
        cell = ws.cell(row=row, column=index)
        value = reader.cell(column.kind, cell, where, node, column.words)
        if value is ABSENT or value is INVALID:
            continue
        if column.kind is Kind.OTHER:
            other, other_where = value, where
        elif column.key is not None:
            item[column.key] = value
    _merge_other(item, other, reader, other_where, node)
    return item


def _check_info_header(ws: Any, reader: CellReader) -> None:
    """Columns after Khóa and Giá trị: Ý nghĩa is for readers; any other header is ignored
    with a warning (the sheet is read from its first two columns only)."""
    first = ws.cell(row=1, column=1).value
    if not isinstance(first, str) or first.strip().casefold() != KEY_HEADER.casefold():
        return  # no header row
    for column_number, cell in enumerate(ws[1], start=1):
        if column_number <= 2 or is_blank(cell.value):
            continue
        header = unicodedata.normalize("NFC", str(cell.value)).strip()
        if header.casefold() == MEANING_HEADER.casefold():
            continue
        letter = get_column_letter(column_number)
        reader.warn(
            f"cột “{header}” không thuộc mẫu, được bỏ qua (các cột của mẫu: {KEY_HEADER}, "
            f"{VALUE_HEADER}, {MEANING_HEADER})",
            f"trang tính {ws.title}, dòng 1, cột {letter}",
        )


def _read_info(ws: Any, reader: CellReader) -> dict[Any, Any]:
    _check_info_header(ws, reader)
    kinds = dict(INFO_ROWS)
    doc: dict[Any, Any] = {}
    other: Any = ABSENT
    other_where = ""
    seen: dict[str, int] = {}
    for row in range(1, ws.max_row + 1):
        key_cell = ws.cell(row=row, column=1)
        value_cell = ws.cell(row=row, column=2)
        if is_blank(key_cell.value):
            if not is_blank(value_cell.value):
                reader.error("giá trị không có khóa ở cột A", _where(ws.title, row, VALUE_HEADER))
            continue
        key = unicodedata.normalize("NFC", str(key_cell.value)).strip()
        if row == 1 and key.casefold() == KEY_HEADER.casefold():
            continue
        where = _where(ws.title, row, VALUE_HEADER)
        if key in seen:
            reader.error(
                f'khóa "{key}" bị ghi hai lần (đã có ở dòng {seen[key]})',
                _where(ws.title, row, KEY_HEADER),
            )
            continue
        seen[key] = row
        if key == OTHER:
            other = reader.cell(Kind.OTHER, value_cell, where)
            other_where = where
        elif key in kinds:
            value = reader.cell(kinds[key], value_cell, where)
            if value is not ABSENT and value is not INVALID:
                doc[key] = value
        else:
            known = ", ".join([k for k, _ in INFO_ROWS] + [OTHER])
            reader.error(
                f'khóa không xác định: "{key}" (các khóa: {known})',
                _where(ws.title, row, KEY_HEADER),
            )
    _merge_other(doc, other, reader, other_where)
    return doc


def _read_table(
    ws: Any,
    header_row: int,
    end_row: int,
    columns: tuple[Column, ...],
    reader: CellReader,
) -> list[dict[Any, Any]]:
    header = _read_header(ws, header_row, columns, reader, required=())
    if header is None:
        return []
    rows = range(header_row + 1, end_row + 1)
    _check_headerless_data(ws, header_row, header, rows, reader)
    items = []
    for row in rows:
        if _row_values_empty(ws[row]):
            continue
        items.append(_read_item_row(ws, row, _usable(header), reader))
    return items


def _read_bands(ws: Any, reader: CellReader) -> list[dict[Any, Any]]:
    return _read_table(ws, 1, ws.max_row, BAND_COLUMNS, reader)


def _read_questionnaire(ws: Any, reader: CellReader) -> dict[Any, Any]:
    titles = {SCALE_TITLE.casefold(): "scale", QUESTIONS_TITLE.casefold(): "questions"}
    sections: list[tuple[str, int]] = []
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row=row, column=1).value
        if isinstance(value, str) and value.strip().casefold() in titles:
            sections.append((titles[value.strip().casefold()], row))
    head_end = sections[0][1] - 1 if sections else ws.max_row
    kinds = dict(QUESTIONNAIRE_ROWS)
    q: dict[Any, Any] = {}
    other: Any = ABSENT
    other_where = ""
    for row in range(1, head_end + 1):
        key_cell = ws.cell(row=row, column=1)
        if is_blank(key_cell.value):
            if not _row_values_empty(ws[row]):
                reader.error("giá trị không có khóa ở cột A", _where(ws.title, row, VALUE_HEADER))
            continue
        key = unicodedata.normalize("NFC", str(key_cell.value)).strip()
        if row == 1 and key.casefold() == KEY_HEADER.casefold():
            continue
        where = _where(ws.title, row, VALUE_HEADER)
        if key == OTHER:
            other, other_where = reader.cell(Kind.OTHER, ws.cell(row=row, column=2), where), where
        elif key in kinds:
            if key in q:
                reader.error(f'khóa "{key}" bị ghi hai lần', _where(ws.title, row, KEY_HEADER))
                continue
            value = reader.cell(kinds[key], ws.cell(row=row, column=2), where)
            if value is not ABSENT and value is not INVALID:
                q[key] = value
        else:
            known = ", ".join(
                [k for k, _ in QUESTIONNAIRE_ROWS] + [OTHER, SCALE_TITLE, QUESTIONS_TITLE]
            )
            reader.error(
                f'khóa không xác định: "{key}" (các khóa: {known})',
                _where(ws.title, row, KEY_HEADER),
            )
    for index, (key, title_row) in enumerate(sections):
        end = sections[index + 1][1] - 1 if index + 1 < len(sections) else ws.max_row
        where = f"trang tính {ws.title}, dòng {title_row}"
        if key in q:
            reader.error(
                f'phần "{ws.cell(row=title_row, column=1).value}" xuất hiện hai lần', where
            )
            continue
        header_row = title_row + 1
        while header_row <= end and _row_values_empty(ws[header_row]):
            header_row += 1
        if header_row > end:
            reader.error("thiếu dòng tiêu đề cột của phần này", where)
            continue
        columns = SCALE_COLUMNS if key == "scale" else QUESTION_COLUMNS
        items = _read_table(ws, header_row, end, columns, reader)
        if key == "scale":
            for item in items:
                item.setdefault("share", None)  # empty share: "don't know"
        q[key] = items
    _merge_other(q, other, reader, other_where)
    if "code" not in q:
        reader.error("thiếu mã phiếu (dòng code)", f"trang tính {ws.title}")
    return q


@dataclass
class _RowNode:
    node: dict[Any, Any]
    row: int
    children: list[dict[Any, Any]]
    other_children: bool


def _code_text(value: Any) -> str | None:
    """A code cell's text without recording problems (to find where codes are)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return read_code(value)
    return None


def _read_nodes(ws: Any, reader: CellReader) -> list[dict[Any, Any]]:
    header = _read_header(ws, 1, NODE_COLUMNS, reader, required=("Mã", "Mã cha"))
    if header is None:
        return []
    rows = [row for row in range(2, ws.max_row + 1) if not _row_values_empty(ws[row])]
    _check_headerless_data(ws, 1, header, rows, reader)
    code_col = next(i for i, c in header.items() if c.header == "Mã")
    parent_col = next(i for i, c in header.items() if c.header == "Mã cha")
    other_columns = {i: c for i, c in _usable(header).items() if i not in (code_col, parent_col)}
    first_row_of: dict[str, int] = {}
    for row in rows:
        text = _code_text(ws.cell(row=row, column=code_col).value)
        if text is not None:
            first_row_of.setdefault(text, row)
    by_code: dict[str, _RowNode] = {}
    top: list[dict[Any, Any]] = []
    for row in rows:
        code_where = _where(ws.title, row, "Mã")
        code = reader.cell(Kind.CODE, ws.cell(row=row, column=code_col), code_where)
        if code is INVALID:
            continue
        if code is ABSENT:
            reader.error("thiếu mã tiêu chí", code_where)
            continue
        parent_where = _where(ws.title, row, "Mã cha")
        parent = reader.cell(Kind.PARENT, ws.cell(row=row, column=parent_col), parent_where, code)
        item = _read_item_row(ws, row, other_columns, reader, code, {"code": code})
        if code in by_code:
            reader.error(f"mã {code} bị trùng (đã có ở dòng {by_code[code].row})", code_where, code)
            continue
        entry = _RowNode(item, row, [], "children" in item)
        by_code[code] = entry
        if parent is INVALID:
            continue
        if parent is ABSENT:
            top.append(item)
        elif parent == code:
            reader.error("mã cha trùng với chính mã của tiêu chí", parent_where, code)
        elif parent in by_code:
            parent_entry = by_code[parent]
            if parent_entry.other_children:
                reader.error(
                    f"tiêu chí cha {parent} đã ghi các tiêu chí con trong cột Khác",
                    parent_where,
                    code,
                )
            else:
                parent_entry.children.append(item)
        elif parent in first_row_of:
            reader.error(
                f"tiêu chí cha {parent} nằm ở dòng {first_row_of[parent]}, sau tiêu chí con; "
                "dòng của tiêu chí cha phải đứng trước",
                parent_where,
                code,
            )
        else:
            reader.error(f"mã cha {parent} không có trong trang tính", parent_where, code)
    for entry in by_code.values():
        if entry.children:
            entry.node["children"] = entry.children
        elif not entry.other_children and "rule" not in entry.node:
            entry.node["rule"] = "manual"  # an empty Cách chấm on a leaf
    return top


# A criteria set has a few hundred rows; these limits leave room for a national set.
SET_LIMITS = Limits(max_rows=5_000, max_columns=40, max_cells=200_000)


def _open_workbook(path: Path, filename: str, limits: Limits) -> Book:
    """The workbook read within ``limits`` (checked before and while parsing)."""
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            raise ProblemsError(
                [Problem(filename, f"tệp quá lớn: nặng hơn {limits.max_file_bytes // 2**20} MB")]
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise ProblemsError([Problem(filename, "không tìm thấy tệp")]) from None
    except PermissionError:
        raise ProblemsError([Problem(filename, "không có quyền đọc tệp")]) from None
    except OSError:
        raise ProblemsError([Problem(filename, "không đọc được tệp")]) from None
    try:
        return open_workbook(data, limits=limits)
    except WorkbookError as exc:
        message = (
            exc.message
            if exc.too_large
            else "không đọc được tệp: tệp .xlsx hỏng hoặc không phải .xlsx"
        )
        raise ProblemsError([Problem(filename, message)]) from None


def read_workbook_with_warnings(
    path: str | Path,
    *,
    filename: str | None = None,
    limits: Limits | None = None,
) -> tuple[Any, list[Problem]]:
    """Read a workbook into a criteria-set document; return it with the warnings found.
    Raises :class:`ProblemsError` with every error (and warning) found. The file is read
    within ``limits`` (:data:`SET_LIMITS` by default)."""
    name = filename if filename is not None else str(path)
    wb = _open_workbook(Path(path), name, limits or SET_LIMITS)
    reader = CellReader(name)
    sheets = {ws.title.strip().casefold(): ws for ws in wb.worksheets}
    doc: dict[Any, Any] = {}
    missing = [s for s in (SHEET_INFO, SHEET_NODES) if s.casefold() not in sheets]
    for sheet in missing:
        reader.error(f'thiếu trang tính bắt buộc "{sheet}"', f"trang tính {sheet}")
    if missing:
        raise ProblemsError(reader.problems)

    doc = _read_info(sheets[SHEET_INFO.casefold()], reader)
    known = {SHEET_INFO.casefold(), SHEET_NODES.casefold(), SHEET_BANDS.casefold()}
    bands_ws = sheets.get(SHEET_BANDS.casefold())
    if bands_ws is not None:
        _add_once(doc, "bands", _read_bands(bands_ws, reader), reader, bands_ws.title)
    questionnaires = []
    for ws in wb.worksheets:
        title = ws.title.strip()
        if title.casefold() in known:
            continue
        if title.startswith(QUESTIONNAIRE_PREFIX):
            questionnaires.append(_read_questionnaire(ws, reader))
        else:
            reader.warn("trang tính không thuộc mẫu, được bỏ qua", f"trang tính {title}")
    if questionnaires:
        _add_once(doc, "questionnaires", questionnaires, reader, SHEET_INFO)
    nodes_ws = sheets[SHEET_NODES.casefold()]
    nodes = _read_nodes(nodes_ws, reader)
    if nodes:
        _add_once(doc, "nodes", nodes, reader, nodes_ws.title)
    if any(p.is_error for p in reader.problems):
        raise ProblemsError(reader.problems)
    ordered = {k: doc[k] for k in TOP_KEYS if k in doc}
    ordered.update((k, v) for k, v in doc.items() if k not in ordered)
    return ordered, reader.problems


def _add_once(doc: dict[Any, Any], key: str, value: Any, reader: CellReader, sheet: str) -> None:
    if key in doc:
        reader.error(
            f'"{key}" vừa có trong dòng Khác của trang tính {SHEET_INFO} vừa có trang tính '
            "riêng; hãy giữ một nơi",
            f"trang tính {sheet}",
        )
    else:
        doc[key] = value


def read_workbook(path: str | Path) -> Any:
    """Read a workbook into the criteria-set document the YAML form gives (warnings dropped;
    use :func:`read_workbook_with_warnings` to get them)."""
    doc, _warnings = read_workbook_with_warnings(path)
    return doc
