"""A campaign: one year's determination of the index by one organiser.

It fixes which units are assessed (an explicit list, not the organiser's subtree), their
ranking groups, the frozen criteria-set version that applies to each, the phases with their
deadlines and per-unit exceptions, campaign-wide not-applicable declarations, and the plan's
task table (the campaign's own, and each assessed unit's internal plan).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from parindex.frameworks.labels import SOURCE_LABELS


class CampaignStatus(models.TextChoices):
    PREPARING = "preparing", "Đang chuẩn bị"
    OPEN = "open", "Đang triển khai"
    CLOSED = "closed", "Đã kết thúc"


class Campaign(models.Model):
    organiser = models.ForeignKey(
        "units.Unit",
        verbose_name="cơ quan tổ chức",
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    year = models.PositiveIntegerField("năm đánh giá")
    slug = models.SlugField("mã đợt", max_length=64, unique=True)
    name = models.CharField("tên đợt", max_length=255)
    plan_reference = models.CharField(
        "văn bản kế hoạch", max_length=255, blank=True, help_text="Ví dụ: Kế hoạch số 12/KH-SNV"
    )
    period_start = models.DateField("kỳ đánh giá từ", null=True, blank=True)
    period_end = models.DateField("kỳ đánh giá đến", null=True, blank=True)
    status = models.CharField(
        "trạng thái",
        max_length=12,
        choices=CampaignStatus.choices,
        default=CampaignStatus.PREPARING,
    )
    opened_at = models.DateTimeField("mở lúc", null=True, blank=True)
    closed_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "đợt xác định chỉ số"
        verbose_name_plural = "đợt xác định chỉ số"
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["preparing", "open", "closed"]),
                name="campaign_status_known",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | Q(period_start__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="campaign_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_preparing(self) -> bool:
        return self.status == CampaignStatus.PREPARING

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    @property
    def is_closed(self) -> bool:
        return self.status == CampaignStatus.CLOSED

    @property
    def last_day(self) -> date:
        """The day units must still exist on to be assessed: the period's end, or 31/12."""
        return self.period_end or date(self.year, 12, 31)


