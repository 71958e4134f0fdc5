"""Reading the XML inside Word .docx and Excel .xlsx files as a stream, within budgets.

A .docx of 2 MB can hold a ``document.xml`` of 95 MB; building it as a tree (python-docx,
lxml) takes over a gigabyte. Here every part is read from the zip in small chunks and fed to
expat, handlers keep only the text wanted, and reading stops at a character budget, a byte
budget (the part size limit of the upload checks) or a deadline, whichever comes first.

No DTD is ever honoured: a part declaring a DOCTYPE (and so any entity) raises
:class:`HostileXml`; Office never writes one. A single token (tag, attribute) larger than
``MAX_TOKEN_BYTES`` also raises it, since expat has to hold a token whole.

:mod:`.stream` holds the parser and its budgets, :mod:`.package` the parts and relationships
of the zip package, :mod:`.word` the text of a .docx and :mod:`.excel` the text of an .xlsx.
"""

from __future__ import annotations

from .excel import xlsx_text
from .stream import CHUNK, MAX_TOKEN_BYTES, HostileXml, hostile_prolog, parse, run_with_deadline
from .word import docx_text

__all__ = [
    "CHUNK",
    "MAX_TOKEN_BYTES",
    "HostileXml",
    "docx_text",
    "hostile_prolog",
    "parse",
    "run_with_deadline",
    "xlsx_text",
]
