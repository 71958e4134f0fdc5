"""Reading text out of evidence files (the guesses made from it live in :mod:`.metadata`).

Text comes from PDFs that have a text layer (pypdf), Word .docx (paragraphs and tables, in
document order), Excel .xlsx (first sheets, cells by row) and .xls (xlrd). Scans and photos
have no text: their metadata is typed by hand. Reading is bounded: the first pages, sheets and
cells, a character cap, and a time limit after which the text is simply left empty.

Word and Excel files are read as a stream (:mod:`.ooxml`): the XML is parsed chunk by chunk
and reading stops at the character cap, so a 2 MB .docx unpacking to 95 MB never becomes a
tree in memory; a part declaring a DOCTYPE or entities gives no text.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from .containers import member_limit
from .metadata import (
    NUMBER_EXAMPLES,
    Metadata,
    guess_metadata,
    is_usual_number_symbol,
    normalise_number_symbol,
    parse_vn_date,
)
from .models import DocumentKind
from .ooxml import docx_text, run_with_deadline, xlsx_text

MAX_TEXT_CHARS = 200_000
MAX_PDF_PAGES = 20
MAX_SHEETS = 10
MAX_CELLS = 5_000
EXTRACT_SECONDS = 15.0


# --- Text ------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        reader.decrypt("")
    parts: list[str] = []
    size = 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT_CHARS:
            break
    return "\n".join(parts)


def _docx_text(data: bytes) -> str:
    return docx_text(io.BytesIO(data), max_chars=MAX_TEXT_CHARS, max_part_bytes=member_limit())


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_text(data: bytes) -> str:
    return xlsx_text(
        io.BytesIO(data),
        max_chars=MAX_TEXT_CHARS,
        max_part_bytes=member_limit(),
        max_sheets=MAX_SHEETS,
        max_cells=MAX_CELLS,
    )


def _xls_text(data: bytes) -> str:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    out: list[str] = []
    cells = 0
    try:
        for index in range(min(book.nsheets, MAX_SHEETS)):
            sheet = book.sheet_by_index(index)
            out.append(f"[{sheet.name}]")
            for r in range(sheet.nrows):
                values = [_cell_text(v) for v in sheet.row_values(r)]
                cells += len(values)
                line = "\t".join(values).rstrip("\t")
                if line.strip():
                    out.append(line)
                if cells > MAX_CELLS:
                    return "\n".join(out)
    finally:
        book.release_resources()
    return "\n".join(out)


_READERS: dict[str, Callable[[bytes], str]] = {
    DocumentKind.PDF: _pdf_text,
    DocumentKind.DOCX: _docx_text,
    DocumentKind.XLSX: _xlsx_text,
    DocumentKind.XLS: _xls_text,
}


def extract_text(data: bytes, kind: str, *, seconds: float = EXTRACT_SECONDS) -> str:
    """The file's text (NFC, at most MAX_TEXT_CHARS), or "" when it has none or reading it
    fails or takes longer than ``seconds``."""
    reader = _READERS.get(kind)
    if reader is None:
        return ""
    executor = ThreadPoolExecutor(max_workers=1)
    try:
        text = executor.submit(run_with_deadline, reader, data, seconds).result(timeout=seconds)
    except FutureTimeout:
        return ""
    except Exception:  # a damaged file: no text, the upload itself is still fine
        return ""
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
    text = unicodedata.normalize("NFC", text.replace("\x00", ""))
    return text[:MAX_TEXT_CHARS].strip()


__all__ = [
    "NUMBER_EXAMPLES",
    "Metadata",
    "extract_text",
    "guess_metadata",
    "is_usual_number_symbol",
    "normalise_number_symbol",
    "parse_vn_date",
]
