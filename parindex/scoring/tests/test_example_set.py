"""The example commune set scored for one commune, every number worked out by hand."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from parindex.scoring import ENGINE_VERSION, canonical_json, score_facts
from parindex.scoring.facts import read_facts
from parindex.scoring.model import Framework
from parindex.scoring.result import UnitResult

from .conftest import FACTS, load

D = Decimal

# Leaf points worked out by hand from golden/vd-xa-2025/son-linh.facts.yaml and the rules of
# vd-xa-2025.yaml.
BY_HAND = {
    "1.1.1": "1.00",  # issued 20/01 <= 31/01
    "1.1.2": "0.50",  # 9 of 10 >= 80 %
    "1.2": "0.75",  # 1 - 0.25 × 1
    "1.3.1": "0.50",  # yes
    "1.3.2": "0.50",  # fixed 3 of 4 >= 50 %
    "1.4.1": "0.90",  # 9 of 10: 1 × 9 / 10
    "1.4.2": "0.50",  # 0.25 + 0.25
    "1.5": "0.50",  # one initiative
    "1.6": "1.25",  # 1.5 × 5 / 6
    "2.1": "1.50",  # manual
    "2.2.1": "0.00",  # no
    "2.2.2": "0.75",  # 8 of 10 >= 80 %
    "2.3.1": "1.00",
    "2.3.2": "0.00",  # sent 20/11 > 15/11
    "3.1.1": "0.75",  # 95 % >= 90
    "3.1.2": "1.50",
    "3.2": "2.00",  # 97 % >= 95
    "3.3": "1.60",  # 2 × 72 / 90
    "3.4": "1.00",
    "3.5": "2.00",  # nothing received
    "3.6": "1.00",  # 45.5 % >= 30
    "4.1": "1.00",
    "4.2": "2.00",
    "4.3": None,  # not applicable
    "5.1": "1.00",  # 92.5 % >= 90
    "5.2": "1.56",  # 2 × 7 / 9 = 1.555…
    "5.3.1": "0.75",
    "5.3.2": "1.50",  # 3 - 1.5
    "6.1": "1.00",
    "6.2": "2.00",
    "6.3": "0.00",
    "6.4": "0.67",  # 2 / 3
    "7.1": "2.00",
    "7.2": "1.00",
    "7.3": "1.50",  # 0.5 + 1
    "7.4": "2.00",
    "7.5": "0.40",  # 1 × 20 / 50
    "7.6": "1.50",
    "8.1.1": "8.00",  # 6 valid answers, mean 0.8
    "8.1.2": "4.50",  # 4 valid answers (B, C, D, A), mean 0.45
    "8.2": "13.09",  # 15 × 87.25 % = 13.0875
    "8.3": "7.00",  # 8 × 7 / 8
    "9.1": "1.00",
    "9.2": "0.00",
    "10.1": "2.50",  # 2.5 × 1
}
FIELDS = {
    "1": "6.40",
    "2": "3.25",
    "3": "9.85",
    "4": "3.00",
    "5": "4.81",
    "6": "3.67",
    "7": "8.40",
    "8": "32.59",
    "9": "1.00",
    "10": "2.50",
}


@pytest.fixture(scope="module")
def result(example: Framework, questionnaire: Any) -> UnitResult:
    facts, problems = read_facts(load(FACTS / "son-linh.facts.yaml"), example, file="son-linh.yaml")
    assert facts is not None, [p.line() for p in problems]
    return score_facts(example, facts)


def test_every_leaf_by_hand(result: UnitResult) -> None:
    got = {
        r.code: (None if r.points is None else str(r.points))
        for r in result.nodes
        if r.node.is_leaf
    }
    assert got == BY_HAND


def test_fields_totals_index_and_band_by_hand(result: UnitResult) -> None:
    got = {r.code: str(r.points) for r in result.nodes if r.node.depth == 0}
    assert got == FIELDS
    assert result.node("4").applicable_max == 3  # 4.3 (2 points) does not apply
    # base 71.97 + bonus 1 − penalty 2.5 = 70.47 of 98; 70.47 / 98 × 100 = 71.908… → 71.91
    assert str(result.base) == "71.97"
    assert str(result.total) == "70.47"
    assert result.applicable_max == 98 and result.max == 100
    assert str(result.index) == "71.91" and result.band == "Khá"
    assert result.missing == ()


def test_json_document(result: UnitResult) -> None:
    doc = result.to_json()
    assert list(doc) == [
        "framework",
        "unit",
        "total",
        "max",
        "applicable_max",
        "index",
        "band",
        "bonus",
        "penalty",
        "missing",
        "warnings",
        "nodes",
    ]
    assert {k: v for k, v in doc.items() if k != "nodes"} == {
        "framework": "vd-xa-2025",
        "unit": "son-linh",
        "total": "70.47",
        "max": "100.00",
        "applicable_max": "98.00",
        "index": "71.91",
        "band": "Khá",
        "bonus": "1.00",
        "penalty": "2.50",
        "missing": [],
        "warnings": [],  # the shared example set has no checks
    }
    codes = [n["code"] for n in doc["nodes"]]
    assert codes[:6] == ["1", "1.1", "1.1.1", "1.1.2", "1.2", "1.3"]  # pre-order
    assert len(codes) == 63
    node = next(n for n in doc["nodes"] if n["code"] == "1.4.1")
    assert node == {
        "code": "1.4.1",
        "name": "Mức độ thực hiện kế hoạch tuyên truyền CCHC",
        "points": "0.90",
        "max": "1.00",
        "applicable_max": "1.00",
        "applicable": True,
        "missing": False,
        "explanation": (
            "Số chỉ tiêu tuyên truyền đã hoàn thành 9 / Số chỉ tiêu theo kế hoạch 10 = 90 % ≥ 90 %: "
            "1,00 × 9 / 10 = 0,90"
        ),
    }
    na = next(n for n in doc["nodes"] if n["code"] == "4.3")
    assert na["applicable"] is False and na["points"] is None
    json.dumps(doc)  # plain JSON types only


def test_canonical_json_is_deterministic_and_carries_inputs(result: UnitResult) -> None:
    text = canonical_json(result, "ab" * 32)
    assert text == canonical_json(result, "ab" * 32)
    doc = json.loads(text)
    assert text == json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert doc["framework_sha256"] == "ab" * 32 and doc["engine_version"] == ENGINE_VERSION
    assert doc["inputs"]["1.1.1"] == {"issued_on": "2025-01-20"}
    assert doc["inputs"]["1.4.1"] == {"done": "9", "planned": "10"}
    assert doc["inputs"]["4.3"] == {"not_applicable": "Xã không có thôn, tổ dân phố phải sắp xếp"}
    assert doc["unit_name"] == "UBND xã Sơn Lĩnh" and doc["unit_kind"] == "xa"
    assert list(doc) == sorted(doc)


def test_explanations_in_words(result: UnitResult) -> None:
    texts = {r.code: r.explanation.text() for r in result.nodes}
    assert texts["1.1.1"] == (
        "Ngày ban hành kế hoạch 20/01/2025, không muộn hơn 31/01/2025: 1,00 điểm"
    )
    assert texts["2.3.2"] == (
        "Các điều kiện trên đều không thỏa (Ngày gửi báo cáo 20/11/2025, muộn hơn 15/11/2025): "
        "0,00 điểm"
    )
    assert texts["8.2"] == "Chỉ số hài lòng 87,25 %: 15,00 × 87,25 / 100 = 13,09"
    assert texts["6.4"] == (
        "Các điều kiện trên đều không thỏa (Số kiến nghị 3 ≠ 0); Số kiến nghị đã thực hiện 2: "
        "1,00 × nhỏ nhất của (1; 2 / 3) = 0,67"
    )
    assert texts["8.1.2"] == (
        "“Phiếu điều tra xã hội học dành cho lãnh đạo, đại biểu HĐND (minh họa)”, "
        "câu C4, C5, C6: 4 câu trả lời hợp lệ, tỉ lệ bình "
        "quân 0,4500 → 10,00 × 0,4500 = 4,50"
    )
    assert texts["4.3"] == "Không áp dụng: Xã không có thôn, tổ dân phố phải sắp xếp"
    assert texts["1"] == "Tổng điểm các tiêu chí con = 6,40"
    assert texts["7.3"] == (
        "Đạt 2/3 nội dung: Cập nhật tin bài thường xuyên (0,50) + Công khai thông "
        "tin theo quy định (1,00) = 1,50"
    )
    e = result.node("1.1.1").explanation
    assert e.to_dict()["inputs"] == {"issued_on": "2025-01-20"} and e.to_dict()["case"] == 1
