"""The uploaded unit list kept between the preview and the confirmation.

A valid preview stores the file under ``IMPORT_DIR`` and hands the page a signed ticket
(who uploaded it, into which registry, the file's name); the confirmation reads the file back
through the ticket and discards it. Copies nobody confirmed within a day are removed on the
next upload.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import IO, Any

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

IMPORT_DIR = "tmp/unit-imports"
IMPORT_SALT = "parindex.units.import"
IMPORT_MAX_AGE = 3600  # seconds between the preview and the confirmation
STALE_AFTER = timedelta(days=1)


class TicketExpired(Exception):
    """The preview is older than ``IMPORT_MAX_AGE``."""


class TicketInvalid(Exception):
    """The ticket was not signed by us (forged or damaged)."""


@dataclass(frozen=True)
class StagedImport:
    """A stored upload waiting for its confirmation."""

    path: str
    user_id: Any
    organiser_id: Any
    name: str

    def read_file(self) -> ContentFile[bytes] | None:
        """The stored file (named as uploaded), or None when it was imported or removed."""
        try:
            if not default_storage.exists(self.path):
                return None
            with default_storage.open(self.path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        return ContentFile(data, name=self.name)

    def discard(self) -> None:
        default_storage.delete(self.path)


def remove_stale_uploads() -> None:
    """Best effort: drop previews nobody confirmed within a day."""
    cutoff = timezone.now() - STALE_AFTER
    try:
        _dirs, files = default_storage.listdir(IMPORT_DIR)
        for name in files:
            path = f"{IMPORT_DIR}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
    except (OSError, NotImplementedError):
        pass


def _read(upload: IO[bytes]) -> bytes:
    if hasattr(upload, "seek"):
        upload.seek(0)
    return upload.read()


def stage_import(upload: IO[bytes], *, user_id: Any, organiser_id: Any, name: str) -> str:
    """Store ``upload`` until it is confirmed; returns the signed ticket for the page."""
    remove_stale_uploads()
    path = default_storage.save(f"{IMPORT_DIR}/{uuid.uuid4().hex}.xlsx", ContentFile(_read(upload)))
    return signing.dumps(
        {"path": path, "user": user_id, "organiser": organiser_id, "name": name},
        salt=IMPORT_SALT,
    )


def open_ticket(token: str) -> StagedImport:
    """The staged upload a ticket names; ``TicketExpired`` / ``TicketInvalid`` otherwise."""
    try:
        ticket = signing.loads(token, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TicketExpired from exc
    except signing.BadSignature as exc:
        raise TicketInvalid from exc
    if not isinstance(ticket, dict) or "path" not in ticket:
        raise TicketInvalid
    return StagedImport(
        path=str(ticket["path"]),
        user_id=ticket.get("user"),
        organiser_id=ticket.get("organiser"),
        name=str(ticket.get("name", "")),
    )
