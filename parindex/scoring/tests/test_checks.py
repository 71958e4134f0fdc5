"""Consistency checks (``checks`` on a general rule), decided points (``override``) and the
facts file's ``notes:`` — §3 and §4 of the format — in the engine, ``check``, ``score`` and
``ranking``."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parindex.cli import main
from parindex.scoring.aggregate import score_unit
from parindex.scoring.api import score_leaf, validate_entry
from parindex.scoring.facts import Unit, prepare_facts
from parindex.scoring.model import CheckLevel, GeneralRule
from parindex.scoring.problems import ProblemsError
from parindex.scoring.yamlio import dump_canonical_yaml, load_yaml_text

from .conftest import build, leaf, problems_of

D = Decimal

RECEIVED = {"name": "received", "label": "Số hồ sơ tiếp nhận", "type": "integer", "min": D(0)}
ON_TIME = {
    "name": "on_time",
    "label": "Số hồ sơ giải quyết đúng hạn",
    "type": "integer",
    "min": D(0),
}
NOT_MORE = "Số hồ sơ đúng hạn không được lớn hơn số hồ sơ tiếp nhận"
NONE_YET = "Chưa có hồ sơ nào: hãy kiểm tra lại"


def checked_rule(*checks: dict[str, Any]) -> dict[str, Any]:
    return {
        "inputs": [dict(RECEIVED), dict(ON_TIME)],
        "checks": list(checks),
        "cases": [
            {"when": "received == 0", "points": D(0)},
            {"points": "max_points * on_time / received"},
        ],
    }


def doc_with(rule: dict[str, Any], *, extra_leaves: tuple[dict[str, Any], ...] = ()) -> Any:
    children = [leaf("1.1", "2", rule=rule), *extra_leaves]
    total = sum((c["max"] for c in children), D(0))
    return {
        "format": "parindex-framework/1",
        "code": "t-kiem-tra",
        "name": "Bộ thử kiểm tra",
        "nodes": [{"code": "1", "name": "Lĩnh vực", "max": total, "children": children}],
    }


STANDARD = doc_with(
    checked_rule(
        {"require": "on_time <= received", "message": NOT_MORE},
        {"require": "received > 0", "message": NONE_YET, "level": "warning"},
    ),
    extra_leaves=(
        leaf(
            "1.2",
            "1",
            rule=checked_rule(
                {
                    "require": "on_time * 2 >= received",
                    "message": "Tỉ lệ đúng hạn dưới một nửa",
                    "level": "warning",
                },
            ),
        ),
        leaf("1.3", "1", rule={"yes_no": "Có kế hoạch"}),
    ),
)


def facts_of(framework: Any, values: dict[str, Any]) -> Any:
    return prepare_facts(framework, Unit("a"), values)


# -- reading and writing ---------------------------------------------------------------


def test_checks_are_read_in_order_with_their_levels() -> None:
    rule = build(STANDARD).node("1.1").rule
    assert isinstance(rule, GeneralRule)
    assert [(c.require.text, c.message, c.level) for c in rule.checks] == [
        ("on_time <= received", NOT_MORE, CheckLevel.ERROR),
        ("received > 0", NONE_YET, CheckLevel.WARNING),
    ]


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        ({"require": "on_time + received", "message": "x"}, "đúng/sai"),
        ({"require": "taken <= received", "message": "x"}, "taken"),
        ({"require": "on_time <= received"}, "'message' thiếu"),
        ({"require": "on_time <= received", "message": "  "}, "'message'"),
        ({"message": "x"}, "'require'"),
        ({"require": "on_time <= received", "message": "x", "level": "info"}, "'level'"),
        ({"require": "on_time <=", "message": "x"}, "on_time <="),
    ],
)
def test_a_bad_check_is_an_error_naming_the_node(check: dict[str, Any], expected: str) -> None:
    lines = problems_of(doc_with(checked_rule(check)))
    errors = [line for line in lines if ": lỗi: " in line]
    assert errors, lines
    assert all("tiêu chí 1.1" in line for line in errors)
    assert any(expected in line for line in errors), errors


def test_an_unknown_key_of_a_check_is_a_warning() -> None:
    check = {"require": "on_time <= received", "message": "x", "when": "a"}
    lines = problems_of(doc_with(checked_rule(check)))
    assert len(lines) == 1 and ": cảnh báo: " in lines[0] and "'when'" in lines[0]


def test_checks_belong_to_general_rules_only() -> None:
    doc = doc_with({"yes_no": "Có kế hoạch", "checks": [{"require": "true", "message": "x"}]})
    assert any("checks" in line and ": lỗi: " in line for line in problems_of(doc))
    doc = doc_with({"inputs": [dict(RECEIVED)], "checks": "received > 0", "cases": [{"points": 1}]})
    assert any("'checks' phải là danh sách" in line for line in problems_of(doc))


def test_canonical_yaml_orders_checks_and_leaves_out_level_error() -> None:
    rule = checked_rule(
        {"level": "error", "message": NOT_MORE, "require": "on_time <= received"},
        {"message": NONE_YET, "level": "warning", "require": "received > 0"},
    )
    # cases before checks in the source: the canonical text puts checks first
    rule = {"cases": rule["cases"], "checks": rule["checks"], "inputs": rule["inputs"]}
    text = dump_canonical_yaml(doc_with(rule))
    assert text.index("inputs:") < text.index("checks:") < text.index("cases:")
    assert "level: error" not in text and "level: warning" in text
    first = text[text.index("checks:") :]
    assert first.index("require") < first.index("message")
    assert first.index('"received > 0"') < first.index("level: warning")
    again = load_yaml_text(text, filename="t.yaml")
    assert dump_canonical_yaml(again) == text
    spelled = dump_canonical_yaml(
        doc_with(
            checked_rule({"require": "on_time <= received", "message": NOT_MORE, "level": "error"})
        )
    )
    plain = dump_canonical_yaml(
        doc_with(checked_rule({"require": "on_time <= received", "message": NOT_MORE}))
    )
    assert spelled == plain


# -- evaluation ------------------------------------------------------------------------


def test_a_failed_error_check_is_a_bad_fact_naming_node_and_message() -> None:
    framework = build(STANDARD)
    with pytest.raises(ProblemsError) as caught:
        facts_of(framework, {"1.1": {"received": D(12), "on_time": D(15)}})
    lines = [p.line() for p in caught.value.errors]
    assert len(lines) == 1 and "tiêu chí 1.1" in lines[0] and NOT_MORE in lines[0]


def test_a_failed_warning_check_keeps_the_points_and_is_listed_in_tree_order() -> None:
    framework = build(STANDARD)
    facts = facts_of(
        framework,
        # the file's order is 1.2 before 1.1: warnings come in tree order all the same
        {"1.2": {"received": D(10), "on_time": D(3)}, "1.1": {"received": D(0), "on_time": D(0)}},
    )
    assert [(w.node, w.message) for w in facts.check_warnings] == [
        ("1.1", NONE_YET),
        ("1.2", "Tỉ lệ đúng hạn dưới một nửa"),
    ]
    result = score_unit(framework, Unit("a"), facts)
    assert result.node("1.2").points == D("0.30")
    doc = result.to_json()
    assert doc["warnings"] == [
        {"code": "1.1", "message": NONE_YET},
        {"code": "1.2", "message": "Tỉ lệ đúng hạn dưới một nửa"},
    ]
    clean = score_unit(framework, Unit("a"), {"1.1": {"received": D(4), "on_time": D(4)}})
    assert clean.to_json()["warnings"] == []


def test_a_check_that_divides_by_zero_counts_as_failed() -> None:
    doc = doc_with(checked_rule({"require": "on_time / received >= 0.5", "message": "Tỉ lệ thấp"}))
    framework = build(doc)
    errors = validate_entry(framework, "1.1", {"received": D(0), "on_time": D(0)}, partial=False)
    assert [e.message for e in errors] == ["Tỉ lệ thấp"]


def test_checks_wait_for_the_inputs_they_name_and_run_in_order() -> None:
    framework = build(STANDARD)
    # only one input typed: no check can be evaluated yet
    assert validate_entry(framework, "1.1", {"on_time": D(15)}, partial=True) == []
    warned: list[Any] = []
    errors = validate_entry(
        framework, "1.1", {"received": D(0), "on_time": D(3)}, partial=True, warnings=warned
    )
    assert [(e.input, e.message, e.inputs) for e in errors] == [
        (None, NOT_MORE, ("on_time", "received"))
    ]
    assert [w.message for w in warned] == [NONE_YET]
    # an input out of its own range is reported, and the checks naming it wait
    errors = validate_entry(framework, "1.1", {"received": D(-1), "on_time": D(3)}, partial=True)
    assert [e.input for e in errors] == ["received"]


def test_score_leaf_gives_no_points_for_an_invalid_entry_and_keeps_warnings() -> None:
    framework = build(STANDARD)
    bad = score_leaf(framework, "1.1", {"received": D(12), "on_time": D(15)})
    assert bad.points is None and [e.message for e in bad.errors] == [NOT_MORE]
    warned = score_leaf(framework, "1.1", {"received": D(0), "on_time": D(0)})
    assert warned.points == D("0.00") and [w.message for w in warned.warnings] == [NONE_YET]


# -- override and notes ----------------------------------------------------------------


def test_override_sets_the_points_rounded_and_skips_rule_and_checks() -> None:
    framework = build(STANDARD)
    result = score_unit(
        framework,
        Unit("a"),
        {
            # would fail the error check, and the rule would give 2,00: neither applies
            "1.1": {"override": D("0.555")},
            "1.3": {"override": D(1)},
        },
    )
    assert result.node("1.1").points == D("0.56")
    assert result.node("1.3").points == D("1.00")
    assert result.total == D("1.56")
    assert "1.1" not in result.missing and result.to_json()["warnings"] == []
    assert result.missing == ("1.2",)


@pytest.mark.parametrize(
    ("entry", "code", "expected"),
    [
        ({"override": D(3)}, "1.1", "từ 0 đến 2"),
        ({"override": D(-1)}, "1.1", "từ 0 đến 2"),
        ({"override": "nhiều"}, "1.1", "phải là một số"),
        ({"override": True}, "1.1", "phải là một số"),
        ({"override": D(1), "received": D(1)}, "1.1", "không nhập số liệu khác"),
        ({"override": D(1)}, "1", "không có tiêu chí con"),
    ],
)
def test_a_bad_override_is_a_bad_fact(entry: dict[str, Any], code: str, expected: str) -> None:
    framework = build(STANDARD)
    with pytest.raises(ProblemsError) as caught:
        facts_of(framework, {code: entry})
    assert any(
        expected in p.line() and f"tiêu chí {code}" in p.line() for p in caught.value.errors
    ), caught.value.problems


# -- the commands ----------------------------------------------------------------------

SET_TEXT = """\
format: parindex-framework/1
code: an-bo
name: Bộ chưa thấy bao giờ
decimals: 2
nodes:
  - code: "5"
    name: Tiếp nhận phản ánh
    max: 3
    children:
      - code: "5.1"
        name: Phản ánh, kiến nghị
        max: 2
        rule:
          inputs:
            - {name: nhan, label: "Số phản ánh tiếp nhận", type: integer, min: 0}
            - {name: xong, label: "Số phản ánh xử lý xong", type: integer, min: 0}
          checks:
            - {require: "xong <= nhan", message: "Số xử lý xong vượt số tiếp nhận"}
            - {require: "nhan > 0", message: "Không có phản ánh nào", level: warning}
          cases:
            - {when: "nhan == 0", points: "max_points"}
            - {points: "max_points * xong / nhan"}
      - code: "5.2"
        name: Kế hoạch
        max: 1
        rule: {yes_no: "Có kế hoạch"}
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def facts_text(unit: str, values: str, notes: str = "") -> str:
    return (
        f"format: parindex-facts/1\nframework: an-bo\nunit: {{code: {unit}}}\nvalues:\n{values}"
        + notes
    )


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, err


