"""Bulk account creation: upload -> preview with row errors -> confirm -> the temporary
passwords shown once, and offered once as an .xlsx (kept sealed in the session until
downloaded, ten minutes at most). Between the preview and the confirmation the uploaded file
waits in its staging area; the confirmation reads and checks it again."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from parindex.core.staging import TicketError, TicketWording, UploadStage

from .. import services
from ..bulk import BulkImportError, BulkPlan
from ..forms import BulkUploadForm
from ..permissions import units_for_account_management
from ..sealed import SealError, seal, unseal
from ..xlsx import XLSX_CONTENT_TYPE, passwords_workbook, rows_from_xlsx, template_workbook
from .common import attach_error, manager_required

SESSION_RESULT = "accounts.bulk.result"
RESULT_PURPOSE = "bulk-passwords"
RESULT_LIFETIME = timedelta(minutes=10)

STAGE = UploadStage("tmp/account-imports", "parindex.accounts.bulk")
WORDING = TicketWording(
    expired="Bản xem trước đã quá hạn một giờ; hãy tải tệp lên lại.",
    invalid="Yêu cầu xác nhận không hợp lệ; hãy tải tệp lên lại.",
    used="Không có danh sách nào đang chờ xác nhận; hãy tải tệp lên.",
)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@manager_required
def bulk_template(request: HttpRequest) -> HttpResponse:
    units = units_for_account_management(request.user).order_by("name_folded", "code")
    return _xlsx(template_workbook(units), "mau-tao-tai-khoan.xlsx")


@manager_required
def bulk_upload(request: HttpRequest) -> HttpResponse:
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not units_for_account_management(request.user).exists():
        # nobody to create accounts for: refused before the file is read at all
        form.add_error(None, "Bạn chưa quản lý đơn vị nào nên không tạo được tài khoản nào.")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            rows = rows_from_xlsx(data)
        except ValidationError as error:
            attach_error(form, error)
        else:
            plan = services.accounts_bulk_plan(actor=request.user, rows=rows)
            context = {"plan": plan, "file_name": upload.name}
            if plan.ok:
                context["ticket"] = STAGE.stage([(upload.name, data)], user=request.user)
            return render(request, "accounts/bulk_preview.html", context)
    return render(request, "accounts/bulk_upload.html", {"form": form})


@require_POST
@manager_required
def bulk_confirm(request: HttpRequest) -> HttpResponse:
    try:
        staged = STAGE.take(request.POST.get("ticket", ""), user=request.user)
    except TicketError as error:
        messages.warning(request, WORDING.message(error))
        return redirect("accounts:bulk_upload")
    try:
        rows = rows_from_xlsx(staged.file.content)
        created = services.accounts_bulk_create(actor=request.user, rows=rows)
    except BulkImportError as error:
        plan = BulkPlan(errors=error.row_errors)
        return render(
            request, "accounts/bulk_preview.html", {"plan": plan, "file_name": staged.file.name}
        )
    except (ValidationError, PermissionDenied) as error:
        form = BulkUploadForm()
        attach_error(form, error)
        return render(request, "accounts/bulk_upload.html", {"form": form})
    accounts = [
        {
            "username": a.user.username,
            "full_name": a.user.full_name,
            "unit_code": a.membership.unit.code if a.membership and a.membership.unit else "",
            "unit_name": a.membership.unit.name if a.membership and a.membership.unit else "",
            "role_label": a.membership.get_role_display() if a.membership else "",
            "password": a.password,
        }
        for a in created
    ]
    payload = json.dumps(accounts, ensure_ascii=False).encode("utf-8")
    request.session[SESSION_RESULT] = seal(payload, purpose=RESULT_PURPOSE)
    expires = timezone.localtime() + RESULT_LIFETIME
    # Never cached: parindex.web.middleware.NoStoreMiddleware (a signed-in page).
    return render(request, "accounts/bulk_result.html", {"accounts": accounts, "expires": expires})


@manager_required
def bulk_download(request: HttpRequest) -> HttpResponse:
    """The passwords sheet, once: it leaves the session as it is sent."""
    token = request.session.pop(SESSION_RESULT, None)
    try:
        if not token:
            raise SealError("missing")
        accounts = json.loads(unseal(token, purpose=RESULT_PURPOSE, max_age=RESULT_LIFETIME))
    except SealError:
        messages.warning(
            request,
            "Tệp mật khẩu tạm không còn: đã được tải về hoặc đã quá 10 phút. Nếu cần, hãy cấp"
            " lại mật khẩu cho từng người ở trang của họ.",
        )
        return redirect("accounts:user_list")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _xlsx(passwords_workbook(accounts), f"mat-khau-tam-{stamp}.xlsx")
