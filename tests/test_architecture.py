"""Architecture checks: the engine stays pure, migrations are complete."""

from __future__ import annotations

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _django_or_apps(name: str, allowed: tuple[str, ...]) -> bool:
    return name == "django" or (
        name.startswith(("django.", "parindex.")) and not name.startswith(allowed)
    )


def test_scoring_imports_no_django() -> None:
    """The engine is pure Python: no Django, no app. It may use ``parindex.exchange`` (the one
    cell reader and writer, Django-free) and nothing else of the project."""
    offenders = []
    for path in (REPO / "parindex" / "scoring").rglob("*.py"):
        if "tests" in path.relative_to(REPO).parts:
            continue  # the engine's tests may drive the CLI (parindex.cli)
        for line, name in _imports(path):
            if _django_or_apps(name, ("parindex.scoring", "parindex.exchange")):
                offenders.append(f"{path.relative_to(REPO)}:{line}")
    assert offenders == []


def test_exchange_imports_no_django() -> None:
    """``parindex.exchange`` (cells, bounded workbooks, MIME types) is Django-free and imports
    no other part of the project, so the engine may use it."""
    offenders = []
    for path in (REPO / "parindex" / "exchange").rglob("*.py"):
        if "tests" in path.relative_to(REPO).parts:
            continue
        for line, name in _imports(path):
            if _django_or_apps(name, ("parindex.exchange",)):
                offenders.append(f"{path.relative_to(REPO)}:{line}")
    assert offenders == []


# openpyxl modules an app may use for layout; opening and saving go through parindex.exchange.
_OPENPYXL_LAYOUT = (
    "openpyxl.styles",
    "openpyxl.utils",
    "openpyxl.worksheet.datavalidation",
    "openpyxl.worksheet.worksheet",
    "openpyxl.formatting",
    "openpyxl.comments",
)


def test_workbooks_are_opened_and_saved_only_through_exchange() -> None:
    """Every .xlsx is read with limits and saved without formulas: outside
    ``parindex.exchange`` no module imports openpyxl's ``Workbook`` or ``load_workbook``, and
    none writes the .xlsx MIME type itself."""
    offenders = []
    for path in (REPO / "parindex").rglob("*.py"):
        relative = path.relative_to(REPO)
        if "tests" in relative.parts or relative.parts[:2] == ("parindex", "exchange"):
            continue
        for line, name in _imports(path):
            if name.startswith("openpyxl") and not name.startswith(_OPENPYXL_LAYOUT):
                offenders.append(f"{relative}:{line} imports {name}")
        if "spreadsheetml" in path.read_text(encoding="utf-8"):
            offenders.append(f"{relative}: MIME type written out (use parindex.exchange.mime)")
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
