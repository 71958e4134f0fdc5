"""Ranking units by their rounded index (section 4 of the format).

Highest index first; equal indexes share a rank and the next rank skips (1, 2, 2, 4); units
with equal indexes are listed by unit code; units whose index is None come last, unranked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .numbers import round_half_up
from .result import UnitResult

__all__ = ["RankedUnit", "assign_ranks", "rank_results", "ranking_json"]


def assign_ranks(
    items: Iterable[tuple[str, Decimal | None]],
) -> list[tuple[int | None, str, Decimal | None]]:
    """``(unit code, index)`` pairs → ``(rank, unit code, index)`` in ranking order."""
    ordered = sorted(items, key=lambda it: (it[1] is None, -(it[1] or 0), it[0]))
    out: list[tuple[int | None, str, Decimal | None]] = []
    rank = 0
    previous: Decimal | None = None
    for position, (code, index) in enumerate(ordered, 1):
        if index is None:
            out.append((None, code, None))
            continue
        if previous is None or index != previous:
            rank = position
            previous = index
        out.append((rank, code, index))
    return out


@dataclass(frozen=True, slots=True)
class RankedUnit:
    rank: int | None
    unit: str
    name: str | None
    index: Decimal | None
    total: Decimal
    band: str | None


def rank_results(results: Iterable[UnitResult]) -> list[RankedUnit]:
    """Rank scored units (their indexes are already rounded)."""
    by_code = {r.unit.code: r for r in results}
    ranked = assign_ranks((code, r.index) for code, r in by_code.items())
    out = []
    for rank, code, index in ranked:
        r = by_code[code]
        out.append(RankedUnit(rank, code, r.unit.name, index, r.total, r.band))
    return out


def ranking_json(
    framework_code: str, ranked: Iterable[RankedUnit], decimals: int
) -> dict[str, Any]:
    """The ``ranking --json`` document."""

    def s(value: Decimal) -> str:
        return format(round_half_up(value, decimals), "f")

    return {
        "framework": framework_code,
        "ranking": [
            {
                "rank": u.rank,
                "unit": u.unit,
                "name": u.name,
                "index": s(u.index) if u.index is not None else None,
                "total": s(u.total),
                "band": u.band,
            }
            for u in ranked
        ],
    }
