"""Rules told in Vietnamese: labels for inputs, decimal commas, dates dd/mm/yyyy, checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from typing import Any

import pytest

from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.scoring import Framework
from parindex.scoring.loading import load_framework
from parindex.scoring.model import InputDef, InputType
from parindex.scoring.speaker import input_label, value_in_words
from parindex.scoring.words import (
    UNREADABLE_RULE,
    expression_in_words,
    rule_in_words,
    rule_text_in_words,
)

from .conftest import build, framework_doc, leaf

D = Decimal


@cache
def communes() -> Framework:
    framework, _qs, problems = load_framework(COMMUNES_SET, COMMUNES_QUESTIONNAIRES)
    assert framework is not None, problems
    return framework


@cache
def departments() -> Framework:
    framework, _qs, problems = load_framework(DEPARTMENTS_SET)
    assert framework is not None, problems
    return framework


def words(framework: Framework, code: str) -> tuple[str, ...]:
    found = rule_in_words(framework.node(code), framework)
    assert found is not None
    return found.lines


def one_rule(rule: Any, max_: str = "1", **doc: Any) -> Framework:
    return build(framework_doc([leaf("1", max_, rule=rule)], **doc))


def test_proportional_rule_names_inputs_by_label() -> None:
    found = rule_in_words(communes().node("1.4.1"), communes())
    assert found is not None and found.kind == "general"
    assert found.lines[:3] == (
        "Nếu Số chỉ tiêu tuyên truyền đã hoàn thành ≥ Số chỉ tiêu theo kế hoạch: 1,00 điểm",
        "Nếu Số chỉ tiêu tuyên truyền đã hoàn thành ≥ 0,9 × Số chỉ tiêu theo kế hoạch: "
        "1,00 × Số chỉ tiêu tuyên truyền đã hoàn thành / Số chỉ tiêu theo kế hoạch",
        "Còn lại: 0 điểm",
    )
    assert found.legend == (
        "Số chỉ tiêu tuyên truyền đã hoàn thành: số nguyên, từ 0",
        "Số chỉ tiêu theo kế hoạch: số nguyên, từ 1",
    )
    assert found.text.endswith("Trong đó: " + "; ".join(found.legend))


def test_deadline_rule_says_dates_in_words_day_first() -> None:
    assert words(communes(), "1.1.1") == (
        "Nếu Ngày ban hành kế hoạch không muộn hơn 31/01/2025: 1,00 điểm",
        "Nếu số ngày từ 31/01/2025 đến Ngày ban hành kế hoạch ≤ 15: 0,50 điểm",
        "Còn lại: 0 điểm",
    )


@pytest.mark.parametrize(
    ("op", "phrase"),
    [
        ("<=", "không muộn hơn"),
        ("<", "trước"),
        (">=", "không sớm hơn"),
        (">", "sau"),
        ("==", "đúng ngày"),
        ("!=", "khác ngày"),
    ],
)
def test_every_date_comparison_in_words(op: str, phrase: str) -> None:
    fw = one_rule(
        {
            "inputs": [{"name": "sent_on", "label": "Ngày gửi", "type": "date"}],
            "cases": [{"when": f'sent_on {op} date("2025-11-15")', "points": "max_points"}],
        }
    )
    assert words(fw, "1")[0] == f"Nếu Ngày gửi {phrase} 15/11/2025: 1,00 điểm"


def test_deduction_rule_substitutes_the_maximum() -> None:
    assert words(communes(), "1.2") == (
        "Điểm = lớn nhất của (0; 1,00 - 0,25 × Số báo cáo chậm hoặc thiếu nội dung)",
    )


def test_constant_points_and_boolean_inputs() -> None:
    assert words(communes(), "3.2")[1] == (
        "Nếu Số hồ sơ giải quyết đúng hạn ≥ 0,98 × Tổng số hồ sơ đã giải quyết: 3,00 điểm"
    )
    lines = words(departments(), "1.3")
    assert lines[0] == "Nếu không “Có kế hoạch kiểm tra CCHC trong năm”: 0 điểm"
    assert lines[1] == (
        "Nếu Số tồn tại phát hiện qua kiểm tra = 0 hoặc Số tồn tại đã được khắc phục ≥ "
        "Số tồn tại phát hiện qua kiểm tra: 2,00 điểm"
    )
    assert lines[2].endswith(": 1,00 điểm")  # max_points / 2, computed
    assert "Còn lại: 0,50 điểm" in lines


def test_percent_comparisons_carry_the_percent_sign() -> None:
    found = rule_in_words(communes().node("3.3"), communes())
    assert found is not None
    assert found.lines == (
        "Nếu Tỷ lệ hồ sơ được số hóa ≥ 90 %: 2,00 điểm",
        "Còn lại: 2,00 × Tỷ lệ hồ sơ được số hóa (%) / 90",
    )
    assert found.legend == ("Tỷ lệ hồ sơ được số hóa (%): tỉ lệ %, từ 0 đến 100",)


def test_checks_follow_the_cases_and_warnings_are_marked() -> None:
    fw = one_rule(
        {
            "inputs": [
                {"name": "received", "label": "Số hồ sơ tiếp nhận", "type": "integer"},
                {"name": "on_time", "label": "Số hồ sơ đúng hạn", "type": "integer"},
            ],
            "checks": [
                {"require": "on_time <= received", "message": "Đúng hạn không quá tiếp nhận"},
                {"require": "received > 0", "message": "Chưa có hồ sơ", "level": "warning"},
            ],
            "cases": [{"points": "max_points * on_time / received"}],
        },
        "2",
    )
    assert words(fw, "1") == (
        "Điểm = 2,00 × Số hồ sơ đúng hạn / Số hồ sơ tiếp nhận",
        "Kiểm tra: Số hồ sơ đúng hạn ≤ Số hồ sơ tiếp nhận — nếu không: "
        "Đúng hạn không quá tiếp nhận",
        "Kiểm tra (cảnh báo): Số hồ sơ tiếp nhận > 0 — nếu không: Chưa có hồ sơ",
    )


def test_inputs_named_only_by_checks_are_in_the_legend() -> None:
    fw = one_rule(
        {
            "inputs": [
                {"name": "a", "label": "Số A", "type": "integer"},
                {"name": "b", "label": "Số B", "type": "integer"},
            ],
            "checks": [{"require": "b <= 10", "message": "B quá lớn"}],
            "cases": [{"points": "a"}],
        }
    )
    found = rule_in_words(fw.node("1"), fw)
    assert found is not None and found.legend == ("Số A: số nguyên", "Số B: số nguyên")


def test_a_constant_single_case_and_the_default_case() -> None:
    fw = one_rule({"inputs": [{"name": "x", "type": "integer"}], "cases": [{"points": D(1)}]})
    assert words(fw, "1") == ("Luôn được 1,00 điểm",)
    fw = one_rule(
        {
            "inputs": [{"name": "x", "type": "integer"}],
            "cases": [{"when": "x > 2", "points": D(1)}, {"points": "0.5"}],
        }
    )
    assert words(fw, "1") == ("Nếu X > 2: 1,00 điểm", "Còn lại: 0,50 điểm")


def test_decimals_of_the_set_are_used_for_points() -> None:
    fw = one_rule({"yes_no": "Có kế hoạch"}, "0.5", decimals=D(1))
    assert words(fw, "1") == ("Có/đạt “Có kế hoạch”: 0,5 điểm; không: 0 điểm",)


def test_checklist_items_with_points() -> None:
    assert words(communes(), "1.4.2") == (
        "Cộng điểm các nội dung đạt (tối đa 1,00 điểm):",
        "Bảng tin điện tử, màn hình điện tử: 0,25 điểm",
        "Trang thông tin điện tử, mạng xã hội: 0,25 điểm",
        "Hội nghị, tờ gấp, pano, đài truyền thanh: 0,50 điểm",
    )


def test_yes_no() -> None:
    assert words(communes(), "1.3.1") == (
        "Có/đạt “Có kế hoạch và báo cáo kết quả tự kiểm tra”: 0,50 điểm; không: 0 điểm",
    )


def test_manual_with_and_without_step() -> None:
    assert words(communes(), "2.1") == ("Chấm trực tiếp từ 0 đến 2,00 điểm, theo bước 0,25",)
    assert words(communes(), "7.6") == ("Chấm trực tiếp từ 0 đến 2,00 điểm",)


def test_survey_lists_the_question_texts() -> None:
    assert words(communes(), "8.1.1") == (
        "Điều tra xã hội học, phiếu “Phiếu điều tra xã hội học dành cho lãnh đạo, đại biểu "
        "HĐND (minh họa)”: điểm = 10,00 × tỉ lệ bình quân của các câu trả lời hợp lệ cho các "
        "câu hỏi:",
        "C1: Việc ban hành và tổ chức thực hiện kế hoạch CCHC của UBND xã",
        "C2: Sự công khai, minh bạch thủ tục hành chính tại Bộ phận Một cửa",
        "C3: Thời gian giải quyết hồ sơ thủ tục hành chính so với quy định",
    )


def test_survey_without_its_questionnaire() -> None:
    framework, _qs, _problems = load_framework(COMMUNES_SET)
    assert framework is not None
    lines = rule_in_words(framework.node("8.1.2"), framework)
    assert lines is not None
    assert "phiếu lanh-dao (chưa có trong bộ tiêu chí)" in lines.lines[0]
    assert lines.lines[1:] == ("C4", "C5", "C6")


def test_parents_have_no_rule() -> None:
    assert rule_in_words(communes().node("1"), communes()) is None


def test_an_input_without_label_is_made_readable() -> None:
    assert input_label(InputDef("late_reports", InputType.INTEGER, "late_reports")) == (
        "Late reports"
    )
    assert input_label(InputDef("late_reports", InputType.INTEGER, "Số báo cáo chậm")) == (
        "Số báo cáo chậm"
    )


@pytest.mark.parametrize(
    ("value", "itype", "expected"),
    [
        (True, None, "có"),
        (False, InputType.BOOLEAN, "không"),
        (D("0.5"), InputType.DECIMAL, "0,5"),
        (D("95.5"), InputType.PERCENT, "95,5 %"),
        (dt.date(2025, 1, 20), InputType.DATE, "20/01/2025"),
        ([True, False], None, "có, không"),
    ],
)
def test_values_as_people_write_them(value: Any, itype: InputType | None, expected: str) -> None:
    assert value_in_words(value, itype) == expected


LABELS = {"a": "Số A", "b": "Số B", "c": "Điều kiện C", "d": "Điều kiện D", "x": "Số X"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a - (b - c)", "Số A - (Số B - Điều kiện C)"),
        ("(a - b) - c", "Số A - Số B - Điều kiện C"),
        ("a / (b * c)", "Số A / (Số B × Điều kiện C)"),
        ("(a + b) * c", "(Số A + Số B) × Điều kiện C"),
        ("-a", "-Số A"),
        ("a != b and not (c or d)", "Số A ≠ Số B và không (Điều kiện C hoặc Điều kiện D)"),
        ("not c", "không “Điều kiện C”"),
        ("a >= 1 or b <= 2 and c", "Số A ≥ 1 hoặc Số B ≤ 2 và Điều kiện C"),
        ("(a >= 1 or b <= 2) and c", "(Số A ≥ 1 hoặc Số B ≤ 2) và Điều kiện C"),
        ("abs(a) + round(b, 2)", "|Số A| + làm tròn (Số B; 2 chữ số thập phân)"),
        ("min(1, 2.5, x)", "nhỏ nhất của (1; 2,5; Số X)"),
        ("max(a, b)", "lớn nhất của (Số A; Số B)"),
        ("c == true", "Điều kiện C = có"),
        (
            'days_between(date("2025-01-31"), date("2025-02-15"))',
            "số ngày từ 31/01/2025 đến 15/02/2025",
        ),
        ("max_points * a", "điểm tối đa × Số A"),
    ],
)
def test_expressions(text: str, expected: str) -> None:
    assert expression_in_words(text, LABELS) == expected


def test_expressions_with_the_maximum_and_input_definitions() -> None:
    defs = (InputDef("done", InputType.INTEGER, "Số đã làm"),)
    assert expression_in_words("max_points * done", defs, node_max=D(2), decimals=2) == (
        "2,00 × Số đã làm"
    )
    assert expression_in_words("late_count > 1") == "Late count > 1"


def test_an_expression_that_does_not_parse_is_not_shown_as_written() -> None:
    assert expression_in_words("a >=") == "(công thức không đọc được)"


def test_a_rule_as_written_in_a_file() -> None:
    flow = (
        '{inputs: [{name: issued_on, label: "Ngày ban hành", type: date}], '
        'cases: [{when: "issued_on <= date(\\"2025-01-31\\")", points: max_points}, '
        "{points: 0}]}"
    )
    found = rule_text_in_words(flow, node_max=D(1), decimals=2)
    assert found.lines == (
        "Nếu Ngày ban hành không muộn hơn 31/01/2025: 1,00 điểm",
        "Còn lại: 0 điểm",
    )
    mapping = {"checklist": [{"label": "Bảng tin", "points": D("0.25")}]}
    assert rule_text_in_words(mapping, node_max=D("0.25")).lines[1] == "Bảng tin: 0,25 điểm"
    assert rule_text_in_words("manual", node_max=D(2), decimals=2).lines == (
        "Chấm trực tiếp từ 0 đến 2,00 điểm",
    )
    assert rule_text_in_words("", node_max=D(2), decimals=2).kind == "manual"
    assert rule_text_in_words(None, node_max=D(2), decimals=2).kind == "manual"
    yes_no = rule_text_in_words("{yes_no: }", node_max=D(1), decimals=2, label="Có kế hoạch")
    assert yes_no.lines == ("Có/đạt “Có kế hoạch”: 1,00 điểm; không: 0 điểm",)


@pytest.mark.parametrize(
    "rule",
    [
        "{inputs: [{name: x, type: integer}], cases: [{when: 'x >=', points: 1}]}",
        "{inputs: [",
        {"cases": [{"points": "unknown_name"}]},
        {"yes_no": "a", "manual": None},
        [1, 2],
    ],
)
def test_an_unreadable_rule_is_said_neutrally(rule: Any) -> None:
    found = rule_text_in_words(rule, node_max=D(1))
    assert found.lines == (UNREADABLE_RULE,)
    assert "{" not in found.text and "x >=" not in found.text


def test_every_leaf_of_both_sets_has_words() -> None:
    for framework in (communes(), departments()):
        for node in framework.leaves():
            found = rule_in_words(node, framework)
            assert found is not None and found.lines, node.code
