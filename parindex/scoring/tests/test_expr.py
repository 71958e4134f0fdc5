"""The expression language: syntax, types, exact arithmetic, and that it can never run code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from parindex.scoring.expr import CompiledExpression, ExprError, Type, compile_expression

D = Decimal
INPUTS = {
    "done": (Type.NUMBER, 0),
    "planned": (Type.NUMBER, 1),
    "issued_on": (Type.DATE, 2),
    "ok": (Type.BOOLEAN, 3),
}
CONSTANTS = {"max_points": (Type.NUMBER, D("1.5"))}


def compiled(text: str, expect: Type | None = None) -> CompiledExpression:
    return compile_expression(text, INPUTS, CONSTANTS, expect=expect)


NINE, TEN, FEB_10 = D(9), D(10), dt.date(2025, 2, 10)


def run(
    text: str, done: Any = NINE, planned: Any = TEN, issued_on: dt.date = FEB_10, ok: bool = True
) -> Any:
    return compiled(text).evaluate((done, planned, issued_on, ok))


def error(text: str) -> str:
    with pytest.raises(ExprError) as info:
        compiled(text)
    return info.value.describe()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("done >= 0.9 * planned", True),
        ("done >= planned", False),
        ("max_points * done / planned", D("1.35")),
        ("1 + 2 * 3", D(7)),
        ("(1 + 2) * 3", D(9)),
        ("10 - 4 - 3", D(3)),
        ("12 / 3 / 2", D(2)),
        ("-done + 10", D(1)),
        ("- -done", D(9)),
        ("2 * -3", D(-6)),
        ("min(1, done / planned)", D("0.9")),
        ("max(0, max_points - 0.25 * 7)", D(0)),
        ("max(1, 2, 3, done)", D(9)),
        ("min(done, planned, 20)", D(9)),
        ("abs(done - planned)", D(1)),
        ("round(2 / 3, 2)", D("0.67")),
        ("round(0.125, 2)", D("0.13")),
        ("round(0.5, 0)", D(1)),
        ("round(-0.125, 2)", D("-0.13")),
        ('issued_on <= date("2025-01-31")', False),
        ('days_between(date("2025-01-31"), issued_on)', D(10)),
        ('days_between(issued_on, date("2025-01-31"))', D(-10)),
        ('days_between(date("2025-01-31"), issued_on) <= 15', True),
        ('min(issued_on, date("2025-01-01")) == date("2025-01-01")', True),
        ("not done > 1 and true", False),
        ("not (done > 1 and false)", True),
        ("ok and done == 9", True),
        ("ok != true", False),
        ("done < 5 or done > 8", True),
        ("true or false and false", True),
        ("0.1 + 0.2 == 0.3", True),
        ("1 / 3 * 3 == 1", False),
        (".5 + done", D("9.5")),
    ],
)
def test_evaluates_exactly(text: str, expected: Any) -> None:
    value = run(text)
    assert value == expected
    assert type(value) is type(expected)


def test_division_keeps_at_least_28_digits() -> None:
    third = run("1 / 3")
    assert len(str(third).split(".")[1]) >= 28
    assert str(run("2 / 3")).startswith("0.666666666666666666666666666")


def test_short_circuit_skips_a_division_by_zero() -> None:
    assert run("planned == 0 or done / planned > 0.5", planned=D(0)) is True
    assert run("planned != 0 and done / planned > 0.5", planned=D(0)) is False


def test_division_by_zero_at_run_time_raises_an_arithmetic_error() -> None:
    with pytest.raises(ArithmeticError):
        run("done / planned", planned=D(0))
    with pytest.raises(ArithmeticError):
        run("done / planned", done=D(0), planned=D(0))


def test_types_and_names() -> None:
    c = compiled("max_points * done / planned")
    assert c.type is Type.NUMBER
    assert c.names == ("done", "planned")
    assert compiled("done >= planned").type is Type.BOOLEAN
    assert compiled('date("2025-01-01")').type is Type.DATE


def test_constants_are_folded() -> None:
    c = compiled('max_points / 2 + days_between(date("2025-01-01"), date("2025-01-31"))')
    assert c.is_constant and c.constant == D("30.75")
    assert compiled("false and done > 1").is_constant


def test_expected_type_is_enforced() -> None:
    with pytest.raises(ExprError, match="đúng/sai"):
        compiled("done + 1", expect=Type.BOOLEAN)
    with pytest.raises(ExprError, match="là số"):
        compiled("done > 1", expect=Type.NUMBER)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("issued_on * 2", "không thể nhân ngày với số"),
        ("issued_on + 1", "days_between"),
        ('issued_on - date("2025-01-01")', "không thể trừ ngày với ngày"),
        ("ok + 1", "không thể cộng đúng/sai với số"),
        ("done > issued_on", "hai số hoặc hai ngày"),
        ("ok < true", "hai số hoặc hai ngày"),
        ("done == ok", "không so sánh được số với đúng/sai"),
        ("done and ok", "'and' chỉ nối hai điều kiện"),
        ("not done", "'not' chỉ dùng với giá trị đúng/sai"),
        ("-ok", "chỉ dùng được với số"),
        ("min(done, issued_on)", "cùng loại"),
        ("abs(issued_on)", "abs cần một số"),
        ("round(done, planned)", "số chữ số thập phân"),
        ("round(done, 2.5)", "số chữ số thập phân"),
        ("round(done)", "round cần 2 đối số"),
        ("days_between(done, planned)", "cần hai ngày"),
        ("date(done)", "trong dấu nháy"),
        ('date("15/12/2025")', "ngày không hợp lệ"),
        ('date("2025-02-30")', "ngày không hợp lệ"),
        ("min()", "ít nhất 1"),
        ('"abc"', "chuỗi chỉ dùng được trong date"),
        ("dne > 1", "tên không xác định 'dne' (có phải 'done'?)"),
        ("Done > 1", "có phải 'done'?"),
        ("True", "có phải 'true'?"),
        ("max_point", "có phải 'max_points'?"),
    ],
)
def test_type_and_name_errors(text: str, fragment: str) -> None:
    assert fragment in error(text)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "biểu thức trống"),
        ("   ", "biểu thức trống"),
        ("done +", "thiếu một giá trị"),
        ("(done + 1", "thiếu ')'"),
        ("done + 1)", "thừa dấu ')'"),
        ("done planned", "thiếu toán tử"),
        ("done >= 0,9 * planned", "dấu chấm: 0.9"),
        ("1 < done < 10", "so sánh nối tiếp"),
        ("done = 1", "dùng '=='"),
        ("done && ok", "dùng 'and'"),
        ("done || ok", "dùng 'or'"),
        ("!ok", "dùng 'not'"),
        ("done ** 2", "lũy thừa"),
        ("done // 2", "chia lấy phần nguyên"),
        ("done % 2", "không được hỗ trợ"),
        ("1.2.3", "số không hợp lệ"),
        ("2x", "số không hợp lệ"),
        ("số > 1", "chữ cái không dấu"),
        ('date("2025-01-01', "chuỗi chưa đóng"),
        ("min(1 2)", "thiếu ',' hoặc ')'"),
        ("+1", "thiếu giá trị trước '+'"),
        ("and ok", "thiếu biểu thức trước 'and'"),
        ("done[0]", "ngoặc vuông"),
        ("@", "ký tự không hợp lệ"),
        ("(" * 80 + "1" + ")" * 80, "lồng nhau quá sâu"),
    ],
)
def test_syntax_errors_name_the_place(text: str, fragment: str) -> None:
    message = error(text)
    assert fragment in message
    if text.strip():
        assert "(ở ký tự " in message


def test_error_position_is_one_based() -> None:
    assert error("done + dne").endswith("(ở ký tự 8)")


# --- security: an expression can only compute -------------------------------------------------

ATTACKS = [
    "__import__('os').system('id')",
    '__import__("os").system("touch /tmp/parindex-pwned")',
    "open('/etc/passwd')",
    "eval('1')",
    "exec('x=1')",
    "compile('1', 'f', 'eval')",
    "getattr(done, 'real')",
    "done.__class__",
    "().__class__.__bases__[0].__subclasses__()",
    "[c for c in ()]",
    "lambda: 1",
    "globals()",
    "__builtins__",
    "done if ok else planned",
    "import os",
    "f'{done}'",
    "done; 1",
    "x := 1",
    "print(1)",
]


@pytest.mark.parametrize("text", ATTACKS)
def test_code_cannot_run(text: str, tmp_path: Path) -> None:
    with pytest.raises(ExprError) as info:
        compiled(text)
    message = info.value.describe()
    assert message  # one clear Vietnamese line
    assert "\n" not in message
    assert not Path("/tmp/parindex-pwned").exists()


def test_import_call_is_refused_as_an_unknown_function() -> None:
    message = error("__import__('os').system('id')")
    assert message.startswith("hàm '__import__' không được hỗ trợ")
    assert "min, max, abs, round, date, days_between" in message


def test_compiler_uses_no_eval_exec_or_compile() -> None:
    source_dir = Path(__file__).resolve().parents[1] / "expr"
    for path in source_dir.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for word in ("eval(", "exec(", "compile(", "__import__", "getattr("):
            assert word not in text, f"{path.name} uses {word}"
