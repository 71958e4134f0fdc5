"""Checking an uploaded file before anything is stored: its name, size and real content.

Accepted, recognised by content (magic bytes and structure), never by the file's name:

* PDF (``%PDF-``), readable and not password-protected;
* Word .docx and Excel .xlsx (an OOXML zip whose ``[Content_Types].xml`` declares the
  document or workbook main part, and that part present); macro-enabled files (.docm, .xlsm,
  any ``vbaProject.bin``), other Office zips and plain zips are refused;
* Word 97-2003 .doc and Excel 97-2003 .xls (OLE2 ``D0CF11E0`` with a ``WordDocument`` or
  ``Workbook``/``Book`` stream); macros, password protection and other OLE2 files (installers,
  PowerPoint) are refused;
* JPEG, PNG and phone photos in HEIC/HEIF (``ftyp`` heic, heix, mif1, ...) that decode.

Refused with a reason naming the file: executables (MZ, ELF, Mach-O, ``#!`` scripts), HTML,
SVG, XML and anything else; empty files; files over ``settings.MAX_UPLOAD_MB``; zip bombs
(total uncompressed size over the limit, an entry compressed more than 100 times, too many
entries, archives nested in the document), encrypted zips; names with path separators,
``..`` or control and invisible format characters.

A file whose extension does not match its content (a PNG photo named ``.pdf``) is accepted
as what it really is, and its name gets the right extension: the user is told. Harmful
content is refused whatever its name, and files are always served with the detected type, so
a wrong name can do no harm; refusing it would only make people rename files by hand.

Office embeddings: Word and Excel keep objects pasted into a document (a chart's workbook)
as zip files under ``.../embeddings/``. Those are allowed (never opened, and counted in the
size limits); an archive anywhere else inside a document is refused.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

import filetype
from django.conf import settings

from parindex.core.text import nfc
from parindex.exchange import mime as mime_types

from .containers import check_ole, check_zip
from .models import DocumentKind
from .refusals import ACCEPTED_TEXT, UploadRefused, corrupt, encrypted

MIB = 1024 * 1024
HEAD_BYTES = 8192
IMAGE_MAX_PIXELS = 120_000_000  # a 108-megapixel phone photo still fits
NAME_MAX = 200

MIME = {
    DocumentKind.PDF: mime_types.PDF,
    DocumentKind.DOCX: mime_types.DOCX,
    DocumentKind.XLSX: mime_types.XLSX,
    DocumentKind.DOC: mime_types.DOC,
    DocumentKind.XLS: mime_types.XLS,
    DocumentKind.JPEG: mime_types.JPEG,
    DocumentKind.PNG: mime_types.PNG,
    DocumentKind.HEIC: mime_types.HEIC,
}
EXTENSION = {
    DocumentKind.PDF: "pdf",
    DocumentKind.DOCX: "docx",
    DocumentKind.XLSX: "xlsx",
    DocumentKind.DOC: "doc",
    DocumentKind.XLS: "xls",
    DocumentKind.JPEG: "jpg",
    DocumentKind.PNG: "png",
    DocumentKind.HEIC: "heic",
}
# Extensions people use for each kind (anything else gets the canonical one).
KNOWN_EXTENSIONS = {
    DocumentKind.PDF: {"pdf"},
    DocumentKind.DOCX: {"docx"},
    DocumentKind.XLSX: {"xlsx"},
    DocumentKind.DOC: {"doc"},
    DocumentKind.XLS: {"xls"},
    DocumentKind.JPEG: {"jpg", "jpeg", "jpe", "jfif"},
    DocumentKind.PNG: {"png"},
    DocumentKind.HEIC: {"heic", "heif", "hif"},
}
# How a message names what a file really is ("Tệp «x.pdf» thực chất là ảnh PNG").
KIND_PHRASE = {
    DocumentKind.PDF: "tệp PDF",
    DocumentKind.DOCX: "văn bản Word (.docx)",
    DocumentKind.XLSX: "bảng tính Excel (.xlsx)",
    DocumentKind.DOC: "văn bản Word 97-2003 (.doc)",
    DocumentKind.XLS: "bảng tính Excel 97-2003 (.xls)",
    DocumentKind.JPEG: "ảnh JPEG",
    DocumentKind.PNG: "ảnh PNG",
    DocumentKind.HEIC: "ảnh HEIC chụp bằng điện thoại",
}
ACCEPT_ATTRIBUTE = ".pdf,.docx,.doc,.xlsx,.xls,.jpg,.jpeg,.png,.heic,.heif"

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"heif"}
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class CheckedFile:
    """What was learnt about an accepted file."""

    name: str  # safe display name, with the extension of its real type
    kind: DocumentKind
    mime: str
    size: int
    sha256: str
    notes: tuple[str, ...] = field(default=())


def limit_bytes() -> int:
    return int(settings.MAX_UPLOAD_MB) * MIB


def _megabytes(size: int) -> str:
    return f"{size / MIB:.1f}".replace(".", ",")


# --- Names ---------------------------------------------------------------------------------


def _shown(raw: str) -> str:
    """The name as it can be shown in a message: invisible characters made visible."""
    out = []
    for ch in raw[:120]:
        cat = unicodedata.category(ch)
        out.append(f"\\u{ord(ch):04x}" if cat in ("Cc", "Cf", "Zl", "Zp") else ch)
    return "".join(out)


def safe_name(raw: str) -> str:
    """A display name safe to show and to send back in Content-Disposition.

    Refuses path separators, ``..`` and control or invisible format characters (such as the
    right-to-left override that disguises "gpj.exe"); normalises to NFC, collapses spaces,
    replaces characters Windows forbids, and keeps the name at most 200 characters.
    """
    text = unicodedata.normalize("NFC", raw or "")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in text):
        raise UploadRefused(
            f"Tên tệp «{_shown(text)}» chứa ký tự điều khiển hoặc ký tự ẩn: hãy đặt lại tên "
            "tệp (chỉ gồm chữ, số, dấu cách, gạch ngang) rồi tải lên."
        )
    if "/" in text or "\\" in text or text.strip() in {".", ".."}:
        raise UploadRefused(
            f"Tên tệp «{_shown(text)}» chứa đường dẫn thư mục («/», «\\» hoặc «..»): hãy đặt "
            "lại tên tệp rồi tải lên."
        )
    for ch in '<>:"|?*':
        text = text.replace(ch, "_")
    text = " ".join(text.split()).strip(" .")
    if not text:
        text = "tai-lieu"
    if len(text) > NAME_MAX:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 8:
            text = stem[: NAME_MAX - len(ext) - 1].rstrip() + "." + ext
        else:
            text = text[:NAME_MAX].rstrip()
    return text


def _with_extension(name: str, kind: DocumentKind) -> tuple[str, bool]:
    """The name with an extension matching ``kind``; True when it had to change."""
    stem, dot, ext = name.rpartition(".")
    if dot and ext.lower() in KNOWN_EXTENSIONS[kind]:
        return name, False
    base = name if not dot or not stem else stem
    return f"{base}.{EXTENSION[kind]}", True


# --- Content -------------------------------------------------------------------------------


def _chunks(fileobj: IO[bytes]) -> Iterator[bytes]:
    fileobj.seek(0)
    while True:
        chunk = fileobj.read(MIB)
        if not chunk:
            break
        yield chunk


def sha256_of(fileobj: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(fileobj):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def _text_start(head: bytes) -> bytes:
    """The first bytes of a text file, without a BOM and leading spaces, lower-cased."""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    if b"\x00" in head[:64]:  # UTF-16 text: drop the zero bytes to read the markup
        head = head.replace(b"\x00", b"")
    return head.lstrip()[:512].lower()


def _refuse_harmful(head: bytes, name: str) -> None:
    """Executables and web content, whatever the file is called."""
    if (
        head.startswith(b"MZ")
        or head.startswith(b"\x7fELF")
        or head[:4]
        in (
            b"\xfe\xed\xfa\xce",
            b"\xfe\xed\xfa\xcf",
            b"\xce\xfa\xed\xfe",
            b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        )
    ):
        raise UploadRefused(
            f"Tệp «{name}» là chương trình chạy được (tệp thực thi), không phải tài liệu: "
            "không được tải lên."
        )
    start = _text_start(head)
    if start.startswith(b"#!"):
        raise UploadRefused(
            f"Tệp «{name}» là tệp mã lệnh (script), không phải tài liệu: không được tải lên."
        )
    if not start.startswith(b"<"):
        return
    if b"<svg" in start:
        raise UploadRefused(
            f"Tệp «{name}» là ảnh vẽ SVG, loại tệp có thể chứa mã chạy được: hãy xuất sang PNG "
            "hoặc PDF rồi tải lên."
        )
    if any(tag in start for tag in (b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        raise UploadRefused(
            f"Tệp «{name}» là trang web (HTML), không phải tài liệu, dù tên tệp có đuôi gì: "
            "không được tải lên. Hãy in trang ra PDF nếu cần làm tài liệu kiểm chứng."
        )
    raise UploadRefused(
        f"Tệp «{name}» là tệp văn bản đánh dấu (XML), không phải tài liệu: không được tải lên."
    )


def _unknown(head: bytes, name: str) -> UploadRefused:
    guess = filetype.guess(head)
    what = f" (nội dung là tệp .{guess.extension})" if guess is not None else ""
    return UploadRefused(f"Tệp «{name}» không phải loại tài liệu được nhận{what}. {ACCEPTED_TEXT}")


def _check_pdf(fileobj: IO[bytes], name: str) -> None:
    from pypdf import PdfReader

    fileobj.seek(0)
    try:
        reader = PdfReader(fileobj, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise encrypted(name)
        if len(reader.pages) < 1:
            raise corrupt(name, "PDF")
    except UploadRefused:
        raise
    except Exception as exc:  # pypdf raises many kinds of errors on damaged files
        raise corrupt(name, "PDF") from exc


def _check_image(fileobj: IO[bytes], name: str, kind: DocumentKind) -> None:
    from PIL import Image, UnidentifiedImageError

    fileobj.seek(0)
    try:
        if kind == DocumentKind.HEIC:
            import pillow_heif

            heif = pillow_heif.open_heif(fileobj, convert_hdr_to_8bit=True)
            width, height = heif.size
        else:
            with Image.open(fileobj) as image:
                width, height = image.size
                if width * height <= IMAGE_MAX_PIXELS:
                    image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, RuntimeError) as exc:
        raise corrupt(name, "ảnh") from exc
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels(name) from exc
    if width * height > IMAGE_MAX_PIXELS:
        raise _too_many_pixels(name)
    fileobj.seek(0)


def _too_many_pixels(name: str) -> UploadRefused:
    return UploadRefused(
        f"Ảnh «{name}» quá lớn (hơn {IMAGE_MAX_PIXELS // 1_000_000} triệu điểm ảnh): hãy giảm "
        "kích thước ảnh rồi tải lên."
    )


def _is_heif(head: bytes) -> bool:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(head[0:4], "big")
    brands = [head[8:12]] + [
        head[i : i + 4] for i in range(16, min(box_size, len(head), 64), 4) if i + 4 <= len(head)
    ]
    if b"avif" in brands or b"avis" in brands:
        return False
    return any(b in _HEIF_BRANDS for b in brands)


def detect_kind(fileobj: IO[bytes], name: str) -> DocumentKind:
    """The file's type from its content (and structure), or UploadRefused saying why."""
    fileobj.seek(0)
    head = fileobj.read(HEAD_BYTES)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        _check_pdf(fileobj, name)
        return DocumentKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_image(fileobj, name, DocumentKind.PNG)
        return DocumentKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        _check_image(fileobj, name, DocumentKind.JPEG)
        return DocumentKind.JPEG
    if _is_heif(head):
        _check_image(fileobj, name, DocumentKind.HEIC)
        return DocumentKind.HEIC
    if head.startswith(b"PK\x03\x04"):
        return check_zip(fileobj, name)
    if head.startswith(_OLE_SIGNATURE):
        return check_ole(fileobj, name)
    _refuse_harmful(head, name)
    raise _unknown(head, name)


