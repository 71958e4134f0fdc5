"""The .xlsx form of a criteria set (format ``parindex-framework/1``, section 5).

Officials edit criteria sets in Excel; a set survives YAML → .xlsx → YAML unchanged.
:func:`write_workbook` lays a document out as a workbook and :func:`read_workbook` reads it
back into the same document the YAML file gives.

Layout
------
- **Thông tin chung**: header row ``Khóa`` / ``Giá trị``, then one row per key: ``format``,
  ``code``, ``name``, ``year``, ``applies_to`` (comma-separated), ``issued_by``, ``scale``,
  ``decimals``. An empty value means the key is absent. A last row ``Khác`` holds, as YAML
  flow text, every other top-level key (and any value its own row cannot hold exactly).
- **Tiêu chí**: one row per node in tree order (pre-order), columns ``Mã``, ``Mã cha``,
  ``Tên tiêu chí``, ``Điểm tối đa``, ``Cách chấm``, ``Nguồn``, ``Tài liệu kiểm chứng``,
  ``Gợi ý tài liệu``, ``Hướng dẫn chấm``, ``Bộ phận phụ trách``, ``Áp dụng cho``,
  ``Có thể không áp dụng``, ``Loại``, ``Cộng dồn tối đa`` and a trailing ``Khác``.
  ``Cách chấm`` holds the rule as YAML flow text (``{yes_no: "Có kế hoạch"}``); it is empty
  for parents and for ``manual`` — an empty ``Cách chấm`` on a leaf reads as ``rule: manual``
  (the default, written out), on a parent as no rule. Columns may be in any order; only
  ``Mã`` and ``Mã cha`` are required; a parent's row comes before its children's.
- **Xếp loại** (optional): ``Từ (điểm %)``, ``Xếp loại``, ``Khác``; highest first, the last
  band's ``Từ`` is empty.
- **Phiếu <code>** (optional, one per inline questionnaire): rows ``code``, ``name``,
  ``respondent_group`` (and ``Khác``) under a ``Khóa`` / ``Giá trị`` header; then a section
  ``Thang trả lời`` (``Mã``, ``Nhãn``, ``Tỷ lệ điểm``, ``Khác``; an empty share is ``null``,
  "don't know"), then a section ``Câu hỏi`` (``Mã``, ``Nội dung``, ``Khác``).

Cells
-----
- Codes (``Mã``, ``Mã cha``, questionnaire codes) are text cells (format ``@``). A code typed as
  a number is read as its digits, with a warning (Excel turns ``2.10`` into ``2.1``).
- Decimals are number cells whose number format shows exactly the decimals written: ``0.50``
  is the number 0.5 formatted ``0.00`` and reads back as ``Decimal('0.50')``; ``2`` is formatted
  ``0``. A number Excel cannot hold exactly (more than 15 significant digits) is a text cell.
  Numbers typed by users are read exactly from the cell's shortest decimal text
  (0.25 → ``Decimal('0.25')``, 3.0 → ``Decimal('3')``); text like ``0.25`` or ``0,25`` is read
  as a number too.
- ``Khác`` cells hold a YAML flow mapping of the keys that have no column (node keys added to
  the format later, for example), and of any value its column cannot hold exactly (a flag set
  to ``false``, text with a carriage return, an empty list, ...), so nothing is lost.
  A subtree that cannot be laid out as rows (a duplicate code, a child that is not a mapping)
  travels whole in its parent's ``Khác`` cell as ``children``.
- Text columns are read exactly (no trimming) and normalised to NFC; a cell holding only
  spaces is empty. Flags are ``x`` or empty.

Import problems name the sheet, the row and the column; all of them are collected before
:class:`~parindex.scoring.problems.ProblemsError` is raised. Unknown sheets are ignored with a
warning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.exchange.cells import (
    EXCEL_ESCAPE,
    ILLEGAL_CHARACTERS,
    CellError,
    describe,
    is_blank,
    put,
    read_bool,
    read_code,
    read_decimal,
)
from parindex.exchange.workbooks import (
    Book,
    Limits,
    WorkbookError,
    new_workbook,
    open_workbook,
    workbook_bytes,
)

from .problems import Problem, ProblemsError, Severity
from .yamlio import dump_flow, load_flow_text

__all__ = [
    "NODE_COLUMNS",
    "SHEET_BANDS",
    "SHEET_INFO",
    "SHEET_NODES",
    "read_workbook",
    "read_workbook_with_warnings",
    "write_workbook",
]

SHEET_INFO = "Thông tin chung"
SHEET_NODES = "Tiêu chí"
SHEET_BANDS = "Xếp loại"
QUESTIONNAIRE_PREFIX = "Phiếu "
OTHER = "Khác"
KEY_HEADER = "Khóa"
VALUE_HEADER = "Giá trị"
SCALE_TITLE = "Thang trả lời"
QUESTIONS_TITLE = "Câu hỏi"

SOURCES = ("self", "survey", "organiser")
EVIDENCE = ("required", "optional", "none")
KINDS = ("bonus", "penalty")

_ABSENT: Any = object()  # a cell that gives no key
_INVALID: Any = object()  # a cell whose problem has been recorded


class Kind(Enum):
    """How a column holds its value."""

    CODE = "code"  # text cell, trimmed; a number typed by a user becomes its digits
    TEXT = "text"  # free text, exact
    WORD = "word"  # a word from a list (self/survey/...), trimmed
    NUMBER = "number"  # an exact decimal
    LIST = "list"  # comma-separated words
    FLAG = "flag"  # x or empty, for true
    RULE = "rule"  # YAML flow text
    OTHER = "other"  # YAML flow mapping of the remaining keys
    PARENT = "parent"  # the parent's code (Tiêu chí only)


@dataclass(frozen=True)
class Column:
    header: str
    key: str | None
    kind: Kind
    width: float
    choices: tuple[str, ...] = ()


NODE_COLUMNS: tuple[Column, ...] = (
    Column("Mã", "code", Kind.CODE, 10),
    Column("Mã cha", None, Kind.PARENT, 9),
    Column("Tên tiêu chí", "name", Kind.TEXT, 60),
    Column("Điểm tối đa", "max", Kind.NUMBER, 10),
    Column("Cách chấm", "rule", Kind.RULE, 50),
    Column("Nguồn", "source", Kind.WORD, 11, SOURCES),
    Column("Tài liệu kiểm chứng", "evidence", Kind.WORD, 12, EVIDENCE),
    Column("Gợi ý tài liệu", "evidence_hint", Kind.TEXT, 35),
    Column("Hướng dẫn chấm", "guidance", Kind.TEXT, 40),
    Column("Bộ phận phụ trách", "owner_hint", Kind.TEXT, 24),
    Column("Áp dụng cho", "applies_to", Kind.LIST, 16),
    Column("Có thể không áp dụng", "may_not_apply", Kind.FLAG, 11, ("x",)),
    Column("Loại", "kind", Kind.WORD, 10, KINDS),
    Column("Cộng dồn tối đa", "capped", Kind.FLAG, 10, ("x",)),
    Column(OTHER, None, Kind.OTHER, 30),
)
INFO_ROWS: tuple[tuple[str, Kind], ...] = (
    ("format", Kind.WORD),
    ("code", Kind.CODE),
    ("name", Kind.TEXT),
    ("year", Kind.NUMBER),
    ("applies_to", Kind.LIST),
    ("issued_by", Kind.TEXT),
    ("scale", Kind.NUMBER),
    ("decimals", Kind.NUMBER),
)
BAND_COLUMNS: tuple[Column, ...] = (
    Column("Từ (điểm %)", "min", Kind.NUMBER, 14),
    Column("Xếp loại", "label", Kind.TEXT, 30),
    Column(OTHER, None, Kind.OTHER, 30),
)
QUESTIONNAIRE_ROWS: tuple[tuple[str, Kind], ...] = (
    ("code", Kind.CODE),
    ("name", Kind.TEXT),
    ("respondent_group", Kind.TEXT),
)
SCALE_COLUMNS: tuple[Column, ...] = (
    Column("Mã", "code", Kind.CODE, 10),
    Column("Nhãn", "label", Kind.TEXT, 60),
    Column("Tỷ lệ điểm", "share", Kind.NUMBER, 12),
    Column(OTHER, None, Kind.OTHER, 30),
)
QUESTION_COLUMNS: tuple[Column, ...] = (
    Column("Mã", "code", Kind.CODE, 10),
    Column("Nội dung", "text", Kind.TEXT, 60),
    Column(OTHER, None, Kind.OTHER, 30),
)

_TOP_ORDER = (
    "format",
    "code",
    "name",
    "year",
    "applies_to",
    "issued_by",
    "scale",
    "decimals",
    "bands",
    "questionnaires",
    "nodes",
)
_MAX_CELL = 32767
_NUMBER_TEXT = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")
_COMMA_NUMBER = re.compile(r"^[+-]?[0-9]+,[0-9]+$")
_DECIMALS_FORMAT = re.compile(r"^0(?:\.(0+))?$")
_EXACT_DIGITS = 15  # what an Excel number holds
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_SECTION_FONT = Font(bold=True, color="1F4E78")
_THIN = Side(style="thin", color="BFBFBF")
_HEADER_BORDER = Border(bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


# --------------------------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------------------------


def _text_fits(value: Any) -> bool:
    """A string a cell holds exactly and that does not read as empty."""
    return (
        isinstance(value, str)
        and value.strip() != ""
        and len(value) <= _MAX_CELL
        and "\r" not in value
        and ILLEGAL_CHARACTERS.search(value) is None
        and EXCEL_ESCAPE.search(value) is None
        and unicodedata.is_normalized("NFC", value)
        and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    )


def _word_fits(value: Any) -> bool:
    return _text_fits(value) and value == value.strip() and "\n" not in value


def _number_fits(value: Any) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _list_fits(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(_word_fits(v) and "," not in v for v in value)
    )


def _fits(kind: Kind, value: Any) -> bool:
    if kind in (Kind.CODE, Kind.WORD):
        return _word_fits(value)
    if kind is Kind.TEXT:
        return _text_fits(value)
    if kind is Kind.NUMBER:
        return _number_fits(value)
    if kind is Kind.LIST:
        return _list_fits(value)
    if kind is Kind.FLAG:
        return value is True
    return True  # RULE / OTHER: any value, as YAML


class _CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Reader:
    """Reads cells of one workbook, collecting problems."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []

    def error(self, message: str, where: str, node: str | None = None) -> None:
        self.problems.append(Problem(self.filename, message, node=node, where=where))

    def warn(self, message: str, where: str | None, node: str | None = None) -> None:
        self.problems.append(
            Problem(self.filename, message, node=node, where=where, severity=Severity.WARNING)
        )

    def cell(
        self,
        kind: Kind,
        cell: Any,
        where: str,
        node: str | None = None,
    ) -> Any:
        """The document value of ``cell`` for a column of ``kind``; ``_ABSENT`` for an empty
        cell; problems are recorded and give ``_INVALID``."""
        try:
            return self._cell(kind, cell, where, node)
        except _CellError as exc:
            self.error(exc.message, where, node)
            return _INVALID

    def _cell(self, kind: Kind, cell: Any, where: str, node: str | None) -> Any:
        value = cell.value
        if is_blank(value):
            return _ABSENT
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value)
        if kind is Kind.NUMBER:
            return self._number(cell)
        if kind is Kind.FLAG:
            try:
                flag = read_bool(cell)
            except CellError:
                raise _CellError(f"chỉ ghi x hoặc để trống (ô đang ghi: {value})") from None
            return True if flag else _ABSENT  # "không" is the default: no key
        if isinstance(value, bool) or isinstance(value, (datetime, date, time, timedelta)):
            raise _CellError(f"cần văn bản, ô đang chứa {describe(value)}")
        if isinstance(value, (int, float)):
            text = read_code(cell)
            if kind in (Kind.CODE, Kind.PARENT):
                self.warn(
                    f"mã {text} được nhập dạng số; hãy định dạng ô là văn bản "
                    "(Excel đổi 2.10 thành 2.1)",
                    where,
                    node,
                )
            value = text
        if not isinstance(value, str):
            raise _CellError("ô không đọc được")
        if kind in (Kind.CODE, Kind.PARENT, Kind.WORD):
            return value.strip()
        if kind is Kind.TEXT:
            return value
        if kind is Kind.LIST:
            items = [part.strip() for part in value.split(",")]
            items = [part for part in items if part]
            return items if items else _ABSENT
        # RULE / OTHER: YAML flow text
        try:
            data = load_flow_text(value, filename=self.filename, where=where)
        except ProblemsError as exc:
            for p in exc.problems:
                self.problems.append(Problem(p.file, p.message, node, p.where, p.severity))
            return _INVALID
        if kind is Kind.OTHER and not isinstance(data, dict):
            raise _CellError("cột Khác phải là một mục YAML dạng {khóa: giá trị, ...}")
        return data

    @staticmethod
    def _number(cell: Any) -> Decimal:
        value = cell.value
        if isinstance(value, bool) or isinstance(value, (datetime, date, time, timedelta)):
            raise _CellError(f"cần một số, ô đang chứa {describe(value)}")
        try:
            result = read_decimal(cell)
        except CellError:
            shown = value.strip() if isinstance(value, str) else value
            raise _CellError(f"cần một số (ví dụ 0.25), ô đang ghi: {shown}") from None
        if result is None:
            raise _CellError("cần một số")
        return result


