"""Helpers shared by the criteria-set pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from parindex.core.errors import ServiceError
from parindex.exchange import mime
from parindex.scoring import Problem

from ..models import FrameworkVersion
from ..selectors import framework_version_get

XLSX_TYPE = mime.XLSX
YAML_TYPE = mime.YAML


@dataclass(frozen=True, slots=True)
class ProblemRow:
    """A problem as the pages list it."""

    is_error: bool
    file: str
    node: str
    where: str
    message: str

    @property
    def severity(self) -> str:
        return "Lỗi" if self.is_error else "Cảnh báo"


def problem_rows(problems: Iterable[Problem]) -> list[ProblemRow]:
    rows = [
        ProblemRow(p.is_error, p.file, p.node or "", p.where or "", p.message) for p in problems
    ]
    return sorted(rows, key=lambda r: not r.is_error)  # errors first, order kept otherwise


def version_or_404(request: HttpRequest, pk: int) -> FrameworkVersion:
    version = framework_version_get(user=request.user, pk=pk)
    if version is None:
        raise Http404("Không tìm thấy bộ tiêu chí")
    return version


def service_messages(exc: ServiceError) -> list[str]:
    return [str(m) for m in exc.messages]


def attachment(data: bytes | str, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def version_filename(version: FrameworkVersion, suffix: str) -> str:
    return f"{version.code}-ban-{version.number}{suffix}"


def form_errors(form: Any, exc: ServiceError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
