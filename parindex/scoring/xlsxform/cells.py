"""The cell and column conventions of the .xlsx form of a criteria set, shared by the writer
and the reader: sheet names and headers, the columns of each sheet and how each holds its value,
which values a cell holds exactly, and one value written into a cell or read back from it.

- Codes (``Mã``, ``Mã cha``, questionnaire codes) are text cells (format ``@``). A code typed as
  a number is read as its digits, with a warning (Excel turns ``2.10`` into ``2.1``).
- Decimals are number cells whose number format shows exactly the decimals written: ``0.50``
  is the number 0.5 formatted ``0.00`` and reads back as ``Decimal('0.50')``; ``2`` is formatted
  ``0``. A number Excel cannot hold exactly (more than 15 significant digits) is a text cell.
  Numbers typed by users are read exactly from the cell's shortest decimal text
  (0.25 → ``Decimal('0.25')``, 3.0 → ``Decimal('3')``); text like ``0.25`` or ``0,25`` is read
  as a number too.
- ``Khác`` cells hold a YAML flow mapping of the keys that have no column (node keys added to
  the format later, for example), and of any value its column cannot hold exactly (a flag set
  to ``false``, text with a carriage return, an empty list, ...), so nothing is lost.
  A subtree that cannot be laid out as rows (a duplicate code, a child that is not a mapping)
  travels whole in its parent's ``Khác`` cell as ``children``.
- Text columns are read exactly (no trimming) and normalised to NFC; a cell holding only
  spaces is empty. Flags are ``x`` or empty.
- ``Nguồn`` and ``Tài liệu kiểm chứng`` are written in Vietnamese (``tự chấm``, ``bắt buộc``,
  ...) and read in either language, trimmed, in any case; any other value is an error that
  lists the values accepted. A value the document holds that is neither goes to ``Khác``.
- ``Diễn giải cách chấm`` (Tiêu chí) and ``Ý nghĩa`` (Thông tin chung) are written for the
  people who read the workbook and ignored on reading, as is any column whose header the
  reader does not know (with a warning naming it).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any

from openpyxl.styles import Alignment

from parindex.exchange.cells import (
    EXCEL_ESCAPE,
    ILLEGAL_CHARACTERS,
    MAX_CELL_CHARS,
    CellError,
    describe,
    is_blank,
    put,
    read_bool,
    read_code,
    read_decimal,
)

from ..problems import Problem, ProblemsError, Severity
from ..yamlio import dump_flow, load_flow_text

__all__ = [
    "ABSENT",
    "BAND_COLUMNS",
    "EVIDENCE",
    "EVIDENCE_WORDS",
    "INFO_MEANINGS",
    "INFO_ROWS",
    "INVALID",
    "KEY_HEADER",
    "KINDS",
    "MEANING_HEADER",
    "NODE_COLUMNS",
    "OTHER",
    "OTHER_MEANING",
    "QUESTIONNAIRE_PREFIX",
    "QUESTIONNAIRE_ROWS",
    "QUESTIONS_TITLE",
    "QUESTION_COLUMNS",
    "RULE_WORDS_HEADER",
    "SCALE_COLUMNS",
    "SCALE_TITLE",
    "SHEET_BANDS",
    "SHEET_INFO",
    "SHEET_NODES",
    "SOURCES",
    "SOURCE_WORDS",
    "VALUE_HEADER",
    "CellReader",
    "Column",
    "FormCellError",
    "Kind",
    "fits",
    "number_fits",
    "set_cell",
    "word_fits",
]

SHEET_INFO = "Thông tin chung"
SHEET_NODES = "Tiêu chí"
SHEET_BANDS = "Xếp loại"
QUESTIONNAIRE_PREFIX = "Phiếu "
OTHER = "Khác"
KEY_HEADER = "Khóa"
VALUE_HEADER = "Giá trị"
MEANING_HEADER = "Ý nghĩa"
RULE_WORDS_HEADER = "Diễn giải cách chấm"
SCALE_TITLE = "Thang trả lời"
QUESTIONS_TITLE = "Câu hỏi"

SOURCES = ("self", "survey", "organiser")
EVIDENCE = ("required", "optional", "none")
KINDS = ("bonus", "penalty")
# (value in the document, the word written in the workbook); either is read back
SOURCE_WORDS: tuple[tuple[str, str], ...] = (
    ("self", "tự chấm"),
    ("survey", "điều tra"),
    ("organiser", "cơ quan tổ chức"),
)
EVIDENCE_WORDS: tuple[tuple[str, str], ...] = (
    ("required", "bắt buộc"),
    ("optional", "không bắt buộc"),
    ("none", "không cần"),
)

ABSENT: Any = object()  # a cell that gives no key
INVALID: Any = object()  # a cell whose problem has been recorded


class Kind(Enum):
    """How a column holds its value."""

    CODE = "code"  # text cell, trimmed; a number typed by a user becomes its digits
    TEXT = "text"  # free text, exact
    WORD = "word"  # a single word (bonus/penalty, format), trimmed
    CHOICE = "choice"  # one of the column's words, written in Vietnamese, read in either language
    NUMBER = "number"  # an exact decimal
    LIST = "list"  # comma-separated words
    FLAG = "flag"  # x or empty, for true
    RULE = "rule"  # YAML flow text
    OTHER = "other"  # YAML flow mapping of the remaining keys
    PARENT = "parent"  # the parent's code (Tiêu chí only)
    NOTE = "note"  # written for readers (the rule in words), ignored on reading


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


@dataclass(frozen=True)
class Column:
    header: str
    key: str | None
    kind: Kind
    width: float
    choices: tuple[str, ...] = ()
    # CHOICE columns: (value in the document, Vietnamese word written in the cell)
    words: tuple[tuple[str, str], ...] = ()

    def holds(self, value: Any) -> bool:
        """Whether this column's cell holds ``value`` exactly."""
        if self.kind is Kind.CHOICE:
            return isinstance(value, str) and value in dict(self.words)
        return fits(self.kind, value)

    def shown(self, value: Any) -> Any:
        """What the cell shows for ``value`` (the Vietnamese word of a CHOICE)."""
        if self.kind is Kind.CHOICE:
            return dict(self.words)[value]
        return value


