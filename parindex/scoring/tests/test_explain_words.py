"""Explanations in words: labels, the values typed, which condition held or why each failed,
the arithmetic with decimal commas and dates dd/mm/yyyy — and never engine text."""

from __future__ import annotations

import datetime as dt
import random
import re
from decimal import Decimal
from functools import cache
from typing import Any

import pytest

from parindex.frameworks.examples import COMMUNES_QUESTIONNAIRES, COMMUNES_SET, DEPARTMENTS_SET
from parindex.scoring import Framework, Unit, score_leaf, score_unit
from parindex.scoring.loading import load_framework
from parindex.scoring.model import GeneralRule, InputType
from parindex.scoring.words import rule_in_words

from .conftest import build, framework_doc, leaf, parent

D = Decimal

ISSUED = {"name": "issued_on", "label": "Ngày ban hành", "type": "date"}
DONE = {"name": "done", "label": "Số chỉ tiêu đã hoàn thành", "type": "integer", "min": D(0)}
PLANNED = {"name": "planned", "label": "Số chỉ tiêu theo kế hoạch", "type": "integer", "min": D(1)}


def one(rule: Any, max_: str = "1", **doc: Any) -> Framework:
    return build(framework_doc([leaf("1", max_, rule=rule)], **doc))


def explained(fw: Framework, entry: dict[str, Any], code: str = "1") -> str:
    result = score_unit(fw, Unit("u", "Đơn vị", None), {code: entry})
    return result.node(code).explanation.text()


@pytest.fixture
def deadline() -> Framework:
    return one(
        {
            "inputs": [ISSUED],
            "cases": [
                {"when": 'issued_on <= date("2025-01-31")', "points": "max_points"},
                {
                    "when": 'days_between(date("2025-01-31"), issued_on) <= 10',
                    "points": "max_points / 2",
                },
            ],
        }
    )


@pytest.fixture
def tiers() -> Framework:
    return one(
        {
            "inputs": [DONE, PLANNED],
            "cases": [
                {"when": "done >= planned", "points": "max_points"},
                {"when": "done >= 0.9 * planned", "points": "max_points * done / planned"},
                {"points": D(0)},
            ],
        }
    )


def test_a_date_condition_that_held(deadline: Framework) -> None:
    assert explained(deadline, {"issued_on": dt.date(2025, 1, 20)}) == (
        "Ngày ban hành 20/01/2025, không muộn hơn 31/01/2025: 1,00 điểm"
    )
    assert explained(deadline, {"issued_on": dt.date(2025, 2, 5)}) == (
        "Số ngày từ 31/01/2025 đến Ngày ban hành 05/02/2025 (= 5) ≤ 10: 0,50 điểm"
    )


def test_no_case_held_says_why_each_condition_failed(deadline: Framework) -> None:
    assert explained(deadline, {"issued_on": dt.date(2025, 2, 15)}) == (
        "Không trường hợp nào thỏa: Ngày ban hành 15/02/2025, muộn hơn 31/01/2025; "
        "Số ngày từ 31/01/2025 đến Ngày ban hành 15/02/2025 (= 15) > 10 → 0,00 điểm"
    )


def test_a_ratio_condition_and_the_arithmetic(tiers: Framework) -> None:
    assert explained(tiers, {"done": D(19), "planned": D(20)}) == (
        "Số chỉ tiêu đã hoàn thành 19 / Số chỉ tiêu theo kế hoạch 20 = 95 % ≥ 90 %: "
        "1,00 × 19 / 20 = 0,95"
    )
    assert explained(tiers, {"done": D(20), "planned": D(20)}) == (
        "Số chỉ tiêu đã hoàn thành 20 ≥ Số chỉ tiêu theo kế hoạch 20: 1,00 điểm"
    )


