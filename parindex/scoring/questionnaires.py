"""Questionnaires (format ``parindex-questionnaire/1``): files, or inline entries of a set's
``questionnaires:`` list.

A questionnaire has a ``code``, a ``name``, an optional ``respondent_group``, a ``scale`` of
answer options (``code``, ``label``, ``share`` from 0 to 1 or ``null`` for "don't know") and
``questions`` (``code``, ``text``). Codes are quoted strings, unique within their list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .model import Question, Questionnaire, ScaleOption
from .problems import Problem
from .reader import Reader

__all__ = ["QUESTIONNAIRE_FORMAT", "parse_questionnaire", "read_questionnaire"]

QUESTIONNAIRE_FORMAT = "parindex-questionnaire/1"
_KEYS = ("format", "code", "name", "respondent_group", "scale", "questions")
_ONE = Decimal(1)
_ZERO = Decimal(0)


def _entries(
    r: Reader, value: Any, where: str, *, key: str, listing: str, what: str
) -> Iterator[tuple[str, Mapping[Any, Any]]]:
    """The entries of the non-empty list ``value`` (under ``key``), each with the place its
    problems name; an entry that is not a mapping is a problem and skipped."""
    if not isinstance(value, list) or not value:
        r.error(f"'{key}' phải là danh sách {listing}", where=where)
        return
    for i, raw in enumerate(value, 1):
        place = f"{where}, {what} thứ {i}"
        m = r.mapping(raw, what, where=place)
        if m is not None:
            yield place, m


def _code(r: Reader, m: Mapping[Any, Any], what: str, where: str | None) -> str | None:
    """The required ``code`` of a questionnaire or of one of its entries."""
    if "code" not in m:
        r.error("thiếu khóa bắt buộc 'code'", where=where)
        return None
    return r.code(m["code"], f"mã {what}", where=where)


def _unique(r: Reader, code: str, seen: set[str], what: str, where: str) -> bool:
    """Whether ``code`` is new in its list (then it is added to ``seen``); a repeat is a problem."""
    if code in seen:
        r.error(f"mã {what} '{code}' bị trùng", where=where)
        return False
    seen.add(code)
    return True


def _options(r: Reader, value: Any, where: str) -> tuple[ScaleOption, ...]:
    out: list[ScaleOption] = []
    seen: set[str] = set()
    entries = _entries(
        r,
        value,
        where,
        key="scale",
        listing="các mức trả lời {code, label, share}",
        what="mức trả lời",
    )
    for place, m in entries:
        r.unknown_keys(m, ("code", "label", "share"), "mức trả lời", where=place)
        code = _code(r, m, "mức trả lời", place)
        label = r.text(m, "label", where=place, required=True)
        if "share" not in m:
            r.error(
                "thiếu khóa bắt buộc 'share' (một số từ 0 đến 1, hoặc null cho \"không biết\")",
                where=place,
            )
            continue
        share = r.decimal(m, "share", where=place, minimum=_ZERO, maximum=_ONE)
        if m["share"] is not None and share is None:
            continue
        if code is None or label is None or not _unique(r, code, seen, "mức trả lời", place):
            continue
        out.append(ScaleOption(code, label, share))
    return tuple(out)


def _questions(r: Reader, value: Any, where: str) -> tuple[Question, ...]:
    out: list[Question] = []
    seen: set[str] = set()
    entries = _entries(
        r, value, where, key="questions", listing="các câu hỏi {code, text}", what="câu hỏi"
    )
    for place, m in entries:
        r.unknown_keys(m, ("code", "text"), "câu hỏi", where=place)
        code = _code(r, m, "câu hỏi", place)
        text = r.text(m, "text", where=place, required=True)
        if code is None or text is None or not _unique(r, code, seen, "câu hỏi", place):
            continue
        out.append(Question(code, text))
    return tuple(out)


def parse_questionnaire(
    r: Reader, doc: Any, *, inline: bool, where: str | None = None
) -> Questionnaire | None:
    """Read one questionnaire, recording problems in ``r``. Returns None when it has errors."""
    place = where or "phiếu khảo sát"
    m = r.mapping(doc, "phiếu khảo sát", where=where)
    if m is None:
        return None
    errors_before = sum(1 for p in r.problems if p.is_error)
    r.unknown_keys(m, _KEYS, "phiếu khảo sát", where=where)
    fmt = m.get("format")
    if fmt is None and not inline:
        r.error(f"thiếu khóa bắt buộc 'format' (format: {QUESTIONNAIRE_FORMAT})", where=where)
    elif fmt is not None and fmt != QUESTIONNAIRE_FORMAT:
        hint = ""
        if fmt == "parindex-framework/1":
            hint = " — đây là một bộ tiêu chí, không phải phiếu khảo sát"
        r.error(f"định dạng '{fmt}' không đúng: cần {QUESTIONNAIRE_FORMAT}{hint}", where=where)
    code = _code(r, m, "phiếu", where)
    if code is not None:
        place = f"phiếu {code}"
    name = r.text(m, "name", where=place, required=True)
    group = r.text(m, "respondent_group", where=place)
    scale = _options(r, m.get("scale"), place)
    questions = _questions(r, m.get("questions"), place)
    if sum(1 for p in r.problems if p.is_error) > errors_before or code is None or name is None:
        return None
    shares: Mapping[str, Decimal | None] = MappingProxyType({o.code: o.share for o in scale})
    if all(o.share is None for o in scale):
        r.error(
            "mọi mức trả lời đều có share: null: không câu trả lời nào được tính điểm", where=place
        )
        return None
    return Questionnaire(
        code=code,
        name=name,
        respondent_group=group,
        scale=scale,
        questions=questions,
        shares=shares,
        question_codes=frozenset(q.code for q in questions),
    )


def read_questionnaire(doc: Any, *, file: str) -> tuple[Questionnaire | None, list[Problem]]:
    """Read a questionnaire file's document. Returns the questionnaire (None when there are
    errors) and every problem found."""
    r = Reader(file)
    q = parse_questionnaire(r, doc, inline=False)
    return (None if r.has_errors else q), r.problems
