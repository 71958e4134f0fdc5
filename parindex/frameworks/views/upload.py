"""Uploading a set (new, or re-importing a draft): problems or a preview, then confirmation.

Nothing is saved before the confirmation. A clean upload's files wait in the staging area
(:mod:`..staging`: a random folder, a signed ticket valid for one hour, for the person who
uploaded them and one confirmation).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from parindex.core.errors import ServiceError
from parindex.core.staging import TicketError
from parindex.units.models import Unit

from .. import staging
from ..checking import CheckResult, display_name
from ..diff import diff_snapshots, snapshot_of, snapshot_of_check
from ..forms import UploadForm
from ..models import FrameworkVersion
from ..permissions import (
    can_import_framework,
    ensure_can_manage_framework,
    import_organisers,
)
from ..services import (
    FrameworkFileError,
    framework_check_upload,
    framework_import,
    framework_reimport,
)
from .common import problem_rows, service_messages, version_or_404


def _read(upload: Any) -> tuple[str, bytes]:
    return display_name(upload.name or ""), upload.read()


def _preview_context(
    result: CheckResult, organiser: Unit | None, target: FrameworkVersion | None
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "result": result,
        "problems": problem_rows(result.problems),
        "error_count": len(result.errors),
        "warning_count": len(result.warnings),
        "summary": result.summary() if result.ok else None,
    }
    if result.ok and result.framework is not None:
        owner = target.organiser if target is not None else organiser
        if target is None and owner is not None:
            top = FrameworkVersion.objects.filter(
                organiser=owner, code=result.framework.code
            ).aggregate(top=Max("number"))["top"]
            context["next_number"] = int(top or 0) + 1
        context["same_as"] = (
            FrameworkVersion.objects.filter(
                organiser=owner, code=result.framework.code, sha256=result.sha256
            )
            .order_by("-number")
            .first()
            if owner is not None
            else None
        )
        if target is not None and result.framework.code != target.code:
            context["code_mismatch"] = True
        elif target is not None:
            context["changes"] = diff_snapshots(snapshot_of(target), snapshot_of_check(result))
    return context


def _handle_upload(request: HttpRequest, target: FrameworkVersion | None) -> HttpResponse:
    organisers = import_organisers(request.user)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        organisers=organisers,
        fixed_organiser=target is not None,
    )
    context: dict[str, Any] = {"form": form, "target": target}
    if request.method == "POST" and form.is_valid():
        organiser: Unit | None = form.cleaned_data.get("organiser") if target is None else None
        if target is None and not can_import_framework(request.user, organiser):
            raise PermissionDenied("Bạn không có quyền tải bộ tiêu chí lên cho cơ quan này.")
        main = _read(form.cleaned_data["file"])
        extra = [_read(f) for f in form.cleaned_data["questionnaires"]]
        result = framework_check_upload(filename=main[0], content=main[1], questionnaires=extra)
        context.update(_preview_context(result, organiser, target))
        if result.ok and not context.get("code_mismatch"):
            context["ticket"] = staging.STAGE.stage(
                [main, *extra],
                user=request.user,
                organiser=organiser.pk if organiser is not None else None,
                target=target.pk if target is not None else None,
                expected_revision=target.revision if target is not None else None,
            )
        status = 200 if result.ok else 422
        return render(request, "frameworks/upload.html", context, status=status)
    return render(request, "frameworks/upload.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if not can_import_framework(request.user):
        raise PermissionDenied("Bạn không có quyền tải bộ tiêu chí lên.")
    return _handle_upload(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def reimport(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_or_404(request, pk)
    ensure_can_manage_framework(request.user, version)
    if not version.is_draft:
        messages.error(
            request, "Bộ tiêu chí đã khóa, không nhập lại được. Hãy sao chép thành dự thảo mới."
        )
        return redirect("frameworks:detail", pk=version.pk)
    return _handle_upload(request, version)


def _failed(request: HttpRequest, text: str, target_pk: int | None = None) -> HttpResponse:
    messages.error(request, text)
    if target_pk is not None:
        return redirect("frameworks:reimport", pk=target_pk)
    return redirect("frameworks:upload")


@login_required
@require_POST
def upload_confirm(request: HttpRequest) -> HttpResponse:
    try:
        staged = staging.STAGE.take(request.POST.get("ticket", ""), user=request.user)
    except TicketError as error:
        return _failed(request, staging.WORDING.message(error), error.meta.get("target"))
    target_pk = staged.meta.get("target")
    main, extra = staged.file, [(f.name, f.content) for f in staged.files[1:]]
    try:
        if target_pk is not None:
            target = version_or_404(request, target_pk)
            version = framework_reimport(
                actor=request.user,
                version=target,
                filename=main.name,
                content=main.content,
                questionnaires=extra,
                expected_revision=staged.meta.get("expected_revision"),
            )
            note = f"Đã thay nội dung dự thảo {version.code} (bản {version.number})."
        else:
            organiser = Unit.objects.filter(pk=staged.meta.get("organiser")).first()
            if organiser is None:
                return _failed(request, "Không tìm thấy cơ quan ban hành. Hãy tải tệp lên lại.")
            version = framework_import(
                actor=request.user,
                organiser=organiser,
                filename=main.name,
                content=main.content,
                questionnaires=extra,
            )
            note = f"Đã lưu bộ tiêu chí {version.code}, bản {version.number} (dự thảo)."
    except FrameworkFileError as exc:
        context = {
            "form": UploadForm(
                organisers=import_organisers(request.user), fixed_organiser=target_pk is not None
            ),
            "target": None,
            "problems": problem_rows(exc.problems),
            "error_count": sum(1 for p in exc.problems if p.is_error),
        }
        return render(request, "frameworks/upload.html", context, status=422)
    except ServiceError as exc:  # a conflict too: the draft changed since the preview
        return _failed(request, " ".join(service_messages(exc)), target_pk)
    messages.success(request, note)
    return redirect("frameworks:detail", pk=version.pk)
