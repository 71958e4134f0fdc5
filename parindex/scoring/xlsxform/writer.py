"""Writing a criteria-set document as the .xlsx form: the Thông tin chung, Tiêu chí, Xếp loại
and Phiếu sheets laid out from the document; what a column cannot hold exactly goes to the
``Khác`` cell of its row.

For the people who print and read the workbook, each leaf's rule is also told in words
(``Diễn giải cách chấm``, as the web pages tell it) and each key of Thông tin chung is
explained (``Ý nghĩa``); readers ignore both. A set with mistakes is written as it is: its
rules are then worded one by one where they can be, and the cell is left empty where not."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.exchange.cells import put
from parindex.exchange.workbooks import new_workbook, workbook_bytes

from ..framework import DEFAULT_DECIMALS, TOP_KEYS, parse_framework
from ..model import Questionnaire
from ..problems import Problem, ProblemsError
from ..questionnaires import parse_questionnaire
from ..reader import Reader
from ..words import rule_text_in_words, rules_in_words
from .cells import (
    ABSENT,
    BAND_COLUMNS,
    INFO_MEANINGS,
    INFO_ROWS,
    KEY_HEADER,
    MEANING_HEADER,
    NODE_COLUMNS,
    OTHER,
    OTHER_MEANING,
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
    Column,
    FormCellError,
    Kind,
    fits,
    number_fits,
    set_cell,
    word_fits,
)

__all__ = ["write_workbook"]

_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_SECTION_FONT = Font(bold=True, color="1F4E78")
_THIN = Side(style="thin", color="BFBFBF")
_HEADER_BORDER = Border(bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_MEANING_FONT = Font(italic=True, color="404040")

Fits = Mapping[str, Callable[[Any], bool]]


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
    mapping: Mapping[Any, Any], holds: Fits
) -> tuple[dict[str, Any], dict[Any, Any]]:
    """Split a mapping into values its columns hold exactly and the rest (for ``Khác``)."""
    fitting: dict[str, Any] = {}
    rest: dict[Any, Any] = {}
    for key, value in mapping.items():
        if isinstance(key, str) and key in holds and holds[key](value):
            fitting[key] = value
        else:
            rest[key] = value
    return fitting, rest


def _column_fits(columns: Iterable[Column]) -> Fits:
    return {c.key: c.holds for c in columns if c.key is not None}


def _row_fits(rows: Iterable[tuple[str, Kind]]) -> Fits:
    return {key: partial(fits, kind) for key, kind in rows}


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


@dataclass(frozen=True)
class _Row:
    depth: int
    fitting: dict[str, Any]  # values their columns hold
    parent: str | None
    rest: dict[Any, Any]  # the Khác cell
    has_children: bool
    node: Mapping[Any, Any]  # the node as the document gives it

    @property
    def code(self) -> str:
        return str(self.node["code"])


class _TreeLayout:
    """Lays the node tree out as rows; subtrees that cannot be rows go to ``Khác``."""

    def __init__(self) -> None:
        self.rows: list[_Row] = []
        self.codes: set[str] = set()

    def siblings_fit(self, nodes: Any) -> bool:
        if not isinstance(nodes, list) or not nodes:
            return False
        seen: set[str] = set()
        for node in nodes:
            if not isinstance(node, dict):
                return False
            code = node.get("code")
            if not isinstance(code, str) or not word_fits(code):
                return False
            if code in seen or code in self.codes:
                return False
            seen.add(code)
        return True

    def add(self, nodes: list[dict[Any, Any]], parent: str | None, depth: int) -> None:
        self.codes.update(node["code"] for node in nodes)
        for node in nodes:
            children = node.get("children", ABSENT)
            children_fit = children is not ABSENT and self.siblings_fit(children)
            body = {k: v for k, v in node.items() if not (k == "children" and children_fit)}
            fitting, rest = _split_fitting(body, _column_fits(NODE_COLUMNS))
            is_leaf = "children" not in node
            rule = node.get("rule", ABSENT)
            if is_leaf and rule == "manual":
                fitting.pop("rule", None)  # an empty Cách chấm on a leaf is manual
            self.rows.append(_Row(depth, fitting, parent, rest, "children" in node, node))
            if children_fit:
                self.add(children, node["code"], depth + 1)


def _write_meaning(ws: Any, row: int, text: str) -> None:
    cell = put(ws, row, 3, text, number_format="@")
    cell.font = _MEANING_FONT
    cell.alignment = _WRAP_TOP


def _print_setup(ws: Any, *, landscape: bool) -> None:
    """Printed pages: the header row repeated on each page, every column on one page wide."""
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _write_info(ws: Any, doc: Mapping[Any, Any], other: dict[Any, Any]) -> None:
    _style_header(ws, (KEY_HEADER, VALUE_HEADER, MEANING_HEADER))
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 60
    _print_setup(ws, landscape=True)
    row = 2
    for key, kind in INFO_ROWS:
        ws.cell(row=row, column=1, value=key).font = Font(bold=True)
        ws.cell(row=row, column=1).alignment = Alignment(vertical="top")
        _write_meaning(ws, row, INFO_MEANINGS[key])
        value = doc.get(key, ABSENT)
        if value is not ABSENT and fits(kind, value):
            set_cell(ws, row, 2, kind, value)
        elif value is not ABSENT:
            other[key] = value
        ws.cell(row=row, column=2).alignment = Alignment(
            wrap_text=True, vertical="top", horizontal="left"
        )
        if kind is not Kind.NUMBER:
            ws.cell(row=row, column=2).number_format = "@"
        row += 1
    ws.cell(row=row, column=1, value=OTHER).font = Font(bold=True)
    ws.cell(row=row, column=1).alignment = Alignment(vertical="top")
    if other:
        set_cell(ws, row, 2, Kind.OTHER, other, parent=None)
    else:
        ws.cell(row=row, column=2).number_format = "@"
    ws.cell(row=row, column=2).alignment = _WRAP_TOP
    _write_meaning(ws, row, OTHER_MEANING)
    ws.freeze_panes = "A2"


def _write_table(
    ws: Any, columns: tuple[Column, ...], items: list[dict[Any, Any]], first_row: int, parent: str
) -> int:
    """Write a header and one row per item from ``first_row``; return the next free row."""
    _style_header(ws, (c.header for c in columns), row=first_row)
    holds = _column_fits(columns)
    row = first_row + 1
    for item in items:
        fitting, rest = _split_fitting(item, holds)
        if parent == "scale" and "share" in rest and rest["share"] is None:
            del rest["share"]  # an empty share cell is null
        for index, column in enumerate(columns, start=1):
            if column.kind is Kind.OTHER:
                if rest:
                    set_cell(ws, row, index, Kind.OTHER, rest, parent=parent)
            elif column.key in fitting:
                set_cell(ws, row, index, column.kind, fitting[column.key])
            elif column.kind is not Kind.NUMBER:
                ws.cell(row=row, column=index).number_format = "@"
            ws.cell(row=row, column=index).alignment = _WRAP_TOP
        row += 1
    return row


def _questionnaire_fits(q: Any) -> bool:
    return isinstance(q, dict) and word_fits(q.get("code"))


def _scale_fits(scale: Any) -> bool:
    # an empty share cell is null: an option without a share key cannot be a row
    return _items_fit(scale, needed=("share",)) and all(
        item["share"] is None or number_fits(item["share"]) for item in scale
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
    scale = q.get("scale", ABSENT)
    questions = q.get("questions", ABSENT)
    scale_rows = scale is not ABSENT and _scale_fits(scale)
    question_rows = questions is not ABSENT and _items_fit(questions)
    body = {
        k: v
        for k, v in q.items()
        if not (k == "scale" and scale_rows) and not (k == "questions" and question_rows)
    }
    fitting, other = _split_fitting(body, _row_fits(QUESTIONNAIRE_ROWS))
    row = 2
    for key, kind in QUESTIONNAIRE_ROWS:
        ws.cell(row=row, column=1, value=key).font = Font(bold=True)
        if key in fitting:
            set_cell(ws, row, 2, kind, fitting[key])
        ws.cell(row=row, column=2).alignment = _WRAP_TOP
        row += 1
    if other:
        ws.cell(row=row, column=1, value=OTHER).font = Font(bold=True)
        set_cell(ws, row, 2, Kind.OTHER, other, parent="questionnaires")
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


def _write_nodes(ws: Any, layout: _TreeLayout, words: Mapping[str, str]) -> None:
    _style_header(ws, (c.header for c in NODE_COLUMNS))
    _set_widths(ws, NODE_COLUMNS)
    ws.row_dimensions[1].height = 32
    for letter in ("A", "B"):
        ws.column_dimensions[letter].number_format = "@"
    for offset, line in enumerate(layout.rows):
        row = offset + 2
        for index, column in enumerate(NODE_COLUMNS, start=1):
            cell = ws.cell(row=row, column=index)
            if column.kind is Kind.PARENT:
                if line.parent is not None:
                    set_cell(ws, row, index, Kind.CODE, line.parent)
                else:
                    cell.number_format = "@"
            elif column.kind is Kind.OTHER:
                if line.rest:
                    set_cell(ws, row, index, Kind.OTHER, line.rest, parent="nodes")
            elif column.kind is Kind.NOTE:
                text = words.get(line.code) if not line.has_children else None
                put(ws, row, index, text or None, number_format="@")
            elif column.key in line.fitting:
                value = column.shown(line.fitting[column.key])
                kind = Kind.WORD if column.kind is Kind.CHOICE else column.kind
                set_cell(ws, row, index, kind, value, parent=column.key)
            elif column.kind is not Kind.NUMBER:
                cell.number_format = "@"
            if column.kind is not Kind.FLAG:
                cell.alignment = _WRAP_TOP
        name_cell = ws.cell(row=row, column=3)
        name_cell.alignment = Alignment(wrap_text=True, vertical="top", indent=line.depth)
        if line.has_children:
            for index in (1, 3, 4):
                ws.cell(row=row, column=index).font = Font(bold=True)
    last = max(len(layout.rows) + 1, 1)
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(NODE_COLUMNS))}{last}"
    last_validated = max(last + 200, 500)
    for index, column in enumerate(NODE_COLUMNS, start=1):
        if column.choices:
            _choices_validation(ws, index, column.choices, last_validated, column.header)
    _print_setup(ws, landscape=True)


# --- the rules in words ---------------------------------------------------------------------


def _readable_questionnaires(
    doc: Mapping[Any, Any], given: tuple[Questionnaire, ...]
) -> dict[str, Questionnaire]:
    """The set's inline questionnaires that read without errors, then those given apart."""
    found: dict[str, Questionnaire] = {}
    inline = doc.get("questionnaires")
    for item in inline if isinstance(inline, list) else ():
        q = parse_questionnaire(Reader(""), item, inline=True)
        if q is not None:
            found[q.code] = q
    found.update((q.code, q) for q in given)
    return found


