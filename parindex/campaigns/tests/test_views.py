"""Pages: forms accept dd/mm/yyyy, service refusals are shown, dashboards show what matters,
the home page carries the campaign lines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from parindex.campaigns import services
from parindex.campaigns.models import (
    AssessedUnit,
    Campaign,
    NotApplicableDeclaration,
    Phase,
    PhaseException,
    PlanTask,
)
from parindex.campaigns.tests.conftest import Setup, World
from parindex.units.kinds import UnitKind
from parindex.units.tests.factories import UnitFactory


def login(client: Client, world: World, role: str = "organiser") -> Client:
    client.force_login(world.users[role])
    return client


def test_create_campaign_with_vietnamese_dates(client: Client, world: World) -> None:
    login(client, world)
    response = client.post(
        reverse("campaigns:create"),
        {
            "organiser": world.organiser.pk,
            "year": 2025,
            "slug": "cchc-2025",
            "name": "Xác định Chỉ số CCHC năm 2025",
            "plan_reference": "Kế hoạch số 12/KH-UBND",
            "period_start": "01/01/2025",
            "period_end": "31/12/2025",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="cchc-2025")
    assert campaign.period_end == date(2025, 12, 31)
    assert response["Location"] == reverse("campaigns:detail", args=["cchc-2025"])


def test_create_form_shows_bad_date_in_vietnamese(client: Client, world: World) -> None:
    login(client, world)
    response = client.post(
        reverse("campaigns:create"),
        {
            "organiser": world.organiser.pk,
            "year": 2025,
            "slug": "x",
            "name": "X",
            "period_end": "31-13-2025",
        },
    )
    assert response.status_code == 200
    assert "Nhập ngày theo dạng dd/mm/yyyy" in response.content.decode()


def test_create_form_offers_only_own_organiser(client: Client, world: World) -> None:
    login(client, world)
    body = client.get(reverse("campaigns:create")).content.decode()
    assert world.organiser.name in body
    assert world.other_organiser.name not in body


def test_add_unit_refusal_is_shown_on_the_form(client: Client, world: World, setup: Setup) -> None:
    login(client, world)
    response = client.post(
        reverse("campaigns:units", args=[setup.campaign.slug]),
        {"unit": world.ward.pk, "group": setup.dept_group.pk, "framework": world.dept_set.pk},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "UBND phường Thành Sen" in body
    assert "Bộ tiêu chí sở, ban, ngành 2025" in body
    assert "chỉ áp dụng cho" in body


def test_bulk_add_by_kind(client: Client, world: World, setup: Setup) -> None:
    UnitFactory(
        code="ky-anh-t", name="UBND phường Kỳ Anh", kind=UnitKind.PHUONG, organiser=world.organiser
    )
    login(client, world)
    url = reverse("campaigns:units_bulk", args=[setup.campaign.slug])
    refused = client.post(
        url, {"kinds": ["phuong"], "group": setup.dept_group.pk, "framework": world.dept_set.pk}
    )
    body = refused.content.decode()
    assert "Chưa thêm đơn vị nào (2 lỗi)" in body
    assert "UBND phường Kỳ Anh" in body and "UBND phường Thành Sen" in body
    ok = client.post(
        url,
        {"kinds": ["phuong"], "group": setup.commune_group.pk, "framework": world.commune_set.pk},
    )
    assert ok.status_code == 302
    assert AssessedUnit.objects.filter(campaign=setup.campaign, unit__kind="phuong").count() == 2


def test_bulk_add_skips_merged_units_and_filters_by_text(
    client: Client, world: World, setup: Setup
) -> None:
    login(client, world)
    url = reverse("campaigns:units_bulk", args=[setup.campaign.slug])
    response = client.post(
        url,
        {
            "kinds": ["xa", "phuong"],
            "q": "thanh sen",
            "group": setup.commune_group.pk,
            "framework": world.commune_set.pk,
        },
    )
    assert response.status_code == 302
    assert AssessedUnit.objects.filter(campaign=setup.campaign, unit=world.ward).exists()
    assert not AssessedUnit.objects.filter(unit=world.merged).exists()


def test_phase_dates_exception_and_open_through_pages(
    client: Client, world: World, setup: Setup
) -> None:
    login(client, world)
    slug = setup.campaign.slug
    phase = Phase.objects.get(campaign=setup.campaign, kind="self_assessment")
    response = client.post(
        reverse("campaigns:phase_dates", args=[slug, "self_assessment"]),
        {
            "self_assessment-starts_on": "01/11/2025",
            "self_assessment-deadline": "30/11/2025",
            "self_assessment-revision": phase.revision,
        },
    )
    assert response.status_code == 302
    phase.refresh_from_db()
    assert (phase.starts_on, phase.deadline) == (date(2025, 11, 1), date(2025, 11, 30))
    client.post(reverse("campaigns:open", args=[slug]))
    client.post(reverse("campaigns:phase_action", args=[slug, "self_assessment", "mo"]))
    phase.refresh_from_db()
    assert phase.state == "open"
    client.post(
        reverse("campaigns:exception_grant", args=[slug, "self_assessment"]),
        {
            "ex-self_assessment-unit": world.commune.pk,
            "ex-self_assessment-until": "05/12/2025",
            "ex-self_assessment-reason": "Bão số 5",
        },
    )
    assert PhaseException.objects.get(phase=phase).until == date(2025, 12, 5)
    page = client.get(reverse("campaigns:phases", args=[slug])).content.decode()
    assert "30/11/2025" in page and "05/12/2025" in page and "Bão số 5" in page
    refused = client.post(
        reverse("campaigns:exception_grant", args=[slug, "self_assessment"]),
        {
            "ex-self_assessment-unit": world.commune2.pk,
            "ex-self_assessment-until": "20/11/2025",
            "ex-self_assessment-reason": "x",
        },
        follow=True,
    )
    assert "phải từ hạn chót của giai đoạn (30/11/2025)" in refused.content.decode()


def test_reopen_needs_a_reason(client: Client, world: World, setup: Setup) -> None:
    login(client, world)
    slug = setup.campaign.slug
    client.post(reverse("campaigns:open", args=[slug]))
    client.post(reverse("campaigns:phase_action", args=[slug, "surveys", "mo"]))
    client.post(reverse("campaigns:phase_action", args=[slug, "surveys", "dong"]))
    refused = client.post(
        reverse("campaigns:phase_action", args=[slug, "surveys", "mo-lai"]), follow=True
    )
    assert "Cần nhập lý do mở lại" in refused.content.decode()
    client.post(
        reverse("campaigns:phase_action", args=[slug, "surveys", "mo-lai"]),
        {"re-surveys-reason": "Bổ sung phiếu", "re-surveys-deadline": "31/12/2025"},
    )
    phase = Phase.objects.get(campaign=setup.campaign, kind="surveys")
    assert (phase.state, phase.deadline) == ("open", date(2025, 12, 31))


def test_na_page_offers_survey_and_organiser_nodes(
    client: Client, world: World, setup: Setup
) -> None:
    login(client, world)
    url = reverse("campaigns:na", args=[setup.campaign.slug])
    body = client.get(url).content.decode()
    assert f"{world.commune_set.pk}:2.1" in body
    assert f"{world.commune_set.pk}:1.1" not in body
    client.post(url, {"node": f"{world.commune_set.pk}:2.1", "reason": "Không khảo sát"})
    assert NotApplicableDeclaration.objects.filter(node_code="2.1", is_active=True).exists()
    detail = client.get(reverse("campaigns:detail", args=[setup.campaign.slug])).content.decode()
    assert "Không khảo sát" in detail


def test_plan_tasks_through_pages_with_overdue_highlight(
    client: Client, world: World, setup: Setup
) -> None:
    login(client, world)
    slug = setup.campaign.slug
    url = reverse("campaigns:plan", args=[slug])
    yesterday = timezone.localdate() - timedelta(days=1)
    client.post(
        url,
        {
            "title": "Triển khai kế hoạch",
            "time_text": "Tháng 10/2025",
            "due_on": yesterday.strftime("%d/%m/%Y"),
            "lead_units": [world.organiser.pk],
            "co_text": "Các cơ quan liên quan",
        },
    )
    client.post(
        url,
        {
            "title": "Tự đánh giá",
            "time_text": "Hoàn thành trước ngày 30/11/2099",
            "due_on": "30/11/2099",
            "lead_text": "Các cơ quan chuyên môn",
            "co_units": [world.organiser.pk],
            "phase": "self_assessment",
        },
    )
    tasks = list(PlanTask.objects.filter(campaign=setup.campaign).order_by("position"))
    assert [t.title for t in tasks] == ["Triển khai kế hoạch", "Tự đánh giá"]
    body = client.get(url).content.decode()
    for header in ("STT", "Nội dung", "Thời gian", "Chủ trì", "Phối hợp", "Tình trạng"):
        assert f"<th>{header}</th>" in body or f'<th class="num">{header}</th>' in body
    assert 'class="overdue"' in body
    assert "Tháng 10/2025" in body and "Các cơ quan liên quan" in body
    assert "1 nhiệm vụ quá hạn" in body
    client.post(reverse("campaigns:task_move", args=[slug, tasks[1].pk, "len"]))
    assert list(
        PlanTask.objects.filter(campaign=setup.campaign)
        .order_by("position")
        .values_list("title", flat=True)
    ) == ["Tự đánh giá", "Triển khai kế hoạch"]
    client.post(
        reverse("campaigns:task_status", args=[slug, tasks[0].pk]),
        {"status": "done", "revision": tasks[0].revision},
    )
    detail = client.get(reverse("campaigns:detail", args=[slug])).content.decode()
    assert "50%" in detail
    assert 'class="overdue"' not in detail


def test_task_lead_unit_outside_registry_refused(
    client: Client, world: World, setup: Setup
) -> None:
    login(client, world)
    response = client.post(
        reverse("campaigns:plan", args=[setup.campaign.slug]),
        {"title": "X", "lead_units": [world.other_organiser.pk]},
    )
    assert response.status_code == 200
    assert not PlanTask.objects.exists()


def test_dashboard_shows_phases_units_and_open_button(
    client: Client, world: World, setup: Setup
) -> None:
    login(client, world)
    body = client.get(reverse("campaigns:detail", args=[setup.campaign.slug])).content.decode()
    assert "Mở đợt đánh giá" in body
    assert "Tự đánh giá, chấm điểm" in body
    assert "UBND xã Sơn Lĩnh" in body and "Sở Tư pháp" in body
    assert "Bộ tiêu chí cấp xã 2025" in body
    assert "dự thảo — sẽ khóa khi mở đợt" in body
    login(client, world, "chairman")
    body = client.get(reverse("campaigns:detail", args=[setup.campaign.slug])).content.decode()
    assert "Mở đợt đánh giá</button>" not in body


def test_unit_dashboard_shows_own_deadline_and_next_steps(
    client: Client, world: World, setup: Setup
) -> None:
    organiser = world.users["organiser"]
    today = timezone.localdate()
    phase = Phase.objects.get(campaign=setup.campaign, kind="self_assessment")
    services.phase_set_dates(
        phase=phase,
        actor=organiser,
        expected_revision=phase.revision,
        starts_on=None,
        deadline=today + timedelta(days=5),
    )
    services.campaign_open(campaign=setup.campaign, actor=organiser)
    services.phase_open(phase=phase, actor=organiser)
    services.exception_grant(
        phase=phase,
        unit=world.commune2,
        until=today + timedelta(days=9),
        reason="Bão",
        actor=organiser,
    )
    login(client, world, "head")
    body = client.get(
        reverse("campaigns:unit_dashboard", args=[setup.campaign.slug, world.commune.code])
    ).content.decode()
    shown = (today + timedelta(days=5)).strftime("%d/%m/%Y")
    assert shown in body
    assert "còn 5 ngày" in body
    assert "Việc cần làm tiếp theo" in body
    assert "Hoàn thành tự đánh giá, chấm điểm" in body
    assert "Lập kế hoạch nội bộ" in body
    assert "Xã, phường" in body and "Bộ tiêu chí cấp xã 2025" in body
    login(client, world, "other_head")
    other = client.get(
        reverse("campaigns:unit_dashboard", args=[setup.campaign.slug, world.commune2.code])
    ).content.decode()
    assert (today + timedelta(days=9)).strftime("%d/%m/%Y") in other
    assert "gia hạn" in other


def test_home_panels(client: Client, world: World, setup: Setup) -> None:
    organiser = world.users["organiser"]
    today = timezone.localdate()
    phase = Phase.objects.get(campaign=setup.campaign, kind="self_assessment")
    services.phase_set_dates(
        phase=phase,
        actor=organiser,
        expected_revision=phase.revision,
        starts_on=None,
        deadline=today + timedelta(days=3),
    )
    services.campaign_open(campaign=setup.campaign, actor=organiser)
    services.phase_open(phase=phase, actor=organiser)
    services.task_create(
        campaign=setup.campaign, actor=organiser, title="Trễ", due_on=today - timedelta(days=2)
    )
    login(client, world)
    body = client.get(reverse("web:home")).content.decode()
    assert "Đợt đang triển khai: Xác định Chỉ số CCHC năm 2025 — 1 nhiệm vụ quá hạn" in body
    login(client, world, "head")
    body = client.get(reverse("web:home")).content.decode()
    shown = (today + timedelta(days=3)).strftime("%d/%m/%Y")
    assert f"Hạn tự đánh giá gần nhất: {shown} (còn 3 ngày)" in body


def test_navigation_has_campaigns_for_every_role(client: Client, world: World) -> None:
    for role in ("organiser", "officer", "observer"):
        login(client, world, role)
        body = client.get(reverse("web:home")).content.decode()
        assert f'href="{reverse("campaigns:list")}"' in body


@pytest.mark.parametrize("role", ["head", "focal"])
def test_unit_people_keep_their_internal_plan(
    client: Client, world: World, setup: Setup, role: str
) -> None:
    services.campaign_open(campaign=setup.campaign, actor=world.users["organiser"])
    login(client, world, role)
    url = reverse("campaigns:unit_plan", args=[setup.campaign.slug, world.commune.code])
    client.post(url, {"title": "Phân công", "lead_text": "Công chức Văn phòng - Thống kê"})
    task = PlanTask.objects.get(owner_unit=world.commune)
    assert task.lead_text == "Công chức Văn phòng - Thống kê"
    assert "Phân công" in client.get(url).content.decode()
