"""Evidence documents ("tài liệu kiểm chứng"): one library per unit, reused across criteria
and years, and the links that attach a document to a criterion of an assessment.

A document's file is stored through Django's storage API under a generated name
(``evidence/<unit id>/<sha256[:2]>/<uuid>.<ext>``), never the user's; it has no public URL
and is served only by views that check permissions. Its content is identified by its
SHA-256, unique per unit, so an exact duplicate is found and the existing document reused.
The file never changes after upload: a corrected copy is a new document.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from parindex.core.text import fold


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (.docx)"
    DOC = "doc", "Word 97-2003 (.doc)"
    XLSX = "xlsx", "Excel (.xlsx)"
    XLS = "xls", "Excel 97-2003 (.xls)"
    JPEG = "jpeg", "Ảnh JPEG"
    PNG = "png", "Ảnh PNG"
    HEIC = "heic", "Ảnh điện thoại (HEIC)"


IMAGE_KINDS = frozenset({DocumentKind.JPEG, DocumentKind.PNG, DocumentKind.HEIC})
TEXT_KINDS = frozenset({DocumentKind.DOCX, DocumentKind.XLSX, DocumentKind.XLS, DocumentKind.DOC})


def storage_name(instance: EvidenceDocument, filename: str) -> str:
    """The stored name: generated, never derived from what the user called the file."""
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"evidence/{instance.unit_id}/{instance.sha256[:2]}/{uuid.uuid4().hex}.{ext}"


class EvidenceDocumentQuerySet(models.QuerySet["EvidenceDocument"]):
    def search(self, query: str) -> EvidenceDocumentQuerySet:
        """Every word, without diacritics, in the number, title, issuer or file name."""
        condition = Q()
        for word in fold(query).split():
            condition &= Q(search_folded__contains=word)
        return self.filter(condition)

    def of_year(self, year: int) -> EvidenceDocumentQuerySet:
        """Issued in ``year``; an undated document counts in the year it was uploaded."""
        return self.filter(
            Q(issued_on__year=year) | Q(issued_on__isnull=True, uploaded_at__year=year)
        )


class EvidenceDocument(models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị",
        on_delete=models.PROTECT,
        related_name="evidence_documents",
    )
    file = models.FileField("tệp", upload_to=storage_name, max_length=255)
    original_name = models.CharField("tên tệp", max_length=255)
    kind = models.CharField("loại tệp", max_length=8, choices=DocumentKind.choices)
    mime = models.CharField("kiểu nội dung", max_length=100)
    size = models.PositiveBigIntegerField("dung lượng (byte)")
    sha256 = models.CharField("SHA-256", max_length=64)
    number_symbol = models.CharField(
        "số, ký hiệu", max_length=100, blank=True, help_text="Ví dụ: 12/KH-UBND"
    )
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    issuer = models.CharField("cơ quan ban hành", max_length=255, blank=True)
    title = models.CharField("trích yếu", max_length=500, blank=True)
    extracted_text = models.TextField("nội dung văn bản (đọc tự động)", blank=True)
    suggested = models.JSONField(
        "thông tin đọc tự động", default=dict, blank=True, help_text="Đọc từ nội dung tệp"
    )
    is_confirmed = models.BooleanField("đã xác nhận thông tin", default=False)
    search_folded = models.TextField(editable=False, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người tải lên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("tải lên lúc", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    objects = EvidenceDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "tài liệu kiểm chứng"
        verbose_name_plural = "tài liệu kiểm chứng"
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "sha256"], name="evidence_sha256_once_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="evidence_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["unit", "issued_on"])]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_folded = self.folded_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_folded"}
        super().save(*args, **kwargs)

    def folded_text(self) -> str:
        return fold(" ".join([self.number_symbol, self.title, self.issuer, self.original_name]))

    @property
    def label(self) -> str:
        """How people name a document: its number and title, else its file name."""
        parts = [p for p in (self.number_symbol, self.title) if p]
        return " — ".join(parts) if parts else self.original_name

    @property
    def year(self) -> int:
        if self.issued_on is not None:
            return self.issued_on.year
        return timezone.localtime(self.uploaded_at).year

    @property
    def is_image(self) -> bool:
        return self.kind in IMAGE_KINDS

    @property
    def is_pdf(self) -> bool:
        return self.kind == DocumentKind.PDF

    @property
    def has_text(self) -> bool:
        return bool(self.extracted_text.strip())

    def issued_on_iso(self) -> str | None:
        value: date | None = self.issued_on
        return value.isoformat() if value else None


class EvidenceLink(models.Model):
    """A document attached to one leaf criterion of one assessment."""

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="evidence_links"
    )
    node_code = models.CharField("tiêu chí", max_length=32)
    document = models.ForeignKey(
        EvidenceDocument,
        verbose_name="tài liệu",
        on_delete=models.PROTECT,
        related_name="links",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField("gắn lúc", auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu gắn với tiêu chí"
        verbose_name_plural = "tài liệu gắn với tiêu chí"
        ordering = ["assessment_id", "node_code", "linked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "node_code", "document"], name="evidence_link_unique"
            )
        ]
        indexes = [models.Index(fields=["assessment", "node_code"])]

    def __str__(self) -> str:
        return f"{self.node_code}: {self.document}"
