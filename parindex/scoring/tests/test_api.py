"""The Python API used by the web forms: input descriptions, UI values, live scoring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from parindex.scoring import (
    EntryError,
    InputSpec,
    UIValueError,
    format_decimal,
    format_points,
    input_specs,
    parse_ui_value,
    score_leaf,
    validate_entry,
)
from parindex.scoring.model import Framework

D = Decimal


def test_input_specs_of_each_rule_shape(example: Framework) -> None:
    [issued] = input_specs(example, "1.1.1")
    assert (issued.name, issued.type, issued.label) == (
        "issued_on",
        "date",
        "Ngày ban hành kế hoạch",
    )
    done, planned = input_specs(example, "1.4.1")
    assert (done.type, done.min, done.step, planned.min) == ("integer", D(0), D(1), D(1))
    [pct] = input_specs(example, "3.1.1")
    assert (pct.type, pct.min, pct.max) == ("percent", D(0), D(100))
    [met] = input_specs(example, "1.3.1")
    assert (met.name, met.type, met.label) == (
        "met",
        "boolean",
        "Có kế hoạch và báo cáo kết quả tự kiểm tra",
    )
    [score] = input_specs(example, "2.1")
    assert (score.name, score.type, score.min, score.max, score.step) == (
        "score",
        "decimal",
        D(0),
        D(2),
        D("0.25"),
    )
    [items] = input_specs(example, "1.4.2")
    assert items.type == "checklist"
    assert [(i.index, i.label, i.points) for i in items.items] == [
        (0, "Bảng tin điện tử, màn hình điện tử", D("0.25")),
        (1, "Trang thông tin điện tử, mạng xã hội", D("0.25")),
        (2, "Hội nghị, tờ gấp, pano, đài truyền thanh", D("0.5")),
    ]
    [answers] = input_specs(example, "8.1.1")
    assert answers.type == "answers" and answers.questionnaire == "lanh-dao"
    assert [q.code for q in answers.questions] == ["C1", "C2", "C3"]
    assert answers.questions[0].text.startswith("Việc ban hành")
    assert [(o.code, o.share) for o in answers.options][-1] == ("X", None)
    assert input_specs(example, "1") == ()
    with pytest.raises(KeyError):
        input_specs(example, "99")


NUMBER = InputSpec("x", "decimal", "X")
INTEGER = InputSpec("n", "integer", "N", min=D(0))
PERCENT = InputSpec("p", "percent", "P", min=D(0), max=D(100))
DATE = InputSpec("d", "date", "D")
BOOL = InputSpec("b", "boolean", "B")


@pytest.mark.parametrize(
    ("spec", "text", "value"),
    [
        (NUMBER, "0,25", D("0.25")),
        (NUMBER, "0.25", D("0.25")),
        (NUMBER, " 1.234,5 ", D("1234.5")),
        (NUMBER, "1 234,5", D("1234.5")),
        (NUMBER, "1\u00a0234,5", D("1234.5")),
        (NUMBER, "1,234.5", D("1234.5")),
        (NUMBER, "1.234.567", D(1234567)),
        (NUMBER, "-0,5", D("-0.5")),
        (NUMBER, ",5", D("0.5")),
        (NUMBER, "12", D(12)),
        (INTEGER, "1.234", D(1234)),
        (INTEGER, "1.000.000", D(1000000)),
        (INTEGER, "9,0", D("9.0")),
        (PERCENT, "95%", D(95)),
        (PERCENT, "87,25 %", D("87.25")),
        (DATE, "05/11/2025", dt.date(2025, 11, 5)),
        (DATE, "5/11/2025", dt.date(2025, 11, 5)),
        (DATE, "05-11-2025", dt.date(2025, 11, 5)),
        (DATE, "05.11.2025", dt.date(2025, 11, 5)),
        (DATE, "2025-11-05", dt.date(2025, 11, 5)),
        (BOOL, "có", True),
        (BOOL, "Có", True),
        (BOOL, "co", True),
        (BOOL, "đúng", True),
        (BOOL, "đạt", True),
        (BOOL, "x", True),
        (BOOL, "không", False),
        (BOOL, "KHONG", False),
        (BOOL, "sai", False),
        (BOOL, "chưa đạt", False),
        (BOOL, "0", False),
    ],
)
def test_parse_ui_value(spec: InputSpec, text: str, value: Any) -> None:
    got = parse_ui_value(spec, text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    ("spec", "text", "message"),
    [
        (NUMBER, "", "chưa nhập giá trị"),
        (NUMBER, "abc", "'abc' không phải là một số (ví dụ: 12 hoặc 0,25)"),
        (NUMBER, "1,2,3", "không phải là một số"),
        (NUMBER, "1.2.3", "không phải là một số"),
        (INTEGER, "9,5", "cần một số nguyên, không phải 9,5"),
        (INTEGER, "-1", "không được nhỏ hơn 0"),
        (PERCENT, "120", "không được lớn hơn 100"),
        (DATE, "31/02/2025", "ngày 31/02/2025 không có thật"),
        (DATE, "2025/11/05", "nhập theo dạng ngày/tháng/năm, ví dụ 05/11/2025"),
        (DATE, "", "chưa nhập ngày"),
        (BOOL, "có lẽ", "không rõ: chọn 'có' hoặc 'không'"),
        (BOOL, "", "chưa chọn có hoặc không"),
        (InputSpec("items", "checklist", "I"), "x", "không nhập bằng chữ"),
    ],
)
def test_parse_ui_value_errors(spec: InputSpec, text: str, message: str) -> None:
    with pytest.raises(UIValueError) as info:
        parse_ui_value(spec, text)
    assert message in info.value.message
    assert isinstance(info.value, ValueError)


def test_date_bounds_in_the_ui() -> None:
    spec = InputSpec("d", "date", "D", min=dt.date(2025, 1, 1))
    with pytest.raises(UIValueError, match="không được trước 01/01/2025"):
        parse_ui_value(spec, "31/12/2024")


def test_validate_entry_partial_and_complete(example: Framework) -> None:
    assert validate_entry(example, "1.4.1", {"done": D(9)}, partial=True) == []
    assert validate_entry(example, "1.4.1", {"done": D(9)}, partial=False) == [
        EntryError("1.4.1", "planned", "thiếu giá trị 'planned' (Số chỉ tiêu theo kế hoạch)")
    ]
    assert validate_entry(example, "1.4.1", {"done": D(-1)}, partial=True) == [
        EntryError("1.4.1", "done", "không được nhỏ hơn 0 (đang là -1)")
    ]
    assert validate_entry(example, "2.1", {}, partial=True) == []
    assert validate_entry(example, "2.1", {"score": D("0.3")}, partial=True)[0].input == "score"
    errors = validate_entry(example, "1.4.1", {"done": D("1.5"), "x": D(1)}, partial=True)
    assert [(e.input, e.message[:20]) for e in errors] == [
        ("x", "không có số liệu tên"),
        ("done", "phải là số nguyên, k"),
    ]
    assert validate_entry(example, "4.3", {"not_applicable": "Không có thôn"}, partial=False) == []
    assert validate_entry(example, "9.9", {}, partial=True)[0].message.startswith("không có tiêu")


def test_score_leaf_live(example: Framework) -> None:
    live = score_leaf(example, "1.4.1", {"done": D(19), "planned": D(20)})
    assert live.points == D("0.95") and live.errors == ()
    assert live.explanation is not None
    assert live.explanation.text() == (
        "Số chỉ tiêu tuyên truyền đã hoàn thành 19 / Số chỉ tiêu theo kế hoạch 20 = 95 % ≥ 90 %: "
        "1,00 × 19 / 20 = 0,95"
    )
    incomplete = score_leaf(example, "1.4.1", {"done": D(19)})
    assert incomplete.points is None and incomplete.errors[0].input == "planned"
    assert score_leaf(example, "8.1.1", {"answers": {"C1": ["A", "C"]}}).points == D("6.00")
    na = score_leaf(example, "4.3", {"not_applicable": "Không có thôn"})
    assert na.points is None and na.explanation is not None
    assert na.explanation.text() == "Không áp dụng: Không có thôn"
    zero = score_leaf(example, "1.6", {"done_on_time": D(1), "assigned": D(0)})
    assert zero.points == D("1.50")  # the rule guards assigned == 0


def test_score_leaf_reports_a_division_by_zero() -> None:
    from .conftest import build, framework_doc, leaf

    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    rule={
                        "inputs": [
                            {"name": "a", "type": "integer"},
                            {"name": "b", "type": "integer"},
                        ],
                        "cases": [{"points": "a / b"}],
                    },
                )
            ]
        )
    )
    live = score_leaf(fw, "1", {"a": D(1), "b": D(0)})
    assert live.points is None
    assert live.errors[0].message.startswith("không tính được điểm: phép chia cho 0")


def test_formatting_helpers() -> None:
    assert format_points(D("75.84")) == "75,84"
    assert format_points(D("75.845"), 2) == "75,85"
    assert format_points(None) == ""
    assert format_decimal(D("1234567.5"), 2, comma=True, group=True) == "1.234.567,50"
    assert format_decimal(D("-1234"), comma=True, group=True) == "-1.234"
    assert format_decimal(D("1E+2"), 2) == "100.00"
    assert format_decimal(D("-0.001"), 2) == "0.00"
    assert format_decimal(D("0.125"), 2) == "0.13"
