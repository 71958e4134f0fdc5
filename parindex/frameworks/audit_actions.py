"""The audit actions of criteria sets, declared once with their Vietnamese labels.

Entries of a set keep its SHA-256 (for the record and the command line) but never show it:
``sha256`` is hidden here as everywhere. Unit codes are shown as the units' names.
"""

from __future__ import annotations

from typing import Any

from parindex.core.audit import AuditAction, audit_action, labelled
from parindex.units.models import Unit

from .labels import EVIDENCE_LABELS
from .models import FrameworkStatus


def _units(value: Any) -> str:
    """Stored unit codes as the units' names (a code no longer known is shown as is)."""
    codes = [str(c) for c in value] if isinstance(value, list | tuple) else [str(value)]
    names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    return ", ".join(names.get(code, code) for code in codes)


_FIELDS = {
    "code": "Mã bộ tiêu chí",
    "number": "Bản số",
    "filename": "Tệp nguồn",
    "derived_from": "Sao chép từ",
    "node": "Tiêu chí",
    "name": "Tên",
    "max": "Điểm tối đa",
    "evidence": "Tài liệu kiểm chứng",
    "evidence_hint": "Gợi ý tài liệu",
    "guidance": "Hướng dẫn chấm",
    "owner_hint": "Bộ phận phụ trách",
    "units": "Đơn vị được mời",
    "text": "Nội dung góp ý",
    "is_handled": "Đã xử lý",
    "response": "Ý kiến tiếp thu, giải trình",
}
_VALUES = {
    "status": labelled(FrameworkStatus),
    "evidence": labelled(EVIDENCE_LABELS),
    "units": _units,
}
_HIDDEN = ("sha256", "questionnaires_sha256")


def _declare(name: str, label: str) -> AuditAction:
    return audit_action(name, label, fields=_FIELDS, values=_VALUES, hidden=_HIDDEN)


FRAMEWORK_IMPORT = _declare("framework.import", "Tải lên bộ tiêu chí (dự thảo mới)")
FRAMEWORK_REIMPORT = _declare("framework.reimport", "Nhập lại dự thảo từ tệp")
FRAMEWORK_NODE_UPDATE = _declare("framework.node_update", "Sửa tiêu chí của dự thảo")
FRAMEWORK_CLONE = _declare("framework.clone", "Sao chép thành dự thảo mới")
FRAMEWORK_DELETE = _declare("framework.delete", "Xóa dự thảo")
FRAMEWORK_FREEZE = _declare("framework.freeze", "Khóa bộ tiêu chí (dùng trong đợt đánh giá)")
FRAMEWORK_INVITE = _declare("framework.invite", "Mời đơn vị góp ý dự thảo")
FRAMEWORK_UNINVITE = _declare("framework.uninvite", "Bỏ lời mời góp ý dự thảo")
FRAMEWORK_COMMENTS_OPEN = _declare("framework.comments_open", "Mở lấy ý kiến góp ý dự thảo")
FRAMEWORK_COMMENTS_CLOSE = _declare("framework.comments_close", "Đóng lấy ý kiến góp ý dự thảo")
FRAMEWORK_COMMENT = _declare("framework.comment", "Góp ý dự thảo")
FRAMEWORK_COMMENT_HANDLE = _declare("framework.comment_handle", "Xử lý góp ý dự thảo")

# The action opening (True) or closing (False) a draft for comments records.
COMMENTS_OPEN_ACTIONS = {True: FRAMEWORK_COMMENTS_OPEN, False: FRAMEWORK_COMMENTS_CLOSE}
