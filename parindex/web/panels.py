"""What each role sees first on the home page. Later apps add lines through PANEL_HOOKS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import NoReverseMatch, reverse

from parindex.accounts.models import Membership
from parindex.accounts.roles import Role
from parindex.units.models import Unit

# Apps register callables (membership) -> list of {"label", "url"} or text lines.
PANEL_HOOKS: list[Callable[[Membership, dict[str, Any]], None]] = []

_TITLES = {
    Role.ADMIN: "Quản trị hệ thống",
    Role.ORGANISER: "Thường trực tổ chức đánh giá",
    Role.CHAIRMAN: "Phê duyệt kết quả",
    Role.COUNCIL: "Hội đồng thẩm định",
    Role.HEAD: "Thủ trưởng đơn vị",
    Role.FOCAL: "Đầu mối tự đánh giá",
    Role.OFFICER: "Công chức thực hiện",
    Role.OBSERVER: "Theo dõi",
}


def _link(label: str, name: str, *args: Any) -> dict[str, str] | None:
    try:
        return {"label": label, "url": reverse(name, args=args)}
    except NoReverseMatch:
        return None


def admin_panel() -> dict[str, Any]:
    organisers = Unit.objects.filter(is_organiser=True).count()
    links = [_link("Đơn vị", "units:list"), _link("Tài khoản", "accounts:user_list")]
    return {
        "role": Role.ADMIN,
        "title": _TITLES[Role.ADMIN],
        "unit": None,
        "lines": [f"{Unit.objects.count()} đơn vị, {organisers} cơ quan tổ chức đánh giá"],
        "links": [link for link in links if link],
    }


def panel_for(m: Membership) -> dict[str, Any]:
    panel: dict[str, Any] = {
        "role": m.role,
        "title": _TITLES.get(m.role, m.get_role_display()),
        "unit": m.unit,
        "lines": [],
        "links": [],
    }
    unit = m.unit
    if m.role == Role.ADMIN:
        return admin_panel()
    if (
        unit is not None
        and unit.is_organiser
        and m.role in (Role.ORGANISER, Role.OBSERVER, Role.CHAIRMAN, Role.COUNCIL)
    ):
        if m.campaign_id:  # a role given for one campaign: that campaign only
            panel["lines"].append(f"Vai trò trong đợt: {m.campaign.name}")
        else:
            count = Unit.objects.filter(organiser=unit).count()
            panel["lines"].append(f"{count} đơn vị thuộc danh sách đánh giá")
        panel["links"].append(_link("Danh sách đơn vị", "units:list"))
        if m.role == Role.ORGANISER and not m.campaign_id:
            panel["links"].append(_link("Tài khoản", "accounts:user_list"))
    elif unit is not None:
        panel["lines"].append(f"Loại đơn vị: {unit.get_kind_display()}")
        panel["links"].append(_link("Thông tin đơn vị", "units:detail", unit.code))
    for hook in PANEL_HOOKS:
        hook(m, panel)
    panel["links"] = [link for link in panel["links"] if link]
    return panel