def test_the_last_case_says_the_conditions_above_failed(tiers: Framework) -> None:
    assert explained(tiers, {"done": D(2), "planned": D(3)}) == (
        "Các điều kiện trên đều không thỏa (Số chỉ tiêu đã hoàn thành 2 < Số chỉ tiêu theo kế "
        "hoạch 3; Số chỉ tiêu đã hoàn thành 2 / Số chỉ tiêu theo kế hoạch 3 = 66,67 % < 90 %): "
        "0,00 điểm"
    )


def test_a_ratio_just_below_its_threshold_is_never_shown_equal(tiers: Framework) -> None:
    text = explained(tiers, {"done": D(899_999), "planned": D(1_000_000)})
    assert "= 89,9999 % < 90 %" in text and "90 % < 90 %" not in text


def test_a_computed_side_shows_its_value() -> None:
    fw = one(
        {
            "inputs": [DONE, PLANNED],
            "cases": [{"when": "done >= planned - 2", "points": "max_points"}],
        }
    )
    assert explained(fw, {"done": D(17), "planned": D(20)}) == (
        "Không trường hợp nào thỏa: Số chỉ tiêu đã hoàn thành 17 < Số chỉ tiêu theo kế hoạch "
        "20 - 2 (= 18) → 0,00 điểm"
    )


def test_and_names_the_parts_that_failed() -> None:
    fw = one(
        {
            "inputs": [
                {"name": "a", "label": "Số cuộc họp", "type": "integer"},
                {"name": "b", "label": "Số báo cáo", "type": "integer"},
            ],
            "cases": [{"when": "a >= 2 and b >= 4", "points": "max_points"}],
        }
    )
    assert explained(fw, {"a": D(3), "b": D(1)}) == (
        "Không trường hợp nào thỏa: Số báo cáo 1 < 4 → 0,00 điểm"
    )
    assert (
        explained(fw, {"a": D(3), "b": D(5)}) == "Số cuộc họp 3 ≥ 2 và Số báo cáo 5 ≥ 4: 1,00 điểm"
    )


def test_or_names_the_parts_that_held_or_all_that_failed() -> None:
    fw = one(
        {
            "inputs": [
                {"name": "found", "label": "Số tồn tại", "type": "integer"},
                {"name": "fixed", "label": "Số đã khắc phục", "type": "integer"},
            ],
            "cases": [{"when": "found == 0 or fixed >= found", "points": "max_points"}],
        }
    )
    assert explained(fw, {"found": D(4), "fixed": D(4)}) == (
        "Số đã khắc phục 4 ≥ Số tồn tại 4: 1,00 điểm"
    )
    assert explained(fw, {"found": D(4), "fixed": D(1)}) == (
        "Không trường hợp nào thỏa: Số tồn tại 4 ≠ 0 và Số đã khắc phục 1 < Số tồn tại 4 "
        "→ 0,00 điểm"
    )


def test_nested_not_and_boolean_inputs() -> None:
    fw = one(
        {
            "inputs": [
                {"name": "has_plan", "label": "Có kế hoạch", "type": "boolean"},
                {"name": "late", "label": "Số báo cáo chậm", "type": "integer"},
            ],
            "cases": [
                {"when": "not has_plan", "points": D(0)},
                {"when": "not (late > 2 or late == 1)", "points": "max_points"},
                {"points": "0.5"},
            ],
        }
    )
    assert explained(fw, {"has_plan": False, "late": D(0)}) == "Có kế hoạch (không): 0,00 điểm"
    assert explained(fw, {"has_plan": True, "late": D(0)}) == (
        "Số báo cáo chậm 0 ≤ 2 và Số báo cáo chậm 0 ≠ 1: 1,00 điểm"
    )
    assert explained(fw, {"has_plan": True, "late": D(1)}) == (
        "Các điều kiện trên đều không thỏa (Có kế hoạch (có); Số báo cáo chậm 1 = 1): 0,50 điểm"
    )


