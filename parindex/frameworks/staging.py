"""Uploaded sets waiting between their preview and their confirmation
(:mod:`parindex.core.staging`: one folder per upload, a signed ticket bound to who uploaded
it, stale copies removed), and the upload page's words for a ticket that cannot serve.

Nothing is saved to the database before the confirmation. The files are the set first, then
its questionnaires; the ticket carries the organiser a new set goes to (``organiser``) or the
draft it replaces (``target``) with the revision of the draft the preview was built from
(``expected_revision``).
"""

from __future__ import annotations

from parindex.core.staging import TicketWording, UploadStage

UPLOAD_DIR = "tmp/framework-uploads"

STAGE = UploadStage(UPLOAD_DIR, "parindex.frameworks.upload")
WORDING = TicketWording(
    expired="Bản xem trước đã quá hạn một giờ. Hãy tải tệp lên lại.",
    invalid="Yêu cầu không hợp lệ. Hãy tải tệp lên lại.",
    used="Tệp đã được lưu hoặc đã bị xóa. Hãy tải tệp lên lại.",
)
