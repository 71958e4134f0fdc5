"""People: the list, one person's page with their roles, creation, editing, password reset;
and one's own account page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from parindex.core.audit import audit_lines
from parindex.core.models import AuditEntry
from parindex.core.text import sort_key

from .. import services
from ..forms import MembershipGrantForm, OwnAccountForm, UserCreateForm, UserUpdateForm
from ..models import Membership, User
from ..permissions import (
    can_grant_roles_to,
    can_manage_user,
    can_revoke_membership,
    ensure_can_manage_user,
    is_admin,
    users_visible_to,
)
from .common import attach_error, manager_required

PAGE_SIZE = 50
HISTORY_SIZE = 30


def _order_key(full_name: str, username: str) -> tuple[Any, ...]:
    """Vietnamese lists sort by the given name (the last word), then the whole name."""
    name = full_name or username
    words = name.split()
    return (sort_key(words[-1] if words else ""), sort_key(name), username)


@manager_required
def user_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = users_visible_to(request.user).search(query)
    ordered = sorted(
        found.values_list("pk", "full_name", "username"), key=lambda r: _order_key(r[1], r[2])
    )
    page = Paginator([r[0] for r in ordered], PAGE_SIZE).get_page(request.GET.get("trang"))
    current = Membership.objects.active().select_related("unit").order_by("unit__name_folded")
    by_pk = User.objects.filter(pk__in=list(page.object_list)).prefetch_related(
        Prefetch("memberships", queryset=current, to_attr="current_memberships")
    )
    position = {pk: i for i, pk in enumerate(page.object_list)}
    users = sorted(by_pk, key=lambda u: position[u.pk])
    return render(
        request,
        "accounts/user_list.html",
        {"users": users, "page": page, "q": query, "total": len(ordered)},
    )


def _detail_context(request: HttpRequest, person: User, grant_form: Any = None) -> dict[str, Any]:
    memberships = list(
        person.memberships.select_related("unit", "campaign", "granted_by", "revoked_by").order_by(
            "-is_active", "unit__name_folded", "role"
        )
    )
    manageable = can_manage_user(request.user, person)
    for m in memberships:
        m.can_revoke = manageable and m.is_active and can_revoke_membership(request.user, m)
    entries = AuditEntry.objects.filter(
        Q(object_type="accounts.user", object_id=str(person.pk))
        | Q(object_type="accounts.membership", object_id__in=[str(m.pk) for m in memberships])
    ).select_related("actor")[:HISTORY_SIZE]
    # Labels, subjects and "field: old → new" in Vietnamese; never a raw action name or hash.
    history = audit_lines(entries)
    may_grant = manageable and can_grant_roles_to(request.user, person)
    if may_grant and grant_form is None:
        grant_form = MembershipGrantForm(actor=request.user)
    if not may_grant:
        grant_form = None
    return {
        "person": person,
        "memberships": memberships,
        "can_manage": manageable,
        "is_self": person.pk == request.user.pk,
        "grant_form": grant_form,
        "self_grant_refused": manageable and not may_grant,
        "history": history,
    }


def _visible_person(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(users_visible_to(request.user), pk=pk)


@manager_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    return render(request, "accounts/user_detail.html", _detail_context(request, person))


@manager_required
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = services.user_create(
                actor=request.user,
                full_name=data["full_name"],
                username=data["username"],
                email=data["email"],
                phone=data["phone"],
                position=data["position"],
                unit=data["unit"],
                role=data["role"] or None,
                title=data["title"],
                signs_on_behalf=data["signs_on_behalf"],
            )
        except (ValidationError, PermissionDenied) as error:
            attach_error(form, error)
        else:
            return render(
                request,
                "accounts/temporary_password.html",
                {"person": account.user, "password": account.password, "created": True},
            )
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@manager_required
def user_update(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    ensure_can_manage_user(request.user, person)
    initial = {f: getattr(person, f) for f in ("full_name", "position", "email", "phone")}
    form = UserUpdateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=person, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            attach_error(form, error)
        else:
            messages.success(request, "Đã lưu thông tin.")
            return redirect("accounts:user_detail", pk=person.pk)
    return render(request, "accounts/user_form.html", {"form": form, "person": person})


def _report(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    texts = error.messages if isinstance(error, ValidationError) else [str(error)]
    for text in texts:
        messages.error(request, text)


def _run(request: HttpRequest, action: Any, success: str) -> None:
    try:
        action()
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(request, success)


@require_POST
@manager_required
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    _run(
        request,
        lambda: services.user_deactivate(actor=request.user, user=person),
        f"Đã khóa tài khoản {person.username}.",
    )
    return redirect("accounts:user_detail", pk=pk)


@require_POST
@manager_required
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    _run(
        request,
        lambda: services.user_reactivate(actor=request.user, user=person),
        f"Đã mở lại tài khoản {person.username}.",
    )
    return redirect("accounts:user_detail", pk=pk)


@require_POST
@manager_required
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Give a temporary password, shown on this page once."""
    person = _visible_person(request, pk)
    try:
        password = services.password_reset_by_manager(actor=request.user, user=person)
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
        return redirect("accounts:user_detail", pk=pk)
    # Never cached: parindex.web.middleware.NoStoreMiddleware (a signed-in page).
    return render(
        request, "accounts/temporary_password.html", {"person": person, "password": password}
    )


@require_POST
@manager_required
def membership_grant(request: HttpRequest, pk: int) -> HttpResponse:
    person = _visible_person(request, pk)
    ensure_can_manage_user(request.user, person)
    form = MembershipGrantForm(request.POST, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = services.membership_grant(
                actor=request.user,
                user=person,
                unit=data["unit"],
                role=data["role"],
                title=data["title"],
                signs_on_behalf=data["signs_on_behalf"],
                valid_from=data["valid_from"],
                valid_to=data["valid_to"],
            )
        except (ValidationError, PermissionDenied) as error:
            attach_error(form, error)
        else:
            messages.success(request, f"Đã giao vai trò “{membership.get_role_display()}”.")
            return redirect("accounts:user_detail", pk=pk)
    context = _detail_context(request, person, grant_form=form)
    return render(request, "accounts/user_detail.html", context, status=400)


@require_POST
@manager_required
def membership_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        Membership.objects.select_related("unit", "user").filter(
            user__in=users_visible_to(request.user)
        ),
        pk=pk,
    )
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except (ValidationError, PermissionDenied) as error:
        _report(request, error)
    else:
        messages.success(request, f"Đã thu hồi vai trò “{membership.get_role_display()}”.")
    return redirect("accounts:user_detail", pk=membership.user_id)


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    me = request.user
    form = OwnAccountForm(request.POST or None, initial={"email": me.email, "phone": me.phone})
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=me, user=me, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            attach_error(form, error)
        else:
            messages.success(request, "Đã lưu thông tin liên hệ.")
            return redirect("accounts:my_account")
    memberships = me.memberships.filter(is_active=True).select_related("unit", "campaign")
    return render(
        request,
        "accounts/my_account.html",
        {"form": form, "memberships": memberships, "is_admin": is_admin(me)},
    )