def test_a_percent_input_is_compared_in_percent() -> None:
    fw = one(
        {
            "inputs": [{"name": "online_pct", "label": "Tỷ lệ trực tuyến (%)", "type": "percent"}],
            "cases": [
                {"when": "online_pct >= 80", "points": "max_points"},
                {"points": "max_points * online_pct / 80"},
            ],
        },
        "3",
    )
    assert explained(fw, {"online_pct": D("85.5")}) == "Tỷ lệ trực tuyến 85,5 % ≥ 80 %: 3,00 điểm"
    assert explained(fw, {"online_pct": D(40)}) == (
        "Các điều kiện trên đều không thỏa (Tỷ lệ trực tuyến 40 % < 80 %): 3,00 × 40 / 80 = 1,50"
    )


def test_values_read_by_the_points_only_are_named() -> None:
    fw = one(
        {
            "inputs": [
                {"name": "assigned", "label": "Số nhiệm vụ được giao", "type": "integer"},
                {"name": "on_time", "label": "Số nhiệm vụ đúng hạn", "type": "integer"},
            ],
            "cases": [
                {"when": "assigned == 0", "points": "max_points"},
                {"points": "max_points * min(1, on_time / assigned)"},
            ],
        },
        "1.5",
    )
    assert explained(fw, {"assigned": D(8), "on_time": D(5)}) == (
        "Các điều kiện trên đều không thỏa (Số nhiệm vụ được giao 8 ≠ 0); Số nhiệm vụ đúng hạn 5: "
        "1,50 × nhỏ nhất của (1; 5 / 8) = 0,94"
    )


def test_clamping_is_said() -> None:
    fw = one(
        {
            "inputs": [{"name": "late", "label": "Số lần chậm", "type": "integer"}],
            "cases": [{"points": "max_points - 0.75 * late"}],
        },
        "2",
    )
    assert (
        explained(fw, {"late": D(4)}) == "Số lần chậm 4: 2,00 - 0,75 × 4 = -1,00 → 0,00 (không âm)"
    )
    fw = one(
        {
            "inputs": [{"name": "x", "label": "Hệ số", "type": "decimal"}],
            "cases": [{"points": "x * 2"}],
        }
    )
    assert explained(fw, {"x": D("0.6")}) == "Hệ số 0,6: 0,6 × 2 = 1,20 → 1,00 (tối đa 1,00)"


def test_a_division_by_zero_in_a_part_that_does_not_decide() -> None:
    fw = one(
        {
            "inputs": [
                {"name": "a", "label": "Số A", "type": "integer"},
                {"name": "b", "label": "Số B", "type": "integer"},
            ],
            "cases": [{"when": "b > 0 and a / b >= 1", "points": "max_points"}],
        }
    )
    assert (
        explained(fw, {"a": D(1), "b": D(0)}) == "Không trường hợp nào thỏa: Số B 0 ≤ 0 → 0,00 điểm"
    )


def test_the_shorthand_rules_in_words() -> None:
    fw = build(
        framework_doc(
            [
                leaf("1", "0.5", rule={"yes_no": "Có kế hoạch"}),
                leaf(
                    "2",
                    "1",
                    rule={
                        "checklist": [
                            {"label": "Bảng tin", "points": D("0.25")},
                            {"label": "Hội nghị, tờ gấp", "points": D("0.75")},
                            {"label": "Trang thông tin", "points": D("0.5")},
                        ]
                    },
                ),
                leaf("3", "2", rule={"manual": {"step": D("0.25")}}),
            ]
        )
    )
    unit = Unit("u", "Đơn vị", None)
    result = score_unit(
        fw,
        unit,
        {"1": {"met": True}, "2": {"items": [True, True, False]}, "3": {"score": D("1.75")}},
    )
    assert result.node("1").explanation.text() == "“Có kế hoạch”: có → 0,50 điểm"
    assert result.node("2").explanation.text() == (
        "Đạt 2/3 nội dung: Bảng tin (0,25) + Hội nghị, tờ gấp (0,75) = 1,00"
    )
    assert result.node("3").explanation.text() == "Điểm chấm trực tiếp: 1,75"
    result = score_unit(fw, unit, {"1": {"met": False}, "2": {"items": [True, True, True]}})
    assert result.node("1").explanation.text() == "“Có kế hoạch”: không → 0,00 điểm"
    assert result.node("2").explanation.text() == (
        "Đạt 3/3 nội dung: Bảng tin (0,25) + Hội nghị, tờ gấp (0,75) + Trang thông tin (0,50) "
        "= 1,50 → 1,00 (tối đa 1,00)"
    )
    assert result.node("3").explanation.text() == "Chưa có số liệu → 0,00 điểm"
    result = score_unit(fw, unit, {"2": {"items": [False, False, False]}})
    assert result.node("2").explanation.text() == "Không nội dung nào đạt (0/3) → 0,00 điểm"


