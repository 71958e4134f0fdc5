"""Exact YAML reading for criteria sets, questionnaires and facts.

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

:func:`load_flow_text` reads back one value written as single-line YAML flow text (a cell of
the .xlsx form); :func:`resolves_to_str` tells the writer whether a plain scalar reads as text.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Hashable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

from ..problems import Problem, ProblemsError

__all__ = [
    "YamlLoader",
    "load_flow_text",
    "load_yaml_file",
    "load_yaml_text",
    "read_text_file",
    "resolves_to_str",
]

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

_resolver = YamlLoader("")


def resolves_to_str(text: str) -> bool:
    """Whether ``text``, written as a plain scalar, reads back as text (not as a number, a
    boolean, a date or null)."""
    tag = _resolver.resolve(ScalarNode, text, (True, False))
    return bool(tag == _STR_TAG)


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
