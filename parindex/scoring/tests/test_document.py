"""Reading a file into its document, whatever its form (parindex.scoring.document), and the
export between the forms (parindex.scoring.export)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from parindex.scoring.document import load_document
from parindex.scoring.export import export_document
from parindex.scoring.problems import ProblemsError
from parindex.scoring.yamlio import dump_canonical_yaml, load_yaml_file

DATA = Path(__file__).parent / "data"
EXAMPLE = DATA / "vd-xa-2025.yaml"


def only_problem(path: Path | str) -> str:
    with pytest.raises(ProblemsError) as info:
        load_document(path)
    (problem,) = info.value.problems
    return problem.line()


def test_yaml_and_yml(tmp_path: Path) -> None:
    doc, warnings = load_document(EXAMPLE)
    assert warnings == []
    assert isinstance(doc, dict) and doc["code"] == "vd-xa-2025"
    yml = tmp_path / "BO.YML"
    shutil.copy(EXAMPLE, yml)
    assert load_document(str(yml)) == (doc, [])


def test_xlsx_gives_the_same_document(tmp_path: Path) -> None:
    out = tmp_path / "vd.xlsx"
    export_document(EXAMPLE, xlsx=out, yaml=None)
    doc, warnings = load_document(out)
    assert warnings == []
    assert doc == load_yaml_file(EXAMPLE)


def test_problems_name_the_file_as_given(tmp_path: Path) -> None:
    bad = tmp_path / "sai.yaml"
    bad.write_text("code: a\ncode: b\n", encoding="utf-8")
    with pytest.raises(ProblemsError) as info:
        load_document(str(bad))
    assert info.value.problems[0].file == str(bad)
    assert only_problem("khong-co.yaml") == "khong-co.yaml: lỗi: không tìm thấy tệp"
    assert only_problem("khong-co.xlsx") == "khong-co.xlsx: lỗi: không tìm thấy tệp"
    assert only_problem(tmp_path / "a.json").endswith(
        "lỗi: định dạng tệp không hỗ trợ: cần tệp .yaml, .yml hoặc .xlsx"
    )
    assert "lưu thành .xlsx" in only_problem(tmp_path / "cu.xls")
    folder = tmp_path / "thu-muc.yaml"
    folder.mkdir()
    assert "thư mục" in only_problem(folder)


def test_warnings_from_xlsx_are_returned(tmp_path: Path) -> None:
    out = tmp_path / "vd.xlsx"
    export_document(EXAMPLE, xlsx=out, yaml=None)
    wb = openpyxl.load_workbook(out)
    wb.create_sheet("Ghi chú")
    wb["Tiêu chí"]["A2"].value = 1  # a code typed as a number
    wb["Tiêu chí"]["A2"].number_format = "General"
    wb.save(out)
    doc, warnings = load_document(out)
    assert doc["nodes"][0]["code"] == "1"
    assert sorted(w.where or "" for w in warnings) == [
        "trang tính Ghi chú",
        "trang tính Tiêu chí, dòng 2, cột Mã",
    ]
    assert all(w.file == str(out) for w in warnings)


def test_export_both_ways_is_stable(tmp_path: Path) -> None:
    xlsx = tmp_path / "vd.xlsx"
    yaml_out = tmp_path / "vd.yaml"
    export_document(EXAMPLE, xlsx=xlsx, yaml=yaml_out)
    canonical = yaml_out.read_text(encoding="utf-8")
    assert canonical == dump_canonical_yaml(load_yaml_file(EXAMPLE))
    back = tmp_path / "back.yaml"
    export_document(xlsx, xlsx=None, yaml=back)
    assert back.read_text(encoding="utf-8") == canonical
    again = tmp_path / "again.xlsx"
    export_document(back, xlsx=again, yaml=None)
    assert load_document(again)[0] == load_document(xlsx)[0]


def test_export_keeps_a_set_with_mistakes(tmp_path: Path) -> None:
    src = tmp_path / "sai.yaml"
    src.write_text(
        "format: parindex-framework/1\nnodes:\n  - {code: 2.10, max: -1}\n", encoding="utf-8"
    )
    out = tmp_path / "sai.xlsx"
    export_document(src, xlsx=out, yaml=None)
    doc, _ = load_document(out)
    assert doc["nodes"] == [{"code": Decimal("2.10"), "max": Decimal("-1")}]


def test_export_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(ProblemsError) as info:
        export_document(EXAMPLE, xlsx=None, yaml=None)
    assert "--xlsx" in info.value.problems[0].message
    with pytest.raises(ProblemsError) as info:
        export_document(EXAMPLE, xlsx=tmp_path / "x.csv", yaml=None)
    assert ".xlsx" in info.value.problems[0].message
    with pytest.raises(ProblemsError) as info:
        export_document(EXAMPLE, xlsx=None, yaml=tmp_path / "khong" / "co" / "x.yaml")
    assert "không ghi được tệp" in info.value.problems[0].message
