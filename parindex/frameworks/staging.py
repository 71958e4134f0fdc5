"""Uploaded sets waiting between their preview and their confirmation.

Nothing is saved to the database before the confirmation. A clean upload's files wait in the
file storage, in a folder named by a random token under :data:`UPLOAD_DIR`; the confirmation
form carries a signed ticket (who, for which organiser or draft, the version of the draft the
preview was built from, which files) valid for :data:`MAX_AGE` seconds. Copies nobody
confirmed within a day are dropped the next time something is staged; the pages call
:func:`discard` once the upload is saved or refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

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
STALE_AFTER = timedelta(days=1)


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


def _remove_stale() -> None:
    """Best effort: drop uploads nobody confirmed within a day."""
    cutoff = timezone.now() - STALE_AFTER
    try:
        folders, _files = default_storage.listdir(UPLOAD_DIR)
        for folder in folders:
            path = f"{UPLOAD_DIR}/{folder}"
            _dirs, files = default_storage.listdir(path)
            stale = [f"{path}/{name}" for name in files]
            if stale and all(default_storage.get_modified_time(f) < cutoff for f in stale):
                for name in stale:
                    default_storage.delete(name)
    except (OSError, NotImplementedError):
        pass


def stage_upload(
    files: Sequence[tuple[str, bytes]],
    *,
    user_id: int | None,
    organiser_id: int | None,
    target_id: int | None,
    expected_version: int | None,
) -> str:
    """Store ``files`` (name, content) in a fresh folder and return the signed ticket."""
    _remove_stale()
    token = secrets.token_hex(16)
    paths = [
        default_storage.save(f"{UPLOAD_DIR}/{token}/{index}.bin", ContentFile(content))
        for index, (_name, content) in enumerate(files)
    ]
    ticket: str = signing.dumps(
        {
            "paths": paths,
            "names": [name for name, _content in files],
            "user": user_id,
            "organiser": organiser_id,
            "target": target_id,
            "expected_version": expected_version,
        },
        salt=SALT,
    )
    return ticket


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def read_ticket(ticket: str) -> StagedUpload:
    """The upload a ticket names; :class:`TicketError` when it is expired or not ours."""
    try:
        data = signing.loads(ticket, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise TicketError("Bản xem trước đã quá hạn một giờ. Hãy tải tệp lên lại.") from None
    except signing.BadSignature:
        raise TicketError("Yêu cầu không hợp lệ. Hãy tải tệp lên lại.") from None
    try:
        paths = tuple(str(p) for p in data.get("paths", []))
        staged = StagedUpload(
            paths=paths,
            names=tuple(str(n) for n in data.get("names", [])),
            user_id=_optional_int(data.get("user")),
            organiser_id=_optional_int(data.get("organiser")),
            target_id=_optional_int(data.get("target")),
            expected_version=_optional_int(data.get("expected_version")),
        )
    except (AttributeError, TypeError, ValueError):
        raise TicketError("Yêu cầu không hợp lệ. Hãy tải tệp lên lại.") from None
    if any(not p.startswith(f"{UPLOAD_DIR}/") or ".." in p for p in paths):
        raise TicketError("Yêu cầu không hợp lệ. Hãy tải tệp lên lại.")
    return staged


def staged_files(staged: StagedUpload) -> list[tuple[str, bytes]] | None:
    """The staged files as (name, content), or None when they are gone (already saved,
    discarded, or cleaned up)."""
    if not staged.paths or len(staged.names) != len(staged.paths):
        return None
    if not all(default_storage.exists(p) for p in staged.paths):
        return None
    files: list[tuple[str, bytes]] = []
    for path, name in zip(staged.paths, staged.names, strict=True):
        with default_storage.open(path, "rb") as handle:
            files.append((name, handle.read()))
    return files


def discard(staged: StagedUpload) -> None:
    """Delete the staged files (best effort; a missing file is not an error)."""
    for path in staged.paths:
        try:
            default_storage.delete(path)
        except OSError:
            pass
