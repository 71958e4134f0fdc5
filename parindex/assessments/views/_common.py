"""Shared by the self-assessment pages: authentication that answers scripts with 401, finding
an assessment the user may see, reading a criterion's form, showing service errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import resolve_url

from parindex.scoring import InputSpec

from ..models import Assessment
from ..selectors import visible_assessment


def wants_json(request: HttpRequest) -> bool:
    return (
        request.headers.get("X-Requested-With") in ("fetch", "XMLHttpRequest")
        or bool(request.headers.get("HX-Request"))
        or "application/json" in request.headers.get("Accept", "")
    )


def login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like Django's, but a script's request gets 401 with the login URL (the page then asks
    for the password in place, keeping what was typed) instead of a redirect."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        login_url = resolve_url(settings.LOGIN_URL)
        if wants_json(request):
            return JsonResponse(
                {
                    "login": True,
                    "login_url": login_url,
                    "error": "Phiên đăng nhập đã hết hạn: hãy đăng nhập lại.",
                },
                status=401,
            )
        return redirect_to_login(request.get_full_path(), login_url)

    return wrapped


def assessment_or_404(request: HttpRequest, pk: int) -> Assessment:
    found = visible_assessment(request.user, pk)
    if found is None:
        raise Http404("Không tìm thấy hồ sơ tự đánh giá")
    return found


def raw_from_post(post: Any, specs: tuple[InputSpec, ...]) -> dict[str, Any]:
    """A criterion's raw inputs from its form: ``in-<name>`` text fields; a checklist posts
    ``in-items`` (present) and ``in-items-<i>`` for each ticked item."""
    raw: dict[str, Any] = {}
    for spec in specs:
        key = f"in-{spec.name}"
        if spec.type == "checklist":
            if key in post:
                raw[spec.name] = [post.get(f"{key}-{item.index}") == "1" for item in spec.items]
            continue
        if key in post:
            raw[spec.name] = post.get(key, "")
    return raw


def na_reason_from_post(post: Any) -> str:
    return post.get("na_reason", "") if post.get("na") == "1" else ""


def error_list(exc: ValidationError | PermissionDenied) -> list[str]:
    if isinstance(exc, PermissionDenied):
        return [str(exc) or "Bạn không có quyền thực hiện thao tác này."]
    return [str(m) for m in exc.messages]


def show_errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    for text in error_list(exc):
        messages.error(request, text)
