"""Golden cases: small sets and facts beside the tests, with the exact expected JSON.

``data/golden/<case>/`` holds ``framework.yaml`` (or, for ``vd-xa-2025``, the example set and
its questionnaire), ``<unit>.facts.yaml`` files whose numbers are worked out by hand in their
comments, ``<unit>.expected.json`` (``score --json``) and ``ranking.expected.json``
(``ranking --json`` over every facts file of the case). Run with ``PARINDEX_REGOLD=1`` to
rewrite the expected files after a deliberate change, then review the diff by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from parindex.cli import main

from .conftest import DATA, EXAMPLE_QUESTIONNAIRE, EXAMPLE_SET, GOLDEN

CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir())
FACTS = sorted(f for case in CASES for f in case.glob("*.facts.yaml"))


def framework_args(case: Path) -> list[str]:
    if (case / "framework.yaml").exists():
        return [str(case / "framework.yaml")]
    return [str(EXAMPLE_SET), "--questionnaire", str(EXAMPLE_QUESTIONNAIRE)]


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> object:
    status = main(args)
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "lỗi:" not in err
    return json.loads(out)


def check(expected_path: Path, got: object) -> None:
    if os.environ.get("PARINDEX_REGOLD"):
        expected_path.write_text(
            json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert got == expected


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 3 and len(FACTS) >= 7
    assert DATA.is_dir()


@pytest.mark.parametrize("facts", FACTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_score_json(facts: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = facts.parent
    args = [
        "framework",
        "score",
        *framework_args(case)[:1],
        str(facts),
        "--json",
        *framework_args(case)[1:],
    ]
    got = run_json(args, capsys)
    check(case / facts.name.replace(".facts.yaml", ".expected.json"), got)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
def test_ranking_json(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    facts = sorted(str(f) for f in case.glob("*.facts.yaml"))
    fw = framework_args(case)
    got = run_json(["framework", "ranking", fw[0], *reversed(facts), "--json", *fw[1:]], capsys)
    check(case / "ranking.expected.json", got)
