"""Reads of criteria-set versions, for this app's pages and for every other app.

:func:`get_engine_framework` is the one way other apps get the engine's :class:`Framework` of
a version: the canonical YAML is parsed once per process and cached by its SHA-256 (with the
digest of the separate questionnaires), which identifies the content exactly, so a cached
framework is never stale.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from parindex.core.text import fold
from parindex.scoring import Framework, ProblemsError, Questionnaire, parse_framework
from parindex.scoring import read_questionnaire as engine_read_questionnaire
from parindex.scoring.yamlio import load_yaml_text

from .models import CriterionNode, FrameworkQuestionnaire, FrameworkVersion
from .permissions import frameworks_visible_to

__all__ = [
    "TreeRow",
    "clear_caches",
    "criterion_nodes",
    "framework_version_get",
    "framework_version_list",
    "get_engine_framework",
    "search_tree",
    "version_document",
]

_CACHE_SIZE = 64
_frameworks: OrderedDict[tuple[str, str], Framework] = OrderedDict()
_documents: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def clear_caches() -> None:
    with _lock:
        _frameworks.clear()
        _documents.clear()


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)


def _filename(version: FrameworkVersion) -> str:
    return f"{version.code}.yaml"


def _parsed_document(version: FrameworkVersion) -> Any:
    cached = _documents.get(version.sha256)
    if cached is None:
        cached = load_yaml_text(version.canonical_yaml, filename=_filename(version))
        _remember(_documents, version.sha256, cached)
    return cached


def version_document(version: FrameworkVersion) -> Any:
    """The version's document (a fresh copy: callers may change it)."""
    return copy.deepcopy(_parsed_document(version))


def stored_questionnaires(version: FrameworkVersion) -> list[Questionnaire]:
    """The separate questionnaires stored with the version, as the engine reads them."""
    found: list[Questionnaire] = []
    rows = FrameworkQuestionnaire.objects.filter(framework=version, is_inline=False).order_by(
        "code"
    )
    for row in rows:
        doc = load_yaml_text(row.canonical_yaml, filename=f"{row.code}.questionnaire.yaml")
        questionnaire, problems = engine_read_questionnaire(doc, file=f"{row.code}.yaml")
        if questionnaire is None:  # pragma: no cover - stored only after a clean check
            raise ProblemsError([p for p in problems if p.is_error])
        found.append(questionnaire)
    return found


def get_engine_framework(version: FrameworkVersion) -> Framework:
    """The engine's :class:`Framework` of a version, parsed once per process.

    Raises :class:`ProblemsError` if the stored text no longer passes the engine's check
    (it was checked when stored, so this means the engine's rules changed)."""
    key = (version.sha256, version.questionnaires_sha256)
    cached = _frameworks.get(key)
    if cached is not None:
        return cached
    questionnaires = stored_questionnaires(version) if version.questionnaires_sha256 else []
    framework, problems = parse_framework(
        _parsed_document(version), file=_filename(version), questionnaires=questionnaires
    )
    if framework is None:
        raise ProblemsError([p for p in problems if p.is_error])
    _remember(_frameworks, key, framework)
    return framework


def framework_version_list(*, user: Any) -> QuerySet[FrameworkVersion]:
    return (
        frameworks_visible_to(user)
        .select_related("organiser", "derived_from")
        .order_by("organiser__name_folded", "code", "-number")
    )


def framework_version_get(*, user: Any, pk: int) -> FrameworkVersion | None:
    return (
        frameworks_visible_to(user)
        .select_related("organiser", "derived_from")
        .filter(pk=pk)
        .first()
    )


def criterion_nodes(version: FrameworkVersion) -> list[CriterionNode]:
    """Every node of the version in tree order (one query)."""
    return list(CriterionNode.objects.filter(framework=version).order_by("position"))


@dataclass(frozen=True, slots=True)
class TreeRow:
    """A node as the tree browser shows it: ``matched`` when it matches the search, else it
    is shown only as the ancestor of a match."""

    node: CriterionNode
    matched: bool


def _matches(node: CriterionNode, words: list[str], raw: str) -> bool:
    code = node.code.casefold()
    if code == raw or code.startswith(raw + "."):  # a code finds its node and its subtree
        return True
    return all(word in node.name_folded or word == code for word in words)


def search_tree(nodes: list[CriterionNode], query: str) -> list[TreeRow]:
    """Nodes matching ``query`` by code or by name without diacritics, with their ancestors
    (so every match is shown in its place). An empty query keeps every node."""
    raw = query.strip().casefold()
    words = fold(query).split()
    if not words:
        return [TreeRow(n, False) for n in nodes]
    by_pk = {n.pk: n for n in nodes}
    keep: set[int] = set()
    matched: set[int] = set()
    for node in nodes:
        if _matches(node, words, raw):
            matched.add(node.pk)
            current: CriterionNode | None = node
            while current is not None and current.pk not in keep:
                keep.add(current.pk)
                current = by_pk.get(current.parent_id) if current.parent_id else None
    return [TreeRow(n, n.pk in matched) for n in nodes if n.pk in keep]
