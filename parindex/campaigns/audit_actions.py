"""The audit actions of campaigns, declared once with their Vietnamese labels."""

from __future__ import annotations

from parindex.core.audit import audit_action, labelled

from .models import CampaignStatus, PhaseKind, PhaseState, TaskStatus
from .workflow import PhaseAction

_CAMPAIGN_FIELDS = {
    "plan_reference": "Văn bản kế hoạch",
    "period_start": "Kỳ đánh giá từ",
    "period_end": "Kỳ đánh giá đến",
    "frozen": "Bộ tiêu chí được khóa",
    "phases_closed": "Giai đoạn được đóng cùng",
}
_CAMPAIGN_VALUES = {"status": labelled(CampaignStatus), "phases_closed": labelled(PhaseKind)}

CAMPAIGN_CREATE = audit_action("campaign.create", "Tạo đợt đánh giá", fields=_CAMPAIGN_FIELDS)
CAMPAIGN_UPDATE = audit_action(
    "campaign.update", "Sửa thông tin đợt đánh giá", fields=_CAMPAIGN_FIELDS
)
CAMPAIGN_OPEN = audit_action(
    "campaign.open", "Mở đợt đánh giá", fields=_CAMPAIGN_FIELDS, values=_CAMPAIGN_VALUES
)
CAMPAIGN_CLOSE = audit_action(
    "campaign.close", "Kết thúc đợt đánh giá", fields=_CAMPAIGN_FIELDS, values=_CAMPAIGN_VALUES
)

# --- Assessed units and ranking groups ---------------------------------------------------------

_UNIT_FIELDS = {"framework": "Bộ tiêu chí áp dụng"}
UNIT_ADD = audit_action("campaign.unit.add", "Thêm đơn vị vào đợt", fields=_UNIT_FIELDS)
UNIT_UPDATE = audit_action(
    "campaign.unit.update", "Đổi nhóm, bộ tiêu chí của đơn vị", fields=_UNIT_FIELDS
)
UNIT_REMOVE = audit_action("campaign.unit.remove", "Bỏ đơn vị khỏi đợt", fields=_UNIT_FIELDS)

_GROUP_FIELDS = {"code": "Mã nhóm", "name": "Tên nhóm", "position": "Thứ tự"}
GROUP_CREATE = audit_action("campaign.group.create", "Thêm nhóm xếp hạng", fields=_GROUP_FIELDS)
GROUP_UPDATE = audit_action("campaign.group.update", "Sửa nhóm xếp hạng", fields=_GROUP_FIELDS)
GROUP_DELETE = audit_action("campaign.group.delete", "Xóa nhóm xếp hạng", fields=_GROUP_FIELDS)

# --- Phases, exceptions, not-applicable declarations --------------------------------------------

_PHASE_FIELDS = {"state": "Tình trạng", "starts_on": "Bắt đầu (dự kiến)", "deadline": "Hạn chót"}
_PHASE_VALUES = {"state": labelled(PhaseState)}
PHASE_OPEN = audit_action(
    "campaign.phase.open", "Mở giai đoạn", fields=_PHASE_FIELDS, values=_PHASE_VALUES
)
PHASE_CLOSE = audit_action(
    "campaign.phase.close", "Đóng giai đoạn", fields=_PHASE_FIELDS, values=_PHASE_VALUES
)
PHASE_REOPEN = audit_action(
    "campaign.phase.reopen", "Mở lại giai đoạn", fields=_PHASE_FIELDS, values=_PHASE_VALUES
)
PHASE_DATES = audit_action("campaign.phase.dates", "Đặt thời gian giai đoạn", fields=_PHASE_FIELDS)

# The audit action each phase transition records.
PHASE_ACTIONS = {
    PhaseAction.OPEN: PHASE_OPEN,
    PhaseAction.CLOSE: PHASE_CLOSE,
    PhaseAction.REOPEN: PHASE_REOPEN,
}

EXCEPTION_GRANT = audit_action("campaign.exception.grant", "Gia hạn cho đơn vị")
EXCEPTION_REVOKE = audit_action("campaign.exception.revoke", "Thu hồi gia hạn của đơn vị")

NA_DECLARE = audit_action("campaign.na.declare", "Khai báo tiêu chí không áp dụng trong đợt")
NA_WITHDRAW = audit_action("campaign.na.withdraw", "Rút lại khai báo không áp dụng")

# --- Plan tasks -------------------------------------------------------------------------------

_TASK_FIELDS = {
    "title": "Nội dung nhiệm vụ",
    "time_text": "Thời gian thực hiện",
    "phase": "Thuộc giai đoạn",
    "lead_units": "Chủ trì",
    "lead_text": "Chủ trì (ghi khác)",
    "co_units": "Phối hợp",
    "co_text": "Phối hợp (ghi khác)",
    "notes": "Ghi chú",
    "status": "Tình trạng",
    "done_on": "Ngày hoàn thành",
}
_TASK_VALUES = {"status": labelled(TaskStatus), "phase": labelled(PhaseKind)}
TASK_CREATE = audit_action(
    "campaign.task.create", "Thêm nhiệm vụ vào kế hoạch", fields=_TASK_FIELDS, values=_TASK_VALUES
)
TASK_UPDATE = audit_action(
    "campaign.task.update", "Sửa nhiệm vụ trong kế hoạch", fields=_TASK_FIELDS, values=_TASK_VALUES
)
TASK_STATUS = audit_action(
    "campaign.task.status",
    "Cập nhật tình trạng nhiệm vụ",
    fields=_TASK_FIELDS,
    values=_TASK_VALUES,
)
TASK_REORDER = audit_action(
    "campaign.task.reorder",
    "Sắp xếp lại nhiệm vụ trong kế hoạch",
    fields={"order": "Thứ tự nhiệm vụ"},
    hidden={"order"},  # row ids, meaningless to a reader; the label says what happened
)
TASK_DELETE = audit_action(
    "campaign.task.delete", "Xóa nhiệm vụ khỏi kế hoạch", fields=_TASK_FIELDS, values=_TASK_VALUES
)
