"""In a real browser: upload an .xlsx with one bad row, see the row named, fix it, upload
again, confirm, browse the tree and search without diacritics."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES
from parindex.frameworks.models import FrameworkVersion
from parindex.units.tests.factories import OrganiserFactory

from .conftest import PASSWORD
from .helpers import column, commune_doc, node_row, xlsx_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "dang-nhap" not in url)


def test_upload_bad_row_fix_confirm_browse_and_search(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    organiser = OrganiserFactory(code="so-noi-vu", name="Sở Nội vụ tỉnh Sơn Hà")
    user_with_role(Role.ORGANISER, organiser, username="thuongtruc")
    good = tmp_path / "vd-xa-2025.xlsx"
    good.write_bytes(xlsx_bytes(commune_doc()))
    wb = openpyxl.load_workbook(good)
    bad_row = node_row(wb, "1.4.1")
    wb["Tiêu chí"].cell(row=bad_row, column=column(wb, "Điểm tối đa")).value = "một điểm"
    bad = tmp_path / "vd-xa-2025-loi.xlsx"
    wb.save(bad)

    base = live_server.url
    _log_in(page, base, "thuongtruc")
    page.goto(f"{base}/bo-tieu-chi/")
    page.click("text=Tải lên bộ tiêu chí")
    page.set_input_files("#id_file", str(bad))
    page.click("text=Kiểm tra tệp")
    problems = page.locator("table.problems")
    problems.wait_for()
    assert f"trang tính Tiêu chí, dòng {bad_row}, cột Điểm tối đa" in problems.inner_text()
    assert "1.4.1" in problems.inner_text()
    assert page.locator("text=Xác nhận lưu bộ tiêu chí").count() == 0
    assert FrameworkVersion.objects.count() == 0

    # fixed file, with its questionnaire
    page.set_input_files("#id_file", str(good))
    page.set_input_files("#id_questionnaires", str(COMMUNES_QUESTIONNAIRES[0]))
    page.click("text=Kiểm tra tệp")
    page.locator("text=Tệp hợp lệ — xem trước").wait_for()
    assert page.locator("table.problems").count() == 0
    assert FrameworkVersion.objects.count() == 0
    page.click("text=Xác nhận lưu bộ tiêu chí")
    page.wait_for_url(lambda url: "/tai-len/" not in url)
    version = FrameworkVersion.objects.get()
    assert page.url == f"{base}/bo-tieu-chi/{version.pk}/"
    assert "Đã lưu bộ tiêu chí vd-xa-2025, bản 1" in page.locator(".messages").inner_text()

    tree = page.locator("table.tree")
    assert tree.locator("tr").count() == 1 + 63
    row = page.locator("#tc-1\\.4\\.1")
    assert "Nếu Số chỉ tiêu tuyên truyền đã hoàn thành ≥ 0,9 × Số chỉ tiêu theo kế hoạch" in (
        row.inner_text()
    )

    page.fill("#q", "tuyen truyen")
    page.click("button:has-text('Tìm')")
    page.wait_for_url(lambda url: "q=tuyen" in url)
    matches = page.locator("table.tree tr.match")
    texts = matches.all_inner_texts()
    assert any("Tuyên truyền CCHC" in t for t in texts)
    assert all("uyên truyền" in t for t in texts)
    assert page.locator("table.tree tr.context").count() >= 1  # field 1 kept for context
    page.screenshot(path=str(tmp_path / "tree.png"), full_page=True)
