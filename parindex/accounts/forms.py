"""Forms of the accounts pages: shape and types only; the rules live in the services package."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from parindex.exchange import mime

from .passwords import password_rules_text, vietnamese_password_errors
from .permissions import is_admin, units_for_account_management
from .roles import Role
from .usernames import RULE_TEXT, normalise_username

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


def _required(label: str) -> dict[str, str]:
    return {"required": f"Vui lòng nhập {label.lower()}."}


class LoginForm(auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản này đã bị khóa.",
    }
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        error_messages=_required("Tên đăng nhập"),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        error_messages=_required("Mật khẩu"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_username(self) -> str:
        # Phones capitalise the first letter; usernames are lower case.
        return normalise_username(self.cleaned_data.get("username", ""))


class _VietnamesePasswordMixin:
    """Password rule errors and help in Vietnamese."""

    def validate_password_for_user(self, user: Any, password_field_name: str = "password2") -> None:
        from django.contrib.auth import password_validation

        form: Any = self
        password = form.cleaned_data.get(password_field_name)
        if password:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                form.add_error(password_field_name, vietnamese_password_errors(error))


def _new_password_fields(form: forms.Form) -> None:
    form.fields["new_password1"].label = "Mật khẩu mới"
    form.fields["new_password1"].help_text = password_rules_text()
    form.fields["new_password2"].label = "Nhập lại mật khẩu mới"
    form.fields["new_password2"].help_text = ""


class PasswordChangeForm(_VietnamesePasswordMixin, auth_forms.PasswordChangeForm):
    error_messages = {
        "password_mismatch": "Hai lần nhập mật khẩu mới không giống nhau.",
        "password_incorrect": "Mật khẩu hiện tại không đúng.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Mật khẩu hiện tại"
        _new_password_fields(self)


class SetPasswordForm(_VietnamesePasswordMixin, auth_forms.SetPasswordForm):
    error_messages = {"password_mismatch": "Hai lần nhập mật khẩu mới không giống nhau."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _new_password_fields(self)

    def save(self, commit: bool = True) -> Any:
        from .services import user_password_change

        return user_password_change(user=self.user, password=self.cleaned_data["new_password1"])


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    """The e-mail address or the username: the link goes to the account's own e-mail."""

    email = forms.CharField(
        label="E-mail hoặc tên đăng nhập",
        max_length=254,
        error_messages=_required("E-mail hoặc tên đăng nhập"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def get_users(self, email: str) -> Any:
        value = email.strip()
        user_model = get_user_model()
        if "@" in value:
            yield from super().get_users(value)
            return
        for user in user_model.objects.filter(
            username__iexact=normalise_username(value), is_active=True
        ):
            if user.email and user.has_usable_password():
                yield user


class _UnitRoleMixin:
    """Unit and role choices limited to what the acting person may grant."""

    def _limit(self, actor: Any) -> None:
        form: Any = self
        form.fields["unit"].queryset = units_for_account_management(actor).order_by(
            "name_folded", "code"
        )
        choices = [(v, label) for v, label in Role.choices if v != Role.ADMIN or is_admin(actor)]
        form.fields["role"].choices = [("", "— chọn vai trò —"), *choices]


class UserCreateForm(_UnitRoleMixin, forms.Form):
    full_name = forms.CharField(
        label="Họ và tên", max_length=150, error_messages=_required("Họ và tên")
    )
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        required=False,
        help_text="Để trống để hệ thống tự đặt (ví dụ lan.sonlinh). " + RULE_TEXT,
    )
    unit = forms.ModelChoiceField(
        label="Đơn vị", queryset=None, required=False, empty_label="— chọn đơn vị —"
    )
    role = forms.ChoiceField(label="Vai trò", required=False)
    position = forms.CharField(label="Chức vụ", max_length=150, required=False)
    title = forms.CharField(
        label="Chức danh ký", max_length=150, required=False, help_text="Ví dụ: Phó Chủ tịch"
    )
    signs_on_behalf = forms.BooleanField(label="Ký thay thủ trưởng (KT.)", required=False)
    email = forms.EmailField(
        label="E-mail",
        required=False,
        help_text="Không bắt buộc; có e-mail thì người dùng tự lấy lại mật khẩu được.",
        error_messages={"invalid": "Địa chỉ e-mail không hợp lệ."},
    )
    phone = forms.CharField(label="Điện thoại", max_length=32, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit(actor)


class UserUpdateForm(forms.Form):
    full_name = forms.CharField(
        label="Họ và tên", max_length=150, error_messages=_required("Họ và tên")
    )
    position = forms.CharField(label="Chức vụ", max_length=150, required=False)
    email = forms.EmailField(
        label="E-mail", required=False, error_messages={"invalid": "Địa chỉ e-mail không hợp lệ."}
    )
    phone = forms.CharField(label="Điện thoại", max_length=32, required=False)


class OwnAccountForm(forms.Form):
    email = forms.EmailField(
        label="E-mail",
        required=False,
        help_text="Dùng để tự lấy lại mật khẩu khi quên.",
        error_messages={"invalid": "Địa chỉ e-mail không hợp lệ."},
    )
    phone = forms.CharField(label="Điện thoại", max_length=32, required=False)


class MembershipGrantForm(_UnitRoleMixin, forms.Form):
    unit = forms.ModelChoiceField(
        label="Đơn vị",
        queryset=None,
        required=False,
        empty_label="— chọn đơn vị —",
        help_text="Để trống chỉ với vai trò Quản trị hệ thống.",
    )
    role = forms.ChoiceField(label="Vai trò", error_messages=_required("Vai trò"))
    title = forms.CharField(
        label="Chức danh ký", max_length=150, required=False, help_text="Ví dụ: Phó Chủ tịch"
    )
    signs_on_behalf = forms.BooleanField(label="Ký thay thủ trưởng (KT.)", required=False)
    valid_from = forms.DateField(
        label="Từ ngày",
        required=False,
        help_text="dd/mm/yyyy; để trống nếu lâu dài",
        error_messages={"invalid": "Ngày không hợp lệ (dd/mm/yyyy)."},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    valid_to = forms.DateField(
        label="Đến ngày",
        required=False,
        error_messages={"invalid": "Ngày không hợp lệ (dd/mm/yyyy)."},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit(actor)


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label="Tệp danh sách (.xlsx)",
        error_messages={"required": "Hãy chọn tệp .xlsx.", "empty": "Tệp rỗng."},
        widget=forms.ClearableFileInput(attrs={"accept": mime.XLSX_ACCEPT}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError("Chỉ nhận tệp Excel .xlsx (không nhận .xls hay .csv).")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("Tệp lớn quá 2 MB.")
        return upload
