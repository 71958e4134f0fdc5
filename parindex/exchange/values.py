"""Reading values typed in Vietnamese web forms.

* Numbers: ``0,25`` and ``0.25``; ``1.234,5`` and ``1 234,5`` (thousands grouped by a dot or a
  space, decimal comma); ``1.234.567``; ``95%`` for a percentage. A single dot is a decimal
  point (``0.25``), except ``1.234`` for an integer input, where it groups thousands.
* Dates: ``05/11/2025`` is 5 November 2025 (day first; ``-`` and ``.`` also separate), and ISO
  ``2025-11-05``.
* Yes/no: ``có``/``không`` (with or without diacritics), ``đúng``/``sai``, ``đạt``/``không đạt``,
  ``x``, ``1``/``0``, ``true``/``false``.

Every function raises :class:`UIValueError` with a Vietnamese message.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = ["UIValueError", "parse_bool_text", "parse_date_text", "parse_number_text"]


class UIValueError(ValueError):
    """A value typed in a form cannot be read; ``message`` is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN = re.compile(r"^[+-]?\d+$")
_DOT_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_COMMA_DECIMAL = re.compile(r"^[+-]?\d*,\d+$")
_DOT_GROUPS = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_COMMA_GROUPS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_SPACE_GROUPS = re.compile(r"^[+-]?\d{1,3}( \d{3})+([,.]\d+)?$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def parse_number_text(text: str, *, integer: bool = False, percent: bool = False) -> Decimal:
    """Read a number typed in a form (see the module description)."""
    s = _normal(text)
    if percent and s.endswith("%"):
        s = s[:-1].rstrip()
    if not s:
        raise UIValueError("chưa nhập giá trị")
    if _PLAIN.match(s):
        plain = s
    elif _SPACE_GROUPS.match(s):
        plain = s.replace(" ", "").replace(",", ".")
    elif integer and _DOT_GROUPS.match(s):
        plain = s.replace(".", "").replace(",", ".")
    elif _DOT_DECIMAL.match(s):
        plain = s
    elif _COMMA_DECIMAL.match(s):
        plain = s.replace(",", ".")
    elif _DOT_GROUPS.match(s):
        plain = s.replace(".", "").replace(",", ".")
    elif _COMMA_GROUPS.match(s) and "." in s:
        plain = s.replace(",", "")
    else:
        raise UIValueError(f"'{text.strip()}' không phải là một số (ví dụ: 12 hoặc 0,25)")
    try:
        value = Decimal(plain)
    except InvalidOperation:  # pragma: no cover - the patterns only let digits through
        raise UIValueError(f"'{text.strip()}' không phải là một số") from None
    if integer and value != value.to_integral_value():
        raise UIValueError(f"cần một số nguyên, không phải {text.strip()}")
    if not value:
        value = value.copy_abs()
    return value


def parse_date_text(text: str) -> dt.date:
    """``05/11/2025`` → 5 November 2025; also ``5-11-2025``, ``05.11.2025`` and ISO."""
    s = _normal(text)
    if not s:
        raise UIValueError("chưa nhập ngày")
    m = _ISO.match(s)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _DMY.match(s)
        if not m:
            raise UIValueError(
                f"'{text.strip()}' không phải là ngày: nhập theo dạng "
                "ngày/tháng/năm, ví dụ 05/11/2025"
            )
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise UIValueError(f"ngày {text.strip()} không có thật (ngày/tháng/năm)") from None


def _fold(text: str) -> str:
    """Lower case without diacritics; đ → d."""
    lowered = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in lowered if unicodedata.category(ch) != "Mn")


_TRUE = frozenset({"co", "c", "dung", "dat", "x", "1", "true", "yes", "y", "on", "roi", "da"})
_FALSE = frozenset(
    {"khong", "k", "ko", "sai", "khong dat", "chua dat", "chua", "0", "false", "no", "n", "off"}
)


def parse_bool_text(text: str) -> bool:
    """``có`` → True, ``không`` → False (see the module description)."""
    s = _fold(_normal(text))
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    if not s:
        raise UIValueError("chưa chọn có hoặc không")
    raise UIValueError(f"'{text.strip()}' không rõ: chọn 'có' hoặc 'không'")
