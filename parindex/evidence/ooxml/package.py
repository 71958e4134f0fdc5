"""The structure of an Office zip package: its parts (found without regard to case), the main
part declared in ``[Content_Types].xml`` and a part's relationships."""

from __future__ import annotations

import posixpath
import zipfile

from .stream import Attrs, Handler, Stop, attribute, parse

__all__ = ["MAX_ENTRIES", "main_part", "read_part", "relationships"]

MAX_ENTRIES = 10_000  # content types, relationships, sheets: far beyond any real file

_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


class _ContentTypes(Handler):
    def __init__(self) -> None:
        self.overrides: dict[str, str] = {}

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        if len(self.overrides) >= MAX_ENTRIES:
            raise Stop
        if uri == _CT and local == "Override":
            part = attribute(attrs, "PartName").lstrip("/")
            self.overrides[part] = attribute(attrs, "ContentType").lower()


class _Relationships(Handler):
    def __init__(self) -> None:
        self.targets: dict[str, tuple[str, str]] = {}  # id -> (type, target)

    def start(self, uri: str, local: str, attrs: Attrs) -> None:
        if len(self.targets) >= MAX_ENTRIES:
            raise Stop
        if (
            uri == _RELS
            and local == "Relationship"
            and attribute(attrs, "TargetMode") != "External"
        ):
            self.targets[attribute(attrs, "Id")] = (
                attribute(attrs, "Type"),
                attribute(attrs, "Target"),
            )


def _member(archive: zipfile.ZipFile, part: str) -> zipfile.ZipInfo | None:
    wanted = part.lstrip("/").lower()
    for info in archive.infolist():
        if info.filename.lower() == wanted:
            return info
    return None


def read_part(archive: zipfile.ZipFile, part: str, handler: Handler, max_bytes: int) -> bool:
    info = _member(archive, part)
    if info is None:
        return False
    with archive.open(info) as stream:
        parse(stream, handler, max_bytes=max_bytes)
    return True


def main_part(archive: zipfile.ZipFile, content_type: str, usual: str, max_bytes: int) -> str:
    types = _ContentTypes()
    read_part(archive, "[Content_Types].xml", types, max_bytes)
    for part, declared in types.overrides.items():
        if declared == content_type.lower() and _member(archive, part) is not None:
            return part
    return usual


def relationships(archive: zipfile.ZipFile, part: str, max_bytes: int) -> dict[str, str]:
    """Relationship id -> part name (resolved against ``part``'s folder), then type -> part
    under the key ``"type:<last segment of the type>"``."""
    folder, base = posixpath.split(part)
    rels = _Relationships()
    read_part(archive, posixpath.join(folder, "_rels", base + ".rels"), rels, max_bytes)
    out: dict[str, str] = {}
    for rel_id, (rel_type, target) in rels.targets.items():
        resolved = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        out[rel_id] = resolved
        out.setdefault("type:" + rel_type.rsplit("/", 1)[-1], resolved)
    return out
