"""Helpers that read values out of a document and collect problems instead of stopping.

A :class:`Reader` belongs to one file. Each ``get_*`` method checks one key of a mapping and
returns the value, or None after recording a Vietnamese problem that names the node and place.
Checking goes on after an error, so a user sees every problem of a file at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from .numbers import format_decimal, is_integral
from .problems import Problem, Severity

__all__ = ["Reader", "describe", "show_number"]


def show_number(value: Decimal) -> str:
    """A number in a Vietnamese message (decimal comma, no trailing zeros: ``1,5``)."""
    return format_decimal(value.normalize() if value.is_finite() else value, comma=True)


def describe(value: Any) -> str:
    """What a value is, for messages: ``số 2.1``, ``chữ "abc"``, ``danh sách``..."""
    if value is None:
        return "trống"
    if isinstance(value, bool):
        return f"giá trị đúng/sai ({'true' if value else 'false'})"
    if isinstance(value, Decimal):
        return f"số {format_decimal(value)}"
    if isinstance(value, int):
        return f"số {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'chữ "{shown}"'
    if isinstance(value, dt.datetime):
        return f"ngày giờ {value.isoformat(sep=' ')}"
    if isinstance(value, dt.date):
        return f"ngày {value.isoformat()}"
    if isinstance(value, Mapping):
        return "một mục {...}"
    if isinstance(value, list | tuple):
        return "một danh sách"
    return type(value).__name__


def is_number(value: Any) -> bool:
    return isinstance(value, Decimal) and value.is_finite()


class Reader:
    """Collects the problems of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    def error(self, message: str, node: str | None = None, where: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, node, where))

    def warning(self, message: str, node: str | None = None, where: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, node, where, Severity.WARNING))

    def mapping(
        self, value: Any, what: str, node: str | None = None, where: str | None = None
    ) -> Mapping[Any, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.error(
            f"{what} phải là một mục có các khóa (key: value), không phải {describe(value)}",
            node,
            where,
        )
        return None

    def unknown_keys(
        self,
        mapping: Mapping[Any, Any],
        allowed: Iterable[str],
        what: str,
        node: str | None = None,
        where: str | None = None,
    ) -> None:
        known = set(allowed)
        for key in mapping:
            if key not in known:
                self.warning(
                    f"khóa không xác định '{key}' trong {what} (bị bỏ qua); "
                    f"các khóa dùng được: {', '.join(sorted(known))}",
                    node,
                    where,
                )

    def _given(
        self,
        m: Mapping[Any, Any],
        key: str,
        node: str | None,
        where: str | None,
        *,
        required: bool,
    ) -> Any:
        """The key's value; None when it is absent or null (a problem when ``required``)."""
        value = m.get(key)
        if value is None and required:
            self.error(f"thiếu khóa bắt buộc '{key}'", node, where)
        return value

    def code(
        self,
        value: Any,
        what: str,
        node: str | None = None,
        where: str | None = None,
        *,
        is_node: bool = False,
    ) -> str | None:
        """A code must be a non-empty string; a number means the code was not quoted.
        ``is_node``: the value is a node's own code, so the problem names it as the node."""
        if isinstance(value, str):
            if value.strip():
                return value
            self.error(f"{what} trống", node, where)
            return None
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            shown = format_decimal(value) if isinstance(value, Decimal) else str(value)
            why = ", nếu không 2.10 sẽ bị đọc thành 2.1" if "." in shown else ""
            self.error(
                f'{what} {shown} là số, không phải chuỗi: hãy đặt mã trong dấu nháy ("{shown}")'
                + why,
                shown if is_node else node,
                None if is_node else where,
            )
            return None
        self.error(
            f"{what} phải là chuỗi trong dấu nháy, không phải {describe(value)}", node, where
        )
        return None

    def text(
        self,
        m: Mapping[Any, Any],
        key: str,
        node: str | None = None,
        where: str | None = None,
        *,
        required: bool = False,
    ) -> str | None:
        value = self._given(m, key, node, where, required=required)
        if value is None:
            return None
        if isinstance(value, str) and value.strip():
            return value
        if isinstance(value, str):
            self.error(f"'{key}' trống", node, where)
        else:
            self.error(f"'{key}' phải là chữ, không phải {describe(value)}", node, where)
        return None

    def decimal(
        self,
        m: Mapping[Any, Any],
        key: str,
        node: str | None = None,
        where: str | None = None,
        *,
        required: bool = False,
        minimum: Decimal | None = None,
        maximum: Decimal | None = None,
        positive: bool = False,
        integer: bool = False,
    ) -> Decimal | None:
        value = self._given(m, key, node, where, required=required)
        if value is None:
            return None
        if not is_number(value):
            self.error(f"'{key}' phải là một số, không phải {describe(value)}", node, where)
            return None
        assert isinstance(value, Decimal)
        if integer and not is_integral(value):
            self.error(f"'{key}' phải là số nguyên, không phải {show_number(value)}", node, where)
            return None
        if positive and value <= 0:
            self.error(f"'{key}' phải lớn hơn 0, không phải {show_number(value)}", node, where)
            return None
        if minimum is not None and value < minimum:
            self.error(
                f"'{key}' không được nhỏ hơn {show_number(minimum)} (đang là {show_number(value)})",
                node,
                where,
            )
            return None
        if maximum is not None and value > maximum:
            self.error(
                f"'{key}' không được lớn hơn {show_number(maximum)} (đang là {show_number(value)})",
                node,
                where,
            )
            return None
        return value

    def boolean(
        self, m: Mapping[Any, Any], key: str, node: str | None = None, where: str | None = None
    ) -> bool:
        value = m.get(key)
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        self.error(f"'{key}' phải là true hoặc false, không phải {describe(value)}", node, where)
        return False

    def choice(
        self,
        m: Mapping[Any, Any],
        key: str,
        choices: Iterable[str],
        node: str | None = None,
        where: str | None = None,
    ) -> str | None:
        value = m.get(key)
        if value is None:
            return None
        options = list(choices)
        if isinstance(value, str) and value in options:
            return value
        self.error(
            f"'{key}' phải là một trong: {', '.join(options)} (không phải {describe(value)})",
            node,
            where,
        )
        return None

    def kinds(
        self, m: Mapping[Any, Any], key: str, node: str | None = None, where: str | None = None
    ) -> tuple[str, ...] | None:
        """A list of unit kinds (non-empty strings, no repeats)."""
        if key not in m or m[key] is None:
            return None
        value = m[key]
        if not isinstance(value, list) or not value:
            self.error(
                f"'{key}' phải là danh sách loại đơn vị, ví dụ [xa, phuong], "
                f"không phải {describe(value)}",
                node,
                where,
            )
            return None
        out: list[str] = []
        for item in value:
            if not isinstance(item, str) or not item.strip():
                self.error(f"'{key}' chứa giá trị không hợp lệ: {describe(item)}", node, where)
                return None
            if item in out:
                self.warning(f"'{key}' lặp lại loại đơn vị '{item}'", node, where)
                continue
            out.append(item)
        return tuple(out)
