"""Exact YAML reading and canonical YAML writing for criteria sets, questionnaires and facts.

Reading (:func:`load_yaml_text`, :func:`load_yaml_file`) gives the *document* of a file: plain
data made of ``dict``, ``list``, ``str``, ``bool``, ``None``, ``datetime.date`` (and
``datetime.datetime`` when a time is written) and :class:`~decimal.Decimal` for every number,
integers included. Numbers are taken exactly as written (``0.50`` stays ``Decimal('0.50')``),
never through binary floating point. YAML 1.1 is followed (``yes``/``no``/``on``/``off`` are
booleans, as in common parsers), with one extension: a number with an exponent but no dot or no
sign in the exponent (``1e-2``, ``2.5E3``) is a number too. ``.inf`` and ``.nan`` are errors.
Text is normalised to Unicode NFC. A key repeated in one mapping is an error. Problems are
raised as :class:`~parindex.scoring.problems.ProblemsError` with one Vietnamese line each,
naming the file, line and column; no traceback reaches the user.

Writing (:func:`dump_canonical_yaml`) gives one deterministic, readable text per document:
keys in the order of the format description, node codes always quoted, decimals exactly as
held, strings quoted whenever a plain scalar would change meaning, Vietnamese letters
unescaped. ``load(dump(doc)) == doc`` and ``dump(load(dump(doc))) == dump(doc)``.
:func:`dump_flow` writes one value as single-line YAML flow text (used by the .xlsx form for
rules) and :func:`load_flow_text` reads such a cell back.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.emitter import Emitter
from yaml.nodes import MappingNode, Node, ScalarNode

from .problems import Problem, ProblemsError

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
]

# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_FLOAT_TAG = "tag:yaml.org,2002:float"
_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"

# Numbers with an exponent that YAML 1.1 would leave as text (no dot, or no exponent sign).
_EXTRA_FLOAT = re.compile(
    r"""^(?:[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+
        |[-+]?\.[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?)$""",
    re.VERBOSE,
)
_PLAIN_DECIMAL_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")

try:  # the C parser is much faster; exactness does not depend on it (values are rebuilt here)
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


def _mark_where(mark: Any) -> str | None:
    if mark is None:
        return None
    return f"dòng {mark.line + 1}, cột {mark.column + 1}"


class _LoadProblem(Exception):
    """Raised inside the constructor for a value that cannot be used."""

    def __init__(self, message: str, node: Node) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


class YamlLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps numbers exact (Decimal), normalises text to NFC and reports
    duplicate keys. Use :func:`load_yaml_text` rather than this class directly."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[str, Node, Node]] = []

    # -- scalars ---------------------------------------------------------------------------

    def construct_exact_int(self, node: ScalarNode) -> Decimal:
        text = str(self.construct_scalar(node))
        if _PLAIN_DECIMAL_INT.match(text):
            return Decimal(text.replace("_", ""))
        value = super().construct_yaml_int(node)  # 0x.., 0b.., octal, 1:30 (YAML 1.1)
        return Decimal(int(value))

    def construct_exact_float(self, node: ScalarNode) -> Decimal:
        text = str(self.construct_scalar(node)).replace("_", "")
        low = text.lower()
        if low.lstrip("+-") in (".inf", ".nan"):
            raise _LoadProblem(
                f"giá trị {text} (vô cực hoặc không phải số) không được dùng; hãy ghi một số", node
            )
        if ":" in text:  # YAML 1.1 base-60 number, e.g. 1:30.5
            sign = -1 if text.startswith("-") else 1
            parts = text.lstrip("+-").split(":")
            total = Decimal(0)
            for part in parts:
                total = total * 60 + Decimal(part)
            return total * sign
        try:
            return Decimal(text)
        except InvalidOperation:
            raise _LoadProblem(f"số không hợp lệ: {text}", node) from None

    def construct_nfc_str(self, node: ScalarNode) -> str:
        return unicodedata.normalize("NFC", str(self.construct_scalar(node)))

    def construct_checked_timestamp(self, node: ScalarNode) -> dt.date:
        try:
            value: dt.date = super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            raise _LoadProblem(f"ngày không hợp lệ: {node.value}", node) from None
        return value

    def construct_unsupported(self, node: Node) -> Any:
        raise _LoadProblem(f"thẻ YAML {node.tag} không được hỗ trợ trong tệp này", node)

    # -- mappings --------------------------------------------------------------------------

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        if isinstance(node, MappingNode):
            seen: dict[Any, Node] = {}
            for key_node, _value_node in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    raise _LoadProblem(
                        "khóa của một mục không thể là danh sách hay mục con", key_node
                    ) from None
                # 1, 1.0, true (and 2.1, 2.10) are one key in a mapping: report, never merge
                if key in seen:
                    self.duplicate_keys.append((_key_text(key_node), key_node, seen[key]))
                else:
                    seen[key] = key_node
        result: dict[Hashable, Any] = super().construct_mapping(node, deep=deep)
        return result


def _key_text(node: Node) -> str:
    value = node.value
    return value if isinstance(value, str) else "?"


YamlLoader.add_constructor(_INT_TAG, YamlLoader.construct_exact_int)
YamlLoader.add_constructor(_FLOAT_TAG, YamlLoader.construct_exact_float)
YamlLoader.add_constructor(_STR_TAG, YamlLoader.construct_nfc_str)
YamlLoader.add_constructor("tag:yaml.org,2002:timestamp", YamlLoader.construct_checked_timestamp)
for _tag in ("binary", "set", "omap", "pairs"):
    YamlLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", YamlLoader.construct_unsupported)
YamlLoader.add_constructor(None, YamlLoader.construct_unsupported)
YamlLoader.add_implicit_resolver(_FLOAT_TAG, _EXTRA_FLOAT, list("-+0123456789."))


# English messages of PyYAML / libyaml, and what to tell the user instead.
_SYNTAX_MESSAGES: list[tuple[str, str]] = [
    (
        "mapping values are not allowed",
        'dấu hai chấm không được đứng ở đây (văn bản có ": " phải đặt trong ngoặc kép, '
        "hoặc thụt lề sai)",
    ),
    ("could not find expected ':'", "thiếu dấu hai chấm sau khóa"),
    (
        "cannot start any token",
        "ký tự không được đứng ở đầu một giá trị (thụt lề bằng phím Tab? hãy dùng dấu cách; "
        "văn bản bắt đầu bằng @ hoặc ` phải đặt trong ngoặc kép)",
    ),
    ("found unexpected end of stream", "tệp kết thúc khi chuỗi trong ngoặc chưa được đóng"),
    ("found undefined alias", "bí danh (*...) chưa được định nghĩa"),
    ("found unknown escape character", "ký tự thoát (\\...) không hợp lệ trong chuỗi"),
    ("found undefined tag handle", "thẻ (!...) không hợp lệ"),
    ("expected a single document", "tệp chỉ được chứa một tài liệu YAML"),
    ("but found another document", "tệp chỉ được chứa một tài liệu YAML"),
    ("expected ',' or ']'", "thiếu dấu phẩy hoặc dấu ] trong danh sách [...]"),
    (
        "expected ',' or '}'",
        "thiếu dấu phẩy hoặc dấu } trong mục {...} (văn bản có dấu phẩy phải đặt trong ngoặc kép)",
    ),
    ("did not find expected key", "thụt lề không khớp hoặc thiếu khóa"),
    ("expected <block end>", "thụt lề không khớp"),
    ("did not find expected '-' indicator", "thụt lề không khớp trong danh sách"),
    ("did not find expected node content", "thiếu giá trị"),
    ("expected the node content", "thiếu giá trị"),
    ("found a tab character", "không được dùng phím Tab để thụt lề; hãy dùng dấu cách"),
    ("control characters are not allowed", "tệp chứa ký tự điều khiển không hợp lệ"),
    ("special characters are not allowed", "tệp chứa ký tự điều khiển không hợp lệ"),
    ("while scanning a simple key", "khóa chưa kết thúc bằng dấu hai chấm"),
    ("found duplicate anchor", "neo (&...) bị lặp lại"),
]


def _syntax_message(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None) or ""
    context = getattr(error, "context", None) or ""
    text = f"{problem} {context} {error}"
    for needle, message in _SYNTAX_MESSAGES:
        if needle in text:
            return f"lỗi cú pháp YAML: {message}"
    detail = (problem or str(error).splitlines()[0] if str(error) else "").strip()
    return f"lỗi cú pháp YAML ({detail})" if detail else "lỗi cú pháp YAML"


def _reader_where(text: str, position: int) -> str:
    before = text[:position]
    line = before.count("\n") + 1
    column = position - (before.rfind("\n") + 1) + 1
    return f"dòng {line}, cột {column}"


def load_yaml_text(text: str, *, filename: str) -> Any:
    """Read YAML text exactly (see the module description); ``filename`` names the source in
    problems. Raises :class:`ProblemsError` for syntax errors, duplicate keys, ``.inf``/``.nan``
    and unsupported tags."""
    if text.startswith("\ufeff"):
        text = text[1:]
    loader = YamlLoader(text)
    try:
        data = loader.get_single_data()
    except _LoadProblem as exc:
        raise ProblemsError(
            [Problem(filename, exc.message, where=_mark_where(exc.node.start_mark))]
        ) from None
    except yaml.reader.ReaderError as exc:
        raise ProblemsError(
            [Problem(filename, _syntax_message(exc), where=_reader_where(text, exc.position))]
        ) from None
    except ConstructorError as exc:
        message = "giá trị không đọc được"
        if exc.problem and "unhashable" in exc.problem:
            message = "khóa của một mục không thể là danh sách hay mục con"
        raise ProblemsError(
            [Problem(filename, message, where=_mark_where(exc.problem_mark))]
        ) from None
    except yaml.MarkedYAMLError as exc:
        raise ProblemsError(
            [Problem(filename, _syntax_message(exc), where=_mark_where(exc.problem_mark))]
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - defensive
        raise ProblemsError([Problem(filename, _syntax_message(exc))]) from None
    finally:
        loader.dispose()
    if loader.duplicate_keys:
        problems = [
            Problem(
                filename,
                f'khóa "{key}" bị lặp lại trong cùng một mục '
                f"(trùng với khóa ở dòng {first.start_mark.line + 1})",
                where=_mark_where(node.start_mark),
            )
            for key, node, first in loader.duplicate_keys
        ]
        raise ProblemsError(problems)
    return data


def read_text_file(path: str | Path, *, filename: str | None = None) -> str:
    """Read a UTF-8 text file, raising :class:`ProblemsError` with a Vietnamese line if it is
    missing, unreadable or not UTF-8."""
    name = filename if filename is not None else str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ProblemsError([Problem(name, "không tìm thấy tệp")]) from None
    except IsADirectoryError:
        raise ProblemsError([Problem(name, "đây là một thư mục, không phải tệp")]) from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise ProblemsError([Problem(name, f"không đọc được tệp ({reason})")]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        raise ProblemsError(
            [
                Problem(
                    name,
                    "tệp không phải văn bản UTF-8 (hãy lưu lại với mã hóa UTF-8)",
                    where=f"dòng {line}",
                )
            ]
        ) from None


def load_yaml_file(path: str | Path, *, filename: str | None = None) -> Any:
    """Read a YAML file exactly; problems name ``filename`` (default: the path as given)."""
    name = filename if filename is not None else str(path)
    return load_yaml_text(read_text_file(path, filename=name), filename=name)


def load_flow_text(text: str, *, filename: str, where: str | None = None) -> Any:
    """Read one value written as YAML text (a spreadsheet cell). Problems carry ``where``
    (the cell), followed by the position inside the cell."""
    try:
        return load_yaml_text(text, filename=filename)
    except ProblemsError as exc:
        problems = []
        line_count = len(text.rstrip("\n").split("\n"))
        for p in exc.problems:
            place = p.where
            inner = p.where
            found = re.fullmatch(r"dòng (\d+), cột \d+", inner or "")
            if found and int(found.group(1)) > line_count:
                inner = "cuối ô"  # the parser reached the end of the text
            elif found and line_count == 1:
                inner = (inner or "").split(", ")[1]
            if where is not None:
                place = f"{where} (trong ô: {inner})" if inner else where
            problems.append(Problem(p.file, p.message, p.node, place, p.severity))
        raise ProblemsError(problems) from None


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

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
_RULE_ORDER = ("manual", "yes_no", "checklist", "survey", "inputs", "cases")
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
_CODE_KEYS = frozenset({"code", "when", "points"})

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
_resolver = YamlLoader("")


def _resolves_to_str(text: str) -> bool:
    tag = _resolver.resolve(ScalarNode, text, (True, False))
    return bool(tag == _STR_TAG)


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
    return _resolves_to_str(text)


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


def _without_default_node_rule(node: Any) -> Any:
    if not isinstance(node, Mapping):
        return node
    children = node.get("children")
    if isinstance(children, list):
        return {**node, "children": [_without_default_node_rule(c) for c in children]}
    if children is None and node.get("rule") == "manual":
        return {k: v for k, v in node.items() if k != "rule"}
    return node


def _without_default_rules(doc: Any) -> Any:
    """In a criteria set, ``rule: manual`` on a leaf is the default and is left out, so a set
    that spells it and one that does not (e.g. after a trip through .xlsx, where both are an
    empty ``Cách chấm`` cell) have one canonical text and one SHA-256."""
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
