"""The text of an Excel .xlsx (its first sheets, one line per row), read as a stream within
character, byte and cell budgets; dates shown dd/mm/yyyy."""

from __future__ import annotations

import re
import zipfile
from datetime import datetime
from typing import IO

from parindex.exchange.mime import XLSX_MAIN_PART

from .package import main_part, read_part, relationships
from .stream import Attrs, Budget, Handler, Stop, attribute

__all__ = ["xlsx_text"]

MAX_SHARED_STRINGS = 200_000
MAX_STYLES = 65_000  # Excel's own limit on cell formats
MAX_COLUMNS = 16_384  # column XFD


class _ExcelPart(Handler):
    """An Excel part: its elements are those in the namespace of its root element (the
    transitional or the strict SpreadsheetML one, whichever the file uses)."""

    main: str | None = None

    def ours(self, uri: str) -> bool:
        if self.main is None:
            self.main = uri
        return uri == self.main


class _Workbook(_ExcelPart):
    def __init__(self, max_sheets: int) -> None:
        self.sheets: list[tuple[str, str]] = []  # (name, relationship id)
        self.max_sheets = max_sheets
        self.date1904 = False

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        if not self.ours(uri):
            return
        if local == "sheet":
            self.sheets.append((attribute(attrs, "name"), attribute(attrs, "id")))
            if len(self.sheets) >= self.max_sheets:
                raise Stop  # workbookPr comes before the sheets
        elif local == "workbookPr":
            self.date1904 = attribute(attrs, "date1904") in ("1", "true")


class _SharedStrings(_ExcelPart):
    """The shared strings, kept while they fit ``max_chars`` characters in all; later
    entries read as empty (cells refer to them by position)."""

    def __init__(self, max_chars: int) -> None:
        self.strings: list[str] = []
        self.room = max_chars
        self.current: list[str] | None = None
        self.in_text = 0
        self.phonetic = 0

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        if not self.ours(uri):
            return
        if local == "si":
            self.current = []
        elif local == "rPh":
            self.phonetic += 1
        elif local == "t":
            self.in_text += 1

    def end(self, uri: str, local: str) -> None:
        if not self.ours(uri):
            return
        if local == "si" and self.current is not None:
            self.strings.append("".join(self.current))
            self.current = None
            if self.room <= 0 or len(self.strings) >= MAX_SHARED_STRINGS:
                raise Stop
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "t":
            self.in_text -= 1

    def text(self, data: str) -> None:
        if self.current is not None and self.in_text and not self.phonetic and self.room > 0:
            kept = data[: self.room]
            self.current.append(kept)
            self.room -= len(kept)


_BUILTIN_DATE_FORMATS = set(range(14, 23)) | {45, 46, 47}


class _Styles(_ExcelPart):
    """Which cell formats (``s`` of a cell) show dates."""

    def __init__(self) -> None:
        self.custom: dict[str, str] = {}
        self.xf_formats: list[str] = []
        self.in_cell_xfs = False

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        if not self.ours(uri):
            return
        if local == "numFmt" and len(self.custom) < MAX_STYLES:
            self.custom[attribute(attrs, "numFmtId")] = attribute(attrs, "formatCode")
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs and len(self.xf_formats) < MAX_STYLES:
            self.xf_formats.append(attribute(attrs, "numFmtId"))

    def end(self, uri: str, local: str) -> None:
        if self.ours(uri) and local == "cellXfs":
            self.in_cell_xfs = False
            raise Stop

    def date_styles(self) -> set[str]:
        from openpyxl.styles.numbers import is_date_format

        out: set[str] = set()
        for index, fmt in enumerate(self.xf_formats):
            is_date = (
                int(fmt) in _BUILTIN_DATE_FORMATS
                if fmt.isdigit() and fmt not in self.custom
                else is_date_format(self.custom.get(fmt, ""))
            )
            if is_date:
                out.add(str(index))
        return out


_CELL_REF = re.compile(r"([A-Z]{1,3})")


def _column(ref: str) -> int | None:
    m = _CELL_REF.match(ref)
    if not m:
        return None
    index = 0
    for ch in m.group(1):
        index = index * 26 + ord(ch) - 64
    return index - 1


