"""The .xlsx files of bulk account creation: the template, reading an upload, and the sheet
of temporary passwords handed to the organiser once."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import BytesIO
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from parindex.core.errors import ServiceError
from parindex.core.text import fold, nfc
from parindex.units.models import Unit

from .bulk import (
    COL_EMAIL,
    COL_FULL_NAME,
    COL_PHONE,
    COL_POSITION,
    COL_ROLE,
    COL_UNIT,
    COL_USERNAME,
    COLUMNS,
    MAX_ROWS,
    REQUIRED_COLUMNS,
    BulkRow,
)
from .roles import Role

SHEET_ACCOUNTS = "Tài khoản"
_FIELD_OF = {
    COL_USERNAME: "username",
    COL_FULL_NAME: "full_name",
    COL_UNIT: "unit_code",
    COL_ROLE: "role",
    COL_POSITION: "position",
    COL_EMAIL: "email",
    COL_PHONE: "phone",
}
# Header spellings accepted besides the template's own (compared without diacritics).
_HEADER_ALIASES = {
    "username": COL_USERNAME,
    "ho ten": COL_FULL_NAME,
    "ma dv": COL_UNIT,
    "don vi": COL_UNIT,
    "e-mail": COL_EMAIL,
    "thu dien tu": COL_EMAIL,
    "so dien thoai": COL_PHONE,
    "sdt": COL_PHONE,
}
_HEADER_OF = {fold(c): c for c in COLUMNS} | _HEADER_ALIASES
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


def _phone_text(value: Any) -> str:
    """A phone typed into a number cell lost its leading zero: 912345678 -> 0912345678."""
    text = _text(value)
    if isinstance(value, int | float) and text.isdigit() and len(text) == 9:
        return "0" + text
    return text


def rows_from_xlsx(file: IO[bytes]) -> list[BulkRow]:
    """The data rows of the first sheet (or the sheet named "Tài khoản"), with sheet row
    numbers. The header row is found among the first ten rows."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ServiceError("Không đọc được tệp: hãy tải lên tệp Excel (.xlsx) theo mẫu.") from exc
    try:
        sheet = (
            workbook[SHEET_ACCOUNTS]
            if SHEET_ACCOUNTS in workbook.sheetnames
            else workbook.worksheets[0]
        )
        return _read_rows(sheet)
    finally:
        workbook.close()


def _read_rows(sheet: Any) -> list[BulkRow]:
    header_row = 0
    columns: dict[str, int] = {}
    rows: list[BulkRow] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if not header_row:
            found = {
                _HEADER_OF[fold(_text(v))]: i
                for i, v in enumerate(values)
                if fold(_text(v)) in _HEADER_OF
            }
            if COL_FULL_NAME in found:
                header_row, columns = number, found
                missing = [c for c in REQUIRED_COLUMNS if c not in columns]
                if missing:
                    names = ", ".join(f"“{c}”" for c in missing)
                    raise ServiceError(f"Dòng tiêu đề (dòng {number}) thiếu cột {names}.")
            elif number >= 10:
                break
            continue
        if all(_text(v) == "" for v in values):
            continue
        data: dict[str, Any] = {"row": number}
        for column, index in columns.items():
            value = values[index] if index < len(values) else None
            data[_FIELD_OF[column]] = _phone_text(value) if column == COL_PHONE else _text(value)
        rows.append(BulkRow(**data))
        if len(rows) > MAX_ROWS:
            raise ServiceError(f"Tệp có hơn {MAX_ROWS} dòng; hãy chia thành nhiều tệp.")
    if not header_row:
        raise ServiceError(
            f"Không tìm thấy dòng tiêu đề có cột “{COL_FULL_NAME}”: hãy dùng tệp mẫu."
        )
    return rows


def _header(sheet: Worksheet, titles: Sequence[str], widths: Sequence[int]) -> None:
    sheet.append(list(titles))
    for i, width in enumerate(widths, start=1):
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"


