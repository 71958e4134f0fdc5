"""Reading the XML inside Word .docx and Excel .xlsx files as a stream, within budgets.

A .docx of 2 MB can hold a ``document.xml`` of 95 MB; building it as a tree (python-docx,
lxml) takes over a gigabyte. Here every part is read from the zip in small chunks and fed to
expat, handlers keep only the text wanted, and reading stops at a character budget, a byte
budget (the part size limit of the upload checks) or a deadline, whichever comes first.

No DTD is ever honoured: a part declaring a DOCTYPE (and so any entity) raises
:class:`HostileXml`; Office never writes one. A single token (tag, attribute) larger than
``MAX_TOKEN_BYTES`` also raises it, since expat has to hold a token whole.
"""

from __future__ import annotations

import posixpath
import re
import threading
import time
import zipfile
from collections.abc import Callable
from datetime import datetime
from typing import IO
from xml.parsers import expat

from parindex.exchange.mime import DOCX_MAIN_PART, XLSX_MAIN_PART

CHUNK = 64 * 1024
PROLOG_BYTES = 64 * 1024  # where the root element must have started
MAX_TOKEN_BYTES = 4 * 1024 * 1024
MAX_SHARED_STRINGS = 200_000
MAX_STYLES = 65_000  # Excel's own limit on cell formats
MAX_COLUMNS = 16_384  # column XFD
MAX_ENTRIES = 10_000  # content types, relationships, sheets: far beyond any real file

_W = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
}
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"

Attrs = dict[str, str]


class HostileXml(ValueError):
    """A part declaring a DOCTYPE or entities, or holding a token too large to parse."""


class _Stop(Exception):
    """A handler has read all it wants."""


# --- Deadline shared by the reading thread --------------------------------------------------

_local = threading.local()


def run_with_deadline(reader: Callable[[bytes], str], data: bytes, seconds: float) -> str:
    """Call ``reader(data)`` with a deadline every streaming parse below stops at, so that a
    reading abandoned by its caller (time limit) ends soon after instead of running on."""
    _local.deadline = time.monotonic() + seconds
    try:
        return reader(data)
    finally:
        _local.deadline = None


def _late() -> bool:
    deadline = getattr(_local, "deadline", None)
    return deadline is not None and time.monotonic() > deadline


# --- The parser -----------------------------------------------------------------------------


def _split(name: str) -> tuple[str, str]:
    uri, _, local = name.rpartition(" ")
    return uri, local


def _attr(attrs: Attrs, local: str) -> str:
    """An attribute by local name, with or without a namespace (``r:id`` is ``... id``)."""
    if local in attrs:
        return attrs[local]
    suffix = " " + local
    for key, value in attrs.items():
        if key.endswith(suffix):
            return value
    return ""


class _Handler:
    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        pass

    def end(self, uri: str, local: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def _parser(handler: _Handler, events: list[int]) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.buffer_size = CHUNK

    def doctype(*_args: object) -> None:
        raise HostileXml("DOCTYPE")

    def start(name: str, attrs: Attrs) -> None:
        events[0] += 1
        uri, local = _split(name)
        handler.start(uri, local, attrs)

    def end(name: str) -> None:
        events[0] += 1
        uri, local = _split(name)
        handler.end(uri, local)

    def text(data: str) -> None:
        events[0] += 1
        handler.text(data)

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def parse(stream: IO[bytes], handler: _Handler, *, max_bytes: int) -> None:
    """Feed ``stream`` to ``handler`` chunk by chunk until it ends, the handler stops, more
    than ``max_bytes`` were read or the deadline passed. Malformed XML raises expat's error,
    a DOCTYPE or an oversized token :class:`HostileXml`."""
    events = [0]
    parser = _parser(handler, events)
    fed = 0
    fed_at_event = 0
    try:
        while fed < max_bytes and not _late():
            chunk = stream.read(min(CHUNK, max_bytes - fed))
            if not chunk:
                parser.Parse(b"", True)
                return
            seen = events[0]
            parser.Parse(chunk, False)
            fed += len(chunk)
            if events[0] != seen:
                fed_at_event = fed
            elif fed - fed_at_event > MAX_TOKEN_BYTES:
                raise HostileXml("token too large")
    except _Stop:
        return


class _Prolog(_Handler):
    def __init__(self) -> None:
        self.root = False

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        self.root = True
        raise _Stop


def hostile_prolog(stream: IO[bytes]) -> bool:
    """Whether an XML part declares a DOCTYPE (or entities) before its root element, or has
    not begun its root element within PROLOG_BYTES. Only the prolog is read; a part that is
    not XML at all is not judged here."""
    prolog = _Prolog()
    try:
        parse(stream, prolog, max_bytes=PROLOG_BYTES)
    except HostileXml:
        return True
    except expat.ExpatError:
        return False
    return not prolog.root and bool(stream.read(1))


# --- Package structure ----------------------------------------------------------------------


class _ContentTypes(_Handler):
    def __init__(self) -> None:
        self.overrides: dict[str, str] = {}

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        if len(self.overrides) >= MAX_ENTRIES:
            raise _Stop
        if uri == _CT and local == "Override":
            part = _attr(attrs, "PartName").lstrip("/")
            self.overrides[part] = _attr(attrs, "ContentType").lower()


class _Relationships(_Handler):
    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}  # id -> (type, target)

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        if len(self.targets) >= MAX_ENTRIES:
            raise _Stop
        if uri == _RELS and local == "Relationship" and _attr(attrs, "TargetMode") != "External":
            self.targets[_attr(attrs, "Id")] = (_attr(attrs, "Type"), _attr(attrs, "Target"))


