"""What changed between two versions of a criteria set, node by node (matched by code).

:func:`diff_versions` compares two stored versions; :func:`diff_snapshots` does the work on
plain :class:`Snapshot` data (so it can be tested without a database). Kinds of change:

* the whole set (``code is None``): code, name, year, applies_to, issued_by, scale, decimals,
  bands, questionnaires;
* ``added`` / ``removed`` nodes (every node of an added or removed subtree is listed);
* ``moved``: a node whose parent changed, or whose order among the siblings it keeps changed
  (the fewest nodes that explain the new order: those outside the longest common
  subsequence of the common siblings);
* changed ``name``, ``max``, ``rule`` (compared as canonical YAML flow text, shown in words),
  ``source``,
  ``evidence`` (effective values, as scoring uses them), ``evidence_hint``, ``guidance``,
  ``owner_hint``, ``kind``, ``capped``, ``applies_to`` (effective), ``may_not_apply``.

:func:`diff_xlsx` writes the list as a workbook.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from parindex.scoring.speaker import points
from parindex.scoring.words import rule_text_in_words, rules_in_words

from .labels import EVIDENCE_LABELS, KIND_LABELS, SOURCE_LABELS, unit_kinds_text

__all__ = [
    "Change",
    "ChangeKind",
    "NodeSnapshot",
    "Snapshot",
    "diff_snapshots",
    "diff_versions",
    "diff_xlsx",
    "snapshot_of",
    "snapshot_of_check",
]


class ChangeKind(StrEnum):
    SET = "set"
    ADDED = "added"
    REMOVED = "removed"
    MOVED = "moved"
    NAME = "name"
    MAX = "max"
    RULE = "rule"
    SOURCE = "source"
    EVIDENCE = "evidence"
    EVIDENCE_HINT = "evidence_hint"
    GUIDANCE = "guidance"
    OWNER_HINT = "owner_hint"
    KIND = "kind"
    CAPPED = "capped"
    APPLIES_TO = "applies_to"
    MAY_NOT_APPLY = "may_not_apply"


KIND_TITLES: dict[ChangeKind, str] = {
    ChangeKind.SET: "Thông tin chung",
    ChangeKind.ADDED: "Thêm mới",
    ChangeKind.REMOVED: "Bỏ",
    ChangeKind.MOVED: "Di chuyển",
    ChangeKind.NAME: "Đổi tên",
    ChangeKind.MAX: "Đổi điểm tối đa",
    ChangeKind.RULE: "Đổi cách chấm",
    ChangeKind.SOURCE: "Đổi nguồn điểm",
    ChangeKind.EVIDENCE: "Đổi yêu cầu tài liệu kiểm chứng",
    ChangeKind.EVIDENCE_HINT: "Đổi gợi ý tài liệu",
    ChangeKind.GUIDANCE: "Đổi hướng dẫn chấm",
    ChangeKind.OWNER_HINT: "Đổi bộ phận phụ trách",
    ChangeKind.KIND: "Đổi loại (thưởng/trừ)",
    ChangeKind.CAPPED: "Đổi cách cộng dồn",
    ChangeKind.APPLIES_TO: "Đổi phạm vi áp dụng",
    ChangeKind.MAY_NOT_APPLY: "Đổi “có thể không áp dụng”",
}
RULE_DETAIL_CHANGED = (
    "(Thay đổi ở chi tiết của cách chấm: giới hạn hoặc hướng dẫn nhập số liệu, cách ghi trong tệp.)"
)
SET_FIELD_TITLES = {
    "code": "Mã bộ tiêu chí",
    "name": "Tên bộ tiêu chí",
    "year": "Năm",
    "applies_to": "Áp dụng cho",
    "issued_by": "Văn bản ban hành",
    "scale": "Thang điểm",
    "decimals": "Số chữ số thập phân",
    "bands": "Xếp loại",
    "questionnaires": "Phiếu khảo sát",
}


@dataclass(frozen=True, slots=True)
class NodeSnapshot:
    code: str
    name: str
    parent: str | None
    max: Decimal
    rule_text: str
    source: str
    evidence: str
    evidence_hint: str
    guidance: str
    owner_hint: str
    kind: str
    capped: bool
    applies_to: tuple[str, ...] | None
    may_not_apply: bool
    rule_words: str = ""  # the rule in words, as people read it (never compared)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A version as the diff sees it: set-level values (display text), nodes in pre-order and
    the digest of each separate questionnaire (compared, never shown)."""

    top: dict[str, str]
    nodes: tuple[NodeSnapshot, ...]
    questionnaire_digests: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    code: str | None  # None: the set itself
    name: str  # the node's name (or the set field's title)
    old: str
    new: str
    field: str = ""

    @property
    def title(self) -> str:
        if self.kind is ChangeKind.SET:
            return SET_FIELD_TITLES.get(self.field, self.field)
        return KIND_TITLES[self.kind]


