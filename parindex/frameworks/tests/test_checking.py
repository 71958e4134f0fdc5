"""Reading and checking uploads (no database): every problem listed, sheet/row/column named."""

from __future__ import annotations

from decimal import Decimal

from parindex.frameworks.checking import (
    UploadFile,
    check_upload,
    display_name,
    questionnaires_digest,
)
from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.scoring.yamlio import canonical_sha256, dump_canonical_yaml

from .helpers import commune_doc, department_doc, find, set_cell, xlsx_bytes, yaml_bytes

QUESTIONNAIRE = UploadFile(COMMUNES_QUESTIONNAIRES[0].name, COMMUNES_QUESTIONNAIRES[0].read_bytes())


def test_shipped_department_set_is_clean() -> None:
    result = check_upload(DEPARTMENTS_SET.name, DEPARTMENTS_SET.read_bytes())
    assert result.ok
    assert result.problems == []
    summary = result.summary()
    assert summary is not None
    assert (summary.fields, summary.nodes, summary.leaves) == (7, 59, 45)
    assert summary.max_points == Decimal(100)


def test_shipped_commune_set_is_clean_with_its_questionnaire() -> None:
    result = check_upload(COMMUNES_SET.name, COMMUNES_SET.read_bytes(), [QUESTIONNAIRE])
    assert result.ok
    assert result.problems == []
    assert [q.code for q in result.questionnaires] == ["lanh-dao"]
    assert result.questionnaires[0].is_inline is False
    assert result.questionnaires_sha256 == questionnaires_digest(
        [("lanh-dao", result.questionnaires[0].sha256)]
    )


def test_commune_set_without_its_questionnaire_is_a_warning_only() -> None:
    result = check_upload(COMMUNES_SET.name, COMMUNES_SET.read_bytes())
    assert result.ok
    assert result.warnings and not result.errors
    assert {p.node for p in result.warnings} == {"8.1.1", "8.1.2"}


def test_canonical_yaml_and_sha_match_the_engine() -> None:
    doc = department_doc()
    result = check_upload("vd-so-2025.yaml", yaml_bytes(doc))
    assert result.canonical_yaml == dump_canonical_yaml(doc)
    assert result.sha256 == canonical_sha256(doc)


def test_yaml_and_xlsx_forms_give_the_same_canonical_yaml() -> None:
    doc = department_doc()
    from_yaml = check_upload("a.yaml", yaml_bytes(doc))
    from_xlsx = check_upload("a.xlsx", xlsx_bytes(doc))
    assert from_xlsx.ok
    assert from_xlsx.canonical_yaml == from_yaml.canonical_yaml
    assert from_xlsx.sha256 == from_yaml.sha256


def test_every_error_is_listed_at_once() -> None:
    doc = commune_doc()
    find(doc, "1.1.1")["max"] = Decimal(3)  # children of 1.1 no longer add up
    del find(doc, "2.2.1")["name"]  # required key missing
    find(doc, "3.3")["rule"]["cases"][1]["points"] = "max_points * missing_input"
    result = check_upload("loi.yaml", yaml_bytes(doc), [QUESTIONNAIRE])
    assert not result.ok
    assert result.framework is None
    nodes = {p.node for p in result.errors}
    assert {"1.1", "2.2.1", "3.3"} <= nodes
    assert all(p.file == "loi.yaml" for p in result.errors)


def test_xlsx_error_names_sheet_row_and_column() -> None:
    content = xlsx_bytes(commune_doc(), set_cell("1.4.1", "Điểm tối đa", "một"))
    result = check_upload("xa.xlsx", content, [QUESTIONNAIRE])
    assert not result.ok
    [error] = result.errors
    assert error.file == "xa.xlsx"
    assert error.node == "1.4.1"
    assert error.where is not None
    assert "trang tính Tiêu chí" in error.where
    assert "cột Điểm tối đa" in error.where
    assert "dòng " in error.where


def test_unsupported_and_empty_files() -> None:
    assert "không hỗ trợ" in check_upload("bo.xls", b"x").errors[0].message
    assert "không hỗ trợ" in check_upload("bo.docx", b"x").errors[0].message
    assert check_upload("bo.yaml", b"").errors[0].message == "tệp rỗng"
    broken = check_upload("bo.xlsx", b"not a zip")
    assert "không đọc được tệp" in broken.errors[0].message


def test_not_utf8_yaml_is_named() -> None:
    result = check_upload("bo.yaml", "name: Tiêu chí".encode("cp1258"))
    assert not result.ok
    assert "UTF-8" in result.errors[0].message


def test_bad_questionnaire_file_is_listed_with_the_set_problems() -> None:
    bad = UploadFile("phieu.xlsx", b"x")
    result = check_upload("bo.xls", b"x", [bad])
    files = [p.file for p in result.errors]
    assert files == ["bo.xls", "phieu.xlsx"]


def test_duplicate_questionnaire_files() -> None:
    result = check_upload(
        COMMUNES_SET.name,
        COMMUNES_SET.read_bytes(),
        [QUESTIONNAIRE, UploadFile("copy.yaml", QUESTIONNAIRE.content)],
    )
    assert any("đã được đưa vào" in p.message for p in result.errors)


def test_leaf_without_rule_is_stored_as_manual() -> None:
    doc = {
        "format": "parindex-framework/1",
        "code": "t",
        "name": "T",
        "nodes": [{"code": "1", "name": "A", "max": Decimal(1)}],
    }
    result = check_upload("t.yaml", yaml_bytes(doc))
    assert result.ok
    assert "rule:" not in result.canonical_yaml  # the default is left out of canonical text
    # ...so the workbook form (an empty Cách chấm cell) gives the same text back
    again = check_upload("t.xlsx", xlsx_bytes(result.document))
    assert again.canonical_yaml == result.canonical_yaml


def test_display_name_drops_folders() -> None:
    assert display_name("C:\\Users\\a\\bo.xlsx") == "bo.xlsx"
    assert display_name("/tmp/x/bo.yaml") == "bo.yaml"
    assert display_name("") == "tep-tai-len"