def _save(workbook: Workbook) -> bytes:
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_workbook(units: Iterable[Unit]) -> bytes:
    """The upload template, with the roles and the units the organiser may use."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_ACCOUNTS
    _header(sheet, COLUMNS, [22, 28, 18, 34, 22, 28, 16])
    for row in range(2, MAX_ROWS + 2):  # usernames and phones stay text (leading zeros)
        sheet.cell(row=row, column=1).number_format = "@"
        sheet.cell(row=row, column=7).number_format = "@"

    roles = workbook.create_sheet(COL_ROLE)
    _header(roles, ["Mã vai trò", "Tên vai trò", "Giao trong"], [14, 42, 40])
    listed = [r for r in Role if r != Role.ADMIN]
    for role in listed:
        where = {
            Role.ORGANISER: "cơ quan tổ chức đánh giá",
            Role.CHAIRMAN: "cơ quan tổ chức đánh giá",
            Role.COUNCIL: "cơ quan tổ chức đánh giá",
            Role.OBSERVER: "mọi đơn vị",
        }.get(role, "đơn vị được đánh giá")
        roles.append([role.value, str(role.label), where])
    choice = DataValidation(
        type="list",
        formula1=f"'{COL_ROLE}'!$B$2:$B${len(listed) + 1}",
        allow_blank=True,
        showErrorMessage=False,
    )
    sheet.add_data_validation(choice)
    choice.add(f"D2:D{MAX_ROWS + 1}")

    unit_sheet = workbook.create_sheet("Đơn vị")
    _header(unit_sheet, ["Mã đơn vị", "Tên đơn vị", "Cơ quan tổ chức đánh giá"], [22, 48, 26])
    for unit in units:
        unit_sheet.append([unit.code, unit.name, "có" if unit.is_organiser else ""])

    guide = workbook.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 110
    for line in (
        "Mỗi dòng của trang “Tài khoản” là một người; dòng 1 là tiêu đề, không đổi tên cột.",
        "Bắt buộc: Họ và tên, Mã đơn vị (xem trang “Đơn vị”), Vai trò (mã hoặc tên, xem trang"
        " “Vai trò”).",
        "Tên đăng nhập: để trống thì hệ thống tự đặt theo tên và mã đơn vị, ví dụ lan.sonlinh;"
        " nếu tự điền: chữ thường không dấu, chữ số, dấu . _ -",
        "Email và Điện thoại không bắt buộc (người không có e-mail do cơ quan tổ chức cấp lại"
        " mật khẩu).",
        "Nếu có dòng sai, không tài khoản nào được tạo: sửa tệp theo thông báo rồi tải lên lại.",
        "Sau khi tạo, mật khẩu tạm chỉ hiển thị một lần; người dùng phải đổi mật khẩu ở lần"
        " đăng nhập đầu.",
    ):
        guide.append([line])
    return _save(workbook)


def passwords_workbook(accounts: Sequence[dict[str, str]]) -> bytes:
    """The created accounts with their temporary passwords (to hand out, then destroy)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Mật khẩu tạm"
    titles = ["STT", COL_USERNAME, COL_FULL_NAME, COL_UNIT, "Tên đơn vị", COL_ROLE, "Mật khẩu tạm"]
    _header(sheet, titles, [6, 24, 28, 18, 36, 32, 20])
    for i, a in enumerate(accounts, start=1):
        sheet.append(
            [
                i,
                a["username"],
                a["full_name"],
                a["unit_code"],
                a["unit_name"],
                a["role_label"],
                a["password"],
            ]
        )
    note = workbook.create_sheet("Lưu ý")
    note.column_dimensions["A"].width = 100
    note.append(["Mật khẩu tạm phải đổi ở lần đăng nhập đầu tiên."])
    note.append(["Giao mật khẩu riêng cho từng người; hủy tệp này sau khi giao xong."])
    return _save(workbook)
