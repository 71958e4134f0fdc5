"""Reading a criteria-set version's nodes for campaign decisions (not-applicable declarations).

The version's ``CriterionNode`` rows are used when present; a version stored without rows is
read from its canonical YAML. A node may be declared not applicable for a whole campaign when
every leaf under it takes its points from a survey or from the organiser.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from parindex.frameworks.models import CriterionNode, FrameworkVersion

SURVEY = "survey"
ORGANISER = "organiser"
SELF = "self"
DECLARABLE_SOURCES = frozenset({SURVEY, ORGANISER})
SOURCE_LABELS = {
    SURVEY: "điều tra xã hội học",
    ORGANISER: "cơ quan tổ chức cung cấp",
    SELF: "đơn vị tự đánh giá",
}


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
        return ", ".join(SOURCE_LABELS.get(s, s) for s in sorted(self.leaf_sources))


def _from_rows(rows: Iterable[CriterionNode]) -> list[NodeInfo]:
    ordered = sorted(rows, key=lambda n: n.position)
    children: dict[int | None, list[CriterionNode]] = {}
    for row in ordered:
        children.setdefault(row.parent_id, []).append(row)
    sources: dict[int, frozenset[str]] = {}

    def leaves(row: CriterionNode) -> frozenset[str]:
        if row.pk in sources:
            return sources[row.pk]
        kids = children.get(row.pk, [])
        found = frozenset({row.source or SELF}) if not kids else frozenset()
        for kid in kids:
            found |= leaves(kid)
        sources[row.pk] = found
        return found

    return [NodeInfo(r.code, r.name, r.depth, leaves(r)) for r in ordered]


def _walk_yaml(raw_nodes: Any, inherited: str, depth: int, out: list[NodeInfo]) -> frozenset[str]:
    found: frozenset[str] = frozenset()
    if not isinstance(raw_nodes, list):
        return found
    for raw in raw_nodes:
        if not isinstance(raw, dict) or raw.get("code") is None:
            continue
        source = str(raw.get("source") or inherited)
        rule = raw.get("rule")
        if isinstance(rule, dict) and "survey" in rule:
            source = SURVEY
        index = len(out)
        out.append(NodeInfo(str(raw["code"]), str(raw.get("name") or ""), depth, frozenset()))
        kids = raw.get("children")
        if isinstance(kids, list) and kids:
            leaf_sources = _walk_yaml(kids, source, depth + 1, out)
        else:
            leaf_sources = frozenset({source})
        out[index] = NodeInfo(out[index].code, out[index].name, depth, leaf_sources)
        found |= leaf_sources
    return found


def _from_yaml(version: FrameworkVersion) -> list[NodeInfo]:
    from parindex.scoring.yamlio import load_yaml_text

    doc = load_yaml_text(version.canonical_yaml, filename=f"{version.code}.yaml")
    out: list[NodeInfo] = []
    if isinstance(doc, dict):
        _walk_yaml(doc.get("nodes"), SELF, 0, out)
    return out


def framework_nodes(version: FrameworkVersion) -> list[NodeInfo]:
    """Every node of the version in tree order, with the sources of the leaves under it."""
    rows = list(CriterionNode.objects.filter(framework=version))
    if rows:
        return _from_rows(rows)
    from parindex.scoring.problems import ProblemsError

    try:
        return _from_yaml(version)
    except ProblemsError:  # a stored text that no longer reads: nothing to offer
        return []


def framework_node(version: FrameworkVersion, code: str) -> NodeInfo | None:
    for node in framework_nodes(version):
        if node.code == code:
            return node
    return None


def declarable_nodes(version: FrameworkVersion) -> list[NodeInfo]:
    return [n for n in framework_nodes(version) if n.declarable]
