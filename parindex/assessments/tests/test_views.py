"""Pages: the form generated from the engine's inputs, last year's points, assignment, "my
criteria", the organiser's board with its export, the landing page and home-page lines."""

from __future__ import annotations

import html
import io
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from parindex.accounts.models import Membership
from parindex.web.panels import panel_for

from ..context import context_for
from ..models import Assessment, Assignment, Entry
from ..services import (
    assessment_get_or_create,
    assessment_submit,
    assignment_set,
    entry_save,
)
from .factories import example_version, open_campaign


def _client(world: Any, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _panel(page: str, code: str) -> str:
    start = page.index(f'id="n-{code.replace(".", "-")}"')
    return page[start : page.index("</section>", start)]


def test_each_input_shape_has_its_control(world: Any) -> None:
    a = world.assessment()
    page = _page(_client(world, "focal"), reverse("assessments:detail", args=[a.pk]))
    date = _panel(page, "1.1.1")
    assert 'placeholder="dd/mm/yyyy"' in date and 'inputmode="numeric"' in date
    numbers = _panel(page, "1.1.2")
    assert 'name="in-done"' in numbers and "Số nguyên, từ 0" in numbers
    yes_no = _panel(page, "1.3.1")
    assert 'type="radio" name="in-met" value="có"' in yes_no
    checklist = _panel(page, "1.4.2")
    assert checklist.count('type="checkbox" name="in-items-') == 3
    manual = _panel(page, "2.1")
    assert "bước 0,25" in manual and 'inputmode="decimal"' in manual
    assert 'name="na"' in manual  # may_not_apply
    assert 'name="na"' not in _panel(page, "1.2")
    percent = _panel(page, "3.1.1")
    assert 'class="suffix">%' in percent
    survey = _panel(page, "8.1.1")
    assert "điều tra xã hội học" in survey and "entry-form" not in survey
    assert 'hx-trigger="input changed delay:400ms, change"' in page
    assert "assessments/entry.js" in page and 'id="relogin"' in page


def test_last_year_points_beside_each_criterion(world: Any) -> None:
    previous = open_campaign(
        organiser=world.organiser,
        units=[world.commune],
        version=example_version(world.organiser, code="vd-xa-2024", year=2024),
        slug="t-cchc-2024",
        year=2024,
    )
    old = assessment_get_or_create(
        actor=world.users["head"], assessed_unit=previous.assessed_units.get()
    )
    entry_save(
        actor=world.users["focal"],
        assessment=old,
        node_code="1.4.1",
        raw_inputs={"done": "19", "planned": "20"},
        expected_revision=0,
    )
    client = _client(world, "focal")
    a = world.assessment()
    page = _page(client, reverse("assessments:detail", args=[a.pk]))
    assert "Năm trước: 0,95" in _panel(page, "1.4.1")
    assert "Năm trước" not in _panel(page, "1.1.1")
    assert previous.name in page
    # Once last year's assessment was submitted, its snapshot is what is shown.
    entry_save(
        actor=world.users["focal"],
        assessment=old,
        node_code="1.1.1",
        raw_inputs={"issued_on": "01/01/2024"},
        expected_revision=0,
    )
    for node in context_for(old).fillable_leaves():  # the evidence check needs these
        if node.evidence.value == "required":
            revision = Entry.objects.filter(assessment=old, node_code=node.code).count()
            entry_save(
                actor=world.users["focal"],
                assessment=old,
                node_code=node.code,
                raw_inputs=Entry.objects.get(assessment=old, node_code=node.code).raw_inputs
                if revision
                else {},
                justification="Hồ sơ lưu tại văn phòng",
                expected_revision=revision,
            )
    assessment_submit(actor=world.users["head"], assessment=old)
    page = _page(client, reverse("assessments:detail", args=[a.pk]))
    assert "Năm trước: 1,00" in _panel(page, "1.1.1")
    assert "Năm trước: 0,95" in _panel(page, "1.4.1")
    assert "Năm trước: 0,00" in _panel(page, "8.1.1")  # scored missing last year


def test_assignment_page_suggests_from_owner_hints(world: Any) -> None:
    a = world.assessment()
    client = _client(world, "focal")
    url = reverse("assessments:assign", args=[a.pk])
    page = _page(client, url + "?goi-y=1")
    row = page[page.index('data-code="2.1"') :]
    row = row[: row.index("</tr>")]
    officer = world.users["officer"]
    assert f'value="{officer.pk}" selected' in row and "★" in row
    row = page[page.index('data-code="1.1.1"') :]
    assert f'value="{world.users["focal"].pk}" selected' in row[: row.index("</tr>")]
    response = client.post(
        url,
        {
            "do": "save",
            "who-2.1": str(officer.pk),
            "due-2.1": "15/11/2025",
            "who-1": str(world.users["officer2"].pk),
            "due-1": "",
        },
    )
    assert response.status_code == 302
    saved = {x.node_code: (x.assignee, x.due_on) for x in Assignment.objects.all()}
    assert saved["2.1"][0] == officer and saved["2.1"][1].strftime("%d/%m/%Y") == "15/11/2025"
    assert saved["1"][0] == world.users["officer2"]
    bad = client.post(url, {"do": "save", "who-1.2": str(officer.pk), "due-1.2": "31/02"})
    assert "không phải ngày" in html.unescape(bad.content.decode())
    assert _client(world, "officer").get(url).status_code == 403


def test_my_criteria_with_deadline_and_progress(world: Any) -> None:
    a = world.assessment()
    officer = world.users["officer"]
    assignment_set(actor=world.users["focal"], assessment=a, node_code="1.4", assignee=officer)
    entry_save(
        actor=officer,
        assessment=a,
        node_code="1.4.1",
        raw_inputs={"done": "9", "planned": "10"},
        expected_revision=0,
    )
    page = _page(_client(world, "officer"), reverse("assessments:mine"))
    assert "Tuyên truyền CCHC" in page and "1/2" in page
    assert world.phase().deadline.strftime("%d/%m/%Y") in page
    assert "#n-1-4" in page


def test_board_sorts_filters_and_exports(world: Any) -> None:
    a = world.assessment()
    world.assessment(world.commune2)
    entry_save(
        actor=world.users["focal"],
        assessment=a,
        node_code="1.2",
        raw_inputs={"late_reports": "0"},
        expected_revision=0,
    )
    client = _client(world, "organiser")
    url = reverse("assessments:board", args=[world.campaign.slug])
    page = _page(client, url + "?sap-xep=-hoan-thanh")
    assert page.index(world.commune.name) < page.index(world.commune2.name)
    page = _page(client, url + "?sap-xep=hoan-thanh")
    assert page.index(world.commune2.name) < page.index(world.commune.name)
    assert "Không có đơn vị nào" in _page(client, url + "?nhom=khong-co")
    assert world.commune.name in _page(client, url + "?nhom=xa-phuong&trang-thai=draft")
    export = client.get(url + "?xuat=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(export.content)).active
    names = [ws.cell(row=r, column=3).value for r in range(5, ws.max_row + 1)]
    assert set(names) == {world.commune.name, world.commune2.name}
    assert _client(world, "head").get(url).status_code == 403


def test_landing_page_and_home_lines(world: Any) -> None:
    a = world.assessment()
    assignment_set(
        actor=world.users["focal"], assessment=a, node_code="2", assignee=world.users["officer"]
    )
    landing = _page(_client(world, "officer"), reverse("assessments:home"))
    assert world.commune.name in landing and "Tiêu chí được giao cho tôi" in landing
    board_link = reverse("assessments:board", args=[world.campaign.slug])
    assert board_link in _page(_client(world, "organiser"), reverse("assessments:home"))
    officer_panel = panel_for(Membership.objects.get(user=world.users["officer"]))
    assert any("được giao cho bạn" in line for line in officer_panel["lines"])
    assert any("Tự đánh giá 2025: Đang chấm điểm" in line for line in officer_panel["lines"])
    organiser_panel = panel_for(Membership.objects.get(user=world.users["organiser"]))
    assert any("0/2 đơn vị đã gửi hồ sơ" in line for line in organiser_panel["lines"])
    # The page of a unit not started yet offers to start it; looking creates nothing.
    before = Assessment.objects.count()
    opened = _client(world, "other_head").get(
        reverse("assessments:open", args=[world.assessed(world.commune2).pk])
    )
    assert opened.status_code == 200 and "Bắt đầu tự đánh giá" in opened.content.decode()
    assert Assessment.objects.count() == before


def test_workflow_buttons_by_role_and_the_return_page(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    entry_save(
        actor=w.users["focal"],
        assessment=a,
        node_code="1.1",
        raw_inputs={"score": "5"},
        expected_revision=0,
    )
    url = reverse("assessments:detail", args=[a.pk])
    focal = _page(_client(w, "focal"), url)
    assert 'data-action="mark_ready"' in focal and 'data-action="submit"' not in focal
    head = _client(w, "head")
    assert 'data-action="submit"' in _page(head, url)
    assert "data-action" not in _page(_client(w, "officer"), url).split('id="tree"')[0]
    head.post(reverse("assessments:submit", args=[a.pk]))
    organiser = _client(w, "organiser")
    page = _page(organiser, url)
    assert 'data-action="return"' in page and 'data-action="withdraw"' not in page
    assert 'data-action="withdraw"' in _page(head, url)
    refused = organiser.post(reverse("assessments:return", args=[a.pk]), {"reason": " "})
    assert "Cần ghi lý do" in html.unescape(refused.content.decode())
    done = organiser.post(
        reverse("assessments:return", args=[a.pk]), {"reason": "Bổ sung kế hoạch CCHC"}
    )
    assert done.status_code == 302
    page = _page(_client(w, "focal"), url)
    assert "Cơ quan tổ chức trả lại hồ sơ:" in page and "Bổ sung kế hoạch CCHC" in page
    assert 'data-action="mark_ready"' in page