class RankingGroup(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField("mã nhóm", max_length=64)
    name = models.CharField("tên nhóm", max_length=255)
    position = models.PositiveIntegerField("thứ tự", default=0)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "nhóm xếp hạng"
        verbose_name_plural = "nhóm xếp hạng"
        ordering = ["campaign_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="ranking_group_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AssessedUnit(models.Model):
    """A unit assessed in a campaign, its ranking group and the criteria-set version applied."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assessed_units")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="assessments_in")
    group = models.ForeignKey(RankingGroup, on_delete=models.PROTECT, related_name="members")
    framework = models.ForeignKey(
        "frameworks.FrameworkVersion",
        verbose_name="bộ tiêu chí áp dụng",
        on_delete=models.PROTECT,
        related_name="assessed_units",
    )
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "đơn vị được đánh giá"
        verbose_name_plural = "đơn vị được đánh giá"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "unit"], name="assessed_unit_once_per_campaign"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.campaign}"


class PhaseKind(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", "Tự đánh giá, chấm điểm"
    SURVEYS = "surveys", "Điều tra xã hội học"
    APPRAISAL = "appraisal", "Thẩm định"
    EXPLANATION = "explanation", "Giải trình"
    APPROVAL = "approval", "Phê duyệt kết quả"
    PUBLICATION = "publication", "Công bố"


class PhaseState(models.TextChoices):
    NOT_OPENED = "not_opened", "Chưa mở"
    OPEN = "open", "Đang mở"
    CLOSED = "closed", "Đã đóng"


class Phase(models.Model):
    """A window of the campaign, opened and closed explicitly by the organiser.

    ``deadline`` is a date: the phase's deadline is the end of that day in Asia/Ho_Chi_Minh.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField("giai đoạn", max_length=16, choices=PhaseKind.choices)
    starts_on = models.DateField("bắt đầu (dự kiến)", null=True, blank=True)
    deadline = models.DateField("hạn chót", null=True, blank=True)
    state = models.CharField(
        "tình trạng", max_length=12, choices=PhaseState.choices, default=PhaseState.NOT_OPENED
    )
    opened_at = models.DateTimeField("mở lúc", null=True, blank=True)
    closed_at = models.DateTimeField("đóng lúc", null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "giai đoạn"
        verbose_name_plural = "giai đoạn"
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="phase_once_per_campaign"),
            models.CheckConstraint(
                condition=Q(deadline__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(deadline__gte=models.F("starts_on")),
                name="phase_deadline_after_start",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["not_opened", "open", "closed"]),
                name="phase_state_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.campaign}"


class PhaseException(models.Model):
    """A per-unit extension of a phase's deadline, with a reason."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="exceptions")
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    until = models.DateField("gia hạn đến")
    reason = models.TextField("lý do")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField("đang hiệu lực", default=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "gia hạn cho đơn vị"
        verbose_name_plural = "gia hạn cho đơn vị"
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "unit"], condition=Q(is_active=True), name="one_active_exception"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.phase} — đến {self.until:%d/%m/%Y}"


class NotApplicableDeclaration(models.Model):
    """Campaign-wide: a survey- or organiser-sourced node not applied this year, with a reason."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="na_declarations")
    framework = models.ForeignKey(
        "frameworks.FrameworkVersion", on_delete=models.PROTECT, related_name="+"
    )
    node_code = models.CharField("tiêu chí", max_length=32)
    node_name = models.TextField("tên tiêu chí", blank=True)
    source = models.CharField("nguồn điểm", max_length=16, blank=True)
    reason = models.TextField("lý do")
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField("đang hiệu lực", default=True)
    withdrawn_at = models.DateTimeField("rút lại lúc", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "tiêu chí không áp dụng trong đợt"
        verbose_name_plural = "tiêu chí không áp dụng trong đợt"
        ordering = ["campaign_id", "framework_id", "node_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "framework", "node_code"],
                condition=Q(is_active=True),
                name="na_declaration_unique_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_code} không áp dụng — {self.campaign}"

    @property
    def source_label(self) -> str:
        return ", ".join(SOURCE_LABELS.get(s, s) for s in self.source.split(",") if s)


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa thực hiện"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    CANCELLED = "cancelled", "Hủy bỏ"


class PlanTask(models.Model):
    """One row of a plan's task table. ``owner_unit`` empty: the campaign's own plan; set: that
    assessed unit's internal plan."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    owner_unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField("số thứ tự", default=0)
    title = models.TextField("nội dung nhiệm vụ")
    time_text = models.CharField(
        "thời gian thực hiện", max_length=255, blank=True, help_text='Ví dụ: "Tháng 10/2025"'
    )
    due_on = models.DateField("hạn hoàn thành", null=True, blank=True)
    phase = models.CharField(
        "thuộc giai đoạn", max_length=16, choices=PhaseKind.choices, blank=True
    )
    lead_units = models.ManyToManyField(
        "units.Unit", verbose_name="chủ trì", blank=True, related_name="+"
    )
    lead_text = models.CharField("chủ trì (ghi khác)", max_length=255, blank=True)
    co_units = models.ManyToManyField(
        "units.Unit", verbose_name="phối hợp", blank=True, related_name="+"
    )
    co_text = models.CharField(
        "phối hợp (ghi khác)",
        max_length=255,
        blank=True,
        help_text='Ví dụ: "Các cơ quan liên quan"',
    )
    status = models.CharField(
        "tình trạng", max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    done_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    notes = models.TextField("ghi chú", blank=True)
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "nhiệm vụ trong kế hoạch"
        verbose_name_plural = "nhiệm vụ trong kế hoạch"
        ordering = ["campaign_id", "owner_unit_id", "position", "id"]
        indexes = [models.Index(fields=["campaign", "owner_unit", "position"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress", "done", "cancelled"]),
                name="plan_task_status_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def is_finished(self) -> bool:
        return self.status in (TaskStatus.DONE, TaskStatus.CANCELLED)

    def is_overdue_on(self, day: date) -> bool:
        """Due before ``day`` and neither done nor cancelled."""
        return self.due_on is not None and self.due_on < day and not self.is_finished
