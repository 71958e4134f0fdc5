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


def test_no_domain_app_imports_the_demo() -> None:
    """The demo builds on the domain apps' services; no domain module imports ``parindex.demo``
    (the demo's commands live in the demo app)."""
    offenders = []
    for path in (REPO / "parindex").rglob("*.py"):
        relative = path.relative_to(REPO)
        if "tests" in relative.parts or relative.parts[:2] == ("parindex", "demo"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                names = [_absolute(path, node)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            offenders += [
                f"{relative}:{node.lineno} imports {name}"
                for name in names
                if name == "parindex.demo" or name.startswith("parindex.demo.")
            ]
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


# --- Views never write ---------------------------------------------------------------------------

_WRITE_METHODS = {
    "create",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
    "save",
    "delete",
    "select_for_update",
}
_STORAGE_NAMES = {"default_storage", "storages", "FileSystemStorage", "ContentFile"}


def _view_modules() -> list[Path]:
    out = []
    for path in sorted((REPO / "parindex").rglob("*.py")):
        parts = path.relative_to(REPO).parts
        if "tests" in parts or "migrations" in parts:
            continue
        if path.name == "views.py" or "views" in parts[:-1]:
            out.append(path)
    return out


def _module_name(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def _absolute(path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = _module_name(path).split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, *(node.module.split(".") if node.module else [])])


def _receiver_is_queryset(func: ast.Attribute) -> bool:
    """``X.objects.update(…)``, ``X.objects.filter(…).update(…)``, ``qs.filter(…).update(…)``."""
    value = func.value
    if isinstance(value, ast.Attribute) and value.attr == "objects":
        return True
    return isinstance(value, ast.Call)


def view_write_offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    app = _module_name(path).split(".")[:2]
    where = path.relative_to(REPO)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            parts = module.split(".")
            if module.startswith("django.db") and any(a.name == "transaction" for a in node.names):
                found.append(f"{where}:{node.lineno} imports transaction")
            if module.startswith("django.core.files"):
                found.append(f"{where}:{node.lineno} imports file storage")
            if "services" in parts and any(p.startswith("_") for p in parts):
                found.append(f"{where}:{node.lineno} imports private module {module}")
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private and parts[:2] != app:
                found.append(f"{where}:{node.lineno} imports {private} from another app")
        elif isinstance(node, ast.Import):
            if any(a.name.startswith("django.core.files") for a in node.names):
                found.append(f"{where}:{node.lineno} imports file storage")
        elif isinstance(node, ast.Name) and node.id in _STORAGE_NAMES:
            found.append(f"{where}:{node.lineno} touches file storage ({node.id})")
        elif isinstance(node, ast.Attribute) and node.attr in ("atomic", "on_commit"):
            found.append(f"{where}:{node.lineno} opens a transaction")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in _WRITE_METHODS:
                found.append(f"{where}:{node.lineno} writes rows ({name})")
            elif name == "update" and _receiver_is_queryset(node.func):
                found.append(f"{where}:{node.lineno} updates rows")
            elif name in ("storage", "open") and isinstance(node.func.value, ast.Attribute):
                found.append(f"{where}:{node.lineno} touches file storage")
    return found


def test_views_never_write() -> None:
    """Views and view packages call services: they open no transaction, touch no file storage,
    create/update/delete/lock no rows, and import no private name of another app nor a
    ``services`` package's private module."""
    offences = [o for path in _view_modules() for o in view_write_offences(path)]
    assert offences == []


def test_view_write_check_catches_each_kind(tmp_path: Path) -> None:
    """The check above is not blind: each forbidden thing in a sample view is reported."""
    sample = REPO / "parindex" / "web" / "views_sample_for_test.py"
    sample.write_text(
        "from django.db import transaction\n"
        "from django.core.files.storage import default_storage\n"
        "from parindex.campaigns.services._base import save_versioned\n"
        "from parindex.units.services import _write\n"
        "def view(request, Unit, qs, ctx):\n"
        "    with transaction.atomic():\n"
        "        Unit.objects.create(code='x')\n"
        "        qs.filter(pk=1).update(name='y')\n"
        "        Unit.objects.select_for_update()\n"
        "        default_storage.delete('a')\n"
        "        ctx.update({'a': 1})\n",
        encoding="utf-8",
    )
    try:
        found = " | ".join(view_write_offences(sample))
    finally:
        sample.unlink()
    for expected in (
        "imports transaction",
        "imports file storage",
        "imports private module",
        "from another app",
        "opens a transaction",
        "writes rows (create)",
        "updates rows",
        "writes rows (select_for_update)",
        "touches file storage",
    ):
        assert expected in found
    assert found.count("updates rows") == 1  # ctx.update(...) on a dict is not a write
