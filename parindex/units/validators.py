"""Rules on unit values shared by the forms, the services and the .xlsx import.

Each check returns a Vietnamese message (without the row and column, which the caller adds)
or ``None`` when the value is acceptable.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from parindex.core.text import fold

from .kinds import KIND_SLUGS, UnitKind

CODE_MAX_LENGTH = 64
NAME_MAX_LENGTH = 255
SHORT_NAME_MAX_LENGTH = 128
ADDRESS_MAX_LENGTH = 255

# The same pattern as Django's ``slug`` URL converter: the code is the detail page's address.
CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
# Codes that would shadow a page of this app (/don-vi/nhap/ is the import page, not a unit).
RESERVED_CODES = frozenset({"them", "nhap", "xuat", "mau", "api"})

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")

KINDS_HINT = ", ".join(UnitKind.values)


def code_error(code: str) -> str | None:
    if not code:
        return "mã đơn vị không được để trống"
    if len(code) > CODE_MAX_LENGTH:
        return f"mã '{code}' dài quá {CODE_MAX_LENGTH} ký tự"
    if not CODE_RE.match(code):
        suggestion = "-".join(re.sub(r"[^a-z0-9_]+", " ", fold(code)).split())
        hint = f" (ví dụ: {suggestion})" if suggestion else ""
        return (
            f"mã '{code}' chỉ được gồm chữ cái không dấu, chữ số, dấu gạch ngang '-' "
            f"và gạch dưới '_'{hint}"
        )
    if code.lower() in RESERVED_CODES:
        return f"mã '{code}' trùng với tên một trang của hệ thống, hãy chọn mã khác"
    return None


def kind_error(kind: str) -> str | None:
    if not kind:
        return "loại đơn vị không được để trống"
    if kind not in KIND_SLUGS:
        return f"'{kind}' không phải loại đơn vị hợp lệ ({KINDS_HINT})"
    return None


def text_error(value: str, *, label: str, max_length: int, required: bool = False) -> str | None:
    if required and not value:
        return f"{label} không được để trống"
    if len(value) > max_length:
        return f"{label} dài {len(value)} ký tự, tối đa {max_length}"
    return None


def range_error(valid_from: date | None, valid_to: date | None) -> str | None:
    if valid_from and valid_to and valid_to < valid_from:
        return (
            f"ngày hết hiệu lực {valid_to:%d/%m/%Y} trước ngày bắt đầu hiệu lực "
            f"{valid_from:%d/%m/%Y}"
        )
    return None


def parse_vn_date(text: str) -> date | None:
    """'05/11/2025' (also 5/11/2025, 05-11-2025, 2025-11-05) -> date; None if unreadable."""
    cleaned = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    return None


def split_codes(text: str) -> list[str]:
    """'a, b; c' -> ['a', 'b', 'c'] (order kept, duplicates and blanks dropped)."""
    seen: dict[str, None] = {}
    for part in re.split(r"[,;\n]+", text):
        code = part.strip()
        if code:
            seen.setdefault(code, None)
    return list(seen)
