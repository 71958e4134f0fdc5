"""Static types of rule expressions: number, boolean (đúng/sai) and date.

Strings exist only as the argument of ``date("2025-12-15")``. Arithmetic takes numbers;
``< <= > >=`` compare two numbers or two dates; ``== !=`` compare two values of one type;
``and or not`` take booleans. A date is never added to or multiplied by a number: the number
of days between two dates is ``days_between(a, b)``.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from enum import Enum

from .ast import Binary, BoolLit, Call, Expr, Name, NumberLit, StringLit, Unary
from .errors import ExprError

__all__ = ["Type", "check", "parse_iso_date"]


class Type(Enum):
    NUMBER = "số"
    BOOLEAN = "đúng/sai"
    DATE = "ngày"
    STRING = "chuỗi"

    @property
    def label(self) -> str:
        return str(self.value)


_VERBS = {"+": "cộng", "-": "trừ", "*": "nhân", "/": "chia"}
_ROUND_MAX_PLACES = 20


def parse_iso_date(text: str) -> dt.date | None:
    """``2025-12-15`` → date; anything else → None (strictly ``YYYY-MM-DD``)."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _unknown_name(name: str, pos: int, names: Mapping[str, Type]) -> ExprError:
    known = sorted(names)
    lowered = {k.lower(): k for k in known}
    suggestion = lowered.get(name.lower())
    if suggestion is None:
        close = difflib.get_close_matches(name, known, n=1)
        suggestion = close[0] if close else None
    if name in ("True", "False", "TRUE", "FALSE"):
        suggestion = name.lower()
    message = f"tên không xác định '{name}'"
    if suggestion:
        message += f" (có phải '{suggestion}'?)"
    message += "; tên dùng được: " + (", ".join(known) if known else "(không có)")
    return ExprError(message, pos)


class _Checker:
    def __init__(self, names: Mapping[str, Type]) -> None:
        self.names = names

    def check(self, e: Expr) -> Type:
        if isinstance(e, NumberLit):
            return Type.NUMBER
        if isinstance(e, BoolLit):
            return Type.BOOLEAN
        if isinstance(e, StringLit):
            raise ExprError('chuỗi chỉ dùng được trong date("yyyy-mm-dd")', e.pos)
        if isinstance(e, Name):
            found = self.names.get(e.name)
            if found is None:
                raise _unknown_name(e.name, e.pos, self.names)
            return found
        if isinstance(e, Unary):
            t = self.check(e.operand)
            if e.op == "-":
                if t is not Type.NUMBER:
                    raise ExprError(f"dấu '-' đứng trước {t.label}, chỉ dùng được với số", e.pos)
                return Type.NUMBER
            if t is not Type.BOOLEAN:
                raise ExprError(f"'not' chỉ dùng với giá trị đúng/sai, không với {t.label}", e.pos)
            return Type.BOOLEAN
        if isinstance(e, Binary):
            return self.binary(e)
        return self.call(e)

    def binary(self, e: Binary) -> Type:
        left = self.check(e.left)
        right = self.check(e.right)
        op = e.op
        if op in _VERBS:
            if left is Type.NUMBER and right is Type.NUMBER:
                return Type.NUMBER
            hint = ""
            if Type.DATE in (left, right):
                hint = "; số ngày giữa hai ngày là days_between(a, b)"
            raise ExprError(
                f"không thể {_VERBS[op]} {left.label} với {right.label} "
                f"(phép '{op}' chỉ dùng cho số){hint}",
                e.pos,
            )
        if op in ("and", "or"):
            for side in (left, right):
                if side is not Type.BOOLEAN:
                    raise ExprError(
                        f"'{op}' chỉ nối hai điều kiện đúng/sai, không dùng với {side.label}",
                        e.pos,
                    )
            return Type.BOOLEAN
        if op in ("==", "!="):
            if left is not right:
                raise ExprError(
                    f"không so sánh được {left.label} với {right.label} bằng '{op}'", e.pos
                )
            return Type.BOOLEAN
        if left is not right or left not in (Type.NUMBER, Type.DATE):
            raise ExprError(
                f"phép so sánh '{op}' chỉ dùng giữa hai số hoặc hai ngày, "
                f"không giữa {left.label} và {right.label}",
                e.pos,
            )
        return Type.BOOLEAN

    def _arity(self, e: Call, low: int, high: int | None) -> None:
        n = len(e.args)
        if n < low or (high is not None and n > high):
            if high is None:
                wanted = f"ít nhất {low}"
            elif low == high:
                wanted = str(low)
            else:
                wanted = f"{low} đến {high}"
            raise ExprError(f"hàm {e.func} cần {wanted} đối số, có {n}", e.pos)

    def call(self, e: Call) -> Type:
        func = e.func
        if func == "date":
            self._arity(e, 1, 1)
            arg = e.args[0]
            if not isinstance(arg, StringLit):
                raise ExprError(
                    'date(...) cần một ngày viết trong dấu nháy: date("2025-12-15")', e.pos
                )
            if parse_iso_date(arg.value) is None:
                raise ExprError(
                    f"ngày không hợp lệ '{arg.value}': viết theo dạng yyyy-mm-dd, "
                    'ví dụ date("2025-12-15")',
                    arg.pos,
                )
            return Type.DATE
        types = [self.check(a) for a in e.args]
        if func in ("min", "max"):
            self._arity(e, 1, None)
            first = types[0]
            if first not in (Type.NUMBER, Type.DATE) or any(t is not first for t in types):
                raise ExprError(
                    f"hàm {func} cần các số (hoặc các ngày) cùng loại, có "
                    + ", ".join(t.label for t in types),
                    e.pos,
                )
            return first
        if func == "abs":
            self._arity(e, 1, 1)
            if types[0] is not Type.NUMBER:
                raise ExprError(f"hàm abs cần một số, có {types[0].label}", e.pos)
            return Type.NUMBER
        if func == "round":
            self._arity(e, 2, 2)
            if types[0] is not Type.NUMBER:
                raise ExprError(f"hàm round cần một số, có {types[0].label}", e.pos)
            places = e.args[1]
            if (
                not isinstance(places, NumberLit)
                or places.value != places.value.to_integral_value()
                or not 0 <= places.value <= _ROUND_MAX_PLACES
            ):
                raise ExprError(
                    "đối số thứ hai của round là số chữ số thập phân: một số nguyên "
                    f"từ 0 đến {_ROUND_MAX_PLACES}, ví dụ round(x, 2)",
                    e.pos,
                )
            return Type.NUMBER
        # days_between
        self._arity(e, 2, 2)
        if types[0] is not Type.DATE or types[1] is not Type.DATE:
            raise ExprError(
                f"hàm days_between cần hai ngày, có {types[0].label} và {types[1].label}", e.pos
            )
        return Type.NUMBER


def check(expr: Expr, names: Mapping[str, Type]) -> Type:
    """The type of ``expr`` given the types of its names; raises :class:`ExprError`."""
    return _Checker(names).check(expr)
