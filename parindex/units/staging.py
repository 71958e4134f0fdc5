"""The uploaded unit list kept between the preview and the confirmation
(:mod:`parindex.core.staging`: signed ticket bound to who uploaded it, stale copies removed),
and the import page's words for a ticket that cannot serve.

The ticket carries the registry the list goes into (``organiser``: a unit's pk or None).
"""

from __future__ import annotations

from parindex.core.staging import TicketWording, UploadStage

IMPORT_DIR = "tmp/unit-imports"

STAGE = UploadStage(IMPORT_DIR, "parindex.units.import")
WORDING = TicketWording(
    expired="Bản xem trước đã quá hạn một giờ. Hãy tải tệp lên lại.",
    invalid="Yêu cầu nhập không hợp lệ. Hãy tải tệp lên lại.",
    used="Tệp đã được nhập hoặc đã bị xóa. Hãy tải tệp lên lại.",
)
