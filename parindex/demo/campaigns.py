"""The demo campaign: Sở Nội vụ tỉnh Sơn Hà's 2025 campaign, under way around today.

``load_demo_campaign(departments_set, communes_set)`` is idempotent: run twice, it adds
nothing. Everything goes through the services (so the audit trail and the freezing of the sets
are real). Dates are relative to today, so the demo always shows an open self-assessment with
its deadline a few days ahead, a survey under way and a couple of overdue plan tasks.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from parindex.accounts.models import User
from parindex.campaigns import services
from parindex.campaigns.models import (
    AssessedUnit,
    Campaign,
    Phase,
    PhaseException,
    PhaseState,
    PlanTask,
    RankingGroup,
    TaskStatus,
)
from parindex.campaigns.permissions import can_create_campaign, can_edit_unit_plan
from parindex.frameworks.models import FrameworkVersion
from parindex.units.models import Unit

from .data import DEMO_UNIT, ORGANISER, ORGANISER_USERNAME, SYSTEM_ACTOR, UNIT_FOCAL_USERNAME

SLUG = "cchc-2025"
YEAR = 2025


def _month(day: date) -> str:
    return f"Tháng {day.month:02d}/{day.year}"


def _before(day: date) -> str:
    return f"Hoàn thành trước ngày {day:%d/%m/%Y}"


def _phases(today: date) -> dict[str, tuple[date, date, bool]]:
    """kind -> (planned start, deadline, open now)."""
    d = timedelta
    return {
        "self_assessment": (today - d(days=20), today + d(days=5), True),
        "surveys": (today - d(days=10), today + d(days=20), True),
        "appraisal": (today + d(days=6), today + d(days=35), False),
        "explanation": (today + d(days=20), today + d(days=40), False),
        "approval": (today + d(days=41), today + d(days=50), False),
        "publication": (today + d(days=51), today + d(days=60), False),
    }


def _plan(today: date, phases: dict[str, tuple[date, date, bool]]) -> list[dict[str, Any]]:
    """The campaign plan, shaped like a provincial plan's task table (seed plan II)."""
    d = timedelta
    sa_end = phases["self_assessment"][1]
    survey_end = phases["surveys"][1]
    appraisal_end = phases["appraisal"][1]
    approval_end = phases["approval"][1]
    publication_end = phases["publication"][1]
    return [
        {
            "title": "Triển khai Kế hoạch xác định Chỉ số CCHC năm 2025; ban hành văn bản hướng "
            "dẫn các cơ quan, đơn vị, địa phương tự đánh giá, chấm điểm.",
            "time_text": _month(today - d(days=45)),
            "due_on": today - d(days=30),
            "lead": ["so-noi-vu"],
            "co_text": "Các cơ quan liên quan",
            "status": TaskStatus.DONE,
        },
        {
            "title": "Tổ chức Hội nghị triển khai, quán triệt Bộ tiêu chí xác định Chỉ số CCHC.",
            "time_text": _month(today - d(days=28)),
            "due_on": today - d(days=25),
            "lead": ["so-noi-vu"],
            "co": ["van-phong-ubnd"],
            "status": TaskStatus.DONE,
        },
        {
            "title": "Tổ chức tự đánh giá, chấm điểm (gửi báo cáo tự đánh giá, chấm điểm, tài "
            "liệu kiểm chứng, báo cáo giải trình về UBND tỉnh, qua Sở Nội vụ).",
            "time_text": _before(sa_end),
            "due_on": sa_end,
            "phase": "self_assessment",
            "lead_text": "Các sở, ban, ngành và UBND các xã, phường, đặc khu",
            "co": ["so-noi-vu"],
            "status": TaskStatus.IN_PROGRESS,
        },
        {
            "title": "Cung cấp danh sách tổ chức, cá nhân đã giải quyết thủ tục hành chính để "
            "chọn mẫu khảo sát sự hài lòng.",
            "time_text": _before(today - d(days=3)),
            "due_on": today - d(days=3),
            "phase": "surveys",
            "lead_text": "Các cơ quan, đơn vị, địa phương",
            "co": ["so-noi-vu"],
            "status": TaskStatus.IN_PROGRESS,
        },
        {
            "title": "Triển khai khảo sát, đánh giá sự hài lòng của người dân, tổ chức đối với "
            "sự phục vụ của cơ quan hành chính nhà nước năm 2025 (SIPAS).",
            "time_text": f"Triển khai trong {_month(today).lower()}",
            "due_on": survey_end,
            "phase": "surveys",
            "lead": ["so-noi-vu"],
            "co_text": "Các cơ quan, đơn vị, địa phương",
            "status": TaskStatus.IN_PROGRESS,
        },
        {
            "title": "Điều tra xã hội học phục vụ xác định Chỉ số CCHC năm 2025. Đối tượng: đại "
            "biểu HĐND tỉnh; lãnh đạo các sở, ban, ngành; lãnh đạo UBND cấp xã.",
            "time_text": _before(survey_end),
            "due_on": survey_end,
            "phase": "surveys",
            "lead": ["so-noi-vu"],
            "co_text": "Các cơ quan, đơn vị, địa phương",
            "status": TaskStatus.NOT_STARTED,
        },
        {
            "title": "Trình Chủ tịch UBND tỉnh quyết định thành lập Hội đồng thẩm định và Tổ thư "
            "ký giúp việc Hội đồng.",
            "time_text": _before(today - d(days=2)),
            "due_on": today - d(days=2),
            "lead": ["so-noi-vu"],
            "co": ["so-tu-phap", "van-phong-ubnd"],
            "status": TaskStatus.NOT_STARTED,
        },
        {
            "title": "Thẩm định kết quả tự đánh giá, chấm điểm của các cơ quan, đơn vị, "
            "địa phương.",
            "time_text": _month(appraisal_end),
            "due_on": appraisal_end,
            "phase": "appraisal",
            "lead": ["so-noi-vu"],
            "co_text": "Các cơ quan là thành viên Hội đồng thẩm định",
            "status": TaskStatus.NOT_STARTED,
        },
        {
            "title": "Tổng hợp, xây dựng báo cáo kết quả Chỉ số CCHC năm 2025.",
            "time_text": _month(approval_end),
            "due_on": approval_end - d(days=5),
            "lead": ["so-noi-vu"],
            "status": TaskStatus.NOT_STARTED,
        },
        {
            "title": "Trình Chủ tịch UBND tỉnh phê duyệt kết quả Chỉ số CCHC năm 2025.",
            "time_text": _before(approval_end),
            "due_on": approval_end,
            "phase": "approval",
            "lead": ["so-noi-vu"],
            "co": ["van-phong-ubnd"],
            "status": TaskStatus.NOT_STARTED,
        },
        {
            "title": "Công bố Chỉ số CCHC năm 2025 của các sở, ban, ngành và UBND các xã, "
            "phường, đặc khu.",
            "time_text": _month(publication_end),
            "due_on": publication_end,
            "phase": "publication",
            "lead": ["so-noi-vu"],
            "co": ["van-phong-ubnd"],
            "status": TaskStatus.NOT_STARTED,
        },
    ]


