"""Exact YAML reading and canonical YAML writing for criteria sets, questionnaires and facts.

:mod:`.reader` gives the *document* of a file (every number a :class:`~decimal.Decimal`, text in
NFC, problems in Vietnamese); :mod:`.writer` gives one deterministic text per document and its
SHA-256. ``load(dump(doc)) == doc`` and ``dump(load(dump(doc))) == dump(doc)``.
"""

from __future__ import annotations

from .reader import YamlLoader, load_flow_text, load_yaml_file, load_yaml_text, read_text_file
from .writer import (
    BLOCK_WIDTH,
    NODE_KEY_ORDER,
    TOP_KEY_ORDER,
    canonical_sha256,
    dump_canonical_yaml,
    dump_flow,
    format_decimal,
)

__all__ = [
    "BLOCK_WIDTH",
    "NODE_KEY_ORDER",
    "TOP_KEY_ORDER",
    "YamlLoader",
    "canonical_sha256",
    "dump_canonical_yaml",
    "dump_flow",
    "format_decimal",
    "load_flow_text",
    "load_yaml_file",
    "load_yaml_text",
    "read_text_file",
]
