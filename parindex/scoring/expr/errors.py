"""The one error type of the expression language."""

from __future__ import annotations

__all__ = ["ExprError"]


class ExprError(Exception):
    """A syntax, name or type error in an expression. ``pos`` is the 0-based character offset
    (None when the error concerns the whole expression)."""

    def __init__(self, message: str, pos: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos

    def describe(self) -> str:
        """The message with the place, e.g. ``... (ở ký tự 12)``."""
        if self.pos is None:
            return self.message
        return f"{self.message} (ở ký tự {self.pos + 1})"
