"""The ``parindex`` command: exit codes, one Vietnamese line per problem, results on stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from parindex import cli
from parindex.cli import main

from .conftest import BAD, EXAMPLE_QUESTIONNAIRE, EXAMPLE_SET, FACTS, GOLDEN

SET = str(EXAMPLE_SET)
Q = str(EXAMPLE_QUESTIONNAIRE)
SON_LINH = str(FACTS / "son-linh.facts.yaml")
KY_ANH = str(FACTS / "ky-anh.facts.yaml")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, list[str]]:
    status = main(args)
    out, err = capsys.readouterr()
    return status, out, [line for line in err.splitlines() if line]


def error_lines(err: list[str]) -> list[str]:
    return [line for line in err if ": lỗi: " in line]


# --- check ------------------------------------------------------------------------------------


def test_check_ok_prints_a_summary_and_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["framework", "check", SET], capsys)
    assert status == 0
    assert "hợp lệ (2 cảnh báo) — vd-xa-2025" in out
    assert (
        "8 lĩnh vực; 63 tiêu chí (trong đó 45 tiêu chí được chấm điểm); tối đa 100,00 điểm"
    ) in out
    assert len(err) == 2 and all(": cảnh báo: " in line for line in err)
    assert err[0].startswith(f"{SET}: tiêu chí 8.1.1: rule: cảnh báo: phiếu khảo sát 'lanh-dao'")


def test_check_with_the_questionnaire_has_no_warning(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["framework", "check", SET, "--questionnaire", Q], capsys)
    assert status == 0 and err == [] and "1 phiếu khảo sát" in out


BAD_SETS = {
    "unquoted-code.yaml": "tiêu chí 2.10: lỗi: mã tiêu chí 2.10 là số, không phải chuỗi: hãy đặt "
    'mã trong dấu nháy ("2.10")',
    "duplicate-code.yaml": "tiêu chí 1.1: lỗi: mã tiêu chí '1.1' bị trùng",
    "children-less.yaml": "tiêu chí 1: lỗi: tổng điểm tối đa của các tiêu chí con (1,5) nhỏ hơn "
    "điểm tối đa (2)",
    "children-more.yaml": "tiêu chí 1: lỗi: tổng điểm tối đa của các tiêu chí con (3) lớn hơn điểm "
    "tối đa (2); thêm 'capped: true'",
    "unknown-name.yaml": 'tiêu chí 1: trường hợp 1, when: lỗi: biểu thức "done >= planed": tên '
    "không xác định 'planed' (có phải 'planned'?)",
    "type-error.yaml": 'tiêu chí 1: trường hợp 1, points: lỗi: biểu thức "issued_on * 2": không '
    "thể nhân ngày với số",
    "syntax-error.yaml": 'tiêu chí 1: trường hợp 1, when: lỗi: biểu thức "done >= (10": '
    "thiếu ')'",
    "code-in-expression.yaml": "tiêu chí 1: trường hợp 1, points: lỗi: biểu thức "
    "\"__import__('os').system('id')\": hàm '__import__' không được "
    "hỗ trợ",
    "rule-on-parent.yaml": "tiêu chí 1: lỗi: tiêu chí có tiêu chí con không được có 'rule'",
    "unknown-question.yaml": "tiêu chí 1: rule: lỗi: câu hỏi 'C2' không có trong phiếu 'q'",
    "bands-order.yaml": "xếp loại thứ 2: lỗi: các mức xếp loại phải theo thứ tự cao trước",
    "missing-max.yaml": "tiêu chí 1: lỗi: thiếu khóa bắt buộc 'max'",
    "kind-below-top.yaml": "tiêu chí 1.1: lỗi: 'kind' (bonus/penalty) chỉ dùng cho lĩnh vực cấp "
    "cao nhất",
    "bad-source.yaml": "tiêu chí 1: lỗi: 'source' phải là một trong: self, survey, organiser",
    "bad-input-type.yaml": "tiêu chí 1: đầu vào note: lỗi: kiểu đầu vào không hợp lệ",
    "yaml-syntax.yaml": "lỗi: lỗi cú pháp YAML",
    "duplicate-key.yaml": 'lỗi: khóa "max" bị lặp lại',
}


def test_every_bad_set_has_a_test() -> None:
    names = {p.name for p in BAD.glob("*.yaml") if not p.name.startswith("facts-")}
    assert names == set(BAD_SETS)


@pytest.mark.parametrize("name", sorted(BAD_SETS))
def test_bad_set_is_one_line_and_exit_1(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(BAD / name)
    status, out, err = run(["framework", "check", path], capsys)
    assert status == 1 and out == ""
    [line] = error_lines(err)
    assert line.startswith(f"{path}: ")
    assert BAD_SETS[name] in line
    assert "Traceback" not in "\n".join(err)


def test_a_bad_set_also_stops_score(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["framework", "score", str(BAD / "type-error.yaml"), SON_LINH], capsys)
    assert status == 1 and out == "" and len(error_lines(err)) == 1


# --- score ------------------------------------------------------------------------------------

BAD_FACTS = {
    "facts-wrong-type.yaml": "tiêu chí 1.4.1: số liệu done: lỗi: phải là số nguyên, không phải 9,5",
    "facts-out-of-range.yaml": "tiêu chí 3.1.1: số liệu posted_pct: lỗi: tỉ lệ phần trăm phải từ "
    "0 đến 100, không phải 120",
    "facts-missing-input.yaml": "tiêu chí 1.4.1: số liệu planned: lỗi: thiếu giá trị 'planned'",
    "facts-unknown-input.yaml": "tiêu chí 1.3.1: số liệu note: lỗi: không có số liệu tên 'note'",
    "facts-unknown-node.yaml": "tiêu chí 11.1: lỗi: không có tiêu chí mã này trong bộ tiêu chí",
    "facts-parent-node.yaml": "tiêu chí 1.4: lỗi: tiêu chí có tiêu chí con",
    "facts-na-not-allowed.yaml": "tiêu chí 4.2: lỗi: tiêu chí này không được khai báo không áp "
    "dụng",
    "facts-na-no-reason.yaml": "tiêu chí 4.3: số liệu not_applicable: lỗi: cần ghi lý do",
    "facts-step.yaml": "tiêu chí 2.1: số liệu score: lỗi: điểm chấm 1,3 không đúng bước 0,25",
    "facts-manual-over-max.yaml": "tiêu chí 7.6: số liệu score: lỗi: điểm chấm phải từ 0 đến 2",
    "facts-checklist-length.yaml": "tiêu chí 1.4.2: số liệu items: lỗi: 'items' có 2 giá trị, cần "
    "đúng 3",
    "facts-bad-date.yaml": "tiêu chí 1.1.1: số liệu issued_on: lỗi: phải là một ngày yyyy-mm-dd",
    "facts-no-questionnaire.yaml": "tiêu chí 8.1.1: số liệu answers: lỗi: phiếu khảo sát "
    "'lanh-dao' chưa được đưa vào",
    "facts-unquoted-code.yaml": "tiêu chí 7.6: lỗi: mã tiêu chí 7.6 là số, không phải chuỗi: hãy "
    "đặt mã trong dấu nháy",
    "facts-kind.yaml": "lỗi: loại đơn vị 'huyen' của son-linh không thuộc phạm vi áp dụng",
    "facts-framework.yaml": 'lỗi: tệp số liệu ghi bộ tiêu chí "vd-xa-2024", không phải bộ '
    "vd-xa-2025",
}


def test_every_bad_facts_file_has_a_test() -> None:
    assert {p.name for p in BAD.glob("facts-*.yaml")} == set(BAD_FACTS)


@pytest.mark.parametrize("name", sorted(BAD_FACTS))
def test_bad_facts_are_one_line_and_exit_1(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(BAD / name)
    status, out, err = run(["framework", "score", SET, path, "--json"], capsys)
    assert status == 1 and out == ""
    [line] = error_lines(err)
    assert line.startswith(f"{path}: ") and BAD_FACTS[name] in line


def test_score_table_is_vietnamese_with_decimal_commas(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["framework", "score", SET, SON_LINH, "--questionnaire", Q], capsys)
    assert status == 0 and err == []
    assert "Mã" in out and "Tiêu chí" in out and "Điểm" in out and "Tối đa" in out
    assert "Tổng điểm: 70,47" in out and "Chỉ số: 71,91 — xếp loại: Khá" in out
    assert (
        "Số chỉ tiêu tuyên truyền đã hoàn thành 9 / Số chỉ tiêu theo kế hoạch 10 = 90 % ≥ 90 %: "
        "1,00 × 9 / 10 = 0,90"
    ) in out
    assert "max_points" not in out and "date(" not in out and ">=" not in out


def test_score_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        ["framework", "score", SET, SON_LINH, "--json", "--questionnaire", Q], capsys
    )
    doc = json.loads(out)
    assert status == 0 and doc["total"] == "70.47" and doc["index"] == "71.91"


def test_missing_facts_warn_and_strict_fails(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["framework", "score", SET, KY_ANH, "--json"], capsys)
    assert status == 0 and json.loads(out)["missing"] == ["4.3"]
    assert err[-1] == (f"{KY_ANH}: cảnh báo: 1 tiêu chí chưa có số liệu (tính 0 điểm): 4.3")
    status, out, err = run(["framework", "score", SET, KY_ANH, "--json", "--strict"], capsys)
    assert status == 1 and out == ""
    assert error_lines(err) == [f"{KY_ANH}: tiêu chí 4.3: lỗi: chưa có số liệu (chế độ --strict)"]


def test_missing_file_is_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "khong-co.yaml")
    status, _, err = run(["framework", "check", missing], capsys)
    assert status == 1 and err == [f"{missing}: lỗi: không tìm thấy tệp"]
    status, _, err = run(["framework", "score", SET, missing], capsys)
    assert status == 1 and error_lines(err) == [f"{missing}: lỗi: không tìm thấy tệp"]


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["framework"],
        ["framework", "check"],
        ["framework", "score", SET],
        ["framework", "ranking", SET],
        ["framework", "check", SET, "--unknown"],
        ["framework", "frobnicate", SET],
        ["other"],
        ["framework", "check", SET, "--questionnaire"],
        ["framework", "export", SET],
    ],
)
def test_wrong_usage_exits_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(args, capsys)
    assert status == 2 and out == ""
    assert any("lỗi cách dùng" in line for line in err)


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["framework", "score", "--help"], capsys)
    assert status == 0 and "--strict" in out


# --- ranking ----------------------------------------------------------------------------------


def test_ranking(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        ["framework", "ranking", SET, KY_ANH, SON_LINH, "--json", "--questionnaire", Q], capsys
    )
    assert status == 0
    doc = json.loads(out)
    assert [(u["rank"], u["unit"], u["index"]) for u in doc["ranking"]] == [
        (1, "son-linh", "71.91"),
        (2, "ky-anh", "70.63"),
    ]
    status, out, _ = run(
        ["framework", "ranking", SET, KY_ANH, SON_LINH, "--questionnaire", Q], capsys
    )
    assert status == 0 and "Hạng" in out and "71,91" in out


def test_ranking_refuses_a_unit_twice_and_bad_facts(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["framework", "ranking", SET, KY_ANH, KY_ANH], capsys)
    assert status == 1 and out == ""
    assert error_lines(err) == [f"{KY_ANH}: lỗi: đơn vị ky-anh đã có trong tệp {KY_ANH}"]
    status, out, err = run(
        ["framework", "ranking", SET, KY_ANH, str(BAD / "facts-step.yaml")], capsys
    )
    assert status == 1 and out == "" and len(error_lines(err)) == 1


# --- export -----------------------------------------------------------------------------------


def test_export_round_trip_checks_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_yaml = tmp_path / "set.yaml"
    out_xlsx = tmp_path / "set.xlsx"
    status, out, err = run(
        [
            "framework",
            "export",
            str(GOLDEN / "thu-a" / "framework.yaml"),
            "--yaml",
            str(out_yaml),
            "--xlsx",
            str(out_xlsx),
        ],
        capsys,
    )
    assert status == 0, err
    for path in (out_yaml, out_xlsx):
        status, out, err = run(["framework", "check", str(path)], capsys)
        assert status == 0, err
    facts = str(GOLDEN / "thu-a" / "c-phuong.facts.yaml")
    for path in (out_yaml, out_xlsx):
        status, out, err = run(["framework", "score", str(path), facts, "--json"], capsys)
        assert status == 0 and json.loads(out)["index"] == "70.50"


# --- robustness -------------------------------------------------------------------------------


def test_an_internal_error_is_one_line_and_exit_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(_args: object) -> int:
        raise RuntimeError("hỏng")

    monkeypatch.setattr(cli, "_cmd_check", boom)
    monkeypatch.delenv("PARINDEX_DEBUG", raising=False)
    status, _, err = run(["framework", "check", SET], capsys)
    assert status == 1
    assert err == ["parindex: lỗi nội bộ (RuntimeError: hỏng); hãy báo lỗi này"]


def test_subprocess_utf8_whatever_the_locale() -> None:
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"}
    env.pop("PYTHONUTF8", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "parindex.cli",
            "framework",
            "score",
            SET,
            str(BAD / "facts-step.yaml"),
        ],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    err = done.stderr.decode("utf-8")
    assert "lỗi: điểm chấm 1,3 không đúng bước 0,25" in err
    assert "Traceback" not in err
    done = subprocess.run(
        [sys.executable, "-m", "parindex.cli", "framework", "check", SET, "--questionnaire", Q],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0
    assert "hợp lệ — vd-xa-2025: Bộ tiêu chí xác định Chỉ số CCHC" in done.stdout.decode("utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "parindex.cli", "framework", "check"],
        capture_output=True,
        env=env,
        check=False,
    )
    assert done.returncode == 2 and "lỗi cách dùng" in done.stderr.decode("utf-8")
