"""Criteria sets in the database.

A :class:`FrameworkVersion` holds one version of a set: its canonical YAML (the source of
truth, format ``parindex-framework/1``) and that text's SHA-256. Its tree is also stored as one
:class:`CriterionNode` row per node, which everything else (entries, appraisal, remediation,
reports) references by (version, node code). Drafts may change; a version is frozen when a
campaign uses it and is read-only from then on: every service in :mod:`.services` refuses to
write a frozen version (there is no database trigger).

Rows are written only by :mod:`.services` (import, re-import, node edits, clone), always from a
document the engine has checked, so the rows and the canonical YAML never disagree.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    FROZEN = "frozen", "Đã khóa (đang dùng)"


class FrameworkVersion(models.Model):
    organiser = models.ForeignKey(
        "units.Unit",
        verbose_name="cơ quan ban hành",
        on_delete=models.PROTECT,
        related_name="framework_versions",
    )
    code = models.CharField("mã bộ tiêu chí", max_length=64)
    number = models.PositiveIntegerField("phiên bản số", default=1)
    name = models.CharField("tên bộ tiêu chí", max_length=500)
    year = models.PositiveIntegerField("năm", null=True, blank=True)
    applies_to = models.JSONField("áp dụng cho loại đơn vị", default=list, blank=True)
    issued_by = models.CharField("văn bản ban hành", max_length=500, blank=True)
    scale = models.DecimalField("thang điểm", max_digits=9, decimal_places=4, default=100)
    decimals = models.PositiveSmallIntegerField("số chữ số thập phân", default=2)
    max_points = models.DecimalField("tổng điểm tối đa", max_digits=12, decimal_places=4, default=0)
    status = models.CharField(
        "trạng thái", max_length=8, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT
    )
    canonical_yaml = models.TextField("nội dung (YAML chuẩn)")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    derived_from = models.ForeignKey(
        "self",
        verbose_name="sao chép từ",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derivatives",
    )
    comments_open = models.BooleanField("đang lấy ý kiến", default=False)
    notes = models.TextField("ghi chú", blank=True)
    questionnaires_sha256 = models.CharField(
        "SHA-256 các phiếu khảo sát riêng",
        max_length=64,
        blank=True,
        help_text="Băm các phiếu tải lên kèm bộ tiêu chí (trống nếu không có)",
    )
    source_filename = models.CharField("tệp nguồn", max_length=255, blank=True)
    warnings = models.JSONField("cảnh báo khi kiểm tra", default=list, blank=True)
    node_count = models.PositiveIntegerField("số tiêu chí", default=0)
    leaf_count = models.PositiveIntegerField("số tiêu chí được chấm điểm", default=0)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    frozen_at = models.DateTimeField("khóa lúc", null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "phiên bản bộ tiêu chí"
        verbose_name_plural = "phiên bản bộ tiêu chí"
        ordering = ["-year", "code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "code", "number"], name="framework_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "frozen"]), name="framework_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(frozen_at__isnull=False),
                name="framework_frozen_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (bản {self.number})"

    @property
    def is_frozen(self) -> bool:
        return self.status == FrameworkStatus.FROZEN

    @property
    def is_draft(self) -> bool:
        return self.status == FrameworkStatus.DRAFT


class FrameworkQuestionnaire(models.Model):
    """A questionnaire (``parindex-questionnaire/1``) a version's survey rules use: inline in
    the set, or uploaded beside it."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="questionnaires"
    )
    code = models.CharField("mã phiếu", max_length=64)
    name = models.CharField("tên phiếu", max_length=500)
    is_inline = models.BooleanField("nằm trong bộ tiêu chí", default=False)
    canonical_yaml = models.TextField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = "phiếu khảo sát của bộ tiêu chí"
        verbose_name_plural = "phiếu khảo sát của bộ tiêu chí"
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="framework_questionnaire_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CriterionNode(models.Model):
    """One node of a version's tree, in tree order (``position`` is the pre-order index)."""

    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField("mã", max_length=32)
    position = models.PositiveIntegerField("thứ tự")
    depth = models.PositiveSmallIntegerField("cấp", default=0)
    name = models.TextField("tên tiêu chí")
    max_points = models.DecimalField("điểm tối đa", max_digits=12, decimal_places=4)
    capped = models.BooleanField("cộng dồn tối đa", default=False)
    kind = models.CharField("loại", max_length=8, blank=True)  # "", bonus, penalty
    is_leaf = models.BooleanField(default=True)
    rule_kind = models.CharField("kiểu cách chấm", max_length=16, blank=True)
    rule_text = models.TextField("cách chấm (YAML)", blank=True)
    source = models.CharField("nguồn", max_length=16, default="self")
    evidence = models.CharField("tài liệu kiểm chứng", max_length=16, default="optional")
    evidence_hint = models.TextField("gợi ý tài liệu", blank=True)
    guidance = models.TextField("hướng dẫn chấm", blank=True)
    owner_hint = models.CharField("bộ phận phụ trách", max_length=255, blank=True)
    applies_to = models.JSONField("áp dụng cho", null=True, blank=True)
    may_not_apply = models.BooleanField("có thể không áp dụng", default=False)
    name_folded = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = "tiêu chí"
        verbose_name_plural = "tiêu chí"
        ordering = ["framework_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_code_unique"),
            models.UniqueConstraint(
                fields=["framework", "position"], name="criterion_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class DraftInvitation(models.Model):
    """A unit invited to comment on a draft version."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="invitations"
    )
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closes_on = models.DateField("hạn góp ý", null=True, blank=True)

    class Meta:
        verbose_name = "đơn vị được mời góp ý"
        verbose_name_plural = "đơn vị được mời góp ý"
        ordering = ["framework_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "unit"], name="draft_invitation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.framework}"


class DraftComment(models.Model):
    """A unit's comment on one node of a draft (or on the whole draft when node_code is empty)."""

    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="comments"
    )
    node_code = models.CharField("tiêu chí", max_length=32, blank=True)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("nội dung góp ý")
    created_at = models.DateTimeField(auto_now_add=True)
    is_handled = models.BooleanField("đã xử lý", default=False)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    response = models.TextField("ý kiến tiếp thu, giải trình", blank=True)

    class Meta:
        verbose_name = "ý kiến góp ý dự thảo"
        verbose_name_plural = "ý kiến góp ý dự thảo"
        ordering = ["framework_id", "node_code", "created_at"]
        indexes = [models.Index(fields=["framework", "node_code"])]

    def __str__(self) -> str:
        return f"{self.node_code or 'chung'}: {self.text[:60]}"