def test_survey_in_words(questionnaire: Any) -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "10",
                    rule={"survey": {"questionnaire": "lanh-dao", "questions": ["C1", "C2"]}},
                )
            ]
        ),
        questionnaires=(questionnaire,),
    )
    text = explained(fw, {"answers": {"C1": ["A", "B"], "C2": ["B"]}})
    assert text.endswith(
        ", câu C1, C2: 3 câu trả lời hợp lệ, tỉ lệ bình quân 0,7333 → 10,00 × 0,7333 = 7,33"
    )
    assert text.startswith(f"“{questionnaire.name}”")  # by its name, not its code
    assert explained(fw, {"answers": {"C1": ["X"]}}).endswith(
        "không có câu trả lời hợp lệ → 0,00 điểm (thiếu số liệu)"
    )


def test_parents_and_not_applicable() -> None:
    fw = build(
        framework_doc(
            [
                parent(
                    "1",
                    "2",
                    [leaf("1.1", "1.5"), leaf("1.2", "1.5", may_not_apply=True)],
                    capped=True,
                ),
                parent("2", "2", [leaf("2.1", "2", may_not_apply=True)]),
            ]
        )
    )
    result = score_unit(
        fw,
        Unit("u", "Đơn vị", None),
        {
            "1.1": {"score": D("1.5")},
            "1.2": {"score": D("1")},
            "2.1": {"not_applicable": "Không có"},
        },
    )
    assert result.node("1").explanation.text() == "Tổng điểm các tiêu chí con = 2,50 → tối đa 2,00"
    assert result.node("2.1").explanation.text() == "Không áp dụng: Không có"


@pytest.mark.parametrize(
    ("decided", "expected"),
    [
        (D("0.5"), "0,50"),
        (D("0.555"), "0,555 → 0,56"),
        (D(1), "1,00"),
    ],
)
def test_decided_points_say_they_were_set_directly(decided: Decimal, expected: str) -> None:
    fw = one(
        {
            "inputs": [DONE, PLANNED],
            "checks": [{"require": "done <= planned", "message": "Vượt kế hoạch"}],
            "cases": [{"points": "max_points * done / planned"}],
        }
    )
    result = score_unit(fw, Unit("u", "Đơn vị", None), {"1": {"override": decided}})
    e = result.node("1").explanation
    assert e.kind == "override"
    assert e.text() == f"Điểm được quyết định trực tiếp (không tính theo cách chấm): {expected}"
    assert e.to_dict()["override"] == format(decided, "f")


def test_json_keeps_the_structured_values_and_the_words(deadline: Framework) -> None:
    fw = deadline
    result = score_unit(fw, Unit("u", "Đơn vị", None), {"1": {"issued_on": dt.date(2025, 1, 20)}})
    e = result.node("1").explanation
    doc = e.to_dict()
    assert doc["inputs"] == {"issued_on": "2025-01-20"} and doc["case"] == 1
    assert doc["when"] == 'issued_on <= date("2025-01-31")'
    assert doc["text"] == e.text() == result.to_json()["nodes"][0]["explanation"]
    assert fw.decimals == 2


