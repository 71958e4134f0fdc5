"""Browser: the organiser imports units from .xlsx and creates an officer account; that officer
logs in (changing the temporary password) and sees only their own unit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.units.models import Unit
from parindex.units.tests.factories import OrganiserFactory

PASSWORD = "matkhau-Thu-123"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _units_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Đơn vị"
    ws.append(["Mã", "Tên đơn vị", "Loại", "Mã đơn vị cấp trên", "Hiệu lực từ"])
    ws.append(["thach-ha", "UBND xã Thạch Hà", "xa", "", "01/07/2025"])
    ws.append(["dong-loc", "UBND xã Đồng Lộc", "Xã", "", "01/07/2025"])
    ws.append(["ky-anh", "UBND phường Kỳ Anh", "phuong", "", "01/07/2025"])
    wb.save(path)
    return path


def _login(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_organiser_imports_units_creates_officer_who_sees_only_own_unit(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    organiser_body = OrganiserFactory(code="so-noi-vu-test", name="Sở Nội vụ tỉnh Thử")
    user_with_role(Role.ORGANISER, organiser_body, username="thuongtruc")
    base = live_server.url

    _login(page, base, "thuongtruc", PASSWORD)
    assert "Xin chào" in page.content()

    # Import three units from .xlsx: preview first, then confirm.
    page.goto(f"{base}/don-vi/nhap/")
    page.set_input_files("input[type=file]", str(_units_workbook(tmp_path / "don-vi.xlsx")))
    page.click("section.upload button[type=submit]")
    page.wait_for_selector("text=Tệp hợp lệ")
    assert Unit.objects.filter(code="thach-ha").count() == 0  # nothing saved before confirm
    page.click("text=Xác nhận nhập")
    page.wait_for_load_state()
    assert set(Unit.objects.filter(organiser=organiser_body).values_list("code", flat=True)) >= {
        "thach-ha",
        "dong-loc",
        "ky-anh",
    }

    # Create an officer of Thạch Hà.
    page.goto(f"{base}/tai-khoan/nguoi-dung/them/")
    page.fill("input[name=full_name]", "Nguyễn Thị Lan")
    page.fill("input[name=username]", "lan.thachha")
    thach_ha = Unit.objects.get(code="thach-ha")
    page.select_option("select[name=unit]", str(thach_ha.pk))
    page.select_option("select[name=role]", Role.OFFICER.value)
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Mật khẩu tạm")
    temporary = page.locator("dd code").nth(1).inner_text().strip()
    assert len(temporary) >= 8

    # Log out, log in as the officer, change the temporary password.
    page.context.clear_cookies()
    _login(page, base, "lan.thachha", temporary)
    assert "doi-mat-khau" in page.url
    page.fill("input[name=old_password]", temporary)
    page.fill("input[name=new_password1]", "Thach-Ha-2025-moi")
    page.fill("input[name=new_password2]", "Thach-Ha-2025-moi")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    # The officer sees only their own unit.
    page.goto(f"{base}/don-vi/thach-ha/")
    assert "UBND xã Thạch Hà" in page.content()
    response = page.goto(f"{base}/don-vi/dong-loc/")
    assert response is not None and response.status == 404
    page.goto(f"{base}/")
    assert re.search("Thạch Hà", page.content())
    assert "Đồng Lộc" not in page.content()
