"""The audit actions of self-assessment, declared once with their Vietnamese labels."""

from __future__ import annotations

from parindex.core.audit import audit_action, labelled

from .workflow import STATUS_LABELS, Action

_WORKFLOW = {"status": labelled(STATUS_LABELS)}

ASSESSMENT_CREATE = audit_action("assessment.create", "Bắt đầu hồ sơ tự đánh giá")
ENTRY_SAVE = audit_action("assessment.entry.save", "Chấm điểm")
ASSIGN = audit_action("assessment.assign", "Phân công", hidden={"node_code"})
MARK_READY = audit_action("assessment.mark_ready", "Hoàn tất, trình thủ trưởng", values=_WORKFLOW)
REOPEN = audit_action("assessment.reopen", "Mở lại để sửa", values=_WORKFLOW)
SUBMIT = audit_action("assessment.submit", "Phê duyệt và gửi", values=_WORKFLOW)
WITHDRAW = audit_action("assessment.withdraw", "Rút lại để sửa", values=_WORKFLOW)
RETURN = audit_action("assessment.return", "Trả lại đơn vị", values=_WORKFLOW)

# The audit action each workflow action records.
WORKFLOW_ACTIONS = {
    Action.MARK_READY: MARK_READY,
    Action.REOPEN: REOPEN,
    Action.SUBMIT: SUBMIT,
    Action.WITHDRAW: WITHDRAW,
    Action.RETURN: RETURN,
}