def _number_text(raw: str, is_date: bool, date1904: bool) -> str:
    try:
        value = float(raw)
    except ValueError:
        return raw.strip()
    if is_date:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        try:
            moment = from_excel(value, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
        except (ValueError, OverflowError):
            moment = None
        if isinstance(moment, datetime):
            shown = moment.strftime("%d/%m/%Y")
            return shown if moment.time() == datetime.min.time() else f"{shown} {moment:%H:%M}"
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return raw.strip()


class _SheetText(_ExcelPart):
    """One line per row: cell values separated by tabs, in their columns."""

    def __init__(
        self,
        budget: Budget,
        shared: list[str],
        date_styles: set[str],
        date1904: bool,
        max_cells: int,
        cells_so_far: int,
    ) -> None:
        self.budget = budget
        self.shared = shared
        self.date_styles = date_styles
        self.date1904 = date1904
        self.max_cells = max_cells
        self.cells = cells_so_far
        self.row: dict[int, str] | None = None
        self.row_chars = 0
        self.next_column = 0
        self.cell: tuple[int, str, str] | None = None  # column, type, style
        self.value: list[str] = []
        self.value_room = 0
        self.in_value = 0
        self.phonetic = 0

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        if not self.ours(uri):
            return
        if local == "row":
            self.row = {}
            self.row_chars = 0
            self.next_column = 0
        elif local == "c" and self.row is not None:
            column = _column(attribute(attrs, "r"))
            column = self.next_column if column is None else column
            self.next_column = column + 1
            self.cell = (column, attribute(attrs, "t"), attribute(attrs, "s"))
            self.value = []
            self.value_room = self._row_room()
        elif local in ("v", "t") and self.cell is not None:
            self.in_value += 1
        elif local == "rPh":
            self.phonetic += 1

    def end(self, uri: str, local: str) -> None:
        if not self.ours(uri):
            return
        if local in ("v", "t") and self.in_value:
            self.in_value -= 1
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c" and self.cell is not None and self.row is not None:
            column, kind, style = self.cell
            self.cell = None
            self.cells += 1
            room = self._row_room()
            if column < MAX_COLUMNS and room > 0:
                value = self._cell_text(kind, style, "".join(self.value))[:room]
                self.row[column] = value
                self.row_chars += len(value) + 1
            if self.cells > self.max_cells or room <= 0:
                self._end_row()
                raise Stop
        elif local == "row":
            self._end_row()
            if self.cells > self.max_cells:
                raise Stop

    def _row_room(self) -> int:
        return self.budget.room() - self.row_chars

    def _end_row(self) -> None:
        if self.row is None:
            return
        row, self.row = self.row, None
        if not row:
            return
        values = [""] * (max(row) + 1)
        for column, value in row.items():
            values[column] = value
        line = "\t".join(values).rstrip("\t")
        if line.strip():
            self.budget.add(line)

    def _cell_text(self, kind: str, style: str, raw: str) -> str:
        if kind == "s":
            try:
                index = int(raw)
            except ValueError:
                return ""
            return self.shared[index].strip() if 0 <= index < len(self.shared) else ""
        if kind in ("inlineStr", "str", "e"):
            return raw.strip()
        if kind == "b":
            return "True" if raw.strip() == "1" else "False"
        if not raw:
            return ""
        return _number_text(raw, style in self.date_styles, self.date1904)

    def text(self, data: str) -> None:
        if self.in_value and not self.phonetic and self.value_room > 0:
            kept = data[: self.value_room]
            self.value.append(kept)
            self.value_room -= len(kept)


def xlsx_text(
    data: IO[bytes], *, max_chars: int, max_part_bytes: int, max_sheets: int, max_cells: int
) -> str:
    """The text of an .xlsx's first sheets: "[sheet name]" then one line per row."""
    with zipfile.ZipFile(data) as archive:
        main = main_part(archive, XLSX_MAIN_PART, "xl/workbook.xml", max_part_bytes)
        workbook = _Workbook(max_sheets)
        read_part(archive, main, workbook, max_part_bytes)
        rels = relationships(archive, main, max_part_bytes)
        shared = _SharedStrings(max_chars * 2)
        if "type:sharedStrings" in rels:
            read_part(archive, rels["type:sharedStrings"], shared, max_part_bytes)
        styles = _Styles()
        if "type:styles" in rels:
            read_part(archive, rels["type:styles"], styles, max_part_bytes)
        date_styles = styles.date_styles()
        budget = Budget(max_chars)
        cells = 0
        try:
            for name, rel_id in workbook.sheets[:max_sheets]:
                budget.add(f"[{name}]")
                if rel_id not in rels:
                    continue
                sheet = _SheetText(
                    budget, shared.strings, date_styles, workbook.date1904, max_cells, cells
                )
                try:
                    read_part(archive, rels[rel_id], sheet, max_part_bytes)
                finally:
                    cells = sheet.cells
                if cells > max_cells or budget.room() <= 0:
                    break
        except Stop:  # the sheet title itself went over the budget
            pass
        return budget.text()
