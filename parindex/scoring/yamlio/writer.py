"""Canonical YAML writing and the SHA-256 of a document.

Writing (:func:`dump_canonical_yaml`) gives one deterministic, readable text per document:
keys in the order of the format description, node codes always quoted, decimals exactly as
held, strings quoted whenever a plain scalar would change meaning, Vietnamese letters
unescaped. ``load(dump(doc)) == doc`` and ``dump(load(dump(doc))) == dump(doc)``.
:func:`dump_flow` writes one value as single-line YAML flow text (used by the .xlsx form for
rules), which :func:`~parindex.scoring.yamlio.reader.load_flow_text` reads back.
:func:`canonical_sha256` is the SHA-256 of the canonical text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from yaml.emitter import Emitter

from .reader import resolves_to_str

__all__ = [
    "BLOCK_WIDTH",
    "NODE_KEY_ORDER",
    "TOP_KEY_ORDER",
    "canonical_sha256",
    "dump_canonical_yaml",
    "dump_flow",
    "format_decimal",
]

TOP_KEY_ORDER: tuple[str, ...] = (
    "format",
    "framework",
    "unit",
    "code",
    "name",
    "year",
    "respondent_group",
    "applies_to",
    "issued_by",
    "scale",
    "decimals",
    "bands",
    "questionnaires",
    "questions",
    "nodes",
    "values",
)
NODE_KEY_ORDER: tuple[str, ...] = (
    "code",
    "name",
    "kind",
    "max",
    "capped",
    "source",
    "evidence",
    "evidence_hint",
    "guidance",
    "owner_hint",
    "applies_to",
    "may_not_apply",
    "rule",
    "children",
)
_QUESTIONNAIRE_ORDER = ("format", "code", "name", "respondent_group", "scale", "questions")
_RULE_ORDER = ("manual", "yes_no", "checklist", "survey", "inputs", "checks", "cases")
_INPUT_ORDER = ("name", "label", "type", "min", "max", "help")

# Key order of a mapping, chosen by the key under which it (or the list holding it) sits.
_ORDER_BY_PARENT: dict[str | None, tuple[str, ...]] = {
    None: TOP_KEY_ORDER,
    "nodes": NODE_KEY_ORDER,
    "children": NODE_KEY_ORDER,
    "questionnaires": _QUESTIONNAIRE_ORDER,
    "rule": _RULE_ORDER,
    "inputs": _INPUT_ORDER,
    "cases": ("when", "points"),
    "checks": ("require", "message", "level"),
    "checklist": ("label", "points"),
    "scale": ("code", "label", "share"),
    "questions": ("code", "text"),
    "bands": ("min", "label"),
    "survey": ("questionnaire", "questions"),
    "manual": ("step",),
    "unit": ("code", "name", "kind"),
}
# Lists under these keys always hold one block mapping per item (never flow style).
_BLOCK_LISTS = frozenset({"nodes", "children", "questionnaires"})
# Text under these keys is always quoted: codes, and expressions (as the format examples do).
_CODE_KEYS = frozenset({"code", "when", "points", "require"})

BLOCK_WIDTH = 120  # a flow collection is used when its line stays within this width

_NUMERIC_START = re.compile(r"^[-+.]?[0-9]")
_CODE_LIKE_KEY = re.compile(r"^[0-9][0-9.]*$")
# Inside {...} and [...] only identifier-like words stay plain; other text is quoted, which is
# easier to read and to edit safely (a comma added later cannot split the value).
_FLOW_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_PLAIN_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_LITERAL_FORBIDDEN = re.compile(
    r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]"
)
_ESCAPES = {
    "\0": "\\0",
    "\x07": "\\a",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\x0b": "\\v",
    "\x0c": "\\f",
    "\r": "\\r",
    "\x1b": "\\e",
    '"': '\\"',
    "\\": "\\\\",
    "\x85": "\\N",
    "\xa0": "\\_",
    "\u2028": "\\L",
    "\u2029": "\\P",
}

_analyser = Emitter(io.StringIO(), allow_unicode=True)


def format_decimal(value: Decimal) -> str:
    """A Decimal as YAML number text, exactly: ``Decimal('0.50')`` → ``0.50``, never an
    exponent (``Decimal('1E+2')`` → ``100``)."""
    if not value.is_finite():
        raise ValueError(f"không ghi được số {value} (vô cực hoặc không phải số)")
    return format(value, "f")


def _is_printable(ch: str) -> bool:
    code = ord(ch)
    return (
        code in (0x09, 0x0A, 0x0D)
        or 0x20 <= code <= 0x7E
        or code == 0x85
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


_EXCEL_ESCAPE = re.compile(r"_(?=[xX][0-9A-Fa-f]{4}_)")


def _double_quoted(text: str, *, excel: bool = False) -> str:
    out = ['"']
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _is_printable(ch) and ch != "\ufeff":
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02X}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(f"\\U{ord(ch):08X}")
    out.append('"')
    result = "".join(out)
    if excel:  # Excel would read "_x0041_" in a cell as "A": write the "_" as an escape
        result = _EXCEL_ESCAPE.sub(r"\\x5F", result)
    return result


def _plain_ok(text: str, *, flow: bool, excel: bool = False) -> bool:
    if flow and not _FLOW_PLAIN.match(text):
        return False
    if excel and _EXCEL_ESCAPE.search(text):
        return False
    if not text or _PLAIN_FORBIDDEN.search(text) or _NUMERIC_START.match(text):
        return False
    if any(not _is_printable(ch) for ch in text):
        return False
    analysis = _analyser.analyze_scalar(text)
    if analysis.multiline:
        return False
    if not (analysis.allow_flow_plain if flow else analysis.allow_block_plain):
        return False
    return resolves_to_str(text)


def _string_scalar(text: str, *, flow: bool, quote: bool = False, excel: bool = False) -> str:
    if not quote and _plain_ok(text, flow=flow, excel=excel):
        return text
    return _double_quoted(text, excel=excel)


def _scalar(value: Any, *, flow: bool, quote: bool = False, excel: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_decimal(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _string_scalar(value, flow=flow, quote=quote, excel=excel)
    raise ValueError(f"không ghi được giá trị kiểu {type(value).__name__} ra YAML")


def _key_text_out(key: Any, *, flow: bool, excel: bool = False) -> str:
    if isinstance(key, str):
        if len(key) > 1000:
            raise ValueError("khóa quá dài (hơn 1000 ký tự)")
        quote = bool(_CODE_LIKE_KEY.match(key))
        return _string_scalar(key, flow=flow, quote=quote, excel=excel)
    if isinstance(key, (Mapping, list, tuple)):
        raise ValueError("khóa của một mục không thể là danh sách hay mục con")
    return _scalar(key, flow=flow)


_DIGIT_RUNS = re.compile(r"([0-9]{1,30})")


def _natural(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key that puts "1.9" before "1.10" (node codes as keys of a facts file)."""
    return tuple(
        (0, int(part), "") if _DIGIT_RUNS.fullmatch(part) else (1, 0, part)
        for part in _DIGIT_RUNS.split(text)
        if part
    )


