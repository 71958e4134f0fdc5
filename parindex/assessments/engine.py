"""The scoring engine's view of a criteria-set version, parsed once per process.

``frameworks.selectors.get_engine_framework`` is preferred when that module provides it; until
then (and as a fallback) the version's canonical YAML is parsed here and cached by its SHA-256,
which identifies the text exactly, so a cached framework can never be stale.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from parindex.scoring import Framework, parse_framework
from parindex.scoring.problems import ProblemsError
from parindex.scoring.yamlio import load_yaml_text

_CACHE: dict[str, Framework] = {}
_LOCK = threading.Lock()


def _from_frameworks_app(version: Any) -> Framework | None:
    try:
        module = importlib.import_module("parindex.frameworks.selectors")
    except ImportError:
        return None
    getter = getattr(module, "get_engine_framework", None)
    if getter is None:
        return None
    found = getter(version)
    return found if isinstance(found, Framework) else None


def engine_framework(version: Any) -> Framework:
    """The engine :class:`Framework` of a ``FrameworkVersion`` (cached by SHA-256)."""
    key = f"{version.sha256}:{version.pk}"
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    framework = _from_frameworks_app(version)
    if framework is None:
        doc = load_yaml_text(version.canonical_yaml, filename=f"{version.code}.yaml")
        framework, problems = parse_framework(doc, file=f"{version.code}.yaml")
        if framework is None:
            raise ProblemsError([p for p in problems if p.is_error])
    with _LOCK:
        _CACHE[key] = framework
    return framework


def ancestors_and_self(framework: Framework, code: str) -> list[str]:
    """``code`` and the codes of its ancestors, nearest first (empty for an unknown code)."""
    node = framework.by_code.get(code)
    chain: list[str] = []
    while node is not None:
        chain.append(node.code)
        node = framework.by_code.get(node.parent) if node.parent else None
    return chain
