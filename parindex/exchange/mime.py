"""The one place for the MIME types of the files parindex reads and writes."""

from __future__ import annotations

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
YAML = "application/yaml; charset=utf-8"
JSON = "application/json; charset=utf-8"
CSV = "text/csv; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

# The main part's content type inside an OOXML package ([Content_Types].xml).
XLSX_MAIN_PART = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
DOCX_MAIN_PART = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# The accept="" attribute of an .xlsx upload field.
XLSX_ACCEPT = f".xlsx,{XLSX}"
