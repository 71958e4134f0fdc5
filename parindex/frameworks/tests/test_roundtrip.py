"""Round trips through the database: import → store → download .xlsx → import again gives
the identical canonical YAML and SHA-256, for both shipped sets."""

from __future__ import annotations

from pathlib import Path

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
