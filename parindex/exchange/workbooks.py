"""Opening an uploaded .xlsx with limits, before and while it is parsed; saving one.

A workbook is a zip of XML parts, and a small file can unpack to millions of cells, declare
XML entities or lie about its size. :func:`open_workbook` therefore:

1. refuses a file over ``max_file_bytes``, a zip with too many parts, or a part whose
   uncompressed size (or the total) is over the limits — from the zip's directory, before
   anything is unpacked (a part that unpacks beyond its declared size is refused by ``zipfile``);
2. streams every XML part once through expat, without building anything: a ``<!DOCTYPE>`` or an
   entity declaration anywhere refuses the file; in each worksheet it reads the declared size
   (``<dimension>``) and counts rows and cells as they come, stopping at the first limit crossed
   (rows per sheet, columns, cells in the whole workbook), and notes the cells holding a formula
   without a computed result;
3. only then lets openpyxl read the sheets asked for, in read-only (streaming) mode, into
   :class:`Sheet` grids of :class:`Cell` (value, number format) that importers address by row
   and column.

Every refusal is a :class:`WorkbookError` with a Vietnamese message: an unreadable or hostile
file says "Không đọc được tệp…", one too large says which limit and how to split it.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from xml.etree import ElementTree
from xml.parsers import expat

from openpyxl import Workbook, load_workbook

from .cells import EXCEL_ESCAPE, neutralise

__all__ = [
    "UNREADABLE",
    "Book",
    "Cell",
    "Limits",
    "Sheet",
    "WorkbookError",
    "new_workbook",
    "open_workbook",
    "workbook_bytes",
]

UNREADABLE = (
    "Không đọc được tệp: cần một bảng tính Excel .xlsx nguyên vẹn (tệp .xls cũ hãy mở bằng Excel "
    "và lưu lại dạng .xlsx)."
)
MIB = 1024 * 1024
_CHUNK = 64 * 1024
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_RANGE_REF = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+:\$?([A-Za-z]{1,3})\$?(\d+)$")
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Limits:
    """How much of a workbook an importer reads. Importers pass their own row limit; the
    defaults come from the settings (``parindex.core.sheets.sheet_limits``)."""

    max_rows: int = 20_000  # per sheet (importers ask for fewer)
    max_columns: int = 60
    max_cells: int = 250_000  # in all the sheets together
    max_file_bytes: int = 10 * MIB
    max_part_bytes: int = 40 * MIB  # one XML part, unpacked
    max_total_bytes: int = 120 * MIB  # every part, unpacked
    max_parts: int = 500

    def with_rows(self, rows: int) -> Limits:
        """These limits with at most ``rows`` rows per sheet (never more than the setting)."""
        return replace(self, max_rows=min(rows, self.max_rows))


class WorkbookError(Exception):
    """The file is refused; ``message`` is Vietnamese; ``too_large`` tells the two kinds apart."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.too_large = too_large


def _unreadable() -> WorkbookError:
    return WorkbookError(UNREADABLE)


def _n(value: int) -> str:
    """10000 → '10.000' (Vietnamese grouping)."""
    return f"{value:,}".replace(",", ".")


