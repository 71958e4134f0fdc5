"""The copies of the shared examples in data/ stay identical to ../shared and still check OK.

Runs only where the shared folder exists beside the repository (as in CI, where a skip fails);
the project itself never reads it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from parindex.cli import main

from .conftest import DATA

REPO = Path(__file__).resolve().parents[3]
SHARED = REPO.parent / "shared" if (REPO.parent / "shared" / "examples").is_dir() else None
EXAMPLES = ["vd-xa-2025.yaml", "lanh-dao.questionnaire.yaml"]

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(SHARED is None, reason="../shared không có ở đây"),
]


@pytest.mark.parametrize("name", EXAMPLES)
def test_copies_are_identical(name: str) -> None:
    assert SHARED is not None
    assert (DATA / name).read_bytes() == (SHARED / "examples" / name).read_bytes()


def test_shared_example_checks_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert SHARED is not None
    examples = SHARED / "examples"
    status = main(
        [
            "framework",
            "check",
            str(examples / "vd-xa-2025.yaml"),
            "--questionnaire",
            str(examples / "lanh-dao.questionnaire.yaml"),
        ]
    )
    out, err = capsys.readouterr()
    assert status == 0 and err == "" and "hợp lệ" in out
