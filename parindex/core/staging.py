"""Uploads kept between their preview and their confirmation — one mechanism for every import.

A clean preview stores the uploaded files, each stage in its own folder named by a random
token under the importer's folder, and gives the page a signed ticket: the files' paths and
names plus what the importer signs with them (who, into what). The confirmation opens the
ticket (expired or forged: :class:`TicketExpired` / :class:`TicketInvalid`; the importer
words the message), reads the files back (None once saved, discarded or cleaned up) and
discards them. Stages nobody confirmed within a day are removed the next time one is made.
Nothing here touches the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

STALE_AFTER = timedelta(days=1)


class TicketExpired(Exception):
    """The preview is older than the importer allows."""


class TicketInvalid(Exception):
    """The ticket was not signed for this importer, is damaged, or names files elsewhere."""


class HasFiles(Protocol):
    @property
    def paths(self) -> tuple[str, ...]: ...

    @property
    def names(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Staged:
    """What a valid ticket says: the stored files (paths and names as uploaded) and what the
    importer signed with them."""

    paths: tuple[str, ...]
    names: tuple[str, ...]
    meta: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UploadStage:
    """The staging area of one importer: its folder and the salt its tickets are signed with."""

    folder: str
    salt: str

    def stage(self, files: Sequence[tuple[str, bytes]], **meta: Any) -> str:
        """Store ``files`` (name, content) in a fresh folder; the signed ticket for the page."""
        self.remove_stale()
        token = secrets.token_hex(16)
        paths = [
            default_storage.save(f"{self.folder}/{token}/{index}.bin", ContentFile(content))
            for index, (_name, content) in enumerate(files)
        ]
        names = [name for name, _content in files]
        return signing.dumps({"paths": paths, "names": names, "meta": meta}, salt=self.salt)

    def open(self, ticket: str, *, max_age: int) -> Staged:
        """The stage a ticket names, if signed here within ``max_age`` seconds."""
        try:
            data = signing.loads(ticket, salt=self.salt, max_age=max_age)
        except signing.SignatureExpired as exc:
            raise TicketExpired from exc
        except signing.BadSignature as exc:
            raise TicketInvalid from exc
        if not isinstance(data, dict):
            raise TicketInvalid
        paths, names, meta = data.get("paths", []), data.get("names", []), data.get("meta", {})
        if not (isinstance(paths, list) and isinstance(names, list) and isinstance(meta, dict)):
            raise TicketInvalid
        if any(
            not isinstance(p, str) or not p.startswith(f"{self.folder}/") or ".." in p
            for p in paths
        ):
            raise TicketInvalid
        return Staged(tuple(paths), tuple(str(n) for n in names), meta)

    def remove_stale(self) -> None:
        """Best effort: drop stages whose files are all older than a day."""
        cutoff = timezone.now() - STALE_AFTER
        try:
            folders, loose = default_storage.listdir(self.folder)
            groups = [[f"{self.folder}/{name}" for name in loose]]
            for folder in folders:
                path = f"{self.folder}/{folder}"
                groups.append([f"{path}/{name}" for name in default_storage.listdir(path)[1]])
            for group in groups:
                if group and all(default_storage.get_modified_time(f) < cutoff for f in group):
                    for name in group:
                        default_storage.delete(name)
        except (OSError, NotImplementedError):
            pass


def staged_files(staged: HasFiles) -> list[tuple[str, bytes]] | None:
    """The staged files as (name, content), or None when any is gone (already saved,
    discarded or cleaned up) or the ticket names none."""
    if not staged.paths or len(staged.names) != len(staged.paths):
        return None
    files: list[tuple[str, bytes]] = []
    try:
        for path, name in zip(staged.paths, staged.names, strict=True):
            if not default_storage.exists(path):
                return None
            with default_storage.open(path, "rb") as handle:
                files.append((name, handle.read()))
    except OSError:
        return None
    return files


def discard(staged: HasFiles) -> None:
    """Delete the staged files (best effort; a missing file is not an error)."""
    for path in staged.paths:
        try:
            default_storage.delete(path)
        except OSError:
            pass