def _sort_key(order: tuple[str, ...]) -> Any:
    """Known keys in ``order``, then the others by type, then by value (numbers) or in natural
    order of their text."""

    def key(item: tuple[Any, Any]) -> tuple[Any, ...]:
        k = item[0]
        if isinstance(k, str) and k in order:
            return (0, order.index(k), "", Decimal(0), (), "")
        number = k if isinstance(k, Decimal) and k.is_finite() else Decimal(0)
        text = _key_text_out(k, flow=True)
        natural = _natural(k) if isinstance(k, str) else ()
        return (1, 0, type(k).__name__, number, natural, text)

    return key


def _ordered_items(mapping: Mapping[Any, Any], parent: str | None) -> list[tuple[Any, Any]]:
    order = _ORDER_BY_PARENT.get(parent, ())
    return sorted(mapping.items(), key=_sort_key(order))


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple))


def _flowable(value: Any) -> bool:
    """Scalars, lists of scalars, and mappings of flowable values (no list of mappings)."""
    if _is_scalar(value):
        return not (isinstance(value, str) and "\n" in value)  # keep text blocks readable
    if isinstance(value, Mapping):
        return all(_flowable(v) for v in value.values())
    return all((_is_scalar(v) or isinstance(v, (list, tuple))) and _flowable(v) for v in value)


def _flow(value: Any, parent: str | None, excel: bool = False) -> str:
    if isinstance(value, Mapping):
        parts = [
            f"{_key_text_out(k, flow=True, excel=excel)}: "
            f"{_flow(v, k if isinstance(k, str) else None, excel)}"
            for k, v in _ordered_items(value, parent)
        ]
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v, parent, excel) for v in value) + "]"
    quote = parent in _CODE_KEYS and isinstance(value, str)
    return _scalar(value, flow=True, quote=quote, excel=excel)


def dump_flow(value: Any, *, parent: str | None = None, excel: bool = False) -> str:
    """One value as single-line YAML flow text, e.g. ``{yes_no: "Có kế hoạch"}``. Reading the
    text with :func:`load_flow_text` gives the value back exactly. ``parent`` is the key the
    value sits under (it chooses the key order, e.g. ``"rule"``). With ``excel``, text that a
    spreadsheet cell would alter (``_x0041_``) is escaped; the text never holds a line break
    or a control character, so it can go into a cell as it is."""
    return _flow(value, parent, excel)


def _literal_ok(text: str) -> bool:
    if "\n" not in text or text.startswith((" ", "\n")) or text.endswith("\n\n"):
        return False
    if _LITERAL_FORBIDDEN.search(text) or "\r" in text:
        return False
    body = text[:-1] if text.endswith("\n") else text
    return all(line == line.rstrip(" ") for line in body.split("\n"))