def _too_large(message: str) -> WorkbookError:
    return WorkbookError(f"Tệp quá lớn để nhập: {message}", too_large=True)


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as read: its value (as openpyxl gives it), number format, and whether it holds
    a formula that has no computed result (it cannot be read: see ``cells``)."""

    value: Any = None
    number_format: str = "General"
    formula_without_value: bool = False


EMPTY = Cell()


@dataclass
class Sheet:
    title: str
    rows: list[tuple[Cell, ...]] = field(default_factory=list)  # rows[0] is row 1

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_column(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def __getitem__(self, row: int) -> tuple[Cell, ...]:
        """The cells of row ``row`` (1-based; empty beyond the sheet)."""
        return self.rows[row - 1] if 1 <= row <= len(self.rows) else ()

    def cell(self, row: int, column: int) -> Cell:
        """The cell at (row, column), 1-based; :data:`EMPTY` outside what the sheet holds."""
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1]
            if 1 <= column <= len(cells):
                return cells[column - 1]
        return EMPTY

    def values(self, min_row: int = 1) -> Iterator[tuple[int, tuple[Cell, ...]]]:
        """(row number, cells) from ``min_row`` on."""
        for number in range(max(min_row, 1), len(self.rows) + 1):
            yield number, self.rows[number - 1]


@dataclass
class Book:
    sheetnames: list[str]
    sheets: dict[str, Sheet]

    def __contains__(self, title: str) -> bool:
        return title in self.sheets

    def __getitem__(self, title: str) -> Sheet:
        return self.sheets[title]

    @property
    def worksheets(self) -> list[Sheet]:
        return [self.sheets[t] for t in self.sheetnames if t in self.sheets]


# --- 1. the zip -----------------------------------------------------------------------------


def _check_zip(data: bytes, limits: Limits) -> zipfile.ZipFile:
    if len(data) > limits.max_file_bytes:
        raise _too_large(f"tệp nặng hơn {_n(limits.max_file_bytes // MIB)} MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise _unreadable() from None
    if len(infos) > limits.max_parts:
        raise _unreadable()
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:  # an encrypted part
            raise _unreadable()
        if info.file_size > limits.max_part_bytes:
            raise _too_large(
                f"một trang tính giải nén ra hơn {_n(limits.max_part_bytes // MIB)} MB; "
                "hãy chia thành nhiều tệp hoặc xóa các trang tính không cần."
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise _too_large(
            f"tệp giải nén ra hơn {_n(limits.max_total_bytes // MIB)} MB; "
            "hãy chia thành nhiều tệp hoặc xóa các trang tính không cần."
        )
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _unreadable()
    return archive


# --- 2. the XML parts, streamed -------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, error: WorkbookError) -> None:
        super().__init__(error.message)
        self.error = error


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1].rsplit(":", 1)[-1]


class _SheetScan:
    """Counts one worksheet's rows and cells as expat reads it."""

    def __init__(self, title: str, limits: Limits, budget: list[int]) -> None:
        self.title = title
        self.limits = limits
        self.budget = budget  # cells left in the whole workbook (shared)
        self.row = 0
        self.column = 0
        self.cell_ref: tuple[int, int] | None = None
        self.has_formula = False
        self.has_value = False
        self.in_value = False
        self.uncomputed: set[tuple[int, int]] = set()

    def _rows_refused(self) -> _Refused:
        return _Refused(
            _too_large(
                f"trang tính “{self.title}” có hơn {_n(self.limits.max_rows)} dòng; "
                "hãy chia thành nhiều tệp."
            )
        )

    def _columns_refused(self) -> _Refused:
        return _Refused(
            _too_large(f"trang tính “{self.title}” có hơn {_n(self.limits.max_columns)} cột.")
        )

    def start(self, name: str, attrs: dict[str, str]) -> None:
        tag = _local(name)
        if tag == "c":
            self.column += 1
            ref = _CELL_REF.match(attrs.get("r", ""))
            if ref:
                self.column = _column_number(ref.group(1))
            if self.column > self.limits.max_columns:
                raise self._columns_refused()
            self.budget[0] -= 1
            if self.budget[0] < 0:
                raise _Refused(
                    _too_large(
                        f"bảng tính có hơn {_n(self.limits.max_cells)} ô; hãy chia thành nhiều tệp."
                    )
                )
            self.cell_ref = (self.row, self.column)
            self.has_formula = self.has_value = False
        elif tag == "row":
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() else self.row + 1
            self.column = 0
            if self.row > self.limits.max_rows:
                raise self._rows_refused()
        elif tag == "f":
            self.has_formula = True
        elif tag == "v":
            self.in_value = True  # a value only if it holds text (<v/> is no result)
        elif tag == "is":
            self.has_value = True
        elif tag == "dimension":
            ref = _RANGE_REF.match(attrs.get("ref", "")) or _CELL_REF.match(attrs.get("ref", ""))
            if ref:
                if int(ref.group(2)) > self.limits.max_rows:
                    raise self._rows_refused()
                if _column_number(ref.group(1)) > self.limits.max_columns:
                    raise self._columns_refused()

    def text(self, data: str) -> None:
        if self.in_value and data.strip():
            self.has_value = True

    def end(self, name: str) -> None:
        tag = _local(name)
        if tag == "v":
            self.in_value = False
        elif tag == "c" and self.cell_ref is not None:
            if self.has_formula and not self.has_value:
                self.uncomputed.add(self.cell_ref)
            self.cell_ref = None


def _refuse_dtd(*_args: Any) -> None:
    raise _Refused(_unreadable())


