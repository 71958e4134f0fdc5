"""Administrative units: the organisers and every body they assess.

Nothing hard-codes the hierarchy: a unit has a kind, an optional parent and an optional
organiser (the body whose registry it belongs to, which may differ from its parent — a
central agency in a province is assessed by the province without belonging to it).
Mergers are recorded by validity dates and successor links.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from parindex.core.text import fold, nfc

from .kinds import UnitKind


class UnitQuerySet(models.QuerySet["Unit"]):
    def search(self, query: str) -> UnitQuerySet:
        """Match code or name, with or without diacritics ('son linh' finds 'Sơn Lĩnh')."""
        folded = fold(query)
        if not folded:
            return self
        condition = Q()
        for word in folded.split():
            condition &= Q(name_folded__contains=word) | Q(code__icontains=word)
        return self.filter(condition)

    def valid_on(self, day: date) -> UnitQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class Unit(models.Model):
    code = models.SlugField(
        "mã đơn vị",
        max_length=64,
        unique=True,
        help_text="Mã dùng trong tệp dữ liệu, ví dụ son-linh",
    )
    name = models.CharField("tên đơn vị", max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    short_name = models.CharField("tên ngắn", max_length=128, blank=True)
    kind = models.CharField("loại đơn vị", max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    organiser = models.ForeignKey(
        "self",
        verbose_name="cơ quan tổ chức đánh giá",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registry",
        help_text="Cơ quan quản lý danh sách và tổ chức xác định chỉ số của đơn vị",
    )
    is_organiser = models.BooleanField("là cơ quan tổ chức đánh giá", default=False)
    valid_from = models.DateField("hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("hiệu lực đến", null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name="đơn vị kế thừa",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
    )
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["name_folded", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_known"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def ancestors(self) -> list[Unit]:
        chain: list[Unit] = []
        node = self.parent
        seen = {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain
