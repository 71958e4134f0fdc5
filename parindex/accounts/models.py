"""Users and memberships: a membership links a user, a unit and a role, lasting or dated."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parindex.core.text import fold, nfc

from .roles import Role
from .usernames import RULE_TEXT, validate_username


class UserQuerySet(models.QuerySet["User"]):
    def search(self, query: str) -> UserQuerySet:
        """Match name, username or unit (name or code), without diacritics: every word must
        match somewhere ('lan son linh' finds Nguyễn Thị Lan of Sơn Lĩnh)."""
        words = fold(query).split()
        if not words:
            return self
        condition = Q()
        for word in words:
            in_unit = Membership.objects.filter(
                Q(unit__name_folded__contains=word) | Q(unit__code__icontains=word)
            ).values("user_id")
            condition &= (
                Q(full_name_folded__contains=word) | Q(username__icontains=word) | Q(pk__in=in_unit)
            )
        return self.filter(condition)


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """A person. Many commune officers have no e-mail: the organiser sets their password."""

    username = models.CharField(
        "tên đăng nhập",
        max_length=150,
        unique=True,
        validators=[validate_username],
        help_text=RULE_TEXT,
        error_messages={"unique": "Tên đăng nhập này đã được dùng."},
    )
    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    full_name_folded = models.CharField(max_length=150, editable=False, blank=True, db_index=True)
    position = models.CharField("chức vụ", max_length=150, blank=True)
    phone = models.CharField("điện thoại", max_length=32, blank=True)
    must_change_password = models.BooleanField("phải đổi mật khẩu", default=False)

    objects = UserManager()

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self) -> str:
        return self.full_name or self.get_username()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.full_name = nfc(self.full_name)
        self.full_name_folded = fold(self.full_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "full_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "full_name_folded"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.get_username()


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self, on: date | None = None) -> MembershipQuerySet:
        day = on or timezone.localdate()
        return (
            self.filter(is_active=True)
            .filter(
                (Q(valid_from__isnull=True) | Q(valid_from__lte=day))
                & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            )
            # A role given for one campaign lapses when that campaign is closed.
            .exclude(campaign__status="closed")
        )


class Membership(models.Model):
    """A role a user holds in a unit (or, for the system administrator, in no unit).

    Lasting when it has no dates; otherwise valid from/to the given days. Revoking keeps the
    row (``is_active`` false, ``revoked_at``) so the history stays readable.

    A membership with a ``campaign`` counts only for that campaign (and lapses when it is
    closed); without one it counts for every campaign. ``accounts.scope.grant_scope`` answers
    every question about what a membership grants.
    """

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
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="chỉ trong đợt đánh giá",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text="Để trống: vai trò lâu dài; chọn đợt: vai trò hết hiệu lực khi đợt kết thúc",
    )
    is_active = models.BooleanField("đang hiệu lực", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người giao",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thu hồi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

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
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="membership_valid_range",
            ),
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(is_active=True),
                name="membership_one_active_per_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit.name if self.unit_id else "toàn hệ thống"
        return f"{self.user} — {self.get_role_display()} — {where}"

    def is_current(self, on: date | None = None) -> bool:
        day = on or timezone.localdate()
        return (
            self.is_active
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or day <= self.valid_to)
        )
