"""Hostile and tricky .xlsx files for bulk account creation, and user text that looks like a
formula in the template (unit names) and in the temporary-passwords file (full names).

* A 3,000,000-cell workbook (~165 KB) is refused through the page as too large, fast and in
  bounded memory (default limits, and part-size limits lifted so the sheet is streamed).
* An XML-entity workbook (it used to give HTTP 500) or a file that is not a zip is "không đọc
  được tệp" on the page; nothing is saved, nothing waits for a confirmation.
* Exported text starting with = + - @ is stored as text: no ``<f>`` element in any worksheet,
  and it reads back to itself.
"""

from __future__ import annotations

import html
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from parindex.accounts.bulk import COLUMNS
from parindex.accounts.models import Membership, User
from parindex.accounts.tests.conftest import Province, xlsx
from parindex.accounts.xlsx import rows_from_xlsx
from parindex.core.errors import ServiceError
from parindex.exchange.tests.hostile import (
    DDE,
    HYPERLINK,
    MAX_PEAK_BYTES,
    MAX_SECONDS,
    MIB,
    UNREADABLE_FILES,
    assert_no_formula,
    entity_workbook,
    measure,
    million_cells,
    not_a_zip,
)
from parindex.exchange.tests.hostile import lifted_part_limits as lifted
from parindex.units.tests.factories import UnitFactory


def counts() -> tuple[int, int]:
    return User.objects.count(), Membership.objects.count()


def _file(data: bytes, name: str = "danh-sach.xlsx") -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


def _text_workbook(rows: list[list[str]]) -> io.BytesIO:
    """An upload whose every cell is text (a value starting with = stays text, not a formula)."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "Tài khoản"
    for r, values in enumerate([list(COLUMNS), *rows], start=1):
        for c, value in enumerate(values, start=1):
            if value == "":
                continue
            cell = ws.cell(row=r, column=c)
            cell.value = value
            cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return _file(out.getvalue())


@pytest.fixture
def lifted_part_limits(settings: Any) -> None:
    settings.SHEET_LIMITS = lifted(settings.SHEET_LIMITS)


# --- Hostile uploads -------------------------------------------------------------------------


def _post(client: Client, data: bytes) -> Any:
    return client.post(reverse("accounts:bulk_upload"), {"file": _file(data)})


@pytest.mark.parametrize("limits", ["default", "lifted"])
def test_three_million_cells_are_refused_fast_in_bounded_memory(
    province: Province, client: Client, request: pytest.FixtureRequest, limits: str
) -> None:
    if limits == "lifted":
        request.getfixturevalue("lifted_part_limits")
    data = million_cells()
    client.force_login(province["organiser"])
    assert client.get(reverse("accounts:bulk_upload")).status_code == 200  # warm up
    before = counts()
    response, seconds, peak = measure(lambda: _post(client, data))
    print(f"bulk accounts, 3M cells ({limits}): {seconds:.3f} s, peak {peak / MIB:.1f} MiB")
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Tệp quá lớn" in page
    assert reverse("accounts:bulk_confirm") not in page
    assert seconds < MAX_SECONDS
    assert peak < MAX_PEAK_BYTES
    assert counts() == before
    assert 'name="ticket"' not in page


@pytest.mark.parametrize("data", UNREADABLE_FILES)
def test_unreadable_files_are_named_on_the_page_not_a_500(
    province: Province, client: Client, data: bytes
) -> None:
    client.force_login(province["organiser"])
    before = counts()
    response = _post(client, data)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "không đọc được tệp" in page.lower()
    assert "root:" not in page
    assert reverse("accounts:bulk_confirm") not in page
    assert counts() == before
    assert 'name="ticket"' not in page
    # and confirming afterwards has nothing to create
    assert client.post(reverse("accounts:bulk_confirm")).status_code == 302
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(million_cells(), "Tệp quá lớn", id="3M-cells"),
        pytest.param(entity_workbook(), "Không đọc được tệp", id="billion-laughs"),
        pytest.param(not_a_zip(), "Không đọc được tệp", id="not-a-zip"),
    ],
)
def test_reader_refuses_hostile_files_with_a_service_error(
    db: Any, data: bytes, expected: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        rows_from_xlsx(data)
    assert expected in caught.value.messages[0]


def test_a_formula_without_a_result_is_named_by_row_and_column(db: Any) -> None:
    # openpyxl writes "=1+1" as a formula with no computed value
    book = xlsx([["", "Nguyễn Văn A", "son-linh", "officer"], ["", "=1+1", "son-linh", "officer"]])
    with pytest.raises(ServiceError) as caught:
        rows_from_xlsx(book)
    message = caught.value.messages[0]
    assert message.startswith("Dòng 3, cột “Họ và tên”: ô chứa công thức chưa có kết quả"), message


# --- Exports: text that looks like a formula -------------------------------------------------


def test_template_keeps_formula_like_unit_names_as_text(province: Province, client: Client) -> None:
    names = {"xa-link": HYPERLINK, "xa-dde": DDE, "xa-cong": "+84 xã", "xa-a-cong": "@Xã A"}
    for code, name in names.items():
        UnitFactory(code=code, name=name, organiser=province.org)
    client.force_login(province["organiser"])
    response = client.get(reverse("accounts:bulk_template"))
    assert response.status_code == 200
    assert_no_formula(response.content)
    units = {
        row[0]: row[1]
        for row in load_workbook(io.BytesIO(response.content))["Đơn vị"].iter_rows(
            min_row=2, values_only=True
        )
    }
    for code, name in names.items():
        assert units[code] == name
    # the template itself still reads back as an empty upload
    assert rows_from_xlsx(io.BytesIO(response.content)) == []


def test_formula_like_full_names_go_in_and_out_as_text(province: Province, client: Client) -> None:
    people = [
        ["link.sonlinh", HYPERLINK, "son-linh", "officer", "-Công chức-", "", ""],
        ["dde.sonlinh", DDE, "son-linh", "officer", "", "", ""],
        ["cong.kyanh", "+Phạm Văn Cộng", "ky-anh", "officer", "@chức vụ", "", ""],
    ]
    # reading: a text cell starting with "=" is that text
    rows = rows_from_xlsx(_text_workbook(people))
    assert [r.full_name for r in rows] == [HYPERLINK, DDE, "+Phạm Văn Cộng"]

    client.force_login(province["organiser"])
    before = counts()
    preview = client.post(reverse("accounts:bulk_upload"), {"file": _text_workbook(people)})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Xác nhận tạo 3 tài khoản" in page
    ticket = page.split('name="ticket" value="', 1)[1].split('"', 1)[0]
    assert client.post(reverse("accounts:bulk_confirm"), {"ticket": ticket}).status_code == 200
    assert counts() == (before[0] + 3, before[1] + 3)
    assert User.objects.get(username="link.sonlinh").full_name == HYPERLINK

    download = client.get(reverse("accounts:bulk_download"))
    assert download.status_code == 200
    assert_no_formula(download.content)
    sheet = load_workbook(io.BytesIO(download.content)).active
    got = {r[1]: r[2] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert got == {
        "link.sonlinh": HYPERLINK,
        "dde.sonlinh": DDE,
        "cong.kyanh": "+Phạm Văn Cộng",
    }
