"""The one cell reader and the one cell writer of every .xlsx file parindex reads or writes.

Reading — one meaning per kind, whatever the importer (``Cell`` from :mod:`.workbooks`, or a raw
value as openpyxl gives it):

==========  =====================================================================================
kind        what a cell means
==========  =====================================================================================
text        NFC text, as typed (not trimmed). A number reads as a person writes it in Vietnamese
            (``1,5``; integers without grouping: ``18550``); a date as ``dd/mm/yyyy``
            (``dd/mm/yyyy HH:MM`` when it has a time); yes/no as ``có``/``không``; blank as ``""``.
code        text, trimmed, one line; a number typed in a code cell reads as its digits with a dot
            (``2.1``), which is how codes are written.
decimal     an exact :class:`~decimal.Decimal`: a number cell from its shortest decimal digits
            (0.1 → ``0.1``, never ``0.1000000000000000055…``) padded to the places its number
            format shows (``0.50`` formatted ``0.00``); text ``0,25``, ``0.25``, ``1.234,5``.
integer     a decimal that is whole.
date        a date cell; an Excel serial number in a date column (01/01/1990–31/12/2100); text
            ``dd/mm/yyyy`` (also ``-`` or ``.``) or ISO ``yyyy-mm-dd``.
boolean     a true/false cell; ``có``/``không``, ``x``, ``đúng``/``sai``, ``đạt``/``không đạt``,
            ``1``/``0``, ``yes``/``no``, with or without diacritics.
==========  =====================================================================================

Blank (empty or only spaces) is ``None`` for every kind but text. A cell holding a formula with
no computed result cannot be read (it would silently read as blank) and raises
:class:`CellError`. Every refusal is a :class:`CellError` with a Vietnamese message that names
what was found; the caller adds the sheet, row and column.

Writing — :func:`put` stores a value so that it reads back to itself: text always as text, never
as a formula (text starting with ``=``, ``+``, ``-`` or ``@`` is stored as a string and marked
"text" for Excel, so editing it does not turn it into a formula either), decimals exactly
(:func:`number_cell`), dates as dates, yes/no as ``có``/``không``. :func:`workbook_bytes` is the
only way a workbook is saved: it checks every cell once more, so no formula leaves parindex
whichever way a cell was filled.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal
from typing import Any

from .values import UIValueError, parse_bool_text, parse_date_text, parse_number_text

__all__ = [
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "EXCEL_ESCAPE",
    "ILLEGAL_CHARACTERS",
    "MAX_CELL_CHARS",
    "TEXT_FORMAT",
    "CellError",
    "decimal_text",
    "describe",
    "is_blank",
    "number_cell",
    "put",
    "read_bool",
    "read_code",
    "read_date",
    "read_decimal",
    "read_integer",
    "read_text",
    "safe_text",
]

TEXT_FORMAT = "@"
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MAX_CELL_CHARS = 32767  # Excel's limit for one cell
EXACT_DIGITS = 15  # significant digits a number cell holds exactly
# Excel serial numbers read as dates in a date column: 01/01/1990 .. 31/12/2100.
SERIAL_RANGE = (32874, 73415)
FORMULA_TRIGGERS = ("=", "+", "-", "@")

_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_DECIMALS_FORMAT = re.compile(r"^0(?:\.(0+))?$")
# Characters a cell cannot hold (XML 1.0 control characters); openpyxl refuses them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
ILLEGAL_CHARACTERS = _ILLEGAL
# Excel writes a character XML cannot hold as _xHHHH_ (a carriage return is _x000D_), either
# case of x, and reads it back as that character (parindex's reader does the same); text that
# really holds "_xHHHH_" is written with its underscore escaped (_x005F_), so it reads back as is.
EXCEL_ESCAPE = re.compile(r"_([xX][0-9A-Fa-f]{4})_")
_FORMULA_WITHOUT_VALUE = "ô chứa công thức chưa có kết quả; hãy ghi giá trị thay cho công thức"


class CellError(ValueError):
    """A cell cannot be read as the kind asked for; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _unpack(cell: Any) -> tuple[Any, str]:
    """(value, number format) of a cell or of a raw value; a formula without a result raises."""
    if getattr(cell, "formula_without_value", False):
        raise CellError(_FORMULA_WITHOUT_VALUE)
    if hasattr(cell, "value") and hasattr(cell, "number_format"):
        return cell.value, str(cell.number_format or "General")
    return cell, "General"


