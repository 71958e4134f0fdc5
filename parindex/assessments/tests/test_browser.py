"""Browser: an officer fills three criteria of different rule shapes and sees the points
update; the session expires mid-typing and nothing is lost (in-place login); the head submits;
the organiser sees it on the progress board."""

from __future__ import annotations

import os
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from ..models import Entry
from ..services import assignment_set, entry_save
from .factories import PASSWORD, build_world
from .helpers import explain_required_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PARINDEX_SCREENSHOTS", "")
# Saves retry after a busy database (the test server's in-memory SQLite locks whole tables
# while another request writes), so waits for "saved" allow for one retry.
SAVED = 15000


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=False)


def _login(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "dang-nhap" not in url)


def _points(page: Any, dom_id: str) -> Any:
    return page.locator(f"#{dom_id}-score [data-points]")


def _state(page: Any, dom_id: str) -> Any:
    return page.locator(f"#{dom_id} [data-save-state]")


def test_officer_fills_session_expires_head_submits_organiser_sees(
    page: Any, live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    world = build_world(prefix="b")
    a = world.assessment()
    officer = world.users["officer"]
    assignment_set(actor=world.users["focal"], assessment=a, node_code="1", assignee=officer)
    explain_required_evidence(world, a)
    base = live_server.url
    detail = base + reverse("assessments:detail", args=[a.pk])

    _login(page, base, officer.username)
    page.goto(detail + "?loc=cua-toi")
    # 1. A date rule, a general rule with two numbers, a checklist.
    page.fill("#n-1-1-1-issued_on", "20/01/2025")
    expect(_points(page, "n-1-1-1")).to_have_text("1,00")
    page.fill("#n-1-4-1-done", "9")
    page.fill("#n-1-4-1-planned", "10")
    expect(_points(page, "n-1-4-1")).to_have_text("0,90")
    expect(page.locator("#n-1-4-1-score [data-explanation]")).to_contain_text(
        "Số chỉ tiêu tuyên truyền đã hoàn thành 9"
    )
    expect(page.locator("#n-1-4-1-score [data-explanation]")).to_contain_text("= 0,90")
    page.check("#n-1-4-2 input[name='in-items-0']")
    page.check("#n-1-4-2 input[name='in-items-2']")
    expect(_points(page, "n-1-4-2")).to_have_text("0,75")
    for dom_id in ("n-1-1-1", "n-1-4-1", "n-1-4-2"):
        expect(_state(page, dom_id)).to_contain_text("Đã lưu lúc", timeout=SAVED)
    expect(page.locator("#completeness")).not_to_have_text("0%")
    _shot(page, "1-officer-filled")
    saved = dict(Entry.objects.filter(assessment=a).values_list("node_code", "points"))
    assert (saved["1.4.1"], saved["1.4.2"]) == (Decimal("0.9"), Decimal("0.75"))

    # 2. The session expires while typing: the text stays, a login form opens in place.
    Session.objects.all().delete()
    page.fill("#n-1-2-late_reports", "2")
    page.fill("#n-1-2-note", "Chậm báo cáo quý II và quý III")
    expect(page.locator("#relogin")).to_be_visible()
    expect(_state(page, "n-1-2")).to_contain_text("Chưa lưu")
    assert page.input_value("#n-1-2-late_reports") == "2"
    assert page.input_value("#relogin-password") == ""  # typing never lands in the password
    stored = page.evaluate(f"localStorage.getItem('parindex:tu-danh-gia:{a.pk}:1.2')")
    assert stored and "Chậm báo cáo quý II và quý III" in stored
    _shot(page, "2-session-expired")
    page.fill("#relogin-password", "sai-mat-khau")
    page.click("#relogin-submit")
    expect(page.locator("#relogin-error")).to_be_visible()
    page.fill("#relogin-password", PASSWORD)
    page.click("#relogin-submit")
    expect(page.locator("#relogin")).to_be_hidden()
    expect(_state(page, "n-1-2")).to_contain_text("Đã lưu lúc", timeout=SAVED)
    entry = Entry.objects.get(assessment=a, node_code="1.2")
    assert entry.raw_inputs == {"late_reports": "2"}
    assert entry.justification == "Chậm báo cáo quý II và quý III"

    # 3. A reload before the autosave: the typed value comes back from this browser.
    page.fill("#n-1-5-initiatives", "1")
    page.reload()
    assert page.input_value("#n-1-5-initiatives") == "1"
    expect(_state(page, "n-1-5")).to_contain_text("Đã lưu lúc", timeout=SAVED)
    assert Entry.objects.get(assessment=a, node_code="1.5").raw_inputs == {"initiatives": "1"}

    # 4. The head approves and submits.
    head_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    head = head_context.new_page()
    _login(head, base, world.users["head"].username)
    head.goto(detail)
    head.click("a[data-action=submit]")
    head.click("#confirm-submit")
    expect(head.locator("#status")).to_have_text("Đã gửi")
    _shot(head, "3-head-submitted")
    head_context.close()

    # 5. The organiser sees it on the progress board.
    org_context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    organiser = org_context.new_page()
    _login(organiser, base, world.users["organiser"].username)
    organiser.goto(base + reverse("assessments:board", args=[world.campaign.slug]))
    row = organiser.locator(f"tr[data-unit='{world.commune.code}']")
    expect(row).to_contain_text("Đã gửi")
    expect(organiser.locator(f"tr[data-unit='{world.commune2.code}']")).to_contain_text(
        "Chưa bắt đầu"
    )
    _shot(organiser, "4-organiser-board")
    org_context.close()


def test_stale_form_shows_both_revisions_and_keeps_mine_on_request(
    page: Any, live_server: Any, browser: Any
) -> None:
    from playwright.sync_api import expect

    world = build_world(prefix="c")
    a = world.assessment()
    base = live_server.url
    detail = base + reverse("assessments:detail", args=[a.pk])
    _login(page, base, world.users["focal"].username)
    page.goto(detail)  # the focal officer's page holds revision 0 of 1.2
    # Meanwhile the head records something else for the same criterion.
    entry_save(
        actor=world.users["head"],
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "1"},
        expected_revision=0,
    )
    page.fill("#n-1-2-late_reports", "3")
    expect(_state(page, "n-1-2")).to_have_text("Xung đột")
    box = page.locator("#n-1-2 [data-conflict]")
    expect(box).to_contain_text("Bản đã lưu trên hệ thống (lần sửa thứ 1)")
    expect(box.locator(".theirs")).to_contain_text("1")
    expect(box.locator(".mine")).to_contain_text("3")
    _shot(page, "5-conflict")
    assert Entry.objects.get(node_code="1.2").raw_inputs == {"late_reports": "1"}
    box.locator("[data-conflict-keep]").click()
    expect(_state(page, "n-1-2")).to_contain_text("Đã lưu lúc", timeout=SAVED)
    entry = Entry.objects.get(node_code="1.2")
    assert (entry.raw_inputs, entry.revision) == ({"late_reports": "3"}, 2)
