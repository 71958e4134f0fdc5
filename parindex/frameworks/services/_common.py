"""What the criteria-set services share: the lock on a draft's row, checked as stored (a
manager of the set, still a draft, the revision the user loaded), and its messages."""

from __future__ import annotations

from typing import Any

from parindex.core.actions import lock
from parindex.core.errors import ServiceError

from ..models import FrameworkStatus, FrameworkVersion
from ..permissions import ensure_can_manage_framework


def _ensure_draft(version: FrameworkVersion) -> None:
    if version.status != FrameworkStatus.DRAFT:
        raise ServiceError(
            f"Bộ tiêu chí “{version.name}” (bản {version.number}) đã khóa vì được dùng trong "
            "đợt đánh giá, không thể thay đổi. Hãy sao chép thành một dự thảo mới."
        )


def ensure_can_change_draft(actor: Any, version: FrameworkVersion) -> None:
    """The check ``lock`` runs on the stored row: a manager of the set, and still a draft."""
    ensure_can_manage_framework(actor, version)
    _ensure_draft(version)


def conflict_message(version: FrameworkVersion) -> str:
    return (
        f"Bộ tiêu chí “{version.name}” (bản {version.number}) vừa được người khác thay đổi "
        "(sửa tiêu chí, nhập lại từ tệp, mở hoặc đóng lấy ý kiến). Hãy tải lại trang để xem "
        "nội dung mới rồi làm lại thao tác."
    )


def lock_draft(
    actor: Any, version: FrameworkVersion, expected_revision: int | None = None
) -> FrameworkVersion:
    """The draft's row, locked for this transaction, checked as stored (manager, draft, and
    the revision the user loaded when given)."""
    return lock(
        FrameworkVersion,
        version.pk,
        actor=actor,
        check=ensure_can_change_draft,
        expected_revision=expected_revision,
        conflict_message=conflict_message(version),
        missing_message="Dự thảo này không còn tồn tại (có thể đã bị xóa); hãy tải lại trang.",
    )
