"""The uploaded unit list kept between the preview and the confirmation
(:mod:`parindex.core.staging`: signed ticket, stale copies removed).

The ticket names who uploaded it, into which registry, and the file's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile

from parindex.core.staging import (
    Staged,
    TicketExpired,
    TicketInvalid,
    UploadStage,
    discard,
    staged_files,
)

IMPORT_DIR = "tmp/unit-imports"
IMPORT_SALT = "parindex.units.import"
IMPORT_MAX_AGE = 3600  # seconds between the preview and the confirmation

STAGE = UploadStage(IMPORT_DIR, IMPORT_SALT)

__all__ = ["IMPORT_DIR", "StagedImport", "TicketExpired", "TicketInvalid", "open_ticket"]


@dataclass(frozen=True)
class StagedImport:
    """A stored upload waiting for its confirmation."""

    staged: Staged

    @property
    def path(self) -> str:
        return self.staged.paths[0]

    @property
    def user_id(self) -> Any:
        return self.staged.meta.get("user")

    @property
    def organiser_id(self) -> Any:
        return self.staged.meta.get("organiser")

    @property
    def name(self) -> str:
        return self.staged.names[0]

    def read_file(self) -> ContentFile[bytes] | None:
        """The stored file (named as uploaded), or None when it was imported or removed."""
        files = staged_files(self.staged)
        if not files:
            return None
        name, data = files[0]
        return ContentFile(data, name=name)

    def discard(self) -> None:
        discard(self.staged)


def stage_import(upload: IO[bytes], *, user_id: Any, organiser_id: Any, name: str) -> str:
    """Store ``upload`` until it is confirmed; returns the signed ticket for the page."""
    if hasattr(upload, "seek"):
        upload.seek(0)
    return STAGE.stage([(name, upload.read())], user=user_id, organiser=organiser_id)


def open_ticket(token: str) -> StagedImport:
    """The staged upload a ticket names; ``TicketExpired`` / ``TicketInvalid`` otherwise."""
    staged = STAGE.open(token, max_age=IMPORT_MAX_AGE)
    if len(staged.paths) != 1 or len(staged.names) != 1:
        raise TicketInvalid
    return StagedImport(staged)