def _member(archive: zipfile.ZipFile, part: str) -> zipfile.ZipInfo | None:
    wanted = part.lstrip("/").lower()
    for info in archive.infolist():
        if info.filename.lower() == wanted:
            return info
    return None


def _read(archive: zipfile.ZipFile, part: str, handler: _Handler, max_bytes: int) -> bool:
    info = _member(archive, part)
    if info is None:
        return False
    with archive.open(info) as stream:
        parse(stream, handler, max_bytes=max_bytes)
    return True


def _main_part(archive: zipfile.ZipFile, content_type: str, usual: str, max_bytes: int) -> str:
    types = _ContentTypes()
    _read(archive, "[Content_Types].xml", types, max_bytes)
    for part, declared in types.overrides.items():
        if declared == content_type.lower() and _member(archive, part) is not None:
            return part
    return usual


def _relationships(archive: zipfile.ZipFile, part: str, max_bytes: int) -> dict[str, str]:
    """Relationship id -> part name (resolved against ``part``'s folder), then type -> part
    under the key ``"type:<last segment of the type>"``."""
    folder, base = posixpath.split(part)
    rels = _Relationships()
    _read(archive, posixpath.join(folder, "_rels", base + ".rels"), rels, max_bytes)
    out: dict[str, str] = {}
    for rel_id, (rel_type, target) in rels.targets.items():
        resolved = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        out[rel_id] = resolved
        out.setdefault("type:" + rel_type.rsplit("/", 1)[-1], resolved)
    return out


class _Budget:
    """Lines of text, stopping once ``max_chars`` characters (newlines counted) are kept."""

    def __init__(self, max_chars: int) -> None:
        self.lines: list[str] = []
        self.max_chars = max_chars
        self.size = 0

    def room(self) -> int:
        return max(self.max_chars - self.size, 0)

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.size += len(line) + 1
        if self.size > self.max_chars:
            raise _Stop

    def text(self) -> str:
        return "\n".join(self.lines)


# --- Word -----------------------------------------------------------------------------------


