"""``Cache-Control: no-store`` on every page a signed-in person sees, and on the sign-in and
password pages, so neither the browser nor a proxy keeps a copy of them (a shared office PC's
back button or disk cache would otherwise show the last person's scores and documents).

This is the one place that says so (the pages showing a temporary password rely on it too). A
response that already says how it may be cached (the evidence file views, the health check) is
left as it is; static files never reach this middleware (WhiteNoise answers them first).

Add ``parindex.web.middleware.NoStoreMiddleware`` to MIDDLEWARE after WhiteNoise.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# The sign-in, sign-out and password pages live in this URL namespace.
ACCOUNT_NAMESPACE = "accounts"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if _signed_in(request) or _account_page(request):
            no_store(response)
        return response


def no_store(response: HttpResponseBase) -> HttpResponseBase:
    """Neither the browser nor a proxy keeps a copy (Pragma for HTTP/1.0 caches)."""
    response["Cache-Control"] = "no-store, max-age=0"
    response["Pragma"] = "no-cache"
    return response


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def _account_page(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and ACCOUNT_NAMESPACE in match.namespaces