def is_blank(cell: Any) -> bool:
    """Empty, or only spaces (a formula without a result is not blank: it cannot be read)."""
    if getattr(cell, "formula_without_value", False):
        return False
    value = cell.value if hasattr(cell, "value") else cell
    return value is None or (isinstance(value, str) and value.strip() == "")


def describe(value: Any) -> str:
    """What a cell holds, for a message: "một số", "ngày tháng"…"""
    if isinstance(value, bool):
        return "giá trị đúng/sai"
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        return "ngày tháng"
    if isinstance(value, int | float):
        return "một số"
    return "giá trị"


def _float_decimal(value: float) -> Decimal:
    """The shortest decimal that is this float: 0.1 → Decimal('0.1')."""
    if not math.isfinite(value):
        raise CellError("số không hợp lệ")
    if value.is_integer():
        return Decimal(int(value))
    return Decimal(repr(value))


def decimal_text(value: Decimal, *, comma: bool = True) -> str:
    """Plain digits, no exponent, no grouping: Decimal('1.50') → '1,50' (or '1.50')."""
    text = format(value, "f")
    if text.startswith("-") and value.is_zero():
        text = text[1:]
    return text.replace(".", ",") if comma else text


def _number_digits(value: int | float, *, comma: bool) -> str:
    """18550.0 → '18550'; 1.5 → '1,5' (or '1.5')."""
    number = Decimal(value) if isinstance(value, int) else _float_decimal(value)
    if number == number.to_integral_value():
        return str(int(number))
    return decimal_text(number.normalize(), comma=comma)


def _date_text(value: dt.date | dt.datetime | dt.time | dt.timedelta) -> str:
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


# --- Reading --------------------------------------------------------------------------------


def read_text(cell: Any) -> str:
    """The text meaning (see the module description)."""
    value, _fmt = _unpack(cell)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | float):
        return _number_digits(value, comma=True)
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        return _date_text(value)
    return unicodedata.normalize("NFC", str(value))


def read_code(cell: Any) -> str:
    """The code meaning: trimmed text; a number as its digits with a dot (2.1)."""
    value, _fmt = _unpack(cell)
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        raise CellError(f"cần một mã, ô đang chứa {describe(value)}")
    if isinstance(value, int | float):
        return _number_digits(value, comma=False)
    return unicodedata.normalize("NFC", str(value)).strip()


def _decimal_from_number(value: int | float, number_format: str) -> Decimal:
    result = Decimal(value) if isinstance(value, int) else _float_decimal(value)
    match = _DECIMALS_FORMAT.match(number_format)
    if match:
        places = len(match.group(1) or "")
        quantized = result.quantize(Decimal(1).scaleb(-places))
        if quantized == result:
            result = quantized
    return result


def read_decimal(cell: Any) -> Decimal | None:
    """The decimal meaning; ``None`` when blank."""
    value, number_format = _unpack(cell)
    if is_blank(value):
        return None
    if isinstance(value, bool) or isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        raise CellError(f"cần một số, ô đang chứa {describe(value)}")
    if isinstance(value, int | float):
        return _decimal_from_number(value, number_format)
    text = str(value)
    try:
        number = parse_number_text(text)
    except UIValueError as exc:
        raise CellError(exc.message) from None
    if number.is_zero() and text.strip().startswith("-"):
        number = number.copy_negate()  # "-0" stays what was written: the cell is exact
    return number


def read_integer(cell: Any) -> int | None:
    """The integer meaning; ``None`` when blank (``1.234`` typed as text is one thousand two
    hundred and thirty-four, as in the web forms)."""
    value, _fmt = _unpack(cell)
    if isinstance(value, str) and not is_blank(value):
        try:
            return int(parse_number_text(value, integer=True))
        except UIValueError as exc:
            raise CellError(exc.message) from None
    number = read_decimal(cell)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(f"cần một số nguyên, ô đang ghi {decimal_text(number.normalize())}")
    return int(number)


