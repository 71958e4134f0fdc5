"""Reading units: filtered lists in Vietnamese alphabetical order, one unit by code.

Vietnamese order (Đ after D, tones after the base letter) is not what SQLite or a typical
PostgreSQL collation gives, so the order is computed in Python with ``core.text.sort_key``
over (id, name) pairs only — cheap for registries of a few thousand units — and the page's
rows are then fetched by id with their parent and organiser in one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from parindex.core.text import sort_key

from .models import Unit, UnitQuerySet
from .permissions import units_visible_to

CURRENT = "hien-hanh"
ENDED = "het-hieu-luc"
FUTURE = "chua-hieu-luc"
VALIDITY_CHOICES = (
    ("", "Tất cả"),
    (CURRENT, "Đang hiệu lực"),
    (ENDED, "Đã hết hiệu lực"),
    (FUTURE, "Chưa có hiệu lực"),
)


def unit_list(
    *,
    user: Any,
    query: str = "",
    kind: str = "",
    validity: str = "",
    on: date | None = None,
    organiser_code: str = "",
) -> UnitQuerySet:
    """Units the user may see, filtered; unordered (see ``ordered_ids``)."""
    qs = units_visible_to(user).search(query)
    if kind:
        qs = qs.filter(kind=kind)
    if organiser_code:
        # The registry and the organising body itself.
        qs = qs.filter(Q(organiser__code=organiser_code) | Q(code=organiser_code))
    if on is not None:
        return qs.valid_on(on)
    today = timezone.localdate()
    if validity == CURRENT:
        qs = qs.valid_on(today)
    elif validity == ENDED:
        qs = qs.filter(valid_to__lt=today)
    elif validity == FUTURE:
        qs = qs.filter(valid_from__gt=today)
    return qs


def unit_order_key(name: str, code: str) -> tuple[Any, ...]:
    return (sort_key(name), code)


def ordered_ids(qs: UnitQuerySet) -> list[int]:
    """The ids of ``qs`` in Vietnamese alphabetical order of name, then code (one query)."""
    rows = qs.order_by().values_list("pk", "name", "code")
    return [pk for pk, name, code in sorted(rows, key=lambda r: unit_order_key(r[1], r[2]))]


def units_by_ids(ids: Sequence[int]) -> list[Unit]:
    """The units with these ids, in this order, with parent and organiser (one query)."""
    found = Unit.objects.select_related("parent", "organiser").in_bulk(list(ids))
    return [found[pk] for pk in ids if pk in found]


def sorted_units(units: Any) -> list[Unit]:
    return sorted(units, key=lambda u: unit_order_key(u.name, u.code))


def unit_get(*, user: Any, code: str) -> Unit | None:
    """A unit the user may see, with parent and organiser; None when absent or hidden."""
    return units_visible_to(user).select_related("parent", "organiser").filter(code=code).first()
