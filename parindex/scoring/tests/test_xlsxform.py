"""The .xlsx form of a criteria set (parindex.scoring.xlsxform)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from parindex.scoring.framework import parse_framework
from parindex.scoring.loading import load_questionnaires
from parindex.scoring.model import Framework, Questionnaire, SurveyRule
from parindex.scoring.problems import Problem, ProblemsError
from parindex.scoring.words import rule_in_words
from parindex.scoring.xlsxform import (
    NODE_COLUMNS,
    read_workbook,
    read_workbook_with_warnings,
    write_workbook,
)
from parindex.scoring.yamlio import (
    canonical_sha256,
    dump_canonical_yaml,
    load_yaml_file,
    load_yaml_text,
)

from .test_yamlio import decimals, documents, texts

DATA = Path(__file__).parent / "data"
HEADERS = [c.header for c in NODE_COLUMNS]


def round_trip(doc: Any, tmp_path: Path, name: str = "set.xlsx") -> Any:
    path = tmp_path / name
    write_workbook(doc, path)
    return read_workbook(path)


def errors_of(path: Path) -> list[Problem]:
    with pytest.raises(ProblemsError) as info:
        read_workbook_with_warnings(path)
    return info.value.problems


def minimal_doc(**extra: Any) -> dict[str, Any]:
    return {
        "format": "parindex-framework/1",
        "code": "thu",
        "name": "Bộ thử",
        "nodes": [
            {
                "code": "1",
                "name": "Lĩnh vực",
                "max": Decimal("1"),
                "children": [
                    {
                        "code": "1.1",
                        "name": "Tiêu chí",
                        "max": Decimal("1"),
                        "rule": {"yes_no": "Có"},
                    },
                ],
            },
        ],
        **extra,
    }


# --- the example files ------------------------------------------------------------------------


def test_example_set_round_trips_to_identical_canonical_yaml(tmp_path: Path) -> None:
    doc = load_yaml_file(DATA / "vd-xa-2025.yaml")
    again = round_trip(doc, tmp_path)
    assert again == doc
    assert dump_canonical_yaml(again) == dump_canonical_yaml(doc)


def test_example_set_with_inline_questionnaire_round_trips(tmp_path: Path) -> None:
    doc = load_yaml_file(DATA / "vd-xa-2025.yaml")
    questionnaire = load_yaml_file(DATA / "lanh-dao.questionnaire.yaml")
    assert isinstance(doc, dict) and isinstance(questionnaire, dict)
    doc["questionnaires"] = [questionnaire]  # inline, with its own `format` key
    again = round_trip(doc, tmp_path)
    assert dump_canonical_yaml(again) == dump_canonical_yaml(doc)


def test_example_workbook_layout(tmp_path: Path) -> None:
    doc = load_yaml_file(DATA / "vd-xa-2025.yaml")
    questionnaire = load_yaml_file(DATA / "lanh-dao.questionnaire.yaml")
    assert isinstance(doc, dict) and isinstance(questionnaire, dict)
    questionnaire.pop("format")
    doc["questionnaires"] = [questionnaire]
    path = tmp_path / "vd.xlsx"
    write_workbook(doc, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Thông tin chung", "Tiêu chí", "Xếp loại", "Phiếu lanh-dao"]

    info = wb["Thông tin chung"]
    rows = [[c.value for c in row][:2] for row in info.iter_rows()]
    assert [c.value for c in info[1]] == ["Khóa", "Giá trị", "Ý nghĩa"]
    assert rows[1:9] == [
        ["format", "parindex-framework/1"],
        ["code", "vd-xa-2025"],
        ["name", doc["name"]],
        ["year", 2025],
        ["applies_to", "xa, phuong, dac_khu"],
        ["issued_by", "Bộ tiêu chí minh họa"],
        ["scale", 100],
        ["decimals", 2],
    ]

    ws = wb["Tiêu chí"]
    assert [c.value for c in ws[1]] == HEADERS
    assert HEADERS[:15] == [
        "Mã",
        "Mã cha",
        "Tên tiêu chí",
        "Điểm tối đa",
        "Cách chấm",
        "Diễn giải cách chấm",
        "Nguồn",
        "Tài liệu kiểm chứng",
        "Gợi ý tài liệu",
        "Hướng dẫn chấm",
        "Bộ phận phụ trách",
        "Áp dụng cho",
        "Có thể không áp dụng",
        "Loại",
        "Cộng dồn tối đa",
    ]
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref is not None
    assert ws["A1"].font.bold
    by_code = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    assert [row[0].value for row in ws.iter_rows(min_row=2)][:4] == ["1", "1.1", "1.1.1", "1.1.2"]
    code, parent, name, max_, rule = (c for c in by_code["1.3.1"][:5])
    assert (code.value, parent.value) == ("1.3.1", "1.3")
    assert code.data_type == "s" and code.number_format == "@"
    assert name.alignment.indent == 2
    assert max_.value == 0.5 and max_.number_format == "0.0"
    assert rule.value == '{yes_no: "Có kế hoạch và báo cáo kết quả tự kiểm tra"}'
    assert by_code["1"][4].value is None  # parents: no rule
    assert by_code["7.6"][4].value is None  # manual: empty
    assert by_code["2.1"][12].value == "x"
    assert by_code["2.1"][4].value == "{manual: {step: 0.25}}"
    assert by_code["9"][13].value == "bonus"
    assert by_code["8.1.1"][6].value == "điều tra"
    assert by_code["8.2"][6].value == "cơ quan tổ chức"
    assert by_code["1.1.1"][7].value == "bắt buộc"
    survey_rule = "{survey: {questionnaire: lanh-dao, questions: [C1, C2, C3]}}"
    assert by_code["8.1.1"][4].value == survey_rule
    validated = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation
    }
    assert validated["G2"] == '"tự chấm,điều tra,cơ quan tổ chức"'
    assert validated["H2"] == '"bắt buộc,không bắt buộc,không cần"'
    assert "N2" in validated

    bands = wb["Xếp loại"]
    assert [[c.value for c in row][:2] for row in bands.iter_rows()] == [
        ["Từ (điểm %)", "Xếp loại"],
        [90, "Xuất sắc"],
        [80, "Tốt"],
        [70, "Khá"],
        [50, "Trung bình"],
        [None, "Yếu"],
    ]

    q = wb["Phiếu lanh-dao"]
    cells = [[c.value for c in row] for row in q.iter_rows()]
    assert cells[1][:2] == ["code", "lanh-dao"]
    flat = [row[:3] for row in cells]
    assert ["Thang trả lời", None, None] in flat
    assert ["Mã", "Nhãn", "Tỷ lệ điểm"] in flat
    assert ["X", "Không biết, không trả lời", None] in flat
    assert ["B", "Tốt", 0.6] in flat
    assert ["C6", questionnaire["questions"][5]["text"], None] in flat


def test_decimals_keep_their_written_places(tmp_path: Path) -> None:
    doc = minimal_doc()
    doc["nodes"][0]["max"] = Decimal("1.50")
    doc["nodes"][0]["children"][0]["max"] = Decimal("1.50")
    doc["scale"] = Decimal("100.0")
    doc["nodes"][0]["children"][0]["rule"] = {
        "checklist": [
            {"label": "Hội nghị, tờ gấp", "points": Decimal("0.50")},
            {"label": "Pano", "points": Decimal("1.00")},
        ],
    }
    again = round_trip(doc, tmp_path)
    assert str(again["nodes"][0]["max"]) == "1.50"
    assert str(again["scale"]) == "100.0"
    assert dump_canonical_yaml(again) == dump_canonical_yaml(doc)


def test_numbers_excel_cannot_hold_are_text_cells(tmp_path: Path) -> None:
    doc = minimal_doc(scale=Decimal("12345678901234567890.25"), decimals=Decimal("-0"))
    path = tmp_path / "big.xlsx"
    write_workbook(doc, path)
    info = openpyxl.load_workbook(path)["Thông tin chung"]
    values = {row[0].value: row[1].value for row in info.iter_rows(min_row=2)}
    assert values["scale"] == "12345678901234567890.25"
    assert dump_canonical_yaml(read_workbook(path)) == dump_canonical_yaml(doc)


def test_leaf_without_rule_reads_back_as_manual(tmp_path: Path) -> None:
    doc = minimal_doc()
    del doc["nodes"][0]["children"][0]["rule"]
    again = round_trip(doc, tmp_path)
    assert again["nodes"][0]["children"][0]["rule"] == "manual"
    assert "rule" not in again["nodes"][0]


def test_keys_without_a_column_travel_in_khac(tmp_path: Path) -> None:
    doc = minimal_doc(note="ghi chú", weight=Decimal("0.5"))
    leaf = doc["nodes"][0]["children"][0]
    leaf.update(
        {
            "weight": Decimal("0.25"),
            "may_not_apply": False,  # the x column can only say true
            "guidance": "dòng 1\r\ndòng 2",  # a carriage return does not survive a cell
            "applies_to": [],
            "evidence_hint": 5,
        }
    )
    doc["nodes"][0]["capped"] = "yes"
    path = tmp_path / "extra.xlsx"
    write_workbook(doc, path)
    wb = openpyxl.load_workbook(path)
    row = next(wb["Tiêu chí"].iter_rows(min_row=3, max_row=3, values_only=True))
    assert row[-1] == (
        '{evidence_hint: 5, guidance: "dòng 1\\r\\ndòng 2", applies_to: [], '
        "may_not_apply: false, weight: 0.25}"
    )
    info = {r[0]: r[1] for r in wb["Thông tin chung"].iter_rows(min_row=2, values_only=True)}
    assert info["Khác"] == '{note: "ghi chú", weight: 0.5}'
    assert read_workbook(path) == doc


def test_subtree_that_cannot_be_rows_travels_whole(tmp_path: Path) -> None:
    doc = minimal_doc()
    doc["nodes"].append(
        {
            "code": "2",
            "name": "B",
            "max": Decimal("1"),
            "children": [
                {"code": "1.1", "name": "trùng mã", "max": Decimal("1")},  # duplicate code
                "not a node",
            ],
        }
    )
    doc["nodes"].append({"code": "3", "name": "C", "max": Decimal("1"), "children": []})
    again = round_trip(doc, tmp_path)
    assert again == doc


def test_sets_that_are_not_trees_still_round_trip(tmp_path: Path) -> None:
    doc: dict[str, Any]
    for doc in (
        {"format": "parindex-framework/1", "nodes": "chưa có"},
        {"nodes": [{"code": Decimal("2.10"), "name": "mã chưa đặt trong ngoặc"}]},
        {"bands": [{}], "questionnaires": [], "nodes": []},
        {"bands": [], "questionnaires": [{"code": "q", "scale": [{"code": "A"}]}]},
        {"year": "2025", "applies_to": "xa", "decimals": None},
        {},
    ):
        assert dump_canonical_yaml(round_trip(doc, tmp_path)) == dump_canonical_yaml(doc)


def test_text_cells_are_exact(tmp_path: Path) -> None:
    doc = minimal_doc()
    leaf = doc["nodes"][0]["children"][0]
    leaf["name"] = "  =SUM(A1), 'x': \"y\" # z\nDòng hai  "
    leaf["guidance"] = "_x0041_ không phải A"
    leaf["owner_hint"] = "2.10"
    again = round_trip(doc, tmp_path)
    assert again == doc


# --- hypothesis: generated criteria sets ------------------------------------------------------

WORDS = st.sampled_from(["xa", "phuong", "dac_khu", "huyen"])
SHORT_TEXT = texts(40)


@st.composite
def rules(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["manual", "step", "yes_no", "checklist", "survey", "general"]))
    if kind == "manual":
        return "manual"
    if kind == "step":
        return {"manual": {"step": draw(st.sampled_from([Decimal("0.25"), Decimal("0.5")]))}}
    if kind == "yes_no":
        return {"yes_no": draw(SHORT_TEXT)}
    if kind == "checklist":
        items = draw(
            st.lists(
                st.fixed_dictionaries({"label": SHORT_TEXT, "points": decimals()}),
                min_size=1,
                max_size=3,
            )
        )
        return {"checklist": items}
    if kind == "survey":
        return {
            "survey": {
                "questionnaire": "lanh-dao",
                "questions": draw(
                    st.lists(st.sampled_from(["C1", "C2", "1"]), min_size=1, max_size=3)
                ),
            }
        }
    inputs = [
        {"name": "done", "label": draw(SHORT_TEXT), "type": "integer", "min": Decimal("0")},
        {"name": "on", "type": "date"},
    ]
    cases = [
        {"when": 'done >= 0.9 and on <= date("2025-01-31")', "points": "max_points"},
        {"points": draw(decimals())},
    ]
    rule: dict[str, Any] = {"inputs": inputs}
    if draw(st.booleans()):
        check: dict[str, Any] = {"require": "done <= 100", "message": draw(SHORT_TEXT)}
        level = draw(st.sampled_from([None, "error", "warning"]))
        if level is not None:
            check["level"] = level
        rule["checks"] = [check]
    rule["cases"] = cases
    return rule


OPTIONAL_NODE_KEYS: dict[str, st.SearchStrategy[Any]] = {
    "source": st.sampled_from(["self", "survey", "organiser"]),
    "evidence": st.sampled_from(["required", "optional", "none"]),
    "evidence_hint": SHORT_TEXT,
    "guidance": SHORT_TEXT,
    "owner_hint": SHORT_TEXT,
    "applies_to": st.lists(WORDS, min_size=1, max_size=3),
    "may_not_apply": st.booleans(),
    "note": documents(6),  # a key added to the format later
}


@st.composite
def nodes(draw: st.DrawFn, prefix: str, depth: int) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 3 if depth < 3 else 2))
    result = []
    for i in range(1, count + 1):
        code = f"{prefix}{i}" if prefix else str(draw(st.sampled_from([i, i + 9])))
        node: dict[str, Any] = {"code": code, "name": draw(SHORT_TEXT), "max": draw(decimals())}
        for key, strategy in OPTIONAL_NODE_KEYS.items():
            if draw(st.booleans()) and draw(st.booleans()):
                node[key] = draw(strategy)
        if depth == 0 and draw(st.booleans()):
            node["kind"] = draw(st.sampled_from(["bonus", "penalty"]))
        if depth < 3 and draw(st.booleans()):
            node["children"] = draw(nodes(f"{code}.", depth + 1))
            if draw(st.booleans()):
                node["capped"] = True
        else:
            node["rule"] = draw(rules())
        result.append(node)
    return result


@st.composite
def questionnaires(draw: st.DrawFn) -> dict[str, Any]:
    q: dict[str, Any] = {
        "code": draw(st.sampled_from(["lanh-dao", "nguoi-dan", "Q1"])),
        "name": draw(SHORT_TEXT),
    }
    if draw(st.booleans()):
        q["respondent_group"] = draw(SHORT_TEXT)
    q["scale"] = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "code": st.sampled_from(["A", "B", "X", "1"]),
                    "label": SHORT_TEXT,
                    "share": st.one_of(
                        st.none(),
                        st.sampled_from(
                            [Decimal("1"), Decimal("0.6"), Decimal("0.25"), Decimal("0")]
                        ),
                    ),
                }
            ),
            max_size=4,
        )
    )
    q["questions"] = draw(
        st.lists(
            st.fixed_dictionaries(
                {"code": st.sampled_from(["C1", "C2", "2.10"]), "text": SHORT_TEXT}
            ),
            max_size=4,
        )
    )
    return q


@st.composite
def criteria_sets(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "parindex-framework/1",
        "code": "vd-xa-2025",
        "name": draw(SHORT_TEXT),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "year": st.just(Decimal("2025")),
        "applies_to": st.lists(WORDS, min_size=1, max_size=3),
        "issued_by": SHORT_TEXT,
        "scale": st.sampled_from([Decimal("100"), Decimal("10.0")]),
        "decimals": st.sampled_from([Decimal("2"), Decimal("0")]),
        "bands": st.lists(
            st.fixed_dictionaries({"label": SHORT_TEXT}, optional={"min": decimals()}), max_size=4
        ),
        "questionnaires": st.lists(questionnaires(), min_size=1, max_size=2),
        "extra_top": documents(6),
    }
    for key, strategy in optional.items():
        if draw(st.booleans()):
            doc[key] = draw(strategy)
    doc["nodes"] = draw(nodes("", 0))
    return doc


def all_codes(items: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for node in items:
        out.append(node["code"])
        out.extend(all_codes(node.get("children", [])))
    return out


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
@given(criteria_sets())
def test_generated_sets_round_trip(tmp_path: Path, doc: dict[str, Any]) -> None:
    again = round_trip(doc, tmp_path)
    assert dump_canonical_yaml(again) == dump_canonical_yaml(doc)
    assert again == doc


def test_generated_trees_reach_four_levels() -> None:
    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    @given(criteria_sets())
    def probe(doc: dict[str, Any]) -> None:
        depths.append(max(code.count(".") for code in all_codes(doc["nodes"])))

    depths: list[int] = []
    probe()
    assert max(depths) == 3  # codes like "7.1.1.1" occur


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "format",
                "code",
                "name",
                "year",
                "applies_to",
                "bands",
                "questionnaires",
                "scale",
                "other",
            ]
        ),
        documents(10),
        max_size=6,
    )
)
def test_any_mapping_round_trips(tmp_path: Path, doc: dict[str, Any]) -> None:
    assert round_trip(doc, tmp_path) == doc


# --- reading what users typed ----------------------------------------------------------------


def fresh_workbook(
    rows: list[list[Any]], headers: list[str] | None = None, info: list[list[Any]] | None = None
) -> openpyxl.Workbook:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Thông tin chung"
    ws.append(["Khóa", "Giá trị"])
    for row in (
        info
        if info is not None
        else [["format", "parindex-framework/1"], ["code", "thu"], ["name", "Bộ thử"]]
    ):
        ws.append(row)
    nodes_ws = wb.create_sheet("Tiêu chí")
    nodes_ws.append(headers or ["Mã", "Mã cha", "Tên tiêu chí", "Điểm tối đa", "Cách chấm"])
    for row in rows:
        nodes_ws.append(row)
    return wb


def save(wb: openpyxl.Workbook, tmp_path: Path, name: str = "typed.xlsx") -> Path:
    path = tmp_path / name
    wb.save(path)
    return path


def test_numbers_typed_by_users_are_read_exactly(tmp_path: Path) -> None:
    wb = fresh_workbook(
        [
            ["1", None, "A", 3.0],
            ["1.1", "1", "B", 0.25, "{yes_no: Có}"],
            ["1.2", "1", "C", 0.1],
            ["1.3", "1", "D", "0,75"],
            ["1.4", "1", "E", " 1.50 "],
            ["1.5", "1", "F", 2],
            ["1.6", "1", "G", 0.3],
        ],
        info=[["code", "thu"], ["year", 2025.0], ["scale", "100"], ["decimals", 2]],
    )
    wb["Tiêu chí"]["D8"].number_format = "0.00"  # 0.3 shown as 0.30
    doc = read_workbook(save(wb, tmp_path))
    top = doc["nodes"][0]
    assert top["max"] == Decimal("3") and str(top["max"]) == "3"
    got = [str(child["max"]) for child in top["children"]]
    assert got == ["0.25", "0.1", "0.75", "1.50", "2", "0.30"]
    assert str(doc["year"]) == "2025" and str(doc["scale"]) == "100"
    assert top["children"][0]["rule"] == {"yes_no": "Có"}
    assert top["children"][1]["rule"] == "manual"


def test_codes_typed_as_numbers_are_read_as_text_with_a_warning(tmp_path: Path) -> None:
    wb = fresh_workbook([[1, None, "A", 1], [1.1, 1, "B", 1]])
    doc, warnings = read_workbook_with_warnings(save(wb, tmp_path))
    assert [n["code"] for n in doc["nodes"]] == ["1"]
    assert doc["nodes"][0]["children"][0]["code"] == "1.1"
    assert len(warnings) == 3
    assert all(not w.is_error for w in warnings)
    assert warnings[0].where == "trang tính Tiêu chí, dòng 2, cột Mã"
    assert "văn bản" in warnings[0].message


def test_text_is_normalised_and_blank_rows_skipped(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Kế hoạch")
    wb = fresh_workbook([["1", None, decomposed, 1], [None, None, None, None], ["2", "", "x", 1]])
    wb.create_sheet("Ghi chú")["A1"] = "ghi chú của chuyên viên"
    doc, warnings = read_workbook_with_warnings(save(wb, tmp_path))
    assert doc["nodes"][0]["name"] == "Kế hoạch"
    assert [n["code"] for n in doc["nodes"]] == ["1", "2"]
    assert [w.line() for w in warnings] == [
        f"{tmp_path / 'typed.xlsx'}: trang tính Ghi chú: cảnh báo: "
        "trang tính không thuộc mẫu, được bỏ qua"
    ]


def test_columns_may_be_reordered_or_left_out(tmp_path: Path) -> None:
    wb = fresh_workbook(
        [["Tên", "1", 1, None, "x"]],
        headers=["Tên tiêu chí", "Mã", "Điểm tối đa", "Mã cha", "Cộng dồn tối đa"],
    )
    doc = read_workbook(save(wb, tmp_path))
    assert doc["nodes"] == [
        {"code": "1", "name": "Tên", "max": Decimal("1"), "capped": True, "rule": "manual"}
    ]


def test_import_errors_name_sheet_row_and_column(tmp_path: Path) -> None:
    wb = fresh_workbook(
        [
            ["1", None, "A", "một", None, None, None, None],  # bad number text
            ["1.1", "9", "B", 1, None, None, None, None],  # unknown parent
            ["1", None, "C", 1, None, None, None, None],  # duplicate code
            ["2.1", "2", "D", 1, None, None, None, None],  # parent after child
            ["2", None, "E", 1, "{yes_no: a", None, None, None],  # bad rule YAML
            ["3", None, "F", 1, None, "hai", None, None],  # bad x flag
            ["4", None, "G", 1, None, None, "[1, 2]", None],  # Khác not a mapping
            [None, None, "H", 1, None, None, None, None],  # missing code
            ["5", "5", "I", 1, None, None, None, None],  # its own parent
            ["6", None, "J", 1, None, None, "{name: x}", "dư"],  # Khác repeats a column
        ],
        headers=[
            "Mã",
            "Mã cha",
            "Tên tiêu chí",
            "Điểm tối đa",
            "Cách chấm",
            "Có thể không áp dụng",
            "Khác",
            "Cột lạ",
        ],
    )
    problems = errors_of(save(wb, tmp_path))
    (unknown,) = [p for p in problems if not p.is_error]  # an unknown header: a warning
    assert (unknown.where, unknown.node) == ("trang tính Tiêu chí, dòng 1, cột H", None)
    assert "Cột lạ" in unknown.message
    problems = [p for p in problems if p.is_error]
    lines = [(p.where, p.node) for p in problems]
    expected = [
        ("trang tính Tiêu chí, dòng 2, cột Điểm tối đa", "1"),
        ("trang tính Tiêu chí, dòng 3, cột Mã cha", "1.1"),
        ("trang tính Tiêu chí, dòng 4, cột Mã", "1"),
        ("trang tính Tiêu chí, dòng 5, cột Mã cha", "2.1"),
        ("trang tính Tiêu chí, dòng 6, cột Cách chấm (trong ô: cuối ô)", "2"),
        ("trang tính Tiêu chí, dòng 7, cột Có thể không áp dụng", "3"),
        ("trang tính Tiêu chí, dòng 8, cột Khác", "4"),
        ("trang tính Tiêu chí, dòng 9, cột Mã", None),
        ("trang tính Tiêu chí, dòng 10, cột Mã cha", "5"),
        ("trang tính Tiêu chí, dòng 11, cột Khác", "6"),
    ]
    for item in expected:
        assert item in lines, item
    messages = {p.where: p.message for p in problems}
    assert "một" in messages["trang tính Tiêu chí, dòng 2, cột Điểm tối đa"]
    assert "sau tiêu chí con" in messages["trang tính Tiêu chí, dòng 5, cột Mã cha"]
    assert "bị trùng" in messages["trang tính Tiêu chí, dòng 4, cột Mã"]
    assert "không có trong" in messages["trang tính Tiêu chí, dòng 3, cột Mã cha"]
    assert "x" in messages["trang tính Tiêu chí, dòng 7, cột Có thể không áp dụng"]
    # the unknown column's cells are not read
    assert not any((p.where or "").endswith("cột Cột lạ") for p in problems)
    text = "\n".join(p.line() for p in problems)
    assert "Traceback" not in text


def test_missing_sheets_and_columns(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet"
    problems = errors_of(save(wb, tmp_path, "empty.xlsx"))
    assert [p.where for p in problems if p.is_error] == [
        "trang tính Thông tin chung",
        "trang tính Tiêu chí",
    ]
    assert all("thiếu trang tính" in p.message for p in problems)

    wb = fresh_workbook([["1", "A", 1]], headers=["Mã", "Tên tiêu chí", "Điểm tối đa"])
    (problem,) = errors_of(save(wb, tmp_path, "no-parent.xlsx"))
    assert problem.where == "trang tính Tiêu chí, dòng 1"
    assert "Mã cha" in problem.message


def test_info_sheet_errors(tmp_path: Path) -> None:
    wb = fresh_workbook(
        [["1", None, "A", 1]],
        info=[
            ["code", "a"],
            ["code", "b"],
            ["nam", "2025"],
            ["year", "hai nghìn"],
            [None, "mồ côi"],
            ["Khác", "{nodes: []}"],
        ],
    )
    problems = errors_of(save(wb, tmp_path))
    wheres = [p.where for p in problems]
    assert "trang tính Thông tin chung, dòng 3, cột Khóa" in wheres  # duplicate key
    assert "trang tính Thông tin chung, dòng 4, cột Khóa" in wheres  # unknown key
    assert "trang tính Thông tin chung, dòng 5, cột Giá trị" in wheres  # bad number
    assert "trang tính Thông tin chung, dòng 6, cột Giá trị" in wheres  # value without key
    assert "trang tính Tiêu chí" in wheres  # nodes both in Khác and in the sheet


def test_questionnaire_sheet_errors(tmp_path: Path) -> None:
    wb = fresh_workbook([["1", None, "A", 1]])
    q = wb.create_sheet("Phiếu q")
    for row in (
        ["Khóa", "Giá trị"],
        ["name", "Phiếu"],
        [],
        ["Thang trả lời"],
        ["Mã", "Nhãn", "Tỷ lệ"],
        ["A", "Tốt", "một"],
    ):
        q.append(row)
    problems = errors_of(save(wb, tmp_path))
    (unknown,) = [p for p in problems if p.where == "trang tính Phiếu q, dòng 5, cột C"]
    assert not unknown.is_error and "Tỷ lệ" in unknown.message  # unknown header: a warning
    assert [p.where for p in problems if p.is_error] == ["trang tính Phiếu q"]  # no code


def test_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "hong.xlsx"
    bad.write_bytes(b"not a zip")
    (problem,) = errors_of(bad)
    assert problem.line() == f"{bad}: lỗi: không đọc được tệp: tệp .xlsx hỏng hoặc không phải .xlsx"
    with pytest.raises(ProblemsError):
        write_workbook(["not", "a", "set"], tmp_path / "x.xlsx")


def test_yaml_text_of_a_rule_cell_may_be_multiline(tmp_path: Path) -> None:
    wb = fresh_workbook([["1", None, "A", 1, 'checklist:\n  - {label: "a, b", points: 0.5}']])
    doc = read_workbook(save(wb, tmp_path))
    assert doc["nodes"][0]["rule"] == load_yaml_text(
        'checklist: [{label: "a, b", points: 0.5}]', filename="x"
    )


# --- the workbook in Vietnamese: rules in words, meanings, Nguồn and Tài liệu kiểm chứng -------

SHIPPED = Path(__file__).resolve().parents[2] / "frameworks" / "data"
WORDS_HEADER = "Diễn giải cách chấm"


def header_index(ws: Any, header: str) -> int:
    """The 0-based index of the column titled ``header`` on row 1."""
    return [c.value for c in ws[1]].index(header)


def rows_by_code(ws: Any) -> dict[str, tuple[Any, ...]]:
    return {row[0].value: row for row in ws.iter_rows(min_row=2) if row[0].value is not None}


def checked(doc: Any, questionnaires: tuple[Questionnaire, ...] = ()) -> Framework:
    framework, problems = parse_framework(doc, file="set.yaml", questionnaires=questionnaires)
    assert framework is not None, [p.line() for p in problems]
    return framework


def shipped_questionnaires() -> tuple[Questionnaire, ...]:
    found, problems = load_questionnaires([SHIPPED / "lanh-dao.questionnaire.yaml"])
    assert not [p for p in problems if p.is_error]
    return tuple(found)


def set_with_checks() -> dict[str, Any]:
    """Checks at both levels, inherited values overridden below, bonus and penalty, a capped
    parent, dates and decimals."""
    counts = {
        "inputs": [
            {
                "name": "received",
                "label": "Số hồ sơ tiếp nhận",
                "type": "integer",
                "min": Decimal(0),
            },
            {
                "name": "on_time",
                "label": "Số hồ sơ giải quyết đúng hạn",
                "type": "integer",
                "min": Decimal(0),
            },
        ],
        "checks": [
            {
                "require": "on_time <= received",
                "message": "Số hồ sơ đúng hạn không được lớn hơn số hồ sơ tiếp nhận",
            },
            {
                "require": "received > 0",
                "message": "Chưa có hồ sơ nào: hãy kiểm tra lại",
                "level": "warning",
            },
        ],
        "cases": [
            {"when": "received == 0", "points": "max_points"},
            {"points": "max_points * on_time / received"},
        ],
    }
    dated = {
        "inputs": [{"name": "issued_on", "label": "Ngày ban hành", "type": "date"}],
        "checks": [
            {
                "require": 'issued_on >= date("2024-01-01")',
                "message": "Ngày ban hành phải từ năm 2024",
                "level": "error",
            }
        ],
        "cases": [{"when": 'issued_on <= date("2025-01-31")', "points": "max_points"}],
    }
    return {
        "format": "parindex-framework/1",
        "code": "co-kiem-tra",
        "name": "Bộ có kiểm tra",
        "year": Decimal("2025"),
        "applies_to": ["xa", "phuong"],
        "decimals": Decimal("2"),
        "bands": [{"min": Decimal("80"), "label": "Tốt"}, {"label": "Chưa tốt"}],
        "nodes": [
            {
                "code": "1",
                "name": "Cải cách thủ tục hành chính",
                "max": Decimal("3.5"),
                "source": "organiser",
                "evidence": "required",
                "capped": True,
                "children": [
                    {
                        "code": "1.1",
                        "name": "Hồ sơ đúng hạn",
                        "max": Decimal("2.5"),
                        "rule": counts,
                    },
                    {
                        "code": "1.2",
                        "name": "Kế hoạch",
                        "max": Decimal("1.00"),
                        "source": "self",
                        "evidence": "none",
                        "rule": dated,
                    },
                    {
                        "code": "1.3",
                        "name": "Tự chấm",
                        "max": Decimal("0.5"),
                        "evidence": "optional",
                        "rule": "manual",
                    },
                ],
            },
            {
                "code": "2",
                "name": "Khen thưởng",
                "max": Decimal("1"),
                "kind": "bonus",
                "rule": {"yes_no": "Có quyết định khen thưởng"},
            },
            {
                "code": "3",
                "name": "Vi phạm",
                "max": Decimal("2"),
                "kind": "penalty",
                "source": "organiser",
                "rule": {"manual": {"step": Decimal("0.5")}},
            },
        ],
    }


@pytest.mark.parametrize(
    "path",
    [DATA / "vd-xa-2025.yaml", SHIPPED / "vd-xa-2025.yaml", SHIPPED / "vd-so-2025.yaml"],
    ids=["shared-communes", "communes", "departments"],
)
def test_shipped_sets_round_trip_with_the_same_sha256(tmp_path: Path, path: Path) -> None:
    doc = load_yaml_file(path)
    again, warnings = read_workbook_with_warnings(write_to(doc, tmp_path))
    assert warnings == []
    assert canonical_sha256(again) == canonical_sha256(doc)
    assert again == doc


def test_set_with_checks_round_trips_with_the_same_sha256(tmp_path: Path) -> None:
    doc = set_with_checks()
    checked(doc)  # a valid set: its words come from the checked framework
    path = write_to(doc, tmp_path)
    again, warnings = read_workbook_with_warnings(path)
    assert warnings == []
    assert canonical_sha256(again) == canonical_sha256(doc)
    assert (
        again["nodes"][0]["children"][0]["rule"]["checks"]
        == doc["nodes"][0]["children"][0]["rule"]["checks"]
    )
    ws = openpyxl.load_workbook(path)["Tiêu chí"]
    rule_cell = rows_by_code(ws)["1.1"][header_index(ws, "Cách chấm")].value
    assert "checks: [{require:" in rule_cell  # the checks travel in Cách chấm, as YAML
    # a second trip changes nothing either
    assert canonical_sha256(round_trip(again, tmp_path, "again.xlsx")) == canonical_sha256(doc)


def write_to(doc: Any, tmp_path: Path, name: str = "set.xlsx", **kwargs: Any) -> Path:
    path = tmp_path / name
    write_workbook(doc, path, **kwargs)
    return path


@pytest.mark.parametrize(
    "doc",
    [load_yaml_file(SHIPPED / "vd-xa-2025.yaml"), set_with_checks()],
    ids=["communes", "checks"],
)
def test_rule_words_column_tells_each_leaf_as_the_pages_do(tmp_path: Path, doc: Any) -> None:
    framework = checked(doc)
    ws = openpyxl.load_workbook(write_to(doc, tmp_path))["Tiêu chí"]
    words_at = header_index(ws, WORDS_HEADER)
    assert words_at == header_index(ws, "Cách chấm") + 1  # right after Cách chấm
    rows = rows_by_code(ws)
    assert set(rows) == set(framework.by_code)
    for code, row in rows.items():
        node = framework.node(code)
        cell = row[words_at]
        if not node.is_leaf:
            assert cell.value is None, code
            continue
        told = rule_in_words(node, framework)
        assert told is not None
        assert cell.value == told.text, code
        assert cell.data_type == "s" and cell.alignment.wrap_text
        assert "max_points" not in cell.value and 'date("' not in cell.value
        assert "{" not in cell.value and "\r" not in cell.value  # never the YAML of a rule


def test_rule_words_use_decimal_commas_and_dates(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_to(set_with_checks(), tmp_path))["Tiêu chí"]
    rows = rows_by_code(ws)
    words_at = header_index(ws, WORDS_HEADER)
    assert "2,5" in rows["1.1"][words_at].value  # the max of 1.1, 2.5
    assert "31/01/2025" in rows["1.2"][words_at].value
    assert "2025-01-31" not in rows["1.2"][words_at].value
    assert "0,5" in rows["1.3"][words_at].value  # manual: 0 to 0,5 points
    assert "0,5" in rows["3"][words_at].value  # the step
    assert "Có quyết định khen thưởng" in rows["2"][words_at].value


def test_survey_words_name_the_questions_of_questionnaires_given_apart(tmp_path: Path) -> None:
    doc = load_yaml_file(SHIPPED / "vd-xa-2025.yaml")
    questionnaires = shipped_questionnaires()
    (questionnaire,) = questionnaires
    path = write_to(doc, tmp_path, questionnaires=questionnaires)
    ws = openpyxl.load_workbook(path)["Tiêu chí"]
    framework = checked(doc, questionnaires)
    survey_leaves = [n for n in framework.leaves() if isinstance(n.rule, SurveyRule)]
    assert survey_leaves
    for node in survey_leaves:
        cell = rows_by_code(ws)[node.code][header_index(ws, WORDS_HEADER)].value
        assert isinstance(node.rule, SurveyRule)
        texts = {q.code: q.text for q in questionnaire.questions}
        for code in node.rule.questions:
            assert texts[code] in cell
    assert canonical_sha256(read_workbook(path)) == canonical_sha256(doc)


def test_a_set_with_mistakes_is_written_with_the_words_it_can_give(tmp_path: Path) -> None:
    doc = minimal_doc()
    leaves = doc["nodes"][0]["children"]
    doc["nodes"][0]["max"] = Decimal("3")  # the children's maxima do not add up: a mistake
    leaves.append(
        {
            "code": "1.2",
            "name": "Tiêu chí lỗi",
            "max": Decimal("1"),
            "rule": {
                "inputs": [{"name": "done", "type": "integer"}],
                "cases": [{"when": "done >=", "points": "max_points"}],  # a syntax error
            },
        }
    )
    leaves.append({"code": "1.3", "name": "Chấm trực tiếp", "max": Decimal("0.75")})
    framework, problems = parse_framework(doc, file="set.yaml")
    assert framework is None and problems
    path = write_to(doc, tmp_path)
    ws = openpyxl.load_workbook(path)["Tiêu chí"]
    rows = rows_by_code(ws)
    words_at = header_index(ws, WORDS_HEADER)
    assert "Có" in rows["1.1"][words_at].value  # its rule is fine on its own
    assert rows["1.2"][words_at].value is None  # it cannot be worded
    assert "0,75" in rows["1.3"][words_at].value
    assert rows["1"][words_at].value is None
    assert canonical_sha256(read_workbook(path)) == canonical_sha256(doc)  # written as it is


def test_info_sheet_explains_each_key(tmp_path: Path) -> None:
    doc = load_yaml_file(SHIPPED / "vd-so-2025.yaml")
    info = openpyxl.load_workbook(write_to(doc, tmp_path))["Thông tin chung"]
    assert [c.value for c in info[1]] == ["Khóa", "Giá trị", "Ý nghĩa"]
    assert all(c.font.bold and c.alignment.wrap_text for c in info[1])
    meanings = {row[0]: row[2] for row in info.iter_rows(min_row=2, values_only=True)}
    keys = ["format", "code", "name", "year", "applies_to", "issued_by", "scale", "decimals"]
    assert list(meanings) == [*keys, "Khác"]
    assert len(set(meanings.values())) == len(meanings)  # one explanation per key
    for key, meaning in meanings.items():
        assert isinstance(meaning, str) and len(meaning) > 15, key
        assert key not in ("name", "year") or key not in meaning  # said in Vietnamese
    assert "100" in meanings["scale"] and "2" in meanings["decimals"]  # their defaults


def test_columns_written_for_readers_are_ignored_on_reading(tmp_path: Path) -> None:
    doc = set_with_checks()
    path = write_to(doc, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Tiêu chí"]
    words_at = header_index(ws, WORDS_HEADER) + 1
    ws.cell(row=2, column=words_at).value = "{không: phải: YAML"
    ws.cell(row=3, column=words_at).value = "Nếu đạt: 5 điểm"  # words out of step with the rule
    wb["Thông tin chung"].cell(row=3, column=3).value = "ghi chú của người sửa"
    wb.save(path)
    again, warnings = read_workbook_with_warnings(path)
    assert warnings == []
    assert again == doc


def test_sources_and_evidence_are_written_in_vietnamese(tmp_path: Path) -> None:
    ws = openpyxl.load_workbook(write_to(set_with_checks(), tmp_path))["Tiêu chí"]
    rows = rows_by_code(ws)
    source_at, evidence_at = header_index(ws, "Nguồn"), header_index(ws, "Tài liệu kiểm chứng")
    shown = {code: (row[source_at].value, row[evidence_at].value) for code, row in rows.items()}
    assert shown["1"] == ("cơ quan tổ chức", "bắt buộc")
    assert shown["1.1"] == (None, None)  # inherited: not written
    assert shown["1.2"] == ("tự chấm", "không cần")
    assert shown["1.3"] == (None, "không bắt buộc")
    assert shown["3"] == ("cơ quan tổ chức", None)
    english = {"self", "survey", "organiser", "required", "optional", "none"}
    assert not english & {v for pair in shown.values() for v in pair}


def test_sources_and_evidence_are_read_in_either_language(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Cơ quan tổ chức")
    cases = [
        ("self", "required", "self", "required"),
        (" Tự Chấm ", "BẮT BUỘC", "self", "required"),
        ("điều tra", "Không bắt buộc", "survey", "optional"),
        ("SURVEY", " optional ", "survey", "optional"),
        (nfd, "không cần", "organiser", "none"),
        ("Organiser", "None", "organiser", "none"),
    ]
    wb = fresh_workbook(
        [
            [str(i), None, "A", 1, None, source, evidence]
            for i, (source, evidence, _, _) in enumerate(cases, start=1)
        ],
        headers=[
            "Mã",
            "Mã cha",
            "Tên tiêu chí",
            "Điểm tối đa",
            "Cách chấm",
            "Nguồn",
            "Tài liệu kiểm chứng",
        ],
    )
    doc, warnings = read_workbook_with_warnings(save(wb, tmp_path))
    assert warnings == []
    assert [(n["source"], n["evidence"]) for n in doc["nodes"]] == [(s, e) for *_, s, e in cases]


def test_an_unknown_source_or_evidence_names_sheet_row_column_and_the_accepted_values(
    tmp_path: Path,
) -> None:
    wb = fresh_workbook(
        [["1", None, "A", 1, "tự đánh giá", "bắt buộc"], ["2", None, "B", 1, "tự chấm", "có"]],
        headers=["Mã", "Mã cha", "Tên tiêu chí", "Điểm tối đa", "Nguồn", "Tài liệu kiểm chứng"],
    )
    problems = errors_of(save(wb, tmp_path))
    assert [(p.where, p.node) for p in problems] == [
        ("trang tính Tiêu chí, dòng 2, cột Nguồn", "1"),
        ("trang tính Tiêu chí, dòng 3, cột Tài liệu kiểm chứng", "2"),
    ]
    source, evidence = problems
    assert all(p.is_error for p in problems)
    assert "tự đánh giá" in source.message
    for word in ("tự chấm", "điều tra", "cơ quan tổ chức", "self", "survey", "organiser"):
        assert word in source.message
    for word in ("bắt buộc", "không bắt buộc", "không cần", "required", "optional", "none"):
        assert word in evidence.message
    assert source.line().startswith(f"{tmp_path / 'typed.xlsx'}: tiêu chí 1: trang tính Tiêu chí")


def test_values_outside_the_lists_travel_in_khac(tmp_path: Path) -> None:
    doc = minimal_doc()
    leaf = doc["nodes"][0]["children"][0]
    leaf["source"] = "tự chấm"  # the word, not the value: a mistake kept as it is
    leaf["evidence"] = "Required"
    path = write_to(doc, tmp_path)
    ws = openpyxl.load_workbook(path)["Tiêu chí"]
    row = rows_by_code(ws)["1.1"]
    assert row[header_index(ws, "Nguồn")].value is None
    assert row[header_index(ws, "Khác")].value == '{source: "tự chấm", evidence: Required}'
    assert read_workbook(path) == doc


def test_old_workbooks_read_the_same(tmp_path: Path) -> None:
    """A workbook written before the Vietnamese words: English Nguồn and Tài liệu kiểm chứng,
    no Diễn giải cách chấm, no Ý nghĩa."""
    doc = set_with_checks()
    path = write_to(doc, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Tiêu chí"]
    english = {
        "tự chấm": "self",
        "cơ quan tổ chức": "organiser",
        "điều tra": "survey",
        "bắt buộc": "required",
        "không bắt buộc": "optional",
        "không cần": "none",
    }
    for header in ("Nguồn", "Tài liệu kiểm chứng"):
        column_number = header_index(ws, header) + 1
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row=row, column=column_number)
            if cell.value is not None:
                cell.value = english[cell.value]
    ws.delete_cols(header_index(ws, WORDS_HEADER) + 1)
    wb["Thông tin chung"].delete_cols(3)
    wb.save(path)
    assert "Diễn giải cách chấm" not in [
        c.value for c in openpyxl.load_workbook(path)["Tiêu chí"][1]
    ]
    again, warnings = read_workbook_with_warnings(path)
    assert warnings == []
    assert canonical_sha256(again) == canonical_sha256(doc)


def test_unknown_columns_are_ignored_with_a_warning_naming_them(tmp_path: Path) -> None:
    doc = set_with_checks()
    path = write_to(doc, tmp_path)
    wb = openpyxl.load_workbook(path)
    nodes_ws, info, bands = wb["Tiêu chí"], wb["Thông tin chung"], wb["Xếp loại"]
    nodes_ws.cell(row=1, column=nodes_ws.max_column + 1).value = "Ghi chú của tổ thẩm định"
    nodes_ws.cell(row=3, column=nodes_ws.max_column).value = "=1+1 sửa lại sau"
    info.cell(row=1, column=4).value = "Người nhập"
    info.cell(row=2, column=4).value = "Nguyễn Văn A"
    bands.cell(row=1, column=4).value = "Màu"
    bands.cell(row=2, column=4).value = "xanh"
    wb.save(path)
    again, warnings = read_workbook_with_warnings(path)
    assert again == doc
    assert all(not w.is_error for w in warnings)
    lines = {(w.where, w.message.split("”")[0]) for w in warnings}
    assert lines == {
        (
            f"trang tính Tiêu chí, dòng 1, cột {get_column_letter(nodes_ws.max_column)}",
            "cột “Ghi chú của tổ thẩm định",
        ),
        ("trang tính Thông tin chung, dòng 1, cột D", "cột “Người nhập"),
        ("trang tính Xếp loại, dòng 1, cột D", "cột “Màu"),
    }
    assert all("bỏ qua" in w.message for w in warnings)


def test_headers_and_cells_print_readably(tmp_path: Path) -> None:
    doc = set_with_checks()
    doc["nodes"][0]["children"][2]["name"] = '=HYPERLINK("x")'  # user text: never a formula
    path = write_to(doc, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Tiêu chí"]
    for cell in ws[1]:
        assert cell.font.bold and cell.alignment.wrap_text, cell.value
        width = ws.column_dimensions[get_column_letter(cell.column)].width
        assert width >= 9 and len(cell.value) <= 2 * width, cell.value  # two lines at most
    assert ws.row_dimensions[1].height >= 30
    assert ws.print_title_rows in ("1:1", "$1:$1")
    assert ws.page_setup.orientation == "landscape"
    for code, row in rows_by_code(ws).items():
        assert row[0].data_type == "s" and row[0].number_format == "@", code
        if row[1].value is not None:
            assert row[1].data_type == "s" and row[1].number_format == "@", code
    name_cell = rows_by_code(ws)["1.3"][header_index(ws, "Tên tiêu chí")]
    assert name_cell.data_type == "s" and name_cell.value == '=HYPERLINK("x")'
    assert read_workbook(path) == doc