def _yes(value: bool) -> str:
    return "có" if value else "không"


def _rule_words(n: NodeSnapshot) -> str:
    """The rule as a person reads it: the words kept in the snapshot, else the rule's text read
    by the engine and worded (never the YAML itself)."""
    if n.rule_words:
        return n.rule_words
    if not n.rule_text.strip():
        return "Tổng điểm các tiêu chí con"
    return rule_text_in_words(n.rule_text, node_max=n.max, label=n.name).text


def _node_fields(n: NodeSnapshot) -> list[tuple[ChangeKind, Any, str]]:
    """(kind, compared value, display text) of each compared attribute (the rule's text is
    worded only when it changed)."""
    return [
        (ChangeKind.NAME, n.name, n.name),
        (ChangeKind.MAX, n.max, points(n.max)),
        (ChangeKind.RULE, n.rule_text, ""),
        (ChangeKind.SOURCE, n.source, SOURCE_LABELS.get(n.source, n.source)),
        (ChangeKind.EVIDENCE, n.evidence, EVIDENCE_LABELS.get(n.evidence, n.evidence)),
        (ChangeKind.EVIDENCE_HINT, n.evidence_hint, n.evidence_hint),
        (ChangeKind.GUIDANCE, n.guidance, n.guidance),
        (ChangeKind.OWNER_HINT, n.owner_hint, n.owner_hint),
        (ChangeKind.KIND, n.kind, KIND_LABELS.get(n.kind, n.kind)),
        (ChangeKind.CAPPED, n.capped, _yes(n.capped)),
        (ChangeKind.APPLIES_TO, n.applies_to, unit_kinds_text(n.applies_to)),
        (ChangeKind.MAY_NOT_APPLY, n.may_not_apply, _yes(n.may_not_apply)),
    ]


def _lcs(a: Sequence[str], b: Sequence[str]) -> set[str]:
    """The items of a longest common subsequence of ``a`` and ``b`` (distinct items)."""
    rows, cols = len(a), len(b)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            table[i][j] = (
                table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
            )
    keep: set[str] = set()
    i = j = 0
    while i < rows and j < cols:
        if a[i] == b[j]:
            keep.add(a[i])
            i += 1
            j += 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return keep


def _where(parent: str | None) -> str:
    return f"thuộc {parent}" if parent is not None else "cấp lĩnh vực"


def _reordered(a: Snapshot, b: Snapshot, common: set[str]) -> dict[str, tuple[int, int]]:
    """Nodes keeping their parent whose order among those siblings changed:
    code → (old place, new place), 1-based among the common siblings."""
    a_parent = {n.code: n.parent for n in a.nodes}
    b_parent = {n.code: n.parent for n in b.nodes}
    stay = {c for c in common if a_parent[c] == b_parent[c]}

    def groups(snap: Snapshot) -> dict[str | None, list[str]]:
        out: dict[str | None, list[str]] = {}
        for n in snap.nodes:
            if n.code in stay:
                out.setdefault(n.parent, []).append(n.code)
        return out

    a_groups, b_groups = groups(a), groups(b)
    moved: dict[str, tuple[int, int]] = {}
    for parent, old_order in a_groups.items():
        new_order = b_groups.get(parent, [])
        if old_order == new_order:
            continue
        keep = _lcs(old_order, new_order)
        for code in new_order:
            if code not in keep:
                moved[code] = (old_order.index(code) + 1, new_order.index(code) + 1)
    return moved


