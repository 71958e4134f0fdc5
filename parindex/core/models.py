"""Shared models: the one audit table every app writes to."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One change: who, when, what object, which action, old and new values.

    Bursts of autosaves by one person on one object may be merged into one entry by the
    service that writes them (``merge_key`` identifies what may be merged).
    """

    at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("cập nhật lần cuối", auto_now=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người thực hiện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("hành động", max_length=64)
    object_type = models.CharField("loại đối tượng", max_length=64)
    object_id = models.CharField("mã đối tượng", max_length=64)
    object_repr = models.CharField("đối tượng", max_length=255, blank=True)
    scope_unit_id = models.BigIntegerField("đơn vị liên quan", null=True, blank=True)
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    merge_key = models.CharField(max_length=255, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "nhật ký thay đổi"
        verbose_name_plural = "nhật ký thay đổi"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_type}#{self.object_id}"
