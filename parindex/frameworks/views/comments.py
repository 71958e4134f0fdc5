"""Comments on drafts: inviting units, the unit's page, the organiser's overview."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from parindex.accounts.permissions import scope
from parindex.accounts.roles import UNIT_SIDE
from parindex.core.errors import ServiceError
from parindex.units.models import Unit

from ..forms import CommentForm, HandleForm, InviteForm
from ..models import CriterionNode, DraftComment, DraftInvitation, FrameworkVersion
from ..permissions import (
    can_manage_framework,
    can_view_comments,
    comment_units,
    ensure_can_manage_framework,
)
from ..selectors import criterion_nodes
from ..services import (
    draft_comment_add,
    draft_comment_handle,
    draft_comments_set_open,
    draft_invite_units,
    draft_uninvite_unit,
)
from .common import form_errors, service_messages, version_or_404


@login_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_or_404(request, pk)
    ensure_can_manage_framework(request.user, version)
    invited = list(
        DraftInvitation.objects.filter(framework=version)
        .select_related("unit")
        .order_by("unit__name_folded")
    )
    candidates = (
        Unit.objects.filter(organiser_id=version.organiser_id)
        .exclude(pk=version.organiser_id)
        .exclude(pk__in=[i.unit_id for i in invited])
        .order_by("kind", "name_folded")
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = InviteForm(request.POST if action == "invite" else None, units=candidates)
    if request.method == "POST":
        try:
            if action == "invite":
                if form.is_valid():
                    created = draft_invite_units(
                        actor=request.user,
                        version=version,
                        units=form.cleaned_data["units"],
                        closes_on=form.cleaned_data["closes_on"],
                    )
                    messages.success(request, f"Đã mời {len(created)} đơn vị góp ý.")
                    return redirect("frameworks:invitations", pk=version.pk)
            elif action == "remove":
                unit = get_object_or_404(Unit, pk=request.POST.get("unit"))
                draft_uninvite_unit(actor=request.user, version=version, unit=unit)
                messages.success(request, f"Đã bỏ lời mời {unit.name}.")
                return redirect("frameworks:invitations", pk=version.pk)
            elif action in ("open", "close"):
                draft_comments_set_open(
                    actor=request.user,
                    version=version,
                    is_open=action == "open",
                    expected_revision=_int(request.POST.get("revision")),
                )
                messages.success(
                    request,
                    "Đã mở lấy ý kiến góp ý." if action == "open" else "Đã đóng lấy ý kiến.",
                )
                return redirect("frameworks:invitations", pk=version.pk)
        except ServiceError as exc:
            if action == "invite":
                form_errors(form, exc)
            else:
                messages.error(request, " ".join(service_messages(exc)))
                return redirect("frameworks:invitations", pk=version.pk)
    context = {"version": version, "invited": invited, "form": form}
    return render(request, "frameworks/invitations.html", context)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class NodeComments:
    node: CriterionNode | None  # None: comments on the whole draft
    code: str
    comments: list[DraftComment] = field(default_factory=list)


def _grouped(
    nodes: list[CriterionNode], comments: list[DraftComment], *, all_nodes: bool
) -> list[NodeComments]:
    by_code: dict[str, list[DraftComment]] = {}
    for comment in comments:
        by_code.setdefault(comment.node_code, []).append(comment)
    groups = [NodeComments(None, "", by_code.pop("", []))]
    for node in nodes:
        found = by_code.pop(node.code, [])
        if found or all_nodes:
            groups.append(NodeComments(node, node.code, found))
    for code, rest in sorted(by_code.items()):  # nodes removed from the draft since
        groups.append(NodeComments(None, code, rest))
    if not groups[0].comments and not all_nodes:
        groups.pop(0)
    return groups


def _my_invited_units(request: HttpRequest, version: FrameworkVersion) -> list[Unit]:
    mine = scope(request.user).units(UNIT_SIDE)  # lasting roles: drafts are outside campaigns
    return list(
        Unit.objects.filter(
            pk__in=DraftInvitation.objects.filter(framework=version, unit_id__in=mine).values(
                "unit_id"
            )
        ).order_by("name_folded")
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_comments(request: HttpRequest, pk: int) -> HttpResponse:
    """An invited unit's page: the draft's tree with the unit's comments per node."""
    version = version_or_404(request, pk)
    units = _my_invited_units(request, version)
    if not units:
        raise PermissionDenied("Đơn vị của bạn không được mời góp ý dự thảo này.")
    allowed_ids = set(comment_units(request.user, version))
    writable = [u for u in units if u.pk in allowed_ids]
    form = CommentForm(request.POST or None, units=writable)
    if request.method == "POST":
        if not writable:
            raise PermissionDenied("Dự thảo đã hết thời gian góp ý.")
        if form.is_valid():
            unit = next(u for u in writable if u.pk == form.cleaned_data["unit"])
            code = form.cleaned_data["node_code"] or ""
            try:
                draft_comment_add(
                    actor=request.user,
                    version=version,
                    unit=unit,
                    node_code=code,
                    text=form.cleaned_data["text"],
                )
            except ServiceError as exc:
                messages.error(request, " ".join(service_messages(exc)))
            else:
                messages.success(request, "Đã gửi góp ý.")
                anchor = f"#tc-{code}" if code else "#chung"
                return redirect(reverse("frameworks:unit_comments", kwargs={"pk": pk}) + anchor)
        else:
            messages.error(request, "Hãy ghi nội dung góp ý.")
    nodes = criterion_nodes(version)
    comments = list(
        DraftComment.objects.filter(framework=version, unit__in=units)
        .select_related("unit", "author")
        .order_by("created_at")
    )
    context = {
        "version": version,
        "groups": _grouped(nodes, comments, all_nodes=True),
        "units": writable,
        "can_write": bool(writable),
    }
    return render(request, "frameworks/unit_comments.html", context)


