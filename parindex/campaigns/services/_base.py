"""Helpers every campaign service shares: optimistic locking, state guards, text."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone

from parindex.core.errors import ConflictError, ServiceError
from parindex.core.text import nfc

from ..models import Campaign

CONFLICT_MESSAGE = "Dữ liệu đã được người khác thay đổi; vui lòng tải lại trang rồi thử lại."


def clean_text(value: str | None) -> str:
    return nfc(value or "")


def required_text(value: str | None, label: str) -> str:
    text = clean_text(value)
    if not text:
        raise ServiceError(f"Cần nhập {label}.")
    return text


def save_versioned(obj: models.Model, expected_version: int, fields: dict[str, Any]) -> None:
    """``UPDATE ... WHERE pk = ? AND version = ?``; a zero row count is a conflict.

    SQLite ignores ``select_for_update``, so the version check is the lock.
    """
    model = type(obj)
    values = dict(fields)
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise ConflictError(CONFLICT_MESSAGE)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.version = expected_version + 1


def changes_of(obj: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields whose value changes."""
    out: dict[str, list[Any]] = {}
    for name, new in fields.items():
        old = getattr(obj, name)
        if old != new:
            out[name] = [old, new]
    return out


def ensure_not_closed(campaign: Campaign) -> None:
    if campaign.is_closed:
        raise ServiceError(f"Đợt đánh giá “{campaign.name}” đã kết thúc; không thể thay đổi.")


def ensure_preparing(campaign: Campaign, what: str) -> None:
    if not campaign.is_preparing:
        raise ServiceError(f"Chỉ {what} khi đợt đánh giá chưa mở.")


def fresh(campaign: Campaign) -> Campaign:
    """The campaign as stored now (state guards must not trust a stale copy)."""
    return Campaign.objects.select_related("organiser").get(pk=campaign.pk)
