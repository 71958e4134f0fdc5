"""Usernames: the rule (lowercase letters without diacritics, digits, '.', '_', '-') and
suggestions built from a person's given name and unit code ("Nguyễn Thị Lan", son-linh ->
"lan.sonlinh"), made unique with a number ("lan.sonlinh2")."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError

from parindex.core.text import fold

MIN_LENGTH = 3
MAX_LENGTH = 150
_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

RULE_TEXT = (
    "Tên đăng nhập gồm 3 đến 150 ký tự: chữ thường không dấu, chữ số và các dấu . _ -,"
    " bắt đầu bằng chữ hoặc số."
)


def username_problem(value: str) -> str | None:
    """Why ``value`` is not a valid username (Vietnamese), or None when it is."""
    if not MIN_LENGTH <= len(value) <= MAX_LENGTH or not _PATTERN.match(value):
        return RULE_TEXT
    return None


def validate_username(value: str) -> None:
    """Model and form validator."""
    problem = username_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_username")


def normalise_username(value: str) -> str:
    return (value or "").strip().lower()


def suggest_username(full_name: str, unit_code: str = "") -> str:
    """The given name (last word) and the unit code without separators: 'lan.sonlinh'.

    Without a unit, the initials of the other words stand in: 'Nguyễn Thị Lan' -> 'lan.nt'.
    """
    words = [_NOT_ALNUM.sub("", w) for w in fold(full_name).split()]
    words = [w for w in words if w]
    given = words[-1] if words else "nguoidung"
    suffix = _NOT_ALNUM.sub("", fold(unit_code))
    if not suffix:
        suffix = "".join(w[0] for w in words[:-1])
    base = f"{given}.{suffix}" if suffix else given
    base = base[: MAX_LENGTH - 4]
    if len(base) < MIN_LENGTH:
        base = f"{base}.nd"
    return base


def unique_username(base: str, taken: Callable[[str], bool], reserved: Iterable[str] = ()) -> str:
    """``base``, or ``base2``, ``base3``... the first that is neither taken nor reserved."""
    reserved_set = set(reserved)
    candidate = base
    n = 1
    while candidate in reserved_set or taken(candidate):
        n += 1
        candidate = f"{base}{n}"
    return candidate
