"""Users and memberships: a membership links a user, a unit and a role, lasting or dated."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .roles import Role


class User(AbstractUser):
    """A person. Many commune officers have no e-mail: the organiser sets their password."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    position = models.CharField("chức vụ", max_length=150, blank=True)
    phone = models.CharField("điện thoại", max_length=32, blank=True)
    must_change_password = models.BooleanField("phải đổi mật khẩu", default=False)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.get_username()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: date | None = None) -> MembershipQuerySet:
        day = on or timezone.localdate()
        return self.filter(is_active=True).filter(
            (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
            & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        )


class Membership(models.Model):
    """A role a user holds in a unit (or, for the system administrator, in no unit)."""

    user = models.ForeignKey(
        User, verbose_name="người dùng", on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField("vai trò", max_length=16, choices=Role.choices)
    title = models.CharField(
        "chức danh ký", max_length=150, blank=True, help_text="Ví dụ: Phó Chủ tịch"
    )
    signs_on_behalf = models.BooleanField(
        "ký thay (KT.)", default=False, help_text="Cấp phó ký thay thủ trưởng"
    )
    valid_from = models.DateField("từ ngày", null=True, blank=True)
    valid_to = models.DateField("đến ngày", null=True, blank=True)
    is_active = models.BooleanField("đang hiệu lực", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "vai trò của người dùng"
        verbose_name_plural = "vai trò của người dùng"
        constraints = [
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN) | Q(unit__isnull=False),
                name="membership_unit_required",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(is_active=True),
                name="membership_one_active_per_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else "toàn hệ thống"
        return f"{self.user} — {self.get_role_display()} — {where}"