def _unit_plan(today: date, sa_end: date) -> list[dict[str, Any]]:
    """A commune's internal plan: sections score their own field, the focal officer
    consolidates, the chairman approves and submits."""
    return [
        {
            "title": "Phân công công chức chuyên môn tự đánh giá, chấm điểm theo từng lĩnh vực.",
            "time_text": _month(today - timedelta(days=15)),
            "due_on": today - timedelta(days=15),
            "lead_text": "Công chức Văn phòng - Thống kê (đầu mối)",
            "co_text": "Các công chức chuyên môn",
            "status": TaskStatus.DONE,
        },
        {
            "title": "Các bộ phận tự rà soát, chấm điểm lĩnh vực phụ trách, kèm tài liệu "
            "kiểm chứng.",
            "time_text": _before(sa_end - timedelta(days=3)),
            "due_on": sa_end - timedelta(days=3),
            "lead_text": "Các công chức chuyên môn",
            "status": TaskStatus.IN_PROGRESS,
        },
        {
            "title": "Tổng hợp, trình Chủ tịch UBND xã phê duyệt và nộp kết quả tự đánh giá.",
            "time_text": _before(sa_end),
            "due_on": sa_end,
            "phase": "self_assessment",
            "lead_text": "Công chức Văn phòng - Thống kê (đầu mối)",
            "status": TaskStatus.NOT_STARTED,
        },
    ]


def _actor() -> Any:
    user = User.objects.filter(username=ORGANISER_USERNAME, is_active=True).first()
    if user is not None:
        organiser = Unit.objects.get(code=ORGANISER["code"])
        if can_create_campaign(user, organiser):
            return user
    return SYSTEM_ACTOR


def _unit_actor(campaign: Campaign, unit: Unit) -> Any:
    user = User.objects.filter(username=UNIT_FOCAL_USERNAME, is_active=True).first()
    if user is not None:
        if can_edit_unit_plan(user, campaign, unit):
            return user
    return SYSTEM_ACTOR