def diff_snapshots(a: Snapshot, b: Snapshot) -> list[Change]:
    """Every change from ``a`` (older) to ``b`` (newer); see the module description."""
    changes: list[Change] = []
    for key in SET_FIELD_TITLES:
        old, new = a.top.get(key, ""), b.top.get(key, "")
        if old != new:
            changes.append(Change(ChangeKind.SET, None, "Thông tin chung", old, new, key))
    a_digests, b_digests = dict(a.questionnaire_digests), dict(b.questionnaire_digests)
    both = a_digests.keys() & b_digests.keys()
    rewritten = sorted(c for c in both if a_digests[c] != b_digests[c])
    if rewritten:  # same questionnaire code, different content
        text = ", ".join(rewritten)
        changes.append(
            Change(
                ChangeKind.SET,
                None,
                "Thông tin chung",
                text,
                f"{text} (nội dung phiếu đã sửa)",
                "questionnaires",
            )
        )

    a_by = {n.code: n for n in a.nodes}
    b_by = {n.code: n for n in b.nodes}
    common = set(a_by) & set(b_by)
    reordered = _reordered(a, b, common)
    b_pos = {n.code: i for i, n in enumerate(b.nodes)}

    keyed: list[tuple[tuple[int, int, int], Change]] = []
    for index, new in enumerate(b.nodes):
        old = a_by.get(new.code)
        if old is None:
            text = f"{points(new.max)} điểm, {_where(new.parent)}"
            keyed.append(((index, 0, 0), Change(ChangeKind.ADDED, new.code, new.name, "", text)))
            continue
        found: list[Change] = []
        if old.parent != new.parent:
            found.append(
                Change(ChangeKind.MOVED, new.code, new.name, _where(old.parent), _where(new.parent))
            )
        elif new.code in reordered:
            before, after = reordered[new.code]
            found.append(
                Change(
                    ChangeKind.MOVED,
                    new.code,
                    new.name,
                    f"thứ {before} trong {_where(old.parent)}",
                    f"thứ {after} trong {_where(new.parent)}",
                )
            )
        for (kind, old_value, old_text), (_k, new_value, new_text) in zip(
            _node_fields(old), _node_fields(new), strict=True
        ):
            if old_value == new_value:
                continue
            if kind is ChangeKind.RULE:
                old_text, new_text = _rule_words(old), _rule_words(new)
                if old_text == new_text:  # the change is in what words leave out
                    new_text += f"\n{RULE_DETAIL_CHANGED}"
            found.append(Change(kind, new.code, new.name, old_text, new_text, kind.value))
        keyed.extend(((index, 1, i), change) for i, change in enumerate(found))

    # A removed node is listed where it stood: after the last node before it that remains.
    anchor = -1
    for index, old in enumerate(a.nodes):
        if old.code in b_by:
            anchor = b_pos[old.code]
            continue
        text = f"{points(old.max)} điểm, {_where(old.parent)}"
        keyed.append(((anchor, 2, index), Change(ChangeKind.REMOVED, old.code, old.name, text, "")))
    keyed.sort(key=lambda item: item[0])
    return changes + [change for _key, change in keyed]


def _bands_text(doc: Any) -> str:
    bands = doc.get("bands") if isinstance(doc, dict) else None
    if not isinstance(bands, list):
        return ""
    parts = []
    for band in bands:
        if not isinstance(band, dict):
            continue
        low = band.get("min")
        label = str(band.get("label", ""))
        parts.append(f"{label} từ {points(low)}" if isinstance(low, Decimal) else label)
    return "; ".join(parts)


def _top(
    *,
    code: str,
    name: str,
    year: int | None,
    applies_to: Sequence[str] | None,
    issued_by: str,
    scale: Decimal,
    decimals: int,
    document: Any,
    questionnaires: Iterable[str],
) -> dict[str, str]:
    return {
        "code": code,
        "name": name,
        "year": str(year) if year is not None else "",
        "applies_to": unit_kinds_text(list(applies_to)) if applies_to else "",
        "issued_by": issued_by,
        "scale": points(Decimal(scale).normalize()),
        "decimals": str(decimals),
        "bands": _bands_text(document),
        "questionnaires": ", ".join(sorted(questionnaires)),
    }