def _scan_part(archive: zipfile.ZipFile, name: str, scan: _SheetScan | None) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    parser.UnparsedEntityDeclHandler = _refuse_dtd
    parser.ExternalEntityRefHandler = lambda *_a: 0  # never fetch or expand anything external
    if scan is not None:
        parser.StartElementHandler = scan.start
        parser.EndElementHandler = scan.end
        parser.CharacterDataHandler = scan.text
    try:
        with archive.open(name) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Refused:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _Refused(_unreadable()) from None


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(title, part name) of each worksheet, in workbook order (read after the DOCTYPE check)."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        targets: dict[str, str] = {}
        if "xl/_rels/workbook.xml.rels" in archive.namelist():
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            for rel in rels:
                target = rel.get("Target", "")
                target = target[1:] if target.startswith("/") else f"xl/{target}"
                targets[rel.get("Id", "")] = target
    except (ElementTree.ParseError, KeyError, zipfile.BadZipFile, OSError):
        raise _unreadable() from None
    parts = []
    for element in workbook.iter():
        if _local(element.tag.replace("}", " ")) == "sheet":
            rid = element.get(f"{{{_NS_REL}}}id", "")
            parts.append((element.get("name", ""), targets.get(rid, "")))
    return parts


def _scan(archive: zipfile.ZipFile, limits: Limits) -> dict[str, set[tuple[int, int]]]:
    """Every XML part checked; returns, by sheet title, the cells holding a formula without a
    computed result."""
    names = set(archive.namelist())
    xml_names = [n for n in names if n.endswith((".xml", ".rels", ".vml"))]
    try:
        for name in xml_names:
            if not name.startswith("xl/worksheets/"):
                _scan_part(archive, name, None)
        budget = [limits.max_cells]
        uncomputed: dict[str, set[tuple[int, int]]] = {}
        parts = [(title, part) for title, part in _sheet_parts(archive) if part in names]
        for title, part in parts:
            scan = _SheetScan(title, limits, budget)
            _scan_part(archive, part, scan)
            uncomputed[title] = scan.uncomputed
        counted = {part for _title, part in parts}
        for name in xml_names:  # worksheet-like parts no sheet points at: checked too
            if name.startswith("xl/worksheets/") and name not in counted:
                _scan_part(archive, name, None)
    except _Refused as refused:
        raise refused.error from None
    return uncomputed


# --- 3. the sheets --------------------------------------------------------------------------


def open_workbook(
    data: bytes,
    *,
    limits: Limits | None = None,
    sheets: Callable[[list[str]], Collection[str]] | None = None,
) -> Book:
    """Check ``data`` against ``limits``, then read into grids the sheets that ``sheets``
    picks from the titles (all by default). Raises :class:`WorkbookError`."""
    limits = limits or Limits()
    archive = _check_zip(data, limits)
    with archive:
        uncomputed = _scan(archive, limits)
    try:
        workbook = load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False, rich_text=False
        )
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise _unreadable() from None
    try:
        titles = list(workbook.sheetnames)
        wanted = set(titles if sheets is None else sheets(titles))
        book = Book(sheetnames=titles, sheets={})
        for ws in workbook.worksheets:
            if ws.title not in wanted:
                continue
            book.sheets[ws.title] = _read_sheet(ws, limits, uncomputed.get(ws.title, set()))
        return book
    except WorkbookError:
        raise
    except Exception:  # a part openpyxl cannot make sense of
        raise _unreadable() from None
    finally:
        workbook.close()


def _unescape(match: re.Match[str]) -> str:
    return chr(int(match.group(1)[1:], 16))


def _read_sheet(ws: Any, limits: Limits, uncomputed: set[tuple[int, int]]) -> Sheet:
    sheet = Sheet(title=ws.title)
    if not hasattr(ws, "iter_rows"):  # a chart sheet
        return sheet
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # the declared size may be wrong; the scan bounded the real one
    for number, row in enumerate(
        ws.iter_rows(max_row=limits.max_rows, max_col=limits.max_columns), start=1
    ):
        cells: list[Cell] = []
        for column, raw in enumerate(row, start=1):
            value = getattr(raw, "value", None)
            if (number, column) in uncomputed:
                cells.append(Cell(None, "General", True))
            elif value is None:
                cells.append(EMPTY)
            else:
                if isinstance(value, str) and ("_x" in value or "_X" in value):
                    value = EXCEL_ESCAPE.sub(_unescape, value)
                cells.append(Cell(value, str(getattr(raw, "number_format", None) or "General")))
        while cells and cells[-1] is EMPTY:
            cells.pop()
        sheet.rows.append(tuple(cells))
    while sheet.rows and not sheet.rows[-1]:
        sheet.rows.pop()
    return sheet


# --- Writing --------------------------------------------------------------------------------


def new_workbook() -> Workbook:
    """An empty workbook to fill with :func:`.cells.put` and save with :func:`workbook_bytes`."""
    return Workbook()


def workbook_bytes(workbook: Workbook) -> bytes:
    """The .xlsx bytes of ``workbook``, after making sure no cell holds a formula."""
    neutralise(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
