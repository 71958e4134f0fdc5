"""Roles a person holds in a unit. Pure data: no Django models here."""

from __future__ import annotations

from django.db import models


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