def test_check_command_accepts_checks_and_reports_a_bad_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["framework", "check", write(tmp_path, "s.yaml", SET_TEXT)], capsys)
    assert status == 0 and err == "" and "hợp lệ" in out
    bad = SET_TEXT.replace('require: "xong <= nhan"', 'require: "xong + nhan"')
    status, _, err = run(["framework", "check", write(tmp_path, "b.yaml", bad)], capsys)
    assert status == 1 and "tiêu chí 5.1" in err and "đúng/sai" in err
    unknown = SET_TEXT.replace('require: "xong <= nhan"', 'require: "xong <= tong"')
    status, _, err = run(["framework", "check", write(tmp_path, "u.yaml", unknown)], capsys)
    assert status == 1 and "tiêu chí 5.1" in err and "tong" in err


def test_score_exits_1_on_a_failed_error_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    framework = write(tmp_path, "s.yaml", SET_TEXT)
    facts = write(tmp_path, "f.yaml", facts_text("a", '  "5.1": {nhan: 12, xong: 15}\n'))
    status, out, err = run(["framework", "score", framework, facts, "--json"], capsys)
    assert status == 1 and out == ""
    assert "tiêu chí 5.1" in err and "Số xử lý xong vượt số tiếp nhận" in err


def test_score_reports_warnings_on_stderr_and_in_json_and_ranking_does_not(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    framework = write(tmp_path, "s.yaml", SET_TEXT)
    notes = (
        '\nnotes:\n  "5.2": {reason: "Kết luận thanh tra", document: "12/KL-TTr ngày 03/10/2025"}\n'
    )
    facts = write(
        tmp_path,
        "f.yaml",
        facts_text("a", '  "5.1": {nhan: 0, xong: 0}\n  "5.2": {override: 0.5}\n', notes),
    )
    status, out, err = run(["framework", "score", framework, facts, "--json"], capsys)
    assert status == 0
    doc = json.loads(out)
    assert doc["warnings"] == [{"code": "5.1", "message": "Không có phản ánh nào"}]
    assert doc["total"] == "2.50"
    assert "tiêu chí 5.1" in err and "cảnh báo: Không có phản ánh nào" in err
    assert "notes" not in err  # notes are ignored silently
    status, out, err = run(["framework", "score", framework, facts], capsys)
    assert status == 0 and "Không có phản ánh nào" in err and "2,50" in out
    status, out, err = run(["framework", "ranking", framework, facts, "--json"], capsys)
    assert status == 0 and err == ""
    assert json.loads(out)["ranking"][0]["total"] == "2.50"


def test_score_json_of_a_clean_unit_has_an_empty_warnings_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    framework = write(tmp_path, "s.yaml", SET_TEXT)
    facts = write(
        tmp_path, "f.yaml", facts_text("a", '  "5.1": {nhan: 4, xong: 3}\n  "5.2": {met: true}\n')
    )
    status, out, err = run(["framework", "score", framework, facts, "--json"], capsys)
    assert status == 0 and err == ""
    doc = json.loads(out)
    assert doc["warnings"] == [] and doc["total"] == "2.50"
