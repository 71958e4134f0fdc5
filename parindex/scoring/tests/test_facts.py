"""Checking facts: every bad entry is an error naming the node (and the input)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from parindex.scoring.facts import read_facts
from parindex.scoring.model import Framework, Questionnaire

D = Decimal


def facts_doc(values: dict[Any, Any], **extra: Any) -> dict[str, Any]:
    return {
        "format": "parindex-facts/1",
        "framework": "vd-xa-2025",
        "unit": {"code": "son-linh", "name": "UBND xã Sơn Lĩnh", "kind": "xa"},
        "values": values,
        **extra,
    }


def lines(
    example: Framework, doc: Any, questionnaires: tuple[Questionnaire, ...] = ()
) -> list[str]:
    facts, problems = read_facts(doc, example, file="f.yaml", questionnaires=questionnaires)
    if any(p.is_error for p in problems):
        assert facts is None
    return [p.line() for p in problems]


@pytest.mark.parametrize(
    ("values", "line"),
    [
        (
            {"1.4.1": {"done": D(9)}},
            "f.yaml: tiêu chí 1.4.1: số liệu planned: lỗi: thiếu giá trị 'planned' (Số chỉ tiêu theo "
            "kế hoạch)",
        ),
        (
            {"1.4.1": {"done": D(9), "planned": D(10), "extra": D(1)}},
            "f.yaml: tiêu chí 1.4.1: số liệu extra: lỗi: không có số liệu tên 'extra' trong quy tắc "
            "(cần: done, planned)",
        ),
        (
            {"1.4.1": {"done": D("9.5"), "planned": D(10)}},
            "f.yaml: tiêu chí 1.4.1: số liệu done: lỗi: phải là số nguyên, không phải 9,5",
        ),
        (
            {"1.4.1": {"done": "9", "planned": D(10)}},
            'f.yaml: tiêu chí 1.4.1: số liệu done: lỗi: phải là một số, không phải chữ "9"',
        ),
        (
            {"1.4.1": {"done": True, "planned": D(10)}},
            "f.yaml: tiêu chí 1.4.1: số liệu done: lỗi: phải là một số, không phải giá trị đúng/sai "
            "(true)",
        ),
        (
            {"1.4.1": {"done": D(9), "planned": D(0)}},
            "f.yaml: tiêu chí 1.4.1: số liệu planned: lỗi: không được nhỏ hơn 1 (đang là 0)",
        ),
        (
            {"1.4.1": {"done": D(-1), "planned": D(10)}},
            "f.yaml: tiêu chí 1.4.1: số liệu done: lỗi: không được nhỏ hơn 0 (đang là -1)",
        ),
        (
            {"3.1.1": {"posted_pct": D("100.5")}},
            "f.yaml: tiêu chí 3.1.1: số liệu posted_pct: lỗi: tỉ lệ phần trăm phải từ 0 đến 100, "
            "không phải 100,5",
        ),
        (
            {"1.1.1": {"issued_on": "20/01/2025"}},
            "f.yaml: tiêu chí 1.1.1: số liệu issued_on: lỗi: phải là một ngày yyyy-mm-dd (ví dụ "
            '2025-12-15), không phải chữ "20/01/2025"',
        ),
        (
            {"1.1.1": {"issued_on": dt.datetime(2025, 1, 20, 10, 30)}},
            "f.yaml: tiêu chí 1.1.1: số liệu issued_on: lỗi: phải là một ngày yyyy-mm-dd (ví dụ "
            "2025-12-15), không phải ngày giờ 2025-01-20 10:30:00",
        ),
        (
            {"1.3.1": {"met": "có"}},
            "f.yaml: tiêu chí 1.3.1: số liệu met: lỗi: 'met' phải là true hoặc false, không phải "
            'chữ "có"',
        ),
        ({"1.3.1": {}}, "f.yaml: tiêu chí 1.3.1: số liệu met: lỗi: thiếu giá trị 'met'"),
        (
            {"1.3.1": True},
            "f.yaml: tiêu chí 1.3.1: lỗi: số liệu phải là một mục {tên: giá trị}, không phải giá trị "
            "đúng/sai (true)",
        ),
        (
            {"1.4.2": {"items": [True, False]}},
            "f.yaml: tiêu chí 1.4.2: số liệu items: lỗi: 'items' có 2 giá trị, cần đúng 3 (một giá "
            "trị cho mỗi mục)",
        ),
        (
            {"1.4.2": {"items": [True, "x", False]}},
            "f.yaml: tiêu chí 1.4.2: số liệu items: lỗi: 'items' phải là danh sách 3 giá trị "
            "true/false, theo thứ tự các mục",
        ),
        (
            {"2.1": {"score": D("1.3")}},
            "f.yaml: tiêu chí 2.1: số liệu score: lỗi: điểm chấm 1,3 không đúng bước 0,25 (ví dụ 0; "
            "0,25; ...)",
        ),
        (
            {"2.1": {"score": D("2.25")}},
            "f.yaml: tiêu chí 2.1: số liệu score: lỗi: điểm chấm phải từ 0 đến 2, không phải 2,25",
        ),
        (
            {"7.6": {"score": D("-0.5")}},
            "f.yaml: tiêu chí 7.6: số liệu score: lỗi: điểm chấm phải từ 0 đến 2, không phải -0,5",
        ),
        (
            {"9.9": {"met": True}},
            "f.yaml: tiêu chí 9.9: lỗi: không có tiêu chí mã này trong bộ tiêu chí vd-xa-2025",
        ),
        (
            {D("7.6"): {"score": D(1)}},
            "f.yaml: tiêu chí 7.6: lỗi: mã tiêu chí 7.6 là số, không phải chuỗi: hãy đặt mã trong "
            'dấu nháy ("7.6")',
        ),
        (
            {"1.4": {"done": D(1)}},
            "f.yaml: tiêu chí 1.4: lỗi: tiêu chí có tiêu chí con: hãy nhập số liệu cho các tiêu chí "
            "con",
        ),
        (
            {"1.4": {"not_applicable": "Không có"}},
            "f.yaml: tiêu chí 1.4: lỗi: tiêu chí này không được khai báo không áp dụng (chỉ khi có "
            "may_not_apply: true, hoặc nguồn survey/organiser)",
        ),
        (
            {"4.2": {"not_applicable": "Không có"}},
            "f.yaml: tiêu chí 4.2: lỗi: tiêu chí này không được khai báo không áp dụng (chỉ khi có "
            "may_not_apply: true, hoặc nguồn survey/organiser)",
        ),
        (
            {"4.3": {"not_applicable": ""}},
            "f.yaml: tiêu chí 4.3: số liệu not_applicable: lỗi: cần ghi lý do không áp dụng (chữ, "
            "không để trống)",
        ),
        (
            {"4.3": {"not_applicable": True}},
            "f.yaml: tiêu chí 4.3: số liệu not_applicable: lỗi: cần ghi lý do không áp dụng (chữ, "
            "không để trống)",
        ),
        (
            {"4.3": {"not_applicable": "x", "met": True}},
            "f.yaml: tiêu chí 4.3: lỗi: khai báo không áp dụng thì không nhập số liệu khác",
        ),
        (
            {"8.1.1": {"answers": {"C1": ["A"]}}},
            "f.yaml: tiêu chí 8.1.1: số liệu answers: lỗi: phiếu khảo sát 'lanh-dao' chưa được đưa "
            "vào (dùng --questionnaire TỆP)",
        ),
    ],
)
def test_bad_entries(example: Framework, values: dict[Any, Any], line: str) -> None:
    # the example fixture has the questionnaire; the last case uses a set without it
    if "8.1.1" in values:
        from parindex.scoring.framework import parse_framework

        from .conftest import EXAMPLE_SET, load

        bare, _ = parse_framework(load(EXAMPLE_SET), file="vd.yaml")
        assert bare is not None
        assert line in lines(bare, facts_doc(values))
        return
    found = lines(example, facts_doc(values))
    assert line in found, found


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [
        ({"C4": ["A"]}, "câu hỏi 'C4' không thuộc tiêu chí này (các câu: C1, C2, C3)"),
        (
            {"C1": ["A", "Z"]},
            "câu C1: mã trả lời 'Z' không có trong thang của phiếu 'lanh-dao' (A, B, C, D, X)",
        ),
        ({"C1": "A"}, "câu C1: cần danh sách mã trả lời"),
        ({"C1": [D(1)]}, "mã trả lời số 1 không có trong thang"),
        (["A"], "'answers' phải là một mục"),
    ],
)
def test_bad_survey_answers(example: Framework, answers: Any, fragment: str) -> None:
    found = lines(example, facts_doc({"8.1.1": {"answers": answers}}))
    assert len(found) == 1 and found[0].startswith("f.yaml: tiêu chí 8.1.1: số liệu answers: lỗi: ")
    assert fragment in found[0]


def test_survey_and_organiser_nodes_may_be_declared_not_applicable(example: Framework) -> None:
    found = lines(
        example,
        facts_doc(
            {
                "8.1.1": {"not_applicable": "Không tổ chức khảo sát"},
                "8.2": {"not_applicable": "Chưa có kết quả SIPAS"},
                "2.1": {"not_applicable": "Không ban hành văn bản"},
            }
        ),
    )
    assert found == []


@pytest.mark.parametrize(
    ("doc", "line"),
    [
        (
            {**facts_doc({}), "framework": "other"},
            'f.yaml: lỗi: tệp số liệu ghi bộ tiêu chí "other", không phải bộ vd-xa-2025',
        ),
        (
            {**facts_doc({}), "unit": {"code": "x", "kind": "huyen"}},
            "f.yaml: lỗi: loại đơn vị 'huyen' của x không thuộc phạm vi áp dụng của bộ tiêu chí "
            "vd-xa-2025 (xa, phuong, dac_khu)",
        ),
        (
            {**facts_doc({}), "unit": {"code": "x"}},
            "f.yaml: lỗi: thiếu loại đơn vị (unit.kind); bộ tiêu chí áp dụng cho: xa, phuong, "
            "dac_khu",
        ),
        ({**facts_doc({}), "unit": {"kind": "xa"}}, "f.yaml: lỗi: thiếu mã đơn vị (unit.code)"),
        (
            {k: v for k, v in facts_doc({}).items() if k != "unit"},
            "f.yaml: lỗi: thiếu khóa bắt buộc 'unit' ({code, name, kind})",
        ),
        (
            {k: v for k, v in facts_doc({}).items() if k != "format"},
            "f.yaml: lỗi: thiếu khóa bắt buộc 'format' (format: parindex-facts/1)",
        ),
        (
            {**facts_doc({}), "format": "parindex-framework/1"},
            'f.yaml: lỗi: định dạng chữ "parindex-framework/1" không đúng: cần parindex-facts/1 — '
            "đây là một bộ tiêu chí, không phải tệp số liệu",
        ),
        (
            {k: v for k, v in facts_doc({}).items() if k != "framework"},
            "f.yaml: lỗi: thiếu khóa bắt buộc 'framework' (mã bộ tiêu chí, ở đây: vd-xa-2025)",
        ),
        (
            {**facts_doc({}), "values": [1]},
            "f.yaml: lỗi: 'values' phải là một mục có các khóa (key: value), không phải một danh "
            "sách",
        ),
        (
            "text",
            "f.yaml: lỗi: tệp số liệu phải là một mục có các khóa (key: value), không phải "
            'chữ "text"',
        ),
    ],
)
def test_bad_files(example: Framework, doc: Any, line: str) -> None:
    assert line in lines(example, doc)


def test_every_error_of_a_file_is_reported(example: Framework) -> None:
    found = lines(
        example,
        facts_doc(
            {
                "1.4.1": {"done": D("9.5")},
                "2.1": {"score": D("1.1")},
                "4.2": {"not_applicable": "x"},
                "9.9": {},
            }
        ),
    )
    assert len(found) == 5, found


def test_unknown_top_level_keys_are_warnings(example: Framework) -> None:
    facts, problems = read_facts(
        facts_doc({"7.6": {"score": D(1)}}, note="x"), example, file="f.yaml"
    )
    assert facts is not None
    assert [p.line() for p in problems] == [
        "f.yaml: cảnh báo: khóa không xác định 'note' trong tệp số liệu (bị bỏ qua); các khóa "
        "dùng được: format, framework, notes, unit, values"
    ]


def test_notes_are_accepted_silently(example: Framework) -> None:
    notes = {"7.6": {"reason": "Kết luận thanh tra", "document": "12/KL-TTr ngày 03/10/2025"}}
    facts, problems = read_facts(
        facts_doc({"7.6": {"score": D(1)}}, notes=notes), example, file="f.yaml"
    )
    assert facts is not None and problems == []
    assert dict(facts.entries) == {"7.6": {"score": D(1)}}


def test_checked_values(example: Framework) -> None:
    facts, problems = read_facts(
        facts_doc(
            {
                "1.1.1": {"issued_on": "2025-01-20"},
                "1.4.1": {"done": D("9.0"), "planned": 10},
                "1.4.2": {"items": [True, False, True]},
                "4.3": {"not_applicable": "Không có thôn"},
            }
        ),
        example,
        file="f.yaml",
    )
    assert facts is not None and problems == []
    assert facts.values["1.1.1"] == (dt.date(2025, 1, 20),)
    assert facts.values["1.4.1"] == (D(9), D(10))
    assert facts.values["1.4.2"] == ((True, False, True),)
    assert facts.not_applicable == {"4.3": "Không có thôn"}
    assert facts.unit.code == "son-linh" and facts.unit.kind == "xa"
