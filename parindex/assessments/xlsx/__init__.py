"""Offline Excel: the unit's sheet of criteria and inputs, and reading it back.

Sheet **Tự đánh giá**: one row per input of each criterion the unit fills in (a checklist has
one row per item), columns ``Mã | Tiêu chí | Số liệu | Tên trường | Kiểu | Giá trị | Điểm hiện
tại | Giải trình | Không áp dụng (lý do)``. Only Giá trị, Giải trình (first row of each
criterion) and Không áp dụng (where the set allows it) can be edited; the sheet is protected
so the descriptive columns stay as they are, and Tên trường (the input's name, which reading
matches) is hidden. A hidden sheet keeps the assessment's id and each
entry's revision, so an import made from an old download is refused where the entry changed
since (optimistic locking, offline).

Reading checks every value with the same code as the form (:func:`.evaluation.evaluate`) and
reports each problem by row and column: "Dòng 12, cột Giá trị: '1,5' không phải số nguyên"; a
criterion failing an error check of its rule is a row error at its first input the check reads
("Dòng 14, cột Giá trị: tiêu chí 1.1.2 “…”: <the check's message>"), and nothing is applied while
any row has an error; failed warning checks are listed and do not block.
"""

from .board import board_workbook
from .reading import ImportChange, ImportPreview, read_import
from .sheet import (
    COL_CODE,
    COL_INPUT,
    COL_LABEL,
    COL_NA,
    COL_NAME,
    COL_NOTE,
    COL_POINTS,
    COL_TYPE,
    COL_VALUE,
    META_SHEET,
    SHEET,
    export_workbook,
)

__all__ = [
    "COL_CODE",
    "COL_INPUT",
    "COL_LABEL",
    "COL_NA",
    "COL_NAME",
    "COL_NOTE",
    "COL_POINTS",
    "COL_TYPE",
    "COL_VALUE",
    "META_SHEET",
    "SHEET",
    "ImportChange",
    "ImportPreview",
    "board_workbook",
    "export_workbook",
    "read_import",
]