def _where(sheet: str, row: int, column: str) -> str:
    return f"trang tính {sheet}, dòng {row}, cột {column}"


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def _set_cell(
    ws: Any, row: int, column: int, kind: Kind, value: Any, *, parent: str | None = None
) -> Any:
    """Write ``value`` (already known to fit ``kind``) into a cell, through the one cell
    writer (text is text, never a formula; numbers exact)."""
    if kind is Kind.NUMBER:
        return put(ws, row, column, value)
    if kind is Kind.FLAG:
        cell = put(ws, row, column, "x", number_format="@")
        cell.alignment = Alignment(horizontal="center", vertical="top")
        return cell
    if kind is Kind.LIST:
        return put(ws, row, column, ", ".join(value), number_format="@")
    if kind in (Kind.RULE, Kind.OTHER):
        text = dump_flow(value, parent=parent, excel=True)
        if len(text) > _MAX_CELL:
            raise _CellError(
                f"giá trị quá dài cho một ô Excel ({len(text)} ký tự, tối đa {_MAX_CELL})"
            )
        return put(ws, row, column, text, number_format="@")
    return put(ws, row, column, value, number_format="@")


def _style_header(ws: Any, headers: Iterable[str], row: int = 1) -> None:
    for index, header in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=index, value=header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _set_widths(ws: Any, columns: Iterable[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width


def _choices_validation(
    ws: Any, column_index: int, choices: tuple[str, ...], last_row: int, title: str
) -> None:
    letter = get_column_letter(column_index)
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error="Chọn một giá trị trong danh sách: " + ", ".join(choices),
        errorStyle="stop",
    )
    validation.add(f"{letter}2:{letter}{last_row}")
    ws.add_data_validation(validation)


def _split_fitting(
    mapping: Mapping[Any, Any],
    columns: Iterable[tuple[str, Kind]],
) -> tuple[dict[str, Any], dict[Any, Any]]:
    """Split a mapping into values its columns hold exactly and the rest (for ``Khác``)."""
    kinds = dict(columns)
    fitting: dict[str, Any] = {}
    rest: dict[Any, Any] = {}
    for key, value in mapping.items():
        if isinstance(key, str) and key in kinds and _fits(kinds[key], value):
            fitting[key] = value
        else:
            rest[key] = value
    return fitting, rest


def _column_kinds(columns: Iterable[Column]) -> list[tuple[str, Kind]]:
    return [(c.key, c.kind) for c in columns if c.key is not None]


def _items_fit(items: Any, needed: tuple[str, ...] = ()) -> bool:
    """Whether a list of mappings can be laid out as table rows (each row shows something)."""
    if not isinstance(items, list):
        return False
    for item in items:
        if not isinstance(item, dict) or not item:
            return False
        for key in needed:  # keys whose absence a row cannot show
            if key not in item:
                return False
    return True


class _TreeLayout:
    """Lays the node tree out as rows; subtrees that cannot be rows go to ``Khác``."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, dict[str, Any], str | None, dict[Any, Any], bool]] = []
        self.codes: set[str] = set()

    def siblings_fit(self, nodes: Any) -> bool:
        if not isinstance(nodes, list) or not nodes:
            return False
        seen: set[str] = set()
        for node in nodes:
            if not isinstance(node, dict):
                return False
            code = node.get("code")
            if not isinstance(code, str) or not _word_fits(code):
                return False
            if code in seen or code in self.codes:
                return False
            seen.add(code)
        return True

    def add(self, nodes: list[dict[Any, Any]], parent: str | None, depth: int) -> None:
        self.codes.update(node["code"] for node in nodes)
        for node in nodes:
            children = node.get("children", _ABSENT)
            children_fit = children is not _ABSENT and self.siblings_fit(children)
            body = {k: v for k, v in node.items() if not (k == "children" and children_fit)}
            fitting, rest = _split_fitting(body, _column_kinds(NODE_COLUMNS))
            is_leaf = "children" not in node
            rule = node.get("rule", _ABSENT)
            if is_leaf and rule == "manual":
                fitting.pop("rule", None)  # an empty Cách chấm on a leaf is manual
            self.rows.append((depth, fitting, parent, rest, "children" in node))
            if children_fit:
                self.add(children, node["code"], depth + 1)


def _write_info(ws: Any, doc: Mapping[Any, Any], other: dict[Any, Any]) -> None:
    _style_header(ws, (KEY_HEADER, VALUE_HEADER))
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 90
    row = 2
    for key, kind in INFO_ROWS:
        ws.cell(row=row, column=1, value=key).font = Font(bold=True)
        value = doc.get(key, _ABSENT)
        if value is not _ABSENT and _fits(kind, value):
            _set_cell(ws, row, 2, kind, value)
        elif value is not _ABSENT:
            other[key] = value
        ws.cell(row=row, column=2).alignment = Alignment(
            wrap_text=True, vertical="top", horizontal="left"
        )
        if kind is not Kind.NUMBER:
            ws.cell(row=row, column=2).number_format = "@"
        row += 1
    ws.cell(row=row, column=1, value=OTHER).font = Font(bold=True)
    if other:
        _set_cell(ws, row, 2, Kind.OTHER, other, parent=None)
    ws.cell(row=row, column=2).alignment = _WRAP_TOP
    ws.freeze_panes = "A2"


def _write_table(
    ws: Any, columns: tuple[Column, ...], items: list[dict[Any, Any]], first_row: int, parent: str
) -> int:
    """Write a header and one row per item from ``first_row``; return the next free row."""
    _style_header(ws, (c.header for c in columns), row=first_row)
    kinds = _column_kinds(columns)
    row = first_row + 1
    for item in items:
        fitting, rest = _split_fitting(item, kinds)
        if parent == "scale" and "share" in rest and rest["share"] is None:
            del rest["share"]  # an empty share cell is null
        for index, column in enumerate(columns, start=1):
            if column.kind is Kind.OTHER:
                if rest:
                    _set_cell(ws, row, index, Kind.OTHER, rest, parent=parent)
            elif column.key in fitting:
                _set_cell(ws, row, index, column.kind, fitting[column.key])
            elif column.kind is not Kind.NUMBER:
                ws.cell(row=row, column=index).number_format = "@"
            ws.cell(row=row, column=index).alignment = _WRAP_TOP
        row += 1
    return row


def _questionnaire_fits(q: Any) -> bool:
    return isinstance(q, dict) and _word_fits(q.get("code"))


def _scale_fits(scale: Any) -> bool:
    # an empty share cell is null: an option without a share key cannot be a row
    return _items_fit(scale, needed=("share",)) and all(
        item["share"] is None or _number_fits(item["share"]) for item in scale
    )


def _sheet_name(code: str, used: set[str]) -> str:
    base = _SHEET_NAME_BAD.sub("-", QUESTIONNAIRE_PREFIX + code).strip("'")[:31]
    name = base
    counter = 2
    while name.casefold() in used:
        suffix = f" ({counter})"
        name = base[: 31 - len(suffix)] + suffix
        counter += 1
    used.add(name.casefold())
    return name


def _write_questionnaire(ws: Any, q: dict[Any, Any]) -> None:
    _style_header(ws, (KEY_HEADER, VALUE_HEADER))
    for index, width in enumerate((14, 60, 12, 30), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    scale = q.get("scale", _ABSENT)
    questions = q.get("questions", _ABSENT)
    scale_rows = scale is not _ABSENT and _scale_fits(scale)
    question_rows = questions is not _ABSENT and _items_fit(questions)
    body = {
        k: v
        for k, v in q.items()
        if not (k == "scale" and scale_rows) and not (k == "questions" and question_rows)
    }
    fitting, other = _split_fitting(body, QUESTIONNAIRE_ROWS)
    row = 2
    for key, kind in QUESTIONNAIRE_ROWS:
        ws.cell(row=row, column=1, value=key).font = Font(bold=True)
        if key in fitting:
            _set_cell(ws, row, 2, kind, fitting[key])
        ws.cell(row=row, column=2).alignment = _WRAP_TOP
        row += 1
    if other:
        ws.cell(row=row, column=1, value=OTHER).font = Font(bold=True)
        _set_cell(ws, row, 2, Kind.OTHER, other, parent="questionnaires")
        ws.cell(row=row, column=2).alignment = _WRAP_TOP
        row += 1
    if scale_rows:
        row += 1
        ws.cell(row=row, column=1, value=SCALE_TITLE).font = _SECTION_FONT
        row = _write_table(ws, SCALE_COLUMNS, scale, row + 1, "scale")
    if question_rows:
        row += 1
        ws.cell(row=row, column=1, value=QUESTIONS_TITLE).font = _SECTION_FONT
        row = _write_table(ws, QUESTION_COLUMNS, questions, row + 1, "questions")


def _write_nodes(ws: Any, layout: _TreeLayout) -> None:
    _style_header(ws, (c.header for c in NODE_COLUMNS))
    _set_widths(ws, NODE_COLUMNS)
    ws.row_dimensions[1].height = 32
    for letter in ("A", "B"):
        ws.column_dimensions[letter].number_format = "@"
    kinds = {c.key: c for c in NODE_COLUMNS if c.key is not None}
    for offset, (depth, fitting, parent, rest, has_children) in enumerate(layout.rows):
        row = offset + 2
        for index, column in enumerate(NODE_COLUMNS, start=1):
            cell = ws.cell(row=row, column=index)
            if column.kind is Kind.PARENT:
                if parent is not None:
                    _set_cell(ws, row, index, Kind.CODE, parent)
                else:
                    cell.number_format = "@"
            elif column.kind is Kind.OTHER:
                if rest:
                    _set_cell(ws, row, index, Kind.OTHER, rest, parent="nodes")
            elif column.key in fitting:
                _set_cell(
                    ws, row, index, kinds[column.key].kind, fitting[column.key], parent=column.key
                )
            elif column.kind is not Kind.NUMBER:
                cell.number_format = "@"
            if column.kind is not Kind.FLAG:
                cell.alignment = _WRAP_TOP
        name_cell = ws.cell(row=row, column=3)
        name_cell.alignment = Alignment(wrap_text=True, vertical="top", indent=depth)
        if has_children:
            for index in (1, 3, 4):
                ws.cell(row=row, column=index).font = Font(bold=True)
    last = max(len(layout.rows) + 1, 1)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(NODE_COLUMNS))}{last}"
    last_validated = max(last + 200, 500)
    for index, column in enumerate(NODE_COLUMNS, start=1):
        if column.choices:
            _choices_validation(ws, index, column.choices, last_validated, column.header)


def write_workbook(doc: Any, path: str | Path) -> None:
    """Write a criteria-set document as an .xlsx workbook (layout in the module description).
    Any document that is a mapping can be written; reading the workbook gives it back."""
    if not isinstance(doc, Mapping):
        raise ProblemsError(
            [
                Problem(
                    str(path),
                    "không ghi được .xlsx: tệp nguồn không phải một bộ tiêu chí "
                    "(cần một mục YAML ở cấp cao nhất)",
                )
            ]
        )
    other: dict[Any, Any] = {
        k: v for k, v in doc.items() if not (isinstance(k, str) and k in _TOP_ORDER)
    }
    wb = new_workbook()
    info = wb.active
    info.title = SHEET_INFO
    nodes_ws = wb.create_sheet(SHEET_NODES)

    layout = _TreeLayout()
    nodes = doc.get("nodes", _ABSENT)
    if nodes is not _ABSENT:
        if layout.siblings_fit(nodes):
            layout.add(nodes, None, 0)
        else:
            other["nodes"] = nodes
    try:
        _write_nodes(nodes_ws, layout)
        _write_rest(wb, doc, other)
        _write_info(info, doc, other)
    except _CellError as exc:
        raise ProblemsError([Problem(str(path), exc.message)]) from None
    try:
        Path(path).write_bytes(workbook_bytes(wb))
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ProblemsError([Problem(str(path), f"không ghi được tệp ({reason})")]) from None


def _write_rest(wb: Any, doc: Mapping[Any, Any], other: dict[Any, Any]) -> None:
    """The Xếp loại and Phiếu sheets; what they cannot hold goes to ``other``."""
    bands = doc.get("bands", _ABSENT)
    if bands is not _ABSENT:
        if _items_fit(bands):
            ws = wb.create_sheet(SHEET_BANDS)
            _set_widths(ws, BAND_COLUMNS)
            _write_table(ws, BAND_COLUMNS, bands, 1, "bands")
            ws.freeze_panes = "A2"
        else:
            other["bands"] = bands

    questionnaires = doc.get("questionnaires", _ABSENT)
    if questionnaires is not _ABSENT:
        if (
            isinstance(questionnaires, list)
            and questionnaires
            and all(_questionnaire_fits(q) for q in questionnaires)
        ):
            used = {SHEET_INFO.casefold(), SHEET_NODES.casefold(), SHEET_BANDS.casefold()}
            for q in questionnaires:
                _write_questionnaire(wb.create_sheet(_sheet_name(q["code"], used)), q)
        else:
            other["questionnaires"] = questionnaires


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def _row_values_empty(cells: Iterable[Any]) -> bool:
    return all(is_blank(c.value) for c in cells)


def _merge_other(
    target: dict[Any, Any], other: Any, reader: _Reader, where: str, node: str | None = None
) -> None:
    if other is _ABSENT or other is _INVALID:
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
    ws: Any, row: int, columns: tuple[Column, ...], reader: _Reader, required: tuple[str, ...]
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
            known = ", ".join(c.header for c in columns)
            reader.error(f'tiêu đề cột không xác định: "{header}" (các cột: {known})', where)
            found[column_number] = _IGNORED
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
    ws: Any, header_row: int, columns: dict[int, Column], rows: Iterable[int], reader: _Reader
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
    reader: _Reader,
    node: str | None = None,
    initial: dict[Any, Any] | None = None,
) -> dict[Any, Any]:
    item: dict[Any, Any] = dict(initial or {})
    other: Any = _ABSENT
    other_where = ""
    for index, column in columns.items():
        where = _where(ws.title, row, column.header)
        value = reader.cell(column.kind, ws.cell(row=row, column=index), where, node)
        if value is _ABSENT or value is _INVALID:
            continue
        if column.kind is Kind.OTHER:
            other, other_where = value, where
        elif column.key is not None:
            item[column.key] = value
    _merge_other(item, other, reader, other_where, node)
    return item


def _read_info(ws: Any, reader: _Reader) -> dict[Any, Any]:
    kinds = dict(INFO_ROWS)
    doc: dict[Any, Any] = {}
    other: Any = _ABSENT
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
            if value is not _ABSENT and value is not _INVALID:
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
    reader: _Reader,
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


def _read_bands(ws: Any, reader: _Reader) -> list[dict[Any, Any]]:
    return _read_table(ws, 1, ws.max_row, BAND_COLUMNS, reader)


def _read_questionnaire(ws: Any, reader: _Reader) -> dict[Any, Any]:
    titles = {SCALE_TITLE.casefold(): "scale", QUESTIONS_TITLE.casefold(): "questions"}
    sections: list[tuple[str, int]] = []
    for row in range(1, ws.max_row + 1):
        value = ws.cell(row=row, column=1).value
        if isinstance(value, str) and value.strip().casefold() in titles:
            sections.append((titles[value.strip().casefold()], row))
    head_end = sections[0][1] - 1 if sections else ws.max_row
    kinds = dict(QUESTIONNAIRE_ROWS)
    q: dict[Any, Any] = {}
    other: Any = _ABSENT
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
            if value is not _ABSENT and value is not _INVALID:
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


def _read_nodes(ws: Any, reader: _Reader) -> list[dict[Any, Any]]:
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
        if code is _INVALID:
            continue
        if code is _ABSENT:
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
        if parent is _INVALID:
            continue
        if parent is _ABSENT:
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
    reader = _Reader(name)
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
    ordered = {k: doc[k] for k in _TOP_ORDER if k in doc}
    ordered.update((k, v) for k, v in doc.items() if k not in ordered)
    return ordered, reader.problems


def _add_once(doc: dict[Any, Any], key: str, value: Any, reader: _Reader, sheet: str) -> None:
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
