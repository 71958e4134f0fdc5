"""The organiser's progress board: every unit's state, completeness and claimed points."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from parindex.campaigns.models import RankingGroup
from parindex.campaigns.permissions import campaigns_visible_to
from parindex.exchange import mime

from ..permissions import can_view_progress_board
from ..selectors import SORTS, board_counts, progress_board
from ..workflow import STATUS_LABELS
from ..xlsx import board_workbook
from ._common import login_required

COLUMNS = (
    ("don-vi", "Đơn vị"),
    ("nhom", "Nhóm"),
    ("trang-thai", "Trạng thái"),
    ("hoan-thanh", "Hoàn thành"),
    ("diem", "Điểm tự chấm"),
    ("gui-luc", "Gửi lúc"),
)


@login_required
def board(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = campaigns_visible_to(request.user).filter(slug=slug).first()
    if campaign is None:
        raise Http404("Không tìm thấy đợt đánh giá")
    if not can_view_progress_board(request.user, campaign):
        raise PermissionDenied("Bảng tiến độ dành cho cơ quan tổ chức đánh giá.")
    group = request.GET.get("nhom", "")
    sort = request.GET.get("sap-xep", "don-vi")
    if sort.lstrip("-") not in SORTS:
        sort = "don-vi"
    status = request.GET.get("trang-thai", "")
    rows = progress_board(campaign, group=group, sort=sort, status=status)
    if request.GET.get("xuat") == "xlsx":
        data = board_workbook(campaign, rows)
        response = HttpResponse(
            data,
            content_type=mime.XLSX,
        )
        response["Content-Disposition"] = f'attachment; filename="tien-do-{campaign.slug}.xlsx"'
        return response
    groups = list(RankingGroup.objects.filter(campaign=campaign).order_by("position", "name"))
    columns = [
        {
            "key": key,
            "label": label,
            "active": sort.lstrip("-") == key,
            "desc": sort == f"-{key}",
            "next": f"-{key}" if sort == key else key,
        }
        for key, label in COLUMNS
    ]
    statuses = [("not_started", "Chưa bắt đầu")] + [
        (s.value, lbl) for s, lbl in STATUS_LABELS.items()
    ]
    return render(
        request,
        "assessments/board.html",
        {
            "campaign": campaign,
            "rows": rows,
            "groups": groups,
            "group": group,
            "sort": sort,
            "status": status,
            "columns": columns,
            "counts": board_counts(rows),
            "statuses": statuses,
        },
    )