def _rule_words(
    doc: Mapping[Any, Any], layout: _TreeLayout, questionnaires: tuple[Questionnaire, ...]
) -> dict[str, str]:
    """Each leaf's rule in words, by node code: from the whole set when it has no mistakes,
    else each leaf's rule read on its own (no words for a rule that cannot be read)."""
    framework, _problems = parse_framework(doc, file="", questionnaires=questionnaires)
    if framework is not None:
        return rules_in_words(framework)
    known = _readable_questionnaires(doc, questionnaires)
    words: dict[str, str] = {}
    for line in layout.rows:
        node_max = line.node.get("max")
        if line.has_children or not isinstance(node_max, Decimal):
            continue
        if not (node_max.is_finite() and node_max >= 0):
            continue
        name = line.node.get("name")
        told = rule_text_in_words(
            line.node.get("rule"),
            node_max=node_max,
            decimals=DEFAULT_DECIMALS,
            label=name if isinstance(name, str) and name.strip() else line.code,
            questionnaires=known,
        )
        if told.kind != "unreadable" and told.text:
            words[line.code] = told.text
    return words


def write_workbook(
    doc: Any, path: str | Path, *, questionnaires: Iterable[Questionnaire] = ()
) -> None:
    """Write a criteria-set document as an .xlsx workbook (layout in the package description).
    Any document that is a mapping can be written; reading the workbook gives it back.
    ``questionnaires`` (checked, given apart from the set) let survey rules be worded with
    their questions, as on the web pages."""
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
        k: v for k, v in doc.items() if not (isinstance(k, str) and k in TOP_KEYS)
    }
    wb = new_workbook()
    info = wb.active
    info.title = SHEET_INFO
    nodes_ws = wb.create_sheet(SHEET_NODES)

    layout = _TreeLayout()
    nodes = doc.get("nodes", ABSENT)
    if nodes is not ABSENT:
        if layout.siblings_fit(nodes):
            layout.add(nodes, None, 0)
        else:
            other["nodes"] = nodes
    words = _rule_words(doc, layout, tuple(questionnaires))
    try:
        _write_nodes(nodes_ws, layout, words)
        _write_rest(wb, doc, other)
        _write_info(info, doc, other)
    except FormCellError as exc:
        raise ProblemsError([Problem(str(path), exc.message)]) from None
    try:
        Path(path).write_bytes(workbook_bytes(wb))
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ProblemsError([Problem(str(path), f"không ghi được tệp ({reason})")]) from None


def _write_rest(wb: Any, doc: Mapping[Any, Any], other: dict[Any, Any]) -> None:
    """The Xếp loại and Phiếu sheets; what they cannot hold goes to ``other``."""
    bands = doc.get("bands", ABSENT)
    if bands is not ABSENT:
        if _items_fit(bands):
            ws = wb.create_sheet(SHEET_BANDS)
            _set_widths(ws, BAND_COLUMNS)
            _write_table(ws, BAND_COLUMNS, bands, 1, "bands")
            ws.freeze_panes = "A2"
        else:
            other["bands"] = bands

    questionnaires = doc.get("questionnaires", ABSENT)
    if questionnaires is not ABSENT:
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
