"""Helpers shared by the accounts pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from ..permissions import ensure_can_manage_accounts

View = Callable[..., HttpResponse]


def manager_required(view: View) -> View:
    """Signed in, and an admin or an organiser's secretariat; otherwise 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ensure_can_manage_accounts(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def attach_error(form: forms.Form, error: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal on the form: on its field when it names one."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or "Bạn không có quyền thực hiện thao tác này.")
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(None, error.messages)