@login_required
@require_http_methods(["GET"])
def comments_overview(request: HttpRequest, pk: int) -> HttpResponse:
    """Every unit's comments, per node, with the "đã xử lý" toggle and the response."""
    version = version_or_404(request, pk)
    if not can_view_comments(request.user, version):
        raise PermissionDenied("Bạn không có quyền xem góp ý của dự thảo này.")
    only_open = request.GET.get("loc") == "chua-xu-ly"
    comments_qs = DraftComment.objects.filter(framework=version).select_related(
        "unit", "author", "handled_by"
    )
    if only_open:
        comments_qs = comments_qs.filter(is_handled=False)
    comments = list(comments_qs.order_by("created_at"))
    nodes = criterion_nodes(version)
    context = {
        "version": version,
        "groups": _grouped(nodes, comments, all_nodes=False),
        "only_open": only_open,
        "can_handle": can_manage_framework(request.user, version),
        "total": len(comments),
    }
    return render(request, "frameworks/comments.html", context)


@login_required
@require_POST
def comment_handle(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    version = version_or_404(request, pk)
    comment = DraftComment.objects.filter(framework=version, pk=comment_id).first()
    if comment is None:
        raise Http404("Không tìm thấy góp ý")
    form = HandleForm(request.POST)
    if form.is_valid():
        try:
            draft_comment_handle(
                actor=request.user,
                comment=comment,
                is_handled=form.cleaned_data["is_handled"],
                response=form.cleaned_data["response"],
            )
        except ServiceError as exc:
            messages.error(request, " ".join(service_messages(exc)))
        else:
            messages.success(request, "Đã lưu việc xử lý góp ý.")
    url = reverse("frameworks:comments", kwargs={"pk": pk})
    query = "?loc=chua-xu-ly" if request.POST.get("loc") == "chua-xu-ly" else ""
    return redirect(f"{url}{query}#gy-{comment.pk}")
