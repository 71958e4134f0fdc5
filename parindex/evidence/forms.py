"""The one small form for a document's number and symbol, date, issuer and title."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone

from .metadata import normalise_number_symbol, parse_vn_date
from .models import EvidenceDocument

DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_date_input(text: str) -> date | None:
    """'15/10/2025', '15-10-2025', '15.10.2025', '2025-10-15', 'ngày 15 tháng 10 năm 2025'."""
    value = " ".join((text or "").split())
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return parse_vn_date(value)


class VnDateField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"placeholder": "ngày/tháng/năm", "inputmode": "numeric", "size": 12}
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, date):
            return value.strftime("%d/%m/%Y")
        return value

    def to_python(self, value: Any) -> date | None:
        text = super().to_python(value)
        if not text:
            return None
        found = parse_date_input(text)
        if found is None:
            raise forms.ValidationError(
                "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 15/10/2025."
            )
        if found > timezone.localdate():
            raise forms.ValidationError("Ngày ban hành không thể sau hôm nay.")
        if found.year < 1945:
            raise forms.ValidationError("Ngày ban hành không hợp lệ.")
        return found


class MetadataForm(forms.Form):
    number_symbol = forms.CharField(
        label="Số, ký hiệu",
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": "12/KH-UBND", "autocomplete": "off", "size": 16}
        ),
    )
    issued_on = VnDateField(label="Ngày ban hành", required=False)
    issuer = forms.CharField(
        label="Cơ quan ban hành",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"list": "evidence-issuers", "autocomplete": "off"}),
    )
    title = forms.CharField(
        label="Trích yếu (tên tài liệu)",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Kế hoạch cải cách hành chính năm 2025"}),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)

    def clean_number_symbol(self) -> str:
        return normalise_number_symbol(self.cleaned_data.get("number_symbol") or "")


def initial_for(document: EvidenceDocument, unit_name: str = "") -> dict[str, Any]:
    """What the form shows: the stored values; for a document not yet confirmed, the file
    name as its title and the unit as its issuer when nothing could be read."""
    title = document.title
    issuer = document.issuer
    if not document.is_confirmed:
        if not title:
            stem = document.original_name.rsplit(".", 1)[0]
            title = " ".join(stem.replace("_", " ").split())
        if not issuer and unit_name:
            issuer = unit_name
    return {
        "number_symbol": document.number_symbol,
        "issued_on": document.issued_on,
        "issuer": issuer,
        "title": title,
        "revision": document.revision,
    }