NODE_COLUMNS: tuple[Column, ...] = (
    Column("Mã", "code", Kind.CODE, 10),
    Column("Mã cha", None, Kind.PARENT, 9),
    Column("Tên tiêu chí", "name", Kind.TEXT, 60),
    Column("Điểm tối đa", "max", Kind.NUMBER, 12),
    Column("Cách chấm", "rule", Kind.RULE, 50),
    Column(RULE_WORDS_HEADER, None, Kind.NOTE, 50),
    Column(
        "Nguồn",
        "source",
        Kind.CHOICE,
        15,
        tuple(word for _, word in SOURCE_WORDS),
        SOURCE_WORDS,
    ),
    Column(
        "Tài liệu kiểm chứng",
        "evidence",
        Kind.CHOICE,
        15,
        tuple(word for _, word in EVIDENCE_WORDS),
        EVIDENCE_WORDS,
    ),
    Column("Gợi ý tài liệu", "evidence_hint", Kind.TEXT, 35),
    Column("Hướng dẫn chấm", "guidance", Kind.TEXT, 40),
    Column("Bộ phận phụ trách", "owner_hint", Kind.TEXT, 24),
    Column("Áp dụng cho", "applies_to", Kind.LIST, 16),
    Column("Có thể không áp dụng", "may_not_apply", Kind.FLAG, 11, ("x",)),
    Column("Loại", "kind", Kind.WORD, 10, KINDS),
    Column("Cộng dồn tối đa", "capped", Kind.FLAG, 10, ("x",)),
    Column(OTHER, None, Kind.OTHER, 30),
)
INFO_ROWS: tuple[tuple[str, Kind], ...] = (
    ("format", Kind.WORD),
    ("code", Kind.CODE),
    ("name", Kind.TEXT),
    ("year", Kind.NUMBER),
    ("applies_to", Kind.LIST),
    ("issued_by", Kind.TEXT),
    ("scale", Kind.NUMBER),
    ("decimals", Kind.NUMBER),
)
# What each key of Thông tin chung means (the Ý nghĩa column, for readers only).
INFO_MEANINGS: dict[str, str] = {
    "format": "Định dạng của tệp bộ tiêu chí; luôn ghi parindex-framework/1",
    "code": "Mã của bộ tiêu chí, không trùng với bộ tiêu chí khác (ví dụ: vd-xa-2025)",
    "name": "Tên đầy đủ của bộ tiêu chí",
    "year": "Năm đánh giá mà bộ tiêu chí áp dụng",
    "applies_to": "Các loại đơn vị được đánh giá theo bộ tiêu chí, cách nhau bằng dấu phẩy "
    "(ví dụ: xa, phuong, dac_khu); để trống nếu áp dụng cho mọi loại",
    "issued_by": "Văn bản ban hành bộ tiêu chí: số, ký hiệu, ngày và cơ quan ban hành",
    "scale": "Thang điểm của chỉ số: chỉ số = tổng điểm đạt / tổng điểm tối đa được áp dụng "
    "× thang điểm; để trống là 100",
    "decimals": "Số chữ số thập phân khi làm tròn điểm từng tiêu chí, tổng điểm và chỉ số "
    "(làm tròn nửa lên); để trống là 2",
}
OTHER_MEANING = "Các thông tin khác của bộ tiêu chí, ghi theo cú pháp YAML; thường để trống"
BAND_COLUMNS: tuple[Column, ...] = (
    Column("Từ (điểm %)", "min", Kind.NUMBER, 14),
    Column("Xếp loại", "label", Kind.TEXT, 30),
    Column(OTHER, None, Kind.OTHER, 30),
)
QUESTIONNAIRE_ROWS: tuple[tuple[str, Kind], ...] = (
    ("code", Kind.CODE),
    ("name", Kind.TEXT),
    ("respondent_group", Kind.TEXT),
)
SCALE_COLUMNS: tuple[Column, ...] = (
    Column("Mã", "code", Kind.CODE, 10),
    Column("Nhãn", "label", Kind.TEXT, 60),
    Column("Tỷ lệ điểm", "share", Kind.NUMBER, 12),
    Column(OTHER, None, Kind.OTHER, 30),
)
QUESTION_COLUMNS: tuple[Column, ...] = (
    Column("Mã", "code", Kind.CODE, 10),
    Column("Nội dung", "text", Kind.TEXT, 60),
    Column(OTHER, None, Kind.OTHER, 30),
)


