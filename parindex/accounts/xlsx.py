"""The .xlsx files of bulk account creation: the template, reading an upload, and the sheet
of temporary passwords handed to the organiser once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from parindex.core.errors import ServiceError
from parindex.core.sheets import sheet_limits
from parindex.core.text import fold
from parindex.exchange import mime
from parindex.exchange.cells import CellError, append, is_blank, read_text
from parindex.exchange.workbooks import (
    Cell,
    Sheet,
    WorkbookError,
    new_workbook,
    open_workbook,
    workbook_bytes,
)
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
XLSX_CONTENT_TYPE = mime.XLSX
HEADER_SEARCH_ROWS = 10


def _text(cell: Cell) -> str:
    return "" if cell.formula_without_value else read_text(cell)


def _phone_text(cell: Cell) -> str:
    """A phone typed into a number cell lost its leading zero: 912345678 -> 0912345678."""
    text = read_text(cell)
    if isinstance(cell.value, int | float) and text.isdigit() and len(text) == 9:
        return "0" + text
    return text


def rows_from_xlsx(file: IO[bytes] | bytes) -> list[BulkRow]:
    """The data rows of the first sheet (or the sheet named "Tài khoản"), with sheet row
    numbers. The header row is found among the first ten rows. The file is read within the
    configured limits; an unreadable, hostile or oversized file is a :class:`ServiceError`."""
    data = file if isinstance(file, bytes) else file.read()
    try:
        book = open_workbook(
            data,
            limits=sheet_limits(rows=MAX_ROWS + HEADER_SEARCH_ROWS + 1),
            sheets=lambda titles: [SHEET_ACCOUNTS] if SHEET_ACCOUNTS in titles else titles[:1],
        )
    except WorkbookError as exc:
        raise ServiceError(exc.message) from None
    if not book.worksheets:
        raise ServiceError("Tệp không có trang tính nào: hãy dùng tệp mẫu.")
    return _read_rows(book.worksheets[0])


def _read_rows(sheet: Sheet) -> list[BulkRow]:
    header_row = 0
    columns: dict[str, int] = {}
    rows: list[BulkRow] = []
    for number, values in sheet.values():
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
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if all(is_blank(v) for v in values):
            continue
        data: dict[str, Any] = {"row": number}
        for column, index in columns.items():
            cell = sheet.cell(number, index + 1)
            try:
                text = _phone_text(cell) if column == COL_PHONE else read_text(cell)
            except CellError as exc:
                raise ServiceError(f"Dòng {number}, cột “{column}”: {exc.message}.") from None
            data[_FIELD_OF[column]] = text
        rows.append(BulkRow(**data))
        if len(rows) > MAX_ROWS:
            raise ServiceError(f"Tệp có hơn {MAX_ROWS} dòng; hãy chia thành nhiều tệp.")
    if not header_row:
        raise ServiceError(
            f"Không tìm thấy dòng tiêu đề có cột “{COL_FULL_NAME}”: hãy dùng tệp mẫu."
        )
    return rows


def _header(sheet: Any, titles: Sequence[str], widths: Sequence[int]) -> None:
    append(sheet, list(titles))
    for i, width in enumerate(widths, start=1):
        sheet.cell(row=1, column=i).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"


def _save(workbook: Any) -> bytes:
    return workbook_bytes(workbook)


def template_workbook(units: Iterable[Unit]) -> bytes:
    """The upload template, with the roles and the units the organiser may use."""
    workbook = new_workbook()
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
        append(roles, [role.value, str(role.label), where])
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
        append(unit_sheet, [unit.code, unit.name, "có" if unit.is_organiser else ""])

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
        append(guide, [line])
    return _save(workbook)


def passwords_workbook(accounts: Sequence[dict[str, str]]) -> bytes:
    """The created accounts with their temporary passwords (to hand out, then destroy)."""
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = "Mật khẩu tạm"
    titles = ["STT", COL_USERNAME, COL_FULL_NAME, COL_UNIT, "Tên đơn vị", COL_ROLE, "Mật khẩu tạm"]
    _header(sheet, titles, [6, 24, 28, 18, 36, 32, 20])
    for i, a in enumerate(accounts, start=1):
        append(
            sheet,
            [
                i,
                a["username"],
                a["full_name"],
                a["unit_code"],
                a["unit_name"],
                a["role_label"],
                a["password"],
            ],
        )
    note = workbook.create_sheet("Lưu ý")
    note.column_dimensions["A"].width = 100
    append(note, ["Mật khẩu tạm phải đổi ở lần đăng nhập đầu tiên."])
    append(note, ["Giao mật khẩu riêng cho từng người; hủy tệp này sau khi giao xong."])
    return _save(workbook)