class _DocxText(_Handler):
    """Paragraphs in document order (table cells and text boxes included, each once): the
    text of ``w:t``, tabs and line breaks; deleted text, field codes and the fallback copy of
    drawings (``mc:Fallback``) are left out."""

    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.paragraphs: list[list[str]] = []
        self.pending = 0  # characters held in open paragraphs
        self.in_text = 0
        self.in_run = 0
        self.in_properties = 0  # tab stops (w:pPr/w:tabs/w:tab) are not tabs
        self.skipping = 0

    def _put(self, value: str) -> None:
        if not self.paragraphs:
            return
        room = self.budget.room() - self.pending
        if room <= 0:
            self.flush()
            raise _Stop
        value = value[:room]
        self.paragraphs[-1].append(value)
        self.pending += len(value)

    def flush(self) -> None:
        """Keep what the open paragraphs hold (reading stopped in the middle of them)."""
        lines = ["".join(parts) for parts in self.paragraphs]
        self.paragraphs = []
        self.pending = 0
        self.budget.lines.extend(line for line in lines if line)

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        if self.skipping or (uri == _MC and local == "Fallback"):
            self.skipping += 1
            return
        if uri not in _W:
            return
        if local == "p":
            self.paragraphs.append([])
        elif local == "t":
            self.in_text += 1
        elif local == "r":
            self.in_run += 1
        elif local in ("pPr", "rPr"):
            self.in_properties += 1
        elif not self.in_run or self.in_properties:
            return
        elif local in ("tab", "ptab"):
            self._put("\t")
        elif local == "br" and _attr(attrs, "type") in ("", "textWrapping"):
            self._put("\n")
        elif local == "cr":
            self._put("\n")
        elif local == "noBreakHyphen":
            self._put("-")

    def end(self, uri: str, local: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        if uri not in _W:
            return
        if local == "p" and self.paragraphs:
            line = "".join(self.paragraphs.pop())
            self.pending -= len(line)
            self.budget.add(line)
        elif local == "t":
            self.in_text -= 1
        elif local == "r":
            self.in_run -= 1
        elif local in ("pPr", "rPr"):
            self.in_properties -= 1

    def text(self, data: str) -> None:
        if self.in_text and not self.skipping:
            self._put(data)


def docx_text(data: IO[bytes], *, max_chars: int, max_part_bytes: int) -> str:
    """The text of a .docx's main document part, at most about ``max_chars`` characters."""
    with zipfile.ZipFile(data) as archive:
        part = _main_part(archive, DOCX_MAIN_PART, "word/document.xml", max_part_bytes)
        budget = _Budget(max_chars)
        handler = _DocxText(budget)
        try:
            _read(archive, part, handler, max_part_bytes)
        except _Stop:  # raised by flush-and-stop outside the parser's own loop
            pass
        handler.flush()
        return budget.text()


# --- Excel ----------------------------------------------------------------------------------


class _ExcelPart(_Handler):
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
            self.sheets.append((_attr(attrs, "name"), _attr(attrs, "id")))
            if len(self.sheets) >= self.max_sheets:
                raise _Stop  # workbookPr comes before the sheets
        elif local == "workbookPr":
            self.date1904 = _attr(attrs, "date1904") in ("1", "true")


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
                raise _Stop
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
            self.custom[_attr(attrs, "numFmtId")] = _attr(attrs, "formatCode")
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs and len(self.xf_formats) < MAX_STYLES:
            self.xf_formats.append(_attr(attrs, "numFmtId"))

    def end(self, uri: str, local: str) -> None:
        if self.ours(uri) and local == "cellXfs":
            self.in_cell_xfs = False
            raise _Stop

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
        budget: _Budget,
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
            column = _column(_attr(attrs, "r"))
            column = self.next_column if column is None else column
            self.next_column = column + 1
            self.cell = (column, _attr(attrs, "t"), _attr(attrs, "s"))
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
                raise _Stop
        elif local == "row":
            self._end_row()
            if self.cells > self.max_cells:
                raise _Stop

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
        main = _main_part(archive, XLSX_MAIN_PART, "xl/workbook.xml", max_part_bytes)
        workbook = _Workbook(max_sheets)
        _read(archive, main, workbook, max_part_bytes)
        rels = _relationships(archive, main, max_part_bytes)
        shared = _SharedStrings(max_chars * 2)
        if "type:sharedStrings" in rels:
            _read(archive, rels["type:sharedStrings"], shared, max_part_bytes)
        styles = _Styles()
        if "type:styles" in rels:
            _read(archive, rels["type:styles"], styles, max_part_bytes)
        date_styles = styles.date_styles()
        budget = _Budget(max_chars)
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
                    _read(archive, rels[rel_id], sheet, max_part_bytes)
                finally:
                    cells = sheet.cells
                if cells > max_cells or budget.room() <= 0:
                    break
        except _Stop:  # the sheet title itself went over the budget
            pass
        return budget.text()
