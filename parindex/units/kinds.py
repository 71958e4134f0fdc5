"""Unit kinds: the slugs criteria sets' ``applies_to`` use, with Vietnamese labels.

The list is fixed (a criteria set written for ``xa`` must mean the same everywhere); the
hierarchy between kinds is not: any unit may have any parent.
"""

from __future__ import annotations

from django.db import models


class UnitKind(models.TextChoices):
    BO = "bo", "Bộ, cơ quan ngang bộ"
    CO_QUAN_TW = "co_quan_tw", "Cơ quan Trung ương đóng trên địa bàn"
    TINH = "tinh", "Tỉnh, thành phố trực thuộc Trung ương"
    SO_NGANH = "so_nganh", "Sở, ban, ngành"
    HUYEN = "huyen", "Huyện, quận, thị xã, thành phố thuộc tỉnh"
    PHONG = "phong", "Phòng chuyên môn"
    XA = "xa", "Xã"
    PHUONG = "phuong", "Phường"
    THI_TRAN = "thi_tran", "Thị trấn"
    DAC_KHU = "dac_khu", "Đặc khu"
    DON_VI = "don_vi", "Đơn vị trực thuộc"
    KHAC = "khac", "Khác"


KIND_SLUGS: frozenset[str] = frozenset(UnitKind.values)


def kind_from_text(text: str) -> str | None:
    """Accept a slug ('xa') or a Vietnamese label ('Xã', 'xa', 'Sở, ban, ngành')."""
    from parindex.core.text import fold

    cleaned = fold(text).replace(" ", "_")
    if cleaned in KIND_SLUGS:
        return cleaned
    folded = fold(text)
    for value, label in UnitKind.choices:
        if fold(str(label)) == folded:
            return value
    return None
