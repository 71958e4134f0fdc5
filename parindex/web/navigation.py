"""The navigation menu by role: one table, read by the context processor and the tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from parindex.accounts.permissions import can_manage_accounts, roles_of
from parindex.accounts.roles import Role

ALL = frozenset(Role.values)


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    icon: str = ""
    # When set, the one permission the page itself asks (roles alone would offer the page to
    # someone it refuses, e.g. an organiser appointed for one campaign only).
    allowed: Callable[[Any], bool] | None = None


NAV: tuple[NavItem, ...] = (
    NavItem("Trang chủ", "web:home", ALL),
    NavItem("Đơn vị", "units:list", ALL - {Role.OFFICER}),
    NavItem("Đợt đánh giá", "campaigns:list", ALL),
    NavItem("Tự đánh giá", "assessments:home", ALL),
    NavItem("Tài liệu kiểm chứng", "evidence:home", ALL),
    # Officers too: units invited to a draft comment on it (the list is scoped per user).
    NavItem("Bộ tiêu chí", "frameworks:list", ALL),
    NavItem(
        "Tài khoản",
        "accounts:user_list",
        frozenset({Role.ADMIN, Role.ORGANISER}),
        allowed=can_manage_accounts,
    ),
)


def menu_for(user: Any, current_path: str = "") -> list[dict[str, Any]]:
    roles = roles_of(user)
    items: list[dict[str, Any]] = []
    for item in NAV:
        if not roles & item.roles:
            continue
        if item.allowed is not None and not item.allowed(user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the page belongs to an app not installed in this deployment
        active = url == current_path if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