def snapshot_of(version: Any) -> Snapshot:
    """The snapshot of a stored ``FrameworkVersion`` (its rows and questionnaires)."""
    from .selectors import criterion_nodes, get_engine_framework, version_document

    rows = criterion_nodes(version)
    codes = {row.pk: row.code for row in rows}
    words = rules_in_words(get_engine_framework(version))
    nodes = tuple(
        NodeSnapshot(
            code=row.code,
            name=row.name,
            parent=codes.get(row.parent_id) if row.parent_id else None,
            max=Decimal(row.max_points).normalize(),
            rule_text=row.rule_text,
            source=row.source,
            evidence=row.evidence,
            evidence_hint=row.evidence_hint,
            guidance=row.guidance,
            owner_hint=row.owner_hint,
            kind=row.kind,
            capped=row.capped,
            applies_to=tuple(row.applies_to) if row.applies_to is not None else None,
            may_not_apply=row.may_not_apply,
            rule_words=words.get(row.code, ""),
        )
        for row in rows
    )
    digests = tuple(sorted(version.questionnaires.values_list("code", "sha256")))
    top = _top(
        code=version.code,
        name=version.name,
        year=version.year,
        applies_to=version.applies_to,
        issued_by=version.issued_by,
        scale=version.scale,
        decimals=version.decimals,
        document=version_document(version),
        questionnaires=[code for code, _digest in digests],
    )
    return Snapshot(top=top, nodes=nodes, questionnaire_digests=digests)


def snapshot_of_check(result: Any) -> Snapshot:
    """The snapshot of a checked upload (a :class:`~.checking.CheckResult` without errors),
    to show what a re-import would change before it is confirmed."""
    from .checking import node_records

    fw = result.framework
    words = rules_in_words(fw)
    nodes = tuple(
        NodeSnapshot(
            code=r.code,
            name=r.name,
            parent=r.parent,
            max=r.max,
            rule_text=r.rule_text,
            source=r.source,
            evidence=r.evidence,
            evidence_hint=r.evidence_hint,
            guidance=r.guidance,
            owner_hint=r.owner_hint,
            kind=r.kind,
            capped=r.capped,
            applies_to=tuple(r.applies_to) if r.applies_to is not None else None,
            may_not_apply=r.may_not_apply,
            rule_words=words.get(r.code, ""),
        )
        for r in node_records(fw, result.document)
    )
    digests = tuple(sorted((q.code, q.sha256) for q in result.questionnaires))
    top = _top(
        code=fw.code,
        name=fw.name,
        year=fw.year,
        applies_to=fw.applies_to,
        issued_by=fw.issued_by or "",
        scale=fw.scale,
        decimals=fw.decimals,
        document=result.document,
        questionnaires=[code for code, _digest in digests],
    )
    return Snapshot(top=top, nodes=nodes, questionnaire_digests=digests)


def diff_versions(a: Any, b: Any) -> list[Change]:
    """Changes from version ``a`` to version ``b`` (stored ``FrameworkVersion`` rows)."""
    return diff_snapshots(snapshot_of(a), snapshot_of(b))


def diff_xlsx(changes: Iterable[Change], *, title: str, left: str, right: str) -> bytes:
    """The changes as an .xlsx workbook (codes as text cells)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    from parindex.exchange.cells import append, put
    from parindex.exchange.workbooks import new_workbook, workbook_bytes

    wb = new_workbook()
    ws = wb.active
    ws.title = "So sánh"
    put(ws, 1, 1, title).font = Font(bold=True, size=13)
    append(ws, ["Bản trước", left])
    append(ws, ["Bản sau", right])
    header = ["Mã", "Tên tiêu chí / mục", "Thay đổi", "Trước", "Sau"]
    head_row = 5
    for column, text in enumerate(header, start=1):
        cell = put(ws, head_row, column, text)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF1F4")
    count = 0
    for change in changes:
        row = append(ws, [change.code or "", change.name, change.title, change.old, change.new])
        ws.cell(row=row, column=1).number_format = "@"
        count += 1
    if not count:
        append(ws, ["", "Hai bản giống nhau: không có thay đổi nào."])
    for column, width in zip("ABCDE", (10, 60, 28, 45, 45), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=head_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=head_row + 1, column=1)
    return workbook_bytes(wb)
