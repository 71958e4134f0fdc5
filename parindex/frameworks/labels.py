"""Vietnamese labels of the format's words (source, evidence, kind, unit kinds).

A source has three forms: its label (a table cell, a heading), its phrase (the same words
inside a sentence) and, for the sources a unit does not score itself, the note its entry
page shows instead of the form.
"""

from __future__ import annotations

from collections.abc import Iterable

from parindex.units.kinds import UnitKind

SOURCE_LABELS = {
    "self": "Đơn vị tự đánh giá",
    "survey": "Điều tra xã hội học",
    "organiser": "Cơ quan tổ chức cung cấp",
}
SOURCE_PHRASES = {source: label[:1].lower() + label[1:] for source, label in SOURCE_LABELS.items()}
SOURCE_NOTES = {
    "survey": "Điểm tính từ kết quả điều tra xã hội học",
    "organiser": "Điểm do cơ quan tổ chức đánh giá cung cấp",
}
EVIDENCE_LABELS = {
    "required": "Bắt buộc",
    "optional": "Không bắt buộc",
    "none": "Không cần",
}
KIND_LABELS = {"bonus": "Điểm thưởng", "penalty": "Điểm trừ", "": ""}
_UNIT_KINDS = dict(UnitKind.choices)


def unit_kind_label(kind: str) -> str:
    return str(_UNIT_KINDS.get(kind, kind))


def unit_kinds_text(kinds: Iterable[str] | None) -> str:
    """``["xa", "phuong"]`` → ``Xã; Phường``; None → ``mọi loại đơn vị``."""
    if kinds is None:
        return "mọi loại đơn vị"
    return "; ".join(unit_kind_label(k) for k in kinds)
