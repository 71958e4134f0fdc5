"""Forms of the unit pages. They read input; the services decide and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from parindex.accounts.permissions import is_admin
from parindex.core.text import nfc
from parindex.exchange import mime

from .kinds import UnitKind
from .models import Unit
from .permissions import can_mark_organiser, organisers_managed_by, units_visible_to
from .selectors import VALIDITY_CHOICES
from .validators import CODE_MAX_LENGTH, code_error, split_codes

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


def _date_field(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "autocomplete": "off"}
        ),
        help_text=help_text,
        error_messages={"invalid": "Nhập ngày dạng dd/mm/yyyy, ví dụ 01/07/2025."},
    )


class OrganiserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name} ({obj.code})"


def _organiser_field(user: Any, *, label: str) -> OrganiserChoiceField:
    admin = is_admin(user)
    field = OrganiserChoiceField(
        label=label,
        queryset=organisers_managed_by(user).order_by("name_folded"),
        required=not admin,
        empty_label="(không thuộc danh sách nào)" if admin else None,
        to_field_name="code",
        error_messages={"invalid_choice": "Hãy chọn một cơ quan tổ chức đánh giá trong danh sách."},
    )
    return field


class UnitForm(forms.Form):
    """Create (with ``code``) or edit (with ``revision``) a unit."""

    code = forms.CharField(
        label="Mã đơn vị",
        max_length=CODE_MAX_LENGTH,
        help_text="Không dấu, không khoảng trắng, ví dụ son-linh. Không đổi được sau khi tạo.",
    )
    name = forms.CharField(label="Tên đơn vị", max_length=255)
    short_name = forms.CharField(
        label="Tên ngắn", max_length=128, required=False, help_text="Dùng trong bảng xếp hạng."
    )
    kind = forms.ChoiceField(
        label="Loại đơn vị", choices=[("", "— Chọn loại —"), *UnitKind.choices]
    )
    organiser = forms.Field(required=False)  # replaced in __init__
    parent = forms.CharField(
        label="Mã đơn vị cấp trên", required=False, help_text="Để trống nếu không có."
    )
    valid_from = _date_field("Hiệu lực từ")
    valid_to = _date_field("Hiệu lực đến", "Ngày cuối cùng hoạt động, ví dụ khi sáp nhập.")
    successors = forms.CharField(
        label="Mã đơn vị kế thừa",
        required=False,
        help_text="Khi sáp nhập: mã các đơn vị kế thừa, cách nhau bởi dấu phẩy.",
    )
    address = forms.CharField(label="Địa chỉ", max_length=255, required=False)
    is_organiser = forms.BooleanField(
        label="Là cơ quan tổ chức đánh giá",
        required=False,
        help_text="Cán bộ của cơ quan này quản lý danh sách đơn vị được đánh giá.",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        if unit is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_for(unit)
        super().__init__(*args, **kwargs)
        self.user = user
        self.unit = unit
        if unit is not None:
            del self.fields["code"]
            self.fields["revision"].required = True
        else:
            del self.fields["revision"]
        self.fields["organiser"] = _organiser_field(user, label="Thuộc danh sách của")
        if unit is not None and not is_admin(user):
            # Moving a unit to another registry is for the admin.
            del self.fields["organiser"]
        if not can_mark_organiser(user):
            del self.fields["is_organiser"]
        self.fields["parent"].widget.attrs["list"] = "unit-codes"

    def clean_code(self) -> str:
        code = nfc(self.cleaned_data["code"])
        if message := code_error(code):
            raise ValidationError(message[:1].upper() + message[1:])
        return code

    def clean_parent(self) -> Unit | None:
        code = nfc(self.cleaned_data.get("parent") or "")
        if not code:
            return None
        parent = Unit.objects.filter(code=code).first()
        if parent is None:
            raise ValidationError(f"Không tìm thấy đơn vị có mã '{code}'.")
        return parent

    def clean_successors(self) -> list[Unit]:
        codes = split_codes(nfc(self.cleaned_data.get("successors") or ""))
        found = {u.code: u for u in Unit.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(
                "Không tìm thấy đơn vị có mã: " + ", ".join(f"'{c}'" for c in missing) + "."
            )
        return [found[c] for c in codes]


def initial_for(unit: Unit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "organiser": unit.organiser.code if unit.organiser_id and unit.organiser else None,
        "parent": unit.parent.code if unit.parent_id and unit.parent else "",
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "successors": ", ".join(sorted(s.code for s in unit.successors.all())),
        "address": unit.address,
        "is_organiser": unit.is_organiser,
        "revision": unit.revision,
    }


class UnitFilterForm(forms.Form):
    q = forms.CharField(label="Tìm", required=False)
    loai = forms.ChoiceField(
        label="Loại", required=False, choices=[("", "Mọi loại"), *UnitKind.choices]
    )
    hieu_luc = forms.ChoiceField(label="Hiệu lực", required=False, choices=VALIDITY_CHOICES)
    ngay = _date_field("Hiệu lực vào ngày")
    to_chuc = forms.ChoiceField(label="Danh sách của", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisers = list(
            units_visible_to(user).filter(is_organiser=True).values_list("code", "name")
        )
        self.organisers = {code: name for code, name in organisers}
        if len(organisers) > 1:
            self.fields["to_chuc"].choices = [("", "Mọi danh sách"), *organisers]
        else:
            del self.fields["to_chuc"]


class ImportUploadForm(forms.Form):
    organiser = forms.Field(required=False)  # replaced in __init__
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": mime.XLSX_ACCEPT}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _organiser_field(user, label="Nhập vào danh sách của")
        self.fields["organiser"] = field
        choices = list(field.queryset)
        if not is_admin(user) and len(choices) == 1:
            field.initial = choices[0].code

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not str(upload.name).lower().endswith(".xlsx"):
            raise ValidationError(
                "Chỉ nhận tệp .xlsx. Tệp .xls cũ hãy mở bằng Excel và lưu lại dạng .xlsx."
            )
        limit = int(getattr(settings, "MAX_UPLOAD_MB", 20))
        if upload.size > limit * 1024 * 1024:
            raise ValidationError(f"Tệp lớn hơn {limit} MB.")
        return upload