def _text_fits(value: Any) -> bool:
    """A string a cell holds exactly and that does not read as empty."""
    return (
        isinstance(value, str)
        and value.strip() != ""
        and len(value) <= MAX_CELL_CHARS
        and "\r" not in value
        and ILLEGAL_CHARACTERS.search(value) is None
        and EXCEL_ESCAPE.search(value) is None
        and unicodedata.is_normalized("NFC", value)
        and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    )


def word_fits(value: Any) -> bool:
    return _text_fits(value) and value == value.strip() and "\n" not in value


def number_fits(value: Any) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


def _list_fits(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) > 0
        and all(word_fits(v) and "," not in v for v in value)
    )


def fits(kind: Kind, value: Any) -> bool:
    if kind in (Kind.CODE, Kind.WORD):
        return word_fits(value)
    if kind in (Kind.CHOICE, Kind.NOTE):
        return False  # a CHOICE holds its column's words only (Column.holds); NOTE nothing
    if kind is Kind.TEXT:
        return _text_fits(value)
    if kind is Kind.NUMBER:
        return number_fits(value)
    if kind is Kind.LIST:
        return _list_fits(value)
    if kind is Kind.FLAG:
        return value is True
    return True  # RULE / OTHER: any value, as YAML


class FormCellError(Exception):
    """A value a cell cannot give or hold; ``message`` is the Vietnamese line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CellReader:
    """Reads cells of one workbook, collecting problems."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.problems: list[Problem] = []

    def error(self, message: str, where: str, node: str | None = None) -> None:
        self.problems.append(Problem(self.filename, message, node=node, where=where))

    def warn(self, message: str, where: str | None, node: str | None = None) -> None:
        self.problems.append(
            Problem(self.filename, message, node=node, where=where, severity=Severity.WARNING)
        )

    def cell(
        self,
        kind: Kind,
        cell: Any,
        where: str,
        node: str | None = None,
        words: tuple[tuple[str, str], ...] = (),
    ) -> Any:
        """The document value of ``cell`` for a column of ``kind``; ``ABSENT`` for an empty
        cell; problems are recorded and give ``INVALID``. ``words``: a CHOICE column's."""
        try:
            return self._cell(kind, cell, where, node, words)
        except FormCellError as exc:
            self.error(exc.message, where, node)
            return INVALID

    def _cell(
        self,
        kind: Kind,
        cell: Any,
        where: str,
        node: str | None,
        words: tuple[tuple[str, str], ...],
    ) -> Any:
        value = cell.value
        if is_blank(value):
            return ABSENT
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value)
        if kind is Kind.NUMBER:
            return self._number(cell)
        if kind is Kind.FLAG:
            try:
                flag = read_bool(cell)
            except CellError:
                raise FormCellError(f"chỉ ghi x hoặc để trống (ô đang ghi: {value})") from None
            return True if flag else ABSENT  # "không" is the default: no key
        if isinstance(value, bool) or isinstance(value, (datetime, date, time, timedelta)):
            raise FormCellError(f"cần văn bản, ô đang chứa {describe(value)}")
        if isinstance(value, (int, float)):
            text = read_code(cell)
            if kind in (Kind.CODE, Kind.PARENT):
                self.warn(
                    f"mã {text} được nhập dạng số; hãy định dạng ô là văn bản "
                    "(Excel đổi 2.10 thành 2.1)",
                    where,
                    node,
                )
            value = text
        if not isinstance(value, str):
            raise FormCellError("ô không đọc được")
        if kind is Kind.CHOICE:
            return self._choice(value, words)
        if kind in (Kind.CODE, Kind.PARENT, Kind.WORD):
            return value.strip()
        if kind is Kind.TEXT:
            return value
        if kind is Kind.LIST:
            items = [part.strip() for part in value.split(",")]
            items = [part for part in items if part]
            return items if items else ABSENT
        # RULE / OTHER: YAML flow text
        try:
            data = load_flow_text(value, filename=self.filename, where=where)
        except ProblemsError as exc:
            for p in exc.problems:
                self.problems.append(Problem(p.file, p.message, node, p.where, p.severity))
            return INVALID
        if kind is Kind.OTHER and not isinstance(data, dict):
            raise FormCellError("cột Khác phải là một mục YAML dạng {khóa: giá trị, ...}")
        return data

    @staticmethod
    def _choice(value: str, words: tuple[tuple[str, str], ...]) -> str:
        """The document value of a Vietnamese word or of the value itself."""
        folded = _fold(value)
        for stored, word in words:
            if folded in (_fold(stored), _fold(word)):
                return stored
        accepted = ", ".join(word for _, word in words)
        english = ", ".join(stored for stored, _ in words)
        raise FormCellError(
            f"giá trị không hợp lệ: “{value.strip()}”; chỉ ghi một trong các giá trị: "
            f"{accepted} (hoặc {english})"
        )

    @staticmethod
    def _number(cell: Any) -> Decimal:
        value = cell.value
        if isinstance(value, bool) or isinstance(value, (datetime, date, time, timedelta)):
            raise FormCellError(f"cần một số, ô đang chứa {describe(value)}")
        try:
            result = read_decimal(cell)
        except CellError:
            shown = value.strip() if isinstance(value, str) else value
            raise FormCellError(f"cần một số (ví dụ 0.25), ô đang ghi: {shown}") from None
        if result is None:
            raise FormCellError("cần một số")
        return result


def set_cell(
    ws: Any, row: int, column: int, kind: Kind, value: Any, *, parent: str | None = None
) -> Any:
    """Write ``value`` (already known to fit ``kind``) into a cell, through the one cell
    writer (text is text, never a formula; numbers exact)."""
    if kind is Kind.NUMBER:
        return put(ws, row, column, value)
    if kind is Kind.FLAG:
        cell = put(ws, row, column, "x", number_format="@")
        cell.alignment = Alignment(horizontal="center", vertical="top")
        return cell
    if kind is Kind.LIST:
        return put(ws, row, column, ", ".join(value), number_format="@")
    if kind in (Kind.RULE, Kind.OTHER):
        text = dump_flow(value, parent=parent, excel=True)
        if len(text) > MAX_CELL_CHARS:
            raise FormCellError(
                f"giá trị quá dài cho một ô Excel ({len(text)} ký tự, tối đa {MAX_CELL_CHARS})"
            )
        return put(ws, row, column, text, number_format="@")
    return put(ws, row, column, value, number_format="@")