def _literal(text: str, indent: int) -> list[str]:
    header = "|" if text.endswith("\n") else "|-"
    body = text[:-1] if text.endswith("\n") else text
    pad = " " * indent
    return [header] + [pad + line if line else "" for line in body.split("\n")]


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def value_inline(self, value: Any, parent: str | None, indent: int) -> str | None:
        """The text after ``key: `` / ``- `` when the value fits on that line, else None."""
        if _is_scalar(value):
            if isinstance(value, str) and _literal_ok(value):
                return None
            quote = parent in _CODE_KEYS and isinstance(value, str)
            return _scalar(value, flow=False, quote=quote)
        if not value:
            return "{}" if isinstance(value, Mapping) else "[]"
        if parent in _BLOCK_LISTS:
            return None
        if _flowable(value):
            text = _flow(value, parent)
            if indent + len(text) <= BLOCK_WIDTH:
                return text
        return None

    def mapping(
        self,
        mapping: Mapping[Any, Any],
        parent: str | None,
        indent: int,
        first_prefix: str | None = None,
    ) -> None:
        pad = " " * indent
        for i, (key, value) in enumerate(_ordered_items(mapping, parent)):
            prefix = first_prefix if (i == 0 and first_prefix is not None) else pad
            key_out = _key_text_out(key, flow=False)
            child_parent = key if isinstance(key, str) else None
            self.entry(f"{prefix}{key_out}:", value, child_parent, indent, item=False)

    def entry(self, head: str, value: Any, parent: str | None, indent: int, *, item: bool) -> None:
        """Write ``head`` (``key:``, or ``-`` when ``item``) then ``value``; ``indent`` is the
        column of the key or dash."""
        inline = self.value_inline(value, parent, indent + len(head) + 1)
        if inline is not None:
            self.lines.append(f"{head} {inline}")
            return
        if isinstance(value, str):
            literal = _literal(value, indent + 2)
            self.lines.append(f"{head} {literal[0]}")
            self.lines.extend(literal[1:])
        elif isinstance(value, Mapping):
            if item:
                self.mapping(value, parent, indent + 2, first_prefix=head + " ")
            else:
                self.lines.append(head)
                self.mapping(value, parent, indent + 2)
        else:
            self.lines.append(head)
            self.sequence(value, parent, indent + 2)

    def sequence(self, items: Sequence[Any], parent: str | None, indent: int) -> None:
        for i, item in enumerate(items):
            if i and parent == "nodes" and indent == 2:
                self.lines.append("")  # a blank line between top-level fields
            self.entry(" " * indent + "-", item, parent, indent, item=True)


def _without_default_check_level(rule: Any) -> Any:
    """``level: error`` is a check's default and is left out."""
    if not isinstance(rule, Mapping) or not isinstance(rule.get("checks"), list):
        return rule
    checks = [
        {k: v for k, v in c.items() if not (k == "level" and v == "error")}
        if isinstance(c, Mapping)
        else c
        for c in rule["checks"]
    ]
    return {**rule, "checks": checks}


def _without_default_node_rule(node: Any) -> Any:
    if not isinstance(node, Mapping):
        return node
    children = node.get("children")
    if isinstance(children, list):
        return {**node, "children": [_without_default_node_rule(c) for c in children]}
    if children is None and node.get("rule") == "manual":
        return {k: v for k, v in node.items() if k != "rule"}
    if isinstance(node.get("rule"), Mapping):
        return {**node, "rule": _without_default_check_level(node["rule"])}
    return node


def _without_default_rules(doc: Any) -> Any:
    """In a criteria set, ``rule: manual`` on a leaf is the default and is left out, so a set
    that spells it and one that does not (e.g. after a trip through .xlsx, where both are an
    empty ``Cách chấm`` cell) have one canonical text and one SHA-256; so is a check's
    ``level: error``."""
    if (
        isinstance(doc, Mapping)
        and doc.get("format") == "parindex-framework/1"
        and isinstance(doc.get("nodes"), list)
    ):
        return {**doc, "nodes": [_without_default_node_rule(n) for n in doc["nodes"]]}
    return doc


def dump_canonical_yaml(doc: Any) -> str:
    """The canonical YAML text of a document (see the module description). Raises
    ``ValueError`` for values a document cannot hold (floats are accepted and written as the
    shortest exact decimal of their ``repr``; NaN and infinities are refused)."""
    writer = _Writer()
    doc = _without_default_rules(doc)
    if isinstance(doc, Mapping):
        if not doc:
            return "{}\n"
        writer.mapping(doc, None, 0)
    elif isinstance(doc, (list, tuple)):
        if not doc:
            return "[]\n"
        writer.sequence(doc, None, 0)
    elif isinstance(doc, str) and _literal_ok(doc):
        writer.lines.extend(_literal(doc, 2))
    else:
        writer.lines.append(_scalar(doc, flow=False))
    return "\n".join(writer.lines) + "\n"


def canonical_sha256(doc: Any) -> str:
    """SHA-256 (hex) of the UTF-8 canonical YAML of ``doc``: equal documents, equal hashes."""
    return hashlib.sha256(dump_canonical_yaml(doc).encode("utf-8")).hexdigest()
