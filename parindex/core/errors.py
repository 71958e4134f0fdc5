"""Errors services raise; views turn them into Vietnamese messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

CONFLICT_MESSAGE = "Dữ liệu vừa được người khác thay đổi; vui lòng tải lại trang rồi làm lại."


class ServiceError(ValidationError):
    """A request that cannot be carried out; the message is Vietnamese and names the field."""


class ConflictError(ServiceError):
    """Optimistic locking: the row changed since the user loaded it.

    Carries both versions: ``expected_version`` (the one the user's page was built from) and
    ``current_version`` (the one stored now), and ``current``, the stored row when known, so a
    page can show what changed instead of just refusing.
    """

    def __init__(
        self,
        message: Any = CONFLICT_MESSAGE,
        *,
        expected_version: int | None = None,
        current_version: int | None = None,
        current: Any = None,
        code: str | None = "conflict",
    ) -> None:
        super().__init__(message, code=code)
        self.expected_version = expected_version
        self.current_version = current_version
        self.current = current


__all__ = ["CONFLICT_MESSAGE", "ConflictError", "PermissionDenied", "ServiceError"]
