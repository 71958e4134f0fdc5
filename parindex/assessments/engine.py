"""The scoring engine's view of a criteria-set version: the frameworks app's compiled set
(parsed once per process, bounded, keyed by SHA-256), plus tree helpers."""

from __future__ import annotations

from typing import Any

from parindex.frameworks.selectors import get_engine_framework
from parindex.scoring import Framework


def engine_framework(version: Any) -> Framework:
    """The engine :class:`Framework` of a ``FrameworkVersion``."""
    return get_engine_framework(version)


def ancestors_and_self(framework: Framework, code: str) -> list[str]:
    """``code`` and the codes of its ancestors, nearest first (empty for an unknown code)."""
    node = framework.by_code.get(code)
    chain: list[str] = []
    while node is not None:
        chain.append(node.code)
        node = framework.by_code.get(node.parent) if node.parent else None
    return chain
