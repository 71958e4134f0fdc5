"""Why an upload is refused: one exception, and the Vietnamese messages several checks share.
Every message names the file and says what to do."""

from __future__ import annotations

from parindex.core.errors import ServiceError


class UploadRefused(ServiceError):
    """An upload refused before anything was stored; the message names the file and says why."""


ACCEPTED_TEXT = (
    "Chỉ nhận: PDF, Word (.docx, .doc), Excel (.xlsx, .xls), ảnh JPG, PNG và ảnh chụp bằng "
    "điện thoại (HEIC)."
)


def bomb(name: str) -> UploadRefused:
    return UploadRefused(
        f"Tệp «{name}» có cấu trúc nén bất thường (nén quá mức, quá nhiều thành phần hoặc "
        "chứa tệp nén khác) nên bị từ chối để bảo vệ hệ thống. Hãy mở tệp bằng Word/Excel, "
        "lưu lại rồi tải lên."
    )


def oversized_part(name: str, limit_mb: int) -> UploadRefused:
    return UploadRefused(
        f"Tệp «{name}» có một phần nội dung giải nén ra hơn {limit_mb} MB (nén quá mức) nên bị "
        "từ chối để bảo vệ hệ thống. Hãy chia văn bản thành nhiều tệp nhỏ hơn, hoặc lưu thành "
        "PDF rồi tải lên."
    )


def encrypted(name: str) -> UploadRefused:
    return UploadRefused(
        f"Tệp «{name}» được đặt mật khẩu: hãy gỡ mật khẩu rồi tải lên để người thẩm định mở được."
    )


def macro(name: str) -> UploadRefused:
    return UploadRefused(
        f"Tệp «{name}» có chứa macro (mã lệnh VBA): hãy lưu lại thành tệp .docx hoặc .xlsx "
        "thông thường rồi tải lên."
    )


def corrupt(name: str, what: str) -> UploadRefused:
    return UploadRefused(
        f"Tệp «{name}» bị hỏng hoặc không đọc được như một tệp {what}: hãy mở và lưu lại, hoặc "
        "quét lại, rồi tải lên."
    )
