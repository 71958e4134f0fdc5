"""Send a person holding a temporary password to the password-change page until they pick
their own (the change clears ``must_change_password``).

Add ``parindex.accounts.middleware.MustChangePasswordMiddleware`` to MIDDLEWARE after the
authentication and messages middleware.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# Pages a person with a temporary password may still open.
ALLOWED_VIEWS = frozenset(
    {
        "accounts:password_change",
        "accounts:logout",
        "accounts:login",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "web:healthz",
    }
)


class MustChangePasswordMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if not getattr(user, "must_change_password", False):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_VIEWS:
            return None
        target = reverse("accounts:password_change")
        if request.method == "GET":
            target = f"{target}?{urlencode({'next': request.get_full_path()})}"
        messages.warning(request, "Bạn đang dùng mật khẩu tạm: hãy đặt mật khẩu mới để tiếp tục.")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
