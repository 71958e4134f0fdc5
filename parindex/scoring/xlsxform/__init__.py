"""The .xlsx form of a criteria set (format ``parindex-framework/1``, section 5).

Officials edit criteria sets in Excel; a set survives YAML → .xlsx → YAML unchanged.
:func:`write_workbook` lays a document out as a workbook and :func:`read_workbook` reads it
back into the same document the YAML file gives.

Layout
------
- **Thông tin chung**: header row ``Khóa`` / ``Giá trị`` / ``Ý nghĩa``, then one row per key:
  ``format``, ``code``, ``name``, ``year``, ``applies_to`` (comma-separated), ``issued_by``,
  ``scale``, ``decimals``, each explained in Vietnamese under ``Ý nghĩa`` (for readers; not
  read back). An empty value means the key is absent. A last row ``Khác`` holds, as YAML
  flow text, every other top-level key (and any value its own row cannot hold exactly).
- **Tiêu chí**: one row per node in tree order (pre-order), columns ``Mã``, ``Mã cha``,
  ``Tên tiêu chí``, ``Điểm tối đa``, ``Cách chấm``, ``Diễn giải cách chấm``, ``Nguồn``,
  ``Tài liệu kiểm chứng``, ``Gợi ý tài liệu``, ``Hướng dẫn chấm``, ``Bộ phận phụ trách``,
  ``Áp dụng cho``, ``Có thể không áp dụng``, ``Loại``, ``Cộng dồn tối đa`` and a trailing
  ``Khác``. ``Cách chấm`` holds the rule as YAML flow text (``{yes_no: "Có kế hoạch"}``,
  consistency ``checks`` included); it is empty for parents and for ``manual`` — an empty
  ``Cách chấm`` on a leaf reads as ``rule: manual`` (the default, written out), on a parent
  as no rule. ``Diễn giải cách chấm`` tells a leaf's rule in words, as the web pages do (not
  read back). ``Nguồn`` (``tự chấm`` / ``điều tra`` / ``cơ quan tổ chức``) and ``Tài liệu
  kiểm chứng`` (``bắt buộc`` / ``không bắt buộc`` / ``không cần``) are written in Vietnamese
  and read in either language. Columns may be in any order; only ``Mã`` and ``Mã cha`` are
  required; a parent's row comes before its children's; a column whose header is not in the
  form is ignored with a warning.
- **Xếp loại** (optional): ``Từ (điểm %)``, ``Xếp loại``, ``Khác``; highest first, the last
  band's ``Từ`` is empty.
- **Phiếu <code>** (optional, one per inline questionnaire): rows ``code``, ``name``,
  ``respondent_group`` (and ``Khác``) under a ``Khóa`` / ``Giá trị`` header; then a section
  ``Thang trả lời`` (``Mã``, ``Nhãn``, ``Tỷ lệ điểm``, ``Khác``; an empty share is ``null``,
  "don't know"), then a section ``Câu hỏi`` (``Mã``, ``Nội dung``, ``Khác``).

The cell conventions are described in :mod:`.cells`; :mod:`.writer` turns a document into a
workbook and :mod:`.reader` a workbook back into a document.
"""

from __future__ import annotations

from .cells import NODE_COLUMNS, SHEET_BANDS, SHEET_INFO, SHEET_NODES
from .reader import SET_LIMITS, read_workbook, read_workbook_with_warnings
from .writer import write_workbook

__all__ = [
    "NODE_COLUMNS",
    "SET_LIMITS",
    "SHEET_BANDS",
    "SHEET_INFO",
    "SHEET_NODES",
    "read_workbook",
    "read_workbook_with_warnings",
    "write_workbook",
]
