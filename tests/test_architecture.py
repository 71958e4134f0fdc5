"""Architecture checks: the engine stays pure, migrations are complete."""

from __future__ import annotations

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parent.parent


def test_scoring_imports_no_django() -> None:
    offenders = []
    for path in (REPO / "parindex" / "scoring").rglob("*.py"):
        if "tests" in path.relative_to(REPO).parts:
            continue  # the engine's tests may drive the CLI (parindex.cli)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(
                n == "django"
                or (n.startswith(("django.", "parindex.")) and not n.startswith("parindex.scoring"))
                for n in names
            ):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_project_never_reads_shared_at_run_time() -> None:
    offenders = []
    for path in (REPO / "parindex").rglob("*.py"):
        if "tests" in path.parts:
            continue
        if "../shared" in path.read_text(encoding="utf-8"):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


@pytest.mark.django_db
def test_no_missing_migrations() -> None:
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
