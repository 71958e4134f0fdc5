"""Roles a person holds in a unit. Pure data: no Django models here."""

from __future__ import annotations

from django.db import models

from parindex.core.text import fold


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    ORGANISER = "organiser", "Cơ quan tổ chức đánh giá (thường trực)"
    CHAIRMAN = "chairman", "Lãnh đạo phê duyệt kết quả"
    COUNCIL = "council", "Thành viên Hội đồng thẩm định"
    HEAD = "head", "Thủ trưởng đơn vị"
    FOCAL = "focal", "Đầu mối của đơn vị"
    OFFICER = "officer", "Công chức thực hiện"
    OBSERVER = "observer", "Người theo dõi (chỉ xem)"


# Roles held in the organising body, and roles held in an assessed unit.
ORGANISER_SIDE = frozenset({Role.ORGANISER, Role.CHAIRMAN, Role.COUNCIL})
UNIT_SIDE = frozenset({Role.HEAD, Role.FOCAL, Role.OFFICER})

# Short names people write in spreadsheets, besides the slug and the full label.
_ALIASES: dict[str, str] = {
    "quan tri": Role.ADMIN,
    "thuong truc": Role.ORGANISER,
    "co quan to chuc danh gia": Role.ORGANISER,
    "to chuc danh gia": Role.ORGANISER,
    "phe duyet": Role.CHAIRMAN,
    "lanh dao phe duyet": Role.CHAIRMAN,
    "hoi dong tham dinh": Role.COUNCIL,
    "thanh vien hoi dong": Role.COUNCIL,
    "thu truong": Role.HEAD,
    "dau moi": Role.FOCAL,
    "cong chuc": Role.OFFICER,
    "can bo": Role.OFFICER,
    "theo doi": Role.OBSERVER,
    "nguoi theo doi": Role.OBSERVER,
}


def role_from_text(text: str) -> str | None:
    """Accept a slug ('head'), the Vietnamese label ('Thủ trưởng đơn vị') or a short name."""
    folded = fold(text or "")
    if not folded:
        return None
    if folded in Role.values:
        return folded
    for value, label in Role.choices:
        full = fold(str(label))
        if folded in (full, full.split(" (")[0]):
            return value
    return _ALIASES.get(folded)
