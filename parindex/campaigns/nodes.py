"""A criteria-set version's nodes as campaign decisions read them (not-applicable declarations).

The nodes come from the engine's compiled set (``get_engine_framework``), whose nodes carry
their effective source: inherited from the parent, ``survey`` for a survey rule. A node may be
declared not applicable for a whole campaign when every leaf under it takes its points from a
survey or from the organiser.
"""

from __future__ import annotations

from dataclasses import dataclass

from parindex.frameworks.labels import SOURCE_PHRASES
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.selectors import get_engine_framework
from parindex.scoring import Framework, Node, ProblemsError

DECLARABLE_SOURCES = frozenset({"survey", "organiser"})


@dataclass(frozen=True)
class NodeInfo:
    code: str
    name: str
    depth: int
    leaf_sources: frozenset[str]

    @property
    def declarable(self) -> bool:
        """May be declared not applicable for the whole campaign."""
        return bool(self.leaf_sources) and self.leaf_sources <= DECLARABLE_SOURCES

    @property
    def source_text(self) -> str:
        return ",".join(sorted(self.leaf_sources))

    @property
    def source_label(self) -> str:
        return ", ".join(SOURCE_PHRASES.get(s, s) for s in sorted(self.leaf_sources))


def _node_info(node: Node) -> NodeInfo:
    sources = frozenset(leaf.source.value for leaf in node.walk() if leaf.is_leaf)
    return NodeInfo(node.code, node.name, node.depth, sources)


def _framework(version: FrameworkVersion) -> Framework | None:
    try:
        return get_engine_framework(version)
    except ProblemsError:  # a stored text that no longer passes the check: nothing to offer
        return None


def framework_nodes(version: FrameworkVersion) -> list[NodeInfo]:
    """Every node of the version in tree order, with the sources of the leaves under it."""
    framework = _framework(version)
    return [] if framework is None else [_node_info(node) for node in framework.order]


def framework_node(version: FrameworkVersion, code: str) -> NodeInfo | None:
    framework = _framework(version)
    node = None if framework is None else framework.by_code.get(code)
    return None if node is None else _node_info(node)


def declarable_nodes(version: FrameworkVersion) -> list[NodeInfo]:
    return [n for n in framework_nodes(version) if n.declarable]
