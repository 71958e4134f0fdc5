"""Reading a criteria set, questionnaire or facts file into its *document*, whatever its form.

A document is the plain data of a file: nested ``dict`` (keys as written, normally ``str``),
``list``, ``str`` (Unicode NFC), ``bool``, ``None``, ``datetime.date`` and ``Decimal`` for every
number. ``.yaml``/``.yml`` files are read by :mod:`parindex.scoring.yamlio`, ``.xlsx`` workbooks
(criteria sets only) by :mod:`parindex.scoring.xlsxform`; both give the same document for the
same set. Problems name the file as the caller gave it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .problems import Problem, ProblemsError
from .yamlio import load_yaml_file

__all__ = ["SUPPORTED_SUFFIXES", "load_document"]

SUPPORTED_SUFFIXES = (".yaml", ".yml", ".xlsx")


def load_document(path: str | Path) -> tuple[Any, list[Problem]]:
    """Read ``path`` and return ``(document, warnings)``.

    Raises :class:`ProblemsError` (Vietnamese lines naming the file) when the file is missing
    or unreadable, its form is not supported, or its content cannot be read.
    ``Problem.file`` is ``str(path)``, the path as given.
    """
    name = str(path)
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        hint = " (tệp .xls cũ: hãy mở bằng Excel và lưu thành .xlsx)" if suffix == ".xls" else ""
        raise ProblemsError(
            [
                Problem(
                    name,
                    f"định dạng tệp không hỗ trợ: cần tệp .yaml, .yml hoặc .xlsx{hint}",
                )
            ]
        )
    if not p.exists():
        raise ProblemsError([Problem(name, "không tìm thấy tệp")])
    if p.is_dir():
        raise ProblemsError([Problem(name, "đây là một thư mục, không phải tệp")])
    if suffix == ".xlsx":
        from .xlsxform import read_workbook_with_warnings  # openpyxl only when needed

        return read_workbook_with_warnings(p, filename=name)
    return load_yaml_file(p, filename=name), []
