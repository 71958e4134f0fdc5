"""Converting a criteria set between its YAML and .xlsx forms.

Used by ``parindex framework export FILE --xlsx OUT.xlsx`` / ``--yaml OUT.yaml``: the source
(either form) is read into its document and written in the form(s) asked for. The YAML written
is the canonical text of :func:`parindex.scoring.yamlio.dump_canonical_yaml`, so exporting a set
twice gives the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from .document import load_document
from .problems import Problem, ProblemsError
from .xlsxform import write_workbook
from .yamlio import dump_canonical_yaml

__all__ = ["export_document"]


def export_document(src: Path, *, xlsx: Path | None, yaml: Path | None) -> list[Problem]:
    """Read ``src`` (.yaml/.yml/.xlsx) and write it to ``xlsx`` and/or ``yaml``.

    Returns the warnings met while reading. Raises :class:`ProblemsError` if the source cannot
    be read, if no output is asked for, or if an output cannot be written. The content is not
    checked here (``parindex framework check`` does that): a set with mistakes is exported
    as it is, so it can be corrected in the other form.
    """
    if xlsx is None and yaml is None:
        raise ProblemsError([Problem(str(src), "cần ít nhất một tệp đích (--xlsx hoặc --yaml)")])
    for out, suffixes in ((xlsx, (".xlsx",)), (yaml, (".yaml", ".yml"))):
        if out is not None and out.suffix.lower() not in suffixes:
            raise ProblemsError(
                [Problem(str(out), f"tệp đích phải có đuôi {' hoặc '.join(suffixes)}")]
            )
    doc, warnings = load_document(src)
    if yaml is not None:
        text = dump_canonical_yaml(doc)
        try:
            yaml.write_text(text, encoding="utf-8", newline="\n")
        except OSError as exc:
            reason = exc.strerror or exc.__class__.__name__
            raise ProblemsError([Problem(str(yaml), f"không ghi được tệp ({reason})")]) from None
    if xlsx is not None:
        write_workbook(doc, xlsx)
    return warnings
