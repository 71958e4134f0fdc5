"""Browser: the organiser sets up a campaign through the pages (groups, units, sets, phases,
plan tasks), opens it and sees it on the dashboard; a unit head sees the deadline on theirs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.campaigns.models import AssessedUnit, Campaign, Phase, PlanTask
from parindex.campaigns.tests.factories import FrameworkVersionFactory
from parindex.frameworks.models import FrameworkStatus, FrameworkVersion
from parindex.units.kinds import UnitKind
from parindex.units.tests.factories import OrganiserFactory, UnitFactory

PASSWORD = "matkhau-Thu-123"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Xin chào")


def test_organiser_builds_campaign_and_head_sees_deadline(page: Any, live_server: Any) -> None:
    organiser = OrganiserFactory(code="so-noi-vu-thu", name="Sở Nội vụ tỉnh Thử")
    UnitFactory(
        code="so-tu-phap-thu", name="Sở Tư pháp", kind=UnitKind.SO_NGANH, organiser=organiser
    )
    son_linh = UnitFactory(
        code="son-linh-thu", name="UBND xã Sơn Lĩnh", kind=UnitKind.XA, organiser=organiser
    )
    UnitFactory(
        code="thanh-sen-thu",
        name="UBND phường Thành Sen",
        kind=UnitKind.PHUONG,
        organiser=organiser,
    )
    dept_set = FrameworkVersionFactory(
        organiser=organiser,
        code="bo-so-nganh",
        name="Bộ tiêu chí sở, ban, ngành 2025",
        applies_to=["so_nganh"],
    )
    commune_set = FrameworkVersionFactory(
        organiser=organiser,
        code="bo-xa",
        name="Bộ tiêu chí cấp xã 2025",
        applies_to=["xa", "phuong"],
    )
    user_with_role(Role.ORGANISER, organiser, username="thuongtruc")
    user_with_role(Role.HEAD, son_linh, username="chutich.sonlinh")
    base = live_server.url
    today = timezone.localdate()
    deadline = today + timedelta(days=5)
    shown_deadline = deadline.strftime("%d/%m/%Y")
    page.on("dialog", lambda dialog: dialog.accept())

    _login(page, base, "thuongtruc")
    page.click("nav.mainnav >> text=Đợt đánh giá")
    page.click("text=Tạo đợt đánh giá")

    # The campaign.
    page.fill("input[name=year]", "2025")
    page.fill("input[name=slug]", "cchc-2025")
    page.fill("input[name=name]", "Xác định Chỉ số CCHC năm 2025")
    page.fill("input[name=plan_reference]", "Kế hoạch số 215/KH-UBND")
    page.fill("input[name=period_start]", "01/01/2025")
    page.fill("input[name=period_end]", "31/12/2025")
    page.click("main form button[type=submit]")
    page.wait_for_selector("h1:has-text('Xác định Chỉ số CCHC năm 2025')")
    campaign = Campaign.objects.get(slug="cchc-2025")

    # Two ranking groups.
    page.click("ul.subnav >> text=Nhóm xếp hạng")
    for code, name in (("so-nganh", "Sở, ban, ngành"), ("xa-phuong", "Xã, phường")):
        page.fill("#group-form input[name=code]", code)
        page.fill("#group-form input[name=name]", name)
        page.click("#group-form button[type=submit]")
        page.wait_for_selector(f"td:has-text('{code}')")

    # One department with the departments' set; the communes and wards in bulk.
    page.click("ul.subnav >> text=Đơn vị được đánh giá")
    page.select_option("#unit-form select[name=unit]", label="Sở Tư pháp (Sở, ban, ngành)")
    page.select_option("#unit-form select[name=group]", label="Sở, ban, ngành")
    page.select_option("#unit-form select[name=framework]", str(dept_set.pk))
    page.click("#unit-form button[type=submit]")
    page.wait_for_selector("text=Đã thêm Sở Tư pháp")
    page.click("text=Thêm nhiều đơn vị theo loại")
    page.check("#bulk-form input[value=xa]")
    page.check("#bulk-form input[value=phuong]")
    page.select_option("#bulk-form select[name=group]", label="Xã, phường")
    page.select_option("#bulk-form select[name=framework]", str(commune_set.pk))
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector("text=Đã thêm 2 đơn vị")
    assert AssessedUnit.objects.filter(campaign=campaign).count() == 3

    # The self-assessment deadline, then open the campaign and the phase.
    page.click("ul.subnav >> text=Giai đoạn, thời hạn")
    section = page.locator("#phase-self_assessment")
    section.locator("input[name='self_assessment-starts_on']").fill(
        (today - timedelta(days=1)).strftime("%d/%m/%Y")
    )
    section.locator("input[name='self_assessment-deadline']").fill(shown_deadline)
    section.locator("text=Lưu thời gian").click()
    page.wait_for_selector("text=Đã lưu thời gian giai đoạn")
    page.click("ul.subnav >> text=Tổng quan")
    page.click("button:has-text('Mở đợt đánh giá')")
    page.wait_for_selector("text=Đã mở đợt đánh giá")
    page.locator("tr[data-phase=self_assessment] button:has-text('Mở')").click()
    page.wait_for_selector("text=Đã mở giai đoạn")
    assert Phase.objects.get(campaign=campaign, kind="self_assessment").state == "open"
    assert FrameworkVersion.objects.get(pk=commune_set.pk).status == FrameworkStatus.FROZEN

    # Plan tasks, one of them already overdue.
    page.click("ul.subnav >> text=Kế hoạch")
    page.fill("#task-form textarea[name=title]", "Triển khai kế hoạch, ban hành hướng dẫn")
    page.fill("#task-form input[name=time_text]", "Tháng 10/2025")
    page.fill("#task-form input[name=due_on]", (today - timedelta(days=2)).strftime("%d/%m/%Y"))
    page.select_option("#task-form select[name=lead_units]", label="Sở Nội vụ tỉnh Thử")
    page.fill("#task-form input[name=co_text]", "Các cơ quan liên quan")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("text=Đã thêm nhiệm vụ")
    page.fill("#task-form textarea[name=title]", "Tổ chức tự đánh giá, chấm điểm")
    page.fill("#task-form input[name=time_text]", f"Hoàn thành trước ngày {shown_deadline}")
    page.fill("#task-form input[name=due_on]", shown_deadline)
    page.select_option("#task-form select[name=phase]", "self_assessment")
    page.fill("#task-form input[name=lead_text]", "Các cơ quan, đơn vị, địa phương")
    page.click("#task-form button[type=submit]")
    page.wait_for_selector("text=Đã thêm nhiệm vụ")
    assert PlanTask.objects.filter(campaign=campaign).count() == 2

    # The dashboard shows it all.
    page.click("ul.subnav >> text=Tổng quan")
    assert page.inner_text("#campaign-status") == "Đang triển khai"
    row = page.inner_text("tr[data-phase=self_assessment]")
    assert shown_deadline in row and "Đang mở" in row and "còn 5 ngày" in row
    body = page.inner_text("main")
    assert "UBND xã Sơn Lĩnh" in body and "UBND phường Thành Sen" in body
    assert "Sở Tư pháp" in body
    assert "1 nhiệm vụ quá hạn" in body
    assert page.locator("tr.overdue").count() == 1
    assert page.inner_text("#plan-percent") == "0%"

    # The commune's head sees the deadline on the home page and on the unit's dashboard.
    page.context.clear_cookies()
    _login(page, base, "chutich.sonlinh")
    assert f"Hạn tự đánh giá gần nhất: {shown_deadline} (còn 5 ngày)" in page.inner_text("main")
    page.click("text=Đợt 2025: việc cần làm")
    nearest = page.inner_text("#nearest-deadline")
    assert shown_deadline in nearest and "còn 5 ngày" in nearest
    assert "Hoàn thành tự đánh giá, chấm điểm" in page.inner_text("#next-steps")
    assert "Xã, phường" in page.inner_text("main")
    assert "Bộ tiêu chí cấp xã 2025" in page.inner_text("main")
