"""Reading and checking a criteria set document into a :class:`~.model.Framework`.

:func:`parse_framework` checks everything the format describes and reports every problem at
once (it never stops at the first): missing required keys, codes that are not quoted strings,
duplicate codes, children maxima that do not add up to the parent's (less is always an error,
more unless ``capped``), rules on parents, ``kind`` below the top level, bad ``source`` /
``evidence`` values, bands out of order, expression errors, unknown questionnaire questions.
Unknown keys are warnings (the format grows by new optional keys). A survey rule naming a
questionnaire that is neither inline nor given is a warning. See :mod:`.model` for inherited
attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from .model import Band, Evidence, Framework, Node, NodeKind, Questionnaire, Source, SurveyRule
from .numbers import ZERO
from .problems import Problem
from .questionnaires import parse_questionnaire
from .reader import Reader, describe, show_number
from .rules import parse_rule

__all__ = ["DEFAULT_DECIMALS", "FRAMEWORK_FORMAT", "TOP_KEYS", "parse_framework"]

FRAMEWORK_FORMAT = "parindex-framework/1"
DEFAULT_DECIMALS = 2  # a set without ``decimals``
TOP_KEYS = (  # a set's top-level keys, in the order the .xlsx form and files show them
    "format",
    "code",
    "name",
    "year",
    "applies_to",
    "issued_by",
    "scale",
    "decimals",
    "bands",
    "questionnaires",
    "nodes",
)
_NODE_KEYS = (
    "code",
    "name",
    "max",
    "children",
    "capped",
    "rule",
    "source",
    "evidence",
    "evidence_hint",
    "guidance",
    "owner_hint",
    "applies_to",
    "may_not_apply",
    "kind",
)
_MAX_DECIMALS = 10


@dataclass(frozen=True, slots=True)
class _Inherited:
    source: Source
    evidence: Evidence
    owner_hint: str | None
    applies_to: frozenset[str] | None
    parent: str | None
    depth: int


class _FrameworkReader:
    def __init__(
        self,
        r: Reader,
        questionnaires: Mapping[str, Questionnaire],
        set_kinds: tuple[str, ...] | None,
    ) -> None:
        self.r = r
        self.questionnaires = questionnaires
        self.set_kinds = set_kinds
        self.seen: set[str] = set()

    def node(self, raw: Any, place: str, ctx: _Inherited) -> tuple[Node | None, Decimal | None]:
        """Read one node and its subtree; returns the node (None on errors) and its max."""
        r = self.r
        m = r.mapping(raw, "tiêu chí", ctx.parent, place)
        if m is None:
            return None, None
        code: str | None = None
        if "code" not in m or m["code"] is None:
            r.error("thiếu khóa bắt buộc 'code'", ctx.parent, place)
        else:
            code = r.code(m["code"], "mã tiêu chí", None, place, is_node=True)
            if code is not None:
                if code in self.seen:
                    r.error(f"mã tiêu chí '{code}' bị trùng", code)
                self.seen.add(code)
        who, where = (code, None) if code is not None else (ctx.parent, place)
        r.unknown_keys(m, _NODE_KEYS, "tiêu chí", who, where)
        name = r.text(m, "name", who, where, required=True)
        node_max = r.decimal(m, "max", who, where, required=True, minimum=ZERO)
        capped = r.boolean(m, "capped", who, where)
        may_not_apply = r.boolean(m, "may_not_apply", who, where)
        kind_text = r.choice(m, "kind", [k.value for k in NodeKind], who, where)
        if "kind" in m and m["kind"] is not None and ctx.depth > 0:
            r.error("'kind' (bonus/penalty) chỉ dùng cho lĩnh vực cấp cao nhất", who, where)
        source_text = r.choice(m, "source", [s.value for s in Source], who, where)
        evidence_text = r.choice(m, "evidence", [e.value for e in Evidence], who, where)
        evidence_hint = r.text(m, "evidence_hint", who, where)
        guidance = r.text(m, "guidance", who, where)
        owner_hint = r.text(m, "owner_hint", who, where) or ctx.owner_hint
        own_kinds = r.kinds(m, "applies_to", who, where)
        if own_kinds is not None and self.set_kinds is not None:
            for k in own_kinds:
                if k not in self.set_kinds:
                    r.warning(
                        f"loại đơn vị '{k}' không có trong applies_to của bộ tiêu chí "
                        f"({', '.join(self.set_kinds)})",
                        who,
                        where,
                    )
        applies_to = ctx.applies_to
        if own_kinds is not None:
            applies_to = (
                frozenset(own_kinds) if applies_to is None else applies_to & frozenset(own_kinds)
            )
        source = Source(source_text) if source_text else ctx.source
        evidence = Evidence(evidence_text) if evidence_text else ctx.evidence

        raw_children = m.get("children")
        children: list[Node] = []
        child_max: list[Decimal | None] = []
        has_children = raw_children is not None
        if has_children and (not isinstance(raw_children, list) or not raw_children):
            r.error("'children' phải là danh sách các tiêu chí con (không rỗng)", who, where)
            has_children = False
            child_max.append(None)
        elif isinstance(raw_children, list):
            inner = _Inherited(source, evidence, owner_hint, applies_to, code, ctx.depth + 1)
            for i, raw_child in enumerate(raw_children, 1):
                child, cmax = self.node(raw_child, f"tiêu chí con thứ {i} của {code or '?'}", inner)
                child_max.append(cmax)
                if child is not None:
                    children.append(child)

        rule = None
        if has_children or raw_children is not None:
            if m.get("rule") is not None:
                r.error(
                    "tiêu chí có tiêu chí con không được có 'rule' (điểm là tổng điểm các "
                    "tiêu chí con)",
                    who,
                    where,
                )
        else:
            if capped:
                r.warning("'capped' chỉ có ý nghĩa với tiêu chí có tiêu chí con", who, where)
            rule = parse_rule(
                r,
                m.get("rule"),
                code=who or "?",
                node_max=node_max,
                label=name or "",
                questionnaires=self.questionnaires,
            )
            if isinstance(rule, SurveyRule):
                if source_text is not None and source is not Source.SURVEY:
                    r.warning(
                        f"quy tắc survey nhưng source là '{source_text}': coi như source: survey",
                        who,
                        where,
                    )
                source = Source.SURVEY

        if has_children and node_max is not None and None not in child_max:
            total = sum((c for c in child_max if c is not None), ZERO)
            if total < node_max:
                r.error(
                    f"tổng điểm tối đa của các tiêu chí con ({show_number(total)}) nhỏ hơn "
                    f"điểm tối đa ({show_number(node_max)})",
                    who,
                    where,
                )
            elif total > node_max and not capped:
                r.error(
                    f"tổng điểm tối đa của các tiêu chí con ({show_number(total)}) lớn hơn "
                    f"điểm tối đa ({show_number(node_max)}); thêm 'capped: true' nếu điểm "
                    "được cộng dồn tối đa không quá điểm tối đa",
                    who,
                    where,
                )

        if code is None or name is None or node_max is None or r.has_errors:
            return None, node_max
        if rule is None and not has_children:
            return None, node_max
        return Node(
            code=code,
            name=name,
            max=node_max,
            children=tuple(children),
            capped=capped,
            rule=rule,
            source=source,
            evidence=evidence,
            evidence_hint=evidence_hint,
            guidance=guidance,
            owner_hint=owner_hint,
            applies_to=applies_to,
            may_not_apply=may_not_apply,
            kind=NodeKind(kind_text) if kind_text and ctx.depth == 0 else None,
            depth=ctx.depth,
            parent=ctx.parent,
        ), node_max


def _bands(r: Reader, raw: Any) -> tuple[Band, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        r.error("'bands' phải là danh sách các mức xếp loại {min, label}, mức cao nhất trước")
        return ()
    bands: list[Band] = []
    previous: Decimal | None = None
    for i, item in enumerate(raw, 1):
        where = f"xếp loại thứ {i}"
        m = r.mapping(item, "mức xếp loại", None, where)
        if m is None:
            continue
        r.unknown_keys(m, ("min", "label"), "mức xếp loại", None, where)
        label = r.text(m, "label", None, where, required=True)
        last = i == len(raw)
        low = r.decimal(m, "min", None, where)
        if last and m.get("min") is not None:
            r.error("mức xếp loại cuối cùng không có 'min' (nhận mọi điểm còn lại)", None, where)
        elif not last and m.get("min") is None:
            r.error("thiếu 'min' (chỉ mức cuối cùng không có min)", None, where)
        if low is not None and previous is not None and low >= previous:
            r.error(
                f"các mức xếp loại phải theo thứ tự cao trước: min {show_number(low)} không "
                f"nhỏ hơn {show_number(previous)} của mức trước",
                None,
                where,
            )
        if low is not None:
            previous = low
        if label is not None:
            bands.append(Band(None if last else low, label))
    return tuple(bands)


def _questionnaires(
    r: Reader, raw: Any, given: Iterable[Questionnaire]
) -> dict[str, Questionnaire]:
    found: dict[str, Questionnaire] = {}
    if raw is not None:
        if not isinstance(raw, list):
            r.error(f"'questionnaires' phải là danh sách phiếu, không phải {describe(raw)}")
        else:
            for i, item in enumerate(raw, 1):
                q = parse_questionnaire(r, item, inline=True, where=f"phiếu thứ {i}")
                if q is None:
                    continue
                if q.code in found:
                    r.error(f"mã phiếu '{q.code}' bị trùng", where=f"phiếu thứ {i}")
                found[q.code] = q
    for q in given:
        if q.code in found:
            r.warning(
                f"phiếu '{q.code}' có cả trong bộ tiêu chí và trong tệp riêng: dùng phiếu "
                "trong tệp riêng"
            )
        found[q.code] = q
    return found


def parse_framework(
    doc: Any, *, file: str, questionnaires: Iterable[Questionnaire] = ()
) -> tuple[Framework | None, list[Problem]]:
    """Check a criteria set document. Returns the framework (None when there is any error)
    and every problem found, errors and warnings, in document order."""
    r = Reader(file)
    m = r.mapping(doc, "bộ tiêu chí")
    if m is None:
        return None, r.problems
    fmt = m.get("format")
    if fmt is None:
        r.error(f"thiếu khóa bắt buộc 'format' (format: {FRAMEWORK_FORMAT})")
    elif fmt != FRAMEWORK_FORMAT:
        hint = ""
        if isinstance(fmt, str) and fmt.startswith("parindex-questionnaire"):
            hint = " — đây là một phiếu khảo sát (dùng --questionnaire)"
        elif isinstance(fmt, str) and fmt.startswith("parindex-facts"):
            hint = " — đây là một tệp số liệu"
        r.error(f"định dạng {describe(fmt)} không đúng: cần {FRAMEWORK_FORMAT}{hint}")
        if hint:  # another kind of file: its other keys mean nothing here
            return None, r.problems
    r.unknown_keys(m, TOP_KEYS, "bộ tiêu chí")
    code = r.code(m["code"], "mã bộ tiêu chí") if m.get("code") is not None else None
    if m.get("code") is None:
        r.error("thiếu khóa bắt buộc 'code'")
    name = r.text(m, "name", required=True)
    year_value = r.decimal(m, "year", integer=True)
    set_kinds = r.kinds(m, "applies_to")
    issued_by = r.text(m, "issued_by")
    scale = r.decimal(m, "scale", positive=True)
    decimals = r.decimal(m, "decimals", integer=True, minimum=ZERO, maximum=Decimal(_MAX_DECIMALS))
    bands = _bands(r, m.get("bands"))
    found = _questionnaires(r, m.get("questionnaires"), questionnaires)

    reader = _FrameworkReader(r, found, set_kinds)
    raw_nodes = m.get("nodes")
    nodes: list[Node] = []
    if raw_nodes is None:
        r.error("thiếu khóa bắt buộc 'nodes' (danh sách các lĩnh vực)")
    elif not isinstance(raw_nodes, list) or not raw_nodes:
        r.error("'nodes' phải là danh sách các lĩnh vực (không rỗng)")
    else:
        top = _Inherited(Source.SELF, Evidence.OPTIONAL, None, None, None, 0)
        for i, raw in enumerate(raw_nodes, 1):
            node, _ = reader.node(raw, f"lĩnh vực thứ {i}", top)
            if node is not None:
                nodes.append(node)
    if r.has_errors or code is None or name is None:
        return None, r.problems
    order = [n for top_node in nodes for n in top_node.walk()]
    position = {n.code: i for i, n in enumerate(order)}
    parent_index = tuple(-1 if n.parent is None else position[n.parent] for n in order)
    children_index = tuple(tuple(position[c.code] for c in n.children) for n in order)
    framework = Framework(
        code=code,
        name=name,
        year=int(year_value) if year_value is not None else None,
        applies_to=set_kinds,
        issued_by=issued_by,
        scale=scale if scale is not None else Decimal(100),
        decimals=int(decimals) if decimals is not None else DEFAULT_DECIMALS,
        bands=bands,
        questionnaires=MappingProxyType(found),
        nodes=tuple(nodes),
        order=tuple(order),
        by_code=MappingProxyType({n.code: n for n in order}),
        parent_index=parent_index,
        children_index=children_index,
        needs_kind=set_kinds is not None or any(n.applies_to is not None for n in order),
    )
    return framework, r.problems
