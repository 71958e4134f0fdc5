"""Temporary passwords, and password-rule messages in Vietnamese.

A temporary password is read over the phone or off a printed sheet, so it avoids letters
that look alike (no 0/o, 1/l/i) and reads as syllables: ``bako-rimu-7253`` (about 38 bits,
enough behind the login lockout for a password that must be changed at first login).
"""

from __future__ import annotations

import math
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.contrib.auth.password_validation import get_default_password_validators
from django.core.exceptions import ValidationError

_CONSONANTS = "bcdghkmnprstvx"
_VOWELS = "aeuy"


def temporary_password() -> str:
    def syllables(n: int) -> str:
        return "".join(secrets.choice(_CONSONANTS) + secrets.choice(_VOWELS) for _ in range(n))

    digits = "".join(secrets.choice("23456789") for _ in range(4))
    return f"{syllables(2)}-{syllables(2)}-{digits}"


class TemporaryArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum cost (19 MiB, 2 passes, 1 lane), about 0.03 s instead of
    0.15 s, so creating hundreds of accounts at once fits in a request. Only used for
    temporary passwords: the regular Argon2 hasher verifies it (the cost is stored in the
    hash) and re-hashes at the full cost at the first successful login."""

    memory_cost = 19456
    time_cost = 2
    parallelism = 1


def hash_temporary_password(password: str) -> str:
    """The hash of a temporary password (never stored or logged in clear)."""
    if isinstance(get_hasher("default"), Argon2PasswordHasher):
        hasher = TemporaryArgon2PasswordHasher()
        return hasher.encode(password, hasher.salt())
    return make_password(password)


def vietnamese_password_errors(error: ValidationError) -> ValidationError:
    """Django's password validators speak partly English; restate each error by its code."""
    messages: list[str] = []
    for item in error.error_list:
        params: dict[str, Any] = item.params or {}
        if item.code == "password_too_short":
            messages.append(f"Mật khẩu quá ngắn: cần ít nhất {params.get('min_length', 8)} ký tự.")
        elif item.code == "password_too_similar":
            messages.append("Mật khẩu quá giống tên đăng nhập, họ tên hoặc e-mail.")
        elif item.code == "password_too_common":
            messages.append("Mật khẩu này quá phổ biến, dễ bị đoán.")
        elif item.code == "password_entirely_numeric":
            messages.append("Mật khẩu không được chỉ gồm chữ số.")
        else:
            messages.extend(item.messages)
    return ValidationError(messages)


def password_rules_text() -> str:
    """The configured password rules, in one Vietnamese sentence."""
    parts: list[str] = []
    for validator in get_default_password_validators():
        name = type(validator).__name__
        if name == "MinimumLengthValidator":
            parts.append(f"ít nhất {validator.min_length} ký tự")
        elif name == "NumericPasswordValidator":
            parts.append("không chỉ gồm chữ số")
        elif name == "CommonPasswordValidator":
            parts.append("không phải mật khẩu phổ biến")
        elif name == "UserAttributeSimilarityValidator":
            parts.append("không giống tên đăng nhập hay họ tên")
    return ("Mật khẩu: " + ", ".join(parts) + ".") if parts else ""


def cool_off_minutes() -> int:
    """The lockout cool-off (AXES_COOLOFF_TIME, in hours) in whole minutes."""
    hours = getattr(settings, "AXES_COOLOFF_TIME", 0.25) or 0
    try:
        return max(1, math.ceil(float(hours) * 60))
    except (TypeError, ValueError):
        return 15
