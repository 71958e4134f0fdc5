"""The engine stays plain Python: no Django, no eval/exec, small modules."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
SOURCES = [p for p in PACKAGE.rglob("*.py") if "tests" not in p.parts]


def test_no_django_import_in_the_engine() -> None:
    pattern = re.compile(r"^\s*(from|import)\s+django\b", re.MULTILINE)
    offenders = [p.name for p in SOURCES if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_importing_the_engine_and_the_command_loads_no_django() -> None:
    code = (
        "import sys, parindex.scoring, parindex.cli, parindex.scoring.loading; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) "
        "else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_no_dynamic_code_execution() -> None:
    pattern = re.compile(r"(?<![.\w])(eval|exec|compile|__import__)\s*\(")
    offenders = [p.name for p in SOURCES if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
