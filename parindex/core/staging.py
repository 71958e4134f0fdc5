"""Uploads kept between their preview and their confirmation — one mechanism for every import.

A clean preview stages the uploaded files for the signed-in person: each stage in its own
folder named by a random token under the importer's folder, and a signed ticket for the page
naming the files, who staged them and what the importer binds to them (into what, at which
revision). The confirmation takes the ticket back: the files as uploaded, read and removed at
once, so a ticket serves one confirmation. A ticket that cannot serve is one of three
outcomes, each worded by the importer (:class:`TicketWording`): :class:`TicketExpired` (older
than the importer allows), :class:`TicketInvalid` (forged, another importer's, another
person's, bound to something else) and :class:`TicketUsed` (its files are gone: confirmed or
cleaned up). Stages nobody confirmed within a day are removed the next time one is made.
Nothing here touches the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

MAX_AGE = 3600  # seconds between the preview and the confirmation
STALE_AFTER = timedelta(days=1)


class TicketError(Exception):
    """A ticket that cannot serve a confirmation; ``meta`` is what the importer signed, known
    only when the ticket itself is valid (its files are gone)."""

    def __init__(self, meta: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        self.meta: Mapping[str, Any] = meta or {}


class TicketExpired(TicketError):
    """The preview is older than the importer allows."""


class TicketInvalid(TicketError):
    """Not signed by this importer for this person and target, damaged, or naming files
    outside the importer's folder."""


class TicketUsed(TicketError):
    """The staged files are gone: the ticket was confirmed already, or its stage was removed."""


@dataclass(frozen=True)
class TicketWording:
    """An importer's Vietnamese words for each ticket that cannot serve."""

    expired: str
    invalid: str
    used: str

    def message(self, error: TicketError) -> str:
        if isinstance(error, TicketExpired):
            return self.expired
        if isinstance(error, TicketUsed):
            return self.used
        return self.invalid


@dataclass(frozen=True)
class StagedFile:
    """One staged file: its name as uploaded and its content."""

    name: str
    content: bytes

    def as_file(self) -> ContentFile[bytes]:
        """The content as a file object named as uploaded."""
        return ContentFile(self.content, name=self.name)


@dataclass(frozen=True)
class Staged:
    """A taken stage: the files in the order they were staged and what the importer signed."""

    files: tuple[StagedFile, ...]
    meta: Mapping[str, Any]

    @property
    def file(self) -> StagedFile:
        """The first file (the only one for most importers)."""
        return self.files[0]


def _user_key(user: Any) -> Any:
    return getattr(user, "pk", None)


@dataclass(frozen=True)
class UploadStage:
    """The staging area of one importer: its folder, the salt its tickets are signed with and
    how long a preview stays valid (seconds)."""

    folder: str
    salt: str
    max_age: int = MAX_AGE

    def stage(self, files: Sequence[tuple[str, bytes]], *, user: Any, **meta: Any) -> str:
        """Store ``files`` (name, content) in a fresh folder for ``user``; the signed ticket.
        ``meta`` (JSON values) comes back with the files and can bind the ticket."""
        self.remove_stale()
        token = secrets.token_hex(16)
        paths = [
            default_storage.save(f"{self.folder}/{token}/{index}.bin", ContentFile(content))
            for index, (_name, content) in enumerate(files)
        ]
        payload = {
            "paths": paths,
            "names": [name for name, _content in files],
            "user": _user_key(user),
            "meta": meta,
        }
        ticket: str = signing.dumps(payload, salt=self.salt)
        return ticket

    def take(self, ticket: str, *, user: Any, **bound: Any) -> Staged:
        """The files a ticket names, read and removed, if it was signed here for ``user``
        within ``max_age`` seconds and its meta holds every ``bound`` value."""
        paths, names, meta = self._check(ticket, user=user, bound=bound)
        files: list[StagedFile] = []
        try:
            for path, name in zip(paths, names, strict=True):
                if not default_storage.exists(path):
                    break
                with default_storage.open(path, "rb") as handle:
                    files.append(StagedFile(name, handle.read()))
        except OSError:
            pass
        _delete(paths)
        if len(files) != len(paths):
            raise TicketUsed(meta)
        return Staged(tuple(files), meta)

    def _check(
        self, ticket: str, *, user: Any, bound: Mapping[str, Any]
    ) -> tuple[list[str], list[str], dict[str, Any]]:
        try:
            data = signing.loads(ticket, salt=self.salt, max_age=self.max_age)
        except signing.SignatureExpired as exc:
            raise TicketExpired from exc
        except signing.BadSignature as exc:
            raise TicketInvalid from exc
        if not isinstance(data, dict):
            raise TicketInvalid
        paths, names, meta = data.get("paths"), data.get("names"), data.get("meta")
        if not (isinstance(paths, list) and isinstance(names, list) and isinstance(meta, dict)):
            raise TicketInvalid
        if not paths or len(paths) != len(names):
            raise TicketInvalid
        if any(
            not isinstance(p, str) or not p.startswith(f"{self.folder}/") or ".." in p
            for p in paths
        ):
            raise TicketInvalid
        owner = _user_key(user)
        if owner is None or data.get("user") != owner:
            raise TicketInvalid
        if any(meta.get(key) != value for key, value in bound.items()):
            raise TicketInvalid
        return paths, [str(n) for n in names], meta

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
                    _delete(group)
        except (OSError, NotImplementedError):
            pass


def _delete(paths: Sequence[str]) -> None:
    """Best effort: a file already gone is not an error."""
    for path in paths:
        try:
            default_storage.delete(path)
        except OSError:
            pass