def read_date(cell: Any) -> dt.date | None:
    """The date meaning; ``None`` when blank."""
    value, _fmt = _unpack(cell)
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(f"cần một ngày (dd/mm/yyyy), ô đang chứa {describe(value)}")
    if isinstance(value, int | float):
        if SERIAL_RANGE[0] <= value <= SERIAL_RANGE[1] and float(value).is_integer():
            return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).date()
        raise CellError(
            f"'{_number_digits(value, comma=True)}' không phải ngày: nhập dạng dd/mm/yyyy"
        )
    if not isinstance(value, str):
        raise CellError(f"cần một ngày (dd/mm/yyyy), ô đang chứa {describe(value)}")
    try:
        return parse_date_text(value)
    except UIValueError as exc:
        raise CellError(exc.message) from None


def read_bool(cell: Any) -> bool | None:
    """The boolean meaning; ``None`` when blank."""
    value, _fmt = _unpack(cell)
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
        raise CellError(f"cần có hoặc không, ô đang chứa {describe(value)}")
    try:
        return parse_bool_text(read_text(value))
    except UIValueError as exc:
        raise CellError(exc.message) from None


# --- Writing --------------------------------------------------------------------------------


def safe_text(text: str) -> str:
    """Text a cell can hold and give back: without the control characters no .xlsx may
    contain, Excel's escapes kept literal, cut at Excel's limit for one cell."""
    text = _ILLEGAL.sub("", text)
    text = "".join(ch for ch in text if not 0xD800 <= ord(ch) <= 0xDFFF)
    return EXCEL_ESCAPE.sub(r"_x005F_\1_", text)[:MAX_CELL_CHARS]


def number_cell(value: Decimal) -> tuple[int | float | str, str]:
    """The cell value and number format that give ``value`` back exactly through
    :func:`read_decimal`: 0.50 → (0.5, '0.00'); a number Excel cannot hold exactly (more than
    15 significant digits) becomes text."""
    sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):
        return decimal_text(value, comma=False), TEXT_FORMAT
    places = max(0, -exponent)
    significant = len(digits) + max(0, exponent)
    if not (value.is_zero() and sign) and significant <= EXACT_DIGITS and places <= 14:
        number: int | float = int(value) if places == 0 else float(value)
        number_format = "0" if places == 0 else "0." + "0" * places
        if str(_decimal_from_number(number, number_format)) == str(value):
            return number, number_format
    return format(value, "f"), TEXT_FORMAT


def put(
    ws: Any,
    row: int,
    column: int,
    value: Any,
    *,
    number_format: str | None = None,
) -> Any:
    """Write ``value`` into a cell so that it reads back to itself; returns the cell.

    ``str`` → text (never a formula); ``Decimal`` → exact number; ``bool`` → có/không;
    ``date``/``datetime`` → a date cell shown dd/mm/yyyy; ``int`` → number; ``None`` or "" →
    empty. ``number_format`` overrides the format chosen (``"@"`` for codes such as 00123)."""
    cell = ws.cell(row=row, column=column)
    chosen: str | None = None
    if value is None or value == "":
        cell.value = None
    elif isinstance(value, bool):
        _set_text(cell, "có" if value else "không")
    elif isinstance(value, Decimal):
        stored, chosen = number_cell(value)
        if isinstance(stored, str):
            _set_text(cell, stored)
        else:
            cell.value = stored
    elif isinstance(value, int | float):
        cell.value = value
    elif isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError("aware datetimes must be made local before writing")
        cell.value = value
        chosen = DATETIME_FORMAT
    elif isinstance(value, dt.date):
        cell.value = value
        chosen = DATE_FORMAT
    else:
        _set_text(cell, str(value))
    if number_format is not None:
        cell.number_format = number_format
    elif chosen is not None:
        cell.number_format = chosen
    return cell


def _set_text(cell: Any, text: str) -> None:
    text = safe_text(text)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes "=..." a formula: text stays text
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True  # Excel keeps it text when the cell is edited


def append(ws: Any, values: list[Any] | tuple[Any, ...]) -> int:
    """Write a row below the last one; returns its number."""
    ws.append([None] * len(values))  # openpyxl keeps track of the last row
    row = int(ws.max_row)
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value)
    return row


def neutralise(workbook: Any) -> int:
    """Turn every formula cell of a workbook about to be saved into text; returns how many
    (0 when every cell went through :func:`put`). Strings starting with a formula trigger get
    Excel's text marker."""
    changed = 0
    for ws in workbook.worksheets:
        for cell in ws._cells.values():  # only the cells that exist, without creating any
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.data_type != "s"):
                text = cell.value if isinstance(cell.value, str) else str(cell.value)
                _set_text(cell, text)
                changed += 1
            elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True
    return changed
