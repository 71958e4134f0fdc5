"""Uploaded sets waiting between their preview and their confirmation
(:mod:`parindex.core.staging`: one folder per upload, signed ticket, stale copies removed).

Nothing is saved to the database before the confirmation. The ticket names who uploaded, for
which organiser or draft, the version of the draft the preview was built from, and the files
(the set first, then its questionnaires); it is valid for :data:`MAX_AGE` seconds. The pages
call :func:`discard` once the upload is saved or refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from parindex.core.staging import (
    TicketExpired,
    TicketInvalid,
    UploadStage,
    discard,
    staged_files,
)

__all__ = [
    "MAX_AGE",
    "UPLOAD_DIR",
    "StagedUpload",
    "TicketError",
    "discard",
    "read_ticket",
    "stage_upload",
    "staged_files",
]

UPLOAD_DIR = "tmp/framework-uploads"
SALT = "parindex.frameworks.upload"
MAX_AGE = 3600  # seconds between the preview and the confirmation

STAGE = UploadStage(UPLOAD_DIR, SALT)
INVALID = "Yêu cầu không hợp lệ. Hãy tải tệp lên lại."


class TicketError(Exception):
    """A confirmation ticket that cannot be used (expired, forged); the message is Vietnamese."""


@dataclass(frozen=True, slots=True)
class StagedUpload:
    """What a valid ticket says: the staged files and what they are for."""

    paths: tuple[str, ...]
    names: tuple[str, ...]
    user_id: int | None
    organiser_id: int | None
    target_id: int | None
    expected_version: int | None


def stage_upload(
    files: Sequence[tuple[str, bytes]],
    *,
    user_id: int | None,
    organiser_id: int | None,
    target_id: int | None,
    expected_version: int | None,
) -> str:
    """Store ``files`` (name, content) in a fresh folder and return the signed ticket."""
    return STAGE.stage(
        files,
        user=user_id,
        organiser=organiser_id,
        target=target_id,
        expected_version=expected_version,
    )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def read_ticket(ticket: str) -> StagedUpload:
    """The upload a ticket names; :class:`TicketError` when it is expired or not ours."""
    try:
        staged = STAGE.open(ticket, max_age=MAX_AGE)
    except TicketExpired:
        raise TicketError("Bản xem trước đã quá hạn một giờ. Hãy tải tệp lên lại.") from None
    except TicketInvalid:
        raise TicketError(INVALID) from None
    try:
        return StagedUpload(
            paths=staged.paths,
            names=staged.names,
            user_id=_optional_int(staged.meta.get("user")),
            organiser_id=_optional_int(staged.meta.get("organiser")),
            target_id=_optional_int(staged.meta.get("target")),
            expected_version=_optional_int(staged.meta.get("expected_version")),
        )
    except (TypeError, ValueError):
        raise TicketError(INVALID) from None
