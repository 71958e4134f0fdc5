"""Scoring per section 2 of the format, on small sets computed by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from parindex.scoring import ProblemsError, Unit, score_unit
from parindex.scoring.model import Framework
from parindex.scoring.result import UnitResult

from .conftest import build, framework_doc, leaf, parent

D = Decimal

PERCENT_RULE = {
    "inputs": [
        {"name": "done", "type": "integer", "min": D(0)},
        {"name": "planned", "type": "integer", "min": D(1)},
    ],
    "cases": [
        {"when": "done >= planned", "points": "max_points"},
        {"when": "done >= 0.9 * planned", "points": "max_points * done / planned"},
        {"points": D(0)},
    ],
}


def score(fw: Framework, values: dict[str, Any], kind: str | None = None, **kw: Any) -> UnitResult:
    return score_unit(fw, Unit("u", "Đơn vị", kind), values, **kw)


def points(fw: Framework, code: str, entry: dict[str, Any]) -> Decimal | None:
    return score(fw, {code: entry}).node(code).points


@pytest.fixture
def tiers() -> Framework:
    return build(framework_doc([leaf("1", "1", rule=PERCENT_RULE)]))


@pytest.mark.parametrize(
    ("done", "planned", "expected"),
    [
        (20, 20, "1.00"),
        (21, 20, "1.00"),
        (19, 20, "0.95"),
        (18, 20, "0.90"),
        (17, 20, "0.00"),
        (9, 10, "0.90"),
        (0, 10, "0.00"),
        (2, 3, "0.00"),
        (29, 30, "0.97"),
        (59, 60, "0.98"),
    ],
)
def test_tiers_100_90_and_below(tiers: Framework, done: int, planned: int, expected: str) -> None:
    p = points(tiers, "1", {"done": D(done), "planned": D(planned)})
    assert p == D(expected) and str(p) == expected


def test_tier_explanations(tiers: Framework) -> None:
    r = score(tiers, {"1": {"done": D(19), "planned": D(20)}}).node("1")
    e = r.explanation
    assert e.kind == "general" and e.case_index == 1
    assert e.when == "done >= 0.9 * planned" and e.points_expr == "max_points * done / planned"
    assert e.inputs == (("done", D(19)), ("planned", D(20)))
    assert e.raw == D("0.95") and not e.clamped
    assert e.text() == "Done 19 / Planned 20 = 95 % ≥ 90 %: 1,00 × 19 / 20 = 0,95"
    r = score(tiers, {"1": {"done": D(1), "planned": D(20)}}).node("1")
    assert r.explanation.text() == (
        "Các điều kiện trên đều không thỏa (Done 1 < Planned 20; "
        "Done 1 / Planned 20 = 5 % < 90 %): 0,00 điểm"
    )


def test_points_are_rounded_half_up_only_at_the_end() -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "1",
                    rule={
                        "inputs": [{"name": "x", "type": "decimal"}],
                        "cases": [{"points": "x / 8"}],
                    },
                ),
                leaf(
                    "2",
                    "2",
                    rule={
                        "inputs": [
                            {"name": "a", "type": "integer"},
                            {"name": "b", "type": "integer"},
                        ],
                        "cases": [{"points": "max_points * a / b"}],
                    },
                ),
            ]
        )
    )
    assert points(fw, "1", {"x": D(1)}) == D("0.13")  # 0.125 → 0.13 (half-up, not even)
    assert points(fw, "1", {"x": D(3)}) == D("0.38")  # 0.375
    assert points(fw, "2", {"a": D(1), "b": D(3)}) == D("0.67")  # 0.666…
    assert points(fw, "2", {"a": D(1), "b": D(6)}) == D("0.33")
    # 2 * (1/3) * 3 would not be exact in binary floating point nor in a 28-digit product chain
    assert points(fw, "2", {"a": D(3), "b": D(3)}) == D("2.00")


def test_decimals_of_the_set_apply_to_points_totals_and_index() -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "3",
                    rule={"inputs": [{"name": "x", "type": "decimal"}], "cases": [{"points": "x"}]},
                )
            ],
            decimals=D(1),
            scale=D(10),
        )
    )
    r = score(fw, {"1": {"x": D("1.25")}})
    assert r.node("1").points == D("1.3")
    assert r.total == D("1.3") and r.index == D("4.3")  # 1.3 / 3 × 10 = 4.333…
    assert r.to_json()["index"] == "4.3" and r.to_json()["max"] == "3.0"


def test_points_are_clamped_to_zero_and_max() -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "2",
                    rule={
                        "inputs": [{"name": "late", "type": "integer", "min": D(0)}],
                        "cases": [{"points": "max_points - 0.75 * late"}],
                    },
                ),
            ]
        )
    )
    r = score(fw, {"1": {"late": D(4)}}).node("1")
    assert r.points == D("0.00") and str(r.points) == "0.00"
    assert r.raw == D("-1.00") and r.clamped
    assert r.explanation.text() == "Late 4: 2,00 - 0,75 × 4 = -1,00 → 0,00 (không âm)"
    fw2 = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "1",
                    rule={"inputs": [{"name": "x", "type": "decimal"}], "cases": [{"points": "x"}]},
                )
            ]
        )
    )
    r = score(fw2, {"1": {"x": D("1.7")}}).node("1")
    assert r.points == D("1.00") and r.clamped
    assert r.explanation.text() == "X 1,7: 1,7 = 1,70 → 1,00 (tối đa 1,00)"


def test_no_case_holding_gives_zero() -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "1",
                    rule={
                        "inputs": [{"name": "x", "type": "integer"}],
                        "cases": [{"when": "x > 5", "points": D(1)}],
                    },
                )
            ]
        )
    )
    r = score(fw, {"1": {"x": D(2)}}).node("1")
    assert r.points == 0 and r.case is None
    assert r.explanation.text() == "Không trường hợp nào thỏa: X 2 ≤ 5 → 0,00 điểm"


def test_date_rule() -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "1",
                    rule={
                        "inputs": [{"name": "issued_on", "type": "date"}],
                        "cases": [
                            {"when": 'issued_on <= date("2025-01-31")', "points": "max_points"},
                            {
                                "when": 'days_between(date("2025-01-31"), issued_on) <= 15',
                                "points": "max_points / 2",
                            },
                            {"points": D(0)},
                        ],
                    },
                )
            ]
        )
    )
    assert points(fw, "1", {"issued_on": dt.date(2025, 1, 31)}) == D("1.00")
    assert points(fw, "1", {"issued_on": "2025-02-15"}) == D("0.50")  # 15 days late
    assert points(fw, "1", {"issued_on": dt.date(2025, 2, 16)}) == D("0.00")  # 16 days late


def test_yes_no() -> None:
    fw = build(framework_doc([leaf("1", "0.5", rule={"yes_no": "Có kế hoạch"})]))
    r = score(fw, {"1": {"met": True}}).node("1")
    assert r.points == D("0.50") and r.explanation.text() == "“Có kế hoạch”: có → 0,50 điểm"
    r = score(fw, {"1": {"met": False}}).node("1")
    assert r.points == D("0.00") and r.explanation.text() == "“Có kế hoạch”: không → 0,00 điểm"


def test_checklist_sums_ticked_items_and_is_clamped() -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "1",
                    rule={
                        "checklist": [
                            {"label": "Bảng tin", "points": D("0.25")},
                            {"label": "Trang thông tin, mạng xã hội", "points": D("0.25")},
                            {"label": "Hội nghị", "points": D("0.75")},
                        ]
                    },
                )
            ]
        )
    )
    assert points(fw, "1", {"items": [True, True, False]}) == D("0.50")
    assert points(fw, "1", {"items": [False, False, False]}) == D("0.00")
    r = score(fw, {"1": {"items": [True, True, True]}}).node("1")
    assert r.points == D("1.00") and r.clamped and r.raw == D("1.25")
    r = score(fw, {"1": {"items": [True, False, True]}}).node("1")
    assert r.explanation.text() == "Đạt 2/3 nội dung: Bảng tin (0,25) + Hội nghị (0,75) = 1,00"


def test_manual_score_and_step() -> None:
    fw = build(
        framework_doc([leaf("1", "2", rule={"manual": {"step": D("0.25")}}), leaf("2", "2")])
    )
    assert points(fw, "1", {"score": D("1.75")}) == D("1.75")
    r = score(fw, {"2": {"score": D("1.3")}}).node("2")
    assert r.points == D("1.30") and r.explanation.text() == "Điểm chấm trực tiếp: 1,30"


def test_survey_pools_valid_answers(questionnaire: Any) -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "10",
                    source="survey",
                    rule={"survey": {"questionnaire": "lanh-dao", "questions": ["C1", "C2", "C3"]}},
                )
            ]
        ),
        questionnaires=(questionnaire,),
    )
    # A=1, B=0.6, C=0.2, D=0, X=null: [A, B, B, X] + [A, A] + [B] → 6 valid, sum 4.8, mean 0.8
    r = score(
        fw, {"1": {"answers": {"C1": ["A", "B", "B", "X"], "C2": ["A", "A"], "C3": ["B"]}}}
    ).node("1")
    assert r.points == D("8.00") and not r.missing
    assert r.explanation.text() == (
        f"“{questionnaire.name}”, câu C1, C2, C3: 6 câu trả lời hợp lệ, tỉ lệ "
        "bình quân 0,8000 → 10,00 × 0,8000 = 8,00"
    )
    assert questionnaire.name.startswith("Phiếu")
    # pooled, not a mean of per-question means: [A] + [C, C, C] → (1 + 0.6) / 4 = 0.4
    assert points(fw, "1", {"answers": {"C1": ["A"], "C2": ["C", "C", "C"]}}) == D("4.00")
    # 3 valid: (1 + 0.6 + 0.2) / 3 = 0.6
    assert points(fw, "1", {"answers": {"C1": ["A", "B", "C", "X", "X"]}}) == D("6.00")
    # (0.6 + 0.6 + 0.2) / 3 = 0.4666… → 4.67
    assert points(fw, "1", {"answers": {"C1": ["B", "B", "C"]}}) == D("4.67")


def test_survey_without_valid_answers_scores_zero_and_is_missing(questionnaire: Any) -> None:
    fw = build(
        framework_doc(
            [leaf("1", "10", rule={"survey": {"questionnaire": "lanh-dao", "questions": ["C1"]}})]
        ),
        questionnaires=(questionnaire,),
    )
    r = score(fw, {"1": {"answers": {"C1": ["X", "X"]}}})
    assert r.node("1").points == 0 and r.node("1").missing and r.missing == ("1",)
    assert "không có câu trả lời hợp lệ" in r.node("1").explanation.text()
    with pytest.raises(ProblemsError):
        score(fw, {"1": {"answers": {}}}, strict=True)


def test_a_survey_questionnaire_given_at_scoring_time(questionnaire: Any) -> None:
    fw = build(
        framework_doc(
            [leaf("1", "10", rule={"survey": {"questionnaire": "lanh-dao", "questions": ["C1"]}})]
        )
    )
    values = {"1": {"answers": {"C1": ["A", "D"]}}}
    with pytest.raises(ProblemsError) as info:
        score(fw, values)
    assert "phiếu khảo sát 'lanh-dao' chưa được đưa vào" in info.value.problems[0].message
    assert score(fw, values, questionnaires=[questionnaire]).node("1").points == D("5.00")


@pytest.fixture
def tree() -> Framework:
    """1 (6) = 1.1 (2, capped, children 1.5 + 1.5) + 1.2 (2) + 1.3 (2, only for phuong)."""
    return build(
        framework_doc(
            [
                parent(
                    "1",
                    "6",
                    [
                        parent(
                            "1.1",
                            "2",
                            [leaf("1.1.1", "1.5"), leaf("1.1.2", "1.5", may_not_apply=True)],
                            capped=True,
                        ),
                        leaf("1.2", "2", may_not_apply=True),
                        leaf("1.3", "2", applies_to=["phuong"]),
                    ],
                ),
                leaf("2", "4", source="organiser"),
                leaf("B", "1", kind="bonus"),
                leaf("P", "3", kind="penalty"),
            ],
            applies_to=["xa", "phuong"],
            bands=[{"min": D(50), "label": "Đạt"}, {"label": "Chưa đạt"}],
        )
    )


def manual(**scores: str) -> dict[str, Any]:
    return {code.replace("_", "."): {"score": D(v)} for code, v in scores.items()}


def test_capped_parent_and_applicability(tree: Framework) -> None:
    values = manual(**{"1_1_1": "1.5", "1_1_2": "1.5", "1_2": "1", "2": "3"})
    r = score(tree, values, "xa")
    assert r.node("1.1").points == D("2.00") and r.node("1.1").applicable_max == D(2)
    assert r.node("1.1").explanation.text() == "Tổng điểm các tiêu chí con = 3,00 → tối đa 2,00"
    assert not r.node("1.3").applicable and r.node("1.3").points is None
    assert (
        r.node("1.3").explanation.text()
        == "Không áp dụng: tiêu chí chỉ dành cho đơn vị loại phuong, không cho loại xa"
    )
    assert r.node("1").points == D("3.00") and r.node("1").applicable_max == D(4)
    assert r.applicable_max == D(8) and r.max == D(10)
    assert r.total == D("6.00") and r.index == D("75.00") and r.band == "Đạt"
    assert r.missing == ("B", "P")
    r = score(tree, values, "phuong")
    assert r.applicable_max == D(10) and r.missing == ("1.3", "B", "P")
    assert r.index == D("60.00")


def test_capped_parent_applicable_max_shrinks_with_not_applicable_children(tree: Framework) -> None:
    values = {
        **manual(**{"1_1_1": "1.5", "1_2": "2", "2": "4"}),
        "1.1.2": {"not_applicable": "Không có"},
    }
    r = score(tree, values, "xa")
    # 1.1: min(2, 1.5) = 1.5 applicable; 1: 1.5 + 2 = 3.5 of 3.5; total 7.5 of 7.5
    assert r.node("1.1").applicable_max == D("1.5") and r.node("1.1").points == D("1.50")
    assert r.node("1.1.2").points is None
    assert r.node("1.1.2").explanation.text() == "Không áp dụng: Không có"
    assert r.applicable_max == D("7.5") and r.total == D("7.50") and r.index == D("100.00")


def test_parent_with_all_children_not_applicable_is_not_applicable(tree: Framework) -> None:
    values = {
        "1.1.2": {"not_applicable": "a"},
        "1.2": {"not_applicable": "b"},
        "1.1.1": {"score": D(1)},
    }
    r = score(tree, values, "xa")
    assert r.node("1").applicable and r.node("1.1").applicable
    fw = build(
        framework_doc(
            [
                parent(
                    "1",
                    "2",
                    [leaf("1.1", "1", may_not_apply=True), leaf("1.2", "1", may_not_apply=True)],
                ),
                leaf("2", "3"),
            ]
        )
    )
    r = score(
        fw, {"1.1": {"not_applicable": "a"}, "1.2": {"not_applicable": "b"}, "2": {"score": D(3)}}
    )
    assert not r.node("1").applicable
    assert r.node("1").explanation.text() == "Không áp dụng: mọi tiêu chí con đều không áp dụng"
    assert r.applicable_max == D(3) and r.index == D("100.00")
    assert r.to_json()["nodes"][0] == {
        "code": "1",
        "name": "Lĩnh vực 1",
        "points": None,
        "max": "2.00",
        "applicable_max": None,
        "applicable": False,
        "missing": False,
        "explanation": "Không áp dụng: mọi tiêu chí con đều không áp dụng",
    }


def test_declaring_a_parent_not_applicable_removes_its_subtree() -> None:
    fw = build(
        framework_doc(
            [
                parent("1", "2", [leaf("1.1", "1"), leaf("1.2", "1")], may_not_apply=True),
                leaf("2", "2"),
            ]
        )
    )
    r = score(fw, {"1": {"not_applicable": "Không có"}, "2": {"score": D(1)}})
    assert [n.applicable for n in r.nodes] == [False, False, False, True]
    assert r.node("1.1").explanation.text() == "Không áp dụng: theo tiêu chí cha 1"
    assert r.missing == () and r.index == D("50.00")


def test_nothing_applicable_gives_null_index_and_band(tree: Framework) -> None:
    fw = build(
        framework_doc(
            [leaf("1", "1", may_not_apply=True)],
            bands=[{"min": D(50), "label": "A"}, {"label": "B"}],
        )
    )
    r = score(fw, {"1": {"not_applicable": "x"}})
    assert r.index is None and r.band is None and r.applicable_max == 0
    j = r.to_json()
    assert j["index"] is None and j["band"] is None and j["total"] == "0.00"


def test_bonus_and_penalty_are_outside_the_maximum_and_the_total_is_clamped(
    tree: Framework,
) -> None:
    full = manual(**{"1_1_1": "1.5", "1_1_2": "1.5", "1_2": "2", "2": "4"})
    r = score(tree, {**full, "B": {"score": D(1)}, "P": {"score": D(0)}}, "xa")
    assert r.base == D("8.00") and r.bonus == D("1.00")
    assert r.total == D("8.00") and r.index == D("100.00")  # 9 clamped to the maximum 8
    r = score(tree, {"1.2": {"score": D(1)}, "B": {"score": D(1)}, "P": {"score": D(3)}}, "xa")
    assert r.penalty == D("3.00") and r.total == D("0.00")  # 1 + 1 − 3 clamped to 0
    r = score(tree, {**full, "B": {"score": D("0.5")}, "P": {"score": D("2.25")}}, "xa")
    assert r.total == D("6.25") and r.index == D("78.13")  # 6.25 / 8 = 0.78125 → half-up
    j = r.to_json()
    assert (j["bonus"], j["penalty"], j["total"], j["max"], j["applicable_max"]) == (
        "0.50",
        "2.25",
        "6.25",
        "10.00",
        "8.00",
    )


def test_missing_leaves_are_listed_in_tree_order_and_strict_makes_them_errors(
    tree: Framework,
) -> None:
    r = score(tree, {}, "phuong")
    assert r.missing == ("1.1.1", "1.1.2", "1.2", "1.3", "2", "B", "P")
    assert r.node("1.2").explanation.text() == "Chưa có số liệu → 0,00 điểm"
    with pytest.raises(ProblemsError) as info:
        score(tree, {"1.1.1": {"score": D(1)}}, "phuong", strict=True)
    lines = [p.line() for p in info.value.problems]
    assert lines[0] == "đơn vị u: tiêu chí 1.1.2: lỗi: chưa có số liệu (chế độ --strict)"
    assert len(lines) == 6


def test_division_by_zero_in_a_rule_is_an_error_naming_the_node() -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
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
    with pytest.raises(ProblemsError) as info:
        score(fw, {"1": {"a": D(1), "b": D(0)}}, file="f.yaml")
    [problem] = info.value.problems
    assert problem.line().startswith(
        "f.yaml: tiêu chí 1: lỗi: không tính được điểm: phép chia cho 0"
    )


def test_bands_use_the_rounded_index() -> None:
    fw = build(
        framework_doc(
            [
                leaf(
                    "1",
                    "3",
                    rule={"inputs": [{"name": "x", "type": "decimal"}], "cases": [{"points": "x"}]},
                )
            ],
            decimals=D(1),
            bands=[{"min": D("66.7"), "label": "Khá"}, {"label": "Yếu"}],
        )
    )
    r = score(fw, {"1": {"x": D(2)}})  # 2 / 3 = 66.666… → 66.7 → Khá
    assert r.index == D("66.7") and r.band == "Khá"
    r = score(fw, {"1": {"x": D("1.9")}})
    assert r.band == "Yếu"
