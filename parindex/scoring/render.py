"""Readable text output of the ``parindex framework`` commands (Vietnamese, decimal comma)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from .model import Framework, NodeKind
from .numbers import format_decimal
from .ranking import RankedUnit
from .result import UnitResult

__all__ = ["check_summary", "ranking_table", "score_table"]

_NAME_WIDTH = 46


def _n(value: Decimal | None, decimals: int) -> str:
    return "—" if value is None else format_decimal(value, decimals, comma=True)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def check_summary(framework: Framework, file: str, warnings: int) -> str:
    """One-paragraph summary printed by ``check`` when the set is valid."""
    d = framework.decimals
    leaves = sum(1 for _ in framework.leaves())
    fields = [n for n in framework.nodes if n.kind is None]
    bonus = [n for n in framework.nodes if n.kind is NodeKind.BONUS]
    penalty = [n for n in framework.nodes if n.kind is NodeKind.PENALTY]
    parts = [
        f"{len(fields)} lĩnh vực",
        f"{len(framework.order)} tiêu chí (trong đó {leaves} tiêu chí được chấm điểm)",
        f"tối đa {_n(framework.max, d)} điểm",
    ]
    if bonus:
        parts.append(f"điểm thưởng tối đa {_n(sum((n.max for n in bonus), Decimal(0)), d)}")
    if penalty:
        parts.append(f"điểm trừ tối đa {_n(sum((n.max for n in penalty), Decimal(0)), d)}")
    if framework.questionnaires:
        parts.append(f"{len(framework.questionnaires)} phiếu khảo sát")
    if framework.bands:
        parts.append(f"{len(framework.bands)} mức xếp loại")
    tail = f" ({warnings} cảnh báo)" if warnings else ""
    return f"{file}: hợp lệ{tail} — {framework.code}: {framework.name}\n" + "; ".join(parts) + "."


def score_table(result: UnitResult) -> str:
    """The scored set as a table, then the totals."""
    fw = result.framework
    d = fw.decimals
    unit = result.unit
    lines = [
        f"Bộ tiêu chí: {fw.code} — {fw.name}",
        f"Đơn vị: {unit.code}"
        + (f" — {unit.name}" if unit.name else "")
        + (f" (loại: {unit.kind})" if unit.kind else ""),
        "",
    ]
    rows: list[tuple[str, str, str, str, str]] = [("Mã", "Tiêu chí", "Điểm", "Tối đa", "Cách tính")]
    for r in result.nodes:
        node = r.node
        indent = "  " * node.depth
        rows.append(
            (
                indent + node.code,
                _cut(node.name, _NAME_WIDTH),
                _n(r.points, d),
                _n(node.max, d),
                r.explanation.text(),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for i, row in enumerate(rows):
        lines.append(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  "
            f"{row[3]:>{widths[3]}}  {row[4]}".rstrip()
        )
        if i == 0:
            lines.append("-" * (sum(widths) + 8 + len("Cách tính")))
    lines.append("")
    lines.append(
        f"Điểm các lĩnh vực: {_n(result.base, d)} / {_n(result.applicable_max, d)} "
        f"(tối đa của bộ: {_n(result.max, d)})"
    )
    lines.append(f"Điểm thưởng: {_n(result.bonus, d)}; điểm trừ: {_n(result.penalty, d)}")
    lines.append(f"Tổng điểm: {_n(result.total, d)}")
    lines.append(
        f"Chỉ số: {_n(result.index, d)}" + (f" — xếp loại: {result.band}" if result.band else "")
    )
    if result.missing:
        lines.append(f"Chưa có số liệu ({len(result.missing)}): {', '.join(result.missing)}")
    return "\n".join(lines)


def ranking_table(framework: Framework, ranked: Sequence[RankedUnit] | Iterable[RankedUnit]) -> str:
    d = framework.decimals
    rows = [("Hạng", "Đơn vị", "Tên", "Chỉ số", "Tổng điểm", "Xếp loại")]
    for u in ranked:
        rows.append(
            (
                "—" if u.rank is None else str(u.rank),
                u.unit,
                _cut(u.name or "", _NAME_WIDTH),
                _n(u.index, d),
                _n(u.total, d),
                u.band or "",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = [f"Xếp hạng theo bộ tiêu chí {framework.code} — {framework.name}", ""]
    for i, row in enumerate(rows):
        lines.append(
            f"{row[0]:>{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:<{widths[2]}}  "
            f"{row[3]:>{widths[3]}}  {row[4]:>{widths[4]}}  {row[5]}".rstrip()
        )
        if i == 0:
            lines.append("-" * (sum(widths) + 10))
    return "\n".join(lines)
