"""The streaming XML parser of Office parts: chunks fed to expat until a byte budget, a
deadline or the handler stops it; no DOCTYPE, no oversized token. :class:`Budget` keeps lines of
text within a character budget."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import IO
from xml.parsers import expat

__all__ = [
    "CHUNK",
    "MAX_TOKEN_BYTES",
    "PROLOG_BYTES",
    "Attrs",
    "Budget",
    "Handler",
    "HostileXml",
    "Stop",
    "attribute",
    "hostile_prolog",
    "parse",
    "run_with_deadline",
]

CHUNK = 64 * 1024
PROLOG_BYTES = 64 * 1024  # where the root element must have started
MAX_TOKEN_BYTES = 4 * 1024 * 1024

Attrs = dict[str, str]


class HostileXml(ValueError):
    """A part declaring a DOCTYPE or entities, or holding a token too large to parse."""


class Stop(Exception):
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


def attribute(attrs: Attrs, local: str) -> str:
    """An attribute by local name, with or without a namespace (``r:id`` is ``... id``)."""
    if local in attrs:
        return attrs[local]
    suffix = " " + local
    for key, value in attrs.items():
        if key.endswith(suffix):
            return value
    return ""


class Handler:
    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        pass

    def end(self, uri: str, local: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


def _parser(handler: Handler, events: list[int]) -> expat.XMLParserType:
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


def parse(stream: IO[bytes], handler: Handler, *, max_bytes: int) -> None:
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
    except Stop:
        return


class _Prolog(Handler):
    def __init__(self) -> None:
        self.root = False

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        self.root = True
        raise Stop


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


class Budget:
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
            raise Stop

    def text(self) -> str:
        return "\n".join(self.lines)
