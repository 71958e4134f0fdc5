"""Bulk account creation from .xlsx: all or nothing, every bad row named by row and column,
generated usernames unique, passwords shown once and downloadable once."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from parindex.accounts import services
from parindex.accounts.bulk import COLUMNS, MAX_ROWS, BulkImportError, BulkRow
from parindex.accounts.models import Membership, User
from parindex.accounts.roles import Role
from parindex.accounts.tests.conftest import Province, xlsx
from parindex.accounts.tests.factories import UserFactory
from parindex.accounts.views import bulk as bulk_views
from parindex.accounts.views.bulk import SESSION_RESULT
from parindex.accounts.xlsx import rows_from_xlsx
from parindex.core.errors import PermissionDenied, ServiceError
from parindex.core.models import AuditEntry

GOOD = [
    [
        "",
        "Nguyễn Thị Lan Anh",
        "son-linh",
        "Công chức thực hiện",
        "Công chức Tư pháp",
        "",
        912345678,
    ],
    ["hung.kyanh", "Phạm Văn Hùng", "KY-ANH", "head", "Chủ tịch UBND xã", "hung@kyanh.gov.vn", ""],
    ["", "Lê Thị Thu", "so-noi-vu-ha-tinh", "Thành viên Hội đồng thẩm định", "", "", ""],
]


def counts() -> tuple[int, int]:
    return User.objects.count(), Membership.objects.count()


def test_reading_a_sheet_keeps_row_numbers_and_phone_zeros(db: Any) -> None:
    rows = rows_from_xlsx(xlsx([GOOD[0], ["", "", "", "", "", "", ""], GOOD[1]]))
    assert [r.row for r in rows] == [2, 4]
    assert rows[0].phone == "0912345678"
    assert rows[1].unit_code == "KY-ANH"


def test_header_may_sit_below_a_title_and_use_other_spellings(db: Any) -> None:
    header = ["STT", "Họ tên", "Mã ĐV", "Vai trò", "Số điện thoại", "E-mail"]
    book = xlsx([["1", "Nguyễn Văn A", "son-linh", "officer", "0912345678", "a@x.vn"]], header)
    rows = rows_from_xlsx(book)
    assert rows[0].full_name == "Nguyễn Văn A" and rows[0].email == "a@x.vn"


def test_a_missing_column_is_named(db: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        rows_from_xlsx(xlsx([["Nguyễn Văn A", "officer"]], ["Họ và tên", "Vai trò"]))
    assert "“Mã đơn vị”" in caught.value.messages[0]


def test_a_file_that_is_not_xlsx_is_refused(db: Any) -> None:
    with pytest.raises(ServiceError):
        rows_from_xlsx(BytesIO(b"Ho va ten,Ma don vi\nA,B\n"))


def test_good_file_creates_everyone_with_roles_and_temporary_passwords(province: Province) -> None:
    before = counts()
    created = services.accounts_bulk_create(
        actor=province["organiser"], rows=rows_from_xlsx(xlsx(GOOD))
    )
    assert counts() == (before[0] + 3, before[1] + 3)
    assert [a.user.username for a in created] == ["anh.sonlinh", "hung.kyanh", "thu.sonoivuhatinh"]
    lan, hung, thu = created
    assert lan.user.phone == "0912345678" and lan.user.position == "Công chức Tư pháp"
    assert lan.membership.role == Role.OFFICER and lan.membership.unit == province.son_linh
    assert hung.membership.role == Role.HEAD and hung.user.email == "hung@kyanh.gov.vn"
    assert thu.membership.role == Role.COUNCIL and thu.membership.unit == province.org
    for a in created:
        assert a.user.must_change_password and a.user.check_password(a.password)
    audit = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert not any(a.password in audit for a in created)
    assert AuditEntry.objects.filter(action="user.create").count() == 3


def _one_bad(province: Province, bad: list[Any], at_row: int = 3) -> BulkImportError:
    """A file whose row ``at_row`` is ``bad`` and every other row good."""
    fillers = [[f"ok{i}.sonlinh", f"Người {i}", "son-linh", "officer"] for i in range(at_row - 3)]
    rows = [GOOD[0], *fillers, bad]
    before = counts()
    with pytest.raises(BulkImportError) as caught:
        services.accounts_bulk_create(actor=province["organiser"], rows=rows_from_xlsx(xlsx(rows)))
    assert counts() == before, "nothing is saved when any row is bad"
    return caught.value


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        (["", "", "son-linh", "officer"], "Dòng 3, cột Họ và tên: chưa có họ và tên"),
        (["", "Nguyễn Văn A", "", "officer"], "Dòng 3, cột Mã đơn vị: chưa có mã đơn vị"),
        (["", "Nguyễn Văn A", "abc", "officer"], "Dòng 3, cột Mã đơn vị: không có đơn vị 'abc'"),
        (
            ["", "Nguyễn Văn A", "dien-chau", "officer"],
            "Dòng 3, cột Mã đơn vị: bạn không quản lý tài khoản của đơn vị 'dien-chau'",
        ),
        (["", "Nguyễn Văn A", "son-linh", ""], "Dòng 3, cột Vai trò: chưa có vai trò"),
        (
            ["", "Nguyễn Văn A", "son-linh", "giám đốc"],
            "Dòng 3, cột Vai trò: không có vai trò 'giám đốc'",
        ),
        (
            ["", "Nguyễn Văn A", "son-linh", "council"],
            "Dòng 3, cột Vai trò: vai trò “Thành viên Hội đồng thẩm định” chỉ giao trong cơ quan"
            " tổ chức đánh giá",
        ),
        (
            ["", "Nguyễn Văn A", "so-noi-vu-ha-tinh", "officer"],
            "Dòng 3, cột Vai trò: vai trò “Công chức thực hiện” chỉ giao trong đơn vị"
            " được đánh giá",
        ),
        (
            ["", "Nguyễn Văn A", "son-linh", "admin"],
            "Dòng 3, cột Vai trò: không tạo tài khoản quản trị hệ thống",
        ),
        (
            ["Lan Sơn", "Nguyễn Văn A", "son-linh", "officer"],
            "Dòng 3, cột Tên đăng nhập: 'Lan Sơn' không hợp lệ",
        ),
        (
            ["t.officer", "Nguyễn Văn A", "son-linh", "officer"],
            "Dòng 3, cột Tên đăng nhập: tên đăng nhập 't.officer' đã có tài khoản",
        ),
        (
            ["", "Nguyễn Văn A", "son-linh", "officer", "", "a@", ""],
            "Dòng 3, cột Email: 'a@' không phải địa chỉ e-mail hợp lệ",
        ),
        (
            ["", "Nguyễn Văn A", "son-linh", "officer", "", "", "gọi xã"],
            "Dòng 3, cột Điện thoại: 'gọi xã' không phải số điện thoại hợp lệ",
        ),
        (
            ["", "Nguyễn Văn A", "son-linh", "officer", "x" * 151],
            "Dòng 3, cột Chức vụ: chức vụ dài quá 150 ký tự",
        ),
    ],
)
def test_each_bad_row_kind_is_named_by_row_and_column(
    province: Province, bad: list[Any], expected: str
) -> None:
    error = _one_bad(province, bad)
    assert len(error.row_errors) == 1
    assert str(error.row_errors[0]).startswith(expected)


def test_the_example_message_from_the_requirement(province: Province) -> None:
    error = _one_bad(province, ["", "Nguyễn Văn A", "abc", "officer"], at_row=5)
    assert [str(e) for e in error.row_errors] == ["Dòng 5, cột Mã đơn vị: không có đơn vị 'abc'"]


def test_all_problems_are_listed_in_sheet_order(province: Province) -> None:
    rows = [
        ["", "", "abc", "officer"],
        GOOD[0],
        ["", "Nguyễn Văn B", "son-linh", "xyz", "", "b@", ""],
    ]
    with pytest.raises(BulkImportError) as caught:
        services.accounts_bulk_create(actor=province["organiser"], rows=rows_from_xlsx(xlsx(rows)))
    assert [str(e).split(":")[0] for e in caught.value.row_errors] == [
        "Dòng 2, cột Họ và tên",
        "Dòng 2, cột Mã đơn vị",
        "Dòng 4, cột Vai trò",
        "Dòng 4, cột Email",
    ]


def test_duplicate_usernames_in_the_file_are_named(province: Province) -> None:
    rows = [
        ["lan.sonlinh", "Nguyễn Thị Lan", "son-linh", "officer"],
        GOOD[1],
        ["LAN.SONLINH", "Phạm Thị Lan", "son-linh", "officer"],
    ]
    before = counts()
    with pytest.raises(BulkImportError) as caught:
        services.accounts_bulk_create(actor=province["organiser"], rows=rows_from_xlsx(xlsx(rows)))
    assert [str(e) for e in caught.value.row_errors] == [
        "Dòng 4, cột Tên đăng nhập: 'lan.sonlinh' trùng với dòng 2"
    ]
    assert counts() == before


def test_generated_usernames_are_unique_against_database_and_file(province: Province) -> None:
    UserFactory(username="lan.sonlinh")
    rows = [
        ["", "Nguyễn Thị Lan", "son-linh", "officer"],
        ["lan.sonlinh3", "Trần Thị Lan", "son-linh", "officer"],
        ["", "Phạm Thị Lan", "son-linh", "officer"],
        ["", "Lê Thị Lan", "son-linh", "focal"],
        ["", "Võ Thị Lan", "ky-anh", "officer"],
    ]
    created = services.accounts_bulk_create(
        actor=province["organiser"], rows=rows_from_xlsx(xlsx(rows))
    )
    assert [a.user.username for a in created] == [
        "lan.sonlinh2",
        "lan.sonlinh3",
        "lan.sonlinh4",
        "lan.sonlinh5",
        "lan.kyanh",
    ]


def test_preview_plan_marks_generated_usernames_and_saves_nothing(province: Province) -> None:
    before = counts()
    plan = services.accounts_bulk_plan(actor=province["organiser"], rows=rows_from_xlsx(xlsx(GOOD)))
    assert plan.ok and [a.username_generated for a in plan.accounts] == [True, False, True]
    assert counts() == before


def test_empty_and_oversized_files(province: Province) -> None:
    with pytest.raises(BulkImportError) as caught:
        services.accounts_bulk_create(actor=province["organiser"], rows=[])
    assert "không có dòng dữ liệu" in str(caught.value.row_errors[0])
    many = [
        BulkRow(row=i + 2, full_name="A B", unit_code="son-linh", role="officer")
        for i in range(MAX_ROWS + 1)
    ]
    with pytest.raises(BulkImportError):
        services.accounts_bulk_create(actor=province["organiser"], rows=many)


@pytest.mark.parametrize("role", [Role.CHAIRMAN, Role.COUNCIL, Role.HEAD, Role.OBSERVER])
def test_only_managers_create_in_bulk(province: Province, role: str) -> None:
    with pytest.raises(PermissionDenied):
        services.accounts_bulk_create(actor=province[role], rows=rows_from_xlsx(xlsx(GOOD)))


# --- the pages ------------------------------------------------------------------------------


def _upload(client: Client, rows: list[list[Any]]) -> Any:
    return client.post(reverse("accounts:bulk_upload"), {"file": xlsx(rows)})


def _ticket(preview: Any) -> str:
    return preview.content.decode().split('name="ticket" value="', 1)[1].split('"', 1)[0]


def _confirm(client: Client, ticket: str = "") -> Any:
    return client.post(reverse("accounts:bulk_confirm"), {"ticket": ticket})


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_template_download_lists_columns_roles_and_own_units(
    province: Province, client: Client
) -> None:
    client.force_login(province["organiser"])
    response = client.get(reverse("accounts:bulk_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    assert [c.value for c in book["Tài khoản"][1]] == list(COLUMNS)
    codes = {row[0] for row in book["Đơn vị"].iter_rows(min_row=2, values_only=True)}
    assert codes == {"so-noi-vu-ha-tinh", "son-linh", "ky-anh"}
    assert "admin" not in {r[0] for r in book["Vai trò"].iter_rows(min_row=2, values_only=True)}
    # The template itself reads back as an (empty) upload.
    assert rows_from_xlsx(BytesIO(response.content)) == []


def test_upload_preview_confirm_show_once_download_once(province: Province, client: Client) -> None:
    client.force_login(province["organiser"])
    before = counts()
    preview = _upload(client, GOOD)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Xác nhận tạo 3 tài khoản" in page and "anh.sonlinh" in page
    assert counts() == before

    result = _confirm(client, _ticket(preview))
    assert result.status_code == 200 and result["Cache-Control"].startswith("no-store")
    assert counts() == (before[0] + 3, before[1] + 3)
    passwords = [a["password"] for a in result.context["accounts"]]
    page = result.content.decode()
    assert all(p in page for p in passwords)

    # Kept in the session only sealed: no password readable in the session table.
    stored = json.dumps([s.get_decoded() for s in Session.objects.all()], ensure_ascii=False)
    assert SESSION_RESULT in stored
    assert not any(p in stored for p in passwords)

    download = client.get(reverse("accounts:bulk_download"))
    assert download.status_code == 200
    assert download["Cache-Control"].startswith("no-store")
    sheet = load_workbook(BytesIO(download.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["anh.sonlinh", "hung.kyanh", "thu.sonoivuhatinh"]
    assert [r[6] for r in rows] == passwords
    for username, password in zip([r[1] for r in rows], passwords, strict=True):
        assert User.objects.get(username=username).check_password(password)

    second = client.get(reverse("accounts:bulk_download"))
    assert second.status_code == 302
    assert SESSION_RESULT not in client.session
    # Confirming again creates nothing more, even once the accounts are gone.
    User.objects.filter(username__in=[r[1] for r in rows]).delete()
    again = _confirm(client, _ticket(preview))
    assert again.status_code == 302 and again["Location"] == reverse("accounts:bulk_upload")
    assert "Không có danh sách nào đang chờ xác nhận; hãy tải tệp lên." in _messages(again)
    assert counts() == before


def test_password_sheet_expires_after_ten_minutes(province: Province, client: Client) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 1, 0, tzinfo=UTC), tick=False) as clock:
        client.force_login(province["organiser"])
        preview = _upload(client, GOOD[:1])
        assert _confirm(client, _ticket(preview)).status_code == 200
        clock.shift(timedelta(minutes=10, seconds=5))
        response = client.get(reverse("accounts:bulk_download"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:user_list")
    assert "quá 10 phút" in response.content.decode()


def test_bad_upload_shows_row_errors_and_offers_no_confirmation(
    province: Province, client: Client
) -> None:
    client.force_login(province["organiser"])
    before = counts()
    response = _upload(client, [GOOD[0], ["", "Nguyễn Văn A", "abc", "officer"]])
    page = response.content.decode()
    assert "Dòng 3, cột Mã đơn vị: không có đơn vị &#x27;abc&#x27;" in page
    assert "chưa tài khoản nào được tạo" in page
    assert reverse("accounts:bulk_confirm") not in page and 'name="ticket"' not in page
    assert _confirm(client).status_code == 302
    assert counts() == before


def test_upload_refuses_other_file_types(province: Province, client: Client) -> None:
    client.force_login(province["organiser"])
    csv = BytesIO(b"a,b\n")
    csv.name = "danh-sach.csv"
    page = client.post(reverse("accounts:bulk_upload"), {"file": csv}).content.decode()
    assert "Chỉ nhận tệp Excel .xlsx" in page


def test_confirm_rechecks_rows_changed_since_the_preview(
    province: Province, client: Client
) -> None:
    client.force_login(province["organiser"])
    preview = _upload(client, [["hung.kyanh", "Phạm Văn Hùng", "ky-anh", "head"]])
    UserFactory(username="hung.kyanh")  # someone took the name meanwhile
    before = counts()
    response = _confirm(client, _ticket(preview))
    assert "Dòng 2, cột Tên đăng nhập: tên đăng nhập &#x27;hung.kyanh&#x27; đã có tài khoản" in (
        response.content.decode()
    )
    assert counts() == before


def test_a_ticket_serves_its_uploader_within_the_hour(
    province: Province, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(province["organiser"])
    ticket = _ticket(_upload(client, GOOD))
    before = counts()
    admin = Client()
    admin.force_login(province["admin"])
    replayed = _confirm(admin, ticket)
    assert replayed["Location"] == reverse("accounts:bulk_upload")
    assert "Yêu cầu xác nhận không hợp lệ; hãy tải tệp lên lại." in _messages(replayed)
    monkeypatch.setattr(bulk_views, "STAGE", replace(bulk_views.STAGE, max_age=-1))
    expired = _confirm(client, ticket)
    assert expired["Location"] == reverse("accounts:bulk_upload")
    assert "Bản xem trước đã quá hạn một giờ; hãy tải tệp lên lại." in _messages(expired)
    assert counts() == before
    monkeypatch.undo()
    assert _confirm(client, ticket).status_code == 200
    assert counts() == (before[0] + 3, before[1] + 3)


def test_a_row_failing_while_written_leaves_no_account(
    province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    """All rows or none: row 3's username is taken between the check and the write (another
    manager saved it meanwhile); row 2, already written, is rolled back with it."""
    UserFactory(username="hung.kyanh", full_name="Người khác")
    monkeypatch.setattr("parindex.accounts.bulk._existing_lower", lambda names: set())
    before = counts()
    audit_before = AuditEntry.objects.count()
    with pytest.raises(BulkImportError) as caught:
        services.accounts_bulk_create(actor=province["organiser"], rows=rows_from_xlsx(xlsx(GOOD)))
    assert counts() == before
    assert AuditEntry.objects.count() == audit_before
    assert not User.objects.filter(username="anh.sonlinh").exists()
    [error] = caught.value.row_errors
    assert (error.row, error.column) == (3, "Tên đăng nhập")
    assert "hung.kyanh" in error.message and "không tài khoản nào được tạo" in error.message
