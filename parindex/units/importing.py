"""Planning a unit import: what each row of a sheet would do, and what is wrong with it.

Nothing here writes. ``plan_import`` reads the rows (see ``xlsx``), resolves codes against the
file itself and the database, and names every problem by row and column in Vietnamese:

    Dòng 7, cột Loại: 'xa2' không phải loại đơn vị hợp lệ (bo, co_quan_tw, ...)

``services.unit_import_apply`` carries out a plan without errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from parindex.exchange.cells import CellError, read_date, read_text

from .kinds import UnitKind, kind_from_text
from .models import Unit
from .validators import (
    ADDRESS_MAX_LENGTH,
    KINDS_HINT,
    NAME_MAX_LENGTH,
    SHORT_NAME_MAX_LENGTH,
    code_error,
    range_error,
    split_codes,
    text_error,
)
from .xlsx import COLUMN_BY_KEY, COLUMNS, Sheet, SheetRow

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
ACTION_LABELS = {CREATE: "Thêm mới", UPDATE: "Cập nhật", UNCHANGED: "Không đổi"}
_KIND_LABELS = dict(UnitKind.choices)
# Field names as shown in the preview of changes.
FIELD_LABELS = {
    "name": "tên",
    "short_name": "tên ngắn",
    "kind": "loại",
    "parent": "cấp trên",
    "valid_from": "hiệu lực từ",
    "valid_to": "hiệu lực đến",
    "successors": "kế thừa",
    "address": "địa chỉ",
}
_CHUNK = 500
_COLUMN_ORDER = {c.header: i for i, c in enumerate(COLUMNS)}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Dòng {self.row}, cột {self.column}: {self.message}"


@dataclass
class ImportRow:
    row: int
    code: str = ""
    name: str = ""
    short_name: str = ""
    kind: str = ""
    parent_code: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    successor_codes: list[str] = field(default_factory=list)
    address: str = ""
    action: str = ""
    changes: dict[str, list[Any]] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    unit: Unit | None = field(default=None, repr=False)  # the existing unit, if any
    outside_registry: bool = False

    def error(self, key: str, message: str) -> None:
        self.errors.append(RowError(self.row, COLUMN_BY_KEY[key].header, message))

    @property
    def kind_label(self) -> str:
        return str(_KIND_LABELS.get(self.kind, self.kind))

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, "")

    @property
    def changed_labels(self) -> list[str]:
        return [FIELD_LABELS[k] for k in self.changes if k in FIELD_LABELS]

    def values(self) -> dict[str, Any]:
        """The row's values by field name, parent and successors as codes."""
        return {
            "name": self.name,
            "short_name": self.short_name,
            "kind": self.kind,
            "parent": self.parent_code,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "successors": sorted(self.successor_codes),
            "address": self.address,
        }


@dataclass
class ImportPreview:
    organiser: Unit | None
    filename: str = ""
    columns: tuple[str, ...] = ()
    rows: list[ImportRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    # Every unit the plan refers to (rows already in the system, parents, successors).
    units_by_code: dict[str, Unit] = field(default_factory=dict, repr=False)

    @property
    def row_errors(self) -> list[RowError]:
        return [e for r in self.rows for e in r.errors]

    @property
    def errors(self) -> list[str]:
        return [*self.file_errors, *(str(e) for e in self.row_errors)]

    @property
    def is_valid(self) -> bool:
        return not self.file_errors and bool(self.rows) and not self.row_errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(UNCHANGED)

    @property
    def column_headers(self) -> list[str]:
        return [COLUMN_BY_KEY[k].header for k in self.columns]


def unit_values(unit: Unit) -> dict[str, Any]:
    """A unit's importable values, comparable with ``ImportRow.values``.

    Expects ``parent`` selected and ``successors`` prefetched.
    """
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent_id and unit.parent else "",
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
        "successors": sorted(s.code for s in unit.successors.all()),
        "address": unit.address,
    }


def _units_by_codes(codes: Iterable[str]) -> dict[str, Unit]:
    wanted = sorted(set(codes))
    found: dict[str, Unit] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        qs = Unit.objects.filter(code__in=chunk).select_related("parent")
        for unit in qs.prefetch_related("successors"):
            found[unit.code] = unit
    return found


def _parent_codes_of(codes: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(codes))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        for code, parent_code in Unit.objects.filter(code__in=chunk).values_list(
            "code", "parent__code"
        ):
            found[code] = parent_code or ""
    return found


def _parse_row(raw: SheetRow, columns: tuple[str, ...]) -> ImportRow:
    row = ImportRow(row=raw.number)
    v = raw.values

    def cell_text(cell: Any, key: str) -> str:
        try:
            return read_text(cell) if cell is not None else ""
        except CellError as exc:
            row.error(key, exc.message)
            return ""

    def text(key: str) -> str:
        return cell_text(v.get(key), key)

    row.code = text("code")
    if message := code_error(row.code):
        row.error("code", message)
    row.name = text("name")
    if message := text_error(
        row.name, label="tên đơn vị", max_length=NAME_MAX_LENGTH, required=True
    ):
        row.error("name", message)
    row.short_name = text("short_name")
    if message := text_error(row.short_name, label="tên ngắn", max_length=SHORT_NAME_MAX_LENGTH):
        row.error("short_name", message)
    kind_text = text("kind")
    kind = kind_from_text(kind_text) if kind_text else None
    row.kind = kind or kind_text
    if not kind_text:
        row.error("kind", "loại đơn vị không được để trống")
    elif kind is None:
        row.error("kind", f"'{kind_text}' không phải loại đơn vị hợp lệ ({KINDS_HINT})")
    row.parent_code = text("parent")
    for key in ("valid_from", "valid_to"):
        if key not in columns:
            continue
        cell = v.get(key)
        try:
            value = read_date(cell) if cell is not None else None
        except CellError as exc:
            row.error(key, exc.message)
            value = None
        setattr(row, key, value)
    row.successor_codes = split_codes(text("successors"))
    row.address = text("address")
    if message := text_error(row.address, label="địa chỉ", max_length=ADDRESS_MAX_LENGTH):
        row.error("address", message)
    return row


