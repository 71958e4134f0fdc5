"""The accounts pages. ``lockout_response`` is the axes lockout callable (settings)."""

from .auth import (
    LoginView,
    LogoutView,
    PasswordChangeView,
    PasswordResetCompleteView,
    PasswordResetConfirmView,
    PasswordResetDoneView,
    PasswordResetView,
    lockout_response,
)
from .bulk import bulk_confirm, bulk_download, bulk_template, bulk_upload
from .users import (
    membership_grant,
    membership_revoke,
    my_account,
    user_create,
    user_deactivate,
    user_detail,
    user_list,
    user_password_reset,
    user_reactivate,
    user_update,
)

__all__ = [
    "LoginView",
    "LogoutView",
    "PasswordChangeView",
    "PasswordResetCompleteView",
    "PasswordResetConfirmView",
    "PasswordResetDoneView",
    "PasswordResetView",
    "bulk_confirm",
    "bulk_download",
    "bulk_template",
    "bulk_upload",
    "lockout_response",
    "membership_grant",
    "membership_revoke",
    "my_account",
    "user_create",
    "user_deactivate",
    "user_detail",
    "user_list",
    "user_password_reset",
    "user_reactivate",
    "user_update",
]
