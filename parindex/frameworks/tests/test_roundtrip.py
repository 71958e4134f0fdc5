"""Round trips through the database: import → store → download .xlsx → import again gives
the identical canonical YAML and SHA-256, for both shipped sets."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.test import Client

from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.frameworks.models import CriterionNode, FrameworkVersion
from parindex.frameworks.services import framework_import, framework_reimport

from .conftest import Province, import_file


def _rows(version: FrameworkVersion) -> list[tuple[object, ...]]:
    return list(
        CriterionNode.objects.filter(framework=version)
        .order_by("position")
        .values_list(
            "code", "position", "depth", "parent__code", "max_points", "rule_text", "source"
        )
    )


def _assert_speaks_vietnamese(content: bytes) -> None:
    """The downloaded workbook tells each rule in words and writes its choices in Vietnamese."""
    wb = openpyxl.load_workbook(BytesIO(content))
    assert [c.value for c in wb["Thông tin chung"][1]] == ["Khóa", "Giá trị", "Ý nghĩa"]
    ws = wb["Tiêu chí"]
    headers = [c.value for c in ws[1]]
    words_at = headers.index("Diễn giải cách chấm")
    assert headers[words_at - 1] == "Cách chấm"
    words = [row[words_at] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]
    assert any(words) and all("max_points" not in w and 'date("' not in w for w in words if w)
    choices = {
        "Nguồn": {"tự chấm", "điều tra", "cơ quan tổ chức"},
        "Tài liệu kiểm chứng": {"bắt buộc", "không bắt buộc", "không cần"},
    }
    for header, allowed in choices.items():
        at = headers.index(header)
        used = {row[at] for row in ws.iter_rows(min_row=2, values_only=True)} - {None}
        assert used and used <= allowed, header


@pytest.mark.parametrize(
    ("path", "questionnaires"),
    [(DEPARTMENTS_SET, ()), (COMMUNES_SET, COMMUNES_QUESTIONNAIRES)],
    ids=["departments", "communes"],
)
def test_xlsx_download_imports_back_identical(
    client: Client, province: Province, path: Path, questionnaires: tuple[Path, ...]
) -> None:
    first = import_file(province, path, questionnaires)
    client.force_login(province["organiser"])
    response = client.get(f"/bo-tieu-chi/{first.pk}/xlsx/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    _assert_speaks_vietnamese(response.content)
    extra = []
    for q in questionnaires:  # the separate questionnaires download too
        downloaded = client.get(f"/bo-tieu-chi/{first.pk}/phieu/{q.name.split('.')[0]}/")
        assert downloaded.status_code == 200
        extra.append((q.name, downloaded.content))
    second = framework_import(
        actor=province["organiser"],
        organiser=province.org,
        filename="tai-ve.xlsx",
        content=response.content,
        questionnaires=extra,
    )
    assert second.number == first.number + 1
    assert second.canonical_yaml == first.canonical_yaml
    assert second.sha256 == first.sha256
    assert second.questionnaires_sha256 == first.questionnaires_sha256
    assert _rows(second) == _rows(first)


@pytest.mark.parametrize("path", [DEPARTMENTS_SET, COMMUNES_SET], ids=["departments", "communes"])
def test_yaml_download_imports_back_identical(
    client: Client, province: Province, path: Path
) -> None:
    first = import_file(province, path)
    client.force_login(province["organiser"])
    response = client.get(f"/bo-tieu-chi/{first.pk}/yaml/")
    assert response.content.decode("utf-8") == first.canonical_yaml
    again = framework_reimport(
        actor=province["organiser"],
        version=first,
        filename="tai-ve.yaml",
        content=response.content,
    )
    assert again.sha256 == first.sha256
    assert again.pk == first.pk
