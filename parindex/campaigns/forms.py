"""Forms for the campaign pages. Dates are typed as dd/mm/yyyy; services do the checking."""

from __future__ import annotations

from typing import Any

from django import forms

from parindex.frameworks.models import FrameworkVersion
from parindex.units.kinds import UnitKind
from parindex.units.models import Unit

from .models import AssessedUnit, Campaign, PhaseKind, RankingGroup, TaskStatus

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%Y-%m-%d"]


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 30/11/2025."},
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        ),
    )


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class CampaignForm(forms.Form):
    organiser = forms.ModelChoiceField(
        label="Cơ quan tổ chức", queryset=Unit.objects.none(), empty_label=None
    )
    year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100)
    slug = forms.SlugField(
        label="Mã đợt",
        max_length=64,
        help_text="Dùng trong đường dẫn, ví dụ cchc-2025; không đổi được sau khi mở đợt.",
    )
    name = forms.CharField(label="Tên đợt đánh giá", max_length=255)
    plan_reference = forms.CharField(
        label="Văn bản kế hoạch",
        max_length=255,
        required=False,
        help_text="Ví dụ: Kế hoạch số 12/KH-UBND ngày 15/10/2025",
    )
    period_start = date_field("Kỳ đánh giá từ ngày")
    period_end = date_field(
        "Kỳ đánh giá đến ngày",
        help_text="Đơn vị phải còn hiệu lực vào ngày này (mặc định 31/12 của năm đánh giá).",
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, organisers: Any = None, campaign: Campaign | None = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        if campaign is None:
            self.fields["organiser"].queryset = organisers
        else:
            del self.fields["organiser"]
            if not campaign.is_preparing:
                self.fields["year"].disabled = True
                self.fields["slug"].disabled = True


class GroupForm(forms.Form):
    code = forms.SlugField(label="Mã nhóm", max_length=64, help_text="Ví dụ: xa-phuong")
    name = forms.CharField(label="Tên nhóm xếp hạng", max_length=255)
    position = forms.IntegerField(label="Thứ tự", min_value=0, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


def framework_choices(campaign: Campaign) -> Any:
    """The organiser's own versions (any status) and other organisers' frozen versions."""
    return (
        FrameworkVersion.objects.filter(organiser=campaign.organiser_id)
        | FrameworkVersion.objects.filter(status="frozen")
    ).order_by("-year", "name", "-number")


class FrameworkChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        kinds = ", ".join(obj.applies_to or [])
        state = "đã khóa" if obj.is_frozen else "dự thảo"
        return f"{obj.name} (bản {obj.number}, {state}; áp dụng: {kinds or 'chưa ghi'})"


class AssessedUnitForm(forms.Form):
    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    group = forms.ModelChoiceField(label="Nhóm xếp hạng", queryset=RankingGroup.objects.none())
    framework = FrameworkChoiceField(
        label="Bộ tiêu chí áp dụng", queryset=FrameworkVersion.objects.none()
    )

    def __init__(self, *args: Any, campaign: Campaign, units: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = units
        self.fields["group"].queryset = RankingGroup.objects.filter(campaign=campaign)
        self.fields["framework"].queryset = framework_choices(campaign)


class BulkAddForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label="Loại đơn vị",
        choices=UnitKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    q = forms.CharField(label="Tên hoặc mã có chứa (không bắt buộc, không cần dấu)", required=False)
    group = forms.ModelChoiceField(label="Vào nhóm xếp hạng", queryset=RankingGroup.objects.none())
    framework = FrameworkChoiceField(
        label="Bộ tiêu chí áp dụng", queryset=FrameworkVersion.objects.none()
    )

    def __init__(self, *args: Any, campaign: Campaign, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["group"].queryset = RankingGroup.objects.filter(campaign=campaign)
        self.fields["framework"].queryset = framework_choices(campaign)


class MoveUnitForm(forms.Form):
    group = forms.ModelChoiceField(label="Nhóm xếp hạng", queryset=RankingGroup.objects.none())
    framework = FrameworkChoiceField(
        label="Bộ tiêu chí áp dụng", queryset=FrameworkVersion.objects.none()
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, assessed: AssessedUnit, **kw: Any) -> None:
        super().__init__(*args, **kw)
        campaign = assessed.campaign
        self.fields["group"].queryset = RankingGroup.objects.filter(campaign=campaign)
        self.fields["framework"].queryset = framework_choices(campaign)
        if not campaign.is_preparing:
            self.fields["framework"].disabled = True


class PhaseDatesForm(forms.Form):
    starts_on = date_field("Bắt đầu (dự kiến)")
    deadline = date_field("Hạn chót", help_text="Hết ngày này (23:59, giờ Việt Nam).")
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Lý do mở lại", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = date_field("Hạn chót mới (nếu đổi)")


class ExceptionForm(forms.Form):
    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    until = date_field("Gia hạn đến hết ngày", required=True)
    reason = forms.CharField(label="Lý do gia hạn", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, campaign: Campaign, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["unit"].queryset = Unit.objects.filter(
            assessments_in__campaign=campaign
        ).order_by("name_folded")


class NotApplicableForm(forms.Form):
    node = forms.ChoiceField(label="Tiêu chí")
    reason = forms.CharField(
        label="Lý do không áp dụng",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ví dụ: năm nay không tổ chức điều tra xã hội học.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["node"].choices = [("", "— chọn tiêu chí —"), *choices]


class TaskForm(forms.Form):
    title = forms.CharField(label="Nội dung nhiệm vụ", widget=forms.Textarea(attrs={"rows": 3}))
    time_text = forms.CharField(
        label="Thời gian thực hiện (ghi như văn bản)",
        max_length=255,
        required=False,
        help_text="Ví dụ: Tháng 10/2025; Hoàn thành trước ngày 30/11/2025",
    )
    due_on = date_field("Hạn hoàn thành", help_text="Để theo dõi quá hạn.")
    phase = forms.ChoiceField(
        label="Thuộc giai đoạn", choices=[("", "—"), *PhaseKind.choices], required=False
    )
    lead_units = UnitMultipleChoiceField(
        label="Cơ quan chủ trì",
        queryset=Unit.objects.none(),
        required=False,
        help_text="Giữ phím Ctrl để chọn nhiều đơn vị; hoặc ghi ở ô bên dưới.",
    )
    lead_text = forms.CharField(label="Chủ trì (ghi khác)", max_length=255, required=False)
    co_units = UnitMultipleChoiceField(
        label="Cơ quan phối hợp",
        queryset=Unit.objects.none(),
        required=False,
        help_text="Giữ phím Ctrl để chọn nhiều đơn vị; hoặc ghi ở ô bên dưới.",
    )
    co_text = forms.CharField(
        label="Phối hợp (ghi khác)",
        max_length=255,
        required=False,
        help_text="Ví dụ: Các cơ quan liên quan",
    )
    notes = forms.CharField(
        label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, units: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["lead_units"].queryset = units
        self.fields["co_units"].queryset = units
        for name in ("lead_units", "co_units"):
            self.fields[name].widget.attrs["size"] = 6


class TaskStatusForm(forms.Form):
    status = forms.ChoiceField(label="Tình trạng", choices=TaskStatus.choices)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