def test_live_score_uses_the_same_words(tiers: Framework) -> None:
    live = score_leaf(tiers, "1", {"done": D(19), "planned": D(20)})
    assert live.explanation is not None
    assert live.explanation.text() == explained(tiers, {"done": D(19), "planned": D(20)})


# -- no engine text anywhere, for the two example sets ------------------------------------

ENGINE_TEXT = re.compile(r'max_points|date\("|>=|<=|!=|==|\d{4}-\d{2}-\d{2}|→ max')


@cache
def example_sets() -> tuple[Framework, ...]:
    communes, _qs, problems = load_framework(COMMUNES_SET, COMMUNES_QUESTIONNAIRES)
    departments, _qs2, problems2 = load_framework(DEPARTMENTS_SET)
    assert communes is not None and departments is not None, (problems, problems2)
    return communes, departments


def machine_names(framework: Framework) -> re.Pattern[str]:
    names = {
        d.name
        for node in framework.leaves()
        if isinstance(node.rule, GeneralRule)
        for d in node.rule.inputs
    }
    return re.compile(r"\b(" + "|".join(sorted(names, key=len, reverse=True)) + r")\b")


def sample(itype: InputType, rnd: random.Random) -> Any:
    if itype is InputType.BOOLEAN:
        return rnd.choice((True, False))
    if itype is InputType.DATE:
        return dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(0, 365))
    if itype is InputType.PERCENT:
        return rnd.choice((D(0), D("45.5"), D(80), D(90), D("99.9"), D(100)))
    if itype is InputType.DECIMAL:
        return rnd.choice((D(0), D("0.5"), D("2.25"), D(7)))
    return D(rnd.choice((0, 1, 2, 3, 8, 9, 10, 19, 20)))


def assert_words_only(text: str, names: re.Pattern[str], where: str) -> None:
    assert not ENGINE_TEXT.search(text), (where, text)
    assert not names.search(text), (where, text)


@pytest.mark.parametrize("index", [0, 1], ids=["communes", "departments"])
def test_no_rule_in_words_shows_engine_text(index: int) -> None:
    framework = example_sets()[index]
    names = machine_names(framework)
    for node in framework.leaves():
        found = rule_in_words(node, framework)
        assert found is not None
        assert_words_only(found.text, names, node.code)


@pytest.mark.parametrize("index", [0, 1], ids=["communes", "departments"])
def test_no_explanation_shows_engine_text(index: int) -> None:
    framework = example_sets()[index]
    names = machine_names(framework)
    rnd = random.Random(14 + index)
    explained_count = 0
    for node in framework.leaves():
        rule = node.rule
        if not isinstance(rule, GeneralRule):
            continue
        for _ in range(25):
            values = {d.name: sample(d.type, rnd) for d in rule.inputs}
            live = score_leaf(framework, node.code, values)
            if live.explanation is None:  # a failed check or a bound: not scored
                continue
            explained_count += 1
            assert_words_only(live.explanation.text(), names, node.code)
    assert explained_count > 100


def test_days_in_the_points_are_counted() -> None:
    fw = one(
        {
            "inputs": [{"name": "sent_on", "label": "Ngày gửi báo cáo", "type": "date"}],
            "cases": [
                {
                    "when": 'sent_on <= date("2025-12-15")',
                    "points": "max_points",
                },
                {"points": 'max_points - 0.1 * days_between(date("2025-12-15"), sent_on)'},
            ],
        },
        "2",
    )
    assert explained(fw, {"sent_on": dt.date(2025, 12, 18)}) == (
        "Các điều kiện trên đều không thỏa (Ngày gửi báo cáo 18/12/2025, muộn hơn 15/12/2025): "
        "2,00 - 0,1 × 3 = 1,70"
    )
