"""The audit actions of evidence documents, declared once with their Vietnamese labels.

An entry names a document as people do: its number and symbol and its title
("Số 12/QĐ-UBND — Quyết định ban hành kế hoạch CCHC"), else its title, else the file name it
was uploaded under; attaching and detaching add the criterion. Never a hash, never the name
the file is stored under.
"""

from __future__ import annotations

import re
from typing import Any

from parindex.core.audit import audit_action, show_value

from .models import EvidenceDocument


def document_subject(document: EvidenceDocument) -> str:
    """How an audit entry names a document."""
    parts = []
    if document.number_symbol:
        parts.append(f"Số {document.number_symbol}")
    if document.title:
        parts.append(document.title)
    return " — ".join(parts) or document.original_name or "Tài liệu không tên"


def link_subject(node_code: str, document: EvidenceDocument) -> str:
    """How an attach or detach entry names what changed: the criterion, then the document."""
    return f"Tiêu chí {node_code}: {document_subject(document)}"


def _size(value: Any) -> str:
    """A size in bytes as people read it: "850 KB", "2,4 MB" (decimal comma)."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return show_value(value)
    if size < 1024:
        return f"{size} byte"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


_HASH_IN_TEXT = re.compile(r"\s*\(?\b[0-9a-f]{64}\b\)?")


def _without_hash(value: Any) -> str:
    """Entries written before documents were named without their SHA-256 carried it in
    brackets ("1.2: 12/KH-UBND — Kế hoạch (3f9a…)"): shown without it."""
    return show_value(_HASH_IN_TEXT.sub("", str(value)).strip())


_FIELDS = {
    "number_symbol": "Số, ký hiệu",
    "title": "Trích yếu",
    "is_confirmed": "Đã xác nhận thông tin",
    "evidence": "Tài liệu kiểm chứng",
    "document": "Tài liệu",
    "node_code": "Tiêu chí",
}
_VALUES = {"size": _size, "evidence": _without_hash}

UPLOAD = audit_action(
    "evidence.upload", "Tải tài liệu lên thư viện", fields=_FIELDS, values=_VALUES
)
UPDATE = audit_action("evidence.update", "Sửa thông tin tài liệu", fields=_FIELDS, values=_VALUES)
DELETE = audit_action(
    "evidence.delete", "Xóa tài liệu khỏi thư viện", fields=_FIELDS, values=_VALUES
)
ATTACH = audit_action(
    "evidence.attach", "Gắn tài liệu kiểm chứng vào tiêu chí", fields=_FIELDS, values=_VALUES
)
DETACH = audit_action(
    "evidence.detach", "Gỡ tài liệu kiểm chứng khỏi tiêu chí", fields=_FIELDS, values=_VALUES
)

__all__ = [
    "ATTACH",
    "DELETE",
    "DETACH",
    "UPDATE",
    "UPLOAD",
    "document_subject",
    "link_subject",
]
