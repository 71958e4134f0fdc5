"""The text of a Word .docx, read as a stream within a character and a byte budget."""

from __future__ import annotations

import zipfile
from typing import IO

from parindex.exchange.mime import DOCX_MAIN_PART

from .package import main_part, read_part
from .stream import Attrs, Budget, Handler, Stop, attribute

__all__ = ["docx_text"]

_W = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "http://purl.oclc.org/ooxml/wordprocessingml/main",
}
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


class _DocxText(Handler):
    """Paragraphs in document order (table cells and text boxes included, each once): the
    text of ``w:t``, tabs and line breaks; deleted text, field codes and the fallback copy of
    drawings (``mc:Fallback``) are left out."""

    def __init__(self, budget: Budget) -> None:
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
            raise Stop
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
        elif local == "br" and attribute(attrs, "type") in ("", "textWrapping"):
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
        part = main_part(archive, DOCX_MAIN_PART, "word/document.xml", max_part_bytes)
        budget = Budget(max_chars)
        handler = _DocxText(budget)
        try:
            read_part(archive, part, handler, max_part_bytes)
        except Stop:  # raised by flush-and-stop outside the parser's own loop
            pass
        handler.flush()
        return budget.text()
