"""Reading keys and questionnaire lists: absent and null keys, entries that are not mappings,
codes missing or repeated, each a problem naming its place while reading goes on."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from parindex.scoring.questionnaires import read_questionnaire
from parindex.scoring.reader import Reader

D = Decimal


@pytest.mark.parametrize("doc", [{}, {"name": None}])
def test_absent_or_null_key_is_none_and_a_problem_only_when_required(doc: dict[str, Any]) -> None:
    r = Reader("t.yaml")
    assert r.text(doc, "name") is None
    assert r.decimal(doc, "name") is None
    assert r.problems == []
    assert r.text(doc, "name", "1", required=True) is None
    assert r.decimal(doc, "name", "1", required=True) is None
    assert [p.line() for p in r.problems] == [
        "t.yaml: tiêu chí 1: lỗi: thiếu khóa bắt buộc 'name'",
        "t.yaml: tiêu chí 1: lỗi: thiếu khóa bắt buộc 'name'",
    ]


def test_present_values_are_read() -> None:
    r = Reader("t.yaml")
    assert r.text({"name": "Tên"}, "name", required=True) == "Tên"
    assert r.decimal({"max": D("2.5")}, "max", required=True) == D("2.5")
    assert r.problems == []


def _questionnaire(**change: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "parindex-questionnaire/1",
        "code": "q",
        "name": "Phiếu thử",
        "scale": [{"code": "A", "label": "Tốt", "share": D(1)}],
        "questions": [{"code": "C1", "text": "Câu 1"}],
    }
    doc.update(change)
    return doc


def _errors(doc: dict[str, Any]) -> list[str]:
    questionnaire, problems = read_questionnaire(doc, file="q.yaml")
    assert questionnaire is None
    return [p.line() for p in problems if p.is_error]


def test_every_entry_problem_names_its_place() -> None:
    doc = _questionnaire(
        scale=["Tốt", {"label": "Khá", "share": D("0.5")}, {"code": "B", "label": "x", "share": 0}],
        questions=[
            {"code": "C1", "text": "Câu 1"},
            {"text": "Câu 2"},
            {"code": "C1", "text": "Câu 3"},
        ],
    )
    found = _errors(doc)
    assert any("phiếu q, mức trả lời thứ 1" in line and "phải là một mục" in line for line in found)
    assert any(
        "phiếu q, mức trả lời thứ 2" in line and "thiếu khóa bắt buộc 'code'" in line
        for line in found
    )
    assert any("phiếu q, câu hỏi thứ 2" in line and "'code'" in line for line in found)
    assert any(
        "phiếu q, câu hỏi thứ 3" in line and "mã câu hỏi 'C1' bị trùng" in line for line in found
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"scale": "A"}, "'scale' phải là danh sách các mức trả lời {code, label, share}"),
        ({"questions": []}, "'questions' phải là danh sách các câu hỏi {code, text}"),
    ],
)
def test_a_list_that_is_not_one_is_a_problem(change: dict[str, Any], expected: str) -> None:
    assert any(expected in line for line in _errors(_questionnaire(**change)))


def test_a_questionnaire_without_code_is_a_problem() -> None:
    doc = _questionnaire()
    del doc["code"]
    assert "q.yaml: lỗi: thiếu khóa bắt buộc 'code'" in _errors(doc)
