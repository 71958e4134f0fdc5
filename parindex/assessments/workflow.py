"""The self-assessment workflow as one table. No Django import: tests walk it directly.

draft → ready (focal officer) → submitted (unit head) → withdrawn to fix → resubmitted;
the organiser may return a submission with a reason. Deadlines and "until appraisal starts"
are not decided here: services ask the campaign's phase rules (campaigns.rules) as well.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    READY = "ready"
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    RETURNED = "returned"


class Action(StrEnum):
    MARK_READY = "mark_ready"
    REOPEN = "reopen"  # ready → draft, to keep editing
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    RETURN = "return"


class ActingRole(StrEnum):
    """The role a transition needs; permissions.can_act_as checks it against memberships
    (``actor`` is always the user taking the action)."""

    FOCAL = "focal"  # focal officer or unit head
    HEAD = "head"  # unit head only
    ORGANISER = "organiser"


ROLE_NAMES: dict[ActingRole, str] = {
    ActingRole.FOCAL: "đầu mối hoặc thủ trưởng đơn vị",
    ActingRole.HEAD: "thủ trưởng đơn vị",
    ActingRole.ORGANISER: "cơ quan tổ chức đánh giá",
}

STATUS_LABELS: dict[Status, str] = {
    Status.DRAFT: "Đang chấm điểm",
    Status.READY: "Sẵn sàng gửi",
    Status.SUBMITTED: "Đã gửi",
    Status.WITHDRAWN: "Đã rút lại để sửa",
    Status.RETURNED: "Bị trả lại",
}

ACTION_LABELS: dict[Action, str] = {
    Action.MARK_READY: "Hoàn tất, trình thủ trưởng",
    Action.REOPEN: "Mở lại để sửa",
    Action.SUBMIT: "Phê duyệt và gửi",
    Action.WITHDRAW: "Rút lại để sửa",
    Action.RETURN: "Trả lại đơn vị",
}

# (status, action) -> (new status, who may do it)
TRANSITIONS: dict[tuple[Status, Action], tuple[Status, ActingRole]] = {
    (Status.DRAFT, Action.MARK_READY): (Status.READY, ActingRole.FOCAL),
    (Status.WITHDRAWN, Action.MARK_READY): (Status.READY, ActingRole.FOCAL),
    (Status.RETURNED, Action.MARK_READY): (Status.READY, ActingRole.FOCAL),
    (Status.READY, Action.REOPEN): (Status.DRAFT, ActingRole.FOCAL),
    (Status.READY, Action.SUBMIT): (Status.SUBMITTED, ActingRole.HEAD),
    (Status.DRAFT, Action.SUBMIT): (Status.SUBMITTED, ActingRole.HEAD),
    (Status.WITHDRAWN, Action.SUBMIT): (Status.SUBMITTED, ActingRole.HEAD),
    (Status.RETURNED, Action.SUBMIT): (Status.SUBMITTED, ActingRole.HEAD),
    (Status.SUBMITTED, Action.WITHDRAW): (Status.WITHDRAWN, ActingRole.HEAD),
    (Status.SUBMITTED, Action.RETURN): (Status.RETURNED, ActingRole.ORGANISER),
}

# Statuses in which the unit's officers may change entries.
EDITABLE: frozenset[Status] = frozenset(
    {Status.DRAFT, Status.READY, Status.WITHDRAWN, Status.RETURNED}
)


def next_status(status: Status, action: Action) -> Status | None:
    found = TRANSITIONS.get((status, action))
    return found[0] if found else None
