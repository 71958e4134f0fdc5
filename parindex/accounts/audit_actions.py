"""The audit actions of accounts and roles, declared once with their Vietnamese labels.

Passwords never reach the audit: entries say that a password was set, never what to.
"""

from __future__ import annotations

from parindex.core.audit import audit_action, labelled

from .roles import Role

_USER_FIELDS = {
    "must_change_password": "Phải đổi mật khẩu khi đăng nhập",
}
_MEMBERSHIP_FIELDS = {
    "user": "Tài khoản",
    "unit": "Đơn vị",
    "role": "Vai trò",
    "title": "Chức danh ký",
    "signs_on_behalf": "Ký thay (KT.)",
    "valid_from": "Hiệu lực từ",
    "valid_to": "Hiệu lực đến",
    "campaign": "Chỉ trong đợt đánh giá",
    "is_active": "Còn hiệu lực",
}

_MEMBERSHIP_VALUES = {"role": labelled(Role)}

USER_CREATE = audit_action("user.create", "Tạo tài khoản", fields=_USER_FIELDS)
USER_UPDATE = audit_action("user.update", "Sửa thông tin tài khoản", fields=_USER_FIELDS)
USER_DEACTIVATE = audit_action("user.deactivate", "Khóa tài khoản", fields=_USER_FIELDS)
USER_REACTIVATE = audit_action("user.reactivate", "Mở lại tài khoản", fields=_USER_FIELDS)
USER_PASSWORD_RESET = audit_action("user.password_reset", "Cấp mật khẩu tạm", fields=_USER_FIELDS)
USER_PASSWORD_CHANGE = audit_action("user.password_change", "Tự đổi mật khẩu", fields=_USER_FIELDS)
MEMBERSHIP_GRANT = audit_action(
    "membership.grant", "Giao vai trò", fields=_MEMBERSHIP_FIELDS, values=_MEMBERSHIP_VALUES
)
MEMBERSHIP_REVOKE = audit_action(
    "membership.revoke",
    "Thu hồi vai trò",
    fields=_MEMBERSHIP_FIELDS,
    values=_MEMBERSHIP_VALUES,
)
