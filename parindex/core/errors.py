"""Errors services raise; views turn them into Vietnamese messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class ServiceError(ValidationError):
    """A request that cannot be carried out; the message is Vietnamese and names the field."""


class ConflictError(ServiceError):
    """Optimistic locking: the row changed since the user loaded it."""


__all__ = ["ConflictError", "PermissionDenied", "ServiceError"]
