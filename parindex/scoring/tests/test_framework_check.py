"""Checking criteria sets: every problem the format names, all reported at once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from parindex.scoring.model import (
    ChecklistRule,
    Evidence,
    GeneralRule,
    ManualRule,
    NodeKind,
    Source,
    SurveyRule,
    YesNoRule,
)

from .conftest import build, framework_doc, leaf, parent, problems_of

D = Decimal

QUESTIONNAIRE = {
    "code": "q",
    "name": "Phiếu thử",
    "scale": [
        {"code": "A", "label": "Tốt", "share": D(1)},
        {"code": "X", "label": "Không biết", "share": None},
    ],
    "questions": [{"code": "C1", "text": "Câu 1"}, {"code": "C2", "text": "Câu 2"}],
}


def errors(doc: Any, **kw: Any) -> list[str]:
    return [line for line in problems_of(doc, **kw) if ": lỗi: " in line]


def warnings(doc: Any, **kw: Any) -> list[str]:
    return [line for line in problems_of(doc, **kw) if ": cảnh báo: " in line]


def one_field(*children: dict[str, Any], max_: str | None = None, **extra: Any) -> dict[str, Any]:
    total = sum((c["max"] for c in children), D(0))
    return framework_doc([parent("1", max_ or str(total), list(children), **extra)])


def test_the_example_set_checks_without_problems(example_doc: Any, questionnaire: Any) -> None:
    assert problems_of(example_doc, questionnaires=(questionnaire,)) == []


def test_the_example_set_model(example: Any) -> None:
    assert example.code == "vd-xa-2025"
    assert example.year == 2025
    assert example.applies_to == ("xa", "phuong", "dac_khu")
    assert example.scale == 100 and example.decimals == 2
    assert [b.label for b in example.bands] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]
    assert example.bands[-1].min is None
    assert len(example.nodes) == 10 and len(example.order) == 63
    assert sum(1 for _ in example.leaves()) == 45
    assert example.max == 100
    n = example.node
    assert isinstance(n("1.1.1").rule, GeneralRule)
    assert isinstance(n("1.3.1").rule, YesNoRule)
    assert isinstance(n("1.4.2").rule, ChecklistRule)
    assert n("2.1").rule == ManualRule(D("0.25"))
    assert n("7.6").rule == ManualRule(None)
    assert n("8.1.1").rule == SurveyRule("lanh-dao", ("C1", "C2", "C3"))
    assert n("8.1.1").source is Source.SURVEY
    assert n("8.2").source is Source.ORGANISER and n("8.2").allows_not_applicable
    assert n("4.3").may_not_apply and n("4.3").allows_not_applicable
    assert not n("4.2").allows_not_applicable
    assert n("1.1.1").evidence is Evidence.REQUIRED and n("1.4.2").evidence is Evidence.OPTIONAL
    assert n("9").kind is NodeKind.BONUS and n("10").kind is NodeKind.PENALTY
    assert n("1.1.1").parent == "1.1" and n("1.1.1").depth == 2


def test_inheritance_of_source_evidence_owner_and_applies_to() -> None:
    doc = framework_doc(
        [
            parent(
                "1",
                "2",
                [
                    leaf("1.1", evidence="none", owner_hint="Văn phòng 2"),
                    leaf("1.2", applies_to=["phuong", "xa"]),
                ],
                source="organiser",
                evidence="required",
                owner_hint="Văn phòng",
                applies_to=["xa"],
            ),
        ],
        applies_to=["xa", "phuong"],
    )
    fw = build(doc)
    one, two = fw.node("1.1"), fw.node("1.2")
    assert one.source is Source.ORGANISER and two.source is Source.ORGANISER
    assert one.evidence is Evidence.NONE and two.evidence is Evidence.REQUIRED
    assert one.owner_hint == "Văn phòng 2" and two.owner_hint == "Văn phòng"
    assert one.applies_to == frozenset({"xa"}) and two.applies_to == frozenset({"xa"})


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"code": "t", "name": "x", "nodes": [leaf("1")]}, "thiếu khóa bắt buộc 'format'"),
        (framework_doc([leaf("1")], format="parindex-framework/2"), "không đúng"),
        (
            {"format": "parindex-framework/1", "name": "x", "nodes": [leaf("1")]},
            "thiếu khóa bắt buộc 'code'",
        ),
        (
            {"format": "parindex-framework/1", "code": "t", "nodes": [leaf("1")]},
            "thiếu khóa bắt buộc 'name'",
        ),
        (
            {"format": "parindex-framework/1", "code": "t", "name": "x"},
            "thiếu khóa bắt buộc 'nodes'",
        ),
        (framework_doc([]), "'nodes' phải là danh sách"),
        (framework_doc([leaf("1")], code=D(2025)), "hãy đặt mã trong dấu nháy"),
        (framework_doc([leaf("1")], scale=D(0)), "'scale' phải lớn hơn 0"),
        (framework_doc([leaf("1")], decimals=D("1.5")), "'decimals' phải là số nguyên"),
        (framework_doc([leaf("1")], decimals=D(-1)), "'decimals' không được nhỏ hơn 0"),
        (framework_doc([leaf("1")], year="2025"), "'year' phải là một số"),
        (framework_doc([leaf("1")], applies_to="xa"), "'applies_to' phải là danh sách"),
        ([1, 2], "bộ tiêu chí phải là một mục"),
    ],
)
def test_top_level_errors(doc: Any, fragment: str) -> None:
    found = errors(doc)
    assert any(fragment in line for line in found), found


def test_a_questionnaire_given_as_a_set_is_named() -> None:
    found = errors({"format": "parindex-questionnaire/1", **QUESTIONNAIRE})
    assert found == [
        't.yaml: lỗi: định dạng chữ "parindex-questionnaire/1" không đúng: cần '
        "parindex-framework/1 — đây là một phiếu khảo sát (dùng --questionnaire)"
    ]


@pytest.mark.parametrize(
    ("node", "line"),
    [
        ({"name": "x", "max": D(1)}, "t.yaml: lĩnh vực thứ 1: lỗi: thiếu khóa bắt buộc 'code'"),
        ({"code": "1", "max": D(1)}, "t.yaml: tiêu chí 1: lỗi: thiếu khóa bắt buộc 'name'"),
        ({"code": "1", "name": "x"}, "t.yaml: tiêu chí 1: lỗi: thiếu khóa bắt buộc 'max'"),
        (leaf("1", max_="-1"), "t.yaml: tiêu chí 1: lỗi: 'max' không được nhỏ hơn 0 (đang là -1)"),
        (
            {**leaf("1"), "max": "1,5"},
            "t.yaml: tiêu chí 1: lỗi: 'max' phải là một số, không phải chữ \"1,5\"",
        ),
        (
            {**leaf("1"), "code": D("2.10")},
            "t.yaml: tiêu chí 2.10: lỗi: mã tiêu chí 2.10 là số, không phải chuỗi: hãy đặt mã trong "
            'dấu nháy ("2.10"), nếu không 2.10 sẽ bị đọc thành 2.1',
        ),
        ({**leaf("1"), "code": ""}, "t.yaml: lĩnh vực thứ 1: lỗi: mã tiêu chí trống"),
        (
            {**leaf("1"), "source": "unit"},
            "t.yaml: tiêu chí 1: lỗi: 'source' phải là một trong: self, survey, organiser "
            '(không phải chữ "unit")',
        ),
        (
            {**leaf("1"), "evidence": "yes"},
            "t.yaml: tiêu chí 1: lỗi: 'evidence' phải là một trong: required, optional, none "
            '(không phải chữ "yes")',
        ),
        (
            {**leaf("1"), "evidence": True},
            "t.yaml: tiêu chí 1: lỗi: 'evidence' phải là một trong: required, optional, none "
            "(không phải giá trị đúng/sai (true))",
        ),
        (
            {**leaf("1"), "kind": "extra"},
            "t.yaml: tiêu chí 1: lỗi: 'kind' phải là một trong: bonus, penalty "
            '(không phải chữ "extra")',
        ),
        (
            {**leaf("1"), "may_not_apply": "yes"},
            "t.yaml: tiêu chí 1: lỗi: 'may_not_apply' phải là true hoặc false, không phải "
            'chữ "yes"',
        ),
        (
            {**leaf("1"), "children": []},
            "t.yaml: tiêu chí 1: lỗi: 'children' phải là danh sách các tiêu chí con (không rỗng)",
        ),
        (
            {**leaf("1"), "applies_to": [D(1)]},
            "t.yaml: tiêu chí 1: lỗi: 'applies_to' chứa giá trị không hợp lệ: số 1",
        ),
    ],
)
def test_node_errors_are_one_line_naming_the_node(node: dict[str, Any], line: str) -> None:
    assert line in errors(framework_doc([node]))


def test_duplicate_codes() -> None:
    doc = framework_doc([parent("1", "2", [leaf("1.1"), leaf("1.1")])])
    assert "t.yaml: tiêu chí 1.1: lỗi: mã tiêu chí '1.1' bị trùng" in errors(doc)


def test_children_maxima_less_than_the_parent_is_an_error_even_when_capped() -> None:
    for extra in ({}, {"capped": True}):
        doc = framework_doc([parent("1", "3", [leaf("1.1"), leaf("1.2")], **extra)])
        assert errors(doc) == [
            "t.yaml: tiêu chí 1: lỗi: tổng điểm tối đa của các tiêu chí con "
            "(2) nhỏ hơn điểm tối đa (3)"
        ]


def test_children_maxima_more_than_the_parent_needs_capped() -> None:
    doc = framework_doc([parent("1", "1.5", [leaf("1.1"), leaf("1.2")])])
    [line] = errors(doc)
    assert line.startswith(
        "t.yaml: tiêu chí 1: lỗi: tổng điểm tối đa của các tiêu chí con (2) "
        "lớn hơn điểm tối đa (1,5); thêm 'capped: true'"
    )
    doc["nodes"][0]["capped"] = True
    assert problems_of(doc) == []


def test_rule_on_a_parent_and_kind_below_top_level() -> None:
    doc = framework_doc(
        [
            parent("1", "1", [leaf("1.1", kind="bonus")], rule="manual"),
        ]
    )
    found = errors(doc)
    assert (
        "t.yaml: tiêu chí 1: lỗi: tiêu chí có tiêu chí con không được có 'rule' (điểm là tổng "
        "điểm các tiêu chí con)" in found
    )
    assert (
        "t.yaml: tiêu chí 1.1: lỗi: 'kind' (bonus/penalty) chỉ dùng cho lĩnh vực cấp cao "
        "nhất" in found
    )


@pytest.mark.parametrize(
    ("bands", "fragment"),
    [
        (
            [{"min": D(50), "label": "A"}, {"min": D(80), "label": "B"}, {"label": "C"}],
            "xếp loại thứ 2: lỗi: các mức xếp loại phải theo thứ tự cao trước",
        ),
        (
            [{"min": D(80), "label": "A"}, {"min": D(80), "label": "B"}, {"label": "C"}],
            "xếp loại thứ 2: lỗi: các mức xếp loại phải theo thứ tự cao trước",
        ),
        (
            [{"min": D(80), "label": "A"}, {"min": D(50), "label": "B"}],
            "xếp loại thứ 2: lỗi: mức xếp loại cuối cùng không có 'min'",
        ),
        ([{"label": "A"}, {"label": "B"}], "xếp loại thứ 1: lỗi: thiếu 'min'"),
        ([{"min": D(80)}, {"label": "B"}], "xếp loại thứ 1: lỗi: thiếu khóa bắt buộc 'label'"),
        ([{"min": "80", "label": "A"}, {"label": "B"}], "'min' phải là một số"),
        ([], "'bands' phải là danh sách"),
    ],
)
def test_bands_out_of_order(bands: list[Any], fragment: str) -> None:
    found = errors(framework_doc([leaf("1")], bands=bands))
    assert any(fragment in line for line in found), found


@pytest.mark.parametrize(
    ("rule", "fragment"),
    [
        ("yes_no", "chỉ 'manual' được viết một mình"),
        ("auto", "quy tắc không hợp lệ"),
        ({"manual": {"step": D(0)}}, "'step' phải lớn hơn 0"),
        ({"yes_no": D(1)}, "yes_no cần một nhãn"),
        ({"checklist": []}, "checklist phải là danh sách"),
        ({"checklist": [{"label": "a"}]}, "checklist, mục 1: lỗi: thiếu khóa bắt buộc 'points'"),
        ({"checklist": [{"points": D(1)}]}, "checklist, mục 1: lỗi: thiếu khóa bắt buộc 'label'"),
        ({"checklist": [{"label": "a", "points": D(-1)}]}, "'points' không được nhỏ hơn 0"),
        (
            {"yes_no": "a", "checklist": [{"label": "a", "points": D(1)}]},
            "mỗi quy tắc chỉ được có một loại",
        ),
        ({"yes_no": "a", "cases": [{"points": D(1)}]}, "mỗi quy tắc chỉ được có một loại"),
        ({"survey": {"questions": ["C1"]}}, "survey thiếu khóa bắt buộc 'questionnaire'"),
        ({"survey": {"questionnaire": "q"}}, "survey cần 'questions'"),
        ({"survey": {"questionnaire": "q", "questions": ["C1", "C1"]}}, "liệt kê hai lần"),
        ({"survey": {"questionnaire": "q", "questions": [D(1)]}}, "hãy đặt mã trong dấu nháy"),
        ({"inputs": []}, "thiếu 'cases'"),
        ({"cases": []}, "thiếu 'cases'"),
        ({"cases": [{"when": "true"}]}, "trường hợp 1: lỗi: thiếu khóa bắt buộc 'points'"),
        ({"cases": [{"points": True}]}, "cần một số hoặc một biểu thức (chữ)"),
        ({"cases": [{"points": "x + 1"}]}, "tên không xác định 'x'"),
        ({"cases": [{"when": "1 + 1", "points": D(1)}]}, "điều kiện phải cho kết quả đúng/sai"),
        (
            {"inputs": [{"name": "d", "type": "date"}], "cases": [{"points": "d * 2"}]},
            'trường hợp 1, points: lỗi: biểu thức "d * 2": không thể nhân ngày với số',
        ),
        (
            {"inputs": [{"name": "x", "type": "text"}], "cases": [{"points": D(1)}]},
            "đầu vào x: lỗi: kiểu đầu vào không hợp lệ",
        ),
        ({"inputs": [{"name": "x"}], "cases": [{"points": D(1)}]}, "thiếu khóa bắt buộc 'type'"),
        (
            {"inputs": [{"type": "integer"}], "cases": [{"points": D(1)}]},
            "đầu vào thứ 1: lỗi: thiếu khóa bắt buộc 'name'",
        ),
        (
            {"inputs": [{"name": True, "type": "boolean"}], "cases": [{"points": D(1)}]},
            "yes/no/on/off bị đọc thành đúng/sai",
        ),
        (
            {"inputs": [{"name": "2x", "type": "integer"}], "cases": [{"points": D(1)}]},
            "không hợp lệ: chỉ gồm chữ cái không dấu",
        ),
        (
            {"inputs": [{"name": "max_points", "type": "integer"}], "cases": [{"points": D(1)}]},
            "từ dành riêng",
        ),
        (
            {"inputs": [{"name": "min", "type": "integer"}], "cases": [{"points": D(1)}]},
            "từ dành riêng",
        ),
        (
            {
                "inputs": [{"name": "x", "type": "integer"}, {"name": "x", "type": "decimal"}],
                "cases": [{"points": D(1)}],
            },
            "đầu vào x: lỗi: tên đầu vào 'x' bị trùng",
        ),
        (
            {
                "inputs": [{"name": "x", "type": "integer", "min": D(5), "max": D(1)}],
                "cases": [{"points": D(1)}],
            },
            "'min' lớn hơn 'max'",
        ),
        (
            {
                "inputs": [{"name": "x", "type": "percent", "max": D(120)}],
                "cases": [{"points": D(1)}],
            },
            "'max' không được lớn hơn 100",
        ),
        (
            {
                "inputs": [{"name": "x", "type": "boolean", "min": D(0)}],
                "cases": [{"points": D(1)}],
            },
            "đầu vào kiểu boolean không có 'min'",
        ),
        (
            {
                "inputs": [{"name": "x", "type": "date", "min": "15/01/2025"}],
                "cases": [{"points": D(1)}],
            },
            "phải là ngày yyyy-mm-dd",
        ),
        ({"inputs": "x", "cases": [{"points": D(1)}]}, "'inputs' phải là danh sách"),
        ({"cases": [{"points": "1 / 0"}]}, "chia cho 0"),
        (
            {"cases": [{"points": "__import__('os').system('id')"}]},
            "hàm '__import__' không được hỗ trợ",
        ),
    ],
)
def test_rule_errors(rule: Any, fragment: str) -> None:
    found = errors(framework_doc([leaf("1", rule=rule)]))
    assert any(fragment in line for line in found), found
    assert all(line.startswith("t.yaml: tiêu chí 1: ") for line in found), found


def test_unknown_question_of_a_known_questionnaire_is_an_error() -> None:
    doc = framework_doc(
        [leaf("1", rule={"survey": {"questionnaire": "q", "questions": ["C1", "C9"]}})],
        questionnaires=[QUESTIONNAIRE],
    )
    [line] = errors(doc)
    assert line == (
        "t.yaml: tiêu chí 1: rule: lỗi: câu hỏi 'C9' không có trong phiếu 'q' (phiếu có: C1, C2)"
    )


def test_survey_naming_a_questionnaire_not_given_is_a_warning_only() -> None:
    doc = framework_doc([leaf("1", rule={"survey": {"questionnaire": "q", "questions": ["C9"]}})])
    assert errors(doc) == []
    [line] = warnings(doc)
    assert "phiếu khảo sát 'q' chưa có trong bộ tiêu chí" in line
    fw = build(doc)
    assert fw.node("1").source is Source.SURVEY


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"scale": []}, "'scale' phải là danh sách"),
        ({"questions": []}, "'questions' phải là danh sách"),
        ({"code": None}, "thiếu khóa bắt buộc 'code'"),
        ({"scale": [{"code": "A", "label": "Tốt"}]}, "thiếu khóa bắt buộc 'share'"),
        (
            {"scale": [{"code": "A", "label": "Tốt", "share": D("1.5")}]},
            "'share' không được lớn hơn 1",
        ),
        (
            {
                "scale": [
                    {"code": "A", "label": "a", "share": D(1)},
                    {"code": "A", "label": "b", "share": D(0)},
                ]
            },
            "mã mức trả lời 'A' bị trùng",
        ),
        (
            {"questions": [{"code": "C1", "text": "a"}, {"code": "C1", "text": "b"}]},
            "mã câu hỏi 'C1' bị trùng",
        ),
        ({"questions": [{"code": D(1), "text": "a"}]}, "hãy đặt mã trong dấu nháy"),
        ({"scale": [{"code": "X", "label": "?", "share": None}]}, "share: null"),
        ({"format": "parindex-questionnaire/2"}, "cần parindex-questionnaire/1"),
    ],
)
def test_inline_questionnaire_errors(change: dict[str, Any], fragment: str) -> None:
    q = {**QUESTIONNAIRE, **change}
    if q["code"] is None:
        del q["code"]
    found = errors(framework_doc([leaf("1")], questionnaires=[q]))
    assert any(fragment in line for line in found), found


def test_unknown_keys_are_warnings() -> None:
    doc = framework_doc([leaf("1", weight=D(2), rule={"yes_no": "a", "note": "x"})], colour="blue")
    assert errors(doc) == []
    found = warnings(doc)
    assert any("khóa không xác định 'colour' trong bộ tiêu chí" in w for w in found)
    assert any(
        w.startswith("t.yaml: tiêu chí 1: cảnh báo: khóa không xác định 'weight'") for w in found
    )
    assert any("khóa không xác định 'note' trong rule" in w for w in found)
    build(doc)  # still usable


def test_other_warnings() -> None:
    doc = framework_doc(
        [
            leaf("1", max_="1", rule={"checklist": [{"label": "a", "points": D("0.5")}]}),
            leaf("2", max_="1", rule={"manual": {"step": D("0.3")}}),
            leaf("3", max_="1", rule={"cases": [{"points": D(1)}, {"points": D(0)}]}),
            leaf("4", max_="1", rule={"cases": [{"points": D(2)}]}),
            leaf("5", max_="1", capped=True),
            leaf("6", applies_to=["huyen"]),
        ],
        applies_to=["xa"],
    )
    assert errors(doc) == []
    found = warnings(doc)
    assert len(found) == 6, found
    assert "nhỏ hơn điểm tối đa (1): không thể đạt điểm tối đa" in found[0]
    assert "không phải bội của bước 0,3" in found[1]
    assert "trường hợp 1 luôn đúng" in found[2]
    assert "điểm 2 nằm ngoài [0; 1]" in found[3]
    assert "'capped' chỉ có ý nghĩa" in found[4]
    assert "loại đơn vị 'huyen' không có trong applies_to" in found[5]


def test_all_problems_are_reported_at_once() -> None:
    doc = framework_doc(
        [
            parent(
                "1",
                "3",
                [
                    leaf("1.1", rule={"cases": [{"points": "x"}]}),
                    {**leaf("1.2"), "code": D("1.2")},
                    leaf("1.3", evidence="maybe"),
                ],
            ),
            leaf("2", kind="bonus", source="nobody"),
            leaf("2"),
        ],
        bands=[{"min": D(10), "label": "A"}, {"min": D(20), "label": "B"}, {"label": "C"}],
    )
    found = errors(doc)
    assert len(found) == 6, found
    joined = "\n".join(found)
    for fragment in (
        "tên không xác định 'x'",
        "hãy đặt mã trong dấu nháy",
        "'evidence' phải",
        "'source' phải",
        "mã tiêu chí '2' bị trùng",
        "theo thứ tự cao trước",
    ):
        assert fragment in joined


def test_capped_parent_and_bonus_penalty_build() -> None:
    fw = build(
        framework_doc(
            [
                parent("1", "2", [leaf("1.1", "1.5"), leaf("1.2", "1.5")], capped=True),
                leaf("B", "1", kind="bonus"),
                leaf("P", "1", kind="penalty"),
            ]
        )
    )
    assert fw.node("1").capped and fw.max == 2
    assert fw.node("B").kind is NodeKind.BONUS
