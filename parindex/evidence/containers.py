"""The structure of Office files: OOXML zips (.docx, .xlsx) and OLE2 compound files (.doc,
.xls). Only what is needed to tell a real Word or Excel file from a zip bomb, a macro-enabled
file, a password-protected one or another Office type is read; nothing is extracted.

Zip bombs are judged from the central directory: too many entries, an entry compressed more
than ZIP_MAX_RATIO times, a total uncompressed size over EVIDENCE_ZIP_MAX_UNCOMPRESSED_MB, or a
single part over EVIDENCE_ZIP_MAX_MEMBER_MB (a 2 MB .docx whose ``document.xml`` inflates to
95 MB passes the first three). The prolog of every XML part is read: a DOCTYPE (the only way
to declare entities) is refused, Office never writes one.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO, Any
from xml.etree import ElementTree

from django.conf import settings

from parindex.exchange.mime import DOCX_MAIN_PART, XLSX_MAIN_PART

from .models import DocumentKind
from .ooxml import hostile_prolog
from .refusals import ACCEPTED_TEXT, UploadRefused, bomb, corrupt, encrypted, macro, oversized_part

MIB = 1024 * 1024
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_RATIO = 100
ZIP_RATIO_MIN_SIZE = 64 * 1024  # small parts compress well and can do no harm
ZIP_MAX_UNCOMPRESSED_MB = 100
ZIP_MAX_MEMBER_MB = 40
_XML_SUFFIXES = (".xml", ".rels", ".vml")

_WORD_MAIN = DOCX_MAIN_PART
_EXCEL_MAIN = XLSX_MAIN_PART
_MACRO_TYPES = {
    "application/vnd.ms-word.document.macroenabled.main+xml",
    "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
    "application/vnd.ms-excel.sheet.macroenabled.main+xml",
    "application/vnd.ms-excel.template.macroenabled.main+xml",
    "application/vnd.ms-excel.addin.macroenabled.main+xml",
    "application/vnd.ms-excel.sheet.binary.macroenabled.main",
    "application/vnd.ms-office.vbaproject",
}
_ARCHIVE_MAGIC = (b"PK\x03\x04", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"\xd0\xcf\x11\xe0")


def _zip_total_limit() -> int:
    return int(getattr(settings, "EVIDENCE_ZIP_MAX_UNCOMPRESSED_MB", ZIP_MAX_UNCOMPRESSED_MB)) * MIB


def member_limit_mb() -> int:
    return int(getattr(settings, "EVIDENCE_ZIP_MAX_MEMBER_MB", ZIP_MAX_MEMBER_MB))


def member_limit() -> int:
    """The most one part of a Word/Excel file may unpack to (the text readers stop there)."""
    return member_limit_mb() * MIB


def check_zip(fileobj: IO[bytes], name: str) -> DocumentKind:
    """DOCX or XLSX, judged from the central directory and ``[Content_Types].xml``."""
    try:
        archive = zipfile.ZipFile(fileobj)
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise corrupt(name, "Word/Excel") from exc
    if len(infos) > ZIP_MAX_ENTRIES:
        raise bomb(name)
    total = 0
    limit = _zip_total_limit()
    per_member = member_limit()
    names: set[str] = set()
    for info in infos:
        part = info.filename
        if info.flag_bits & 0x1:
            raise encrypted(name)
        if part.startswith("/") or "\\" in part or ".." in part.split("/"):
            raise corrupt(name, "Word/Excel")
        if info.file_size and info.compress_size == 0:
            raise bomb(name)
        if info.file_size > ZIP_RATIO_MIN_SIZE and info.file_size > ZIP_MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise bomb(name)
        if info.file_size > per_member:
            raise oversized_part(name, member_limit_mb())
        total += info.file_size
        if total > limit:
            raise bomb(name)
        lowered = part.lower()
        if lowered.endswith("vbaproject.bin") or lowered.endswith("vbadata.xml"):
            raise macro(name)
        names.add(part)
    for info in infos:
        if info.is_dir() or info.file_size < 4 or "/embeddings/" in info.filename.lower():
            continue
        try:
            with archive.open(info) as member:
                magic = member.read(4)
            hostile = False
            if info.filename.lower().endswith(_XML_SUFFIXES):
                with archive.open(info) as member:
                    hostile = hostile_prolog(member)
        except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
            raise corrupt(name, "Word/Excel") from exc
        if magic.startswith(_ARCHIVE_MAGIC):
            raise bomb(name)
        if hostile:
            raise corrupt(name, "Word/Excel")
    if "[Content_Types].xml" not in names:
        raise UploadRefused(
            f"Tệp «{name}» là tệp nén (ZIP), không phải tài liệu Word/Excel: hãy giải nén và "
            f"tải lên từng tài liệu. {ACCEPTED_TEXT}"
        )
    types, overrides = _content_types(archive, name)
    if types & _MACRO_TYPES:
        raise macro(name)
    present = {n.lower() for n in names}
    for part, content_type in overrides.items():
        if part.lower().lstrip("/") not in present:
            continue
        if content_type == _WORD_MAIN:
            return DocumentKind.DOCX
        if content_type == _EXCEL_MAIN:
            return DocumentKind.XLSX
    # A writer that maps the main type by extension instead of an override: the usual place.
    if _WORD_MAIN in types and "word/document.xml" in present:
        return DocumentKind.DOCX
    if _EXCEL_MAIN in types and "xl/workbook.xml" in present:
        return DocumentKind.XLSX
    raise UploadRefused(
        f"Tệp «{name}» là tệp Office nhưng không phải văn bản Word (.docx) hay bảng tính Excel "
        f"(.xlsx). {ACCEPTED_TEXT}"
    )


def _content_types(archive: zipfile.ZipFile, name: str) -> tuple[set[str], dict[str, str]]:
    """Every content type declared, and the overrides (part name -> content type)."""
    info = archive.getinfo("[Content_Types].xml")
    if info.file_size > MIB:
        raise bomb(name)
    data = archive.read(info)
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise corrupt(name, "Word/Excel")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise corrupt(name, "Word/Excel") from exc
    types: set[str] = set()
    overrides: dict[str, str] = {}
    for el in root:
        content_type = (el.get("ContentType") or "").lower()
        types.add(content_type)
        if el.tag.endswith("}Override"):
            overrides[el.get("PartName") or ""] = content_type
    return types, overrides


def check_ole(fileobj: IO[bytes], name: str) -> DocumentKind:
    """DOC or XLS, judged from the compound file's directory (xlrd's reader)."""
    from xlrd.compdoc import CompDoc

    fileobj.seek(0)
    data = fileobj.read()
    try:
        doc = CompDoc(data, logfile=io.StringIO())
    except Exception as exc:  # a damaged file may fail anywhere inside (CompDocError and more)
        raise corrupt(name, "Word/Excel 97-2003") from exc
    entries = {node.name for node in doc.dirlist}
    lowered = {n.lower() for n in entries}
    if "encryptedpackage" in lowered or "encryptioninfo" in lowered:
        raise encrypted(name)
    if lowered & {"_vba_project_cur", "_vba_project", "vba", "macros"}:
        raise macro(name)
    if "WordDocument" in entries:
        stream = _ole_stream(doc, "WordDocument")
        if len(stream) > 0x0B and stream[0x0B] & 0x01:  # FIB fEncrypted
            raise encrypted(name)
        return DocumentKind.DOC
    if "Workbook" in entries or "Book" in entries:
        stream = _ole_stream(doc, "Workbook" if "Workbook" in entries else "Book")
        if _xls_has_filepass(stream):
            raise encrypted(name)
        return DocumentKind.XLS
    raise UploadRefused(
        f"Tệp «{name}» là tệp Office cũ nhưng không phải văn bản Word (.doc) hay bảng tính Excel "
        f"(.xls). {ACCEPTED_TEXT}"
    )


def _ole_stream(doc: Any, stream_name: str) -> bytes:
    try:
        found = doc.get_named_stream(stream_name)
    except Exception:  # damaged streams: read what is there, structure was already checked
        return b""
    return bytes(found or b"")


def _xls_has_filepass(stream: bytes) -> bool:
    """A FILEPASS record (0x002F) among the first records of the workbook globals."""
    pos = 0
    for _ in range(200):
        if pos + 4 > len(stream):
            return False
        code = int.from_bytes(stream[pos : pos + 2], "little")
        length = int.from_bytes(stream[pos + 2 : pos + 4], "little")
        if code == 0x002F:
            return True
        if code == 0x000A:  # EOF of the globals substream
            return False
        pos += 4 + length
    return False
