"""Ranking by rounded index: shared ranks, ties by unit code, null indexes last."""

from __future__ import annotations

from decimal import Decimal

from parindex.scoring import assign_ranks

D = Decimal


def test_equal_indexes_share_a_rank_and_the_next_rank_skips() -> None:
    got = assign_ranks(
        [("d", D("80.00")), ("b", D("90.50")), ("c", D("90.50")), ("a", D(95)), ("e", D("79.99"))]
    )
    assert got == [
        (1, "a", D(95)),
        (2, "b", D("90.50")),
        (2, "c", D("90.50")),
        (4, "d", D("80.00")),
        (5, "e", D("79.99")),
    ]


def test_ties_are_listed_by_unit_code_and_nulls_come_last_unranked() -> None:
    got = assign_ranks([("z", None), ("m", D(50)), ("b", D(50)), ("a", None), ("k", D(50))])
    assert got == [
        (1, "b", D(50)),
        (1, "k", D(50)),
        (1, "m", D(50)),
        (None, "a", None),
        (None, "z", None),
    ]


def test_equal_values_with_different_exponents_tie() -> None:
    got = assign_ranks([("a", D("70.5")), ("b", D("70.50"))])
    assert [r for r, _, _ in got] == [1, 1]


def test_empty() -> None:
    assert assign_ranks([]) == []