def _size_of(fileobj: IO[bytes]) -> int:
    size = getattr(fileobj, "size", None)
    if isinstance(size, int):
        return size
    fileobj.seek(0, io.SEEK_END)
    end = fileobj.tell()
    fileobj.seek(0)
    return end


def check_upload(fileobj: IO[bytes], raw_name: str) -> CheckedFile:
    """Check an upload completely, in memory or in its temporary file; nothing is stored."""
    name = safe_name(raw_name)
    size = _size_of(fileobj)
    if size <= 0:
        raise UploadRefused(f"Tệp «{name}» rỗng (0 byte): không có nội dung để lưu.")
    limit = limit_bytes()
    if size > limit:
        raise UploadRefused(
            f"Tệp «{name}» nặng {_megabytes(size)} MB, vượt giới hạn {settings.MAX_UPLOAD_MB} MB "
            "cho mỗi tệp. Hãy quét ở độ phân giải thấp hơn (150–200 dpi) hoặc chia thành nhiều "
            "tệp."
        )
    kind = detect_kind(fileobj, name)
    shown, renamed = _with_extension(name, kind)
    notes: tuple[str, ...] = ()
    if renamed:
        notes = (f"Tệp «{name}» thực chất là {KIND_PHRASE[kind]}: đã lưu với tên «{shown}».",)
    return CheckedFile(
        name=nfc(shown),
        kind=kind,
        mime=MIME[kind],
        size=size,
        sha256=sha256_of(fileobj),
        notes=notes,
    )


__all__ = [
    "ACCEPTED_TEXT",
    "ACCEPT_ATTRIBUTE",
    "EXTENSION",
    "MIME",
    "CheckedFile",
    "UploadRefused",
    "check_upload",
    "detect_kind",
    "safe_name",
    "sha256_of",
]