def _units(codes: list[str]) -> list[Unit]:
    by_code = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def _add_tasks(
    campaign: Campaign, owner: Unit | None, rows: list[dict[str, Any]], actor: Any
) -> None:
    existing = set(
        PlanTask.objects.filter(campaign=campaign, owner_unit=owner).values_list("title", flat=True)
    )
    for row in rows:
        if row["title"] in existing:
            continue
        task = services.task_create(
            campaign=campaign,
            owner_unit=owner,
            actor=actor,
            title=row["title"],
            time_text=row.get("time_text", ""),
            due_on=row.get("due_on"),
            phase=row.get("phase", ""),
            lead_units=_units(row.get("lead", [])),
            lead_text=row.get("lead_text", ""),
            co_units=_units(row.get("co", [])),
            co_text=row.get("co_text", ""),
        )
        if row.get("status", TaskStatus.NOT_STARTED) != TaskStatus.NOT_STARTED:
            services.task_set_status(task=task, actor=actor, status=row["status"])


@transaction.atomic
def load_demo_campaign(
    departments_set: FrameworkVersion, communes_set: FrameworkVersion
) -> Campaign:
    """Create (once) the demo 2025 campaign with two ranking groups, its plan and phases."""
    organiser = Unit.objects.get(code=ORGANISER["code"])
    actor = _actor()
    today = timezone.localdate()
    campaign = Campaign.objects.filter(slug=SLUG).first()
    if campaign is None:
        campaign = services.campaign_create(
            actor=actor,
            organiser=organiser,
            year=YEAR,
            slug=SLUG,
            name="Xác định Chỉ số CCHC năm 2025 của các sở, ban, ngành và UBND cấp xã",
            plan_reference="Kế hoạch số 215/KH-UBND của UBND tỉnh Sơn Hà (minh họa)",
            period_start=date(YEAR, 1, 1),
            period_end=date(YEAR, 12, 31),
        )

    groups: dict[str, RankingGroup] = {g.code: g for g in campaign.groups.all()}
    for code, name in (
        ("so-nganh", "Sở, ban, ngành và cơ quan Trung ương đóng trên địa bàn"),
        ("xa-phuong", "Xã, phường, đặc khu"),
    ):
        if code not in groups:
            groups[code] = services.group_create(
                campaign=campaign, actor=actor, code=code, name=name
            )

    already = set(AssessedUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    registry = (
        Unit.objects.filter(Q(organiser=organiser) | Q(pk=organiser.pk))
        .valid_on(campaign.last_day)
        .exclude(pk__in=already)
        .order_by("name_folded")
    )
    taken: set[int] = set()
    for group_code, version in (("so-nganh", departments_set), ("xa-phuong", communes_set)):
        kinds = [str(k) for k in (version.applies_to or [])]
        units = [u for u in registry if u.kind in kinds and u.pk not in taken]
        if units:
            services.assessed_units_add_bulk(
                campaign=campaign,
                units=units,
                group=groups[group_code],
                framework=version,
                actor=actor,
            )
            taken.update(u.pk for u in units)

    phases = _phases(today)
    for phase in Phase.objects.filter(campaign=campaign):
        starts_on, deadline, _open = phases[phase.kind]
        if phase.deadline is None:
            services.phase_set_dates(
                phase=phase,
                actor=actor,
                expected_revision=phase.revision,
                starts_on=starts_on,
                deadline=deadline,
            )

    campaign.refresh_from_db()
    if campaign.is_preparing and campaign.assessed_units.exists():
        services.campaign_open(campaign=campaign, actor=actor)
    if campaign.is_open:
        for phase in Phase.objects.filter(campaign=campaign, state=PhaseState.NOT_OPENED):
            if phases[phase.kind][2]:
                services.phase_open(phase=phase, actor=actor)

    _add_tasks(campaign, None, _plan(today, phases), actor)

    island = AssessedUnit.objects.filter(campaign=campaign, unit__code="dao-son-ha").first()
    sa = Phase.objects.get(campaign=campaign, kind="self_assessment")
    if (
        island is not None
        and sa.deadline is not None
        and not PhaseException.objects.filter(phase=sa, unit=island.unit).exists()
    ):
        services.exception_grant(
            phase=sa,
            unit=island.unit,
            until=sa.deadline + timedelta(days=7),
            reason="Ảnh hưởng của bão, tuyến đường thủy ra đảo bị gián đoạn nhiều ngày.",
            actor=actor,
        )

    commune = AssessedUnit.objects.filter(campaign=campaign, unit__code=DEMO_UNIT).first()
    if commune is not None and campaign.is_open and sa.deadline is not None:
        unit_actor = _unit_actor(campaign, commune.unit)
        _add_tasks(campaign, commune.unit, _unit_plan(today, sa.deadline), unit_actor)
    return campaign
