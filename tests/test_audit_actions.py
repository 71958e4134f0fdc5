"""Every audit entry the code can write has a declared name with a Vietnamese label.

The test walks the code: each call of ``audit_record`` (or a helper passing its ``action``
through, like ``audit_burst``) must pass a declared :class:`AuditAction` — a module constant, a
constant of another module, or a dict of constants — never a string.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest

from parindex.core.audit import REGISTRY, AuditAction, action_label, audit_record

REPO = Path(__file__).resolve().parent.parent
WRITERS = {"audit_record"}


def _modules() -> list[tuple[str, ast.Module]]:
    out = []
    for path in sorted((REPO / "parindex").rglob("*.py")):
        parts = path.relative_to(REPO).parts
        if "tests" in parts or "migrations" in parts:
            continue
        name = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        out.append((name, ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _action_arg(call: ast.Call) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def _callee(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _resolve(module: Any, expr: ast.expr) -> list[Any]:
    """The value(s) an action argument can take, evaluated in the module's namespace."""
    if isinstance(expr, ast.Subscript):
        container = eval(compile(ast.Expression(expr.value), "<audit>", "eval"), vars(module))
        return list(container.values())
    return [eval(compile(ast.Expression(expr), "<audit>", "eval"), vars(module))]


def _enclosing_params(tree: ast.Module) -> dict[int, set[str]]:
    """For each line inside a function: that function's parameter names."""
    out: dict[int, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = {a.arg for a in [*node.args.args, *node.args.kwonlyargs]}
            for inner in ast.walk(node):
                if hasattr(inner, "lineno"):
                    out.setdefault(inner.lineno, set()).update(names)
    return out


def _function_of(tree: ast.Module, call: ast.Call) -> str:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(inner is call for inner in ast.walk(node)):
            return node.name
    return ""


def test_every_audit_call_site_uses_a_declared_action() -> None:
    modules = _modules()
    writers = set(WRITERS)
    problems: list[str] = []
    checked = 0
    # Helpers that pass their ``action`` parameter to audit_record become writers themselves.
    for _round in range(3):
        for _name, tree in modules:
            params = _enclosing_params(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and _callee(node) in writers:
                    arg = _action_arg(node)
                    if isinstance(arg, ast.Name) and arg.id in params.get(node.lineno, set()):
                        writers.add(_function_of(tree, node))
    for name, tree in modules:
        module = importlib.import_module(name)
        params = _enclosing_params(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and _callee(node) in writers):
                continue
            if name == "parindex.core.audit":
                continue
            arg = _action_arg(node)
            where = f"{name}:{node.lineno}"
            if arg is None:
                problems.append(f"{where}: no action=")
                continue
            if isinstance(arg, ast.Name) and arg.id in params.get(node.lineno, set()):
                continue  # passed through: its callers are checked
            if isinstance(arg, ast.Constant | ast.JoinedStr | ast.BinOp):
                problems.append(f"{where}: a string, not a declared AuditAction")
                continue
            try:
                values = _resolve(module, arg)
            except Exception as exc:
                problems.append(f"{where}: cannot resolve {ast.unparse(arg)} ({exc})")
                continue
            for value in values:
                checked += 1
                if not isinstance(value, AuditAction) or REGISTRY.get(value.name) is not value:
                    problems.append(f"{where}: {ast.unparse(arg)} is not a declared AuditAction")
    assert problems == []
    assert checked >= 50


def test_every_declared_action_has_a_vietnamese_label() -> None:
    for name in ("accounts", "assessments", "campaigns", "evidence", "frameworks", "units"):
        importlib.import_module(f"parindex.{name}.audit_actions")
    assert len(REGISTRY) >= 60
    for name, action in REGISTRY.items():
        assert action.label and action.label != name
        assert not action.label.isascii() or " " in action.label, name
        assert action_label(name) == action.label
    assert action_label("something.unknown") == "Thay đổi khác"


def test_a_string_action_is_refused(db: Any) -> None:
    from parindex.units.tests.factories import UnitFactory

    unit = UnitFactory()
    with pytest.raises(TypeError):
        audit_record(actor=None, action="unit.update", obj=unit)  # type: ignore[arg-type]


def test_every_entry_the_demo_writes_has_a_declared_name(demo: None) -> None:
    from parindex.core.models import AuditEntry

    names = set(AuditEntry.objects.values_list("action", flat=True))
    assert names and names <= set(REGISTRY)
