"""The audit actions of the unit registry, declared once with their Vietnamese labels."""

from __future__ import annotations

from parindex.core.audit import audit_action, labelled

from .importing import CREATE, UPDATE
from .kinds import UnitKind

_VALUES = {"kind": labelled(UnitKind)}

UNIT_CREATE = audit_action("unit.create", "Thêm đơn vị", values=_VALUES)
UNIT_UPDATE = audit_action("unit.update", "Sửa thông tin đơn vị", values=_VALUES)
UNIT_SET_SUCCESSORS = audit_action("unit.set_successors", "Ghi nhận đơn vị kế thừa")
UNIT_IMPORT_CREATE = audit_action(
    "unit.import.create", "Thêm đơn vị khi nhập danh sách từ tệp", values=_VALUES
)
UNIT_IMPORT_UPDATE = audit_action(
    "unit.import.update", "Cập nhật đơn vị khi nhập danh sách từ tệp", values=_VALUES
)
UNIT_IMPORT = audit_action(
    "unit.import",
    "Nhập danh sách đơn vị từ tệp",
    fields={
        "created": "Số đơn vị thêm mới",
        "updated": "Số đơn vị cập nhật",
        "unchanged": "Số đơn vị không đổi",
    },
)

# The audit action each kind of imported row records.
IMPORT_ROW_ACTIONS = {CREATE: UNIT_IMPORT_CREATE, UPDATE: UNIT_IMPORT_UPDATE}
