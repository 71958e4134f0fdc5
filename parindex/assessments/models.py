"""Self-assessment data.

One :class:`Assessment` per assessed unit per campaign. Entries are per (assessment, node
code, stage); the stage names who scored (the unit's ``self``, the council's two appraisal
rounds), so every stage uses the same form and engine. Raw inputs are kept as typed, even
while incomplete; points are empty until the inputs are valid. Each submission stores a
numbered, immutable :class:`Submission` snapshot in the engine's canonical JSON.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from .workflow import STATUS_LABELS, Status


class Stage(models.TextChoices):
    SELF = "self", "Tự đánh giá"
    APPRAISAL_1 = "appraisal_1", "Thẩm định vòng 1"
    APPRAISAL_2 = "appraisal_2", "Thẩm định vòng 2"


class Assessment(models.Model):
    assessed_unit = models.OneToOneField(
        "campaigns.AssessedUnit", on_delete=models.PROTECT, related_name="assessment"
    )
    status = models.CharField(
        "trạng thái",
        max_length=12,
        choices=[(s.value, label) for s, label in STATUS_LABELS.items()],
        default=Status.DRAFT,
    )
    revision = models.PositiveIntegerField(default=1)
    ready_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField("gửi lúc", null=True, blank=True)
    first_submitted_at = models.DateTimeField("gửi lần đầu lúc", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    return_reason = models.TextField("lý do trả lại", blank=True)
    claimed_total = models.DecimalField(
        "tổng điểm tự chấm", max_digits=12, decimal_places=4, null=True, blank=True
    )
    claimed_max = models.DecimalField(
        "điểm tối đa áp dụng", max_digits=12, decimal_places=4, null=True, blank=True
    )
    claimed_index = models.DecimalField(
        "chỉ số tự chấm (%)", max_digits=9, decimal_places=4, null=True, blank=True
    )
    completeness = models.DecimalField(
        "mức độ hoàn thành (%)", max_digits=6, decimal_places=2, default=0
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "hồ sơ tự đánh giá"
        verbose_name_plural = "hồ sơ tự đánh giá"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="assessment_status_known"
            )
        ]

    def __str__(self) -> str:
        return f"Tự đánh giá — {self.assessed_unit}"


class Assignment(models.Model):
    """A field or criterion given to an officer; applies to every node below it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="assignments")
    node_code = models.CharField("tiêu chí", max_length=32)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    due_on = models.DateField("hạn hoàn thành", null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "phân công"
        verbose_name_plural = "phân công"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "node_code"], name="assignment_one_per_node"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_code} → {self.assignee}"


class Entry(models.Model):
    """What was recorded for one leaf at one stage."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    node_code = models.CharField("tiêu chí", max_length=32)
    stage = models.CharField("vòng", max_length=12, choices=Stage.choices, default=Stage.SELF)
    raw_inputs = models.JSONField("số liệu đã nhập", default=dict, blank=True)
    points = models.DecimalField("điểm", max_digits=12, decimal_places=4, null=True, blank=True)
    explanation = models.TextField("cách tính", blank=True)
    not_applicable_reason = models.TextField("lý do không áp dụng", blank=True)
    justification = models.TextField("giải trình", blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "kết quả chấm tiêu chí"
        verbose_name_plural = "kết quả chấm tiêu chí"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "node_code", "stage"], name="entry_one_per_node_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_code} ({self.stage})"

    @property
    def is_complete(self) -> bool:
        return self.points is not None or bool(self.not_applicable_reason)


class ImmutableError(Exception):
    pass


class SubmissionQuerySet(models.QuerySet["Submission"]):
    """Bulk writes would bypass ``Submission.save``/``delete``: refused too."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("Bản gửi đã lưu không được sửa.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("Bản gửi đã lưu không được xóa.")


class Submission(models.Model):
    """A numbered, immutable snapshot of what the unit submitted (engine canonical JSON)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField("lần gửi")
    snapshot = models.TextField("nội dung (JSON chuẩn)")
    sha256 = models.CharField(max_length=64)
    total = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    index = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    late_exception_reason = models.TextField(blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "bản gửi"
        verbose_name_plural = "bản gửi"
        ordering = ["assessment_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="submission_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Bản gửi số {self.number} — {self.assessment}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableError("Bản gửi đã lưu không được sửa.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("Bản gửi đã lưu không được xóa.")