def _fill_missing_columns(row: ImportRow, columns: tuple[str, ...]) -> None:
    """Columns absent from the file keep the existing unit's values."""
    if row.unit is None:
        return
    current = row.unit
    if "short_name" not in columns:
        row.short_name = current.short_name
    if "parent" not in columns:
        row.parent_code = current.parent.code if current.parent_id and current.parent else ""
    if "valid_from" not in columns:
        row.valid_from = current.valid_from
    if "valid_to" not in columns:
        row.valid_to = current.valid_to
    if "successors" not in columns:
        row.successor_codes = [s.code for s in current.successors.all()]
    if "address" not in columns:
        row.address = current.address


def plan_import(*, organiser: Unit | None, sheet: Sheet, filename: str = "") -> ImportPreview:
    preview = ImportPreview(
        organiser=organiser,
        filename=filename,
        columns=sheet.columns,
        file_errors=list(sheet.errors),
    )
    if not sheet.rows or sheet.errors:  # a file-level problem: rows would only add noise
        return preview
    rows = [_parse_row(raw, sheet.columns) for raw in sheet.rows]
    preview.rows = rows

    # Duplicate codes: the first row keeps the code, the others are named.
    first_row: dict[str, int] = {}
    file_rows: dict[str, ImportRow] = {}
    for row in rows:
        if not row.code or code_error(row.code):
            continue
        if row.code in first_row:
            row.error("code", f"mã '{row.code}' trùng với dòng {first_row[row.code]}")
            continue
        first_row[row.code] = row.row
        file_rows[row.code] = row

    referenced = {r.parent_code for r in rows if r.parent_code}
    referenced.update(c for r in rows for c in r.successor_codes)
    known = _units_by_codes({*file_rows, *referenced})
    preview.units_by_code = known
    organiser_id = organiser.pk if organiser is not None else None

    for code, row in file_rows.items():
        row.unit = known.get(code)
        _fill_missing_columns(row, sheet.columns)
    # Columns left out of the file bring the existing units' parents and successors in.
    kept = {r.parent_code for r in file_rows.values() if r.parent_code}
    kept.update(c for r in file_rows.values() for c in r.successor_codes)
    if extra := kept - known.keys() - file_rows.keys():
        known.update(_units_by_codes(extra))

    for code, row in file_rows.items():
        if row.parent_code and row.parent_code not in file_rows and row.parent_code not in known:
            row.error(
                "parent",
                f"không tìm thấy đơn vị có mã '{row.parent_code}' (trong tệp hoặc trong hệ thống)",
            )
        for successor in row.successor_codes:
            if successor == code:
                row.error("successors", "một đơn vị không thể kế thừa chính nó")
            elif successor not in file_rows and successor not in known:
                row.error(
                    "successors",
                    f"không tìm thấy đơn vị có mã '{successor}' (trong tệp hoặc trong hệ thống)",
                )
        if message := range_error(row.valid_from, row.valid_to):
            row.error("valid_to", message)

    _check_parent_cycles(file_rows, known)

    for row in file_rows.values():
        if row.unit is None:
            row.action = CREATE
            row.changes = {k: [None, v] for k, v in row.values().items() if v not in ("", None, [])}
            continue
        before = unit_values(row.unit)
        after = row.values()
        row.changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        row.action = UPDATE if row.changes else UNCHANGED
        if row.unit.organiser_id != organiser_id:
            row.outside_registry = True
            if row.changes:
                row.error(
                    "code",
                    f"đơn vị '{row.code}' ({row.unit.name}) thuộc danh sách đánh giá khác, "
                    "không sửa được bằng tệp này",
                )
    for row in rows:  # name each row's problems from left to right
        row.errors.sort(key=lambda e: _COLUMN_ORDER.get(e.column, len(_COLUMN_ORDER)))
    return preview


def _check_parent_cycles(file_rows: dict[str, ImportRow], known: dict[str, Unit]) -> None:
    """Every row whose parent chain comes back to itself is named, with the chain."""
    parent_of: dict[str, str] = {code: row.parent_code for code, row in file_rows.items()}
    for code, unit in known.items():
        if code not in parent_of:
            parent_of[code] = unit.parent.code if unit.parent_id and unit.parent else ""
    # Climb the database above the file until every chain ends.
    pending = {p for p in parent_of.values() if p and p not in parent_of}
    while pending:
        found = _parent_codes_of(pending)
        for code in pending:
            parent_of[code] = found.get(code, "")
        pending = {p for p in found.values() if p and p not in parent_of}

    for code, row in file_rows.items():
        path = [code]
        seen = {code}
        current = parent_of.get(code, "")
        while current:
            if current == code:
                chain = " → ".join([*path, code])
                row.error("parent", f"quan hệ cấp trên tạo thành vòng lặp: {chain}")
                break
            if current in seen:
                break  # a loop above this row, named on the rows that form it
            seen.add(current)
            path.append(current)
            current = parent_of.get(current, "")
