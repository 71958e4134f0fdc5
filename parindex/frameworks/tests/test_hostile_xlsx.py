"""Hostile and tricky .xlsx files for the criteria-set upload, and user text that looks like a
formula in the version comparison export (and the set's own .xlsx download).

* A 3,000,000-cell workbook (~165 KB) is refused through the page as too large, fast and in
  bounded memory (default limits, and part-size limits lifted so the sheet is streamed).
* An XML-entity workbook or a file that is not a zip is "không đọc được tệp", never a 500;
  no version is saved and no confirmation is offered.
* Names starting with = + - @ are exported as text (no ``<f>`` element in any worksheet) and
  read back to themselves.
"""

from __future__ import annotations

import html
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client

from parindex.exchange.tests.hostile import (
    DDE,
    HYPERLINK,
    MAX_PEAK_BYTES,
    MAX_SECONDS,
    MIB,
    UNREADABLE_FILES,
    assert_no_formula,
    measure,
    million_cells,
)
from parindex.exchange.tests.hostile import lifted_part_limits as lifted
from parindex.frameworks.checking import check_upload
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.services import framework_check_upload, framework_import

from .conftest import Province
from .helpers import department_doc, find, xlsx_file, yaml_bytes

UPLOAD_URL = "/bo-tieu-chi/tai-len/"


@pytest.fixture
def organiser_client(province: Province) -> Client:
    client = Client()
    client.force_login(province["organiser"])
    return client


@pytest.fixture
def lifted_part_limits(settings: Any) -> None:
    settings.SHEET_LIMITS = lifted(settings.SHEET_LIMITS)


def _post(client: Client, province: Province, data: bytes) -> Any:
    return client.post(
        UPLOAD_URL, {"file": xlsx_file(data, "bo-tieu-chi.xlsx"), "organiser": province.org.pk}
    )


# --- Hostile uploads -------------------------------------------------------------------------


@pytest.mark.parametrize("limits", ["default", "lifted"])
def test_three_million_cells_are_refused_fast_in_bounded_memory(
    organiser_client: Client, province: Province, request: pytest.FixtureRequest, limits: str
) -> None:
    if limits == "lifted":
        request.getfixturevalue("lifted_part_limits")
    assert organiser_client.get(UPLOAD_URL).status_code == 200  # warm up
    data = million_cells()
    response, seconds, peak = measure(lambda: _post(organiser_client, province, data))
    print(f"criteria-set upload, 3M cells ({limits}): {seconds:.3f} s, peak {peak / MIB:.1f} MiB")
    page = html.unescape(response.content.decode())
    assert response.status_code == 422
    assert "Tệp quá lớn" in page
    assert 'name="ticket"' not in page
    assert seconds < MAX_SECONDS
    assert peak < MAX_PEAK_BYTES
    assert FrameworkVersion.objects.count() == 0


@pytest.mark.parametrize("limits", ["default", "lifted"])
def test_check_upload_refuses_three_million_cells_fast(
    db: Any, request: pytest.FixtureRequest, limits: str
) -> None:
    if limits == "lifted":
        request.getfixturevalue("lifted_part_limits")
    data = million_cells()
    result, seconds, peak = measure(
        lambda: framework_check_upload(filename="bo.xlsx", content=data)
    )
    print(
        f"framework_check_upload, 3M cells ({limits}): {seconds:.3f} s, peak {peak / MIB:.1f} MiB"
    )
    assert not result.ok and result.framework is None
    assert any(p.message.startswith("Tệp quá lớn") for p in result.errors), result.problems
    assert seconds < MAX_SECONDS
    assert peak < MAX_PEAK_BYTES


@pytest.mark.parametrize("data", UNREADABLE_FILES)
def test_unreadable_files_are_named_not_a_500(
    organiser_client: Client, province: Province, data: bytes
) -> None:
    response = _post(organiser_client, province, data)
    assert response.status_code == 422
    page = html.unescape(response.content.decode())
    assert "không đọc được tệp" in page.lower()
    assert "root:" not in page
    assert 'name="ticket"' not in page
    assert FrameworkVersion.objects.count() == 0
    result = check_upload("bo.xlsx", data)
    assert not result.ok
    assert any("không đọc được tệp" in p.message.lower() for p in result.errors)


# --- Exports: text that looks like a formula -------------------------------------------------


def _versions(province: Province) -> tuple[FrameworkVersion, FrameworkVersion, dict[str, str]]:
    """Two versions of the department set; the second renames the set and three nodes."""
    doc = department_doc()
    first = framework_import(
        actor=province["organiser"],
        organiser=province.org,
        filename="vd-so-2025.yaml",
        content=yaml_bytes(doc),
    )
    renamed = {"1.1": DDE, "1.2": "+Tiêu chí cộng", "2": "-Lĩnh vực trừ-", "3": "@Lĩnh vực"}
    doc["name"] = HYPERLINK
    for code, name in renamed.items():
        find(doc, code)["name"] = name
    second = framework_import(
        actor=province["organiser"],
        organiser=province.org,
        filename="vd-so-2025.yaml",
        content=yaml_bytes(doc),
    )
    return first, second, renamed


def test_comparison_export_keeps_formula_like_names_as_text(
    organiser_client: Client, province: Province
) -> None:
    first, second, renamed = _versions(province)
    export = organiser_client.get(f"/bo-tieu-chi/so-sanh/xlsx/?a={first.pk}&b={second.pk}")
    assert export.status_code == 200
    assert_no_formula(export.content)
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=6)]
    after = {(r[0], r[2]): r[4] for r in rows}
    assert after[(None, "Tên bộ tiêu chí")] == HYPERLINK
    named = {r[0]: r[1] for r in rows if r[0]}
    for code, name in renamed.items():
        assert named[code] == name, rows


def test_set_download_keeps_formula_like_names_and_uploads_back_the_same(
    organiser_client: Client, province: Province
) -> None:
    _first, second, renamed = _versions(province)
    download = organiser_client.get(f"/bo-tieu-chi/{second.pk}/xlsx/")
    assert download.status_code == 200
    assert_no_formula(download.content)
    result = check_upload("vd-so-2025.xlsx", download.content)
    assert result.ok, result.problems
    assert result.sha256 == second.sha256
    assert result.framework is not None
    assert result.framework.name == HYPERLINK
    for code, name in renamed.items():
        assert result.framework.by_code[code].name == name
