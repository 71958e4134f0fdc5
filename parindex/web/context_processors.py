from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from parindex.accounts.permissions import roles_of
from parindex.accounts.roles import Role

from .navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "user_role_labels": []}
    labels = [str(label) for value, label in Role.choices if value in roles_of(user)]
    return {"nav_items": menu_for(user, request.path), "user_role_labels": labels}
