"""Browser, at 1366 px and at 390 px: an officer types a count that breaks a consistency check
and sees the message at once, beside the inputs, without submitting anything; the head cannot
submit while that entry is invalid and is told why; the officer fixes it and reads the
explanation in words with the values typed; then the head may submit.

Screenshots are kept in ``test-artifacts/entry-checks/`` (or ``$PARINDEX_SCREENSHOTS``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from parindex.assessments.models import Entry
from parindex.assessments.services import assignment_set
from parindex.assessments.tests.factories import (
    DONE_OVER_PLANNED,
    PASSWORD,
    build_world,
    checked_version,
)
from parindex.assessments.tests.helpers import explain_required_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("PARINDEX_SCREENSHOTS") or REPO / "test-artifacts" / "entry-checks")
SAVED = 15000  # a save may retry once after a busy test database
CRITERION = "n-1-1-2"  # done / planned, with the check "done <= planned"


def _shot(page: Any, name: str, element: str | None = None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if element:
        page.locator(element).screenshot(path=str(SHOTS / f"{name}.png"))
    else:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "dang-nhap" not in url)


def _no_horizontal_overflow(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("width,height", [(1366, 900), (390, 844)], ids=["1366", "390"])
def test_a_broken_check_is_shown_at_once_and_blocks_the_submission(
    browser: Any, live_server: Any, width: int, height: int
) -> None:
    from playwright.sync_api import expect

    world = build_world(version_builder=checked_version, prefix=f"w{width}")
    a = world.assessment()
    officer = world.users["officer"]
    assignment_set(actor=world.users["focal"], assessment=a, node_code="1", assignee=officer)
    explain_required_evidence(world, a)
    base = live_server.url
    detail = base + reverse("assessments:detail", args=[a.pk])
    size = {"width": width, "height": height}
    tag = str(width)

    officer_context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=size
    )
    page = officer_context.new_page()
    page.set_default_timeout(15000)
    _login(page, base, officer.username)
    page.goto(detail + "?loc=cua-toi")
    crit = page.locator(f"#{CRITERION}")
    score = page.locator(f"#{CRITERION}-score")

    # The rule in words is on the form, with its check.
    rule = crit.locator("[data-rule]")
    expect(rule).to_contain_text("Số nhiệm vụ đã hoàn thành")
    expect(rule).to_contain_text("Kiểm tra:")
    expect(rule).not_to_contain_text("done")

    # 1. 12 done of 10 planned: the message at once, beside the inputs; no points.
    page.fill(f"#{CRITERION}-done", "12")
    page.fill(f"#{CRITERION}-planned", "10")
    expect(score.locator("[data-errors]")).to_contain_text(DONE_OVER_PLANNED)
    expect(score.locator("[data-points]")).to_have_text("—")
    expect(page.locator(f"#{CRITERION}-done")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#{CRITERION}-planned")).to_have_attribute("aria-invalid", "true")
    expect(crit).to_have_attribute("data-state", "error")
    expect(crit.locator("[data-save-state]")).to_contain_text("Đã lưu lúc", timeout=SAVED)
    crit.scroll_into_view_if_needed()
    _no_horizontal_overflow(page)
    _shot(page, f"{tag}-1-officer-check-fails")
    _shot(page, f"{tag}-1-officer-check-fails-criterion", f"#{CRITERION}")
    stored = Entry.objects.get(assessment=a, node_code="1.1.2")
    assert stored.raw_inputs == {"done": "12", "planned": "10"} and stored.points is None

    # 2. The head cannot submit while the entry is invalid, and reads why.
    head_context = browser.new_context(
        locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport=size
    )
    head = head_context.new_page()
    head.set_default_timeout(15000)
    _login(head, base, world.users["head"].username)
    head.goto(detail)
    expect(head.locator("button[data-action=submit]")).to_be_disabled()
    expect(head.locator("#why-submit")).to_contain_text("Chưa gửi được")
    _no_horizontal_overflow(head)
    _shot(head, f"{tag}-2-head-cannot-submit")
    head.goto(base + reverse("assessments:submit", args=[a.pk]))
    blocking = head.locator("#blocking")
    expect(blocking).to_contain_text("Tiêu chí 1.1.2")
    expect(blocking).to_contain_text(DONE_OVER_PLANNED)
    expect(head.locator("#confirm-submit")).to_have_count(0)
    _no_horizontal_overflow(head)
    _shot(head, f"{tag}-3-head-submit-page-blocked", "main")

    # 3. The officer fixes it and reads the explanation in words with the values typed.
    page.fill(f"#{CRITERION}-done", "9")
    expect(score.locator("[data-errors]")).to_have_count(0)
    explanation = score.locator("[data-explanation]")
    expect(explanation).to_contain_text("Số nhiệm vụ đã hoàn thành 9")
    expect(explanation).to_contain_text("Số nhiệm vụ theo kế hoạch 10")
    expect(explanation).to_contain_text("0,50")
    expect(explanation).not_to_contain_text("max_points")
    expect(explanation).not_to_contain_text("done")
    expect(score.locator("[data-points]")).to_have_text("0,50")
    expect(page.locator(f"#{CRITERION}-done")).not_to_have_attribute("aria-invalid", "true")
    expect(crit.locator("[data-save-state]")).to_contain_text("Đã lưu lúc", timeout=SAVED)
    expect(crit).to_have_attribute("data-state", "done")
    crit.scroll_into_view_if_needed()
    _no_horizontal_overflow(page)
    _shot(page, f"{tag}-4-officer-fixed")
    _shot(page, f"{tag}-4-officer-fixed-criterion", f"#{CRITERION}")
    officer_context.close()

    # 4. Now the head may submit.
    head.goto(detail)
    head.click("a[data-action=submit]")
    expect(head.locator("#blocking")).to_have_count(0)
    head.click("#confirm-submit")
    expect(head.locator("#status")).to_have_text("Đã gửi")
    _shot(head, f"{tag}-5-head-submitted")
    head_context.close()
