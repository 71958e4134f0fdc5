"""In a real browser: the head uploads a scanned PDF, types its number and date, attaches it
to two criteria, sees completeness rise, and submits the self-assessment."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from parindex.assessments.models import Entry, Stage, Submission
from parindex.evidence.models import EvidenceDocument

from . import files as f
from .world import PASSWORD, build_world


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


def percent(page) -> str:
    return page.locator("#evidence-percent").get_attribute("data-percent") or ""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_upload_fill_attach_to_two_criteria_and_submit(page, live_server, media):
    world = build_world("b")
    assessment = world.assessment()
    # The focal officer already justified 2.1 (no procedure of its own this year).
    Entry.objects.create(
        assessment=assessment,
        node_code="2.1",
        stage=Stage.SELF,
        justification="Xã không phát sinh thủ tục hành chính riêng trong năm.",
    )
    log_in(page, live_server, "b-head")

    # Upload a scan (no text to read) into the unit's library.
    page.goto(f"{live_server.url}{reverse('evidence:library', args=[world.commune.code])}")
    page.set_input_files(
        "#files",
        files=[
            {
                "name": "ke-hoach-cchc-2025.pdf",
                "mimeType": "application/pdf",
                "buffer": f.scan_pdf(),
            }
        ],
    )
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("section.ev-confirm")
    assert "hãy nhập tay" in page.content()

    # Fill its number and date in the one small form.
    page.fill("section.ev-confirm input[name$='-number_symbol']", "12/kh-ubnd")
    page.fill("section.ev-confirm input[name$='-issued_on']", "15/01/2025")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("#documents")
    assert page.locator("#documents").get_by_text("12/KH-UBND").count() == 1
    document = EvidenceDocument.objects.get()
    assert document.issued_on.isoformat() == "2025-01-15"

    # Attach it to 1.1 and 1.2 from the evidence overview; completeness rises each time.
    page.goto(f"{live_server.url}{reverse('evidence:overview', args=[assessment.pk])}")
    assert percent(page) == "25"  # 2.1 justified, out of 1.1, 1.2, 1.3, 2.1
    for code, expected in (("1.1", "50"), ("1.2", "75")):
        page.click(f"tr[data-node='{code}'] button")
        panel = page.locator(f".ev-panel[data-node='{code}']")
        panel.locator(f"li[data-candidate='{document.pk}'] button").click()
        panel.locator("li[data-document]").first.wait_for()
        page.wait_for_function(
            "(v) => document.querySelector('#evidence-percent').dataset.percent === v", arg=expected
        )
    assert page.locator("#evidence-ready").count() == 1  # nothing blocks any more

    # Submit through the self-assessment's own page.
    page.goto(f"{live_server.url}{reverse('assessments:submit', args=[assessment.pk])}")
    page.click("#confirm-submit")
    page.wait_for_url(re.compile(r".*/tu-danh-gia/\d+/$"))
    submission = Submission.objects.get(assessment=assessment)
    evidence = json.loads(submission.snapshot)["evidence"]
    assert [d["sha256"] for d in evidence["1.1"]] == [document.sha256]
    assert [d["number_symbol"] for d in evidence["1.2"]] == ["12/KH-UBND"]
