"""Rules told in Vietnamese for the tree browser (decimal comma, dates dd/mm/yyyy)."""

from __future__ import annotations

from functools import cache

import pytest

from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.frameworks.rules_in_words import expression_in_words, rule_in_words
from parindex.scoring import Framework
from parindex.scoring.loading import load_framework


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


def test_proportional_rule() -> None:
    found = rule_in_words(communes().node("1.4.1"), communes())
    assert found is not None
    assert found.kind == "general"
    assert found.lines == (
        "Nếu done ≥ planned: điểm tối đa (1 điểm)",
        "Nếu done ≥ 0,9 × planned: điểm tối đa × done / planned",
        "Còn lại: 0 điểm",
    )
    assert found.legend == (
        "done: Số chỉ tiêu tuyên truyền đã hoàn thành (số nguyên)",
        "planned: Số chỉ tiêu theo kế hoạch (số nguyên)",
    )
    assert found.text.endswith("Trong đó: " + "; ".join(found.legend))


def test_deadline_rule_shows_dates_day_first() -> None:
    assert words(communes(), "1.1.1") == (
        "Nếu issued_on ≤ 31/01/2025: điểm tối đa (1 điểm)",
        "Nếu số ngày từ 31/01/2025 đến issued_on ≤ 15: điểm tối đa / 2",
        "Còn lại: 0 điểm",
    )


def test_deduction_rule() -> None:
    assert words(communes(), "1.2") == (
        "Điểm = lớn nhất của (0; điểm tối đa - 0,25 × late_reports)",
    )


def test_constant_points_and_boolean_inputs() -> None:
    assert words(communes(), "3.2")[1] == "Nếu on_time ≥ 0,98 × total: 3 điểm"
    lines = words(departments(), "1.3")
    assert lines[0] == "Nếu không (has_plan): 0 điểm"
    assert lines[1] == "Nếu found = 0 hoặc fixed ≥ found: điểm tối đa (2 điểm)"
    assert lines[-1] == "Còn lại: 0,5 điểm"


def test_checklist_items_with_points() -> None:
    assert words(communes(), "1.4.2") == (
        "Cộng điểm các nội dung đạt (tối đa 1 điểm):",
        "Bảng tin điện tử, màn hình điện tử: 0,25 điểm",
        "Trang thông tin điện tử, mạng xã hội: 0,25 điểm",
        "Hội nghị, tờ gấp, pano, đài truyền thanh: 0,5 điểm",
    )


def test_yes_no() -> None:
    assert words(communes(), "1.3.1") == (
        "Có/đạt “Có kế hoạch và báo cáo kết quả tự kiểm tra”: 0,5 điểm; không: 0 điểm",
    )


def test_manual_with_and_without_step() -> None:
    assert words(communes(), "2.1") == ("Chấm trực tiếp từ 0 đến 2 điểm, theo bước 0,25",)
    assert words(communes(), "7.6") == ("Chấm trực tiếp từ 0 đến 2 điểm",)


def test_survey_lists_the_question_texts() -> None:
    assert words(communes(), "8.1.1") == (
        "Điều tra xã hội học, phiếu “Phiếu điều tra xã hội học dành cho lãnh đạo, đại biểu "
        "HĐND (minh họa)”: điểm = 10 × tỉ lệ bình quân của các câu trả lời hợp lệ cho các "
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


def test_percent_labels_are_not_repeated() -> None:
    found = rule_in_words(communes().node("3.3"), communes())
    assert found is not None
    assert found.legend == ("digitised_pct: Tỷ lệ hồ sơ được số hóa (%)",)


def test_parents_have_no_rule() -> None:
    assert rule_in_words(communes().node("1"), communes()) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a - (b - c)", "a - (b - c)"),
        ("(a - b) - c", "a - b - c"),
        ("a / (b * c)", "a / (b × c)"),
        ("(a + b) * c", "(a + b) × c"),
        ("-a", "−a"),
        ("a != b and not (c or d)", "a ≠ b và không (c hoặc d)"),
        ("abs(a) + round(b, 2)", "|a| + làm tròn (b; 2 chữ số thập phân)"),
        ("min(1, 2.5, x)", "nhỏ nhất của (1; 2,5; x)"),
        ("flag == true", "flag = đúng"),
        ("a >=", "a >="),  # not an expression: shown as written
    ],
)
def test_expressions(text: str, expected: str) -> None:
    assert expression_in_words(text) == expected


def test_every_leaf_of_both_sets_has_words() -> None:
    for framework in (communes(), departments()):
        for node in framework.leaves():
            found = rule_in_words(node, framework)
            assert found is not None and found.lines, node.code
