"""Errors services raise; views turn them into Vietnamese messages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

CONFLICT_MESSAGE = "Dữ liệu vừa được người khác thay đổi; vui lòng tải lại trang rồi làm lại."


class ServiceError(ValidationError):
    """A request that cannot be carried out; the message is Vietnamese and names the field."""


class ConflictError(ServiceError):
    """Optimistic locking: the row changed since the user loaded it.

    Carries both revisions: ``expected_revision`` (the one the user's page was built from) and
    ``current_revision`` (the one stored now), and ``current``, the stored row when known, so a
    page can show what changed instead of just refusing.
    """

    def __init__(
        self,
        message: Any = CONFLICT_MESSAGE,
        *,
        expected_revision: int | None = None,
        current_revision: int | None = None,
        current: Any = None,
        code: str | None = "conflict",
    ) -> None:
        super().__init__(message, code=code)
        self.expected_revision = expected_revision
        self.current_revision = current_revision
        self.current = current


__all__ = ["CONFLICT_MESSAGE", "ConflictError", "PermissionDenied", "ServiceError"]
