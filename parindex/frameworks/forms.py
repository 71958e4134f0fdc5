"""Forms of the criteria-set pages (Vietnamese labels; points accept "0,25" and "0.25")."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet

from parindex.units.models import Unit

from .labels import EVIDENCE_LABELS
from .models import FrameworkVersion

MAX_SET_BYTES = 10 * 1024 * 1024
MAX_QUESTIONNAIRES = 10
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
_SET_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files (Django's documented pattern for ``multiple``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        if not data:
            return []
        return [single(data, initial)]


class UploadForm(forms.Form):
    organiser = forms.ModelChoiceField(
        label="Cơ quan ban hành",
        queryset=Unit.objects.none(),
        empty_label=None,
    )
    file = forms.FileField(
        label="Tệp bộ tiêu chí (.yaml hoặc .xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.xlsx"}),
    )
    questionnaires = MultipleFileField(
        label="Tệp phiếu khảo sát kèm theo (.yaml, nếu có)",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".yaml,.yml"}),
    )

    def __init__(
        self,
        *args: Any,
        organisers: QuerySet[Unit] | None = None,
        fixed_organiser: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organiser"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (organisers if organisers is not None else Unit.objects.none()).order_by(
            "name_folded"
        )
        if fixed_organiser:
            del self.fields["organiser"]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_SET_BYTES:
            raise forms.ValidationError("Tệp lớn quá 10 MB.")
        return upload

    def clean_questionnaires(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("questionnaires") or []
        if len(files) > MAX_QUESTIONNAIRES:
            raise forms.ValidationError(f"Tối đa {MAX_QUESTIONNAIRES} tệp phiếu khảo sát.")
        for upload in files:
            if upload.size is not None and upload.size > MAX_SET_BYTES:
                raise forms.ValidationError(f"Tệp {upload.name} lớn quá 10 MB.")
        return files


class CloneForm(forms.Form):
    new_code = forms.CharField(
        label="Mã bộ tiêu chí mới",
        max_length=64,
        required=False,
        help_text="Để trống: giữ mã cũ, bản sao là phiên bản tiếp theo của cùng bộ tiêu chí.",
    )
    year = forms.IntegerField(label="Năm áp dụng", min_value=2000, max_value=2100, required=False)

    def clean_new_code(self) -> str:
        code = (self.cleaned_data.get("new_code") or "").strip()
        if code and not _SET_CODE.match(code):
            raise forms.ValidationError("Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang.")
        return code


def parse_points(text: str) -> Decimal:
    cleaned = (text or "").strip().replace(" ", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise forms.ValidationError("Cần một số, ví dụ 0,25.") from None
    if not value.is_finite() or value < 0:
        raise forms.ValidationError("Điểm tối đa phải là một số không âm.")
    return value


class NodeEditForm(forms.Form):
    name = forms.CharField(label="Tên tiêu chí", widget=forms.Textarea(attrs={"rows": 2}))
    max = forms.CharField(label="Điểm tối đa", max_length=20)
    evidence = forms.ChoiceField(
        label="Tài liệu kiểm chứng",
        required=False,
        choices=[("", "Theo tiêu chí cấp trên"), *EVIDENCE_LABELS.items()],
    )
    evidence_hint = forms.CharField(
        label="Gợi ý tài liệu", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    guidance = forms.CharField(
        label="Hướng dẫn chấm", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_hint = forms.CharField(label="Bộ phận phụ trách", required=False, max_length=255)
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def clean_max(self) -> Decimal:
        return parse_points(self.cleaned_data.get("max", ""))


class InviteForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label="Đơn vị được mời góp ý",
        queryset=Unit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    closes_on = forms.DateField(
        label="Hạn góp ý (dd/mm/yyyy)",
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["units"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = units if units is not None else Unit.objects.none()


class CommentForm(forms.Form):
    node_code = forms.CharField(required=False, max_length=32, widget=forms.HiddenInput)
    unit = forms.TypedChoiceField(label="Góp ý với tư cách", coerce=int, choices=())
    text = forms.CharField(
        label="Nội dung góp ý", max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(u.pk, u.name) for u in (units or [])]


class HandleForm(forms.Form):
    is_handled = forms.BooleanField(label="Đã xử lý", required=False)
    response = forms.CharField(
        label="Ý kiến tiếp thu, giải trình",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(label="Bản trước", queryset=FrameworkVersion.objects.none())
    b = forms.ModelChoiceField(label="Bản sau", queryset=FrameworkVersion.objects.none())

    def __init__(
        self, *args: Any, versions: QuerySet[FrameworkVersion] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = versions if versions is not None else FrameworkVersion.objects.none()
            field.label_from_instance = _version_label  # type: ignore[method-assign]


def _version_label(version: FrameworkVersion) -> str:
    year = f" · {version.year}" if version.year else ""
    return f"{version.code} · bản {version.number}{year} · {version.get_status_display()}"
